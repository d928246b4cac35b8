"""The time-indexed integer program of a roadmap in PuLP (the roadmap's only PuLP module).

Two formulations of the same program, chosen by name:

- ``start``: one binary x[i, s] per (initiative, start) column; every rule as written.
- ``started_by``: one binary z[i, t] = "initiative i has started by period t" per column,
  z non-decreasing in t; x[i, s] = z[i, s] − z[i, s − 1] substituted into every rule. Same
  LP bound, different branching (a branch fixes a whole prefix of starts).

Variables and rows are created in a canonical order (initiative id, then start), so the solver
sees the same model whatever the order of the input rows. The solver is run by
:mod:`prioritizer.optimize`'s runner (time limit in a worker, statuses, bound).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pulp

from .constraints import RoadmapRule

FORMULATIONS: tuple[str, ...] = ("start", "started_by")

_ILLEGAL = re.compile(r"[^A-Za-z0-9_]")


def _name(key: str, taken: set[str]) -> str:
    base = _ILLEGAL.sub("_", key)[:200]
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    taken.add(name)
    return name


def build_roadmap_problem(
    columns: pd.DataFrame,
    coefficients: np.ndarray,
    rules: Sequence[RoadmapRule],
    *,
    formulation: str = "start",
) -> tuple[pulp.LpProblem, Callable[[], np.ndarray]]:
    """The maximization ``coefficients · x`` subject to ``rules`` over the columns.

    Returns the problem and a function that reads the 0/1 column vector x off the solved
    problem (columns in the order of ``columns``).
    """
    if formulation not in FORMULATIONS:
        raise ValueError(f"unknown formulation {formulation!r}; expected one of {FORMULATIONS}")
    problem = pulp.LpProblem("roadmap", pulp.LpMaximize)
    count = len(columns)
    ids = [str(v) for v in columns["id"].tolist()]
    starts = [int(v) for v in columns["start_index"].tolist()]
    order = sorted(range(count), key=lambda j: (ids[j], starts[j]))
    rank = np.empty(count, dtype=int)
    rank[np.asarray(order, dtype=int)] = np.arange(count)
    variables = [problem.add_variable(f"v_{r}", 0, 1, cat=pulp.LpBinary) for r in range(count)]
    var_of = [variables[rank[j]] for j in range(count)]
    # previous column of the same initiative (starts ascending), -1 for the first
    previous = np.full(count, -1, dtype=int)
    for j_prev, j in itertools.pairwise(order):
        if ids[j_prev] == ids[j]:
            previous[j] = j_prev

    def expression(cols: np.ndarray, coef: np.ndarray) -> pulp.LpAffineExpression:
        weights: dict[int, float] = {}
        for j, c in zip(cols.tolist(), coef.tolist(), strict=True):
            weights[j] = weights.get(j, 0.0) + c
            if formulation == "started_by" and previous[j] >= 0:
                weights[int(previous[j])] = weights.get(int(previous[j]), 0.0) - c
        pairs = sorted((int(rank[j]), c) for j, c in weights.items() if c != 0)
        return pulp.LpAffineExpression([(variables[r], c) for r, c in pairs])

    problem.setObjective(expression(np.arange(count), np.asarray(coefficients, dtype=float)))
    taken: set[str] = set()
    senses = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE}
    for rule in sorted(rules, key=lambda r: (r.kind, r.key)):
        if not len(rule.columns):
            continue
        if formulation == "started_by" and rule.kind == "one_start":
            continue  # implied: the last z of an initiative is a binary
        problem.addConstraint(
            pulp.LpConstraint(
                expression(rule.columns, rule.coef), senses[rule.sense], rhs=rule.rhs
            ),
            name=_name(rule.key, taken),
        )
    if formulation == "started_by":
        for j in order:
            if previous[j] >= 0:
                problem.addConstraint(
                    pulp.LpConstraint(
                        pulp.LpAffineExpression([(var_of[j], 1.0), (var_of[previous[j]], -1.0)]),
                        pulp.LpConstraintGE,
                        rhs=0.0,
                    ),
                    name=_name(f"started_by_{rank[j]}", taken),
                )

    def decode() -> np.ndarray:
        raw = np.array([1.0 if (v.varValue or 0.0) > 0.5 else 0.0 for v in var_of])
        if formulation == "start":
            return raw
        x = raw.copy()
        has_prev = previous >= 0
        x[has_prev] = raw[has_prev] - raw[previous[has_prev]]
        return np.clip(x, 0.0, 1.0)

    return problem, decode


def run(
    problem: pulp.LpProblem, options: Any, objective_scale: float
) -> tuple[str, float, float | None, str]:
    """Solve with the project's solver runner; (solver name, seconds, bound, status word)."""
    from ..optimize import _run_with_deadline, _status

    name, seconds, bound = _run_with_deadline(problem, options, objective_scale=objective_scale)
    return name, seconds, bound, _status(problem)


def objective_value(problem: pulp.LpProblem) -> float:
    """The solved problem's objective value (0 when empty)."""
    return float(pulp.value(problem.objective) or 0.0)
