"""The integer program: the only module that imports PuLP.

One binary variable per initiative; the rules of :mod:`prioritizer.rules` as named constraints;
the objective of the scenario's mode. Solved by CBC (bundled with PuLP, default) or HiGHS
(highspy, in-process). Every solver status is mapped to ``optimal`` / ``feasible`` /
``infeasible`` / ``error``, from the solver's own *solution* status, so a run stopped by a time
limit is never reported as optimal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pulp

from .evidence.coverage import OverlapModel, double_counted, overlap_model
from .evidence.coverage import customer_factor as _customer_factor
from .exceptions import InfeasibleError, SolverError
from .models import Scenario
from .result import Result, SolverOptions
from .rules import Rule, build_rules, floor_rule, trivially_broken, violated_rules
from .value import score_initiatives

log = logging.getLogger(__name__)

SOLVERS = ("cbc", "highs")


def optimize(
    scenario: Scenario,
    *,
    solver: str = "cbc",
    time_limit: float | None = None,
    gap: float = 0.0,
) -> Result:
    """Choose the best portfolio of a scenario.

    Parameters
    ----------
    scenario:
        The validated scenario (see :func:`prioritizer.load_scenario`).
    solver:
        ``cbc`` (default) or ``highs``.
    time_limit:
        Seconds the solver may run; the best portfolio found is returned as ``feasible``
        with its gap when the limit stops the proof.
    gap:
        Relative optimality gap at which the solver may stop (default 0: prove the optimum).

    Returns
    -------
    Result
        Status ``optimal`` or ``feasible``.

    Raises
    ------
    InfeasibleError
        No portfolio satisfies every rule; the message names the conflicting rules.
    SolverError
        The solver failed or found no portfolio within the time limit.

    Examples
    --------
    >>> res = px.optimize(px.load_scenario("scenarios/retail_bank/scenario.yaml"))  # doctest: +SKIP
    >>> res.status, res.selected[:3]  # doctest: +SKIP
    """
    result = solve_portfolio(scenario, SolverOptions(solver, time_limit, gap))
    if result.status == "infeasible":
        from .diagnose import diagnose_infeasibility  # the diagnosis re-solves: import lazily

        diagnosis = diagnose_infeasibility(scenario, options=result.options)
        raise InfeasibleError(diagnosis.message, conflict=diagnosis.conflict, details=diagnosis)
    if result.status == "error":
        raise SolverError(result.message)
    return result


def solve_portfolio(
    scenario: Scenario,
    options: SolverOptions | None = None,
    *,
    scores: pd.DataFrame | None = None,
    disabled_rules: Iterable[str] = (),
    objective: np.ndarray | None = None,
    extra_rules: Iterable[Rule] = (),
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
        Objective coefficients to use instead of ``scores['objective_score']`` (input order).
    extra_rules:
        Further linear rules (e.g. a floor on value for exact frontier breakpoints).

    Ties between equally good portfolios are broken by ``options.tie_break`` when the
    scenario's own objective is solved (not for a replacement ``objective``).
    """
    options = options or SolverOptions()
    if options.solver not in SOLVERS:
        raise SolverError(f"unknown solver {options.solver!r}; expected one of {list(SOLVERS)}")
    if options.gap < 0 or not math.isfinite(options.gap):
        raise SolverError(f"gap must be a finite number >= 0, got {options.gap}")
    if options.time_limit is not None and not options.time_limit > 0:
        raise SolverError(f"time limit must be > 0 seconds, got {options.time_limit}")
    started = time.perf_counter()
    scores = score_initiatives(scenario) if scores is None else scores
    disabled = set(disabled_rules)
    rules = [r for r in build_rules(scenario, scores) if r.key not in disabled]
    rules += list(extra_rules)
    coefficients = (
        scores["objective_score"].to_numpy(dtype=float) if objective is None else objective
    )
    n = len(scores)
    # no double counting of feedback addressed by several initiatives (evidence.coverage)
    overlap = overlap_model(scenario, scores) if objective is None else None
    if overlap is not None:
        coefficients = coefficients + overlap.x_adjust

    def finish(status: str, x: np.ndarray, **extra: Any) -> Result:
        return _result(scenario, scores, rules, options, status, x, started=started, **extra)

    if any(trivially_broken(rule) for rule in rules):
        return finish(
            "infeasible",
            np.zeros(n),
            build_time_s=0.0,
            solve_time_s=0.0,
            message="a rule can be met by no initiative",
        )

    # The solver sees the objective scaled so that the sum of |coefficients| is 1e9: CBC prints
    # its bound with three decimals only, too coarse for a blended score near 0.5.
    total = float(np.abs(coefficients).sum())
    if overlap is not None:
        total += float(np.abs(overlap.w_objective).sum())
    scale = 1e9 / total if total > 0 else 1.0
    problem, variables = _build_problem(scenario, coefficients * scale, rules, overlap, scale)
    build_time = time.perf_counter() - started
    if not problem.variables():  # nothing to decide: every initiative is worth 0, free of rules
        return finish(
            "optimal",
            np.zeros(n),
            build_time_s=build_time,
            solve_time_s=0.0,
            solver_objective=0.0,
            bound=0.0,
        )

    solver_name, solve_time, bound = _run_with_deadline(
        problem, options, objective_scale=total * scale
    )
    bound = None if bound is None else bound / scale
    status = _status(problem)
    if status in ("infeasible", "error"):
        message = (
            "no portfolio satisfies every rule"
            if status == "infeasible"
            else _no_solution_message(problem, options)
        )
        return finish(
            status,
            np.zeros(n),
            build_time_s=build_time,
            solve_time_s=solve_time,
            solver=solver_name,
            message=message,
        )

    x = np.array([1.0 if (var.varValue or 0.0) > 0.5 else 0.0 for var in variables])
    broken = violated_rules(rules, x)
    if broken:
        return finish(
            "error",
            x,
            build_time_s=build_time,
            solve_time_s=solve_time,
            solver=solver_name,
            message="the solver returned a portfolio that breaks "
            + ", ".join(r.key for r in broken),
        )
    solver_objective = float(pulp.value(problem.objective) or 0.0) / scale
    if (
        options.tie_break
        and options.gap == 0
        and objective is None
        and overlap is None
        and status == "optimal"
    ):
        # at most twice the first solve's time (and never past the time limit): a tie-break
        # that would cost more than the optimum itself is not worth the wait
        remaining = max(1.0, 2.0 * solve_time)
        if options.time_limit is not None:
            remaining = min(remaining, options.time_limit - (time.perf_counter() - started))
        cheaper = _cheapest_equal(scenario, options, scores, rules, coefficients, x, remaining)
        if cheaper is not None:
            x = cheaper
    return finish(
        status,
        x,
        build_time_s=build_time,
        solve_time_s=solve_time,
        solver=solver_name,
        solver_objective=float(solver_objective or 0.0),
        bound=bound,
    )


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------
_ILLEGAL = re.compile(r"[^A-Za-z0-9_]")


def _constraint_name(key: str, taken: set[str]) -> str:
    base = _ILLEGAL.sub("_", key)[:200]
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    taken.add(name)
    return name


def _build_problem(
    scenario: Scenario,
    coefficients: np.ndarray,
    rules: list[Rule],
    overlap: OverlapModel | None = None,
    overlap_scale: float = 1.0,
) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The integer program in *canonical* order: variables by initiative id, rules by key,
    so the solver sees the same model whatever the order of the input rows (and so returns
    the same portfolio). Returns the variables in input order."""
    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    ids = [item.id for item in scenario.initiatives]
    rank = np.empty(len(ids), dtype=int)
    rank[np.argsort(np.array(ids, dtype=object), kind="stable")] = np.arange(len(ids))
    by_rank = [problem.add_variable(f"x_{r}", 0, 1, cat=pulp.LpBinary) for r in range(len(ids))]
    variables = [by_rank[r] for r in rank]

    def terms(index: Iterable[int], coef: Iterable[float]) -> list[tuple[Any, float]]:
        pairs = sorted((int(rank[k]), float(c)) for k, c in zip(index, coef, strict=True))
        return [(by_rank[r], c) for r, c in pairs if c != 0]

    problem.setObjective(pulp.LpAffineExpression(terms(range(len(coefficients)), coefficients)))
    taken: set[str] = set()
    senses = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE}
    for rule in sorted(rules, key=lambda r: (r.kind, r.key)):
        if not len(rule.index):
            continue  # empty and satisfiable (trivially broken ones were caught before)
        expression = pulp.LpAffineExpression(terms(rule.index, rule.coef))
        problem.addConstraint(
            pulp.LpConstraint(expression, senses[rule.sense], rhs=rule.rhs),
            name=_constraint_name(rule.key, taken),
        )
    if overlap is not None:
        _add_overlap(problem, variables, overlap, overlap_scale, taken)
    return problem, variables


def _add_overlap(
    problem: pulp.LpProblem,
    variables: list[pulp.LpVariable],
    overlap: OverlapModel,
    scale: float,
    taken: set[str],
) -> None:
    """OR variables of the no-double-counting rule (see evidence.coverage):
    0 <= w_P <= 1, w_P <= Σ_{i∈P} x_i (``credit[k]``), objective + Σ coefficient·w_P."""
    terms: list[tuple[pulp.LpVariable, float]] = []
    for k, (coef, members) in enumerate(zip(overlap.w_objective, overlap.w_members, strict=True)):
        w = problem.add_variable(f"w_{k}", 0, 1)
        terms.append((w, float(coef) * scale))
        expression = pulp.LpAffineExpression([(w, 1.0)] + [(variables[i], -1.0) for i in members])
        problem.addConstraint(
            pulp.LpConstraint(expression, pulp.LpConstraintLE, rhs=0),
            name=_constraint_name(f"credit[{k}]", taken),
        )
    problem.setObjective(problem.objective + pulp.LpAffineExpression(terms))


def _cheapest_equal(
    scenario: Scenario,
    options: SolverOptions,
    scores: pd.DataFrame,
    rules: list[Rule],
    coefficients: np.ndarray,
    x: np.ndarray,
    remaining_s: float | None = None,
) -> np.ndarray | None:
    """The selection worth at least the optimum less 1e-9 (relative) with the lowest one-off
    cost, then the fewest initiatives; None when the solver gives nothing better that checks
    out on exact values."""
    best = float(coefficients @ x)
    tolerance = 1e-9 * max(1.0, abs(best))
    cost = scores["cost"].to_numpy(dtype=float)
    per_item = 1e-6 * max(1.0, float(cost.mean()) if len(cost) else 1.0)
    secondary = cost + per_item
    keep = floor_rule(coefficients, best - tolerance, key="tie_break_value")
    problem, variables = _build_problem(scenario, -secondary, [*rules, keep])
    if not problem.variables():
        return None
    if remaining_s is not None:
        if remaining_s <= 0.05:
            return None  # no time left: keep the proven optimum as found
        options = dataclasses.replace(options, time_limit=remaining_s)
    try:
        _run_with_deadline(problem, options, objective_scale=float(np.abs(secondary).sum()))
    except SolverError:
        return None
    if _status(problem) != "optimal":
        return None
    y = np.array([1.0 if (var.varValue or 0.0) > 0.5 else 0.0 for var in variables])
    if violated_rules(rules, y) or float(coefficients @ y) < best - tolerance:
        return None
    improvement = float(secondary @ x) - float(secondary @ y)
    return y if improvement > per_item / 2 else None


# --------------------------------------------------------------------------------------
# Solving
# --------------------------------------------------------------------------------------
def _cbc(**options: Any) -> Any:
    """PuLP's bundled CBC (deprecated only in PuLP 4, which this project does not use)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


def cbc_available() -> bool:
    """Whether PuLP's CBC binary is present and executable."""
    try:
        return bool(_cbc(msg=False).available())
    except Exception:  # pragma: no cover - broken installs raise odd errors
        return False


def highs_available() -> bool:
    """Whether HiGHS can be used in-process (the highspy package is installed)."""
    try:
        return bool(pulp.HiGHS(msg=False).available())
    except Exception:  # pragma: no cover
        return False


_highs_banner_absorbed = False


def _absorb_highs_banner() -> None:
    """HiGHS prints a banner to stdout on its first construction in a process, whatever its
    options; swallow it once so that ``--format json`` output stays clean."""
    global _highs_banner_absorbed
    if _highs_banner_absorbed:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _highs_banner_absorbed = True


def _run_solver(
    problem: pulp.LpProblem, options: SolverOptions, *, objective_scale: float = 1.0
) -> tuple[str, float, float | None]:
    """Solve in a private temporary folder; return (solver name, seconds, bound).

    Both solvers get explicit zero tolerances when ``gap`` is 0: HiGHS's default relative gap
    is 1e-4, and CBC skips improvements below an automatic ``increment``, so their defaults
    can miss a better portfolio by a few parts in 100,000. CBC's increment is set to 1e-9 of
    the objective's scale (sum of |coefficients|).
    """
    solver = options.solver
    if solver == "cbc" and not cbc_available():
        if highs_available():
            log.warning("CBC is missing or not executable; falling back to HiGHS")
            solver = "highs"
        else:
            raise SolverError(
                "the CBC solver bundled with PuLP is missing or not executable, and HiGHS is "
                "not installed; reinstall PuLP (pip install --force-reinstall 'pulp>=3.3,<4') "
                "or install HiGHS (pip install 'prioritizer[highs]')"
            )
    if solver == "highs" and not highs_available():
        raise SolverError(
            "HiGHS is not installed; install it with pip install 'prioritizer[highs]' "
            "or use --solver cbc"
        )
    gap = options.gap  # passed even when 0: the solvers' own defaults are not exact
    with tempfile.TemporaryDirectory(prefix="prioritizer-") as scratch:
        if solver == "cbc":
            log_path = Path(scratch) / "cbc.log"
            backend: Any = _cbc(
                msg=False,
                timeLimit=options.time_limit,
                gapRel=gap,
                gapAbs=0,
                logPath=str(log_path),
                options=[f"increment {max(objective_scale, 1e-300) * 1e-9:.3e}"]
                + ([] if options.cuts else ["cuts off"]),
            )
            backend.tmpDir = scratch
        else:
            _absorb_highs_banner()
            backend = pulp.HiGHS(msg=False, timeLimit=options.time_limit, gapRel=gap, gapAbs=0)
        started = time.perf_counter()
        try:
            problem.solve(backend)
        except pulp.PulpSolverError as exc:
            raise SolverError(f"{solver} failed: {exc}") from None
        except BaseException:  # Ctrl-C or a worker being stopped: leave no solver behind
            _stop_child_processes()
            raise
        elapsed = time.perf_counter() - started
        if solver == "cbc":
            bound = _cbc_bound(log_path)
            version = "cbc (PuLP bundled)"
        else:
            bound = _highs_bound(problem)
            version = "highs (highspy)"
    return version, elapsed, bound


DEADLINE_GRACE_S = 2.0
"""Seconds a solver may run past ``time_limit`` before its worker process is stopped."""


def _run_with_deadline(
    problem: pulp.LpProblem, options: SolverOptions, *, objective_scale: float
) -> tuple[str, float, float | None]:
    """Run the solver; with a time limit, in a worker process that is stopped at the limit
    plus :data:`DEADLINE_GRACE_S`, whatever the solver does (HiGHS's root-node work, for one,
    does not check the clock). Solution values and statuses are copied back onto ``problem``.
    """
    import multiprocessing as mp

    if options.time_limit is None or "fork" not in mp.get_all_start_methods():
        return _run_solver(problem, options, objective_scale=objective_scale)
    context = mp.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_deadline_worker,
        args=(sender, problem.toDict(), options, objective_scale),
        daemon=True,
    )
    started = time.perf_counter()
    worker.start()
    sender.close()
    deadline = options.time_limit + DEADLINE_GRACE_S
    try:
        ready = receiver.poll(deadline)
        payload = receiver.recv() if ready else None
    except (EOFError, OSError):
        payload = None
    finally:
        if worker.is_alive():
            _stop_process_tree(worker.pid)
        worker.join(timeout=5)
        receiver.close()
    elapsed = time.perf_counter() - started
    if payload is None:
        problem.status = pulp.LpStatusNotSolved
        problem.sol_status = pulp.LpSolutionNoSolutionFound
        return options.solver, elapsed, None
    if isinstance(payload, Exception):
        raise payload
    name, _solve_time, bound, values, status, sol_status = payload
    for var in problem.variables():
        var.varValue = values.get(var.name)
    problem.status, problem.sol_status = status, sol_status
    return name, elapsed, bound


def _deadline_worker(
    sender: Any, model: dict[str, Any], options: SolverOptions, objective_scale: float
) -> None:
    """Worker process body: rebuild the problem, solve, send values and statuses back."""
    try:
        _variables, problem = pulp.LpProblem.fromDict(model)
        name, seconds, bound = _run_solver(problem, options, objective_scale=objective_scale)
        values = {var.name: var.varValue for var in problem.variables()}
        sender.send((name, seconds, bound, values, problem.status, problem.sol_status))
    except Exception as exc:  # pragma: no cover - surfaced in the parent
        sender.send(SolverError(f"{options.solver} failed: {exc}"))
    finally:
        sender.close()


def _stop_process_tree(pid: int | None, grace_s: float = 1.0) -> None:
    """Terminate (then kill) a worker process and everything it started."""
    import psutil

    if pid is None:
        return
    try:
        root = psutil.Process(pid)
        family = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for process in family:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _gone, alive = psutil.wait_procs(family, timeout=grace_s)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()


def _stop_child_processes(grace_s: float = 2.0) -> None:
    """Terminate (then kill) the solver processes this process started."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:  # pragma: no cover
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _gone, alive = psutil.wait_procs(children, timeout=grace_s)
    for child in alive:  # pragma: no cover - CBC exits on SIGTERM
        with contextlib.suppress(psutil.Error):
            child.kill()


def _cbc_bound(log_path: Path) -> float | None:
    """The proven upper bound of a maximization from CBC's log (None when not printed)."""
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r"^(?:Upper|Lower) bound:\s+(-?[0-9.eE+-]+)", text, re.MULTILINE)
    if match:
        try:
            return float(match.group(1))
        except ValueError:
            return None
    return None


def _highs_bound(problem: pulp.LpProblem) -> float | None:
    """HiGHS's proven bound, in the orientation of our objective.

    PuLP hands a maximization to HiGHS as "minimize −c·x", so HiGHS's dual bound is negated;
    the orientation is read off by comparing HiGHS's objective value with PuLP's.
    """
    model = getattr(problem, "solverModel", None)
    if model is None:
        return None
    try:
        info = model.getInfo()
        bound = float(info.mip_dual_bound)
        theirs = float(info.objective_function_value)
    except Exception:  # pragma: no cover
        return None
    ours = float(pulp.value(problem.objective) or 0.0)
    if abs(theirs + ours) < abs(theirs - ours):
        bound = -bound
    return bound if math.isfinite(bound) else None


def _status(problem: pulp.LpProblem) -> str:
    """Map PuLP's model status *and* solution status to our four words."""
    if problem.status == pulp.LpStatusInfeasible:
        return "infeasible"
    if problem.sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if problem.sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    if problem.sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    return "error"


def _no_solution_message(problem: pulp.LpProblem, options: SolverOptions) -> str:
    if options.time_limit is not None:
        return (
            f"no portfolio found within {options.time_limit:g} s (the solver was stopped at "
            f"the limit); raise --time-limit or allow a --gap"
        )
    return f"the solver ended with status {pulp.LpStatus.get(problem.status, problem.status)}"


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
def _result(
    scenario: Scenario,
    scores: pd.DataFrame,
    rules: list[Rule],
    options: SolverOptions,
    status: str,
    x: np.ndarray,
    *,
    started: float,
    build_time_s: float,
    solve_time_s: float,
    solver: str | None = None,
    solver_objective: float | None = None,
    bound: float | None = None,
    message: str = "",
) -> Result:
    chosen = x > 0.5
    ids = list(scores.index[chosen])

    def total(column: str) -> float:  # exactly rounded: independent of the row order
        return math.fsum(scores[column].to_numpy(dtype=float)[chosen].tolist())

    excess = double_counted(scenario, scores, chosen)  # feedback addressed twice counts once
    objective = total("objective_score")
    if excess:
        objective -= excess * _customer_factor(scenario, scores)
    gap: float | None = None
    best_bound: float | None = None
    if status == "feasible" and bound is None:
        pass  # stopped without a bound the solver told us: the gap is unknown, not zero
    elif status in ("optimal", "feasible"):
        reference = objective if solver_objective is None else solver_objective
        best_bound = reference if bound is None else max(bound, reference)
        scale = max(abs(best_bound), abs(reference), 1e-12)
        gap = max(0.0, best_bound - reference) / scale
        if gap < 1e-9:
            gap = 0.0
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
        solver=solver or options.solver,
        gap=gap,
        best_bound=best_bound,
        solve_time_s=solve_time_s,
        build_time_s=build_time_s,
        scores=scores,
        rules=rules,
        options=options,
        message=message,
    )
