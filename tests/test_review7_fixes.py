"""A code review of the day's changes: a panel open in a notebook follows ids typed in any
case (and survives a typo); yearly headers that mention months are not refused as monthly;
the plan's currency written as a sign or a word matches its code; a time zone after a date is
read; the ranking's finding without a share; a mandatory initiative cancelled in the actuals
refused in the actuals' words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.analysis.ranking import compare_with_ranking
from prioritizer.cli import cli
from prioritizer.explore.state import Explorer
from prioritizer.explore.widget import ExplorerWidget
from prioritizer.inputs.cells import Errors
from prioritizer.inputs.scale import declares_scale
from prioritizer.tracking.actuals import read_actuals
from prioritizer.tracking.periodic import read_dates

BANK = Path(__file__).parent.parent / "scenarios" / "retail_bank" / "scenario.yaml"


def test_an_open_panel_follows_ids_in_any_case_and_survives_a_typo() -> None:
    explorer = Explorer(px.load_scenario(BANK))
    widget = ExplorerWidget(explorer, background=False, charts=False, walk=False)
    out = explorer.update(force_in=["chatbot-buy"])
    assert out.result.status == "optimal"
    assert widget.force_in_picker.value == ("CHATBOT-BUY",)
    typo = explorer.update(force_in=["CHATBOT-BYU"])
    assert typo.result.status == "error" and "unknown initiative id 'CHATBOT-BYU'" in typo.message
    assert explorer.update(force_in=[], budget=2_400_000).result.status == "optimal"


@pytest.mark.parametrize(
    "header",
    [
        "Cost savings (EUR, 12 months)",
        "Opex (EUR/yr, 12 mths)",
        "Cost savings (EUR p.a., full year from day 1)",
        "Cost savings (EUR per year, annualised from monthly run-rate)",
        "VoC volume (last 12 months)",
    ],
)
def test_yearly_headers_that_mention_months_are_read(header: str) -> None:
    assert declares_scale(header, "cost_savings") is None


@pytest.mark.parametrize(
    "header", ["Cost savings (EUR/month)", "quarterly opex", "Savings per month"]
)
def test_monthly_headers_are_still_refused(header: str) -> None:
    assert declares_scale(header, "cost_savings")


@pytest.mark.parametrize(
    ("plan", "header"),
    [("$", "Spent (USD)"), ("Euro", "Spent (EUR)"), ("kr", "Spent (SEK)"), ("¥", "Spent (JPY)")],
)
def test_the_plans_currency_as_a_sign_or_word_matches_its_code(
    tmp_path: Path, plan: str, header: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f'id,status,"{header}"\nKYC-REFRESH,live,495000\n', encoding="utf-8")
    assert read_actuals(path, currency=plan).rows["KYC-REFRESH"].spent == 495000
    with pytest.raises(px.ScenarioError, match="convert them"):
        read_actuals(path, currency="GBP")


@pytest.mark.parametrize(
    "text", ["2027-03-31 00:00:00 UTC", "2027-03-31 09:30 GMT", "2027-03-31 09:30 UTC+2"]
)
def test_a_time_zone_after_a_date_is_read(text: str) -> None:
    errors = Errors("f", False)
    assert [str(d) for d in read_dates([text], [2], "go_live", errors)] == ["2027-03-31"]
    assert not errors.problems()


def test_the_rankings_finding_without_a_share() -> None:
    lean = px.load_scenario(BANK).with_overrides(budget=700_000, objective="business")
    text = compare_with_ranking(lean).finding().text
    assert "n/a" not in text and text.startswith("The spreadsheet ranking breaks a rule (")


def test_a_mandatory_initiative_cancelled_in_the_actuals(tmp_path: Path) -> None:
    actuals = tmp_path / "a.csv"
    actuals.write_text("id,status,spent\nACCESSIBILITY,cancelled,1000\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["solve", str(BANK), "--committed", str(actuals)])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "a.csv row 2, column 'status': ACCESSIBILITY is cancelled in the actuals" in out.stderr
    assert "forced out" not in out.stderr
