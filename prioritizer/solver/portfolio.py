"""One solve of a scenario's integer program, reported as a :class:`~prioritizer.Result`.

Rules are built once per solve (or passed in), the model is built from arrays
(:mod:`.model`), a backend solves it (:mod:`.run`), and the selection is checked against the
rules on exact values before it is reported.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..evidence.coverage import Extension, double_counted, extend_program, own_objective
from ..exceptions import SolverError
from ..models import Scenario
from ..result import Result, SolverOptions
from ..rules import Rule, build_rules, floor_rule, trivially_broken, violated_rules
from ..value import score_initiatives
from .cylp_backend import Worker
from .model import build_model, objective_scale
from .run import SOLVERS, prepare, solve_model
from .solution import Solution, Status
from .start import greedy_start, knapsack_bound

TIE_TOLERANCE = 1e-9
"""Relative distance from the optimum within which portfolios count as tied."""


def check_options(options: SolverOptions) -> None:
    """SolverError for an unknown solver, a negative gap or a non-positive time limit."""
    if options.solver not in SOLVERS:
        raise SolverError(f"unknown solver {options.solver!r}; expected one of {list(SOLVERS)}")
    if options.gap < 0 or not math.isfinite(options.gap):
        raise SolverError(f"gap must be a finite number >= 0, got {options.gap}")
    if options.time_limit is not None and not options.time_limit > 0:
        raise SolverError(f"time limit must be > 0 seconds, got {options.time_limit}")


def solve_portfolio(
    scenario: Scenario,
    options: SolverOptions | None = None,
    *,
    scores: pd.DataFrame | None = None,
    disabled_rules: Iterable[str] = (),
    objective: np.ndarray | None = None,
    extra_rules: Iterable[Rule] = (),
    rules: Sequence[Rule] | None = None,
    start: np.ndarray | None = None,
    objective_floor: float | None = None,
) -> Result:
    """Solve the integer program once and report the outcome, infeasible included.

    The building block of every analysis: it never raises for infeasibility (the status says
    it), so sweeps can record infeasible points.

    Parameters
    ----------
    scenario:
        The scenario.
    options:
        Solver, time limit (s) and relative gap.
    scores:
        A precomputed value table (from :func:`prioritizer.score_initiatives`, perhaps with
        drawn values); computed from the scenario when omitted.
    disabled_rules:
        Rule keys to leave out (used by the infeasibility diagnosis).
    objective:
        Objective coefficients to maximize instead of ``scores['objective_score']`` (input
        order). The result's ``objective`` and ``best_bound`` are then in *its* units.
    extra_rules:
        Further linear rules (e.g. a floor on value for exact frontier breakpoints).
    rules:
        The scenario's rules for ``scores`` when already built (saves rebuilding them).
    start:
        A portfolio (input order, 0/1) to start from, e.g. one found by an earlier re-solve
        of a sweep; used only when it satisfies every active rule. Speed only: the optimum
        is proven either way.
    objective_floor:
        Keep the scenario's own objective at or above this value, counted as
        :class:`~prioritizer.Result` counts it (feedback several chosen initiatives address
        counts once, :mod:`prioritizer.evidence.coverage`), e.g. while ``objective`` minimizes
        a cost.

    With a time limit the greedy ranking over the rules is handed to CBC as a start, and is
    returned (``feasible``, with a gap against a knapsack bound) if the solver ends with
    nothing better. Ties between equally good portfolios are broken by ``options.tie_break``
    when the scenario's own objective is solved exactly.
    """
    options = options or SolverOptions()
    check_options(options)
    evidence = scenario.evidence
    # a floor on an objective that counts overlapping feedback once is solved without CBC's
    # preprocessing (Model.preprocess), which cylp cannot switch off: no cylp worker for it
    floored = objective_floor is not None and evidence is not None and bool(evidence.overlap)
    worker = None if floored else prepare(options, len(scenario.initiatives))
    try:
        if worker is not None:
            worker.launch()  # its start-up overlaps the model build
        return _solve(
            scenario,
            options,
            scores,
            disabled_rules,
            objective,
            extra_rules,
            rules,
            worker,
            start,
            objective_floor,
        )
    finally:
        if worker is not None:
            worker.discard()


def _solve(
    scenario: Scenario,
    options: SolverOptions,
    scores: pd.DataFrame | None,
    disabled_rules: Iterable[str],
    objective: np.ndarray | None,
    extra_rules: Iterable[Rule],
    rules: Sequence[Rule] | None,
    worker: Worker | None,
    given_start: np.ndarray | None = None,
    objective_floor: float | None = None,
) -> Result:
    started = time.perf_counter()
    scores = score_initiatives(scenario) if scores is None else scores
    disabled = set(disabled_rules)
    base_rules = build_rules(scenario, scores) if rules is None else rules
    active = [r for r in base_rules if r.key not in disabled] + list(extra_rules)
    coefficients = (
        scores["objective_score"].to_numpy(dtype=float)
        if objective is None
        else np.asarray(objective, dtype=float)
    )
    n = len(scores)
    # no double counting of feedback several initiatives address (evidence.coverage)
    extension = extend_program(scenario, scores, coefficients) if objective is None else None
    # the program actually built: with a floor on the scenario's own objective, its OR
    # variables are needed even when another objective is solved
    program, floor_rules = extension, []
    if objective_floor is not None:
        own = scores["objective_score"].to_numpy(dtype=float)
        program = extension or extend_program(scenario, scores, own)
        if program is None:
            active.append(floor_rule(own, objective_floor))
        else:
            own_extended = np.concatenate([own + program.model.x_adjust, program.model.w_objective])
            floor_rules = [floor_rule(own_extended, objective_floor)]

    def finish(solution: Solution, x: np.ndarray, build_s: float) -> Result:
        return _result(
            scenario, scores, active, options, solution, x, coefficients, build_s, extension
        )

    if any(trivially_broken(rule) for rule in active):
        nothing = Solution(
            "infeasible", np.zeros(n), None, None, options.solver, 0.0,
            "a rule can be met by no initiative",
        )  # fmt: skip
        return finish(nothing, np.zeros(n), 0.0)

    if program is None:
        model = build_model(list(scores.index), coefficients, active)
    else:
        padded = np.concatenate([coefficients, np.zeros(len(program.ids) - n)])
        model = build_model(
            program.ids,
            program.coefficients if program is extension else padded,
            [*active, *program.rules, *floor_rules],
            program.integer,
            preprocess=not floor_rules,  # see Model.preprocess
        )
    build_time = time.perf_counter() - started
    if model.empty:  # nothing to decide: every initiative is worth 0, free of rules
        return finish(
            Solution("optimal", np.zeros(n), 0.0, 0.0, options.solver, 0.0), np.zeros(n), build_time
        )

    def keeps_floor(selection: np.ndarray) -> bool:
        """The floor on the once-counted objective (``active`` holds it when nothing is
        addressed twice), with :meth:`Rule.holds`' tolerance."""
        if not floor_rules or objective_floor is None:
            return True
        slack = 1e-6 * max(1.0, abs(objective_floor))
        return own_objective(scenario, scores, selection) >= objective_floor - slack

    start, start_name = None, "the greedy ranking"
    if given_start is not None:
        given = (np.asarray(given_start, dtype=float) > 0.5).astype(float)
        if len(given) == n and not violated_rules(active, given) and keeps_floor(given):
            start, start_name = given, "the start portfolio"
    if start is None and options.time_limit is not None:
        start = greedy_start(active, coefficients, scores["cost"].to_numpy(dtype=float))
        if start is not None and not keeps_floor(start):
            start = None
    if start is not None and program is not None:
        start = program.start(start)
    solution = solve_model(
        model, options, start=None if start is None else model.to_canonical(start), worker=worker
    )
    if solution.status not in ("optimal", "feasible", "infeasible") and start is not None:
        bound = knapsack_bound(active, coefficients) * model.scale
        solution = Solution(
            "feasible",
            model.to_canonical(start),
            float(model.objective @ model.to_canonical(start)),
            bound,
            solution.solver + f", stopped: {start_name.removeprefix('the ')} returned",
            solution.seconds,
            f"the solver found nothing better than {start_name} within the time limit",
        )
    x = model.to_input_order(solution.x)[:n]
    if solution.status in ("optimal", "feasible"):
        broken = violated_rules(active, x)
        broken += [] if keeps_floor(x) else floor_rules
        if broken:
            message = "the solver returned a portfolio that breaks " + ", ".join(
                r.key for r in broken
            )
            solution = dataclasses.replace(solution, status="error", message=message)
        elif (
            options.tie_break
            and options.gap == 0
            and objective is None
            and extension is None
            and solution.status == "optimal"
        ):
            # at most twice the first solve's time (and never past the time limit): a tie-break
            # that would cost more than the optimum itself is not worth the wait
            remaining = max(1.0, 2.0 * solution.seconds)
            if options.time_limit is not None:
                remaining = min(remaining, options.time_limit - (time.perf_counter() - started))
            cheaper = cheapest_equal(scores, active, coefficients, x, options, remaining)
            if cheaper is not None:
                x = cheaper
    return finish(solution, x, build_time)


def cheapest_equal(
    scores: pd.DataFrame,
    rules: list[Rule],
    coefficients: np.ndarray,
    x: np.ndarray,
    options: SolverOptions,
    remaining_s: float | None = None,
) -> np.ndarray | None:
    """The selection worth at least the optimum less :data:`TIE_TOLERANCE` (relative) with
    the lowest one-off cost, then the fewest initiatives; None when the solver gives nothing
    better that checks out on exact values (or there is no time left)."""
    if remaining_s is not None and remaining_s <= 0.05:
        return None  # no time left: keep the proven optimum as found
    best = float(coefficients @ x)
    tolerance = TIE_TOLERANCE * max(1.0, abs(best))
    cost = scores["cost"].to_numpy(dtype=float)
    per_item = 1e-6 * max(1.0, float(cost.mean()) if len(cost) else 1.0)
    secondary = cost + per_item
    keep = floor_rule(coefficients, best - tolerance, key="tie_break_value")
    model = build_model(list(scores.index), -secondary, [*rules, keep])
    if model.empty:
        return None
    if remaining_s is not None:
        options = dataclasses.replace(options, time_limit=remaining_s)
    try:
        solution = solve_model(model, options, start=model.to_canonical(x))
    except SolverError:
        return None
    if solution.status != "optimal":
        return None
    y = model.to_input_order(solution.x)
    if violated_rules(rules, y) or float(coefficients @ y) < best - tolerance:
        return None
    improvement = float(secondary @ x) - float(secondary @ y)
    return y if improvement > per_item / 2 else None


def _result(
    scenario: Scenario,
    scores: pd.DataFrame,
    rules: list[Rule],
    options: SolverOptions,
    solution: Solution,
    x: np.ndarray,
    coefficients: np.ndarray,
    build_time_s: float,
    extension: Extension | None = None,
) -> Result:
    """The Result of a solution: totals exactly rounded (independent of row order); the
    objective, bound and gap in the units of the maximized ``coefficients``; with the
    no-double-counting ``extension``, customer value and objective count feedback once."""
    status: Status = solution.status
    if status not in ("optimal", "feasible"):
        x = np.zeros(len(scores))
    chosen = x > 0.5
    ids = list(scores.index[chosen])

    def total(column: str) -> float:
        return math.fsum(scores[column].to_numpy(dtype=float)[chosen].tolist())

    objective = math.fsum(coefficients[chosen].tolist())
    excess = double_counted(scenario, scores, chosen)  # 0.0 without evidence.overlap
    if excess and extension is not None:
        objective -= excess * extension.model.factor
    gap: float | None = None
    best_bound: float | None = None
    if status in ("optimal", "feasible") and solution.bound is not None:
        scale = objective_scale(coefficients if extension is None else extension.coefficients)
        reference = objective
        best_bound = max(solution.bound / scale, reference)
        size = max(abs(best_bound), abs(reference), 1e-12)
        gap = max(0.0, best_bound - reference) / size
        if gap < 1e-9:
            gap = 0.0
    elif status == "optimal":  # proven without a printed bound (e.g. nothing to decide)
        best_bound, gap = objective, 0.0
    return Result(
        scenario=scenario,
        status=status,
        objective=objective,
        selected=ids,
        business_value=total("business_value"),
        customer_value=total("customer_value") - excess,
        cost=total("cost"),
        opex=total("opex_per_year"),
        team_use={team: total(f"effort_{team}") for team in scenario.teams},
        solver=solution.solver,
        gap=gap,
        best_bound=best_bound,
        solve_time_s=solution.seconds,
        build_time_s=build_time_s,
        scores=scores,
        rules=rules,
        options=options,
        message=solution.message,
    )
