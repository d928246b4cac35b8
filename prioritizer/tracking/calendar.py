"""Period labels as calendar spans, so dated actuals find their period of a roadmap plan.

A roadmap's periods are free labels (spec.md §5). The usual spellings are read as calendar
spans: quarters ``2027Q1``, ``2027-Q1``, ``Q1 2027``, ``Q1/2027``; half-years ``2027H1``,
``H2 2027``; months ``2027-03``, ``2027M03``, ``Mar 2027``, ``March 2027``; years ``2027``,
``FY2027`` (a calendar year).
A date then belongs to the period whose span holds it. Consecutive labels of one length
(:func:`regular`) also give dates to periods past the last label (:func:`span_at`,
:func:`index_at`), e.g. a go-live planned after the roadmap's last period.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Sequence

_QUARTER = (
    re.compile(r"^(?:fy)?(\d{4})\s*[-_/ ]?\s*q([1-4])$"),
    re.compile(r"^q([1-4])\s*[-_/ ]?\s*(?:fy)?(\d{4})$"),
)
_HALF = (
    re.compile(r"^(?:fy)?(\d{4})\s*[-_/ ]?\s*h([12])$"),
    re.compile(r"^h([12])\s*[-_/ ]?\s*(?:fy)?(\d{4})$"),
)
_MONTH = re.compile(r"^(\d{4})\s*[-_/ m]\s*(\d{1,2})$")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORDS = {
    word: number
    for number, name in enumerate(_MONTH_NAMES, start=1)
    for word in (name, name[:3], *(("sept",) if name == "september" else ()))
}
"""English month names and their three-letter abbreviations (and ``sept``)."""
_NAMED_MONTH = (
    re.compile(r"^([a-z]+)\.?\s*[-_/ ]?\s*(\d{4})$"),
    re.compile(r"^(\d{4})\s*[-_/ ]?\s*([a-z]+)\.?$"),
)
"""``Jan 2027``, ``January 2027``, ``Jan. 2027``, ``2027 Jan``."""
_YEAR = re.compile(r"^(?:fy)?\s*(\d{4})$")


def _add_months(day: _dt.date, months: int) -> _dt.date:
    index = day.year * 12 + day.month - 1 + months
    return _dt.date(index // 12, index % 12 + 1, 1)


def calendar_span(label: str) -> tuple[_dt.date, _dt.date] | None:
    """(first day, first day after) of a period label, or None when it is not a calendar
    label. ``calendar_span("2027Q2") == (date(2027, 4, 1), date(2027, 7, 1))``."""
    text = str(label).strip().casefold()
    for number, pattern in enumerate(_QUARTER):
        found = pattern.match(text)
        if found:
            year, q = (found[1], found[2]) if number == 0 else (found[2], found[1])
            start = _dt.date(int(year), 3 * (int(q) - 1) + 1, 1)
            return start, _add_months(start, 3)
    for number, pattern in enumerate(_HALF):
        found = pattern.match(text)
        if found:
            year, h = (found[1], found[2]) if number == 0 else (found[2], found[1])
            start = _dt.date(int(year), 6 * (int(h) - 1) + 1, 1)
            return start, _add_months(start, 6)
    found = _MONTH.match(text)
    if found and 1 <= int(found[2]) <= 12:
        start = _dt.date(int(found[1]), int(found[2]), 1)
        return start, _add_months(start, 1)
    for number, pattern in enumerate(_NAMED_MONTH):
        found = pattern.match(text)
        if found:
            word, year = (found[1], found[2]) if number == 0 else (found[2], found[1])
            if word in _MONTH_WORDS:
                start = _dt.date(int(year), _MONTH_WORDS[word], 1)
                return start, _add_months(start, 1)
    found = _YEAR.match(text)
    if found:
        start = _dt.date(int(found[1]), 1, 1)
        return start, _add_months(start, 12)
    return None


def period_of(day: _dt.date, labels: Sequence[str]) -> str | None:
    """The label whose calendar span holds ``day`` (None: no such label, or the labels are not
    calendar labels)."""
    for label in labels:
        span = calendar_span(label)
        if span is not None and span[0] <= day < span[1]:
            return label
    return None


def is_calendar(labels: Sequence[str]) -> bool:
    """Whether every label reads as a calendar span."""
    return bool(labels) and all(calendar_span(label) is not None for label in labels)


def order_labels(labels: Sequence[str]) -> list[str]:
    """Labels in calendar order when they all read as calendar spans, else as given."""
    if is_calendar(labels):
        return sorted(labels, key=lambda label: calendar_span(label) or (_dt.date.min,))
    return list(labels)


def _months(span: tuple[_dt.date, _dt.date]) -> int:
    start, end = span
    return (end.year - start.year) * 12 + end.month - start.month


def regular(labels: Sequence[str]) -> tuple[_dt.date, int] | None:
    """(first day of the first period, months per period) when the labels are consecutive
    calendar periods of one length (``2027Q1, 2027Q2, ...``); None otherwise."""
    if not is_calendar(labels):
        return None
    spans = [span for label in labels if (span := calendar_span(label))]
    months = _months(spans[0])
    for before, after in itertools.pairwise(spans):
        if after[0] != before[1] or _months(after) != months:
            return None
    return spans[0][0], months


def span_at(first: _dt.date, months: int, index: int) -> tuple[_dt.date, _dt.date]:
    """(first day, first day after) of period ``index`` (0-based, may be past the labels) of
    a :func:`regular` calendar starting on ``first`` with ``months`` per period."""
    return _add_months(first, index * months), _add_months(first, (index + 1) * months)


def index_at(day: _dt.date, first: _dt.date, months: int) -> int:
    """The 0-based index of the period holding ``day`` in a :func:`regular` calendar
    (negative before its first period)."""
    elapsed = (day.year - first.year) * 12 + day.month - first.month
    return elapsed // months
