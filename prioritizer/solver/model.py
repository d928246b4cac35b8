"""The integer program as plain arrays, independent of any solver library.

``maximize c·x  subject to  lower <= A x <= upper,  x binary``. Variables are in *canonical*
order (initiative ids sorted), rows sorted by (kind, key), so every backend sees the same model
whatever the order of the input rows (and so returns the same portfolio).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..rules import Rule

_ILLEGAL = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True, eq=False)
class Model:
    """A binary program in canonical order.

    Attributes
    ----------
    objective:
        Coefficients to maximize, canonical order, multiplied by ``scale``.
    scale:
        Factor applied to the caller's objective (the sum of |coefficients| becomes 1e9: CBC
        prints its bound with three decimals only). Divide solver objectives by it.
    rank:
        ``rank[k]`` is the canonical position of initiative ``k`` (input order).
    indptr, indices, data:
        The constraint matrix by rows (CSR), canonical column indices.
    lower, upper:
        Row bounds (``-inf`` / ``inf`` where a side is free).
    row_names:
        Unique names derived from the rule keys (letters, digits and ``_`` only).
    integer:
        Canonical-order mask of the 0/1 variables; the others are continuous in [0, 1]
        (the OR variables of the no-double-counting rule). None: all are 0/1.
    preprocess:
        Whether CBC may preprocess the model (CglPreProcess). Off for a floor on the
        no-double-counting objective: on such a model (a random evidence scenario) CBC
        2.10.3's preprocessing reduced it to nothing and returned a non-optimal portfolio as
        optimal, where CBC without it and HiGHS agreed with exhaustive enumeration.
    """

    objective: np.ndarray
    scale: float
    rank: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_names: list[str]
    integer: np.ndarray | None = None
    preprocess: bool = True

    def is_integer(self, canonical: int) -> bool:
        """Whether variable ``canonical`` is 0/1 (else continuous in [0, 1])."""
        return self.integer is None or bool(self.integer[canonical])

    @property
    def n(self) -> int:
        """Number of variables."""
        return len(self.objective)

    @property
    def rows(self) -> int:
        """Number of constraints."""
        return len(self.lower)

    @property
    def empty(self) -> bool:
        """Nothing to decide: no variable has a coefficient anywhere."""
        return not np.any(self.objective) and not len(self.data)

    def to_input_order(self, canonical: np.ndarray) -> np.ndarray:
        """A 0/1 canonical-order solution vector in input order (rounded)."""
        return (np.asarray(canonical, dtype=float)[self.rank] > 0.5).astype(float)

    def to_canonical(self, x: np.ndarray) -> np.ndarray:
        """An input-order vector in canonical order."""
        out = np.empty(self.n)
        out[self.rank] = x
        return out


def build_model(
    ids: Sequence[str],
    coefficients: np.ndarray,
    rules: Sequence[Rule],
    integer: np.ndarray | None = None,
    *,
    preprocess: bool = True,
) -> Model:
    """The program for initiatives ``ids`` (input order), objective ``coefficients`` (input
    order, maximized) and ``rules``; rules without members are left out (a broken one must
    be caught before, see :func:`prioritizer.rules.trivially_broken`). ``integer`` (input
    order) marks the 0/1 variables when some are continuous in [0, 1]."""
    n = len(ids)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(n)
    coefficients = np.asarray(coefficients, dtype=float)
    scale = objective_scale(coefficients)
    objective = np.zeros(n)
    objective[rank] = coefficients * scale
    indptr = [0]
    chunks_i: list[np.ndarray] = []
    chunks_d: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    names: list[str] = []
    taken: set[str] = set()
    for rule in sorted(rules, key=lambda r: (r.kind, r.key)):
        keep = np.asarray(rule.coef) != 0
        if not keep.any():
            continue
        columns = rank[np.asarray(rule.index)[keep]]
        row_scale = row_power_of_two(np.asarray(rule.coef, dtype=float)[keep])
        values = np.asarray(rule.coef, dtype=float)[keep] * row_scale
        rhs = rule.rhs * row_scale
        order = np.argsort(columns, kind="stable")
        chunks_i.append(columns[order])
        chunks_d.append(values[order])
        indptr.append(indptr[-1] + len(columns))
        lower.append(rhs if rule.sense == ">=" else -np.inf)
        upper.append(rhs if rule.sense == "<=" else np.inf)
        names.append(_row_name(rule.key, taken))
    return Model(
        objective=objective,
        scale=scale,
        rank=rank,
        indptr=np.asarray(indptr, dtype=np.int64),
        indices=np.concatenate(chunks_i) if chunks_i else np.zeros(0, dtype=np.int64),
        data=np.concatenate(chunks_d) if chunks_d else np.zeros(0),
        lower=np.asarray(lower, dtype=float),
        upper=np.asarray(upper, dtype=float),
        row_names=names,
        integer=None if integer is None else np.asarray(integer, dtype=bool)[np.argsort(rank)],
        preprocess=preprocess,
    )


ROW_LIMIT_EXPONENT = 24
"""Rows whose largest |coefficient| reaches 2**24 (about 1.7e7, in the currency's unit) are
scaled down by a power of two into [2**23, 2**24) (:func:`row_power_of_two`)."""


def row_power_of_two(values: np.ndarray) -> float:
    """The power of two a row is multiplied by before it reaches the solver: 1 for a row whose
    largest |coefficient| is below 2**24 (every amount in euros or dollars up to 16.7
    million), else the one that brings it into [2**23, 2**24). The row is the same inequality
    (a power of two multiplies floating-point numbers exactly); unscaled, a budget row of
    1.6e9 (KRW, IDR, a large JPY budget) let CBC 2.10.3 return a portfolio 5% short of the
    optimum as optimal and call feasible ones infeasible. Rows below the limit are left as
    they are: scaling them too changes CBC's search path (on the roadmap benchmark, seed 8
    took 37 CPU s instead of 14-19)."""
    largest = float(np.abs(values).max()) if len(values) else 0.0
    if not np.isfinite(largest) or largest < 2.0**ROW_LIMIT_EXPONENT:
        return 1.0
    return float(2.0 ** (ROW_LIMIT_EXPONENT - np.frexp(largest)[1]))


def objective_scale(coefficients: np.ndarray) -> float:
    """The factor applied to an objective: the sum of its |coefficients| becomes 1e9 (CBC
    prints its bound with three decimals only, too coarse for a blended score near 0.5)."""
    total = float(np.abs(coefficients).sum())
    return 1e9 / total if total > 0 else 1.0


def _row_name(key: str, taken: set[str]) -> str:
    base = _ILLEGAL.sub("_", key)[:200]
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    taken.add(name)
    return name
