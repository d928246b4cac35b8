"""The one declared schema of the initiatives table.

Each :class:`Column` says its name, type, unit, bounds, what a blank means, its documentation
and the header spellings people use for it. The loader's validation, the template, COLUMNS.md,
the fuzzers and output number formats all read this one list.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from ..models import PILLARS

Kind = Literal["text", "number", "bool", "ids", "choice"]


@dataclass(frozen=True)
class Column:
    """One column of the initiatives table.

    Attributes
    ----------
    name:
        Canonical column name (snake_case, as in spec.md §1).
    kind:
        ``text``, ``number``, ``bool``, ``ids`` (``;``-separated initiative ids) or ``choice``.
    unit:
        Unit in words (``currency``, ``pp per year``, ``person-days``...), "" for text.
    doc:
        What the column means, one sentence.
    minimum, maximum:
        Bounds a value must respect (None: unbounded); above ``maximum`` is refused.
    blank:
        What a blank cell means, in words (shown in COLUMNS.md and the README).
    blank_refused:
        A blank cell in this column is refused unless ``defaults:`` states a value.
    aliases:
        Other header spellings (already normalised: lower case, words joined by ``_``).
    percent_ok:
        A ``%`` sign is allowed (the unit is percentage points).
    excel_format:
        Number format used when this column is written to a workbook.
    example:
        A typical value, as text.
    """

    name: str
    kind: Kind
    unit: str
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    blank: str = "the default"
    blank_refused: bool = False
    aliases: tuple[str, ...] = ()
    percent_ok: bool = False
    excel_format: str = "General"
    example: str = ""
    choices: tuple[str, ...] = ()


MONEY = "#,##0"
COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "text",
        "",
        "stable identifier, unique (case-insensitive)",
        blank="refused: every row needs an id",
        blank_refused=True,
        aliases=("initiative_id", "key", "ref", "code", "nr", "no", "number", "initiative"),
        example="CHATBOT-BUY",
    ),
    Column(
        "name",
        "text",
        "",
        "short title for charts",
        blank="the id",
        aliases=("title", "initiative_name", "summary"),
        example="Buy a chatbot",
    ),
    Column(
        "segment",
        "text",
        "",
        "LTV segment the initiative reaches (a key of `segments`, case-insensitive) or `all`",
        blank="refused: a blank is not read as every customer",
        blank_refused=True,
        aliases=("customer_segment", "ltv_segment", "segments"),
        example="mass",
    ),
    Column(
        "journey_stage",
        "text",
        "",
        "moment of the customer journey, e.g. onboarding, complaint handling",
        blank='"" (stage weight 1.0)',
        aliases=("stage", "journey", "journey_step", "moment_of_truth"),
        example="onboarding",
    ),
    Column(
        "pillar",
        "choice",
        "",
        "CX pillar: " + ", ".join(PILLARS),
        blank='"" (no pillar)',
        aliases=("cx_pillar",),
        choices=PILLARS,
        example="ease",
    ),
    Column(
        "type",
        "text",
        "",
        "kind of initiative, e.g. automation, process, self-service, regulatory: a reference "
        "class for calibrating forecasts on past cycles (`solve --calibrate-by type`)",
        blank='"" (no type)',
        aliases=("initiative_type", "category", "kind", "workstream"),
        example="automation",
    ),
    Column(
        "owner",
        "text",
        "",
        "who delivers it (a person or unit): a reference class for calibrating forecasts on "
        "past cycles (`solve --calibrate-by owner`)",
        blank='"" (no owner)',
        aliases=("initiative_owner", "product_owner", "accountable", "responsible"),
        example="Head of Service",
    ),
    Column(
        "voc_volume",
        "number",
        "count per year",
        "complaints/mentions per year of the pain point the initiative fixes",
        minimum=0,
        blank="0 (no complaints fixed)",
        aliases=("voc", "voice_of_customer_volume", "complaints", "complaint_volume", "mentions"),
        excel_format="#,##0",
        example="1200",
    ),
    Column(
        "ces_delta",
        "number",
        "effort-score points",
        "expected customer-effort-score improvement at the touchpoint",
        minimum=0,
        blank="0",
        aliases=("ces", "ces_improvement", "customer_effort_score_delta", "effort_score_delta"),
        excel_format="0.00",
        example="0.4",
    ),
    Column(
        "churn_reduction_pp",
        "number",
        "percentage points per year",
        "cut in the segment's annual churn rate, in percentage points (0.4 = 0.4 pp)",
        minimum=0,
        maximum=100,
        blank="0",
        aliases=("churn_reduction", "churn", "churn_pp", "churn_reduction_percent", "churn_delta"),
        percent_ok=True,
        excel_format="0.00",
        example="0.4",
    ),
    Column(
        "cross_sell",
        "number",
        "currency per year",
        "incremental cross-/up-sell margin per year",
        blank="0",
        aliases=("cross_sell_margin", "upsell", "cross_sell_value"),
        excel_format=MONEY,
        example="50000",
    ),
    Column(
        "cost_savings",
        "number",
        "currency per year",
        "operating cost saved per year",
        blank="0",
        aliases=("savings", "cost_saving", "opex_savings", "annual_savings"),
        excel_format=MONEY,
        example="120000",
    ),
    Column(
        "cost",
        "number",
        "currency",
        "one-off implementation cost (counts against `budget`)",
        minimum=0,
        blank="refused: a blank is not read as free",
        blank_refused=True,
        aliases=("one_off_cost", "capex", "implementation_cost", "investment", "budget_needed"),
        excel_format=MONEY,
        example="450000",
    ),
    Column(
        "opex",
        "number",
        "currency per year",
        "running cost per year (counts against `opex_budget`)",
        minimum=0,
        blank="0",
        aliases=("running_cost", "annual_cost", "run_cost", "operating_cost"),
        excel_format=MONEY,
        example="20000",
    ),
    Column(
        "depends_on",
        "ids",
        "",
        "ids (separated by `;`) that must also be chosen",
        blank="no dependency",
        aliases=("dependencies", "depends", "requires", "prerequisites"),
        example="CRM-UPGRADE",
    ),
    Column(
        "exclusive_group",
        "text",
        "",
        "at most one initiative per group is chosen",
        blank="no group",
        aliases=("group", "alternative_group", "exclusive", "either_or"),
        example="chatbot",
    ),
    Column(
        "mandatory",
        "bool",
        "",
        "must be chosen (true/false, yes/no, 1/0)",
        blank="false",
        aliases=("must_have", "required", "committed"),
        example="no",
    ),
    Column(
        "addresses",
        "text",
        "",
        "VoC topics the initiative fixes (separated by `;`); voc_volume is then derived from "
        "the evidence.voc export (spec §6)",
        blank="no topic (voc_volume as typed)",
        aliases=("topics", "voc_topics", "pain_points"),
        example="complaint not resolved; no update on complaint",
    ),
    # roadmap columns (spec.md §5); ignored when the scenario has no `periods`
    Column(
        "duration",
        "number",
        "periods",
        "whole periods of work (roadmaps only)",
        minimum=1,
        blank="1",
        example="2",
    ),
    Column(
        "earliest_start",
        "text",
        "",
        "period label before which it may not start (roadmaps only)",
        blank="the first period",
        example="2027Q3",
    ),
    Column(
        "deadline",
        "text",
        "",
        "period label: the last period of work, live from the next (roadmaps only)",
        blank="no deadline",
        example="2027Q4",
    ),
    Column(
        "ramp_up",
        "number",
        "periods",
        "periods from go-live to full benefit (roadmaps only)",
        minimum=0,
        blank="0",
        example="1",
    ),
)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
NUMBER_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind == "number")
EFFORT = Column(
    "effort_<team>",
    "number",
    "person-days",
    "effort asked of a team (one column per key of `teams`, case-insensitive)",
    minimum=0,
    blank="0 person-days",
    excel_format="#,##0",
    example="40",
)

IGNORED = frozenset(
    {
        "description",
        "notes",
        "note",
        "comment",
        "comments",
        "status",
        "jira",
        "jira_key",
        "jira_id",
        "ticket",
        "link",
        "url",
        "rice",
        "rice_score",
        "priority",
        "rank",
        "score",
        "sponsor",
        "team",
        "quarter",
        "created",
        "updated",
        "tags",
        "labels",
    }
)
"""Bookkeeping columns a backlog carries beside the data: read past with one notice."""

_UNIT = re.compile(r"\s*[(\[{][^)\]}]*[)\]}]\s*")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(header: str) -> str:
    """``'Cost (EUR)'`` -> ``cost``; ``'VoC Volume'`` -> ``voc_volume``; ``'Effort – Digital'``
    -> ``effort_digital``."""
    text = _UNIT.sub(" ", str(header)).strip().casefold()
    text = text.replace("€", " ").replace("%", " percent ")
    return _NON_WORD.sub("_", text).strip("_")


_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    _ALIASES[_column.name] = _column.name
    for _alias in _column.aliases:
        _ALIASES.setdefault(_alias, _column.name)


def match(header: str) -> str | None:
    """The canonical column a header names (``effort_<team>``, ``<field>_low/_high`` kept)."""
    key = normalise(header)
    if key in _ALIASES:
        return _ALIASES[key]
    for suffix in ("_low", "_high", "_min", "_max"):
        base = key.removesuffix(suffix)
        if base != key:
            found = match(base)
            if found is not None and (found in NUMBER_COLUMNS or found.startswith("effort_")):
                side = "_low" if suffix in ("_low", "_min") else "_high"
                return found + side
            return None
    for prefix in ("effort_days_", "effort_"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return "effort_" + key.removeprefix(prefix)
    for suffix in ("_effort", "_days", "_person_days", "_pd"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return "effort_" + key.removesuffix(suffix).removesuffix("_effort")
    return None


def suggest(header: str) -> str | None:
    """The known column a misspelt header most likely means, for a "did you mean"."""
    names = list(_ALIASES)
    close = difflib.get_close_matches(normalise(header), names, n=1, cutoff=0.75)
    return _ALIASES[close[0]] if close else None


def is_number_column(name: str) -> bool:
    """Whether a canonical column holds numbers (``effort_*`` and ranges included)."""
    base = name.removesuffix("_low").removesuffix("_high")
    return base in NUMBER_COLUMNS or base.startswith("effort_")


AMOUNT_UNITS = frozenset({"currency", "currency per year", "count per year", "person-days"})
"""Units of money and counts: a value there is never written with three decimals, so
``300.000`` in one of these columns is refused rather than read as 300 (see
:func:`prioritizer.inputs.numbers.decimal_clash`)."""


def is_amount(spec: Column) -> bool:
    """Whether a column holds money or a count (not a fraction such as churn points or a
    score): one mark before exactly three digits there means thousands, not decimals."""
    return spec.unit in AMOUNT_UNITS


def column_of(name: str) -> Column:
    """The schema entry of a canonical column name (``effort_x``, ``cost_low`` included)."""
    base = name.removesuffix("_low").removesuffix("_high")
    if base.startswith("effort_"):
        return EFFORT
    return BY_NAME[base]
