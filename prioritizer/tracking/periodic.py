"""One initiative's actuals row and, in a per-period table, its rows per period: reading the
period column, combining an initiative's periods into one row, placing them in a roadmap
plan's periods (see :mod:`.actuals` for the table's meaning)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import re
from dataclasses import dataclass
from typing import Any

from ..exceptions import Problem
from ..inputs.cells import BAD, Errors, as_text, is_blank, where_text
from .calendar import is_calendar, order_labels, period_of

_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class PeriodPart:
    """One row of a per-period actuals table: one initiative in one period."""

    period: str
    """The period label (as written, or the plan's spelling once matched) or an ISO date."""
    day: _dt.date | None
    """The date when the period was given as a date."""
    spent: float
    status: str
    go_live: _dt.date | None
    due: _dt.date | None
    measured: dict[str, float]
    row: int


@dataclass(frozen=True)
class ActualRow:
    """What is known of one initiative.

    ``measured`` holds only the impact fields with a value (annualized, field units).
    ``parts``: its rows of a per-period table (empty otherwise), in period order.
    """

    id: str
    status: str
    spent: float
    go_live: _dt.date | None
    due: _dt.date | None
    measured: dict[str, float]
    row: int
    parts: tuple[PeriodPart, ...] = ()

    @property
    def spent_by_period(self) -> dict[str, float]:
        """Spend per period (currency; empty without a ``period`` column)."""
        out: dict[str, float] = {}
        for part in self.parts:
            out[part.period] = out.get(part.period, 0.0) + part.spent
        return out


def place_in_periods(
    rows_in: dict[str, ActualRow],
    periods: list[str],
    column: str,
    source: str,
    problems: list[Problem],
) -> dict[str, ActualRow]:
    """Each row's period as the plan's label (labels matched without case, dates by calendar
    span); unknown ones are located problems (appended to ``problems``)."""
    errors = Errors(source, False)
    spelled = {p.casefold(): p for p in periods}
    shown = f"{periods[0]}–{periods[-1]}" if len(periods) > 2 else ", ".join(periods)
    calendar = is_calendar(periods)
    rows: dict[str, ActualRow] = {}
    for r in rows_in.values():
        parts = []
        for part in r.parts:
            if part.day is None:
                label = spelled.get(part.period.strip().casefold())
                if label is None:
                    errors.add(
                        column,
                        f"unknown {part.period}",
                        part.row,
                        f"unknown period {part.period!r}: the plan's periods are "
                        f"{', '.join(periods)}",
                    )
            elif not calendar:
                label = None
                errors.add(
                    column,
                    "not-calendar",
                    part.row,
                    f"a date cannot be placed in the plan's periods ({shown}: not calendar "
                    "labels such as 2027Q1); write the period label instead",
                )
            else:
                label = period_of(part.day, periods)
                if label is None:
                    errors.add(
                        column,
                        f"outside {part.period}",
                        part.row,
                        f"{part.period} falls in none of the plan's periods ({shown})",
                    )
            if label is not None:
                parts.append(dataclasses.replace(part, period=label))
        if len(parts) == len(r.parts):
            rows[r.id] = combine(r.id, parts, periods, source, problems)
    problems += errors.problems()
    return rows


def period_cells(
    values: list[Any], numbers: list[int], label: str, errors: Errors
) -> tuple[list[Any], list[Any]]:
    """(key, date) per cell of the ``period`` column: a label as written, or a date (key: its
    ISO form); None for a blank cell, BAD for a cell that is neither."""
    keys: list[Any] = []
    days = read_dates(values, numbers, label, Errors("", False))  # a non-date is a label
    for k, value in enumerate(values):
        if is_blank(value):
            keys.append(None)
        elif isinstance(days[k], _dt.date):
            keys.append(days[k].isoformat())
        elif isinstance(value, int | float | str) and as_text(value):
            keys.append(as_text(value))
            days[k] = None
        else:
            errors.add(
                label, "period", numbers[k], f"must be a period label or a date; found {value!r}"
            )
            keys.append(BAD)
            days[k] = None
    return keys, days


def period_kind(parts: dict[str, list[PeriodPart]]) -> tuple[str, list[int]]:
    """``label`` or ``date`` (the first row's) and the rows of the other kind."""
    every = sorted((p for group in parts.values() for p in group), key=lambda p: p.row)
    if not every:
        return "label", []
    kind = "date" if every[0].day is not None else "label"
    mixed = [p.row for p in every if (p.day is not None) != (kind == "date")]
    return kind, mixed


def reading_order(parts: dict[str, list[PeriodPart]], kind: str) -> list[str]:
    """The periods reported, in order: dates by date, labels in calendar order when they read
    as calendar spans, else in file order."""
    every = sorted((p for group in parts.values() for p in group), key=lambda p: p.row)
    if kind == "date":
        return sorted({p.period for p in every})
    labels = list(dict.fromkeys(p.period for p in every))
    return order_labels(labels)


def combine(
    ident: str,
    group: list[PeriodPart],
    order: list[str],
    source: str,
    problems: list[Problem],
) -> ActualRow:
    """One initiative's rows of a per-period table as one :class:`ActualRow` (module doc)."""
    position = {p.casefold(): k for k, p in enumerate(order)}
    group = sorted(
        group,
        key=lambda p: (position.get(p.period.casefold(), len(order)), p.day or _dt.date.min, p.row),
    )
    measured: dict[str, float] = {}
    for part in group:
        measured.update(part.measured)
    single: dict[str, _dt.date | None] = {}
    for name in ("go_live", "due"):
        dated = [(p.row, getattr(p, name)) for p in group if getattr(p, name) is not None]
        dates = sorted({d for _r, d in dated})
        if len(dates) > 1:
            rows = [r for r, _d in dated]
            problems.append(
                Problem(
                    where_text(source, False, name, rows),
                    f"{ident} has two {name} dates ({dates[0].isoformat()} and "
                    f"{dates[1].isoformat()}, rows {rows[0]} and {rows[-1]}); give one",
                )
            )
        single[name] = dates[0] if dates else None
    return ActualRow(
        id=ident,
        status=group[-1].status,
        spent=math.fsum(p.spent for p in group),
        go_live=single["go_live"],
        due=single["due"],
        measured=measured,
        row=min(p.row for p in group),
        parts=tuple(group),
    )


def read_dates(values: list[Any], numbers: list[int], label: str, errors: Errors) -> list[Any]:
    """Dates of a column (ISO, or 31.03.2027; Excel date cells): None for a blank cell, BAD
    (and a located error) for anything else."""
    out: list[Any] = []
    for k, value in enumerate(values):
        if is_blank(value):
            out.append(None)
        elif isinstance(value, _dt.datetime):
            out.append(value.date())
        elif isinstance(value, _dt.date):
            out.append(value)
        else:
            text = as_text(value)
            parsed: _dt.date | None = None
            try:
                parsed = _dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
            except ValueError:
                parsed = None
            dotted = _DOTTED.match(text)
            if parsed is None and dotted:
                try:
                    parsed = _dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
                except ValueError:
                    parsed = None
            if parsed is None:
                errors.add(
                    label,
                    "date",
                    numbers[k],
                    f"must be a date such as 2027-03-31 (or 31.03.2027); found {text!r}",
                )
                out.append(BAD)
            else:
                out.append(parsed)
    return out
