"""Total and subtotal rows: by their label, or because their numbers add up the rows above.

A totals row read as an initiative doubles the total cost and demand. A row is one when its
label says so (``Total``, ``Summe``, ``Σ``, ``Overall``, ``All initiatives``), or when its id
is blank or ends in total/sum (``Portfolio total``) and every number it holds (at least two)
is the sum of the rows above it: all of them, or those since the previous totals row (a
subtotal). A row with an initiative's id whose numbers add up is read, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from . import columns as schema
from .cells import is_blank

_TOTAL = re.compile(
    r"^\s*(grand\s+|sub-?\s*)?totals?\b|^\s*(summe|gesamt|insgesamt|zwischensumme|gesamtsumme"
    r"|suma|razem|ogółem|łącznie|totaal|somme|sum)\b",
    re.IGNORECASE,
)
_TOTAL_LABEL = re.compile(
    r"^\s*(?:[Σ∑].*|overall|all(?:\s+(?:initiatives|projects|items))?)\s*[:.]?\s*$",
    re.IGNORECASE,
)
"""Labels of a totals row beyond those starting with a total word (:data:`_TOTAL`): ``Σ``,
``Overall``, ``All``, ``All initiatives``. Whole-cell matches only, so an id such as ``OVERALL-NPS``
stays an id."""
_ENDS_IN_TOTAL = re.compile(r"^\s*(?:\S+\s+)+(?:totals?|sum)\s*[:.]?\s*$", re.IGNORECASE)
"""A label ending in ``total`` or ``sum`` (``Portfolio total``): a totals row only when its
numbers add up the rows above (:func:`sum_rows`), since an initiative may be called so
(``Show basket total``, ``Lump sum``)."""


def is_total_label(text: str) -> bool:
    """Whether a cell's text labels a total or subtotal row on its own (``Total``,
    ``Summe``, ``Σ``, ``Overall``, ``All initiatives``)."""
    return bool(_TOTAL.match(text) or _TOTAL_LABEL.match(text))


def may_be_total(id_value: Any) -> bool:
    """Whether a row with this id may be a totals row if its numbers add up the rows above:
    a blank id, or a label such as ``Portfolio total`` (a written id is an initiative's,
    whatever its numbers)."""
    if is_blank(id_value):
        return True
    return isinstance(id_value, str) and bool(
        is_total_label(id_value) or _ENDS_IN_TOTAL.match(id_value)
    )


@dataclass(frozen=True)
class SumRow:
    """A row whose numbers are the sums of the rows ``first`` to ``index - 1`` (indexes in
    the table's rows; ``past_totals``: totals rows among them left out), column by column
    for ``columns``."""

    index: int
    first: int
    columns: tuple[str, ...]
    past_totals: bool = False


def sum_rows(read: dict[str, list[Any]], raw: Mapping[str, Sequence[Any]]) -> list[SumRow]:
    """The rows whose every filled number cell (at least two, two of them not zero) is the
    sum of the rows above: all rows above (a grand total; earlier totals rows left out) or
    those since the previous totals row (a subtotal), at least two rows either way.

    Parameters
    ----------
    read:
        Canonical column -> the values as read (floats; None for a blank; anything else is
        a refused cell, which never adds up).
    raw:
        Canonical column -> the cells as written (a blank cell is not compared).
    """
    names = [n for n in read if schema.is_number_column(n)]
    if len(names) < 2:
        return []
    count = len(read[names[0]])
    values = {n: [v if type(v) is float else 0.0 for v in read[n]] for n in names}
    prefix = {n: [0.0, *accumulate(values[n])] for n in names}
    removed = dict.fromkeys(names, 0.0)  # the values of totals rows found so far
    found: list[SumRow] = []
    start = 0  # the first row after the previous totals row
    for k in range(2, count):
        for first, less in ((start, None), (0, removed)):
            above = k - first - (len(found) if less is not None else 0)
            if above < 2 or (less is not None and not found):
                continue
            matched = _adds_up(k, names, read, raw, prefix, first, less)
            if matched:
                found.append(SumRow(k, first, matched, less is not None))
                for n in names:
                    removed[n] += values[n][k]
                start = k + 1
                break
    return found


def _adds_up(
    k: int,
    names: list[str],
    read: dict[str, list[Any]],
    raw: Mapping[str, Sequence[Any]],
    prefix: dict[str, list[float]],
    first: int,
    less: dict[str, float] | None,
) -> tuple[str, ...]:
    """The columns of row ``k`` that hold the sum of rows ``first`` to ``k - 1`` (less the
    totals rows already found, ``less``), when every filled one does; () otherwise."""
    matched: list[str] = []
    nonzero = 0
    for n in names:
        if is_blank(raw[n][k]):
            continue
        value = read[n][k]
        if type(value) is not float:
            return ()
        total = prefix[n][k] - prefix[n][first] - (less[n] if less is not None else 0.0)
        if abs(value - total) > 1e-9 * max(1.0, abs(total)):
            return ()
        matched.append(n)
        nonzero += total != 0.0
    return tuple(matched) if len(matched) >= 2 and nonzero >= 2 else ()
