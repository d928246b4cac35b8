"""The neighbourhood search of time-limited roadmap solves (prioritizer.roadmap.search),
checked against the independent enumeration of test_roadmap_bruteforce: a sub-problem with
some initiatives kept at their start is exactly the enumeration restricted to plans that keep
them; the search never returns a plan that breaks a rule or is worse than its start; the three
phases end at the enumeration optimum."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import prioritizer as px
from prioritizer.result import SolverOptions
from prioritizer.roadmap import search, solve_roadmap, start_values
from prioritizer.roadmap.constraints import RoadmapRule, build_roadmap_rules, candidates
from prioritizer.roadmap.model import build_roadmap_program, solve_program
from prioritizer.solver import Solution
from tests.test_roadmap_bruteforce import N_SCENARIOS, enumerate_plans, random_roadmap

OPTIONS = SolverOptions(tie_break=False)


def _setup(
    seed: int,
) -> tuple[dict[str, Any], pd.DataFrame, list[RoadmapRule], np.ndarray, Any] | None:
    """(data, columns, rules, objective per column, enumeration) of a feasible tiny
    roadmap, or None when nothing keeps every rule."""
    data = random_roadmap(seed)
    plans = enumerate_plans(data)
    if plans is None or not plans[1].any():
        return None
    scenario = px.scenario_from_mapping(data)
    columns = candidates(scenario, start_values(scenario))
    rules = build_roadmap_rules(scenario, columns)
    return data, columns, rules, columns["objective_score"].to_numpy(dtype=float), plans


def _setups(step: int = 1) -> Iterator[tuple[int, Any]]:
    """(seed, :func:`_setup`) of every ``step``-th tiny roadmap that some plan keeps."""
    for seed in range(0, N_SCENARIOS, step):
        setup = _setup(seed)
        if setup is not None:
            yield seed, setup


def _worst_plan(
    data: dict[str, Any], columns: pd.DataFrame, grid: np.ndarray, ok: np.ndarray, totals: Any
) -> tuple[int, np.ndarray]:
    """(enumeration row, 0/1 vector over the columns) of the worst plan keeping every rule."""
    feasible = np.flatnonzero(ok)
    row = int(feasible[np.argmin(totals[feasible])])
    return row, _to_columns(data, columns, grid[row])


def _to_columns(data: dict[str, Any], columns: pd.DataFrame, assignment: np.ndarray) -> np.ndarray:
    """The 0/1 vector over the roadmap columns of an enumerated assignment."""
    ids = [row["id"] for row in data["initiatives"]]
    x = np.zeros(len(columns))
    for k, s in enumerate(assignment.tolist()):
        if s >= 0:
            hit = (columns["id"] == ids[k]).to_numpy() & (columns["start_index"] == s).to_numpy()
            assert hit.sum() == 1
            x[np.flatnonzero(hit)[0]] = 1.0
    return x


def _to_assignment(data: dict[str, Any], columns: pd.DataFrame, x: np.ndarray) -> np.ndarray:
    ids = [row["id"] for row in data["initiatives"]]
    assignment = np.full(len(ids), -1)
    for j in np.flatnonzero(x > 0.5):
        k = ids.index(columns["id"].iloc[j])
        assert assignment[k] == -1, "two starts"
        assignment[k] = int(columns["start_index"].iloc[j])
    return assignment


def _row_of(grid: np.ndarray, assignment: np.ndarray) -> int:
    match = np.flatnonzero((grid == assignment).all(axis=1))
    assert len(match) == 1, assignment  # an allowed start for each chosen one
    return int(match[0])


def test_a_sub_problem_is_the_enumeration_of_plans_keeping_the_rest() -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for seed, setup in _setups():
        data, columns, rules, c, (grid, ok, totals) = setup
        feasible = np.flatnonzero(ok)
        kept_at = grid[feasible[rng.integers(len(feasible))]]  # a random plan keeping every rule
        x = _to_columns(data, columns, kept_at)
        n = len(data["initiatives"])
        freed = rng.random(n) < 0.5
        if not freed.any():
            freed[rng.integers(n)] = True
        ids = [row["id"] for row in data["initiatives"]]
        free = np.flatnonzero(columns["id"].isin([ids[k] for k in np.flatnonzero(freed)]))
        # the enumeration's best over plans that keep the other initiatives where x has them
        same = (grid[:, ~freed] == kept_at[~freed]).all(axis=1) & ok
        expected = float(totals[same].max())
        program = build_roadmap_program(
            columns.iloc[free].reset_index(drop=True), c[free], search.restrict(rules, x, free)
        )
        if program.model.empty:  # the freed initiatives have no start at all
            assert math.isclose(expected, float(c @ x), rel_tol=1e-9, abs_tol=1e-9)
            continue
        solution, y = solve_program(program, OPTIONS)
        assert solution.status == "optimal", (seed, solution.status)
        combined = x.copy()
        combined[free] = y
        row = _row_of(grid, _to_assignment(data, columns, combined))
        assert ok[row], seed  # keeps every rule, checked independently
        assert (grid[row, ~freed] == kept_at[~freed]).all(), seed  # the rest untouched
        assert math.isclose(totals[row], expected, rel_tol=1e-7, abs_tol=1e-7), seed
        checked += 1
    assert checked >= 100, checked


def test_improve_keeps_every_rule_and_never_worsens_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "FREE_START", 2)  # only part of each tiny roadmap is freed
    checked = improved = 0
    for seed, setup in _setups(2):
        data, columns, rules, c, (grid, ok, totals) = setup
        begin, x = _worst_plan(data, columns, grid, ok, totals)
        y = search.improve(columns, c, rules, x, OPTIONS, "aggregate", rounds=3, seed=seed)
        row = _row_of(grid, _to_assignment(data, columns, y))
        assert ok[row], seed
        assert totals[row] >= totals[begin] - 1e-9, seed
        assert totals[row] <= totals[ok].max() + 1e-9, seed
        assert math.isclose(float(c @ y), totals[row], rel_tol=1e-9, abs_tol=1e-9), seed
        checked += 1
        improved += totals[row] > totals[begin] + 1e-9
    assert checked >= 50 and improved >= 20, (checked, improved)


def test_improve_with_every_initiative_free_reaches_the_optimum() -> None:
    for seed, setup in _setups(3):
        data, columns, rules, c, (grid, ok, totals) = setup
        _, x = _worst_plan(data, columns, grid, ok, totals)
        y = search.improve(columns, c, rules, x, OPTIONS, "aggregate", rounds=5)
        assert math.isclose(float(c @ y), totals[ok].max(), rel_tol=1e-7, abs_tol=1e-7), seed


def test_improve_needs_a_deadline_or_rounds() -> None:
    setup = next(s for s in map(_setup, range(N_SCENARIOS)) if s is not None)
    data, columns, rules, c, (grid, ok, _) = setup
    x = _to_columns(data, columns, grid[np.flatnonzero(ok)[0]])
    with pytest.raises(ValueError, match="deadline or a number of rounds"):
        search.improve(columns, c, rules, x, OPTIONS, "aggregate")


def test_the_three_phases_end_at_the_enumeration_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both first CBC runs (two formulations) are made to stop early with the worst plan
    that keeps every rule (as a time limit would on a large roadmap): the search and the last
    run must still reach the enumeration optimum, prove it, and keep every rule."""
    real = search.solve_program
    worst: dict[str, np.ndarray] = {}
    calls: list[float | None] = []

    def first_stops_early(
        program: Any, options: SolverOptions, start: np.ndarray | None = None
    ) -> tuple[Solution, np.ndarray]:
        calls.append(options.time_limit)
        if len(calls) <= 2:  # a plan and a loose bound (twice the plan's value, scaled)
            x = worst["x"]
            canonical = program.model.to_canonical(program.encode(x))
            loose = 2.0 * abs(float(program.model.objective @ canonical)) + 1.0
            return Solution("feasible", canonical, None, loose, "cbc", 0.1), x
        return real(program, options, start)

    monkeypatch.setattr(search, "SEARCH_MIN_INITIATIVES", 0)  # tiny roadmaps search too
    monkeypatch.setattr(search, "solve_program", first_stops_early)
    checked = 0
    for seed, setup in _setups(4):
        data, columns, _, _, (grid, ok, totals) = setup
        _, worst["x"] = _worst_plan(data, columns, grid, ok, totals)
        calls.clear()
        result = solve_roadmap(
            px.scenario_from_mapping(data), SolverOptions(time_limit=20, tie_break=False)
        )
        assert calls[:2] == pytest.approx([20 * search.FIRST_SHARE] * 2), seed
        assert len(calls) >= 4, (seed, calls)  # the two first runs, the search, the last run
        assert result.status == "optimal", (seed, result.status, result.message)
        # proven by the last run: the gap is 0, whatever the first runs' loose bound
        assert result.gap == 0.0 and result.best_bound == pytest.approx(result.objective), seed
        assert "neighbourhood search" in result.solver, seed
        assert math.isclose(result.objective, totals[ok].max(), rel_tol=1e-7, abs_tol=1e-7)
        assert ok[_row_of(grid, _to_assignment(data, columns, result.x))], seed
        checked += 1
    assert checked >= 20, checked


def test_without_a_limit_or_with_a_short_one_cbc_runs_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the search ran")

    real = search.solve_with_search
    monkeypatch.setattr(search, "solve_with_search", fail)
    scenario = px.scenario_from_mapping(random_roadmap(3))
    for options in (
        SolverOptions(tie_break=False),
        SolverOptions(time_limit=search.MIN_LIMIT_S / 2, tie_break=False),
        # a roadmap smaller than the first neighbourhood: CBC alone, the whole limit
        SolverOptions(time_limit=30, tie_break=False),
    ):
        assert solve_roadmap(scenario, options).status in ("optimal", "infeasible")
    monkeypatch.setattr(search, "SEARCH_MIN_INITIATIVES", 0)
    assert solve_roadmap(
        scenario, SolverOptions(time_limit=30, tie_break=False), search=False
    ).status in ("optimal", "infeasible")
    with pytest.raises(ValueError, match="time limit of at least"):
        real(None, None, None, [], SolverOptions(), None)  # type: ignore[arg-type]


def test_the_better_first_plan_of_two_formulations_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Phase 1 runs CBC on the program and on its other formulation; the search starts from
    the better of the two plans (whichever formulation found it). Each first run is made to
    stop early: one with the worst plan keeping every rule, the other with the second-best
    plan; the last run must still prove the enumeration optimum."""
    real = search.solve_program
    state: dict[str, Any] = {}

    def stop_early(
        program: Any, options: SolverOptions, start: np.ndarray | None = None
    ) -> tuple[Solution, np.ndarray]:
        state["formulations"].append(program.formulation)
        if len(state["formulations"]) <= 2:
            x = state["plans"][len(state["formulations"]) - 1]
            canonical = program.model.to_canonical(program.encode(x))
            return Solution("feasible", canonical, None, 1e99, "cbc", 0.1), x
        return real(program, options, start)

    def record(
        columns: Any, coefficients: Any, rules: Any, x: np.ndarray, *a: Any, **k: Any
    ) -> Any:
        state["started_from"].append(float(np.asarray(coefficients) @ x))
        return x

    monkeypatch.setattr(search, "SEARCH_MIN_INITIATIVES", 0)  # tiny roadmaps search too
    monkeypatch.setattr(search, "solve_program", stop_early)
    monkeypatch.setattr(search, "improve", record)
    checked = 0
    for seed, setup in _setups(3):
        data, columns, _, c, (grid, ok, totals) = setup
        feasible = np.flatnonzero(ok)
        if len(np.unique(totals[feasible])) < 3:
            continue  # need a worst, a middle and a best plan
        _, worst = _worst_plan(data, columns, grid, ok, totals)
        middle_row = feasible[np.argsort(totals[feasible])[-2]]
        middle = _to_columns(data, columns, grid[middle_row])
        for plans in ([worst, middle], [middle, worst]):
            state.update(plans=plans, formulations=[], started_from=[])
            result = solve_roadmap(
                px.scenario_from_mapping(data), SolverOptions(time_limit=20, tie_break=False)
            )
            # the two first runs, then the last run (the search itself is recorded only)
            assert state["formulations"] == ["aggregate", "start", "start"], (seed, state)
            assert state["started_from"] == [pytest.approx(float(c @ middle), rel=1e-12)], seed
            assert result.status == "optimal", (seed, result.status)  # the last run proves it
            assert result.gap == 0.0, (seed, result.gap)  # not the first runs' bound of 1e99
            assert math.isclose(result.objective, totals[ok].max(), rel_tol=1e-7, abs_tol=1e-7)
        checked += 1
    assert checked >= 10, checked


def test_other_formulation() -> None:
    assert search.other_formulation("aggregate") == "start"
    assert search.other_formulation("select") == "start"
    assert search.other_formulation("start") == "aggregate"


def test_a_last_run_optimal_within_a_gap_keeps_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a gap tolerance CBC says "optimal" once within it, with a bound above the plan:
    that bound is the one reported, not the plan's own value (gap 0 only when CBC proves
    the optimum without giving a bound)."""
    real = search.solve_program
    calls: list[int] = []

    def within_five_percent(
        program: Any, options: SolverOptions, start: np.ndarray | None = None
    ) -> tuple[Solution, np.ndarray]:
        calls.append(1)
        solution, x = real(program, options, start)
        if len(calls) <= 2:  # the first runs stop early with the plan they have
            return Solution("feasible", solution.x, solution.objective, None, "cbc", 0.1), x
        loose = 1.05 * float(solution.objective)
        return Solution("optimal", solution.x, solution.objective, loose, "cbc", 0.1), x

    monkeypatch.setattr(search, "SEARCH_MIN_INITIATIVES", 0)
    monkeypatch.setattr(search, "solve_program", within_five_percent)
    seed, setup = next(iter(_setups()))
    data = setup[0]
    result = solve_roadmap(
        px.scenario_from_mapping(data), SolverOptions(time_limit=20, tie_break=False)
    )
    assert result.status == "optimal", (seed, result.status)
    assert result.gap == pytest.approx(0.05 / 1.05, rel=1e-6), (seed, result.gap)
