"""Calibration: hand-worked factors, shrinkage toward 1, and the exactness property."""

from __future__ import annotations

import math
from pathlib import Path
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
    # spread: its own (sd of 0.5, 0.7: sqrt(0.02), 1 degree of freedom) blended with the one
    # pooled over (ease, churn) and (ease, cost: ratios 1, 1): sqrt((0.02 + 0) / 2), worth 2
    pooled_sq = (0.02 + 0.0) / 2
    spread = math.sqrt((1 * 0.02 + 2 * pooled_sq) / (1 + 2))
    half = 1.96 * (1 / 3) * spread / math.sqrt(2)
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


# -- reference classes: pillar, type, owner ------------------------------------------------
def classes_scenario() -> px.Scenario:
    """Four initiatives across pillars, types and owners (spellings differ in case/space)."""
    items = [
        {"id": "P", "pillar": "ease", "type": "automation", "owner": "Ops", "cost_savings": 100},
        {"id": "Q", "pillar": "ease", "type": "automation", "owner": "ops ", "cost_savings": 200},
        {"id": "R", "pillar": "ease", "type": "process", "owner": "Digital", "cost_savings": 100},
        {"id": "S", "pillar": "trust", "type": "Automation", "owner": "", "cost_savings": 50},
    ]
    data = {**hand_dict(), "initiatives": [{**i, "cost": 10} for i in items]}
    return px.scenario_from_mapping(data)


def classes_cycle() -> list[tuple[Plan, list[dict[str, Any]]]]:
    """Savings realized: P 50/100 = 0.5, Q 160/200 = 0.8, R 120/100 = 1.2, S 50/50 = 1.0
    (in progress: no cost observation)."""
    scenario = classes_scenario()
    plan = Plan.from_scenario(scenario, list(scenario.ids))
    rows = [
        row("P", "in_progress", 5, cost_savings=50),
        row("Q", "in_progress", 5, cost_savings=160),
        row("R", "in_progress", 5, cost_savings=120),
        row("S", "in_progress", 5, cost_savings=50),
    ]
    return [(plan, rows)]


def test_calibrate_by_type_hand_worked() -> None:
    cal = calibrate(classes_cycle(), by="type")
    auto = cal.factor("automation", "cost_savings")
    # automation (P, Q, S; "Automation" pools with "automation"): m = (0.5 + 0.8 + 1.0) / 3
    assert auto.observations == 3 and auto.mean_ratio == pytest.approx(2.3 / 3)
    assert auto.credibility == pytest.approx(3 / 7)  # n / (n + 4)
    assert auto.factor == pytest.approx(1 + 3 / 7 * (2.3 / 3 - 1))  # = 0.9
    assert auto.factor == pytest.approx(0.9)
    sd = math.sqrt(((0.5 - 2.3 / 3) ** 2 + (0.8 - 2.3 / 3) ** 2 + (1.0 - 2.3 / 3) ** 2) / 2)
    half = 1.96 * 3 / 7 * sd / math.sqrt(3)
    assert (auto.low, auto.high) == (pytest.approx(0.9 - half), pytest.approx(0.9 + half))
    process = cal.factor("Process", "cost_savings")  # classes match without case
    assert process.observations == 1 and process.factor == pytest.approx(1 + 0.2 * 0.2)  # 1.04
    # one observation: the spread is the pooled one (only automation has two or more)
    assert process.high - process.factor == pytest.approx(1.96 * 0.2 * sd)
    assert set(cal.to_frame()["type"]) == {"automation", "process"}


def test_calibrate_by_owner_and_pillar_hand_worked() -> None:
    by_owner = calibrate(classes_cycle(), by="owner")
    ops = by_owner.factor("ops", "cost_savings")  # "Ops" and "ops " are one owner
    assert ops.observations == 2 and ops.factor == pytest.approx(1 + (2 / 6) * (0.65 - 1))
    assert by_owner.factor("Digital", "cost_savings").factor == pytest.approx(1.04)
    assert by_owner.factor("(none)", "cost_savings").factor == pytest.approx(1.0)  # S: on target
    by_pillar = calibrate(classes_cycle())  # the default class is the pillar
    assert by_pillar.by == "pillar"
    ease = by_pillar.factor("ease", "cost_savings")
    assert ease.observations == 3 and ease.factor == pytest.approx(1 - 3 / 7 * (1 / 6))
    with pytest.raises(ValueError, match="by must be one of"):
        calibrate(classes_cycle(), by="colour")


def test_apply_calibration_by_type_and_owner() -> None:
    new = {
        **hand_dict(),
        "initiatives": [
            {"id": "X", "type": "AUTOMATION", "owner": "OPS", "cost_savings": 1000, "cost": 10},
            {"id": "Y", "type": "regulatory", "owner": "Legal", "cost_savings": 1000, "cost": 10},
        ],
    }
    scenario = px.scenario_from_mapping(new)
    changed, changes = apply_calibration(scenario, calibrate(classes_cycle(), by="type"))
    assert changed.initiative("X").cost_savings == pytest.approx(900.0)
    assert changed.initiative("Y") == scenario.initiative("Y")  # no past regulatory initiative
    assert (
        changes[0]
        .sentence("type")
        .startswith(
            "X cost_savings × 0.90 from 3 past automation initiatives (type; credibility 43%"
        )
    )
    changed, changes = apply_calibration(scenario, calibrate(classes_cycle(), by="owner"))
    assert changed.initiative("X").cost_savings == pytest.approx(1000 * (1 - 0.35 / 3))
    assert (
        changes[0]
        .sentence("owner")
        .startswith("X cost_savings × 0.88 from 2 past initiatives owned by Ops (owner;")
    )


def test_type_and_owner_survive_the_plan_json() -> None:
    scenario = classes_scenario()
    plan = Plan.from_scenario(scenario, ["P", "S"])
    back = Plan.from_dict(plan.to_dict())
    assert [(i.type, i.owner) for i in back.initiatives] == [
        ("automation", "Ops"),
        ("Automation", ""),
    ]
    older = plan.to_dict()
    for item in older["initiatives"]:  # a plan written before the columns existed
        del item["type"], item["owner"]
    assert {(i.type, i.owner) for i in Plan.from_dict(older).initiatives} == {("", "")}


def test_type_and_owner_columns_read_from_a_table(tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text(
        "name: t\nbudget: 100\nsegments: {all_: {customers: 10, ltv: 1}}\n"
        "initiatives: initiatives.csv\n",
        encoding="utf-8",
    )
    (tmp_path / "initiatives.csv").write_text(
        "id,segment,cost,Initiative Type,Product Owner\n"
        "A,all,10, automation ,Head of Service\nB,all,20,,\n",
        encoding="utf-8",
    )
    sc = px.load_scenario(tmp_path / "scenario.yaml")
    assert (sc.initiative("A").type, sc.initiative("A").owner) == ("automation", "Head of Service")
    assert (sc.initiative("B").type, sc.initiative("B").owner) == ("", "")
    assert not [w for w in sc.warnings if "owner" in str(w).casefold()]  # read, not ignored


def test_init_template_carries_type_and_owner(tmp_path: Path) -> None:
    from prioritizer.template import write_template

    write_template(tmp_path / "t")
    header = (tmp_path / "t" / "initiatives.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "pillar,type,owner," in header
    notes = (tmp_path / "t" / "COLUMNS.md").read_text(encoding="utf-8")
    assert (
        "| type | text | kind of initiative" in notes and "| owner | text | who delivers" in notes
    )
    sc = px.load_scenario(tmp_path / "t" / "scenario.yaml")
    item = sc.initiatives[0]
    assert (item.type, item.owner) == ("process", "Head of Complaints")
