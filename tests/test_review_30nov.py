"""Review findings of 30 November 2026 (a new user's runs), each with the behaviour it fixed."""

from __future__ import annotations

import math

from click.testing import CliRunner
from conftest import SCENARIOS

import prioritizer as px
from prioritizer.cli import cli


def test_solve_says_why_the_customer_value_is_below_the_initiatives_sum() -> None:
    """With evidence a customer counts once (README, "No double counting"): the total is below
    the sum of the chosen initiatives' own values, and the terminal says by how much."""
    path = SCENARIOS / "retail_bank" / "scenario_evidence.yaml"
    result = px.optimize(px.load_scenario(path).with_overrides(budget=2_400_000))
    summed = math.fsum(result.scores.loc[result.selected, "customer_value"].tolist())
    assert summed - result.customer_value > 1.0  # the case: some customers are reached twice
    out = CliRunner().invoke(cli, ["solve", str(path), "--budget", "2400000"])
    assert out.exit_code == 0, out.output
    assert f"the initiatives' own values sum to {summed:,.0f}" in out.stdout
    assert f"{summed - result.customer_value:,.0f} of that comes from customers" in out.stdout
    plain = CliRunner().invoke(cli, ["solve", str(SCENARIOS / "retail_bank" / "scenario.yaml")])
    assert "each customer counted once" not in plain.stdout  # no evidence: nothing to say


def test_explain_frame_carries_the_npv_change_its_sentence_quotes() -> None:
    from prioritizer.analysis.explain import explain

    bank = px.load_scenario(SCENARIOS / "retail_bank" / "scenario.yaml")
    result = explain(bank.with_overrides(budget=2_500_000), ["CHATBOT-BUY", "CRM-UPGRADE"])
    frame = result.to_frame()
    for item in result.items:
        change = frame.loc[item.id, "npv_change"]
        assert item.npv_change is not None and change == item.npv_change
        words = (
            f"the NPV by EUR {-change:,.0f}"
            if change <= 0
            else f"the NPV rises by EUR {change:,.0f}"
        )
        assert words in item.sentence("EUR"), item.sentence("EUR")
