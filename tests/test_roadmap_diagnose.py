"""Infeasible roadmaps are diagnosed in business words, with a minimal conflict."""

from __future__ import annotations

from typing import Any

import pytest

import prioritizer as px

BASE: dict[str, Any] = {
    "budget": 10_000,
    "periods": ["2027Q1", "2027Q2", "2027Q3", "2027Q4"],
    "segments": {"s": {"customers": 100, "ltv": 10}},
    "period_budgets": [300, 300, 300, 300],
}


def diagnose(rows: list[dict[str, Any]], **extra: Any) -> px.InfeasibleError:
    sc = px.scenario_from_mapping({**BASE, **extra, "initiatives": rows})
    with pytest.raises(px.InfeasibleError) as info:
        px.plan_roadmap(sc)
    return info.value


def test_deadline_no_start_can_meet() -> None:
    error = diagnose(
        [
            {
                "id": "COMPLAINT-HUB",
                "cost": 300,
                "duration": 3,
                "deadline": "2027Q1",
                "earliest_start": "2027Q1",
                "mandatory": True,
            },
            {"id": "OTHER", "cost": 10, "cost_savings": 50},
        ]
    )
    assert (
        "COMPLAINT-HUB must be live by 2027Q2 but needs 3 quarters and may not start before "
        "2027Q1" in str(error)
    )
    assert sorted(error.conflict) == ["deadline[COMPLAINT-HUB]", "mandatory[COMPLAINT-HUB]"]


def test_dependency_chain_longer_than_the_plan() -> None:
    error = diagnose(
        [
            {"id": "A", "cost": 100, "duration": 2},
            {"id": "B", "cost": 100, "duration": 3, "depends_on": "A", "mandatory": True},
        ]
    )
    assert "B may start only after A has finished: together they need 5 quarters" in str(error)
    assert set(error.conflict) == {"requires[B<-A]", "mandatory[B]"}


def test_quarter_over_committed_by_mandatory_work() -> None:
    error = diagnose(
        [
            {"id": "KYC", "cost": 800, "duration": 2, "mandatory": True, "deadline": "2027Q2"},
            {"id": "X", "cost": 10, "cost_savings": 100},
        ]
    )
    text = str(error)
    assert "KYC is mandatory (EUR 800 over 2 quarters (EUR 400 per quarter))" in text
    assert "and must be live by 2027Q3" in text
    assert any(key.startswith("period_budget[") for key in error.conflict)


def test_pinned_start_too_late_for_the_deadline() -> None:
    sc = px.scenario_from_mapping(
        {**BASE, "initiatives": [{"id": "A", "cost": 10, "duration": 2, "deadline": "2027Q3"}]}
    )
    with pytest.raises(px.InfeasibleError) as info:
        px.plan_roadmap(sc, pins={"A": "2027Q3"})
    assert "A must be live by 2027Q4 but needs 2 quarters and is pinned to start in 2027Q3" in str(
        info.value
    )


def test_a_forced_in_initiative_is_said_to_be_forced_in() -> None:
    sc = px.scenario_from_mapping(
        {
            **BASE,
            "initiatives": [
                {"id": "KYC", "cost": 800, "duration": 2, "deadline": "2027Q2"},
                {"id": "X", "cost": 10, "cost_savings": 100},
            ],
        }
    ).with_overrides(force_in=["KYC"])
    with pytest.raises(px.InfeasibleError) as info:
        px.plan_roadmap(sc)
    text = str(info.value)
    assert "KYC is forced in by the what-if (EUR 800 over 2 quarters (EUR 400 per quarter))" in text
    assert "KYC is mandatory" not in text
