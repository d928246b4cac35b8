"""Second review of explain and the roadmap's "not yet" tables.

1. The NPV an explanation quotes is the real change of the re-solve (re-plan), for an
   initiative in as well as out, never the blended-score margin converted to currency; a
   roadmap initiative out names what joins with it.
2. What blocks an initiative beside the plan names a logical rule (a prerequisite not in the
   plan, an alternative in it) before any limit; the best start ignores the limits but not the
   prerequisites; the deck prices what it does not fund at that start.
3. A pinned start before a prerequisite can finish is said as such.

Every number is re-derived here by forcing the initiative to the other side and re-solving.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SCENARIOS

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.report.story import not_funded_table
from prioritizer.roadmap import Roadmap, plan_roadmap
from prioritizer.roadmap.explain import explain_roadmap


def _data() -> dict[str, Any]:
    """Four quarters, no discounting, blended 50/50. P (a platform, 2 quarters, NPV < 0)
    enables N (the most NPV); C removes customer effort at a loss; M and M2 are alternatives
    (group ``m``). Q1 spend is at most 200: C and M (100 each) fill it, so N added at its
    first start would break Q1's spend before its dependency on P."""
    return {
        "name": "review2",
        "budget": 260,
        "horizon_years": 2,
        "discount_rate": 0.0,
        "periods": ["2027Q1", "2027Q2", "2027Q3", "2027Q4"],
        "period_length_months": 3,
        "period_budgets": [200, 200, 200, 200],
        "segments": {"all_": {"customers": 1000, "ltv": 100}},
        "objective": {"mode": "blended", "weights": {"business": 0.5, "customer": 0.5}},
        "initiatives": [
            {"id": "P", "pillar": "ease", "cost": 200, "cost_savings": 40, "duration": 2},
            {
                "id": "N",
                "pillar": "trust",
                "cost": 50,
                "cost_savings": 400,
                "duration": 1,
                "depends_on": "P",
            },
            {
                "id": "C",
                "pillar": "empathy",
                "cost": 100,
                "voc_volume": 1000,
                "ces_delta": 1,
                "duration": 1,
            },
            {
                "id": "M",
                "pillar": "ease",
                "cost": 100,
                "cost_savings": 150,
                "duration": 1,
                "exclusive_group": "m",
            },
            {
                "id": "M2",
                "pillar": "ease",
                "cost": 100,
                "cost_savings": 140,
                "duration": 1,
                "exclusive_group": "m",
            },
        ],
    }


@pytest.fixture(scope="module")
def small() -> px.Scenario:
    return px.scenario_from_mapping(_data())


@pytest.fixture(scope="module")
def plan(small: px.Scenario) -> Roadmap:
    roadmap = plan_roadmap(small)
    assert roadmap.selected == ["C", "M"]  # the case the tests are about
    return roadmap


def _value_at(roadmap: Roadmap, ident: str, start: str) -> float:
    columns = roadmap.columns
    row = columns[(columns["id"] == ident) & (columns["start"] == start)]
    return float(row["business_value"].iat[0])


# -- 1. the real NPV change, in or out ---------------------------------------------------------
def test_portfolio_explain_quotes_the_real_npv_change_of_dropping_a_chosen_one() -> None:
    """The bank's complaint hub is chosen for its customer value: forcing it out raises the
    NPV (re-solved here); payment reminders' leaving lowers it. Neither sentence converts the
    score margin into "about EUR … of NPV"."""
    bank = px.load_scenario(SCENARIOS / "retail_bank" / "scenario.yaml")
    base = px.optimize(bank)
    sentences = px.explain(bank, ["COMPLAINT-HUB", "PAY-REMINDERS"], base=base).sentences()
    for ident in ("COMPLAINT-HUB", "PAY-REMINDERS"):
        assert ident in base.selected
        change = px.optimize(bank.with_overrides(force_out=[ident])).business_value
        change -= base.business_value
        words = (
            f"the NPV would rise by EUR {change:,.0f}: it is chosen for its customer value"
            if change > 0
            else f"the NPV would fall by EUR {-change:,.0f}"
        )
        assert words in sentences[ident], sentences[ident]
        assert "of NPV" not in sentences[ident]
    assert "would rise" in sentences["COMPLAINT-HUB"]  # the case the review found


def test_roadmap_explain_quotes_the_real_npv_change_and_who_joins(
    small: px.Scenario, plan: Roadmap
) -> None:
    """C in: without it the NPV rises (re-planned here). N out: forced in, P joins with it;
    the NPV change is the re-plan's, not the score margin in currency."""
    result = explain_roadmap(small, ["C", "N"], roadmap=plan, workers=1)
    sentences = result.sentences()
    without_c = plan_roadmap(small.with_overrides(force_out=["C"]))
    rise = without_c.business_value - plan.business_value
    assert rise > 0
    assert (
        f"the NPV would rise by EUR {rise:,.0f}: it is chosen for its customer value"
        in (sentences["C"])
    )
    with_n = plan_roadmap(small.with_overrides(force_in=["N"]))
    change = with_n.business_value - plan.business_value
    words = (
        f"while the NPV rises by EUR {change:,.0f}"
        if change > 0
        else f"and the NPV by EUR {-change:,.0f}"
    )
    assert words in sentences["N"], sentences["N"]
    assert "P" in with_n.selected and "together with P," in sentences["N"], sentences["N"]
    items = {e.id: e for e in result.items}
    assert items["N"].joins == ["P"]
    assert items["C"].npv_change == pytest.approx(rise)
    assert not any("of NPV)" in s for s in sentences.values())


# -- 2. logical blockers first, best starts after prerequisites, the deck's price ------------
def test_blocked_by_names_a_missing_prerequisite_or_a_chosen_alternative_first(
    small: px.Scenario, plan: Roadmap
) -> None:
    """N at 2027Q1 breaks Q1's spend, but more Q1 money would not bring it in: P is not in
    the plan. M2 is out because its alternative M is in, not for the budget."""
    delay = plan.cost_of_delay()
    assert delay.loc["N", "blocked_by"] == "its prerequisite P, which is not in the plan"
    assert delay.loc["M2", "blocked_by"].startswith("its alternative M, in the plan")
    assert delay.loc["P", "blocked_by"].startswith("budget")  # a limit when nothing logical
    sentence = explain_roadmap(small, "N", roadmap=plan, workers=1).sentences()["N"]
    assert "blocked by its prerequisite P, which is not in the plan" in sentence
    assert "spend in 2027Q1" not in sentence


def test_best_start_waits_for_the_prerequisites(small: px.Scenario, plan: Roadmap) -> None:
    """P takes 2 quarters from 2027Q1 at the earliest: N's best start without limits is
    2027Q3 (its value falls with delay), out of the plan or in it."""
    delay = plan.cost_of_delay()
    assert delay.loc["N", "best_start"] == "2027Q3"
    assert delay.loc["N", "best_start_value"] == pytest.approx(_value_at(plan, "N", "2027Q3"))
    assert delay.loc["C", "best_start"] == "2027Q1"
    forced = plan_roadmap(small.with_overrides(force_in=["N"]))
    assert forced.cost_of_delay().loc["N", "best_start"] == "2027Q3"


def test_the_deck_prices_what_it_does_not_fund_after_its_prerequisites(
    small: px.Scenario, plan: Roadmap
) -> None:
    """N's NPV on the "What we do not fund" slide is its value at 2027Q3 (P first), and the
    slide says it needs P, with P's NPV; with explain, the reasons name P and M."""
    base = plan.as_result()
    table = not_funded_table(base, {})
    cells = {row.numbers["id"]: row.cells for row in table.rows}
    n_value = _value_at(plan, "N", "2027Q3")
    assert cells["N"][1] == fmt.money(n_value, "EUR")
    assert n_value < _value_at(plan, "N", "2027Q1")
    p_value = _value_at(plan, "P", "2027Q1")
    assert any(
        f"N needs P (not funded, NPV {fmt.money(p_value, 'EUR')}) too" in n for n in table.notes
    )
    values = [row.numbers["business_value"] for row in table.rows]
    assert values == sorted(values, reverse=True)
    explained = explain_roadmap(small, ["N", "M2"], roadmap=plan, workers=1)
    reasons = {
        r.numbers["id"]: r.cells[3] for r in not_funded_table(base, {"explain": explained}).rows
    }
    assert reasons["N"] == f"Needs P (not funded, NPV {fmt.money(p_value, 'EUR')})"
    assert reasons["M2"].startswith("Its alternative M, in the plan")


# -- 3. a pin before the prerequisite can finish -------------------------------------------
def test_a_pin_before_the_prerequisite_finishes_is_said_as_such(small: px.Scenario) -> None:
    with pytest.raises(px.InfeasibleError) as info:
        plan_roadmap(small, pins={"N": "2027Q1"})
    message = str(info.value)
    assert (
        "N is pinned to start in 2027Q1 but P, which it needs, takes 2 quarters and finishes "
        "in 2027Q2 at the earliest, so N cannot start before 2027Q3"
    ) in message, message
    assert "together they need" not in message


def test_a_left_out_initiative_is_valued_after_its_prerequisites_in_every_table() -> None:
    """``Roadmap.as_result`` (the deck's tables) values a left-out initiative where
    ``best_starts`` does: not before its prerequisites could finish (NBO-OFFERS needs
    CRM-UPGRADE, two quarters: 2027Q3, not its 2027Q1 value)."""
    from prioritizer.roadmap.delay import best_starts

    sc = px.load_scenario(SCENARIOS / "retail_bank_quarterly" / "scenario.yaml")
    roadmap = plan_roadmap(sc)
    scores = roadmap.as_result().scores
    best = best_starts(sc, roadmap.columns)
    left_out = [i for i in sc.ids if i not in set(roadmap.chosen["id"])]
    assert "NBO-OFFERS" in left_out and best.loc["NBO-OFFERS", "best_start"] == "2027Q3"
    for ident in left_out:
        assert scores.loc[ident, "business_value"] == pytest.approx(
            best.loc[ident, "best_start_value"], rel=1e-12
        )
    early = roadmap.columns[
        (roadmap.columns["id"] == "NBO-OFFERS") & (roadmap.columns["start"] == "2027Q1")
    ]
    assert scores.loc["NBO-OFFERS", "business_value"] < float(early["business_value"].iloc[0])
