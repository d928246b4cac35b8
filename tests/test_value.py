"""The value model of spec.md §2 against numbers worked out by hand."""

from __future__ import annotations

import pytest

import prioritizer as px


def scenario(**over: object) -> px.Scenario:
    data: dict[str, object] = {
        "budget": 1e9,
        "horizon_years": 3,
        "discount_rate": 0.10,
        "complaint_rate": 0.10,
        "segments": {
            "premium": {"customers": 40000, "ltv": 5200},
            "mass": {"customers": 900000, "ltv": 310},
        },
        "objective": {
            "mode": "blended",
            "weights": {"business": 3, "customer": 1},
            "stage_weights": {"Complaint Handling": 1.5},
        },
        "initiatives": [
            {
                "id": "P",
                "segment": "premium",
                "journey_stage": "complaint handling",
                "voc_volume": 3000,
                "ces_delta": 0.8,
                "churn_reduction_pp": 0.5,
                "cross_sell": 100000,
                "cost_savings": 50000,
                "opex": 30000,
                "cost": 500000,
            },
            {
                "id": "A",
                "segment": "all",
                "journey_stage": "onboarding",
                "voc_volume": 5000,
                "ces_delta": 2,
                "churn_reduction_pp": 0.1,
                "cost": 100000,
            },
            {
                "id": "CAP",
                "segment": "premium",
                "voc_volume": 5000,
                "ces_delta": 1,
                "cost": 2000000,
            },
        ],
    }
    data.update(over)
    return px.scenario_from_mapping(data)


def test_annuity_factor_by_hand() -> None:
    # 1/1.1 + 1/1.21 + 1/1.331 = 0.9090909 + 0.8264463 + 0.7513148 = 2.4868520
    assert px.annuity_factor(3, 0.10) == pytest.approx(2.4868520, abs=1e-7)
    assert px.annuity_factor(3, 0.0) == 3.0
    assert px.annuity_factor(1, 0.08) == pytest.approx(1 / 1.08)


def test_business_value_terms_by_hand() -> None:
    row = px.score_initiatives(scenario()).loc["P"]
    # retained = 40,000 x 0.5 / 100 = 200 customers/yr; x 5,200 = 1,040,000 /yr
    assert row["retained_customers_per_year"] == pytest.approx(200)
    assert row["churn_value_per_year"] == pytest.approx(1_040_000)
    # annual benefit = 1,040,000 + 100,000 + 50,000 - 30,000 = 1,160,000
    assert row["annual_benefit"] == pytest.approx(1_160_000)
    # NPV = 2.4868520 x 1,160,000 - 500,000 = 2,384,748.3
    assert row["business_value"] == pytest.approx(2_384_748.3, abs=0.5)


def test_segment_all_uses_total_customers_and_weighted_ltv() -> None:
    row = px.score_initiatives(scenario()).loc["A"]
    # customers 940,000; ltv = (40,000 x 5,200 + 900,000 x 310) / 940,000 = 518.0851
    assert row["segment_customers"] == 940_000
    assert row["segment_ltv"] == pytest.approx(518.0851, abs=1e-4)
    # retained = 940 /yr; x 518.0851 = 487,000 /yr; NPV = 2.4868520 x 487,000 - 100,000
    assert row["churn_value_per_year"] == pytest.approx(487_000)
    assert row["business_value"] == pytest.approx(1_111_096.9, abs=0.5)


def test_customer_value_stage_weight_and_cap() -> None:
    table = px.score_initiatives(scenario())
    # P: affected = 3,000 / 0.10 = 30,000 (< 40,000); x 0.8 x 1.5 (stage weight, any case)
    assert table.loc["P", "affected_customers"] == pytest.approx(30_000)
    assert table.loc["P", "stage_weight"] == 1.5
    assert table.loc["P", "customer_value"] == pytest.approx(36_000)
    # A: onboarding has no weight -> 1.0; affected 50,000; x 2
    assert table.loc["A", "stage_weight"] == 1.0
    assert table.loc["A", "customer_value"] == pytest.approx(100_000)
    # CAP: 5,000 / 0.10 = 50,000 complaints-implied customers, capped at the segment's 40,000
    assert table.loc["CAP", "affected_customers"] == pytest.approx(40_000)


def test_blended_score_normalization_by_hand() -> None:
    table = px.score_initiatives(scenario())
    # CAP's NPV is -2,000,000 (no benefit): excluded from S_b, which sums positive values only
    s_b = 2_384_748.3 + 1_111_096.9
    s_c = 36_000 + 100_000 + 40_000
    # weights 3:1 normalize to 0.75 / 0.25
    expected = 0.75 * 2_384_748.3 / s_b + 0.25 * 36_000 / s_c
    assert table.loc["P", "blended_score"] == pytest.approx(expected, abs=1e-6)
    assert table.loc["P", "objective_score"] == table.loc["P", "blended_score"]


def test_zero_sums_count_as_one() -> None:
    sc = scenario(
        initiatives=[{"id": "X", "cost": 10}],
        objective={"mode": "blended"},
    )
    row = px.score_initiatives(sc).loc["X"]
    assert row["business_score"] == -10.0  # -10 / S_b where S_b = 0 counts as 1
    assert row["customer_score"] == 0.0


def test_objective_modes_pick_their_column() -> None:
    for mode, column in (("business", "business_value"), ("customer", "customer_value")):
        table = px.score_initiatives(scenario(objective={"mode": mode}))
        assert (table["objective_score"] == table[column]).all()


def test_value_table_is_indexed_by_id_in_input_order() -> None:
    table = px.score_initiatives(scenario())
    assert list(table.index) == ["P", "A", "CAP"]
    assert table.index.name == "id"
