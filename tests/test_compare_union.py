"""`compare` of scenarios with different initiatives lines them up over the union of their
ids; roadmap scenarios are refused (the one-lump optimum would ignore their periods)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.analysis.compare import compare
from prioritizer.cli import cli

SCENARIOS = Path(__file__).parent.parent / "scenarios"


def test_compare_of_different_portfolios_keeps_every_initiative() -> None:
    bank = px.load_scenario(SCENARIOS / "retail_bank" / "scenario.yaml")
    telecom = px.load_scenario(SCENARIOS / "telecom" / "scenario.yaml")
    result = compare([bank, telecom], ["bank", "telecom"])
    table = result.initiatives()
    union = [*bank.ids, *(i for i in telecom.ids if i not in set(bank.ids))]
    assert list(table.index) == union and len(union) > len(bank.ids)
    picked = [set(r.selected) for r in result.results]
    for name, chosen in zip(result.names, picked, strict=True):
        assert set(table.index[table[name]]) == chosen
    # values from the first scenario that has the initiative
    bank_scores, telecom_scores = (r.scores for r in result.results)
    for ident in union:
        source = bank_scores if ident in bank_scores.index else telecom_scores
        assert table.loc[ident, "cost"] == source.loc[ident, "cost"]
    assert result.finding().numbers["differ"] == len(picked[0] ^ picked[1])
    assert result.finding().numbers["in_all"] == len(picked[0] & picked[1])


def test_compare_refuses_roadmaps() -> None:
    quarterly = px.load_scenario(SCENARIOS / "retail_bank_quarterly" / "scenario.yaml")
    with pytest.raises(ValueError, match="periods"):
        compare([quarterly])
    path = SCENARIOS / "retail_bank_quarterly" / "scenario.yaml"
    result = CliRunner().invoke(cli, ["compare", str(path)])
    assert result.exit_code == 2, result.output
    assert "periods" in result.output and "Traceback" not in result.output


def test_compare_prints_amounts_as_people_read_them() -> None:
    bank = px.load_scenario(SCENARIOS / "retail_bank" / "scenario.yaml")
    result = compare([bank.with_overrides(budget=b) for b in (2.4e6, 3e6)], ["low", "high"])
    text = result.summary()[0]
    npv = f"{result.results[0].business_value:,.0f}"
    assert "NPV (EUR)" in text and npv in text, text
    assert "NaN" not in text and "e+0" not in text and "business_value" not in text


def test_compare_refuses_scenarios_in_two_currencies(tmp_path: Path) -> None:
    bank = px.load_scenario(SCENARIOS / "retail_bank" / "scenario.yaml")
    in_dollars = bank.with_overrides(currency="USD", name="bank in USD")
    with pytest.raises(ValueError, match=r"one currency.*'bank in USD': USD"):
        compare([bank, in_dollars])
    source = (SCENARIOS / "retail_bank" / "scenario.yaml").read_text()
    usd = tmp_path / "usd.yaml"
    usd.write_text(
        source.replace("currency: EUR", "currency: USD").replace(
            "initiatives.csv", str(SCENARIOS / "retail_bank" / "initiatives.csv")
        )
    )
    path = SCENARIOS / "retail_bank" / "scenario.yaml"
    result = CliRunner().invoke(cli, ["compare", str(path), str(usd)])
    assert result.exit_code == 2, result.output
    assert "one currency" in result.output and "Traceback" not in result.output
