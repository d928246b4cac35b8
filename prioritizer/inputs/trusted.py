"""Initiatives built from a table's columns without validating each row again.

The table reader (:mod:`.build`) has already read every column against the declared schema
(:mod:`.columns`). :func:`trusted_initiatives` checks, column by column, that every value read
is one the :class:`~prioritizer.models.Initiative` model would accept *unchanged* (the type
it stores, already stripped, finite, within the model's own bounds); only then are the models
built directly, equal field for field to what ``Initiative.model_validate`` gives. On any
doubt (a column it does not cover, such as ranges or the roadmap columns, or a value the
model would convert or refuse) it returns None and the loader validates row by row, so
every message stays the model's own.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from annotated_types import Ge

from ..models import PILLARS, Initiative

_TEXT = frozenset(("id", "name", "segment", "journey_stage", "type", "owner", "exclusive_group"))
_NUMBER = frozenset(
    ("voc_volume", "ces_delta", "churn_reduction_pp", "cross_sell", "cost_savings", "cost", "opex")
)
_PILLAR_VALUES = frozenset(("", *PILLARS))


def _lower_bound(name: str) -> float | None:
    """The model's own ``ge`` bound of a float field (None: unbounded)."""
    for item in Initiative.model_fields[name].metadata:
        if isinstance(item, Ge):
            return float(item.ge)  # type: ignore[arg-type]
    return None


_BOUNDS: dict[str, float | None] = {name: _lower_bound(name) for name in _NUMBER}
_EFFORT_BOUND = 0.0  # effort: dict[str, NonNegative]
_TEMPLATE: dict[str, Any] = {
    name: field.get_default(call_default_factory=False)
    for name, field in Initiative.model_fields.items()
    if name != "id"
}


def _texts(values: Sequence[Any], nonempty: bool) -> bool:
    present = [v for v in values if v is not None]
    if not set(map(type, present)) <= {str}:
        return False
    if nonempty and "" in present:
        return False
    return list(map(str.strip, present)) == present


def _floats(values: Sequence[Any], bound: float | None) -> bool:
    present = [v for v in values if v is not None]
    if not present:
        return True
    if not set(map(type, present)) <= {float}:
        return False
    array = np.fromiter(present, dtype=float, count=len(present))
    if not np.isfinite(array).all():
        return False
    return bound is None or float(array.min()) >= bound


def _ids(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    if not set(map(type, present)) <= {tuple}:
        return False
    return all(type(p) is str and p and p == p.strip() for t in present for p in t)


def _members(values: Sequence[Any], allowed: frozenset[Any]) -> bool:
    try:
        return set(values) <= allowed
    except TypeError:  # an unhashable cell
        return False


def column_accepted(name: str, values: Sequence[Any]) -> bool:
    """Whether every value of the read column ``name`` is stored by the model unchanged."""
    check: Callable[[], bool]
    if name in _TEXT:
        check = lambda: _texts(values, nonempty=name == "id")  # noqa: E731
    elif name == "pillar":
        check = lambda: _members(values, _PILLAR_VALUES | {None})  # noqa: E731
    elif name in _NUMBER:
        check = lambda: _floats(values, _BOUNDS[name])  # noqa: E731
    elif name.startswith("effort_") and not name.endswith(("_low", "_high")):
        check = lambda: _floats(values, _EFFORT_BOUND)  # noqa: E731
    elif name == "depends_on":
        check = lambda: _ids(values)  # noqa: E731
    elif name == "mandatory":
        check = lambda: set(map(type, values)) <= {bool, type(None)}  # noqa: E731
    else:  # ranges, roadmap columns, addresses: the model converts or cross-checks them
        return False
    return check()


def trusted_initiatives(
    columns: Mapping[str, Sequence[Any]], count: int
) -> list[Initiative] | None:
    """The ``count`` initiatives of the reader's ``columns`` (canonical name -> values, None
    for a blank) built without per-row validation, or None when any column is not one
    :func:`column_accepted` vouches for or an id is blank (then validate each folded row
    with ``Initiative.model_validate``).

    Built column-wise, equal to the initiatives of the folded rows
    (:func:`~prioritizer.inputs.build.fold_rows`): each field the row's value, else the
    model's default (``name`` the id when blank), ``effort`` the row's non-blank
    ``effort_<team>`` cells in column order, the fields set those the row gives."""
    if "id" not in columns or not all(column_accepted(n, v) for n, v in columns.items()):
        return None
    ids = columns["id"]
    if len(ids) != count or None in ids:  # (values checked: None only by identity)
        return None
    teams = [n.removeprefix("effort_") for n in columns if n.startswith("effort_")]
    effort_columns = [columns[f"effort_{t}"] for t in teams]
    efforts: list[dict[str, Any] | None]
    if not effort_columns:
        efforts = [None] * count
    elif any(None in column for column in effort_columns):
        efforts = [
            {t: v for t, v in zip(teams, cells, strict=True) if v is not None} or None
            for cells in zip(*effort_columns, strict=True)
        ]
    else:
        efforts = [
            dict(zip(teams, cells, strict=True)) for cells in zip(*effort_columns, strict=True)
        ]
    given = [n for n in Initiative.model_fields if n in columns and n != "id"]
    sparse = [n for n in given if None in columns[n]]
    # each row starts from the model's defaults, in the model's field order; then the
    # columns are written in, column by column (a blank leaves the default)
    base = {"id": None, **_TEMPLATE}
    rows = [base.copy() for _ in range(count)]
    setitem = operator.setitem
    for name in ("id", *given):
        column = columns[name]
        if name in sparse:
            for row, value in zip(rows, column, strict=True):
                if value is not None:
                    row[name] = value
        else:
            list(map(setitem, rows, itertools.repeat(name, count), column))
    for row, effort in zip(rows, efforts, strict=True):
        row["effort"] = {} if effort is None else effort
        row["ranges"] = {}
        if not row["name"]:  # a blank name is the id (the model's own rule)
            row["name"] = row["id"]
    # the fields each row gives: one set shared by the rows that give the same ones
    always = frozenset(["id", *(n for n in given if n not in sparse)])
    present = [always] * count
    for name in sparse:
        for k, value in enumerate(columns[name]):
            if value is not None:
                present[k] = present[k] | {name}
    for k, effort in enumerate(efforts):
        if effort is not None:
            present[k] = present[k] | {"effort"}
    out: list[Initiative] = []
    new = Initiative.__new__
    setattr_ = object.__setattr__
    for values, fields_set in zip(rows, present, strict=True):
        item = new(Initiative)
        setattr_(item, "__dict__", values)
        setattr_(item, "__pydantic_fields_set__", set(fields_set))
        setattr_(item, "__pydantic_extra__", None)
        setattr_(item, "__pydantic_private__", None)
        out.append(item)
    return out
