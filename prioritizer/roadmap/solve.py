"""Solving the roadmap's time-indexed program once (spec.md §5): :func:`solve_roadmap` reports
every outcome, infeasible included, as a :class:`Roadmap`;
:func:`prioritizer.roadmap.plan.plan_roadmap` composes it with the diagnosis."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError
from ..models import Scenario
from ..result import SolverOptions
from .constraints import RoadmapRule, build_roadmap_rules, candidates, check_pins
from .formulations import DEFAULT_FORMULATION
from .result import Roadmap
from .values import start_values


def require_periods(scenario: Scenario) -> None:
    """ScenarioError unless the scenario has ``periods``."""
    if not scenario.periods:
        raise ScenarioError(
            [
                Problem(
                    "key periods",
                    "a roadmap needs `periods` (a list of period labels, e.g. [2027Q1, 2027Q2]) "
                    "in the scenario; without it use `solve`",
                )
            ]
        )


def solve_roadmap(
    scenario: Scenario,
    options: SolverOptions | None = None,
    *,
    pins: Mapping[str, str] | None = None,
    values: pd.DataFrame | None = None,
    disabled_groups: Iterable[str] = (),
    objective: np.ndarray | None = None,
    formulation: str = DEFAULT_FORMULATION,
    field_values: Mapping[str, np.ndarray] | None = None,
    greedy: bool = False,
    search: bool = True,
) -> Roadmap:
    """Solve the roadmap program once; never raises for infeasibility (the status says it).

    ``values`` is a precomputed :func:`start_values` table; ``disabled_groups`` leaves rule
    groups out (for the diagnosis); ``objective`` replaces the objective per column;
    ``field_values`` replaces the ``effort_<team>`` arrays of the rules (drawn efforts).
    ``greedy``: hand CBC the plan of :func:`~.start.greedy_roadmap` as a MIP start (off by
    default: on the 200-initiative benchmark it helped in one of three seeds, README).
    ``search``: with CBC, a time limit of at least :data:`~.search.MIN_LIMIT_S` and at
    least :data:`~.search.SEARCH_MIN_INITIATIVES` initiatives, spend the middle of the limit on the
    large-neighbourhood search of :func:`~.search.solve_with_search` (on by default: at 200
    initiatives and 60 s the gaps were 1.21%, 0.36%, 1.15% against CBC alone's 1.91%, 3.30%,
    3.79%, README); without a time limit, or on a roadmap whose first neighbourhood would be
    the whole program, CBC alone has all the time.
    """
    from ..solver import check_options
    from .model import build_roadmap_program, solve_program
    from .search import MIN_LIMIT_S, SEARCH_MIN_INITIATIVES, solve_with_search

    require_periods(scenario)
    options = options or SolverOptions(tie_break=False)
    check_options(options)
    pins = {**scenario.pinned_starts, **dict(pins or {})}  # the scenario's own pins kept
    problems = check_pins(scenario, pins)
    if problems:
        raise ScenarioError([Problem(where, message) for where, message in problems])
    started = time.perf_counter()
    values = start_values(scenario) if values is None else values
    columns = candidates(scenario, values)
    disabled = set(disabled_groups)
    rules = [
        r
        for r in build_roadmap_rules(scenario, columns, pins=pins, field_values=field_values)
        if r.group not in disabled
    ]
    coefficients = (
        columns["objective_score"].to_numpy(dtype=float) if objective is None else objective
    )
    count = len(columns)

    def finish(status: str, x: np.ndarray, **extra: Any) -> Roadmap:
        return _roadmap(scenario, columns, rules, options, status, x, pins, formulation, **extra)

    if any(rule.trivially_broken() for rule in rules):
        return finish("infeasible", np.zeros(count), message="a rule can be met by no start")
    program = build_roadmap_program(columns, coefficients, rules, formulation=formulation)
    build_time = time.perf_counter() - started
    if program.model.empty:
        return finish("optimal", np.zeros(count), build_time_s=build_time, bound=0.0)
    start = None
    if greedy:
        from .start import greedy_roadmap

        start = greedy_roadmap(
            rules,
            coefficients,
            columns["row"].to_numpy(dtype=int),
            columns["cost"].to_numpy(dtype=float),
        )
    searchable = len(scenario.initiatives) >= SEARCH_MIN_INITIATIVES
    if (
        search
        and searchable
        and options.solver == "cbc"
        and (options.time_limit or 0.0) >= MIN_LIMIT_S
    ):
        solution, x = solve_with_search(program, columns, coefficients, rules, options, start)
    else:
        solution, x = solve_program(program, options, start)
    status, solve_time, solver_name = solution.status, solution.seconds, solution.solver
    scale = program.model.scale
    bound = None if solution.bound is None else solution.bound / scale
    if status not in ("optimal", "feasible"):
        message = solution.message or (
            "no roadmap satisfies every rule"
            if status == "infeasible"
            else f"the solver found no roadmap (status {status})"
        )
        return finish(
            status,
            np.zeros(count),
            build_time_s=build_time,
            solve_time_s=solve_time,
            solver=solver_name,
            message=message,
        )
    broken = [r.key for r in rules if not r.holds(x)]
    if broken:
        return finish(
            "error",
            x,
            build_time_s=build_time,
            solve_time_s=solve_time,
            solver=solver_name,
            message="the solver returned a roadmap that breaks " + ", ".join(broken),
        )
    return finish(
        status,
        x,
        build_time_s=build_time,
        solve_time_s=solve_time,
        solver=solver_name,
        solver_objective=None if solution.objective is None else solution.objective / scale,
        bound=bound,
    )


def _roadmap(
    scenario: Scenario,
    columns: pd.DataFrame,
    rules: list[RoadmapRule],
    options: SolverOptions,
    status: str,
    x: np.ndarray,
    pins: Mapping[str, str],
    formulation: str,
    *,
    build_time_s: float = 0.0,
    solve_time_s: float = 0.0,
    solver: str | None = None,
    solver_objective: float | None = None,
    bound: float | None = None,
    message: str = "",
) -> Roadmap:
    chosen = x > 0.5

    def total(column: str) -> float:
        return math.fsum(columns[column].to_numpy(dtype=float)[chosen].tolist())

    objective = total("objective_score")
    gap: float | None = None
    best_bound: float | None = None
    if status == "optimal" or (status == "feasible" and bound is not None):
        reference = objective if solver_objective is None else solver_objective
        best_bound = reference if bound is None else max(bound, reference)
        scale = max(abs(best_bound), abs(reference), 1e-12)
        gap = max(0.0, best_bound - reference) / scale
        gap = 0.0 if gap < 1e-9 else gap
    return Roadmap(
        scenario=scenario,
        status=status,
        objective=objective,
        business_value=total("business_value"),
        customer_value=total("customer_value"),
        cost=total("cost"),
        columns=columns,
        x=x,
        rules=rules,
        options=options,
        solver=solver or options.solver,
        gap=gap,
        best_bound=best_bound,
        solve_time_s=solve_time_s,
        build_time_s=build_time_s,
        formulation=formulation,
        pins=dict(pins),
        message=message,
    )
