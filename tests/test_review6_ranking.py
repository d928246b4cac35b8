"""The spreadsheet ranking may break a rule (a minimum count it could not meet): at a budget
of 850,000 the retail bank's ranking funds no complaint-handling initiative and "reaches
104% of the optimum". Its finding, the command line's note and the what-if panel's card now
say which rule it breaks instead of a share above 100% as if it were a fair comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.analysis.ranking import compare_with_ranking
from prioritizer.cli import cli
from prioritizer.explore.html import kpi_html
from prioritizer.explore.state import Explorer

BANK = Path(__file__).parent.parent / "scenarios" / "retail_bank" / "scenario.yaml"
RULE = "at least 1 initiative(s) with journey_stage 'complaint handling'"


@pytest.fixture(scope="module")
def lean() -> px.Scenario:
    return px.load_scenario(BANK).with_overrides(budget=850_000)


def test_the_rankings_finding_names_the_rule_it_breaks(lean: px.Scenario) -> None:
    ranking = compare_with_ranking(lean)
    assert not ranking.feasible and ranking.broken == [RULE]
    assert ranking.share_of_optimum > 1  # what a spreadsheet would claim
    text = ranking.finding().text
    assert text.startswith(f"The spreadsheet ranking breaks a rule ({RULE})")
    assert "reached only by breaking it" in text
    assert ranking.to_dict()["ranking_breaks"] == [RULE]


def test_a_ranking_within_the_rules_reads_as_before() -> None:
    ranking = compare_with_ranking(px.load_scenario(BANK))
    assert ranking.feasible and ranking.broken == []
    assert ranking.finding().text.startswith("The spreadsheet ranking would deliver")


def test_the_command_line_and_the_panel_say_it(lean: px.Scenario) -> None:
    out = CliRunner().invoke(cli, ["solve", str(BANK), "--budget", "850000"])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.stdout.splitlines() if "Spreadsheet ranking" in x)
    assert f"the ranking's portfolio breaks a rule: {RULE}" in line
    outcome = Explorer(lean).refresh()
    assert outcome is not None
    card = outcome.kpis().loc["Ranking reaches"]
    assert card["text"] == "breaks a rule"
    page = kpi_html(outcome)
    start = page.index('data-kpi="Ranking reaches"')
    assert "breaks a rule" in page[start : start + 400]
    assert "base at least" not in page[start : start + 400]
