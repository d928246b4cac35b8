"""Calibration: hand-worked factors, shrinkage toward 1, and the exactness property."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_track import hand_dict

import prioritizer as px
from prioritizer.tracking import Plan
from prioritizer.tracking.calibrate import apply_calibration, calibrate


@pytest.fixture(scope="module")
def plan() -> Plan:
    return Plan.from_result(px.optimize(px.scenario_from_mapping(hand_dict())))


def row(ident: str, status: str, spent: float, **measured: float) -> dict[str, Any]:
    return {"id": ident, "status": status, "spent": spent, "measured": measured}


def test_one_cycle_hand_worked(plan: Plan) -> None:
    cycle = [row("A", "live", 120000, churn_reduction_pp=0.5, cost_savings=40000)]
    cal = calibrate([(plan, cycle)])
    z = 1 / (1 + 4)  # one observation against a prior worth 4
    assert cal.factor("ease", "churn_reduction_pp").factor == pytest.approx(
        1 + z * (0.5 - 1)
    )  # 0.9
    assert cal.factor("ease", "cost_savings").factor == pytest.approx(0.96)
    assert cal.factor("ease", "cost").factor == pytest.approx(1.04)  # 120000 / 100000
    assert cal.factor("trust", "cost") is None  # nothing live in trust


def test_two_cycles_shrink_and_range(plan: Plan) -> None:
    cycles = [
        (plan, [row("A", "live", 100000, churn_reduction_pp=0.5)]),
        (plan, [row("A", "live", 100000, churn_reduction_pp=0.7)]),
    ]
    cal = calibrate(cycles)
    f = cal.factor("ease", "churn_reduction_pp")
    assert f.observations == 2 and f.mean_ratio == pytest.approx(0.6)
    assert f.credibility == pytest.approx(1 / 3)
    assert f.factor == pytest.approx(1 - 0.4 / 3)
    half = 1.96 * (1 / 3) * math.sqrt(0.02) / math.sqrt(2)  # sd of (0.5, 0.7) = sqrt(0.02)
    assert (f.low, f.high) == (pytest.approx(f.factor - half), pytest.approx(f.factor + half))
    assert cal.factor("ease", "cost").factor == 1.0  # on budget twice
    # more evidence moves the factor further from 1
    many = calibrate([(plan, [row("A", "live", 100000, churn_reduction_pp=0.5)])] * 20)
    assert many.factor("ease", "churn_reduction_pp").factor == pytest.approx(1 + 20 / 24 * -0.5)
    new = dict(hand_dict())
    new["initiatives"] = [
        {
            "id": "X",
            "pillar": "ease",
            "churn_reduction_pp": 2.0,
            "churn_reduction_pp_low": 1.0,
            "churn_reduction_pp_high": 3.0,
            "cost": 10,
        },
        {"id": "Y", "pillar": "trust", "churn_reduction_pp": 2.0, "cost": 10},
    ]
    scenario = px.scenario_from_mapping(new)
    changed, changes = apply_calibration(scenario, cal)
    x = changed.initiative("X")
    assert x.churn_reduction_pp == pytest.approx(2.0 * f.factor)
    assert x.ranges["churn_reduction_pp"] == (pytest.approx(f.factor), pytest.approx(3 * f.factor))
    assert changed.initiative("Y") == scenario.initiative("Y")
    assert [c.id for c in changes] == ["X"]
    assert "X churn_reduction_pp × 0.87 from 2 past ease initiatives" in changes[0].sentence(
        "pillar"
    )
    assert scenario.initiative("X").churn_reduction_pp == 2.0  # input untouched


FIELDS = ("churn_reduction_pp", "voc_volume", "ces_delta", "cross_sell", "cost_savings", "opex")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.tuples(
            st.floats(0.01, 3),
            st.floats(0, 5000),
            st.floats(0, 2),
            st.floats(0, 9e5),
            st.floats(0, 9e5),
            st.floats(0, 9e4),
            st.floats(1, 9e5),
        ),
        min_size=2,
        max_size=6,
    ),
    pillars=st.lists(st.sampled_from(["ease", "trust", "empathy"]), min_size=6, max_size=6),
    cycles=st.integers(1, 3),
)
def test_actuals_equal_to_forecasts_change_nothing(
    values: list[tuple[float, ...]], pillars: list[str], cycles: int
) -> None:
    items = [
        {"id": f"I{k}", "pillar": pillars[k], **dict(zip(FIELDS, v[:6], strict=True)), "cost": v[6]}
        for k, v in enumerate(values)
    ]
    data = {**hand_dict(), "initiatives": items, "budget": sum(v[6] for v in values) / 2}
    scenario = px.scenario_from_mapping(data)
    result = px.optimize(scenario)
    plan = Plan.from_scenario(scenario, [i.id for i in scenario.initiatives])
    rows = [
        row(item.id, "live", item.cost, **{f: item.forecast[f] for f in FIELDS})
        for item in plan.initiatives
    ]
    cal = calibrate([(plan, rows)] * cycles)
    assert cal.factors and all(f.factor == 1.0 for f in cal.factors)
    changed, changes = apply_calibration(scenario, cal)
    assert changes == []
    again = px.optimize(changed)
    assert again.selected == result.selected and again.objective == result.objective
