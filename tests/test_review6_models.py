"""`Scenario.with_overrides` as the command line reads the same what-if: a weight not given
keeps the scenario's (before: dropped, a pure-business answer from
``weights={"business": 0.5}``), one id given as a string is that id (before: one id per
letter), and an id forced both in and out, or a mandatory one forced out, is refused in the
words of the command line (before: "rules.excluded: ... both mandatory and excluded")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli

BANK = Path(__file__).parent.parent / "scenarios" / "retail_bank" / "scenario.yaml"


@pytest.fixture(scope="module")
def bank() -> px.Scenario:
    return px.load_scenario(BANK)


def test_a_weight_not_given_keeps_the_scenarios_as_on_the_command_line(
    bank: px.Scenario,
) -> None:
    changed = bank.with_overrides(weights={"business": 0.5})
    assert changed.objective.weights == {"business": 0.5, "customer": 0.3}
    assert changed.objective.business_weight == pytest.approx(0.625)
    api = px.optimize(changed)
    out = CliRunner().invoke(
        cli, ["solve", str(BANK), "--weights", "business=0.5", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    cli_result = json.loads(out.stdout)
    assert sorted(api.selected) == sorted(cli_result["selected"])
    assert api.business_value == pytest.approx(cli_result["business_value"])
    assert api.customer_value > 400_000  # not the pure-business answer (166,500)


def test_one_id_as_a_string_is_that_id(bank: px.Scenario) -> None:
    assert bank.with_overrides(force_in="chatbot-buy").forced_in == ("CHATBOT-BUY",)
    assert bank.with_overrides(force_out="ONB-DIGITAL").rules.excluded == ("ONB-DIGITAL",)


def test_contradictions_are_refused_in_the_command_lines_words(bank: px.Scenario) -> None:
    with pytest.raises(px.ScenarioError) as info:
        bank.with_overrides(force_in=["CHATBOT-BUY"], force_out="chatbot-buy")
    text = str(info.value)
    assert "force_in/force_out: CHATBOT-BUY is both forced in and forced out" in text
    assert "rules.excluded" not in text
    with pytest.raises(px.ScenarioError) as info:
        bank.with_overrides(force_out=["KYC-REFRESH"])
    assert "force_out: KYC-REFRESH is mandatory in the scenario" in str(info.value)


def test_two_identical_observations_do_not_claim_a_range_of_zero_width() -> None:
    """Before: range 0.92–0.92 from two equal ratios, while one observation got the pooled
    spread: two data points looked far more certain than one."""
    import math

    from prioritizer.tracking.calibrate import POOLED_SPREAD_WEIGHT, _blended_sd

    pooled = 0.1
    assert _blended_sd([0.92], pooled) == pytest.approx(pooled)
    two = _blended_sd([0.92, 0.92], pooled)
    weight = POOLED_SPREAD_WEIGHT
    assert two == pytest.approx(math.sqrt(weight * pooled**2 / (1 + weight)))
    assert two > 0.8 * pooled
    many = [0.9, 1.1] * 50  # 100 observations: their own spread
    own = math.sqrt(sum((v - 1.0) ** 2 for v in many) / 99)
    assert _blended_sd(many, pooled) == pytest.approx(own, rel=0.02)
    assert _blended_sd([0.92], None) is None
