"""The explorer's update logic (prioritizer.explore.state): settings -> outcome against
brute force, generations (a stale outcome is never published), debounce, infeasible
settings, keeping a what-if. No widgets, no browser."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from conftest import tiny_dict
from randomscen import all_subsets, feasible_mask, random_scenario_dict

import prioritizer as px
from prioritizer.explore import Debouncer, Explorer, Settings
from prioritizer.explore.cover import cost_unit
from prioritizer.rules import build_rules, violated_rules


class ManualTimer:
    """A debounce timer fired by hand: no clock in the tests."""

    made: ClassVar[list[ManualTimer]] = []

    def __init__(self, delay_s: float, action: Callable[[], Any]) -> None:
        self.delay_s, self.action = delay_s, action
        self.started = self.cancelled = self.fired = False
        ManualTimer.made.append(self)

    def start(self) -> None:
        self.started = True

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:
        assert self.started and not self.cancelled
        self.fired = True
        self.action()


def brute_force(scenario: px.Scenario) -> tuple[float, set[str]] | None:
    """The best objective over every subset (None when no subset satisfies every rule)."""
    scores = px.score_initiatives(scenario)
    rules = build_rules(scenario, scores)
    values = scores["objective_score"].to_numpy()
    best: tuple[float, set[str]] | None = None
    for bits in itertools.product((0.0, 1.0), repeat=len(scores)):
        x = np.array(bits)
        if violated_rules(rules, x):
            continue
        value = float(values @ x)
        if best is None or value > best[0] + 1e-9:
            best = (value, {i for i, b in zip(scores.index, bits, strict=True) if b})
    return best


@pytest.fixture
def explorer(tiny: px.Scenario) -> Explorer:
    return Explorer(tiny, frontier_points=5)


def test_base_case_is_the_scenario_optimum(explorer: Explorer, tiny: px.Scenario) -> None:
    out = explorer.current
    assert out.generation == 0 and out.feasible
    assert out.settings == Settings.of(tiny)
    truth = brute_force(tiny)
    assert truth is not None
    assert out.result.objective == pytest.approx(truth[0])
    assert set(out.result.selected) == {"B", "C"}  # 70 either way; B+C is the cheaper (tie-break)
    assert out.entered == () and out.left == ()
    assert list(out.table()["change"]) == ["kept", "kept"]


@pytest.mark.parametrize(
    "changes",
    [
        {"budget": 60.0},
        {"budget": 200.0},
        {"teams": {"digital": 5.0}},
        {"teams": {"digital": 100.0}, "budget": 150.0},
        {"force_in": ["A"]},
        {"force_out": ["B"]},
    ],
)
def test_update_matches_brute_force(explorer: Explorer, changes: dict[str, Any]) -> None:
    out = explorer.update(**changes)
    truth = brute_force(out.settings.apply(explorer.scenario))
    assert truth is not None and out.feasible
    assert out.result.objective == pytest.approx(truth[0])
    base = set(explorer.base.selected)
    now = set(out.result.selected)
    assert set(out.entered) == now - base and set(out.left) == base - now
    table = out.table()
    assert set(table.index[table["change"] == "entered"]) == now - base
    assert set(table.index[table["change"] == "left"]) == base - now
    assert set(table.index[table["change"] == "kept"]) == now & base


def test_budget_cut_shows_what_left(explorer: Explorer) -> None:
    out = explorer.update(budget=60.0)
    assert out.result.selected == ["B"] and out.left == ("C",)
    kpis = out.kpis()
    assert kpis.loc["Cost", "value"] == pytest.approx(50.0)
    assert kpis.loc["Cost", "limit"] == pytest.approx(60.0)
    assert kpis.loc["Cost", "base"] == pytest.approx(90.0)
    assert kpis.loc["Digital team", "value"] == pytest.approx(6.0)
    assert kpis.loc["NPV", "value"] == pytest.approx(40.0)
    assert out.headline() == "1 initiative for €50: NPV €40 (−€30 vs base; 0 in, 1 out)"


def test_objective_mode_and_weight_change_the_objective(tiny: px.Scenario) -> None:
    explorer = Explorer(tiny, frontier_points=3)
    out = explorer.update(mode="blended", business_weight=0.25)
    assert out.scenario.objective.mode == "blended"
    assert out.scenario.objective.business_weight == pytest.approx(0.25)
    truth = brute_force(out.scenario)
    assert truth is not None and out.result.objective == pytest.approx(truth[0])


def test_infeasible_setting_gives_the_diagnosis_in_words(explorer: Explorer) -> None:
    out = explorer.update(force_in=["A", "B"])  # 60 + 50 > budget 100
    assert not out.feasible and out.result.status == "infeasible"
    assert brute_force(out.scenario) is None
    assert "budget" in out.message.lower() and "A" in out.message and "B" in out.message
    # the explorer's control is the "Force in" picker, not a command-line option
    assert "A is forced in by the what-if (" in out.message and "--force-in" not in out.message
    assert out.table().empty
    assert out.kpis()["text"].loc["NPV"] == "n/a"
    # and back: a feasible change after the infeasible one is solved normally
    assert explorer.update(force_in=[]).feasible


def test_stale_outcome_is_never_published(explorer: Explorer) -> None:
    solve = explorer._solve
    calls: list[int] = []

    def slow_solve(settings: Settings, generation: int, known: Any) -> Any:
        calls.append(generation)
        if generation == 1:  # a newer change arrives while generation 1 is being solved
            explorer.request(budget=60.0)
        return solve(settings, generation, known)

    explorer._solve = slow_solve  # type: ignore[method-assign]
    seen: list[int] = []
    explorer.listeners.append(lambda out: seen.append(out.generation))
    explorer.request(budget=200.0)
    assert explorer.refresh() is None  # generation 1 finished after generation 2 was asked for
    assert explorer.current.generation == 0 and seen == []
    latest = explorer.refresh()
    assert latest is not None and latest.generation == 2 == explorer.current.generation
    assert latest.settings.budget == 60.0 and seen == [2]
    assert calls == [1, 2]


def test_refresh_without_a_change_does_not_solve(explorer: Explorer) -> None:
    before = explorer.solves
    assert explorer.refresh() is explorer.current
    assert explorer.solves == before


def test_reset_returns_to_the_base_case(explorer: Explorer) -> None:
    explorer.update(budget=60.0, force_out=["C"])
    explorer.reset()
    out = explorer.refresh()
    assert out is not None and out.settings == explorer.initial
    assert out.result.selected == explorer.base.selected and out.entered == out.left == ()


def test_debouncer_runs_once_after_a_burst() -> None:
    ManualTimer.made = []
    runs: list[int] = []
    debounce = Debouncer(lambda: runs.append(1), 0.25, ManualTimer)
    for _ in range(5):
        debounce()
    assert runs == [] and debounce.pending
    assert [t.cancelled for t in ManualTimer.made] == [True] * 4 + [False]
    ManualTimer.made[-1].fire()
    assert runs == [1] and not debounce.pending
    debounce.flush()  # nothing waits: nothing runs
    assert runs == [1]
    debounce()
    debounce.flush()
    assert runs == [1, 1] and ManualTimer.made[-1].cancelled


def test_contradictory_settings_are_refused_in_words(explorer: Explorer) -> None:
    out = explorer.update(force_in=["A"], force_out=["A"])
    assert out.result.status == "error" and not out.feasible
    assert "A is both forced in and forced out" in out.message and out.table().empty
    assert out.headline() == "These settings cannot be combined."


def test_settings_reject_bad_values(tiny: px.Scenario) -> None:
    s = Settings.of(tiny)
    with pytest.raises(ValueError, match="unknown team"):
        s.changed(teams={"nope": 1})
    with pytest.raises(ValueError, match="mode"):
        s.changed(mode="profit")
    with pytest.raises(ValueError, match="business_weight"):
        s.changed(business_weight=1.5)
    assert s.changed(teams={"digital": 3}).team_capacity == {"digital": 3.0}


def test_frontier_marks_and_current_settings(explorer: Explorer) -> None:
    # breakpoints: where the optimal value rises with the budget (brute force at each)
    assert explorer.breakpoints == [90.0]  # the base solve settles [90, 100]: B+C costs 90
    assert not explorer.breakpoints_complete
    assert explorer.compute_breakpoints() == explorer.breakpoints
    assert explorer.breakpoints_complete
    assert explorer.breakpoints == sorted(explorer.breakpoints) and explorer.breakpoints
    for b in explorer.breakpoints:
        below = brute_force(explorer.scenario.with_overrides(budget=max(b - 0.5, 0)))
        below = None if b <= 0 else below
        at = brute_force(explorer.scenario.with_overrides(budget=b))
        assert at is not None and (below is None or at[0] > below[0] + 1e-9)
    base_frontier = explorer.cover()
    assert base_frontier is not None and explorer.frontier() is base_frontier
    out = explorer.update(teams={"digital": 5.0})
    assert not explorer.frontier_known(out.settings)
    other = explorer.frontier(out.settings)
    assert other is not None and other is not base_frontier
    assert explorer.frontier_known(out.settings)
    # 5 digital days fit one initiative: A (5 d, NPV 40) is the best; the grid (0, 25, 71,
    # 130, 200) settles [0, 25] (nothing) and [60, 200] (A) and leaves C's step unsolved
    assert [(lo, v) for lo, _hi, v in other.frontier()] == [(0.0, 0.0), (60.0, 40.0)]
    assert other.find(50.0) is None and not other.complete(0.0, 200.0)


def test_keep_writes_a_loadable_scenario(explorer: Explorer, tmp_path: Path) -> None:
    out = explorer.update(budget=60.0, force_out=["A"])
    written = explorer.keep(tmp_path / "cut")
    assert [p.name for p in written] == ["scenario.yaml"]
    assert {p.name for p in (tmp_path / "cut").iterdir()} == {"scenario.yaml"}
    text = written[0].read_text(encoding="utf-8")
    assert "# Changed: budget EUR 100 -> EUR 60" in text and "forced out: A" in text
    kept = px.load_scenario(written[0])
    assert kept.budget == 60.0 and "A" in kept.rules.excluded
    again = px.optimize(kept)
    assert again.selected == out.result.selected
    assert again.objective == pytest.approx(out.result.objective)


def test_keep_round_trips_every_example_field(bank: px.Scenario, tmp_path: Path) -> None:
    from prioritizer.explore.keep import scenario_yaml

    path = tmp_path / "scenario.yaml"
    path.write_text(scenario_yaml(bank, [], bank.name), encoding="utf-8")
    assert px.load_scenario(path).fingerprint() == bank.fingerprint()


def test_keep_refuses_a_pack_for_an_infeasible_what_if(explorer: Explorer, tmp_path: Path) -> None:
    explorer.update(force_in=["A", "B"])
    with pytest.raises(ValueError, match="infeasible"):
        explorer.keep(tmp_path / "x", pack=True)


def test_tiny_dict_budget_is_what_the_tests_assume() -> None:
    assert tiny_dict()["budget"] == 100.0


@pytest.mark.slow
def test_keep_with_the_steering_pack(explorer: Explorer, tmp_path: Path) -> None:
    pytest.importorskip("pptx", reason="install the [report] extra")
    explorer.update(budget=60.0)
    written = explorer.keep(tmp_path / "cut", pack=True, draws=50)
    names = {p.relative_to(tmp_path / "cut").as_posix() for p in written}
    assert {"scenario.yaml", "pack/deck.pptx", "pack/portfolio.xlsx", "pack/summary.md"} <= names
    assert all(p.is_relative_to(tmp_path / "cut") for p in written)
    summary = (tmp_path / "cut" / "pack" / "summary.md").read_text(encoding="utf-8")
    assert "what-if" in summary


# -- the budget cover: solves settle intervals, the walk finds the breakpoints ----------------


def test_cost_unit_is_the_largest_power_of_ten_dividing_every_cost() -> None:
    assert cost_unit([1200.0, 350.0, 0.0]) == 10.0
    assert cost_unit([3e6, 2e6]) == 1e6
    assert cost_unit([0.25, 1.5]) == pytest.approx(0.01)
    assert cost_unit([1 / 3, 1.0]) is None
    assert cost_unit([0.0, 0.0]) is None and cost_unit([]) is None


def test_a_solve_settles_its_interval_on_the_cost_lattice(tiny: px.Scenario) -> None:
    explorer = Explorer(tiny)  # costs 60, 50, 40: every portfolio costs a multiple of 10
    cover = explorer.cover()
    assert explorer.unit == 10.0 and cover is not None
    # the base solve at 100 chose B+C for 90: it answers every budget from 90 to 109.99
    assert [(s.low, s.high) for s in cover.steps] == [(90.0, 100.0)]
    assert cover.find(89.0) is None
    assert cover.find(90.0) is not None and cover.find(109.5) is not None
    assert cover.find(110.0) is None
    assert cover.next_gap(0.0, 120.0) == 120.0 and cover.next_gap(0.0, 100.0) == 80.0
    solves = explorer.solves
    out = explorer.update(budget=105.0)
    assert out.reused and explorer.solves == solves
    assert out.result.selected == ["B", "C"] and out.result.scenario.budget == 105.0
    assert out.scenario.budget == 105.0 and out.kpis().loc["Cost", "limit"] == 105.0
    fresh = explorer.update(budget=85.0)
    assert not fresh.reused and explorer.solves == solves + 1
    assert fresh.result.selected == ["B"]  # NPV 40 for 50 (A: 40 for 60; the tie-break)
    assert explorer.update(budget=50.0).reused  # B's step reaches down to 50
    assert not explorer.update(budget=49.0).reused


def test_an_infeasible_budget_settles_every_lower_one(tiny: px.Scenario) -> None:
    data = tiny_dict()
    data["initiatives"][0]["mandatory"] = True  # A costs 60
    explorer = Explorer(px.scenario_from_mapping(data))
    out = explorer.update(budget=50.0)
    assert out.result.status == "infeasible" and not out.reused
    lower = explorer.update(budget=20.0)
    assert lower.result.status == "infeasible" and lower.reused
    assert "budget" in lower.message.lower() and "A" in lower.message  # diagnosed at 20
    assert explorer.update(budget=60.0).feasible


def test_nothing_is_reused_with_a_time_limit(tiny: px.Scenario) -> None:
    explorer = Explorer(tiny, options=px.SolverOptions(time_limit=30))
    assert explorer.cover() is None and explorer.compute_breakpoints() == []
    solves = explorer.solves
    assert not explorer.update(budget=95.0).reused
    assert not explorer.update(budget=96.0).reused and explorer.solves == solves + 2


# seeds whose brute-force frontier has 8-18 breakpoints: business, blended with rules, customer
@pytest.mark.parametrize(("seed", "lattice"), [(30, True), (47, False), (19, True)])
def test_walk_finds_the_brute_force_frontier(seed: int, lattice: bool) -> None:
    """The breakpoints are exactly the budgets where the brute-force optimum rises, and every
    budget on the slider is then answered without a solve, with the brute-force optimum and
    the portfolio px.optimize picks."""
    data = random_scenario_dict(seed, n=8)
    if not lattice:  # costs on no lattice: the walk steps down by a sliver instead
        for row in data["initiatives"]:
            row["cost"] = row["cost"] / 3 + 0.1234567
    scenario = px.scenario_from_mapping(data)
    explorer = Explorer(scenario)
    assert (explorer.unit is not None) == lattice
    explorer.compute_breakpoints()
    assert explorer.breakpoints_complete

    # truth: every selection meeting every rule but the budget, its cost and its value
    selections = all_subsets(8)
    loose = feasible_mask(scenario.with_overrides(budget=1e15), selections)
    cost = np.array([i.cost for i in scenario.initiatives])
    value = px.score_initiatives(scenario)["objective_score"].to_numpy()
    costs, values = selections[loose] @ cost, selections[loose] @ value

    def best(budget: float) -> float | None:
        fits = values[costs <= budget * (1 + 1e-9)]
        return float(fits.max()) if len(fits) else None

    rises = []
    for c in sorted(set(costs.tolist())):
        below = values[costs < c * (1 - 1e-12) - 1e-12]
        here = best(c)
        if here is not None and (not len(below) or here > below.max() + 1e-9 * max(1, here)):
            rises.append(c)
    assert len(rises) >= 8 and explorer.breakpoints == pytest.approx(rises, rel=1e-9)

    rng = np.random.default_rng(seed)
    budgets = [*rng.uniform(0, explorer.budget_max, 12), *rises, *(r * (1 - 1e-5) for r in rises)]
    solves = explorer.solves
    for budget in budgets:
        out = explorer.update(budget=max(float(budget), 0.0))
        assert out.reused, budget
        truth = best(out.settings.budget)
        if truth is None:
            assert out.result.status == "infeasible"
        else:
            assert out.feasible and out.result.objective == pytest.approx(truth, rel=1e-9, abs=1e-9)
            assert out.result.cost <= out.settings.budget * (1 + 1e-9)
    assert explorer.solves == solves
    for budget in budgets[:4]:  # the same portfolio as px.optimize on the same settings
        out = explorer.update(budget=float(budget))
        if out.feasible:
            assert out.result.selected == px.optimize(out.scenario).selected


def test_settings_snap_to_the_base_values_within_rounding(tiny: px.Scenario) -> None:
    base = Settings.of(tiny).changed(business_weight=0.6)
    echo = base.changed(business_weight=0.05 * 12, teams={"digital": 10.000000000001})
    assert echo != base and echo.snapped(base) == base  # 0.6000000000000001 is 0.6
    moved = base.changed(business_weight=0.65, budget=90.0)
    assert moved.snapped(base) == moved
    assert Settings.of(tiny).changed(**moved.as_changes()) == moved


@pytest.mark.parametrize(
    "changes",
    [
        {"budget": 0.8},
        {"budget": 1.3},
        {"teams": 0.7},
        {"mode": "customer"},
        {"force_out": 0},
    ],
)
def test_answers_are_px_optimize_on_the_same_settings(
    bank: px.Scenario, changes: dict[str, Any]
) -> None:
    """The explorer (its cuts off on this small model, answers reused along the budget) gives
    exactly the portfolio px.optimize (default options) gives for the same settings."""
    explorer = Explorer(bank)
    assert not explorer.options.cuts
    team, days = next(iter(bank.teams.items()))
    mandatory = {i.id for i in bank.initiatives if i.mandatory} | set(bank.rules.mandatory)
    asked = {
        "budget": {"budget": bank.budget * changes.get("budget", 1.0)},
        "teams": {"teams": {team: days * changes.get("teams", 1.0)}},
        "mode": {"mode": changes.get("mode", "blended")},
        "force_out": {"force_out": [i for i in explorer.base.selected if i not in mandatory][:1]},
    }[next(iter(changes))]
    out = explorer.update(**asked)
    assert out.feasible
    truth = px.optimize(out.scenario)
    assert out.result.selected == truth.selected
    assert out.result.objective == truth.objective and out.result.cost == truth.cost
    again = explorer.update(budget=out.settings.budget * 0.999 + out.result.cost * 0.001)
    assert again.reused and again.result.selected == truth.selected  # inside the same step


def test_a_solver_error_stops_the_walk(tiny: px.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from prioritizer.explore import state

    explorer = Explorer(tiny)
    calls: list[float] = []

    def failing(scenario: px.Scenario, options: px.SolverOptions) -> px.Result:
        calls.append(scenario.budget)
        return dataclasses.replace(explorer.base, status="error", message="solver crashed")

    monkeypatch.setattr(state, "solve_portfolio", failing)
    assert explorer.walk(explorer.initial, 0.0, 200.0) == 1 and calls == [200.0]
    cover = explorer.cover()
    assert cover is not None and cover.find(200.0) is None  # nothing settled by an error
