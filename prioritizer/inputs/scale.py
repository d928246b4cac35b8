"""Amounts declared in thousands or millions: in a header, or in an Excel number format.

A header such as ``Cost (k€)``, ``Cost savings (EUR k/yr)``, ``($000)`` or ``Spent (EUR
thousands)`` says its amounts are scaled; so does an Excel number format that shows a scale
word next to the stored value (``#,##0 "k€"``: 250 shown as "250 k€"). Reading 250 as 250
(not 250,000) is the factor-1000 mistake this module lets the readers refuse in words. One
tokenizer serves both: :func:`declares_scale` for headers (initiatives and actuals alike) and
:func:`format_scale` for the literal text of a number format. The same way a header of a
yearly column (savings, cross-sell, opex, VoC volume) that says its amounts are per month or
per quarter (``Cost savings (EUR/month)``, ``quarterly opex``) is refused: read as yearly they
would be 12 or 4 times too small.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[\s/()\[\]{},_–—:;+|]+")
_CURRENCY = re.compile(
    r"^(?:[€$£¥₣]|eur|usd|gbp|chf|pln|sek|nok|dkk|zł|zl)+|(?:[€$£¥₣]|eur|usd|gbp|chf|pln|sek"
    r"|nok|dkk|zł|zl)+$"
)
SCALES: dict[str, int] = {
    **dict.fromkeys(
        (
            "k",
            "t",
            "tsd",
            "ths",
            "tausend",
            "thousand",
            "thousands",
            "'000",
            "000",
            "000s",
            "'000s",
        ),
        1,
    ),
    **dict.fromkeys(("m", "mm", "mn", "mio", "mill", "mln", "million", "millions"), 2),
    **dict.fromkeys(("bn", "bln", "mrd", "billion", "billions"), 3),
}
"""Scale words (lower case, currency stripped) -> the power of 1000 they stand for."""
_PERIODICITY = frozenset(
    {"yr", "year", "years", "p.a", "pa", "per", "annual", "annually", "month", "months", "a"}
)
_MONTHS = frozenset({"m", "mm"})
"""In a time column (``duration``, ``ramp_up``) these mean months, not millions."""
TIME_COLUMNS = ("duration", "ramp_up")


def tokens(text: str) -> list[str]:
    """The words of a header or a format literal, lower case: split on spaces, slashes,
    brackets, commas and underscores (not hyphens: ``T-shirt`` is no ``t``); apostrophes
    kept (``'000``); a trailing dot dropped (``Mio.``)."""
    folded = text.casefold().replace("’", "'").replace("‘", "'")
    return [word.rstrip(".") for word in _SPLIT.split(folded) if word.strip(".")]


def _scale_word(word: str) -> str | None:
    """``word`` as a scale word, with a currency glued to it stripped (``k€``, ``eurk``,
    ``keur``, ``teur``, ``$000``, ``mio€``, ``€m``); None when it is no scale word."""
    if word in _PERIODICITY:
        return None
    if word in SCALES:
        return word
    bare = _CURRENCY.sub("", word).strip(".")
    return bare if bare in SCALES else None


def scale_words(text: str, column: str = "") -> list[str]:
    """The scale words in ``text`` (a header, or a format's literal text), as written after
    currency stripping: ``["k"]`` for ``Cost (k€/yr)``.

    Parameters
    ----------
    text:
        The words to look at.
    column:
        The canonical column they belong to, if known: in a time column (``duration``,
        ``ramp_up``, their ranges) ``m``/``mm`` mean months and are not scale words; in an
        ``effort_<team>`` column the team's own name (a team called ``t``) is not one either.
    """
    words = tokens(text)
    base = column.removesuffix("_low").removesuffix("_high")
    if base.startswith("effort_"):
        for team_word in tokens(base.removeprefix("effort_")):
            if team_word in words:
                words.remove(team_word)
    found = [w for w in map(_scale_word, words) if w is not None]
    if base in TIME_COLUMNS:
        found = [w for w in found if w not in _MONTHS]
    return found


ANNUAL_COLUMNS = ("cost_savings", "cross_sell", "opex", "voc_volume")
"""Columns whose amounts are per year: a header saying "per month" or "per quarter" is
refused there (the amounts would be read 12 or 4 times too small)."""
PER_PERIOD: dict[str, tuple[str, int]] = {
    **dict.fromkeys(
        ("month", "months", "monthly", "mo", "mth", "mths", "p.m", "pcm"), ("month", 12)
    ),
    **dict.fromkeys(("quarter", "quarters", "quarterly", "qtr", "qtrs", "qtrly"), ("quarter", 4)),
    **dict.fromkeys(("week", "weekly", "wk"), ("week", 52)),
    **dict.fromkeys(("day", "daily"), ("day", 365)),
}
"""Words of a header saying its amounts are per month, quarter, week or day -> (the period,
how many there are in a year)."""


YEAR_WORDS = frozenset(
    {
        "year", "years", "yr", "yrs", "yearly", "annual", "annually", "annualised",
        "annualized", "annum", "p.a", "pa",
    }
)  # fmt: skip
"""Words of a header saying its amounts are per year: its period words then describe how
they were measured (``Cost savings (EUR per year, annualised from monthly run-rate)``)."""


def period_words(text: str) -> list[str]:
    """The words of ``text`` saying its amounts are per month, quarter, week or day
    (``["month"]`` for ``Cost savings (EUR/month)``, ``["monthly"]`` for ``monthly
    savings``); ``/m`` is left to :func:`scale_words` (millions or per month). None when the
    header also says the amounts are per year (``EUR p.a., full year from day 1``), and none
    for a count of periods (``last 12 months``: a window, not a rate)."""
    words = tokens(text)
    if any(word in YEAR_WORDS for word in words):
        return []
    return [
        word
        for k, word in enumerate(words)
        if word in PER_PERIOD and not (k and words[k - 1].isdigit())
    ]


def declares_scale(header: str, column: str = "") -> str | None:
    """The scale words a header declares (``'k'`` for ``Cost savings (EUR k/yr)``, ``'mio'``
    for ``Budget (Mio EUR)``), or None when its amounts are full amounts. For a column of
    amounts per year (:data:`ANNUAL_COLUMNS`, ranges included) a period word counts too
    (``'month'`` for ``Cost savings (EUR/month)``): see :func:`scaled_header_message`.

    ``column`` is the canonical column the header was read as (see :func:`scale_words`).
    """
    found = scale_words(header, column)
    if column.removesuffix("_low").removesuffix("_high") in ANNUAL_COLUMNS:
        found += period_words(header)
    return ", ".join(dict.fromkeys(found)) if found else None


# --------------------------------------------------------------------------------------
# Excel number formats
# --------------------------------------------------------------------------------------
_QUOTED = re.compile(r'"([^"]*)"|\\(.)|\[\$([^\]-]*)(?:-[^\]]*)?\]|\[[^\]]*\]|_.|\*.')
_PLACEHOLDER = re.compile(r"[0#?]")


def _sections(code: str) -> list[str]:
    """The ``;``-separated sections of a number format (``;`` inside quotes kept)."""
    out, current, quoted, escaped = [], [], False, False
    for char in code:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            out.append("".join(current))
            current = []
        else:
            current.append(char)
    out.append("".join(current))
    return out


def _literals(section: str) -> tuple[str, str]:
    """(the literal text a format section shows, the section with its literals blanked)."""
    shown: list[str] = []

    def blank(match: re.Match[str]) -> str:
        text = next((g for g in match.groups() if g is not None), "")
        if match.group(0).startswith(("[", "_", "*")) and match.group(3) is None:
            return " "  # a colour, condition, padding or fill: nothing shown
        shown.append(text)
        return " "

    skeleton = _QUOTED.sub(blank, section)
    return "".join(shown), skeleton


def _scaling_commas(skeleton: str) -> int:
    """How many times a format section divides by 1000 for display: the commas right after
    its last digit placeholder (``#,##0,`` once, ``0.0,,`` twice)."""
    last = max((m.end() for m in _PLACEHOLDER.finditer(skeleton)), default=-1)
    if last < 0:
        return 0
    rest = skeleton[last:]
    return len(rest) - len(rest.lstrip(","))


def format_scale(code: str) -> tuple[str, int] | None:
    """(the literal text, the factor to the full amount) of an Excel number format that shows
    a stored number as thousands or millions without dividing it (``#,##0 "k€"``: 250 shown
    as "250 k€", so 250 means 250,000: factor 1000), or None.

    A format whose scaling commas match its words (``#,##0,"k"`` divides by 1000 for display:
    the stored value is the full amount) is fine; only the sections for numbers are looked at
    (not the one for text)."""
    for section in _sections(str(code))[:3]:
        literal, skeleton = _literals(section)
        words = scale_words(literal)
        if not words:
            continue
        commas = _scaling_commas(skeleton)
        power = max(SCALES[w] for w in words)
        if any(SCALES[w] != commas for w in words):
            return literal.strip(), 1000 ** max(power - commas, 0)
    return None


_PER_MONTH = re.compile(r"/\s*m{1,2}\b", re.IGNORECASE)
"""``/m`` or ``/mm`` in a header: per month as much as millions."""


_PERIOD_TEXT = re.compile(
    r"\s*(?:/\s*|\bper\s+|\ba\s+)?(?<![\w.])(?:"
    + "|".join(sorted((re.escape(w) for w in PER_PERIOD), key=len, reverse=True))
    + r")(?![\w])\.?",
    re.IGNORECASE,
)


def without_period(header: str) -> str:
    """The header without its period words (``Opex (EUR)`` for ``Opex (EUR per month)``,
    ``savings`` for ``monthly savings``); "" when nothing is left."""
    bare = _PERIOD_TEXT.sub("", header)
    bare = re.sub(r"\(\s*\)|\[\s*\]", "", bare)
    bare = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", bare))
    return re.sub(r"\s{2,}", " ", bare).strip(" ,-_")


def _renamed(header: str) -> str:
    """`` (`Opex (EUR)`, not `Opex (EUR per month)`)``: the header without its period words,
    "" when nothing would be left."""
    bare = without_period(header)
    return f" (`{bare}`, not `{header}`)" if bare and header else ""


def scaled_header_message(words: str, header: str = "") -> str:
    """The refusal of a header that declares scaled amounts (``words``: what it says; the
    ``header`` as written). ``/m`` may also mean "per month": the message gives both. A
    period word (``month``, ``quarterly``, :data:`PER_PERIOD`) in a yearly column: the
    amounts must be per year."""
    said = words.split(", ")
    periods = [w for w in said if w in PER_PERIOD]
    if periods:
        unit, times = PER_PERIOD[periods[0]]
        scales = [w for w in said if w not in PER_PERIOD]
        also = (
            f"; it also says thousands or millions ({', '.join(scales)!r}): write full amounts "
            "(450000, not 450)"
            if scales
            else ""
        )
        return (
            f"the header says these amounts are per {unit} ({', '.join(periods)!r}), but this "
            f"column holds amounts per year: multiply each {unit}'s amount by {times} (the "
            f"year's total) and name the column without the period{_renamed(header)}, so "
            f"nothing is read {times} times too small{also}"
        )
    if set(said) <= _MONTHS and _PER_MONTH.search(header):
        return (
            f"the header's {words!r} reads as millions or as per month; write full amounts "
            "(450000, not 0.45) a year where the column is yearly (opex, savings, cross-sell), "
            "and drop it from the header, so nothing is misread by a factor of 1000 or 12"
        )
    return (
        f"the header says these amounts are in thousands or millions ({words!r}); write full "
        "amounts (450000, not 450) and drop the scale from the header, so nothing is misread "
        "by a factor of 1000"
    )
