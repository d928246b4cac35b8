"""The analyses against brute force and their stated invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import tiny_dict
from randomscen import all_subsets, brute_force, feasible_mask, random_scenario

import prioritizer as px
from prioritizer.analysis.compare import compare
from prioritizer.analysis.explain import explain
from prioritizer.analysis.frontier import efficient_frontier
from prioritizer.analysis.marginal import marginal_values
from prioritizer.analysis.montecarlo import monte_carlo
from prioritizer.analysis.pareto import pareto_front, weight_sweep
from prioritizer.analysis.tornado import tornado
from prioritizer.rules import team_limit_key


def feasible_seeds(count: int, n: int = 9) -> list[int]:
    out = []
    for seed in range(3000):
        if brute_force(random_scenario(seed, n=n))[0] is not None:
            out.append(seed)
        if len(out) == count:
            return out
    return out


def hand_frontier() -> px.Scenario:
    # business mode, horizon 1: value = savings - cost. Items (cost, value): A (40, 60),
    # B (50, 40), C (30, 20), D (100, 5). The exact step function, by hand:
    # budget < 30: nothing (0); 30: C (20); 40: A (60); 70: A+C (80); 90: A+B (100);
    # 120: A+B+C (120); 220: all (125).
    return px.scenario_from_mapping(
        tiny_dict(
            teams={},
            initiatives=[
                {"id": "A", "cost": 40, "cost_savings": 100},
                {"id": "B", "cost": 50, "cost_savings": 90},
                {"id": "C", "cost": 30, "cost_savings": 50},
                {"id": "D", "cost": 100, "cost_savings": 105},
            ],
        )
    )


def test_frontier_breakpoints_exact_by_hand() -> None:
    sc = hand_frontier()
    frontier = efficient_frontier(sc, [0, 35, 60, 100, 300], breakpoints=True)
    breaks = [(p.budget, p.objective) for p in frontier.breakpoints]
    assert breaks == [
        (0.0, 0.0),
        (30.0, 20.0),
        (40.0, 60.0),
        (70.0, 80.0),
        (90.0, 100.0),
        (120.0, 120.0),
        (220.0, 125.0),
    ]
    assert frontier.complete
    assert list(frontier.to_frame()["objective"]) == [0.0, 20.0, 60.0, 100.0, 125.0]
    assert frontier.to_frame()["entered"].iloc[2] == "A"


@pytest.mark.parametrize("seed", feasible_seeds(12))
def test_frontier_monotone_and_matches_brute_force(seed: int) -> None:
    sc = random_scenario(seed, n=9)
    budgets = list(np.linspace(0, sum(i.cost for i in sc.initiatives), 9))
    frontier = efficient_frontier(sc, budgets, breakpoints=True)
    values = [p.objective for p in frontier.points if p.status == "optimal"]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
    for point in frontier.points:
        best, _ = brute_force(sc.with_overrides(budget=point.budget))
        if best is None:
            assert point.status == "infeasible"
        else:
            assert point.objective == pytest.approx(best, abs=1e-9)
    # each breakpoint: the optimum there beats the optimum just below it (costs are whole
    # numbers; one unit below is clear of the checker's 1e-6 relative tolerance)
    for point in frontier.breakpoints[1:]:
        below, _ = brute_force(sc.with_overrides(budget=point.budget * (1 - 1e-5) - 1))
        assert below is None or point.objective > below + 1e-12


@pytest.mark.parametrize("seed", feasible_seeds(8, n=8))
def test_marginal_values_match_brute_force(seed: int) -> None:
    sc = random_scenario(seed, n=8)
    base, _ = brute_force(sc)
    result = marginal_values(sc).to_frame()
    up, _ = brute_force(sc.with_overrides(budget=sc.budget * 1.1))
    down, _ = brute_force(sc.with_overrides(budget=sc.budget * 0.9))
    assert result.loc["budget", "objective_gain_up"] == pytest.approx(up - base, abs=1e-9)
    if down is not None:
        assert result.loc["budget", "objective_loss_down"] == pytest.approx(base - down, abs=1e-9)
    for team, capacity in sc.teams.items():
        up_t, _ = brute_force(sc.with_overrides(teams={team: capacity * 1.1}))
        key = team_limit_key(team)  # limits are keyed team:<name> (issue 10, bug 2)
        assert result.loc[key, "objective_gain_up"] == pytest.approx(up_t - base, abs=1e-9)
    # next_improvement_at: the least budget at which the optimum improves (by enumeration)
    need = result.loc["budget", "next_improvement_at"]
    X = all_subsets(8)
    wider = sc.with_overrides(budget=1e12)
    ok = feasible_mask(wider, X)
    scores = px.score_initiatives(sc)["objective_score"].to_numpy()
    cost = np.array([i.cost for i in sc.initiatives])
    better = ok & (X @ scores > base + 1e-7 * max(1, abs(base)))
    if better.any():
        assert need == pytest.approx((X[better] @ cost).min())
    else:
        assert np.isnan(need)


def test_tornado_unused_segment_has_zero_swing() -> None:
    data = tiny_dict(objective={"mode": "business"})
    data["segments"] = {**data["segments"], "nobody": {"customers": 5000, "ltv": 900}}
    sc = px.scenario_from_mapping(data)
    table = tornado(sc).to_frame().set_index("assumption")
    assert table.loc["segment nobody LTV", "swing"] == 0.0
    assert table.loc["segment nobody customers", "swing"] == 0.0
    assert not table.loc["segment nobody LTV", "portfolio_changes"]


def test_tornado_sorted_and_flags_portfolio_changes(bank: px.Scenario) -> None:
    table = tornado(bank, workers=1).to_frame()
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    assert table["portfolio_changes"].any() and not table["portfolio_changes"].all()


@pytest.mark.parametrize("seed", feasible_seeds(8, n=9))
def test_pareto_points_are_non_dominated_and_feasible(seed: int) -> None:
    sc = random_scenario(seed, n=9)
    front = pareto_front(sc, max_points=6).to_frame()
    scores = px.score_initiatives(sc)
    b = scores["business_value"].to_numpy()
    c = scores["customer_value"].to_numpy()
    X = all_subsets(9)
    ok = feasible_mask(sc, X)
    B, C = X[ok] @ b, X[ok] @ c
    for _, row in front.iterrows():
        x = scores.index.isin(row["selected"].split(";") if row["selected"] else []).astype(float)
        assert feasible_mask(sc, x.reshape(1, -1))[0]
        dominated = (
            (row["business_value"] - 1e-9 <= B)
            & (row["customer_value"] - 1e-9 <= C)
            & ((row["business_value"] + 1e-6 < B) | (row["customer_value"] + 1e-6 < C))
        )
        assert not dominated.any()
    # the extremes are the true maxima of each objective
    assert front["business_value"].max() == pytest.approx(B.max())
    assert front["customer_value"].max() == pytest.approx(C.max())


def test_weight_sweep_ends_match_single_objectives(bank: px.Scenario) -> None:
    sweep = weight_sweep(bank, steps=5).to_frame()
    business = px.optimize(bank.with_overrides(objective="business"))
    assert sweep["business_value"].iloc[-1] == pytest.approx(business.business_value)
    customer = px.optimize(bank.with_overrides(objective="customer"))
    assert sweep["customer_value"].iloc[0] == pytest.approx(customer.customer_value)


def test_monte_carlo_zero_width_ranges_reproduce_the_base_case() -> None:
    sc = random_scenario(feasible_seeds(1)[0], n=9)
    flat = sc.with_overrides(
        initiatives=[i.model_copy(update={"ranges": {}}) for i in sc.initiatives],
        uncertainty={"default_relative": 0.0},
    )
    mc = monte_carlo(flat, draws=20, seed=1)
    frame = mc.to_frame()
    base = set(mc.base.selected)
    for ident, row in frame.iterrows():
        assert row["selection_frequency"] == (1.0 if ident in base else 0.0)
    assert np.allclose(mc.fixed_business, mc.base.business_value)


def test_monte_carlo_same_seed_same_result_whatever_the_workers(bank: px.Scenario) -> None:
    one = monte_carlo(bank, draws=60, seed=11, workers=1, chunk_size=10)
    two = monte_carlo(bank, draws=60, seed=11, workers=2, chunk_size=10)
    assert np.array_equal(one.selections, two.selections)
    assert np.array_equal(one.fixed_business, two.fixed_business)
    assert one.to_dict() == two.to_dict()
    other = monte_carlo(bank, draws=60, seed=12, workers=1, chunk_size=10)
    assert not np.array_equal(one.fixed_business, other.fixed_business)


def test_monte_carlo_seed_zero_is_a_seed(bank: px.Scenario) -> None:
    a = monte_carlo(bank, draws=5, seed=0)
    b = monte_carlo(bank, draws=5, seed=0)
    assert np.array_equal(a.fixed_business, b.fixed_business)


def test_pert_draws_stay_in_range_and_centre_on_mode() -> None:
    from prioritizer.analysis.montecarlo import draw_field
    from prioritizer.analysis.uncertainty import FieldRange

    fr = FieldRange("cost", np.array([90.0]), np.array([100.0]), np.array([140.0]))
    draws = draw_field(np.random.default_rng(0), fr, 20000)[:, 0]
    assert draws.min() >= 90 and draws.max() <= 140
    # PERT mean = (a + 4m + b) / 6 = (90 + 400 + 140) / 6 = 105.0
    assert draws.mean() == pytest.approx(105.0, abs=0.3)


@pytest.mark.parametrize("seed", feasible_seeds(6, n=9))
def test_explain_threshold_flips_the_decision(seed: int) -> None:
    sc = random_scenario(seed, n=9)
    result = explain(sc)
    scores = px.score_initiatives(sc)["objective_score"].to_numpy()
    for e in result.items:
        if not np.isfinite(e.value_margin) or e.forced_status in ("mandatory", "excluded"):
            continue
        k = sc.ids.index(e.id)
        bump = scores.copy()
        step = e.value_margin + 1e-6 * max(1.0, abs(result.base.objective))
        bump[k] += -step if e.selected else step
        again = px.solve_portfolio(sc, objective=bump)
        assert (e.id in again.selected) != e.selected, e.id
        # and just short of the margin nothing flips
        if e.value_margin > 1e-6:
            short = scores.copy()
            short[k] += (-1 if e.selected else 1) * e.value_margin * 0.5
            assert (e.id in px.solve_portfolio(sc, objective=short).selected) == e.selected


def test_explain_cost_to_enter_really_lets_it_in(bank: px.Scenario) -> None:
    e = explain(bank, "GOODWILL-AUTO").items[0]
    assert not e.selected and e.cost_to_enter is not None and e.cost_to_enter < e.cost
    cheaper = bank.with_overrides(
        initiatives=[
            i.model_copy(update={"cost": e.cost_to_enter, "ranges": {}}) if i.id == e.id else i
            for i in bank.initiatives
        ]
    )
    scores = px.score_initiatives(
        cheaper, normalizers=px.score_initiatives(bank).attrs["normalizers"]
    )
    assert e.id in px.solve_portfolio(cheaper, scores=scores).selected
    assert "budget" in e.blocking_rules


def test_compare_lines_up_budgets(bank: px.Scenario) -> None:
    result = compare([bank, bank.with_overrides(budget=2.4e6)], ["base", "lean"])
    totals = result.to_frame()
    assert totals.loc["cost", "lean"] <= 2.4e6
    diff = result.differences()
    assert len(diff) > 0 and not diff["in_all"].any()
    assert set(result.to_dict()["in_all"]) <= set(result.results[0].selected)


def test_ranking_is_feasible_and_never_beats_the_optimum() -> None:
    from prioritizer.analysis.ranking import compare_with_ranking

    checked = 0
    for seed in feasible_seeds(25, n=10):
        sc = random_scenario(seed, n=10)
        comparison = compare_with_ranking(sc)
        x = comparison.optimum.scores.index.isin(comparison.selected).astype(float)
        if comparison.feasible:
            assert feasible_mask(sc, x.reshape(1, -1))[0]
            assert comparison.ranking_objective <= comparison.optimum.objective + 1e-9
            checked += 1
    assert checked >= 15


def test_ranking_by_hand() -> None:
    from prioritizer.analysis.ranking import compare_with_ranking

    # value/cost: A 60/40 = 1.5, B 40/50 = 0.8, C 20/30 = 0.67, D 5/100. Budget 100:
    # ranking funds A (40), then B (90); C no longer fits -> 100. The optimum is A+B too.
    sc = hand_frontier()
    comparison = compare_with_ranking(sc)
    assert comparison.selected == ["A", "B"] and comparison.ranking_objective == 100.0
    # budget 70: ranking funds A, skips B (90 > 70), then C (70) -> 80 = optimum A+C
    assert compare_with_ranking(sc.with_overrides(budget=70)).ranking_objective == 80.0
    # budget 50 with the ranking greedy: A (40) then nothing fits -> 60; optimum is also A.
    # budget 80 with D made attractive is where greed loses:
    lure = sc.with_overrides(
        budget=80,
        initiatives=[
            {"id": "A", "cost": 40, "cost_savings": 100},
            {"id": "E", "cost": 10, "cost_savings": 30},  # ratio 2.0, ranked first
            {"id": "B", "cost": 70, "cost_savings": 175},  # 105 / 70 = 1.5
        ],
    )
    result = compare_with_ranking(lure)
    assert result.selected == ["A", "E"] and result.ranking_objective == 80.0
    assert result.optimum.objective == 125.0  # E + B
    assert result.share_of_optimum == pytest.approx(0.64)


@pytest.mark.parametrize("seed", feasible_seeds(14, n=9))
def test_tornado_shortcut_equals_full_re_solves(seed: int) -> None:
    sc = random_scenario(seed, n=9).with_overrides(uncertainty={"default_relative": 0.3})
    fast = tornado(sc).to_frame().set_index("assumption")
    full = tornado(sc, skip_provable=False).to_frame().set_index("assumption")
    assert fast["solves"].sum() < full["solves"].sum()
    for column in ("entered", "left"):
        assert fast[column].sort_index().equals(full[column].sort_index()), column
    for column in ("objective_low", "objective_high", "portfolio_changes"):
        assert fast[column].sort_index().equals(full[column].sort_index()) or np.allclose(
            fast[column].sort_index().astype(float),
            full[column].sort_index().astype(float),
            atol=1e-9,
        ), column


def test_tornado_cost_swing_of_a_chosen_initiative_by_hand() -> None:
    # business mode, horizon 1: value = savings - cost; budget 100. A (40, value 60),
    # B (50, value 55), C (45, value 54): the optimum is A+B (115, cost 90); without B it is
    # A+C (114). B's cost at 53 lowers B's value by 3 and still fits: A+B is worth 112, so
    # A+C (114) wins, with C in and B out — decided by the shortcut, from the best portfolio
    # without B. B's cost at 47: A+B = 118 (re-solved: cheaper, other portfolios may fit).
    sc = px.scenario_from_mapping(
        tiny_dict(
            teams={},
            budget=100,
            initiatives=[
                {"id": "A", "cost": 40, "cost_savings": 100},
                {"id": "B", "cost": 50, "cost_savings": 105, "cost_low": 47, "cost_high": 53},
                {"id": "C", "cost": 45, "cost_savings": 99},
            ],
        )
    )
    assert px.optimize(sc).selected == ["A", "B"]
    row = tornado(sc, workers=1).to_frame().set_index("assumption").loc["B cost"]
    assert (row["objective_low"], row["objective_high"]) == (118.0, 114.0)
    assert (row["entered"], row["left"]) == ("C", "B")
    assert row["solves"] == 2  # the best portfolio without B, and the cheaper side
    # the costlier side is decided without re-solving it: from the best portfolio without B
    from prioritizer.analysis.tornado import _swing_without_solve
    from prioritizer.value import score_initiatives

    base_scores = score_initiatives(sc)
    costlier = score_initiatives(
        sc, values={"cost": np.array([40.0, 53.0, 45.0])}, normalizers=(1.0, 1.0)
    )
    asked: list[int] = []

    def without(k: int) -> tuple[float, np.ndarray]:
        asked.append(k)
        return 114.0, np.array([1.0, 0.0, 1.0])

    base = np.array([1.0, 1.0, 0.0])
    known = _swing_without_solve("cost", base_scores, costlier, base, without, lambda: True)
    assert known is not None and known[0] == 114.0 and list(known[1]) == [1.0, 0.0, 1.0]
    assert asked == [1]
    # when the recommendation no longer fits, it is re-solved
    assert _swing_without_solve("cost", base_scores, costlier, base, without, lambda: False) is None


def test_explain_says_what_leaves_with_an_initiative_and_when_no_cost_lets_one_in() -> None:
    """A and its dependant B are chosen; forcing A out takes B with it, which the sentence
    must say (most of the NPV lost is B's). C fits the team only without A and B, and is worth
    less than them even free: no cost lets it in, and with the cost searched the sentence says
    so rather than nothing."""
    data = tiny_dict(
        budget=100.0,
        teams={"digital": 10},
        initiatives=[
            {"id": "A", "cost": 30, "cost_savings": 60, "effort_digital": 2},
            {"id": "B", "cost": 30, "cost_savings": 200, "effort_digital": 2, "depends_on": "A"},
            {"id": "C", "cost": 10, "cost_savings": 50, "effort_digital": 9},
        ],
    )
    sc = px.scenario_from_mapping(data)
    result = explain(sc, ["A", "C"], cost_threshold=True)
    a, c = result.items
    assert a.selected and a.leaves_with == ["B"]
    assert "B would leave with it" in a.sentence("EUR")
    assert not c.selected and c.cost_searched and c.cost_to_enter is None
    assert "Even at no one-off cost it would not enter" in c.sentence("EUR")
    frame = result.to_frame()
    assert np.isnan(frame.loc["C", "cost_to_enter"])  # a number column, not None objects
    quick = explain(sc, ["A", "C"])  # several ids: the cost is not searched by default
    assert not quick.items[1].cost_searched
    assert "Even at no one-off cost" not in quick.items[1].sentence("EUR")
