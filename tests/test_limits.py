"""Capacity limits defined once (prioritizer.rules.Limit): keys, units, binding flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import tiny_dict

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.cli import cli
from prioritizer.rules import scenario_limits


def _team_named(name: str) -> px.Scenario:
    data = tiny_dict(
        teams={name: 10},
        initiatives=[
            {"id": "A", "cost": 60, "cost_savings": 100, f"effort_{name}": 5},
            {"id": "B", "cost": 50, "cost_savings": 90, f"effort_{name}": 6},
            {"id": "C", "cost": 40, "cost_savings": 70, f"effort_{name}": 4},
        ],
        opex_budget=1000.0,
    )
    return px.scenario_from_mapping(data)


@pytest.mark.parametrize("team", ["budget", "opex_budget"])
def test_team_named_like_a_money_limit_has_its_own_row(team: str) -> None:
    sc = _team_named(team)
    limits = px.optimize(sc).limits()
    assert list(limits.index) == ["budget", "opex_budget", f"team:{team}"]
    assert limits.loc["budget", "available"] == 100.0
    assert limits.loc[f"team:{team}", "available"] == 10.0
    assert limits.loc[f"team:{team}", "unit"] == "person-days"
    # business words, never the money limit's: "Budget team", "Opex budget team"
    assert limits.loc[f"team:{team}", "label"] == fmt.sentence(f"{fmt.words(team)} team")
    assert limits.loc["opex_budget", "label"] == "Running-cost budget"


@pytest.mark.parametrize("team", ["budget", "opex_budget"])
def test_solve_command_with_a_team_named_like_a_money_limit(tmp_path: Path, team: str) -> None:
    (tmp_path / "s.yaml").write_text(
        "name: t\nbudget: 100\nhorizon_years: 1\nobjective: {mode: business}\n"
        "segments: {mass: {customers: 1000, ltv: 100}}\n"
        f"teams: {{{team}: 10}}\n"
        "initiatives:\n"
        f"  - {{id: A, cost: 60, cost_savings: 100, effort_{team}: 5}}\n"
        f"  - {{id: B, cost: 50, cost_savings: 90, effort_{team}: 6}}\n"
    )
    result = CliRunner().invoke(cli, ["solve", str(tmp_path / "s.yaml")])
    assert result.exit_code == 0, result.output
    # the team reads as on the slides ("Budget team"), never as the money limit
    assert fmt.limit_label(f"Team {team}") in result.output and "Cost vs budget" in result.output


def test_moving_a_team_limit_moves_the_team_not_the_money() -> None:
    sc = _team_named("budget")
    team = next(limit for limit in scenario_limits(sc) if limit.kind == "capacity")
    moved = team.moved(sc, 20.0)
    assert moved.teams == {"budget": 20.0}
    assert moved.budget == sc.budget
    money = next(limit for limit in scenario_limits(sc) if limit.kind == "budget")
    assert money.moved(sc, 150.0).budget == 150.0 and money.moved(sc, 150.0).teams == sc.teams


def test_limit_matches_its_rule() -> None:
    sc = _team_named("budget")
    rules = {r.key: r for r in px.optimize(sc).rules}
    for limit in scenario_limits(sc):
        assert rules[limit.rule].rhs == limit.available


def _binding(**overrides: object) -> dict[str, bool]:
    res = px.optimize(px.scenario_from_mapping(tiny_dict(**overrides)))
    return res.limits()["binding"].to_dict()


def test_excluded_initiative_does_not_make_a_limit_look_free() -> None:
    # Unconstrained, B + C is chosen (tied with A + C, cheaper) and A (cost 60, 5 days) is
    # kept out by the budget and the team. With B excluded, A + C is chosen and the only
    # initiative left outside is B, which no rule lets in: no limit is what keeps it out.
    base = _binding()
    assert base["budget"] and base["team:digital"]
    blocked = _binding(rules={"excluded": ["B"]})
    assert not blocked["budget"] and not blocked["team:digital"]


def test_dependency_blocked_initiative_does_not_count() -> None:
    # D needs E, which is excluded: D can never be added, whatever the budget.
    items = [
        {"id": "A", "cost": 60, "cost_savings": 100, "effort_digital": 5},
        {"id": "C", "cost": 40, "cost_savings": 70, "effort_digital": 4},
        {"id": "D", "cost": 30, "cost_savings": 90, "depends_on": "E"},
        {"id": "E", "cost": 500, "cost_savings": 600},
    ]
    free = _binding(initiatives=items)
    assert free["budget"]  # E (worth +100 on its own) could be added but for the budget
    blocked = _binding(initiatives=items, rules={"excluded": ["E"]})
    assert not blocked["budget"]


def test_initiative_without_value_does_not_make_a_limit_bind() -> None:
    # issue 11, one definition of binding (rules.is_binding): a limit binds only when what
    # it keeps out would add value. E loses money on its own, so the budget keeping it out
    # is not a bottleneck (relaxing it would not improve the optimum).
    items = [
        {"id": "A", "cost": 60, "cost_savings": 100, "effort_digital": 5},
        {"id": "C", "cost": 40, "cost_savings": 70, "effort_digital": 4},
        {"id": "E", "cost": 500, "cost_savings": 0},
    ]
    assert not _binding(initiatives=items)["budget"]


def test_exclusive_group_partner_does_not_count() -> None:
    items = [
        {"id": "A", "cost": 60, "cost_savings": 100, "exclusive_group": "g"},
        {"id": "C", "cost": 40, "cost_savings": 70},
        {"id": "B", "cost": 50, "cost_savings": 30, "exclusive_group": "g"},
    ]
    assert not _binding(initiatives=items)["budget"]


def test_limits_that_bind_together_are_not_called_idle() -> None:
    """A and B are chosen and leave 10 of the budget and 1 digital day. C needs 20 of the
    budget and 1 day, D 5 and 2 days: each limit has room for one of them (so neither is used
    up on its own), yet neither fits both. The finding must not blame the rules."""
    data = tiny_dict(
        budget=100.0,
        teams={"digital": 10},
        initiatives=[
            {"id": "A", "cost": 50, "cost_savings": 500, "effort_digital": 4},
            {"id": "B", "cost": 40, "cost_savings": 400, "effort_digital": 5},
            {"id": "C", "cost": 20, "cost_savings": 30, "effort_digital": 1},  # short of budget
            {"id": "D", "cost": 5, "cost_savings": 20, "effort_digital": 2},  # short of days
        ],
    )
    sc = px.scenario_from_mapping(data)
    result = px.optimize(sc)
    assert result.selected == ["A", "B"]  # 10 of budget and 1 day left: C and D do not fit
    limits = result.limits()
    assert not limits["binding"].any()  # budget fits D (5 <= 10), the team fits C (1 <= 1)
    assert list(result.worth_adding()) == [False, False, True, True]
    from prioritizer.analysis.portfolio import portfolio_view

    text = portfolio_view(sc, base=result).capacity_finding().text
    assert "rules, not the resources" not in text
    assert "together" in text and "2 initiatives worth adding" in text
