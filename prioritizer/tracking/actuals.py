"""The actuals table (spec.md §7), read with the same care as the backlog.

One row per initiative: ``id``, ``status`` (planned, in_progress, live, cancelled), ``spent``
(one-off spend to date, currency; the column is required, and a blank cell reads as 0 only for
a planned initiative), optional ``go_live`` (date), optional ``due`` (the planned go-live date,
for "what is late") and measured values of any impact field, annualized; a blank impact cell
means "not measured yet".

Optionally per period: with a ``period`` column (a period label of the plan such as ``2027Q1``,
or a date), one row per initiative and period; ``spent`` is then the spend *in* that period
(the spend to date is their sum), and ``status`` and the measured values are as at the end of
the period (the latest period's row counts; a measured value carries forward from the latest
period that has one). Labels are matched to a roadmap plan's periods, dates fall in the period
whose calendar span holds them (:mod:`.calendar`); several dates of one period add up.

CSV (any common encoding and delimiter, decimal comma or point) or XLSX, through the same
readers as the initiatives table (:mod:`prioritizer.inputs`): an amount (money or a count)
with one mark before exactly three digits that the file's convention would read as decimals
(``470,000`` in a decimal-comma file) is refused, not read 1,000 times too small, a header or
an Excel format in thousands is refused; the decimal mark is given by ``decimal=`` (``track
--decimal``), not the scenario. Measured churn that looks written as a fraction (every value
below 0.05 pp) is read with a warning. A yearly impact column headed per month or per
quarter (``Cost savings (EUR/month)``, ``monthly savings``) is refused; with the plan's
currency (``currency=``, as ``track`` gives it) a money header or cell in another currency
(``Spent (USD)``, ``£110000``) is refused. Rows hidden in Excel are not read, and said
(``hidden-rows``, with the ids on them).
Every problem is reported at once with its file, row and column.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError
from ..inputs import columns as schema
from ..inputs.cells import BAD, Errors, as_text, is_blank, read_numbers, where_text
from ..inputs.numbers import COMMA, POINT, Decimal, fmt, read_number, settle
from ..inputs.scale import (
    ANNUAL_COLUMNS,
    declares_scale,
    period_words,
    scaled_header_message,
    tokens,
    without_period,
)
from ..inputs.tables import HEADER_SEARCH_ROWS, RawTable, read_raw
from ..inputs.warnings import InputWarning
from .periodic import (
    ActualRow,
    PeriodPart,
    combine,
    period_cells,
    period_kind,
    place_in_periods,
    read_dates,
    reading_order,
)
from .plan import IMPACT_FIELDS

STATUSES: tuple[str, ...] = ("planned", "in_progress", "live", "cancelled")
_STATUS_WORDS = {
    "planned": "planned",
    "not_started": "planned",
    "in_progress": "in_progress",
    "inprogress": "in_progress",
    "started": "in_progress",
    "live": "live",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
_IN_PERIOD = "spent in period"
"""A header that says the spend is per period: `spent` of a per-period table, refused in a
table without a ``period`` column (it would be read as the spend to date)."""
_HEADERS = {
    "status": "status",
    "state": "status",
    "spent": "spent",
    "spend": "spent",
    "spent_to_date": "spent",
    "spend_to_date": "spent",
    "actual_cost": "spent",
    "actual_costs": "spent",
    "actual_spend": "spent",
    "actual_spent": "spent",
    "actual_spending": "spent",
    "amount_spent": "spent",
    "actuals": "spent",
    "cost_to_date": "spent",
    "costs_to_date": "spent",
    "cumulative_spend": "spent",
    "cumulative_spent": "spent",
    "spent_ytd": "spent",
    "spend_ytd": "spent",
    "ytd_spend": "spent",
    "ytd_spent": "spent",
    "total_spent": "spent",
    "total_spend": "spent",
    "spend_in_period": _IN_PERIOD,
    "spent_in_period": _IN_PERIOD,
    "spend_in_quarter": _IN_PERIOD,
    "spent_in_quarter": _IN_PERIOD,
    "spend_in_month": _IN_PERIOD,
    "spent_in_month": _IN_PERIOD,
    "period_spend": _IN_PERIOD,
    "quarterly_spend": _IN_PERIOD,
    "monthly_spend": _IN_PERIOD,
    "go_live": "go_live",
    "go_live_date": "go_live",
    "live_date": "go_live",
    "live_since": "go_live",
    "due": "due",
    "planned_go_live": "due",
    "due_date": "due",
    "period": "period",
    "period_label": "period",
    "reporting_period": "period",
    "quarter": "period",
    "month": "period",
}
_TO_DATE = frozenset(
    {
        "spent_to_date",
        "spend_to_date",
        "cost_to_date",
        "costs_to_date",
        "cumulative_spend",
        "cumulative_spent",
        "spent_ytd",
        "spend_ytd",
        "ytd_spend",
        "ytd_spent",
        "total_spent",
        "total_spend",
    }
)
"""Spend headers that say "so far": read as the spend to date, refused in a per-period table
(whose ``spent`` is the spend in each period, added up over the periods)."""
_SPENT = schema.Column(
    "spent", "number", "currency", "one-off spend to date", minimum=0.0, example="120000"
)
_MAY_FALL = ("churn_reduction_pp", "ces_delta", "cross_sell", "cost_savings")
"""Measured impacts that can come out negative (the pain point got worse)."""


@dataclass(frozen=True)
class Actuals:
    """The actuals of a cycle, by initiative id (file order)."""

    rows: dict[str, ActualRow]
    source: str = ""
    warnings: tuple[InputWarning, ...] = ()
    fields: tuple[str, ...] = ()
    """Impact fields the table has a column for."""
    periods: tuple[str, ...] = ()
    """Per-period tables: the periods reported, in order (empty otherwise)."""
    period_kind: str = ""
    """``label`` or ``date`` for a per-period table, "" otherwise."""
    period_column: str = "period"
    """The header of the period column as written (for located errors)."""
    currencies: tuple[tuple[str, str, int | None, str], ...] = ()
    """Currencies written in a money column's header or cells: (the currency as a code or
    symbol, the column's header, the row or None for the header, the text written); checked
    against the plan's currency by :func:`check_against` (``currency=``)."""

    def status(self, initiative_id: str) -> str:
        row = self.rows.get(initiative_id)
        return row.status if row else "planned"

    def to_frame(self) -> pd.DataFrame:
        """One row per initiative: status, spent, go_live, due and the measured fields."""
        records = [
            {
                "id": r.id,
                "status": r.status,
                "spent": r.spent,
                "go_live": r.go_live,
                "due": r.due,
                **{f: r.measured.get(f) for f in self.fields},
            }
            for r in self.rows.values()
        ]
        return pd.DataFrame.from_records(records).set_index("id")

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]], source: str = "actuals") -> Actuals:
        """Actuals from plain rows (``id``, ``status``, ``spent``, ``go_live``, fields...):
        the same checks as the file reader, rows numbered from 1. A missing value (None,
        NaN, ``pd.NA``, ``NaT``) is a blank cell and a numpy number a plain one, so
        ``df.to_dict("records")`` reads as its table."""
        rows = [{str(k): v for k, v in row.items()} for row in records]
        header: list[str] = []
        for row in rows:
            header += [k for k in row if k not in header]
        raw = RawTable(
            source,
            [(0, header)]
            + [(i + 1, [_plain(row.get(h)) for h in header]) for i, row in enumerate(rows)],
        )
        return _from_raw(raw)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str = "actuals") -> Actuals:
        """Actuals from a pandas DataFrame read like a table with a header: its columns are
        the header (row 1), its rows numbered from 2 as in the file; a named index (``id``,
        as :meth:`to_frame` gives) is a column. Missing values are blank cells."""
        if not isinstance(frame.index, pd.RangeIndex) or any(
            name is not None for name in frame.index.names
        ):
            frame = frame.reset_index()
        header = [str(c) for c in frame.columns]
        body = [
            (k + 2, [_plain(v) for v in values])
            for k, values in enumerate(frame.itertuples(index=False, name=None))
        ]
        return _from_raw(RawTable(source, [(1, header), *body]))


def _plain(value: Any) -> Any:
    """A cell of Python rows or a DataFrame as a file reader gives it: a missing value (None,
    NaN, ``pd.NA``, ``NaT``) None, a numpy number a Python one, a timestamp a datetime."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value) if not np.isnat(value) else None
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def read_actuals(
    path: str | Path,
    *,
    known_ids: Iterable[str] | None = None,
    plan_date: _dt.date | None = None,
    sheet: str | None = None,
    periods: Sequence[str] | None = None,
    decimal: str | None = None,
    currency: str | None = None,
) -> Actuals:
    """Read and check an actuals table.

    Parameters
    ----------
    path:
        A .csv/.tsv or .xlsx file.
    known_ids:
        The ids of the plan's scenario; any other id is a located error.
    plan_date:
        When the plan was approved; a ``go_live`` before it is a located error.
    periods:
        A roadmap plan's period labels: a per-period table's periods must be among them (a
        date: inside one of their calendar spans).
    decimal:
        The file's decimal mark, ``","`` or ``"."`` (``track --decimal``); default: settled
        from the file's own numbers (and a ``;`` delimiter), as for the backlog.
    currency:
        The plan's currency (``EUR``): an amount header or cell in another one (``Spent
        (USD)``, ``£110000``) is a located error; None: not checked.

    Raises
    ------
    ScenarioError
        Every problem found, each with its file, row and column.
    """
    if decimal not in (None, ".", ","):
        raise ScenarioError(
            [Problem("decimal", f"the decimal mark must be ',' or '.'; got {decimal!r}")]
        )
    raw = read_raw(Path(path), sheet=sheet, looks_like_header=_looks_like_header, what="actuals")
    known = list(known_ids) if known_ids is not None else None
    mark = {",": COMMA, ".": POINT}.get(decimal or "")
    actuals = _from_raw(raw, known, plan_date, mark)
    return check_against(
        actuals, known_ids=known, plan_date=plan_date, periods=periods, currency=currency
    )


def check_against(
    actuals: Actuals,
    *,
    known_ids: Iterable[str] | None = None,
    plan_date: _dt.date | None = None,
    periods: Sequence[str] | None = None,
    currency: str | None = None,
) -> Actuals:
    """Refuse ids the plan's scenario does not know, go-live dates before the plan and, with
    the plan's ``currency``, amounts written in another currency; with a roadmap plan's
    ``periods``, place each row of a per-period table in one of them."""
    problems: list[Problem] = []
    if currency:
        problems += _other_currencies(actuals, currency)
    if known_ids is not None:
        known = list(known_ids)
        by_fold = {k.casefold(): k for k in known}
        unknown = [r for r in actuals.rows.values() if r.id.casefold() not in by_fold]
        for r in unknown:
            problems.append(
                Problem(
                    where_text(actuals.source, False, "id", [r.row]),
                    f"unknown initiative {r.id!r}: not in the plan's scenario "
                    f"({len(known)} initiatives, e.g. {', '.join(known[:3])})",
                )
            )
        if not problems:
            rows = {}
            for r in actuals.rows.values():
                canonical = by_fold[r.id.casefold()]
                rows[canonical] = dataclasses.replace(r, id=canonical)
            actuals = dataclasses.replace(actuals, rows=rows)
    if plan_date is not None:
        for r in actuals.rows.values():
            if r.go_live is not None and r.go_live < plan_date:
                problems.append(
                    Problem(
                        where_text(actuals.source, False, "go_live", [r.row]),
                        f"{r.id} went live on {r.go_live.isoformat()}, before the plan of "
                        f"{plan_date.isoformat()}: a date of this cycle was expected",
                    )
                )
    first = first_period(periods or ())
    if first is not None:  # a go-live before the plan's first period: kept, but said
        label, starts = first
        early = [
            InputWarning(
                "go-live-before-plan",
                f"{r.id} went live on {r.go_live.isoformat()}, before the plan's first period "
                f"{label} (from {starts.isoformat()}): check the date, one of this cycle was "
                "expected",
                where_text(actuals.source, False, "go_live", [r.row]),
            )
            for r in actuals.rows.values()
            if r.go_live is not None
            and r.go_live < starts
            and (plan_date is None or r.go_live >= plan_date)  # else refused just above
        ]
        early = [w for w in early if w not in actuals.warnings]  # checked twice: said once
        if early:
            actuals = dataclasses.replace(actuals, warnings=(*actuals.warnings, *early))
    if periods and actuals.period_kind:
        placed = place_in_periods(
            actuals.rows, list(periods), actuals.period_column, actuals.source, problems
        )
        reported = {p.period for r in placed.values() for p in r.parts}
        actuals = dataclasses.replace(
            actuals, rows=placed, periods=tuple(p for p in periods if p in reported)
        )
    if problems:
        raise ScenarioError(problems, source=actuals.source)
    return actuals


def first_period(periods: Sequence[str]) -> tuple[str, _dt.date] | None:
    """The plan's first period and the day it starts, when its labels are calendar periods
    (:mod:`.calendar`); None otherwise (free labels, or no periods)."""
    from .calendar import calendar_span, is_calendar

    if not is_calendar(periods):
        return None
    spans = [(span[0], label) for label in periods if (span := calendar_span(label))]
    starts, label = min(spans)
    return label, starts


# --------------------------------------------------------------------------------------
_CURRENCY_WORD = re.compile(
    r"^(?:eur|usd|gbp|chf|pln|sek|nok|dkk)_|_(?:eur|usd|gbp|chf|pln|sek|nok|dkk)$"
)
"""A currency written into a header without brackets (``Actuals EUR``, ``EUR spend``)."""


def _header_key(cell: Any) -> str:
    """A header as its key, a currency written beside it without brackets dropped."""
    key = schema.normalise(as_text(cell))
    return key if key in _HEADERS else _CURRENCY_WORD.sub("", key)


def _canonical(cell: Any) -> str | None:
    key = schema.normalise(as_text(cell))
    if key in _HEADERS:
        return _HEADERS[key]
    bare = _CURRENCY_WORD.sub("", key)
    if bare in _HEADERS and _HEADERS[bare] in ("spent", _IN_PERIOD):
        return _HEADERS[bare]
    found = schema.match(as_text(cell))
    if found is None and period_words(as_text(cell)):  # `monthly savings`: refused below
        again = schema.match(without_period(as_text(cell)))
        found = again if again in ANNUAL_COLUMNS else None
    if found == "id" or found in IMPACT_FIELDS:
        return found
    return None


def _looks_like_header(cells: list[Any]) -> bool:
    names = [_canonical(c) for c in cells if not is_blank(c)]
    return "id" in names and any(n and n != "id" for n in names)


def _from_raw(
    raw: RawTable,
    known: list[str] | None = None,
    plan_date: _dt.date | None = None,
    declared: Decimal | None = None,
) -> Actuals:
    source = raw.source
    problems: list[Problem] = []
    warnings = list(raw.warnings)
    rows = [(n, cells) for n, cells in raw.rows if any(not is_blank(c) for c in cells)]
    position = next(
        (i for i, (_n, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]) if _looks_like_header(cells)),
        None,
    )
    if position is None:
        raise ScenarioError(
            [
                Problem(
                    source,
                    "no header row naming `id` and `status`/`spent`/impact columns in the first "
                    f"{HEADER_SEARCH_ROWS} rows; expected columns id, status, spent, go_live, "
                    f"and measured {', '.join(IMPACT_FIELDS)}",
                )
            ]
        )
    header_number, header_cells = rows[position]
    body = [(n, cells) for n, cells in rows[position + 1 :] if n not in raw.hidden]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            continue
        name = _canonical(cell)
        if name is None:
            warnings.append(
                InputWarning(
                    "actuals-column",
                    f"column {as_text(cell)!r} is not an actuals column; ignored",
                    f"{source} row {header_number}",
                )
            )
            continue
        if name in columns:
            problems.append(
                Problem(
                    f"{source} row {header_number}",
                    f"two columns mean {name!r} ({as_text(header_cells[columns[name]])!r} and "
                    f"{as_text(cell)!r}); keep one",
                )
            )
            continue
        columns[name] = index
    if "status" not in columns:
        problems.append(
            Problem(f"{source} row {header_number}", f"no `status` column; expected {STATUSES}")
        )
    in_period = columns.pop(_IN_PERIOD, None)
    if in_period is not None:
        if "period" not in columns:
            problems.append(
                Problem(
                    where_text(source, False, as_text(header_cells[in_period]), []),
                    f"{as_text(header_cells[in_period])!r} is the spend in one period, but the "
                    "table has no `period` column (also `quarter`, `month`), so it would be read "
                    "as the spend to date; add the period of each row, or name the column "
                    "`spent` if it holds the spend to date",
                )
            )
        elif "spent" in columns:
            problems.append(
                Problem(
                    f"{source} row {header_number}",
                    f"two columns mean 'spent' ({as_text(header_cells[columns['spent']])!r} and "
                    f"{as_text(header_cells[in_period])!r}); keep one",
                )
            )
        else:
            columns["spent"] = in_period
    if "spent" not in columns and in_period is None:
        problems.append(_no_spent(source, header_number, header_cells, columns))
    if "period" in columns and "spent" in columns and in_period is None:
        label = as_text(header_cells[columns["spent"]])
        if _header_key(header_cells[columns["spent"]]) in _TO_DATE:
            problems.append(
                Problem(
                    where_text(source, False, label, []),
                    f"{label!r} is the spend so far, but the table has a `period` column "
                    f"({as_text(header_cells[columns['period']])!r}), where each row's spend is "
                    "the spend in its period and they are added up: running totals would be "
                    "counted again in every period. Give the spend in each period (name the "
                    "column spend_in_period), or one row per initiative without the period "
                    "column",
                )
            )
    hidden = [
        (n, cells) for n, cells in rows[position + 1 :] if n in raw.hidden and "id" in columns
    ]
    if hidden:
        warnings.append(_hidden_rows(source, hidden, columns["id"]))
    for name, index in columns.items():
        label = as_text(header_cells[index])
        scale = declares_scale(label, name) if name in ("spent", *IMPACT_FIELDS) else None
        if scale:
            problems.append(
                Problem(where_text(source, False, label, []), scaled_header_message(scale, label))
            )
    if problems:
        raise ScenarioError(problems, source=source)

    def column(name: str) -> list[Any]:
        index = columns.get(name)
        if index is None:
            return [None] * len(body)
        return [cells[index] if index < len(cells) else None for _n, cells in body]

    numbers = [n for n, _c in body]
    # a closing total row (id "Total") is read past
    ids_raw = column("id")
    keep = [
        k
        for k, v in enumerate(ids_raw)
        if not re.match(r"^\s*(grand\s+)?totals?\b", as_text(v), re.I) or is_blank(v)
    ]
    if len(keep) < len(body):
        body = [body[k] for k in keep]
        numbers = [numbers[k] for k in keep]
        ids_raw = [ids_raw[k] for k in keep]
    errors = Errors(source, False)
    number_cells = [
        c
        for name in ("spent", *IMPACT_FIELDS)
        for c in column(name)
        if isinstance(c, str) and c.strip()
    ]
    decimal: Decimal | None
    if declared is not None:
        decimal, how = declared, f"decimal {'comma' if declared == COMMA else 'point'} (as given)"
    else:
        decimal, how = settle(number_cells, raw.delimiter)
    spent = _read_amounts(
        column("spent"),
        numbers,
        "spent",
        _label(header_cells, columns, "spent"),
        _SPENT,
        (decimal, how),
        errors,
    )
    measured: dict[str, list[float | None]] = {}
    for name in IMPACT_FIELDS:
        if name not in columns:
            continue
        spec = schema.column_of(name)
        if name in _MAY_FALL:
            spec = dataclasses.replace(spec, minimum=None)
        measured[name] = _read_amounts(
            column(name),
            numbers,
            name,
            _label(header_cells, columns, name),
            spec,
            (decimal, how),
            errors,
        )
    go_live = read_dates(
        column("go_live"), numbers, _label(header_cells, columns, "go_live"), errors
    )
    due = read_dates(column("due"), numbers, _label(header_cells, columns, "due"), errors)
    per_period = "period" in columns
    period_label = _label(header_cells, columns, "period")
    period_keys, period_days = (
        period_cells(column("period"), numbers, period_label, errors) if per_period else ([], [])
    )
    parts: dict[str, list[PeriodPart]] = {}
    names: dict[str, str] = {}
    seen_period: dict[str, dict[str, int]] = {}
    statuses = column("status")
    status_label = _label(header_cells, columns, "status")
    out: dict[str, ActualRow] = {}
    known_fold = {k.casefold() for k in known or []}
    id_label = _label(header_cells, columns, "id")
    first_row: dict[str, tuple[int, str]] = {}
    for k, number in enumerate(numbers):
        ident = as_text(ids_raw[k]) if not is_blank(ids_raw[k]) else ""
        if not ident:
            errors.add(
                _label(header_cells, columns, "id"),
                "blank",
                number,
                "every row needs an initiative id",
            )
            continue
        text = schema.normalise(as_text(statuses[k])) if not is_blank(statuses[k]) else ""
        status = _STATUS_WORDS.get(text)
        if status is None:
            found = f"found {as_text(statuses[k])!r}" if text else "found a blank"
            errors.add(
                status_label,
                "status",
                number,
                f"status must be one of {', '.join(STATUSES)}; {found}",
            )
        if spent[k] is None and status not in (None, "planned"):
            errors.add(
                _label(header_cells, columns, "spent"),
                "spent-blank",
                number,
                f"the spend is blank but the status is {status!r}; write the spend (0 if "
                "nothing was spent): only a planned initiative's blank spend counts as 0",
            )
            spent[k] = BAD
        if go_live[k] is not None and go_live[k] is not BAD and status not in (None, "live"):
            errors.add(
                _label(header_cells, columns, "go_live"),
                "go-live-status",
                number,
                f"a go-live date is given but the status is {status!r}; set the status to live "
                "or clear the date",
            )
        if known is not None and ident.casefold() not in known_fold:
            errors.add(
                id_label,
                f"unknown {ident}",
                number,
                f"unknown initiative {ident!r}: not in the plan's scenario ({len(known)} "
                f"initiatives, e.g. {', '.join(known[:3])})",
            )
        live_on = go_live[k]
        if plan_date is not None and isinstance(live_on, _dt.date) and live_on < plan_date:
            errors.add(
                _label(header_cells, columns, "go_live"),
                "before-plan",
                number,
                f"{ident} went live on {live_on.isoformat()}, before the plan of "
                f"{plan_date.isoformat()}: a date of this cycle was expected",
            )
        key = ident.casefold()
        if per_period:
            period_key = period_keys[k]
            if period_key is None:
                errors.add(
                    period_label,
                    "period-blank",
                    number,
                    "a per-period table needs the period of every row (a label such as 2027Q1 "
                    "or a date)",
                )
                continue
            if period_key is BAD:
                continue
            seen = seen_period.setdefault(key, {})
            if period_key.casefold() in seen:
                problems.append(
                    Problem(
                        where_text(source, False, period_label, [number]),
                        f"{ident} has two rows for period {period_key} (rows "
                        f"{seen[period_key.casefold()]} and {number}); keep one",
                    )
                )
                continue
            seen[period_key.casefold()] = number
            values = [spent[k], go_live[k], due[k], *(m[k] for m in measured.values())]
            if status is None or any(v is BAD for v in values):
                continue
            day = period_days[k]
            parts.setdefault(names.get(key, ident), []).append(
                PeriodPart(
                    period=period_key,
                    day=day if isinstance(day, _dt.date) else None,
                    spent=float(spent[k] or 0.0),
                    status=status,
                    go_live=go_live[k],
                    due=due[k],
                    measured={f: float(v) for f, m in measured.items() if (v := m[k]) is not None},
                    row=number,
                )
            )
            names.setdefault(key, ident)
            continue
        if key in first_row:
            before_row, before_status = first_row[key]
            both_live = status == "live" and before_status == "live"
            message = (
                f"{ident} is live twice (rows {before_row} and {number}); keep one row"
                if both_live
                else f"{ident} appears twice (rows {before_row} and {number}); keep one row"
            )
            problems.append(
                Problem(
                    where_text(source, False, status_label if both_live else "id", [number]),
                    message,
                )
            )
            continue
        first_row[key] = (number, status or "")
        values = [spent[k], go_live[k], due[k], *(m[k] for m in measured.values())]
        if status is None or any(v is BAD for v in values):
            continue
        out[ident] = ActualRow(
            id=ident,
            status=status,
            spent=float(spent[k] or 0.0),
            go_live=go_live[k],
            due=due[k],
            measured={f: float(v) for f, m in measured.items() if (v := m[k]) is not None},
            row=number,
        )
    kind = ""
    if per_period:
        kind, mixed = period_kind(parts)
        for row_number in mixed:
            errors.add(
                period_label,
                "period-kind",
                row_number,
                f"periods must all be labels (such as 2027Q1) or all dates, like the first "
                f"row's ({kind}s)",
            )
    problems = errors.problems() + problems
    if problems:
        raise ScenarioError(problems, source=source)
    order = reading_order(parts, kind)
    for ident, group in parts.items():
        out[ident] = combine(ident, group, order, source, problems)
    if problems:
        raise ScenarioError(problems, source=source)
    if not out:
        raise ScenarioError([Problem(source, "no initiative rows below the header")])
    marks: list[tuple[str, str, int | None, str]] = []
    for name in _MONEY:
        if name not in columns:
            continue
        label = _label(header_cells, columns, name)
        marks += [(code, label, None, label) for code in _currencies_in(tokens(label))]
        for number, cell in zip(numbers, column(name), strict=True):
            if isinstance(cell, str):
                marks += [(code, label, number, cell.strip()) for code in _cell_currencies(cell)]
    return Actuals(
        out,
        source=source,
        warnings=tuple(warnings),
        fields=tuple(measured),
        periods=tuple(order),
        period_kind=kind,
        period_column=period_label,
        currencies=tuple(marks),
    )


def _hidden_rows(source: str, hidden: list[tuple[int, list[Any]]], id_at: int) -> InputWarning:
    """``hidden-rows``: rows of an Excel sheet hidden (a filter, or by hand) are not read; a
    warning names them and the ids on them (empty hidden rows are not among them)."""
    from ..inputs.cells import rows_text

    numbers = [n for n, _c in hidden]
    ids = [as_text(c[id_at]) for _n, c in hidden if id_at < len(c) and not is_blank(c[id_at])]
    rows = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {rows_text(numbers)}"
    on = f"{rows}, {', '.join(dict.fromkeys(ids))}" if ids else rows
    return InputWarning(
        "hidden-rows",
        f"{len(numbers)} row(s) hidden in Excel (a filter, or hidden by hand) were skipped, not "
        f"read as actuals ({on}): their spend and measurements are not counted; unhide "
        "them (clear the filter) if they count",
        where_text(source, False, None, numbers),
    )


# --------------------------------------------------------------------------------------
# currencies
# --------------------------------------------------------------------------------------
_MONEY = ("spent", "cost_savings", "cross_sell", "opex")
"""The actuals' money columns (currency), whose header or cells may name a currency."""
_CODES = frozenset(
    {
        "eur",
        "usd",
        "gbp",
        "chf",
        "pln",
        "sek",
        "nok",
        "dkk",
        "jpy",
        "cny",
        "cad",
        "aud",
        "nzd",
        "huf",
        "czk",
        "ron",
        "bgn",
        "inr",
        "sgd",
        "hkd",
        "zar",
        "brl",
        "mxn",
        "isk",
    }
)
_SIGNS = {
    "€": "EUR",
    "$": "$",
    "us$": "USD",
    "£": "GBP",
    "¥": "¥",
    "₣": "CHF",
    "sfr": "CHF",
    "zł": "PLN",
    "zl": "PLN",
    "kr": "kr",
}
"""Currency signs -> the code they stand for, or themselves where they stand for several
(``$``: USD, CAD, AUD...; ``kr``: SEK, NOK, DKK, ISK; ``¥``: JPY, CNY)."""
_SHARED = {
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}),
    "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "¥": frozenset({"JPY", "CNY"}),
}
_CELL_CURRENCY = re.compile(
    r"us\$|[€$£¥₣]|(?<![^\W\d_])(?:" + "|".join(sorted(_CODES)) + r"|sfr|zł|zl|kr)(?![^\W\d_])",
    re.IGNORECASE,
)


def _currency(word: str) -> str | None:
    """A header word or cell mark as a currency (a code, or a shared sign), else None."""
    folded = word.casefold().rstrip(".")
    if folded in _CODES:
        return folded.upper()
    return _SIGNS.get(folded)


def _currencies_in(words: list[str]) -> list[str]:
    return list(dict.fromkeys(c for w in words if (c := _currency(w)) is not None))


def _cell_currencies(cell: str) -> list[str]:
    return list(dict.fromkeys(c for m in _CELL_CURRENCY.finditer(cell) if (c := _currency(m[0]))))


_NAMES = {
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "$",
    "dollars": "$",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "franc": "CHF",
    "francs": "CHF",
    "zloty": "PLN",
    "krona": "kr",
    "kronor": "kr",
    "krone": "kr",
    "kroner": "kr",
}
"""A plan's currency written as a word (``currency: Euro``) -> its code or shared sign."""


def _plan_currency(plan: str) -> str | None:
    """The plan's ``currency`` setting as a code or shared sign (``EUR``, ``$``), None when it
    names none this reader knows (then nothing is refused)."""
    text = plan.strip()
    found = _currency(text) or _NAMES.get(text.casefold())
    if found is None:
        words = re.findall(r"[^\W\d_]+|[€$£¥₣]", text)
        named = [c for w in words if (c := _currency(w) or _NAMES.get(w.casefold()))]
        found = named[0] if len(set(named)) == 1 else None
    return found


def _same_currency(found: str, plan: str) -> bool:
    """Whether a currency found in the actuals may be the plan's: the same code, or a shared
    sign (``$``, ``kr``, ``¥``) on either side that stands for it. A plan currency this
    reader does not know is taken as matching (never a refusal on a guess)."""
    wanted = _plan_currency(plan)
    if wanted is None:
        return True
    ours = _SHARED.get(wanted, frozenset({wanted}))
    theirs = _SHARED.get(found, frozenset({found}))
    return bool(ours & theirs)


def _other_currencies(actuals: Actuals, currency: str) -> list[Problem]:
    """Amounts whose header or cells name a currency other than the plan's: refused, one
    problem per column and currency (the rows listed), naming both currencies."""
    by_place: dict[tuple[str, str, bool], list[tuple[int | None, str]]] = {}
    for code, label, row, text in actuals.currencies:
        if not _same_currency(code, currency):
            by_place.setdefault((label, code, row is None), []).append((row, text))
    problems = []
    plan = currency.strip()
    for (label, code, in_header), found in by_place.items():
        named = {"$": "dollars ($)", "kr": "kronor (kr)", "¥": "yen/yuan (¥)"}.get(code, code)
        if in_header:
            problems.append(
                Problem(
                    where_text(actuals.source, False, label, []),
                    f"the header says the amounts are in {named}, but the plan's amounts are in "
                    f"{plan}: convert them to {plan} and name the column without the other "
                    f"currency (`spent` or `Spent ({plan})`), so nothing in {named} is read as "
                    f"{plan}",
                )
            )
            continue
        rows = sorted(r for r, _t in found if r is not None)
        shown = ", ".join(repr(t) for _r, t in found[:3]) + (
            f" and {len(found) - 3} more" if len(found) > 3 else ""
        )
        problems.append(
            Problem(
                where_text(actuals.source, False, label, rows),
                f"{shown} {'is' if len(found) == 1 else 'are'} in {named}, but the plan's "
                f"amounts are in {plan}: convert to {plan} and write the amount without the "
                f"other currency's sign or code, so nothing in {named} is read as {plan}",
            )
        )
    return problems


_DECIMAL_OPTION = (
    "give it: `prioritizer track ... --decimal '{mark}'` (in Python `read_actuals(path, "
    "decimal='{mark}')`)"
)
"""How the actuals' decimal mark is given (``{mark}``: the mark)."""


def _read_amounts(
    values: list[Any],
    numbers: list[int],
    name: str,
    label: str,
    spec: schema.Column,
    convention: tuple[Decimal | None, str],
    errors: Errors,
) -> list[float | None]:
    """A number column of the actuals (blank: None) read like the backlog's
    (:func:`~prioritizer.inputs.cells.read_numbers`: under a settled convention, a money or
    count cell with one mark before exactly three digits that it would read as decimals,
    ``470,000`` in a decimal-comma file, is refused), except that a number reading either way
    in a file that settles no convention is refused with advice that works for actuals
    (``--decimal``)."""
    decimal, how = convention
    screened, refused = list(values), []
    for k, value in enumerate(values if decimal is None else ()):
        if not isinstance(value, str) or ("." not in value and "," not in value):
            continue
        text = value.strip()
        loose = read_number(text, None, percent_ok=spec.percent_ok)
        if loose.readings is None:
            continue
        errors.add(label, "ambiguous", numbers[k], _unsettled(text, loose.readings, name, spec))
        screened[k] = None
        refused.append(k)
    out = read_numbers(
        screened,
        numbers,
        name,
        label,
        spec,
        decimal,
        errors,
        None,
        how=how,
        setting=_DECIMAL_OPTION,
    )
    for k in refused:
        out[k] = BAD
    return out


def _unsettled(text: str, readings: tuple[float, float], name: str, spec: schema.Column) -> str:
    """Why a number that reads either way in a file settling no convention is refused."""
    low, high = readings
    mark = COMMA if read_number(text, COMMA).value == low else POINT
    other = POINT if mark == COMMA else COMMA
    give = (
        f"--decimal '{other}'` if '{mark}' marks thousands in this file"
        if schema.is_amount(spec)
        else f"--decimal '{other}'` (or '{mark}')"
    )
    return (
        f"{text!r} could be {fmt(low)} or {fmt(high)}: nothing else in this file shows "
        f"whether '{mark}' marks decimals or thousands; write {fmt(high)} (or "
        f"{fmt(low)}) without a thousands separator, or give the file's decimal mark "
        f"(`prioritizer track ... {give}; in Python `read_actuals(path, "
        f"decimal='{other}')`)"
    )


def _no_spent(
    source: str, header_number: int, header_cells: list[Any], columns: dict[str, int]
) -> Problem:
    """The table has no column read as ``spent``: refused, naming the columns not recognised
    and the headers that are (without it every initiative would cost nothing)."""
    used = set(columns.values())
    read = ", ".join(repr(as_text(header_cells[k])) for k in sorted(used))
    others = [as_text(c) for k, c in enumerate(header_cells) if not is_blank(c) and k not in used]
    found = f"read {read}; " + (
        f"not recognised: {', '.join(repr(c) for c in others)}" if others else "no other column"
    )
    accepted = sorted(k for k, v in _HEADERS.items() if v == "spent")
    return Problem(
        f"{source} row {header_number}",
        f"no `spent` column (one-off spend to date, currency), so every initiative would "
        f"count as costing nothing; {found}. Name the spend column one of: "
        f"{', '.join(accepted)} (a currency may follow: `Spent (EUR)`, `Actuals EUR`); in a "
        "table with a `period` column also spend_in_period, spend_in_quarter or "
        "spend_in_month (the spend in that period)",
    )


def _label(header: list[Any], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return as_text(header[index]) if index is not None else name
