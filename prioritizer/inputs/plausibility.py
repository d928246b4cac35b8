"""Plausibility read-back: values that are valid but unlikely to be what was meant.

Each check has a documented threshold in :class:`Thresholds`, overridable in the scenario
under ``plausibility:`` (``false`` switches a check off). Checks only warn; the hard limits
(negative values, churn above 100 pp) are refused by the column reader.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..exceptions import Problem
from ..models import ALL_SEGMENTS, Scenario
from .warnings import InputWarning


@dataclass(frozen=True)
class Thresholds:
    """When a plausibility warning fires (None: the check is off)."""

    churn_pp_above: float | None = 5.0
    """warn when an initiative cuts churn by more than this many percentage points"""
    churn_fraction_below: float | None = 0.05
    """warn when every non-zero churn value is below this (fractions written for pp?)"""
    voc_customers_ratio: float | None = 1.0
    """warn when voc_volume / complaint_rate exceeds this multiple of the segment's customers"""
    capacity_min_share: float | None = 0.05
    """warn when a budget or team capacity is below this share of what all initiatives ask"""
    capacity_max_share: float | None = 1.0
    """warn when a budget or team capacity covers this share (or more) of everything asked"""
    zero_cost: bool | None = True
    """warn about initiatives that cost 0"""

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], source: str, problems: list[Problem]
    ) -> Thresholds:
        """Thresholds with the scenario's overrides; unknown keys are problems."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                problems.append(
                    Problem(
                        f"{source}: key plausibility.{key}",
                        f"unknown threshold; expected one of {', '.join(sorted(known))}",
                    )
                )
                continue
            if value is False or value is None:
                values[key] = None
            elif key == "zero_cost":
                values[key] = bool(value)
            elif isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                values[key] = float(value)
            else:
                problems.append(
                    Problem(
                        f"{source}: key plausibility.{key}",
                        f"expected a number >= 0 or false; got {value!r}",
                    )
                )
        return cls(**values)

    def overrides(self) -> dict[str, Any]:
        """The thresholds that differ from the defaults, as written under ``plausibility:``
        (``false``: the check is off)."""
        return {
            f.name: False if getattr(self, f.name) is None else getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) != f.default
        }


def _ids(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" (+{len(ids) - limit} more)" if len(ids) > limit else "")


def churn_fraction_warning(
    values: Iterable[float], limit: float | None, where: str, *, at_least: int, what: str = ""
) -> InputWarning | None:
    """The ``churn-fractions`` warning when every non-zero churn value (at least
    ``at_least`` of them; sign ignored) is below ``limit`` pp: most likely fractions
    (0.004 = 0.4 %) written where percentage points are expected. None otherwise, or when
    the check is off (``limit`` None). ``what`` qualifies the values in the message
    (``"measured "``)."""
    nonzero = [abs(v) for v in values if v]
    if limit is None or len(nonzero) < at_least or max(nonzero) >= limit:
        return None
    return InputWarning(
        "churn-fractions",
        f"every {what}churn value is below {limit:g} pp (largest {max(nonzero):g}); churn is in "
        "percentage points (0.4 = 0.4 pp): if they are fractions (0.004 = 0.4 %), multiply by "
        "100",
        where,
    )


def check(
    scenario: Scenario, thresholds: Thresholds, source: str, table: str
) -> list[InputWarning]:
    """Every plausibility warning of a validated scenario."""
    out: list[InputWarning] = []
    items = scenario.initiatives
    t = thresholds
    churn = [i.churn_reduction_pp for i in items]
    where = f"{table} column 'churn_reduction_pp'"
    if t.churn_pp_above is not None:
        high = [i.id for i, c in zip(items, churn, strict=True) if c > t.churn_pp_above]
        if high:
            out.append(
                InputWarning(
                    "churn-high",
                    f"churn cut above {t.churn_pp_above:g} pp for {_ids(high)}; churn_reduction_pp"
                    " is in percentage points (0.4 = 0.4 pp); raise plausibility.churn_pp_above "
                    "if meant",
                    where,
                )
            )
    fractions = churn_fraction_warning(churn, t.churn_fraction_below, where, at_least=2)
    if fractions is not None:
        out.append(fractions)
    customers = {name: seg.customers for name, seg in scenario.segments.items()}
    everyone = sum(customers.values())
    rate = scenario.complaint_rate
    if t.voc_customers_ratio is not None:
        over = [
            i.id
            for i in items
            if i.voc_volume / rate
            > t.voc_customers_ratio
            * customers.get(i.segment, everyone if i.segment == ALL_SEGMENTS else math.inf)
        ]
        if over:
            out.append(
                InputWarning(
                    "voc-above-customers",
                    f"VoC volume implies more affected customers (voc_volume / complaint_rate "
                    f"{rate:g}) than the segment has, for {_ids(over)}; the value model caps "
                    "them at the segment size: check the segment's customers and the VoC units",
                    f"{table} column 'voc_volume'",
                )
            )
        by_segment: dict[str, float] = {}
        for i in items:
            if i.segment != ALL_SEGMENTS:
                by_segment[i.segment] = by_segment.get(i.segment, 0.0) + i.voc_volume
        for name, voc in sorted(by_segment.items()):
            if customers.get(name, math.inf) < voc:
                out.append(
                    InputWarning(
                        "customers-tiny",
                        f"{customers[name]:,.10g} customers, fewer than the {voc:,.10g} "
                        "complaints a year its initiatives fix; is the count written in "
                        "thousands or with a misread separator?",
                        f"{source}: key segments.{name}.customers",
                    )
                )
    asks: list[tuple[str, float | None, float]] = [
        ("budget", scenario.budget, math.fsum([i.cost for i in items])),
    ]
    if scenario.opex_budget is not None:
        asks.append(("opex_budget", scenario.opex_budget, math.fsum([i.opex for i in items])))
    efforts = [i.effort for i in items]
    for team, capacity in scenario.teams.items():
        asks.append((f"teams.{team}", capacity, math.fsum([e.get(team, 0.0) for e in efforts])))
    for key, cap, asked in asks:
        if cap is None or asked <= 0:
            continue
        if t.capacity_min_share is not None and cap < t.capacity_min_share * asked:
            out.append(
                InputWarning(
                    "capacity-tiny",
                    f"{cap:,.10g} is under {t.capacity_min_share:.0%} of the {asked:,.10g} all "
                    "initiatives ask together; is it in the right unit?",
                    f"{source}: key {key}",
                )
            )
        elif t.capacity_max_share is not None and cap >= t.capacity_max_share * asked:
            out.append(
                InputWarning(
                    "capacity-unbinding",
                    f"{cap:,.10g} covers the {asked:,.10g} all initiatives ask together, so it "
                    "limits nothing; is it in the right unit?",
                    f"{source}: key {key}",
                )
            )
    if t.zero_cost:
        free = [i.id for i in items if i.cost == 0]
        if free and len(free) < len(items):
            out.append(
                InputWarning(
                    "zero-cost",
                    f"cost 0 (free) for {_ids(free)}; write the cost if it is not free",
                    f"{table} column 'cost'",
                )
            )
    out += _lonely_groups(scenario, table)
    out += _period_length(scenario, source)
    out += _roadmap_columns_ignored(scenario, table)
    return out


_CALENDAR_WORDS = {1: "months", 3: "quarters", 6: "half-years", 12: "years"}


def _period_length(scenario: Scenario, source: str) -> list[InputWarning]:
    """Period labels that read as calendar periods of one length (``2027Q1`` quarters,
    ``2027-01`` months, ``2027H1`` half-years, ``2027`` years: the spellings
    :func:`prioritizer.tracking.calendar.calendar_span` reads) while
    ``period_length_months`` says another: every value is counted per period of
    ``period_length_months``, so the plan is valued on the wrong clock."""
    from ..tracking.calendar import calendar_span

    labels = list(scenario.periods or ())
    spans = [calendar_span(label) for label in labels]
    if not labels or any(span is None for span in spans):
        return []  # free labels (Sprint 1, P1, ...): nothing to compare
    lengths = {
        (end.year - start.year) * 12 + end.month - start.month
        for start, end in (span for span in spans if span is not None)
    }
    if len(lengths) != 1:
        return []
    months = lengths.pop()
    given = scenario.period_length_months
    if months == given:
        return []
    shown = ", ".join(labels[:2]) + (", ..." if len(labels) > 2 else "")
    return [
        InputWarning(
            "period-length",
            f"the periods ({shown}) read as {_CALENDAR_WORDS.get(months, f'{months}-month')} "
            f"but period_length_months is {given:g}"
            + (" (the default)" if "period_length_months" not in scenario.model_fields_set else "")
            + f", so every amount is counted per {given:g}-month period (discounting, "
            f"benefit per period, the horizon's periods); write period_length_months: {months} "
            "or relabel the periods",
            f"{source}: key period_length_months",
        )
    ]


_ROADMAP_COLUMNS = ("duration", "earliest_start", "deadline", "ramp_up")


def _roadmap_columns_ignored(scenario: Scenario, table: str) -> list[InputWarning]:
    """Roadmap columns filled (``duration`` other than 1, ``ramp_up`` other than 0, any
    ``earliest_start`` or ``deadline``) in a scenario without ``periods``: only
    ``prioritizer roadmap`` reads them, and only with ``periods``, so nothing checks them
    (a deadline of "after summer" passes) and ``solve`` ignores them."""
    if scenario.periods:
        return []
    filled: dict[str, list[str]] = {}
    for item in scenario.initiatives:
        for column in _ROADMAP_COLUMNS:
            value = getattr(item, column)
            default = {"duration": 1, "ramp_up": 0}.get(column, "")
            if value != default:
                filled.setdefault(column, []).append(item.id)
    if not filled:
        return []
    filled = {column: filled[column] for column in _ROADMAP_COLUMNS if column in filled}
    which = "; ".join(f"{column} for {_ids(ids, 3)}" for column, ids in filled.items())
    names = ", ".join(f"'{column}'" for column in filled)
    return [
        InputWarning(
            "roadmap-columns-ignored",
            f"roadmap columns are filled ({which}) but the scenario has no `periods`: they are "
            "read only by `prioritizer roadmap` on a scenario with `periods` (spec.md §5), so "
            "they are not checked and `solve` ignores them; add `periods` or empty them",
            f"{table} column{'s' if len(filled) > 1 else ''} {names}",
        )
    ]


def _lonely_groups(scenario: Scenario, table: str) -> list[InputWarning]:
    """An exclusive group with one member limits nothing: most often a misspelled group name
    (groups match without case, so ``Chatbot`` and ``chatbot`` are already one)."""
    members: dict[str, list[str]] = {}
    for item in scenario.initiatives:
        if item.exclusive_group:
            members.setdefault(item.exclusive_group, []).append(item.id)
    lonely = {group: ids[0] for group, ids in members.items() if len(ids) == 1}
    out = []
    for group, ident in lonely.items():
        others = difflib.get_close_matches(group, [g for g in members if g != group], n=1)
        hint = f"; a typo of {others[0]!r}?" if others else ""
        out.append(
            InputWarning(
                "lonely-group",
                f"{ident} is the only initiative in exclusive group {group!r}, so the group "
                f"limits nothing{hint}",
                f"{table} column 'exclusive_group'",
            )
        )
    return out
