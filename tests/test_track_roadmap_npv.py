"""Plan vs actual of a roadmap plan values NPV as the roadmap did (§5, at the planned start):
the NPV forecast `track` reports is the roadmap's, worked out by hand here, and survives the
plan's JSON round trip (the register); a one-lump plan keeps §2's annuity formula."""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

import pytest
from test_track_periods import roadmap_dict, write

import prioritizer as px
from prioritizer.roadmap import plan_roadmap
from prioritizer.tracking import Plan, read_actuals, track


@pytest.fixture(scope="module")
def roadmap() -> px.Roadmap:
    scenario = px.scenario_from_mapping({**roadmap_dict(), "discount_rate": 0.08})
    return plan_roadmap(scenario, pins={"A": "2027Q1", "B": "2027Q2"})


def _disc(p: int, r: float = 0.08) -> float:
    return (1 + r) ** (-(p + 1) * 0.25)


def test_npv_forecast_of_a_roadmap_plan_hand_worked(roadmap: px.Roadmap, tmp_path: Path) -> None:
    # four quarters and one year of evaluation after them: periods 0..7. A: work in 0 and 1
    # (cost 100), live 2..7 at full benefit (no ramp-up) saving 400 a year; B: work in 1..3
    # (cost 90), live 4..7 saving 300 a year.
    npv_a = sum(0.25 * 400 * _disc(p) for p in range(2, 8)) - sum(50 * _disc(p) for p in (0, 1))
    npv_b = sum(0.25 * 300 * _disc(p) for p in range(4, 8)) - sum(30 * _disc(p) for p in (1, 2, 3))
    plan = Plan.from_roadmap(roadmap)
    actuals = read_actuals(
        write(tmp_path, "id,status,spent,go_live,cost_savings\nA,live,120,2027-07-15,300\n"),
        known_ids=plan.known_ids,
    )
    frame = track(plan, actuals, as_of=_dt.date(2027, 12, 31)).to_frame()
    assert frame.loc["A", "npv_forecast"] == pytest.approx(npv_a, rel=1e-12)
    assert frame.loc["B", "npv_forecast"] == pytest.approx(npv_b, rel=1e-12)
    assert frame["npv_forecast"].sum() == pytest.approx(roadmap.business_value, rel=1e-12)
    # A live in its planned go-live quarter (2027Q3), 300 saved a year measured, 120 spent
    # (its cost at completion), discounted as planned
    expected_a = sum(0.25 * 300 * _disc(p) for p in range(2, 8)) - 120 * ((_disc(0) + _disc(1)) / 2)
    assert frame.loc["A", "npv_expected"] == pytest.approx(expected_a, rel=1e-12)
    # B not reported: not started after its planned start (2027Q2), so it starts in 2028Q1
    # and goes live in period 7 (2028Q4), 3 periods late; its cost discounted as planned
    assert bool(frame.loc["B", "not_started"]) and frame.loc["B", "periods_late"] == 3
    late_b = 0.25 * 300 * _disc(7) - sum(30 * _disc(p) for p in (1, 2, 3))
    assert frame.loc["B", "npv_expected"] == pytest.approx(late_b, rel=1e-12)


def test_the_factors_survive_the_json_round_trip(roadmap: px.Roadmap) -> None:
    plan = Plan.from_roadmap(roadmap)
    again = Plan.from_dict(plan.to_dict())
    for before, after in zip(plan.initiatives, again.initiatives, strict=True):
        assert after.present_value == pytest.approx(before.present_value, rel=1e-15)
        assert after.npv(again.annuity) == pytest.approx(before.npv(plan.annuity), rel=1e-15)


def test_a_one_lump_plan_keeps_the_annuity_formula(roadmap: px.Roadmap) -> None:
    plan = Plan.from_scenario(roadmap.scenario, roadmap.selected)
    for item in plan.initiatives:
        assert item.present_value is None
        assert item.npv(plan.annuity) == pytest.approx(
            plan.annuity * item.annual_benefit() - item.cost, rel=1e-15
        )
    assert "present_value_factors" not in plan.to_dict()["initiatives"][0]


def test_the_example_roadmap_tracks_against_its_own_npv() -> None:
    """The retail bank's quarterly roadmap: what `approve --roadmap` reports (the roadmap's
    NPV) is the NPV forecast `track` compares against, initiative by initiative."""
    scenario = px.load_scenario(
        Path(__file__).parent.parent / "scenarios" / "retail_bank_quarterly" / "scenario.yaml"
    )
    roadmap = plan_roadmap(scenario)
    plan = Plan.from_roadmap(roadmap)
    values = roadmap.to_frame()
    for item in plan.initiatives:
        assert math.isclose(
            item.npv(plan.annuity), values.loc[item.id, "business_value"], rel_tol=1e-9
        ), item.id


def test_track_of_a_roadmap_object_uses_its_starts(roadmap: px.Roadmap, tmp_path: Path) -> None:
    """`px.track(roadmap, ...)` values the plan at its starts (as `Plan.from_roadmap`), and
    takes the status date as text too."""
    actuals = write(tmp_path, "id,status,spent\nA,in_progress,40\n")
    direct = track(roadmap, actuals, as_of="2027-06-30").to_frame()
    planned = track(Plan.from_roadmap(roadmap), actuals, as_of=_dt.date(2027, 6, 30)).to_frame()
    assert direct["npv_forecast"].sum() == pytest.approx(roadmap.business_value, rel=1e-12)
    assert (direct["npv_forecast"] == planned["npv_forecast"]).all()
    with pytest.raises(px.ScenarioError, match="as_of"):
        track(roadmap, actuals, as_of="30/06/2027")
