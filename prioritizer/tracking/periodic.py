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
from .calendar import calendar_span, is_calendar, order_labels, period_of


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


def _span_key(label: str) -> tuple[tuple[_dt.date, _dt.date], bool] | None:
    """A label's calendar span and whether it names a fiscal year (``FY2027 Q1``: matched
    only to fiscal labels, a fiscal year need not be the calendar year), None for a free
    label."""
    span = calendar_span(label)
    return None if span is None else (span, "fy" in label.casefold())


def place_in_periods(
    rows_in: dict[str, ActualRow],
    periods: list[str],
    column: str,
    source: str,
    problems: list[Problem],
) -> dict[str, ActualRow]:
    """Each row's period as the plan's label (labels matched without case, else by calendar
    span: ``Q1 2027``, ``2027-Q1`` or ``q1-2027`` is the plan's ``2027Q1``; dates by calendar
    span); unknown ones are located problems (appended to ``problems``), and so are two rows
    of one initiative whose labels, spelled differently, name one period."""
    errors = Errors(source, False)
    spelled = {p.casefold(): p for p in periods}
    by_span: dict[tuple[tuple[_dt.date, _dt.date], bool], list[str]] = {}
    for period in periods:
        if (key := _span_key(period)) is not None:
            by_span.setdefault(key, []).append(period)
    shown = f"{periods[0]}–{periods[-1]}" if len(periods) > 2 else ", ".join(periods)
    calendar = is_calendar(periods)
    rows: dict[str, ActualRow] = {}
    for r in rows_in.values():
        parts = []
        labelled: dict[str, PeriodPart] = {}
        for part in r.parts:
            if part.day is None:
                label = spelled.get(part.period.strip().casefold())
                key = _span_key(part.period) if label is None else None
                if key is not None and len(by_span.get(key, ())) == 1:
                    label = by_span[key][0]
                if label is None:
                    errors.add(
                        column,
                        f"unknown {part.period}",
                        part.row,
                        f"unknown period {part.period!r}: the plan's periods are "
                        f"{', '.join(periods)}",
                    )
                elif label in labelled:
                    before = labelled[label]
                    errors.add(
                        column,
                        f"twice {r.id} {label}",
                        part.row,
                        f"{r.id} has two rows for period {label} ({before.period!r} in row "
                        f"{before.row}, {part.period!r} in row {part.row}); keep one",
                    )
                    label = None
                else:
                    labelled[label] = part
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
    ISO form); None for a blank cell, BAD for a cell that is neither or a date refused (a
    two-digit year, day and month unclear: :func:`read_dates`)."""
    keys: list[Any] = []
    days: list[Any] = []
    for k, (value, cell) in enumerate(zip(values, _read_column(values, numbers), strict=True)):
        if is_blank(value):
            keys.append(None)
            days.append(None)
        elif isinstance(cell, _dt.date):
            keys.append(cell.isoformat())
            days.append(cell)
        elif isinstance(cell, _Refused) and cell.datelike:
            errors.add(label, cell.kind, numbers[k], cell.message)
            keys.append(BAD)
            days.append(None)
        elif isinstance(value, int | float | str) and as_text(value):  # not a date: a label
            keys.append(as_text(value))
            days.append(None)
        else:
            errors.add(
                label, "period", numbers[k], f"must be a period label or a date; found {value!r}"
            )
            keys.append(BAD)
            days.append(None)
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


# --------------------------------------------------------------------------------------
# dates
_TIME = re.compile(
    r"^(?P<day>\S+?)(?:(?:T|\s+)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*(?P<zone>[ap]\.?m\.?|z|(?:utc|gmt)?\s*[+-]\d{1,2}(?::?\d{2})?|utc|gmt)?)?$",
    re.IGNORECASE,
)
"""A date, optionally followed by a time of that day (``2027-04-01 00:00:00``,
``2027-04-01T09:30``): ``day`` is the date part."""
_YEAR_FIRST = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SHORT_YEAR = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2})$")
_SERIAL_TEXT = re.compile(r"^\d{5}(?:\.\d+)?$")
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system, for every serial from 1 March 1900 on."""
_SERIAL_YEARS = (1990, 2100)
"""The years a number in a date column is read as an Excel serial date for."""
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_FORMS = "2027-03-31 (or 31.03.2027)"


@dataclass(frozen=True)
class _Refused:
    """A date cell refused: the problem's ``kind`` (it holds the value, so a problem line
    groups identical values only) and ``message``. ``datelike``: written as a date, so a
    period column reports it rather than reading it as a period label."""

    kind: str
    message: str
    datelike: bool = True


@dataclass(frozen=True)
class _Slashed:
    """``a/b/yyyy``: day first or month first, as the column settles (:func:`_settle`)."""

    first: int
    second: int
    year: int
    text: str

    def reading(self, day_first: bool) -> _dt.date | None:
        day, month = (self.first, self.second) if day_first else (self.second, self.first)
        try:
            return _dt.date(self.year, month, day)
        except ValueError:
            return None


def _spoken(day: _dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _serial(number: float) -> _dt.date | None:
    """The day of an Excel serial date (1900 system) in :data:`_SERIAL_YEARS`, else None."""
    if not math.isfinite(number) or not 0 <= number < 1e6:
        return None
    day = _EXCEL_EPOCH + _dt.timedelta(days=math.floor(number))
    return day if _SERIAL_YEARS[0] <= day.year <= _SERIAL_YEARS[1] else None


def _time_ok(found: re.Match[str]) -> bool:
    if found["h"] is None:
        return True
    hours, minutes, seconds = int(found["h"]), int(found["m"]), int(found["s"] or 0)
    twelve = found["zone"] is not None and found["zone"][0] in "aApP"
    return (1 <= hours <= 12 if twelve else hours <= 23) and minutes <= 59 and seconds <= 59


def _period(text: str) -> _Refused | None:
    """The refusal of a period label (``Q2 2027``) written for a date: its first and last day
    suggested, neither guessed."""
    span = calendar_span(text)
    if span is None:
        return None
    last = span[1] - _dt.timedelta(days=1)
    return _Refused(
        f"date {text}",
        f"must be a date, not a period; found {text!r}: write a date such as "
        f"{span[0].isoformat()} (first day of {text}) or {last.isoformat()} (last day)",
        datelike=False,
    )


def _read_cell(value: Any) -> _dt.date | _Slashed | _Refused | None:
    """One cell of a date column (see :func:`read_dates`)."""
    if is_blank(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = as_text(value)
    if type(value) in (int, float):  # an Excel cell formatted General: a serial date
        day = _serial(float(value))
        if day is not None:
            return day
        if (period := _period(text)) is not None:  # 2027: a year
            return period
        return _Refused(
            f"date-number {text}",
            f"must be a date such as {_FORMS}; found the number {text}, which is no Excel "
            f"date of {_SERIAL_YEARS[0]}–{_SERIAL_YEARS[1]}",
            datelike=False,
        )
    generic = _Refused(
        f"date {text}", f"must be a date such as {_FORMS}; found {text!r}", datelike=False
    )
    if not isinstance(value, str):
        return generic
    if (period := _period(text)) is not None:
        return period
    timed = _TIME.match(text)
    if timed is None or not _time_ok(timed):
        return generic
    part = timed["day"]
    if found := _YEAR_FIRST.match(part):
        year, month, day_of = int(found[1]), int(found[3]), int(found[4])
    elif found := _DOTTED.match(part):
        day_of, month, year = int(found[1]), int(found[2]), int(found[3])
    elif found := _SLASHED.match(part):
        return _Slashed(int(found[1]), int(found[2]), int(found[3]), text)
    elif _SHORT_YEAR.match(part):
        example = part[:-2] + "20" + part[-2:]
        return _Refused(
            f"date {text}",
            f"must be a date with a four-digit year; found {text!r}: write the year with four "
            f"digits ({example}, or ISO such as 2027-03-31)",
        )
    elif _SERIAL_TEXT.match(text) and (serial := _serial(float(text))) is not None:
        return _Refused(
            f"date {text}",
            f"must be a date; found {text!r}, which looks like an Excel serial date for "
            f"{serial.isoformat()}: format the column as dates before exporting (or write "
            f"{serial.isoformat()})",
        )
    else:
        return generic
    try:
        return _dt.date(year, month, day_of)
    except ValueError:
        return _Refused(
            f"date {text}", f"must be a date; found {text!r}, which is no day of the calendar"
        )


def _settle(cells: list[Any], numbers: list[int]) -> list[_dt.date | _Refused | None]:
    """The column's ``a/b/yyyy`` cells read in the order the column settles: day first when
    some cell reads only day first (30/06/2027), month first when some reads only month first
    (06/30/2027). Refused: a cell of either kind when the column holds both, and a cell that
    reads as two different days (01/04/2027) when nothing settles the order."""
    slashed = [(n, c) for n, c in zip(numbers, cells, strict=True) if isinstance(c, _Slashed)]
    only_day = [(n, c) for n, c in slashed if c.first > 12 and c.reading(True) is not None]
    only_month = [(n, c) for n, c in slashed if c.second > 12 and c.reading(False) is not None]
    out: list[_dt.date | _Refused | None] = []
    for cell in cells:
        if not isinstance(cell, _Slashed):
            out.append(cell)
            continue
        day_first, month_first = cell.reading(True), cell.reading(False)
        refused = f"date {cell.text}"
        if day_first is None and month_first is None:
            out.append(
                _Refused(
                    refused,
                    f"must be a date; found {cell.text!r}, which is no day of the calendar "
                    "(day first or month first)",
                )
            )
        elif day_first == month_first:
            out.append(day_first)
        elif only_day and only_month:
            if cell.first > 12 or cell.second > 12:
                own, theirs, (row, other) = (
                    ("day first", "month first", only_month[0])
                    if cell.first > 12
                    else ("month first", "day first", only_day[0])
                )
                message = (
                    f"must be a date in one day/month order; found {cell.text!r}, which reads "
                    f"only {own}, but row {row} ({other.text!r}) reads only {theirs}: the "
                    "column mixes the orders; write the dates as ISO (such as 2027-06-30)"
                )
            else:
                message = _ambiguous(cell, "the column mixes day-first and month-first dates")
            out.append(_Refused(refused, message))
        elif only_day or only_month:
            settled = day_first if only_day else month_first
            out.append(
                settled
                if settled is not None
                else _Refused(
                    refused, f"must be a date; found {cell.text!r}, no day of the calendar"
                )
            )
        else:
            out.append(_Refused(refused, _ambiguous(cell, "no date of the column settles it")))
    return out


def _ambiguous(cell: _Slashed, why: str) -> str:
    day_first, month_first = cell.reading(True), cell.reading(False)
    assert day_first is not None and month_first is not None
    return (
        f"must be a date whose day and month are clear; found {cell.text!r}, which reads as "
        f"{_spoken(day_first)} (day first) or {_spoken(month_first)} (month first), and {why}: "
        f"write {day_first.isoformat()} or {day_first:%d.%m.%Y} for {_spoken(day_first)}, "
        f"{month_first.isoformat()} or {month_first:%d.%m.%Y} for {_spoken(month_first)}"
    )


def _read_column(values: list[Any], numbers: list[int]) -> list[_dt.date | _Refused | None]:
    return _settle([_read_cell(value) for value in values], numbers)


def read_dates(values: list[Any], numbers: list[int], label: str, errors: Errors) -> list[Any]:
    """Dates of a column: None for a blank cell, BAD (and a located error) for anything else.

    Read: ISO ``2027-03-31`` (also ``2027/03/31``; a time after it, ``2027-03-31 09:30`` or
    ``2027-03-31T09:30``, means that day), ``31.03.2027`` (day first), ``30/06/2027`` or
    ``06/30/2027`` when the column settles the order (:func:`_settle`), Excel date cells and
    numbers in Excel cells formatted General (a serial date of 1990–2100, 1900 date system).
    Refused with the reason: a two-digit year, a serial date written as text (a CSV export of
    unformatted cells), a period such as ``Q2 2027`` (its first and last day suggested), text
    after the date."""
    out: list[Any] = []
    for number, cell in zip(numbers, _read_column(values, numbers), strict=True):
        if isinstance(cell, _Refused):
            errors.add(label, cell.kind, number, cell.message)
            out.append(BAD)
        else:
            out.append(cell)
    return out
