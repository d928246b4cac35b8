"""Numbers as people write them: decimal and thousands conventions, currencies, signs, %, k/M.

A file settles its convention (decimal point or decimal comma) from its own unambiguous
numbers (``0,5``, ``1.234,56``, ``1,234,567``, ``12.50``) and, for a ``;``-separated file, from
the delimiter (Excel writes ``;`` where the decimal mark is ``,``). A number whose reading
depends on a convention the file does not settle (``450.000``: 450 or 450,000?) is refused,
naming both readings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Decimal = Literal[".", ","]

POINT: Decimal = "."
COMMA: Decimal = ","

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_MINUS = ("-", "\u2212", "\u2013")
_CURRENCY = re.compile(
    r"^(?:[€$£¥₣]|chf|eur|usd|gbp|pln|sek|nok|dkk|sfr\.?|fr\.|zł|zl|kr\.?)\s*"
    r"|\s*(?:[€$£¥]|chf|eur|usd|gbp|pln|sek|nok|dkk|sfr\.?|fr\.|zł|zl|kr\.?|\.-|,-)$",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"^(.*?\d)\s*(k|K|M|Mio\.?|mio\.?|Mn|mn)$")
_MULTIPLIER = {"k": 1e3, "K": 1e3}

_PLAIN_INT = re.compile(r"\d+")
_SCI = re.compile(r"(\d+)(?:([.,])(\d+))?[eE]([+-]?\d+)")
_GROUPED_OTHER = re.compile(r"(\d{1,3}(?:(['’ ])\d{3})+)(?:([.,])(\d+))?")
_DOT_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+")
_COMMA_DOT = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+")
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3}){2,}")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")
_ONE_GROUP = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")
_DECIMAL = re.compile(r"(\d*)([.,])(\d+)")

SETTLE_VOTES = 200
"""Numbers with a decimal mark looked at before the file's convention is taken as settled."""
_POINT_PROOF = re.compile(r"[+-]?(?:\d*\.\d{1,2}|\d*\.\d{4,}|\d{4,}\.\d+|0\.\d+)")
_COMMA_PROOF = re.compile(r"[+-]?(?:\d*,\d{1,2}|\d*,\d{4,}|\d{4,},\d+|0,\d+)")
FAST_INT = re.compile(r"[+-]?\d+")
FAST_POINT = re.compile(r"[+-]?\d+(?:\.\d+)?")
FAST_COMMA = re.compile(r"[+-]?\d+(?:,\d+)?")


@dataclass(frozen=True)
class Reading:
    """The outcome of reading one written number.

    ``value`` is set when the reading is certain; otherwise ``error`` says why not (and
    ``readings`` holds the two possible values of an ambiguous number).
    """

    value: float | None = None
    error: str = ""
    readings: tuple[float, float] | None = None
    percent: bool = False
    evidence: Decimal | None = None


def evidence(token: str) -> Decimal | None:
    """The decimal mark this written number proves, or None when it proves nothing."""
    body = _strip(token)[0]
    if body is None:
        return None
    return _classify(body)[1]


def _strip(token: str) -> tuple[str | None, bool, float, bool]:
    """(number body, negative, multiplier, percent) with signs, currency, %, k/M removed."""
    text = token.translate(_SPACES).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    percent = False
    if text.endswith("%"):
        percent, text = True, text[:-1].strip()
    for _ in range(2):
        if text.startswith(_MINUS):
            negative, text = not negative, text[1:].strip()
        elif text.startswith("+"):
            text = text[1:].strip()
        text = _CURRENCY.sub("", text).strip()
    if text.endswith(_MINUS) and len(text) > 1 and text[-2].isdigit():
        negative, text = not negative, text[:-1].strip()
    multiplier = 1.0
    match = _SUFFIX.match(text)
    if match:
        suffix = match.group(2).rstrip(".")
        multiplier = _MULTIPLIER.get(suffix, 1e6)
        text = match.group(1).strip()
    if not text or not (text[0].isdigit() or text[0] in ".,"):
        return None, negative, multiplier, percent
    return text, negative, multiplier, percent


def _classify(body: str) -> tuple[float | tuple[float, float] | None, Decimal | None]:
    """Value (or the two readings) of a stripped number body and the mark it proves."""
    if _PLAIN_INT.fullmatch(body):
        return float(body), None
    match = _SCI.fullmatch(body)
    if match:
        whole, mark, frac, exp = match.groups()
        value = float(f"{whole}.{frac or 0}e{exp}")
        return value, (mark if mark in (".", ",") else None)  # type: ignore[return-value]
    match = _GROUPED_OTHER.fullmatch(body)
    if match:
        whole = re.sub(r"['’ ]", "", match.group(1))
        mark, frac = match.group(3), match.group(4)
        value = float(f"{whole}.{frac}") if mark else float(whole)
        return value, (mark if mark else None)  # type: ignore[return-value]
    if _DOT_COMMA.fullmatch(body):
        return float(body.replace(".", "").replace(",", ".")), COMMA
    if _COMMA_DOT.fullmatch(body):
        return float(body.replace(",", "")), POINT
    if _COMMA_GROUPS.fullmatch(body):
        return float(body.replace(",", "")), POINT
    if _DOT_GROUPS.fullmatch(body):
        return float(body.replace(".", "")), COMMA
    if _ONE_GROUP.fullmatch(body):
        grouped = float(body.replace(".", "").replace(",", ""))
        decimal = float(body.replace(",", "."))
        return (decimal, grouped), None
    match = _DECIMAL.fullmatch(body)
    if match:
        whole, mark, frac = match.groups()
        return float(f"{whole or 0}.{frac}"), mark  # type: ignore[return-value]
    return None, None


def read_number(
    token: str, decimal: Decimal | None, *, percent_ok: bool = False, suffix_ok: bool = True
) -> Reading:
    """Read one written number under the file's decimal convention (None: not settled).

    Parameters
    ----------
    token:
        The cell text, e.g. ``"€ 450.000,00"``, ``"(20 000)"``, ``"1.5M"``, ``"0,4 %"``.
    decimal:
        ``"."`` or ``","`` when the file settles it, else None.
    percent_ok:
        Whether a trailing ``%`` is allowed (the number is returned as written: ``8%`` -> 8).
    suffix_ok:
        Whether ``k``/``M`` multipliers are allowed.
    """
    body, negative, multiplier, percent = _strip(token)
    if body is None:
        return Reading(error="not a number")
    if percent and not percent_ok:
        return Reading(error="a percentage is not allowed here")
    if multiplier != 1.0 and not suffix_ok:
        return Reading(error="a k/M multiplier is not allowed here")
    value, proves = _classify(body)
    if value is None:
        return Reading(error="not a number")
    sign = -1.0 if negative else 1.0
    if isinstance(value, tuple):
        as_decimal, as_grouped = value
        if (decimal == POINT and "." in body) or (decimal == COMMA and "," in body):
            chosen = as_decimal
        elif decimal is not None:
            chosen = as_grouped
        else:
            return Reading(
                error="ambiguous",
                readings=(sign * as_decimal * multiplier, sign * as_grouped * multiplier),
                percent=percent,
            )
        return Reading(value=sign * chosen * multiplier, percent=percent)
    if decimal is not None and proves is not None and proves != decimal:
        mark = "comma" if decimal == COMMA else "point"
        return Reading(error=f"does not follow this file's decimal {mark}", evidence=proves)
    result = sign * value * multiplier
    if not math.isfinite(result):
        return Reading(error="not a finite number")
    return Reading(value=result, percent=percent, evidence=proves)


def settle(
    tokens: Iterable[str], delimiter: str = "", declared: Decimal | None = None
) -> tuple[Decimal | None, str]:
    """The decimal mark of a file and how it was settled, from its written numbers.

    Parameters
    ----------
    tokens:
        The text of the number cells (blank and plain-digit cells may be left out).
    delimiter:
        The CSV delimiter; ``;`` settles a decimal comma when the numbers do not.
    declared:
        The scenario's ``initiatives.decimal`` setting, which wins.
    """
    if declared is not None:
        return declared, f"decimal {_word(declared)} (set in the scenario)"
    votes = {POINT: 0, COMMA: 0}
    examples: dict[Decimal, str] = {}
    for token in tokens:
        if _POINT_PROOF.fullmatch(token):
            mark: Decimal | None = POINT
        elif _COMMA_PROOF.fullmatch(token):
            mark = COMMA
        elif "." in token or "," in token:
            mark = evidence(token)
        else:
            continue
        if mark is not None:
            votes[mark] += 1
            examples.setdefault(mark, token)
            if votes[mark] >= SETTLE_VOTES:
                break  # enough: a cell of the other convention is refused when read
    if votes[POINT] or votes[COMMA]:
        mark = POINT if votes[POINT] >= votes[COMMA] else COMMA
        return (
            mark,
            f"decimal {_word(mark)} (settled by the file's own numbers, e.g. {examples[mark]!r})",
        )
    if delimiter == ";":
        return COMMA, "decimal comma (from the ';' delimiter)"
    return None, "plain numbers only (no decimal mark needed)"


def _word(mark: Decimal) -> str:
    return "comma ','" if mark == COMMA else "point '.'"


def fmt(value: float) -> str:
    """A number as a plain example: 450000, 0.4, 1500000."""
    return f"{value:.10g}" if abs(value) < 1e15 else repr(value)


def decimal_clash(token: str, decimal: Decimal | None) -> tuple[float, float] | None:
    """(as decimals, as thousands) for a number with one mark before exactly three digits
    (``300.000``, ``470,000``) that the file's convention ``decimal`` reads as its decimal
    mark (300, 470): where three decimals are unlikely (money, counts) the writer far more
    often meant thousands. None for any other number, or when the convention reads the mark
    as thousands already (``300.000`` in a decimal-comma file)."""
    if decimal is None or decimal not in token:
        return None
    body = _strip(token)[0]
    if body is None or decimal not in body:
        return None
    reading = read_number(token, None, percent_ok=True)
    return reading.readings


def clash_message(
    text: str, readings: tuple[float, float], decimal: Decimal, how: str, setting: str
) -> str:
    """Why a :func:`decimal_clash` number is refused and how to write it.

    Parameters
    ----------
    text:
        The cell as written.
    readings:
        (as decimals, as thousands).
    decimal:
        The file's decimal mark.
    how:
        How the file's convention was settled, in words (see :func:`settle`).
    setting:
        How to give the file's decimal mark, with ``{mark}`` for the mark (e.g. "set
        `initiatives: {{decimal: '{mark}'}}` in the scenario").
    """
    low, high = readings
    grouping: Decimal = POINT if decimal == COMMA else COMMA
    grouped = f"{high:,.0f}".replace(",", grouping) if high.is_integer() else fmt(high)
    places = 2 if round(low, 2) == low else 4  # 300.00, 2.1250: no longer three decimals
    small = f"{low:.{places}f}".replace(".", decimal)
    word = "comma" if decimal == COMMA else "point"
    return (
        f"{text!r} is ambiguous: this file is read with a {how}, which makes it {fmt(low)}, "
        f"but a {word} before exactly three digits usually separates thousands ({fmt(high)}); "
        f"write it as {grouped} or {fmt(high)} (or {small} if {fmt(low)} is meant); if "
        f"'{decimal}' marks thousands in every number of this file, "
        + setting.format(mark=grouping)
    )
