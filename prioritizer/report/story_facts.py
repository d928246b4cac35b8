"""What the story states, defined once: names and counts in words, the chosen initiatives'
rows, customers kept, complaints addressed, teams at full capacity; and the table types of
the pack's slides and sheets (see :mod:`.story` for the definitions in words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..analysis.protocol import Finding
from ..evidence.coverage import feedback_addressed
from ..models import Scenario
from ..result import Result
from ..rules import FULL

MAX_ROWS = 12
"""Rows of a table on one slide (the rest on the next)."""


@dataclass(frozen=True)
class Row:
    """One row of a slide table: cells as text, plus the raw numbers behind them."""

    cells: tuple[str, ...]
    numbers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    """A table for a slide or sheet: a title finding, column headers, rows."""

    finding: Finding
    header: tuple[str, ...]
    rows: list[Row]
    widths: tuple[float, ...] = ()
    """Relative column widths (any unit)."""
    notes: tuple[str, ...] = ()
    """Footnotes shown under the table (each a sentence)."""


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _count(n: int, word: str) -> str:
    """``1 initiative``, ``2 initiatives``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _name(scenario: Scenario, ident: str) -> str:
    return scenario.initiative(ident).name


def _names(scenario: Scenario, ids: list[str], limit: int = 3) -> str:
    names = [_name(scenario, i) for i in ids]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def _ids(text: Any) -> list[str]:
    return [t for t in str(text or "").split(";") if t and t != "nan"]


def chosen_frame(result: Result) -> pd.DataFrame:
    """The chosen initiatives' rows of the portfolio table, with ``voc_volume`` (complaints
    a year, as the value model uses it)."""
    portfolio = result.portfolio
    chosen = portfolio[portfolio["selected"]].copy()
    chosen["voc_volume"] = [
        float(result.scenario.initiative(str(i)).voc_volume) for i in chosen.index
    ]
    return chosen


def customers_kept(result: Result) -> float:
    """Customers kept a year by the chosen initiatives (Σ retained customers)."""
    return float(chosen_frame(result)["retained_customers_per_year"].sum())


def complaints_addressed(result: Result) -> float:
    """Complaints a year about what the chosen initiatives fix (Σ ``voc_volume``), each
    complaint counted once however many chosen initiatives address it."""
    return feedback_addressed(result.scenario, result.selected)


def full_teams(result: Result) -> dict[str, float]:
    """Teams whose chosen work uses at least :data:`~prioritizer.rules.FULL` of their
    person-days, with the share each uses (0-1), in the limits' order."""
    limits = result.limits()
    full = limits[(limits["kind"] == "capacity") & (limits["share_used"] >= FULL)]
    return {str(k).removeprefix("team:"): float(u) for k, u in full["share_used"].items()}


def value_span(scenario: Scenario) -> str:
    """What the NPV is valued over: ``3 years``; a roadmap over its plan and the horizon
    after it (§5): ``the 8 quarters of the plan and 3 years after it``."""
    span = _count(scenario.horizon_years, "year")
    if not scenario.periods:
        return span
    from ..roadmap.result import period_word

    count = len(scenario.periods)
    return f"the {count} {period_word(scenario, count)} of the plan and {span} after it"


def _team(name: str) -> str:
    """A team's name inside a sentence: ``contact_centre`` -> ``contact centre``, ``it`` ->
    ``IT`` (the same words as :func:`prioritizer.formatting.limit_label`)."""
    return fmt.team(name)
