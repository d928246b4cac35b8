"""The time-indexed integer program of a roadmap, as a solver-layer :class:`Model`.

No solver library here: the program is built from plain rules and solved by
:func:`prioritizer.solver.solve_model` (PuLP's CBC, cylp or HiGHS). Four formulations of the
same program, chosen by name (the default, ``aggregate``, was the fastest to prove optimality
on the roadmap benchmark: README, "Roadmap program"):

- ``start``: one binary x[i, s] per (initiative, start) column; every rule as written.
- ``select``: ``start`` plus one binary y[i] = Σ_s x[i, s] ("chosen at all") per initiative;
  every rule that treats all starts of an initiative alike (budget, opex, plan-wide capacity,
  counts, groups, mandatory) is written over y, so the solver can branch on "which" before
  "when".
- ``started_by``: one binary z[i, t] = "initiative i has started by period t" per column, z
  non-decreasing in t; x[i, s] = z[i, s] − z[i, s − 1] substituted into every rule. Same LP
  bound, different branching (a branch fixes a whole prefix of starts).
- ``aggregate``: ``start`` plus one binary w per set of starts that a rule weighs alike ("i is
  active in period p", "i is chosen"), w = Σ x; the knapsack rows (per-period budgets and
  capacities, plan-wide rows) are written over w.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..result import SolverOptions
from ..rules import Rule
from ..solver import Model, Solution, build_model, solve_model
from .constraints import RoadmapRule
from .formulations import DEFAULT_FORMULATION, FORMULATIONS

__all__ = [
    "DEFAULT_FORMULATION",
    "FORMULATIONS",
    "RoadmapProgram",
    "build_roadmap_program",
    "solve_program",
]


@dataclass(frozen=True, eq=False)
class RoadmapProgram:
    """A roadmap program ready for the solver layer.

    ``model`` is the solver-layer Model; ``decode`` turns its input-order 0/1 solution into
    the 0/1 vector over the roadmap columns; ``encode`` is the inverse (a plan over the
    columns as the model's input-order variables, e.g. a MIP start).
    """

    model: Model
    decode: Callable[[np.ndarray], np.ndarray]
    formulation: str
    encode: Callable[[np.ndarray], np.ndarray]


def build_roadmap_program(
    columns: pd.DataFrame,
    coefficients: np.ndarray,
    rules: Sequence[RoadmapRule],
    *,
    formulation: str = DEFAULT_FORMULATION,
) -> RoadmapProgram:
    """The maximization ``coefficients · x`` subject to ``rules`` over the roadmap columns."""
    if formulation not in FORMULATIONS:
        raise ValueError(f"unknown formulation {formulation!r}; expected one of {FORMULATIONS}")
    count = len(columns)
    ids = [str(v) for v in columns["id"].tolist()]
    starts = [int(v) for v in columns["start_index"].tolist()]
    names = [f"{i}@{s:04d}" for i, s in zip(ids, starts, strict=True)]
    order = sorted(range(count), key=lambda j: (ids[j], starts[j]))
    previous = np.full(count, -1, dtype=int)  # previous start column of the same initiative
    for j_prev, j in itertools.pairwise(order):
        if ids[j_prev] == ids[j]:
            previous[j] = j_prev
    coefficients = np.asarray(coefficients, dtype=float)
    out: list[Rule] = []

    def rule(r: RoadmapRule, index: np.ndarray, coef: np.ndarray) -> Rule:
        return Rule(r.key, r.kind, r.text, index, coef, r.sense, r.rhs)

    if formulation == "start":
        out = [rule(r, r.columns, r.coef) for r in rules if len(r.columns)]
        same = lambda x: np.asarray(x, float)  # noqa: E731
        return RoadmapProgram(build_model(names, coefficients, out), same, formulation, same)

    if formulation == "started_by":

        def shift(index: np.ndarray, coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            weights: dict[int, float] = {}
            for j, c in zip(index.tolist(), coef.tolist(), strict=True):
                weights[j] = weights.get(j, 0.0) + c
                if previous[j] >= 0:
                    weights[int(previous[j])] = weights.get(int(previous[j]), 0.0) - c
            keys = sorted(weights)
            return np.array(keys, dtype=int), np.array([weights[k] for k in keys])

        for r in rules:
            if len(r.columns) and r.kind != "one_start":  # implied: z is a binary
                index, coef = shift(r.columns, r.coef)
                out.append(rule(r, index, coef))
        for j in order:
            if previous[j] >= 0:
                out.append(
                    Rule(
                        f"started_by[{names[j]}]",
                        "started_by",
                        "started by is monotone",
                        np.array([int(previous[j]), j]),
                        np.array([1.0, -1.0]),
                        "<=",
                        0.0,
                    )
                )
        objective_index, objective = shift(np.arange(count), coefficients)
        dense = np.zeros(count)
        dense[objective_index] = objective

        def decode_z(z: np.ndarray) -> np.ndarray:
            z = np.asarray(z, dtype=float)
            x = z.copy()
            has = previous >= 0
            x[has] = z[has] - z[previous[has]]
            return np.clip(x, 0.0, 1.0)

        def encode_z(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x, dtype=float)
            z = x.copy()
            for j in order:  # by (initiative, start): z is x summed over earlier starts
                if previous[j] >= 0:
                    z[j] += z[previous[j]]
            return z

        return RoadmapProgram(build_model(names, dense, out), decode_z, formulation, encode_z)

    if formulation == "aggregate":
        return _aggregate(columns, coefficients, rules, names, ids)

    # select: variables are the columns, then one y per initiative
    initiatives = sorted(set(ids))
    y_of = {ident: count + k for k, ident in enumerate(initiatives)}
    members: dict[str, list[int]] = {}
    for j in order:
        members.setdefault(ids[j], []).append(j)
    for r in rules:
        if not len(r.columns) or r.kind == "one_start":
            continue
        weights: dict[str, list[float]] = {}
        for j, c in zip(r.columns.tolist(), r.coef.tolist(), strict=True):
            weights.setdefault(ids[j], []).append(c)
        uniform = all(
            len(w) == len(members[i]) and max(w) - min(w) <= 1e-12 * max(1.0, abs(max(w)))
            for i, w in weights.items()
        )
        if uniform:
            keys = sorted(weights)
            out.append(
                rule(r, np.array([y_of[i] for i in keys]), np.array([weights[i][0] for i in keys]))
            )
        else:
            out.append(rule(r, r.columns, r.coef))
    for ident in initiatives:
        cols = np.array(members[ident] + [y_of[ident]])
        coef = np.r_[np.ones(len(members[ident])), -1.0]
        for sense in ("<=", ">="):
            out.append(
                Rule(
                    f"select[{ident}]{sense}",
                    "select",
                    f"{ident} chosen once",
                    cols,
                    coef,
                    sense,
                    0.0,
                )
            )
    padded = np.r_[coefficients, np.zeros(len(initiatives))]
    model = build_model([*names, *initiatives], padded, out)

    def encode_y(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.r_[x, [x[members[i]].sum() for i in initiatives]]

    return RoadmapProgram(model, lambda x: np.asarray(x, float)[:count], formulation, encode_y)


def _aggregate(
    columns: pd.DataFrame,
    coefficients: np.ndarray,
    rules: Sequence[RoadmapRule],
    names: list[str],
    ids: list[str],
) -> RoadmapProgram:
    """``aggregate``: wherever a rule weighs several starts of one initiative alike (the
    per-period budget and capacity rows: every start active in the period; the plan-wide rows:
    every start), those starts are replaced by one binary w = their sum ("initiative i is
    active in period p", "i is chosen"), defined once by Σ x − w = 0. The knapsack rows then
    read over w, where the solver's cover and clique cuts see whole initiatives."""
    count = len(columns)
    aggregates: dict[tuple[int, ...], int] = {}
    extra_names: list[str] = []
    out: list[Rule] = []
    for r in rules:
        if not len(r.columns):
            continue
        if r.kind == "one_start":
            out.append(Rule(r.key, r.kind, r.text, r.columns, r.coef, r.sense, r.rhs))
            continue
        by_id: dict[str, list[tuple[int, float]]] = {}
        for j, c in zip(r.columns.tolist(), r.coef.tolist(), strict=True):
            by_id.setdefault(ids[j], []).append((j, c))
        index: list[int] = []
        coef: list[float] = []
        for ident, pairs in by_id.items():
            values = [c for _, c in pairs]
            uniform = max(values) - min(values) <= 1e-12 * max(1.0, abs(max(values)))
            if len(pairs) >= 2 and uniform:
                key = tuple(sorted(j for j, _ in pairs))
                if key not in aggregates:
                    aggregates[key] = count + len(aggregates)
                    extra_names.append(f"{ident}#{len(aggregates)}")
                index.append(aggregates[key])
                coef.append(values[0])
            else:
                index += [j for j, _ in pairs]
                coef += values
        out.append(Rule(r.key, r.kind, r.text, np.array(index), np.array(coef), r.sense, r.rhs))
    for key, w in aggregates.items():
        for sense in ("<=", ">="):
            out.append(
                Rule(
                    f"aggregate[{extra_names[w - count]}]{sense}",
                    "aggregate",
                    "sum of starts",
                    np.array([*key, w]),
                    np.r_[np.ones(len(key)), -1.0],
                    sense,
                    0.0,
                )
            )
    padded = np.r_[coefficients, np.zeros(len(aggregates))]
    model = build_model([*names, *extra_names], padded, out)
    keys = [np.array(key) for key in aggregates]

    def encode_w(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.r_[x, [x[key].sum() for key in keys]]

    return RoadmapProgram(model, lambda x: np.asarray(x, float)[:count], "aggregate", encode_w)


def solve_program(
    program: RoadmapProgram, options: SolverOptions, start: np.ndarray | None = None
) -> tuple[Solution, np.ndarray]:
    """Solve with the solver layer; (the solution, 0/1 over the roadmap columns). ``start``:
    a plan over the roadmap columns that keeps every rule, handed to CBC as a MIP start."""
    canonical = None
    if start is not None:
        canonical = program.model.to_canonical(program.encode(start))
    solution = solve_model(program.model, options, start=canonical)
    x = program.decode(program.model.to_input_order(solution.x))
    return solution, x
