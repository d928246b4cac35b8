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
_TRUSTED_FIELDS = _TEXT | _NUMBER | {"pillar", "effort", "depends_on", "mandatory"}


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
    columns: Mapping[str, Sequence[Any]], rows: Sequence[Mapping[str, Any]]
) -> list[Initiative] | None:
    """The initiatives of ``rows`` (the reader's folded rows, made from ``columns``) built
    without per-row validation, or None when any column is not one :func:`column_accepted`
    vouches for (then validate each row with ``Initiative.model_validate``)."""
    if "id" not in columns or not all(column_accepted(n, v) for n, v in columns.items()):
        return None
    out: list[Initiative] = []
    new = Initiative.__new__
    setattr_ = object.__setattr__
    for row in rows:
        if "id" not in row or not _TRUSTED_FIELDS.issuperset(row):
            return None
        values = {"id": row["id"], **_TEMPLATE}
        values.update(row)
        if "effort" not in row:
            values["effort"] = {}
        values["ranges"] = {}
        if not values["name"]:
            values["name"] = values["id"]
        item = new(Initiative)
        setattr_(item, "__dict__", values)
        setattr_(item, "__pydantic_fields_set__", set(row))
        setattr_(item, "__pydantic_extra__", None)
        setattr_(item, "__pydantic_private__", None)
        out.append(item)
    return out
