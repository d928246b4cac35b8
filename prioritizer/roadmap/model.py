"""The time-indexed integer program of a roadmap in PuLP (the roadmap's only PuLP module).

Two formulations of the same program, chosen by name:

- ``start``: one binary x[i, s] per (initiative, start) column; every rule as written.
- ``select``: ``start`` plus one binary y[i] = Σ_s x[i, s] ("chosen at all") per initiative;
  every rule that treats all starts of an initiative alike (budget, opex, plan-wide capacity,
  counts, groups, mandatory) is written over y, so the solver can branch on "which" before
  "when".
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

FORMULATIONS: tuple[str, ...] = ("start", "started_by", "select")

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
    select: dict[str, Any] = {}
    if formulation == "select":
        members: dict[str, list[int]] = {}
        for j in order:
            members.setdefault(ids[j], []).append(j)
        for k, ident in enumerate(sorted(members)):
            select[ident] = problem.add_variable(f"y_{k}", 0, 1, cat=pulp.LpBinary)
            problem.addConstraint(
                pulp.LpConstraint(
                    pulp.LpAffineExpression(
                        [(var_of[j], 1.0) for j in members[ident]] + [(select[ident], -1.0)]
                    ),
                    pulp.LpConstraintEQ,
                    rhs=0.0,
                ),
                name=_name(f"select_{k}", taken),
            )
        column_count = {ident: len(cols) for ident, cols in members.items()}

    def over_selection(rule: RoadmapRule) -> pulp.LpAffineExpression | None:
        """The rule over y when it weighs every start of each initiative alike, else None."""
        weights: dict[str, list[float]] = {}
        for j, c in zip(rule.columns.tolist(), rule.coef.tolist(), strict=True):
            weights.setdefault(ids[j], []).append(c)
        if any(
            len(w) != column_count[i] or max(w) - min(w) > 1e-12 * max(1.0, abs(max(w)))
            for i, w in weights.items()
        ):
            return None
        return pulp.LpAffineExpression([(select[i], weights[i][0]) for i in sorted(weights)])

    for rule in sorted(rules, key=lambda r: (r.kind, r.key)):
        if not len(rule.columns):
            continue
        if formulation == "started_by" and rule.kind == "one_start":
            continue  # implied: the last z of an initiative is a binary
        lhs = None
        if formulation == "select":
            if rule.kind == "one_start":
                continue  # implied: y is a binary
            lhs = over_selection(rule)
        problem.addConstraint(
            pulp.LpConstraint(
                lhs if lhs is not None else expression(rule.columns, rule.coef),
                senses[rule.sense],
                rhs=rule.rhs,
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
        if formulation != "started_by":
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
