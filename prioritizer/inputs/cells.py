"""Reading the cells of one column: numbers, yes/no, text, and cells that are not values.

Problems are gathered per (column, kind) into one line listing the file's own row numbers.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from ..exceptions import Problem
from . import columns as schema
from .numbers import (
    COMMA,
    FAST_COMMA,
    FAST_INT,
    FAST_POINT,
    POINT,
    Decimal,
    clash_message,
    decimal_clash,
    fmt,
    read_number,
)
from .scale import scale_words
from .tables import ExcelError, Formula, Percent, Scaled

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
_TRUE = frozenset({"true", "yes", "y", "1", "on", "t", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "f", "-"})
MAX_LISTED = 12
SCENARIO_DECIMAL = "set `initiatives: {{decimal: '{mark}'}}` in the scenario"
"""How the initiatives table's decimal mark is given (``{mark}``: the mark)."""
_THREE_DECIMALS = {
    POINT: re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$", re.MULTILINE),
    COMMA: re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$", re.MULTILINE),
}
"""A plain cell with one mark before exactly three digits, per decimal mark (a column, its
cells joined by newlines, holding one leaves the one-pass reader)."""
BAD: Any = object()
"""A cell refused by its column reader (not a blank)."""


def rows_text(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    more = f" (+{len(numbers) - MAX_LISTED} more)" if len(numbers) > MAX_LISTED else ""
    return shown + more


def where_text(source: str, inline: bool, column: str | None, numbers: list[int]) -> str:
    if inline:
        rows = (
            f"initiatives[{numbers[0]}]"
            if len(numbers) == 1
            else f"initiatives[{rows_text(numbers)}]"
        )
        return f"{source}: {rows}" + (f".{column}" if column else "")
    if not numbers:
        return f"{source} column {column!r}" if column else source
    rows = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {rows_text(numbers)}"
    return f"{source} {rows}" + (f", column {column!r}" if column else "")


class Errors:
    """Problems grouped by (column, kind): one line each, with the rows listed."""

    def __init__(self, source: str, inline: bool) -> None:
        self.source, self.inline = source, inline
        self.groups: dict[tuple[str, str], list[tuple[int, str]]] = {}

    def add(self, column: str, kind: str, row: int, message: str) -> None:
        self.groups.setdefault((column, kind), []).append((row, message))

    def drop(self, rows: set[int]) -> None:
        """Forget the problems of ``rows`` (rows found not to be initiatives after all)."""
        for key, found in list(self.groups.items()):
            kept = [(row, message) for row, message in found if row not in rows]
            if kept:
                self.groups[key] = kept
            else:
                del self.groups[key]

    def problems(self) -> list[Problem]:
        out = []
        for (column, _kind), found in self.groups.items():
            rows = [row for row, _message in found]
            message = found[0][1]
            more = len(rows) - 1
            plural = "s" * (more > 1)
            if more and all(m == message for _row, m in found):
                message += f" (the same in {more} more row{plural})"
            elif more:  # other values, other words: the first shown, the rows all listed
                message += f" (row {rows[0]}; {more} more row{plural} of this kind)"
            out.append(Problem(where_text(self.source, self.inline, column, rows), message))
        return out


def as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        return value.date().isoformat()
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    return str(value).strip()


def _all_text(values: list[Any]) -> bool:
    """Every cell a str (as read from a CSV), not None, a number or a date."""
    return set(map(type, values)) <= {str}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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


def read_numbers(
    values: list[Any],
    numbers: list[int],
    name: str,
    label: str,
    spec: schema.Column,
    decimal: Decimal | None,
    errors: Errors,
    default: Any,
    *,
    how: str = "",
    setting: str = SCENARIO_DECIMAL,
) -> list[float | None]:
    """The numbers of one column (blank: ``default``; refused: :data:`BAD`, the problem added
    to ``errors``), read under the file's ``decimal`` convention (``how``: settled how, in
    words; ``setting``: how to give the mark, see :func:`~.numbers.clash_message`).

    In a money or count column (:func:`~.columns.is_amount`) a number with one mark before
    exactly three digits that the convention reads as decimals (``300.000`` in a
    decimal-point file: 300) is refused, not read 1000 times too small."""
    fast = FAST_POINT if decimal == POINT else FAST_COMMA if decimal == COMMA else FAST_INT
    comma = decimal == COMMA
    clash = _THREE_DECIMALS[decimal] if decimal is not None and schema.is_amount(spec) else None
    whole = _whole_column(values, fast, comma, spec, default, clash)
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
            readings = decimal_clash(text, decimal) if clash is not None else None
            if readings is not None and decimal is not None:
                message = clash_message(
                    text, readings, decimal, how or "settled convention", setting
                )
                errors.add(label, "ambiguous", numbers[k], message)
                out.append(BAD)
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
        elif isinstance(value, Scaled) and value and scale_words(value.literal, name):
            errors.add(label, "scaled", numbers[k], _scaled_cell(value, base))
            out.append(BAD)
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
                f"holds a date/time ({as_text(value)}) in Excel, not a number; type the number "
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
                f"{base} must be {fmt(spec.minimum)} or more ({spec.unit}); found {fmt(result)}",
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


_POSSESSIVE = {  # each FAST pattern with possessive quantifiers
    FAST_INT: r"[+-]?+\d++",
    FAST_POINT: r"[+-]?+\d++(?:\.\d++)?+",
    FAST_COMMA: r"[+-]?+\d++(?:,\d++)?+",
}
WHOLE_COLUMN: dict[re.Pattern[str], re.Pattern[str]] = {
    fast: re.compile(rf"(?:{cell})?+(?:\n(?:{cell})?+)*+") for fast, cell in _POSSESSIVE.items()
}
"""Per FAST pattern P: a whole column, its cells joined by newlines, every cell P or empty —
the strings ``(?:P)?(?:\\n(?:P)?)*`` matches (tests pin it), found without backtracking: what
follows a sign, a run of digits or a decimal part can never be one of them, so a possessive
quantifier gives up no match and the engine keeps no states to retry (half the time)."""


def _scaled_cell(value: Scaled, base: str) -> str:
    """The refusal of a number cell whose Excel format shows it in thousands or millions."""
    return (
        f"holds {fmt(float(value))} formatted in Excel as {value.number_format!r}, which shows "
        f"it as {fmt(float(value))} {value.literal.strip()}: the stored number is in thousands "
        f"or millions but {base} is read as a full amount; type the full amount (e.g. "
        f"{fmt(float(value) * value.factor)}) and format the cell as Number (a format such as "
        '#,##0,"k" shows it in thousands)'
    )


def _whole_column(
    values: list[Any],
    fast: re.Pattern[str],
    comma: bool,
    spec: schema.Column,
    default: Any,
    clash: re.Pattern[str] | None = None,
) -> list[float | None] | None:
    """The common case in one pass: every cell a plain written number or empty, within
    bounds, none matching ``clash`` (a number the convention reads ambiguously). None when
    any cell needs the cell-by-cell reader."""
    try:
        joined = "\n".join(values)
    except TypeError:
        return None
    if not WHOLE_COLUMN[fast].fullmatch(joined):
        return None
    if clash is not None and clash.search(joined):
        return None
    blank = _default(default)
    filled = "" not in values  # no blank cell: the common case
    if comma:
        out = [float(v.replace(",", ".")) if v else blank for v in values]
    elif filled:
        out = list(map(float, values))
    else:
        out = [float(v) if v else blank for v in values]
    present = out if filled else [v for v in out if v is not None]
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


def read_bools(
    values: list[Any], numbers: list[int], label: str, errors: Errors, default: Any
) -> list[bool | None]:
    blank = bool(default) if default is not None else None
    if _all_text(values):  # the common case: every distinct text blank, yes or no
        if not "".join(values).strip():
            return [blank] * len(values)
        meaning: dict[str, bool | None] = {}
        for text in set(values):
            word = text.strip().casefold()
            if word and word not in _TRUE and word not in _FALSE:
                break  # a cell the loop below reports
            meaning[text] = blank if not word else word in _TRUE
        else:
            return [meaning[text] for text in values]
    out: list[bool | None] = []
    for k, value in enumerate(values):
        if is_blank(value):
            out.append(blank)
            continue
        if isinstance(value, bool):
            out.append(value)
            continue
        text = as_text(value).casefold()
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
                f"found {as_text(value)!r}",
            )
            out.append(BAD)
    return out


def read_texts(
    values: list[Any],
    numbers: list[int],
    name: str,
    label: str,
    errors: Errors,
    default: Any,
) -> list[Any]:
    if _all_text(values) and not {v[:1] for v in values} & {"#", "="}:
        blank = str(default) if default is not None else None  # the common case, in one pass
        return [text or blank for text in map(str.strip, values)]
    out: list[Any] = []
    for k, value in enumerate(values):
        if type(value) is str and value and value[0] not in "#=":
            stripped = value.strip()
            if stripped:
                out.append(stripped)
                continue
        if is_blank(value):
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
        out.append(as_text(value))
    return out
