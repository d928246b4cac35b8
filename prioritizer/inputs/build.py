"""From the cells of a table to the rows of initiatives: columns matched, values read.

Works column by column (the per-row work is one small loop per column), gathers every problem
of one kind in one column into one message listing the file's own row numbers, and records
what it skipped (hidden, total, heading and note rows) and why.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import Problem
from ..models import PILLARS, FoldedRow
from . import columns as schema
from .numbers import (
    COMMA,
    FAST_COMMA,
    FAST_INT,
    FAST_POINT,
    POINT,
    Decimal,
    fmt,
    read_number,
    settle,
)
from .tables import ExcelError, Formula, Percent, RawTable
from .warnings import InputWarning

_TOTAL = re.compile(
    r"^\s*(grand\s+|sub-?\s*)?totals?\b|^\s*(summe|gesamt|insgesamt|zwischensumme|gesamtsumme"
    r"|suma|razem|ogółem|łącznie|totaal|somme|sum)\b",
    re.IGNORECASE,
)
_ERRORS = {
    "#DIV/0!": "a division by zero",
    "#N/A": "a value not available",
    "#VALUE!": "a wrong type of value",
    "#REF!": "a reference to a deleted cell",
    "#NAME?": "an unknown name",
    "#NUM!": "an impossible number",
    "#NULL!": "an empty intersection",
    "#SPILL!": "a spill range blocked",
    "#CALC!": "a calculation error",
}
_SCALED = re.compile(
    r"[(\[]\s*(?:in\s+)?(?:k|t|tsd\.?|tausend|thousands?|'000|000s?|mio\.?|mn|m|millions?|mln)"
    r"\s*\.?\s*(?:€|eur|usd|\$|£|gbp|chf|pln|zł)?\s*[)\]]",
    re.IGNORECASE,
)
_TRUE = frozenset({"true", "yes", "y", "1", "on", "t", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "f", "-"})
MAX_LISTED = 12
BAD: Any = object()
"""A cell refused by its column reader (not a blank)."""


@dataclass
class TableOptions:
    """What the scenario says about its table (all optional)."""

    columns: dict[str, str] = field(default_factory=dict)
    """canonical column -> the header used in the file"""
    ignore: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    decimal: Decimal | None = None
    teams: tuple[str, ...] | None = None
    segments: tuple[str, ...] | None = None


@dataclass
class Built:
    """The rows read from a table, ready for :class:`~prioritizer.models.Initiative`."""

    rows: list[dict[str, Any]]
    row_numbers: list[int]
    original: dict[str, str]
    problems: list[Problem]
    warnings: list[InputWarning]
    skipped: list[str]
    notices: list[str]
    header_row: int = 0
    number_convention: str = ""
    present: frozenset[str] = frozenset()
    cross: list[Problem] = field(default_factory=list)
    header_problems: list[Problem] = field(default_factory=list)
    source: str = ""
    inline: bool = False

    def where(self, index: int, loc: tuple[str | int, ...]) -> str:
        """Location in words of a problem at ``loc`` within row ``index``."""
        number = self.row_numbers[index] if index < len(self.row_numbers) else index
        column = _column_of(loc)
        return _where(self.source, self.inline, self.original.get(column, column), [number])


def _column_of(loc: tuple[str | int, ...]) -> str:
    if not loc:
        return "row"
    head = str(loc[0])
    if head == "effort" and len(loc) > 1:
        return f"effort_{loc[1]}"
    if head == "ranges" and len(loc) > 1:
        return f"{loc[1]}_low/_high"
    return head


def _rows_text(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    more = f" (+{len(numbers) - MAX_LISTED} more)" if len(numbers) > MAX_LISTED else ""
    return shown + more


def _where(source: str, inline: bool, column: str | None, numbers: list[int]) -> str:
    if inline:
        rows = (
            f"initiatives[{numbers[0]}]"
            if len(numbers) == 1
            else f"initiatives[{_rows_text(numbers)}]"
        )
        return f"{source}: {rows}" + (f".{column}" if column else "")
    if not numbers:
        return f"{source} column {column!r}" if column else source
    rows = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {_rows_text(numbers)}"
    return f"{source} {rows}" + (f", column {column!r}" if column else "")


class _Errors:
    """Problems grouped by (column, kind): one line each, with the rows listed."""

    def __init__(self, source: str, inline: bool) -> None:
        self.source, self.inline = source, inline
        self.groups: dict[tuple[str, str], tuple[list[int], str]] = {}

    def add(self, column: str, kind: str, row: int, message: str) -> None:
        rows, _first = self.groups.setdefault((column, kind), ([], message))
        rows.append(row)

    def problems(self) -> list[Problem]:
        out = []
        for (column, _kind), (rows, message) in self.groups.items():
            if len(rows) > 1:
                message += f" (the same in {len(rows) - 1} more row{'s' * (len(rows) > 2)})"
            out.append(Problem(_where(self.source, self.inline, column, rows), message))
        return out


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return value.date().isoformat()
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Header:
    """Resolves header cells to canonical column names."""

    def __init__(self, options: TableOptions) -> None:
        self.mapped = {schema.normalise(h): c for c, h in options.columns.items()}
        self.ignore = {schema.normalise(h) for h in options.ignore}

    def resolve(self, cell: Any) -> str | None:
        key = schema.normalise(_text(cell))
        if key in self.mapped:
            return self.mapped[key]
        if key in self.ignore:
            return None
        return schema.match(_text(cell))

    def looks_like_header(self, cells: list[Any]) -> bool:
        """A row naming the id column and at least one other known column."""
        names = [self.resolve(c) for c in cells if not _blank(c)]
        return "id" in names and sum(1 for n in names if n) >= 2


def build(raw: RawTable, options: TableOptions) -> Built:
    """Read the initiatives of a table: header, skipped rows, every value of every column."""
    source, inline = raw.source, raw.inline
    errors = _Errors(source, inline)
    problems: list[Problem] = []
    warnings = list(raw.warnings)
    skipped: list[str] = []
    notices: list[str] = []
    header = Header(options)
    header_problems: list[Problem] = []  # columns dropped: not blocking the cross checks

    # 1. the header row
    nonblank = [(n, cells) for n, cells in raw.rows if any(not _blank(c) for c in cells)]
    if not nonblank:
        problems.append(Problem(source, "no initiative rows below the header"))
        return Built([], [], {}, problems, warnings, skipped, notices, source=source)
    position = 0
    if not inline:
        for index, (_n, cells) in enumerate(nonblank[: schema_rows()]):
            if header.looks_like_header(cells):
                position = index
                break
    header_number, header_cells = nonblank[position]
    if position:
        titles = ", ".join(str(n) for n, _c in nonblank[:position])
        skipped.append(f"title row{'s' * (position > 1)} {titles} above the header")
    body = [(n, cells) for n, cells in raw.rows if n > header_number]

    # 2. the columns
    team_keys = {t.casefold(): t for t in options.teams} if options.teams is not None else None
    used: dict[str, int] = {}
    original: dict[str, str] = {}
    names: list[str | None] = []
    ignored: list[str] = []
    blank_headers: list[int] = []
    for position_in_row, cell in enumerate(header_cells):
        label = _text(cell) if not _blank(cell) else ""
        if not label:
            names.append(None)
            blank_headers.append(position_in_row)
            continue
        name = header.resolve(cell)
        key = schema.normalise(label)
        if name is None:
            names.append(None)
            if key in schema.IGNORED or key.startswith("x_") or key in header.ignore:
                ignored.append(label)
                continue
            hint = schema.suggest(label)
            did_you_mean = f"did you mean {hint!r}? " if hint else ""
            header_problems.append(
                Problem(
                    _where(source, inline, label, []),
                    f"unknown column; {did_you_mean}name it as one of "
                    f"{', '.join(c.name for c in schema.COLUMNS)}, effort_<team>, "
                    "<field>_low/_high, map it with `initiatives: {columns: {cost: "
                    f"{label!r}}}}}`, or prefix it with x_ to keep it unread",
                )
            )
            continue
        base = name.removesuffix("_low").removesuffix("_high")
        if base.startswith("effort_") and team_keys is not None:
            team = base.removeprefix("effort_")
            if team.casefold() not in team_keys:
                header_problems.append(
                    Problem(
                        _where(source, inline, label, []),
                        f"effort for unknown team {team!r}; add it under `teams` "
                        f"(known: {sorted(team_keys.values())})",
                    )
                )
                names.append(None)
                continue
            name = "effort_" + team_keys[team.casefold()] + name[len(base) :]
        if name in used:
            header_problems.append(
                Problem(
                    _where(source, inline, label, []),
                    f"duplicate column (also {original[name]!r}, both read as {name!r})",
                )
            )
            names.append(None)
            continue
        if schema.is_number_column(name) and _SCALED.search(label):
            problems.append(
                Problem(
                    _where(source, inline, label, []),
                    "the header says these amounts are in thousands or millions; write full "
                    "amounts (450000, not 450) so nothing is misread by a factor of 1000",
                )
            )
        used[name] = position_in_row
        original[name] = label
        names.append(name)
    if ignored:
        notices.append(f"columns not read: {', '.join(ignored)}")
    if "id" not in used and not inline:
        problems.append(Problem(source, "missing required column 'id'"))

    # 3. the rows: skip blank, hidden, total, heading and note rows
    id_at = used.get("id")
    kept: list[tuple[int, list[Any]]] = []
    hidden_rows: list[int] = []
    totals: list[int] = []
    headings: list[tuple[int, str]] = []
    for number, cells in body:
        filled_count = len(cells) - cells.count("") - cells.count(None)
        if filled_count <= 1 and not any(not _blank(c) for c in cells):
            continue
        if number in raw.hidden:
            hidden_rows.append(number)
            continue
        id_value = cells[id_at] if id_at is not None and id_at < len(cells) else None
        unnamed = _blank(id_value) or (isinstance(id_value, str) and _TOTAL.match(id_value))
        if unnamed or filled_count <= 1:
            filled = [c for c in cells if not _blank(c)]
            texts = [_text(c) for c in filled if isinstance(c, str)]
            if unnamed and any(_TOTAL.match(t) for t in texts):
                totals.append(number)
                continue
            if len(filled) == 1 and isinstance(filled[0], str) and len(used) > 1:
                headings.append((number, _text(filled[0])))  # a lone label: heading or note
                continue
        kept.append((number, cells))
    last_data = kept[-1][0] if kept else 0
    if hidden_rows:
        skipped.append(f"{len(hidden_rows)} hidden row(s): {_rows_text(hidden_rows)}")
        warnings.append(
            InputWarning(
                "hidden-rows",
                f"{len(hidden_rows)} row(s) hidden in Excel were not read as initiatives; "
                "unhide them if they are candidates",
                _where(source, inline, None, hidden_rows),
            )
        )
    if totals:
        skipped.append(f"total row(s): {_rows_text(totals)}")
        warnings.append(
            InputWarning(
                "total-rows",
                "read as a total/subtotal line, not an initiative, and skipped",
                _where(source, inline, None, totals),
            )
        )
    group_rows = [n for n, _t in headings if n < last_data]
    note_rows = [n for n, _t in headings if n > last_data]
    if group_rows:
        skipped.append(f"group heading row(s): {_rows_text(group_rows)}")
        warnings.append(
            InputWarning(
                "heading-rows",
                "a lone label without an id (a group heading) was skipped",
                _where(source, inline, None, group_rows),
            )
        )
    if note_rows:
        skipped.append(f"note row(s) under the table: {_rows_text(note_rows)}")
    if blank_headers:
        for column_index in blank_headers:
            with_data = [
                n
                for n, cells in kept
                if column_index < len(cells) and not _blank(cells[column_index])
            ]
            if with_data:
                label = _letter(column_index) if raw.column_letters else f"#{column_index + 1}"
                problems.append(
                    Problem(
                        _where(source, inline, None, with_data[:1]).rstrip(",")
                        + f", column {label}",
                        "this column has values but no header; name it (or delete the column)",
                    )
                )
    if not kept and not problems:
        problems.append(Problem(source, "no initiative rows below the header"))
    width = len(header_cells)
    for number, cells in kept:
        extra = [c for c in cells[width:] if not _blank(c)]
        if extra:
            problems.append(
                Problem(
                    _where(source, inline, None, [number]),
                    f"{width + len(extra)} cells but the header has {width} columns",
                )
            )

    # 4. the values, column by column
    numbers = [n for n, _c in kept]
    count = len(kept)
    transposed = list(itertools.zip_longest(*(cells for _n, cells in kept)))
    columns: dict[str, list[Any]] = {
        name: list(transposed[position_in_row])
        if position_in_row < len(transposed)
        else [None] * count
        for name, position_in_row in used.items()
    }
    tokens = (
        v
        for name, values in columns.items()
        if schema.is_number_column(name)
        for v in values
        if isinstance(v, str) and ("." in v or "," in v)
    )
    decimal, convention = settle(tokens, raw.delimiter, options.decimal)
    if raw.column_letters and decimal is None:
        convention = "Excel number cells (no text numbers to interpret)"
    read: dict[str, list[Any]] = {}
    for name, values in columns.items():
        label = original[name]
        spec = schema.column_of(name)
        default = options.defaults.get(name.removesuffix("_low").removesuffix("_high"))
        if spec.kind == "number":
            read[name] = _numbers(values, numbers, name, label, spec, decimal, errors, default)
        elif spec.kind == "bool":
            read[name] = _bools(values, numbers, label, errors, default)
        else:
            read[name] = _texts(values, numbers, name, label, errors, default)

    # 5. blanks that would change the answer, names matched without case
    for name in ("id", "segment", "cost"):
        if name not in read or (inline and name != "id"):
            continue  # an inline row leaving a key out means the default
        blanks = [numbers[k] for k, v in enumerate(read[name]) if v is None]
        if blanks and name == "id":
            for row in blanks:
                errors.add(
                    original[name], "blank", row, "id is blank: every initiative needs an id"
                )
        elif blanks:
            example = "all" if name == "segment" else "0"
            what = "the segment (or all)" if name == "segment" else "the cost (0 if it is free)"
            for row in blanks:
                errors.add(
                    original[name],
                    "blank",
                    row,
                    f"{name} is blank: write {what}, or set `defaults: {{{name}: {example}}}` "
                    "in the scenario to say what a blank means",
                )
    if "segment" in read and options.segments is not None:
        known = {s.casefold(): s for s in options.segments}
        known.setdefault("all", "all")
        values = read["segment"]
        for k, value in enumerate(values):
            if isinstance(value, str):
                values[k] = known.get(value.casefold(), value)  # unknown: a cross check
    if "pillar" in read:
        for k, value in enumerate(read["pillar"]):
            if not isinstance(value, str):
                continue
            lowered = value.strip().casefold()
            if lowered not in PILLARS:
                errors.add(
                    original["pillar"],
                    f"pillar {lowered}",
                    numbers[k],
                    f"unknown pillar {value!r}; expected one of {', '.join(PILLARS)} (or blank)",
                )
            read["pillar"][k] = lowered
    problems += errors.problems()
    errors = _Errors(source, inline)  # duplicates are cross checks: reported with the others
    if "id" in read:
        first: dict[str, int] = {}
        for k, value in enumerate(read["id"]):
            if not isinstance(value, str):
                continue
            key = value.casefold()
            if key in first:
                j = first[key]
                same = all(read[c][j] == read[c][k] for c in read)
                other = read["id"][j]
                if same:
                    message = (
                        f"row {numbers[k]} repeats row {numbers[j]} exactly (pasted twice?); "
                        "delete one"
                    )
                elif other == value:
                    message = f"duplicate id {value!r} (also in row {numbers[j]})"
                else:
                    message = (
                        f"ids {value!r} and {other!r} (row {numbers[j]}) differ only by case; "
                        "ids are compared without case, so give them different ids"
                    )
                errors.add(original["id"], f"dup {k}", numbers[k], message)
            else:
                first[key] = k
        if "depends_on" in read:
            for k, value in enumerate(read["depends_on"]):
                if isinstance(value, str) and value:
                    parts = [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]
                    read["depends_on"][k] = tuple(
                        read["id"][first[p.casefold()]] if p.casefold() in first else p
                        for p in parts
                    )
    cross = errors.problems()

    rows: list[dict[str, Any]] = [FoldedRow() for _ in range(count)]
    for name, values in read.items():
        base = name.removesuffix("_low").removesuffix("_high")
        if base != name:
            side = 0 if name.endswith("_low") else 1
            for k, value in enumerate(values):
                if value is not None and value is not BAD:
                    pair = rows[k].setdefault("ranges", {}).setdefault(base, [None, None])
                    pair[side] = value
        elif name.startswith("effort_"):
            team = name.removeprefix("effort_")
            for k, value in enumerate(values):
                if value is not None and value is not BAD:
                    rows[k].setdefault("effort", {})[team] = value
        else:
            for k, value in enumerate(values):
                if value is not None and value is not BAD:
                    rows[k][name] = value
    for folded in rows:
        if "ranges" in folded:
            folded["ranges"] = {f: tuple(v) for f, v in folded["ranges"].items()}
    return Built(
        rows,
        numbers,
        original,
        problems,
        warnings,
        skipped,
        notices,
        header_row=header_number if not inline else 0,
        number_convention=convention,
        present=frozenset(used),
        cross=cross,
        header_problems=header_problems,
        source=source,
        inline=inline,
    )


def schema_rows() -> int:
    from .tables import HEADER_SEARCH_ROWS

    return HEADER_SEARCH_ROWS


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _special(value: Any, label: str) -> str | None:
    """Words for a cell that is not a value: an Excel error, a formula without value."""
    if isinstance(value, Formula):
        return (
            f"holds a formula ({value}) saved without its value (the file was written by a "
            "program that does not calculate); open and save it in Excel, or type the value"
        )
    text = value.strip().upper() if isinstance(value, str) else ""
    if isinstance(value, ExcelError) or text in _ERRORS:
        code = text or str(value)
        meaning = _ERRORS.get(code, "an error")
        return f"holds the Excel error {code} ({meaning} in its formula); fix it or type the value"
    return None


def _numbers(
    values: list[Any],
    numbers: list[int],
    name: str,
    label: str,
    spec: schema.Column,
    decimal: Decimal | None,
    errors: _Errors,
    default: Any,
) -> list[float | None]:
    fast = FAST_POINT if decimal == POINT else FAST_COMMA if decimal == COMMA else FAST_INT
    comma = decimal == COMMA
    whole = _whole_column(values, fast, comma, spec, default)
    if whole is not None:
        return whole
    out: list[float | None] = []
    base = name.removesuffix("_low").removesuffix("_high")
    example = spec.example or "450000"
    for k, value in enumerate(values):
        result: float | None = None
        if isinstance(value, str):
            text = value.strip()
            if not text:
                out.append(_default(default))
                continue
            if fast.fullmatch(text):
                result = float(text.replace(",", ".") if comma else text)
            else:
                special = _special(value, label)
                if special:
                    errors.add(label, "special", numbers[k], special)
                    out.append(BAD)
                    continue
                reading = read_number(text, decimal, percent_ok=spec.percent_ok)
                if reading.value is None:
                    if reading.readings:
                        low, high = reading.readings
                        message = (
                            f"{text!r} could be {fmt(low)} or {fmt(high)}: the file does not "
                            "settle whether '.'/',' marks decimals or thousands; write "
                            f"{fmt(high)} (or {fmt(low)}), or set `initiatives: {{decimal: ','}}`"
                            " (or '.') in the scenario"
                        )
                        errors.add(label, "ambiguous", numbers[k], message)
                    elif reading.evidence is not None:
                        mark = "comma" if decimal == COMMA else "point"
                        errors.add(
                            label,
                            "convention",
                            numbers[k],
                            f"{text!r} does not follow the decimal {mark} the rest of this "
                            f"file uses; write it like the others",
                        )
                    elif "percentage" in reading.error:
                        errors.add(
                            label,
                            "percent",
                            numbers[k],
                            f"{base} is in {spec.unit}, not a percentage; found {text!r}",
                        )
                    else:
                        errors.add(
                            label,
                            "number",
                            numbers[k],
                            f"{base} must be a plain number such as {example}; found {text!r}",
                        )
                    out.append(BAD)
                    continue
                result = reading.value
        elif value is None:
            out.append(_default(default))
            continue
        elif isinstance(value, Percent):
            if spec.percent_ok:
                result = float(value) * 100.0
            else:
                errors.add(
                    label,
                    "percent",
                    numbers[k],
                    f"is formatted as a percentage in Excel ({float(value) * 100:g}%) but {base} "
                    f"is in {spec.unit}; format the cell as Number",
                )
                out.append(BAD)
                continue
        elif isinstance(value, bool):
            errors.add(label, "number", numbers[k], f"{base} must be a number; found {value!r}")
            out.append(BAD)
            continue
        elif isinstance(value, int | float):
            result = float(value)
            if not math.isfinite(result):
                errors.add(
                    label,
                    "number",
                    numbers[k],
                    f"{base} must be a finite number such as {example}; found {value!r}",
                )
                out.append(BAD)
                continue
        elif isinstance(value, _dt.date | _dt.datetime | _dt.time | _dt.timedelta):
            errors.add(
                label,
                "date",
                numbers[k],
                f"holds a date/time ({_text(value)}) in Excel, not a number; type the number "
                "or format the cell as Number",
            )
            out.append(BAD)
            continue
        else:
            errors.add(
                label,
                "number",
                numbers[k],
                f"{base} must be a plain number such as {example}; found {value!r}",
            )
            out.append(BAD)
            continue
        if spec.minimum is not None and result < spec.minimum:
            errors.add(
                label,
                "negative",
                numbers[k],
                f"{base} must be 0 or more ({spec.unit}); found {fmt(result)}",
            )
            out.append(BAD)
            continue
        if spec.maximum is not None and result > spec.maximum:
            errors.add(
                label,
                "maximum",
                numbers[k],
                f"{base} is in {spec.unit} and cannot exceed {fmt(spec.maximum)}; found "
                f"{fmt(result)}",
            )
            out.append(BAD)
            continue
        out.append(result)
    return out


def _whole_column(
    values: list[Any], fast: re.Pattern[str], comma: bool, spec: schema.Column, default: Any
) -> list[float | None] | None:
    """The common case in one pass: every cell a plain written number or empty, within
    bounds. None when any cell needs the cell-by-cell reader."""
    try:
        joined = "\n".join(values)
    except TypeError:
        return None
    if not re.fullmatch(rf"(?:{fast.pattern})?(?:\n(?:{fast.pattern})?)*", joined):
        return None
    blank = _default(default)
    if comma:
        out = [float(v.replace(",", ".")) if v else blank for v in values]
    else:
        out = [float(v) if v else blank for v in values]
    present = [v for v in out if v is not None]
    if present and (
        (spec.minimum is not None and min(present) < spec.minimum)
        or (spec.maximum is not None and max(present) > spec.maximum)
    ):
        return None
    return out


def _default(default: Any) -> Any:
    if default is None:
        return None
    if isinstance(default, int | float) and not isinstance(default, bool):
        return float(default)
    return default


def _bools(
    values: list[Any], numbers: list[int], label: str, errors: _Errors, default: Any
) -> list[bool | None]:
    out: list[bool | None] = []
    for k, value in enumerate(values):
        if _blank(value):
            out.append(bool(default) if default is not None else None)
            continue
        if isinstance(value, bool):
            out.append(value)
            continue
        text = _text(value).casefold()
        if text in _TRUE:
            out.append(True)
        elif text in _FALSE:
            out.append(False)
        else:
            special = _special(value, label)
            errors.add(
                label,
                "bool",
                numbers[k],
                special
                or f"mandatory must be yes or no (a valid boolean: true/false, yes/no, 1/0); "
                f"found {_text(value)!r}",
            )
            out.append(BAD)
    return out


def _texts(
    values: list[Any],
    numbers: list[int],
    name: str,
    label: str,
    errors: _Errors,
    default: Any,
) -> list[Any]:
    out: list[Any] = []
    for k, value in enumerate(values):
        if type(value) is str and value and value[0] not in "#=":
            stripped = value.strip()
            if stripped:
                out.append(stripped)
                continue
        if _blank(value):
            out.append(str(default) if default is not None else None)
            continue
        special = _special(value, label) if isinstance(value, str) else None
        if special:
            errors.add(label, "special", numbers[k], special)
            out.append(BAD)
            continue
        if isinstance(value, float) and not math.isfinite(value):
            errors.add(label, "text", numbers[k], f"{name} must be text; found {value!r}")
            out.append(BAD)
            continue
        if not isinstance(value, str | int | float | _dt.date | _dt.datetime | _dt.time):
            errors.add(label, "text", numbers[k], f"{name} must be text; found {value!r}")
            out.append(BAD)
            continue
        out.append(_text(value))
    return out


def inline_raw(rows: list[Any], source: str) -> tuple[RawTable | None, list[Problem]]:
    """An inline YAML list of rows as a table (row numbers are list positions)."""
    problems: list[Problem] = []
    header: list[str] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            problems.append(
                Problem(f"{source}: initiatives[{index}]", "expected a mapping of column: value")
            )
            continue
        for key in row:
            if str(key) not in header:
                header.append(str(key))
    if problems:
        return None, problems
    if not rows:
        return None, [Problem(f"{source}: key initiatives", "the list of initiatives is empty")]
    table_rows: list[tuple[int, list[Any]]] = [(-1, list(header))]
    for index, row in enumerate(rows):
        by_key = {str(k): v for k, v in row.items()}
        table_rows.append((index, [_inline_cell(by_key.get(h)) for h in header]))
    return RawTable(source, table_rows, inline=True), []


def _inline_cell(value: Any) -> Any:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, dict | list | tuple):
        return _Unreadable(value)
    return value


class _Unreadable:
    """A nested YAML value where a cell was expected."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)
