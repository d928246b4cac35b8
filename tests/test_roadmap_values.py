"""The value of each start, worked out by hand from spec.md §5 and matched to the cent."""

from __future__ import annotations

from typing import Any

import pytest

import prioritizer as px
from prioritizer.roadmap import value_schedule


def hand_scenario(**overrides: Any) -> px.Scenario:
    data: dict[str, Any] = {
        "name": "hand-worked",
        "budget": 10_000,
        "horizon_years": 1,
        "discount_rate": 0.10,
        "periods": ["Q1", "Q2", "Q3", "Q4"],
        "period_length_months": 3,
        "segments": {"premium": {"customers": 1000, "ltv": 100}},
        "objective": {"mode": "business"},
        "initiatives": [
            {
                "id": "HUB",
                "segment": "premium",
                "churn_reduction_pp": 1.0,  # 10 retained × 100 = 1,000 per year
                "cross_sell": 200,
                "cost_savings": 800,  # gross 2,000 per year
                "opex": 400,
                "cost": 1200,
                "duration": 2,
                "ramp_up": 1,
                "voc_volume": 50,  # 500 affected × ces 2 = 1,000 points per year
                "ces_delta": 2,
            }
        ],
    }
    data.update(overrides)
    return px.scenario_from_mapping(data)


def d(p: int) -> float:
    """Discount factor of period p (0-based): 1.1^(−(p + 1)/4)."""
    return 1.1 ** (-(p + 1) / 4)


# m = 0.25 year, H/m = 4, E = 3 + 4 = 7. Work: 600 per period. Live yields m·(ramp·2000 − 400):
# first live period ramp 1/2 → 0.25·(1000 − 400) = 150; afterwards 0.25·(2000 − 400) = 400.
HAND = {
    # start Q1: work Q1, Q2; live p = 2..7
    0: -600 * (d(0) + d(1)) + 150 * d(2) + 400 * (d(3) + d(4) + d(5) + d(6) + d(7)),
    # start Q2: work Q2, Q3; live p = 3..7
    1: -600 * (d(1) + d(2)) + 150 * d(3) + 400 * (d(4) + d(5) + d(6) + d(7)),
    # start Q3: work Q3, Q4; live p = 4..7 (after the plan)
    2: -600 * (d(2) + d(3)) + 150 * d(4) + 400 * (d(5) + d(6) + d(7)),
}
# customer value: 1,000 × Σ m·ramp / H = 1,000 × 0.25 × (0.5 + live periods − 1)
HAND_CUSTOMER = {0: 1000 * 0.25 * 5.5, 1: 1000 * 0.25 * 4.5, 2: 1000 * 0.25 * 3.5}


def test_business_value_at_each_start_matches_hand_to_the_cent() -> None:
    table = px.start_values(hand_scenario()).set_index("start_index")
    assert list(table.index) == [0, 1, 2]  # a 2-quarter project must finish by Q4
    for start, value in HAND.items():
        assert round(table.loc[start, "business_value"], 2) == round(value, 2)
        assert table.loc[start, "customer_value"] == pytest.approx(HAND_CUSTOMER[start])
    # by hand with six-digit factors d0..d7 = .976454 .953463 .931012 .909091 .887686
    # .866784 .846375 .826446: −600 × 1.929917 + 150 × .931012 + 400 × 4.336382 = 716.25
    assert round(table.loc[0, "business_value"], 2) == 716.25
    assert table.loc[0, "go_live"] == "Q3" and table.loc[2, "go_live"] is None
    assert table.loc[1, "finish"] == "Q3"
    # the cost of a quarter's delay is visible in the table
    assert table.loc[0, "business_value"] - table.loc[1, "business_value"] == pytest.approx(
        HAND[0] - HAND[1]
    )


def test_terms_add_up_in_the_table_and_the_schedule() -> None:
    sc = hand_scenario()
    table = px.start_values(sc)
    for _, row in table.iterrows():
        assert row["business_value"] == pytest.approx(
            row["pv_benefit"] - row["pv_opex"] - row["pv_cost"]
        )
        schedule = value_schedule(sc, "HUB", int(row["start_index"]))
        assert schedule["present_value"].sum() == pytest.approx(row["business_value"])
        assert schedule["period"].iat[-1] == 7
        assert (schedule["phase"] == "work").sum() == 2


def test_full_ramp_for_h_years_keeps_the_v1_values() -> None:
    """Undiscounted, no ramp-up, one period: live H/m periods from the last period means
    the §2 customer value; business value at r = 0 counts every live period once."""
    one = hand_scenario(
        discount_rate=0.0,
        periods=["Q1"],
        initiatives=[
            {
                "id": "X",
                "segment": "premium",
                "cost_savings": 800,
                "opex": 100,
                "cost": 300,
                "voc_volume": 50,
                "ces_delta": 2,
            }
        ],
    )
    table = px.start_values(one)
    v1 = px.score_initiatives(one)
    assert table["customer_value"].iat[0] == pytest.approx(v1["customer_value"].iat[0])
    assert table["business_value"].iat[0] == pytest.approx(v1["business_value"].iat[0])


def test_blended_normalizers_use_the_best_allowed_start() -> None:
    sc = hand_scenario(
        objective={"mode": "blended", "weights": {"business": 0.5, "customer": 0.5}},
        initiatives=[
            {"id": "A", "cost": 100, "cost_savings": 1000, "earliest_start": "Q2"},
            {"id": "B", "cost": 100, "cost_savings": 500, "voc_volume": 10, "ces_delta": 1},
        ],
    )
    table = px.start_values(sc)
    s_b, s_c = table.attrs["normalizers"]
    best_a = table[(table["id"] == "A") & (table["start_index"] == 1)]["business_value"].iat[0]
    best_b = table[(table["id"] == "B") & (table["start_index"] == 0)]["business_value"].iat[0]
    assert s_b == pytest.approx(best_a + best_b)  # A's Q1 start is not allowed
    assert s_c == pytest.approx(table[table["id"] == "B"]["customer_value"].max())
