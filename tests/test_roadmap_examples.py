"""The quarterly example scenarios plan a roadmap that keeps every rule, checked here from the
scenario itself (not from the solver's constraints)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SCENARIOS

import prioritizer as px
from prioritizer.periods import label_index, period_budgets, period_teams
from prioritizer.roadmap import solve_roadmap


def check_plan(sc: px.Scenario, rm: px.Roadmap) -> None:
    labels = list(sc.periods or ())
    frame = rm.to_frame()
    chosen = frame[frame["chosen"]]
    assert set(sc.mandatory_ids()) <= set(chosen.index)
    start = {i: labels.index(chosen.loc[i, "start"]) for i in chosen.index}
    for ident in chosen.index:
        item = sc.initiative(ident)
        finish = start[ident] + item.duration - 1
        assert finish < len(labels)
        if item.deadline:
            assert finish <= label_index(sc, item.deadline), ident
        if item.earliest_start:
            assert start[ident] >= label_index(sc, item.earliest_start), ident
        for dep in item.depends_on:
            assert dep in start and start[dep] + sc.initiative(dep).duration <= start[ident]
    spend = period_budgets(sc) or [float("inf")] * len(labels)
    teams = period_teams(sc)
    for p in range(len(labels)):
        active = [i for i in chosen.index if start[i] <= p < start[i] + sc.initiative(i).duration]
        money = sum(sc.initiative(i).cost / sc.initiative(i).duration for i in active)
        assert money <= spend[p] * (1 + 1e-9)
        for team, limits in teams.items():
            use = sum(
                sc.initiative(i).effort.get(team, 0) / sc.initiative(i).duration for i in active
            )
            assert use <= limits[p] * (1 + 1e-9)
    assert chosen["cost"].sum() <= sc.budget * (1 + 1e-9)
    assert rm.business_value == pytest.approx(chosen["business_value"].sum())


def test_bank_quarterly_roadmap_keeps_every_rule() -> None:
    sc = px.load_scenario(SCENARIOS / "retail_bank_quarterly" / "scenario.yaml")
    rm = px.plan_roadmap(sc)
    assert rm.status == "optimal"
    check_plan(sc, rm)
    # the phasing story of scenarios/README.md
    lump = px.optimize(sc)
    assert "CRM-UPGRADE" in lump.selected and "CRM-UPGRADE" not in rm.selected
    assert any(sc.initiative(i).deadline for i in sc.mandatory_ids())
    # ... and the one-lump set cannot be phased within the per-quarter limits
    others = [i for i in sc.ids if i not in lump.selected]
    forced = sc.with_overrides(force_in=lump.selected, force_out=others)
    assert solve_roadmap(forced).status == "infeasible"


@pytest.mark.slow
def test_telecom_quarterly_roadmap_keeps_every_rule() -> None:
    path: Path = SCENARIOS / "telecom_quarterly" / "scenario.yaml"
    sc = px.load_scenario(path)
    rm = px.plan_roadmap(sc, gap=0.01)
    assert rm.status == "optimal" and rm.gap is not None and rm.gap <= 0.01
    check_plan(sc, rm)
