"""One threshold of "full" for the one-lump pack and the roadmap (:data:`prioritizer.rules.FULL`),
stated with the share actually used; and the ask slide's "Uses … of the budget" line names the
money a roadmap's per-period budgets release when that is less than the total budget."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.periods import period_budgets
from prioritizer.report.asks import executive_summary
from prioritizer.report.story import risk_findings

ROOT = Path(__file__).resolve().parents[1]
RBQ = ROOT / "scenarios" / "retail_bank_quarterly" / "scenario.yaml"

YAML = """\
name: nearly full team
budget: 5000
discount_rate: 0.1
horizon_years: 3
complaint_rate: 0.1
segments: {s: {customers: 1000, ltv: 10}}
teams: {dev: 40.5}
objective: {mode: business}
initiatives: initiatives.csv
"""
CSV = """\
id,name,pillar,cost,cost_savings,effort_dev
A,Alpha platform,trust,400,800,20
B,Beta feature,ease,200,500,10
C,Gamma fix,empathy,295,900,10
"""


def test_a_team_at_98_8_percent_is_full_in_words_with_its_share(tmp_path: Path) -> None:
    """40 of 40.5 person-days (98.8%): full by the one threshold (98%), which the one-lump
    pack used to put at 99.5%; the ask and the risk line give the share used, not "every
    person-day" or "100%"."""
    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    result = px.optimize(px.load_scenario(tmp_path / "scenario.yaml"))
    assert sorted(result.selected) == ["A", "B", "C"]
    share = 40 / 40.5
    assert px.rules.FULL <= share < 0.995
    uses = " | ".join(f.text for f in executive_summary(result, {}).uses)
    assert f"Takes {fmt.share(share)} of the dev team's person-days" in uses
    risks = " | ".join(f.text for f in risk_findings(result, {}))
    assert f"dev ({fmt.share(share)} used) is at full capacity" in risks
    assert "100%" not in risks


def test_the_pack_and_the_roadmap_share_one_threshold_of_full() -> None:
    from prioritizer.report import story_facts
    from prioritizer.roadmap import findings

    assert story_facts.FULL is findings.FULL is px.rules.FULL


def test_ask_uses_line_names_the_money_the_quarters_release() -> None:
    """The quarterly bank at an €8M total: its quarters' budgets release less, and the ask
    says what the plan uses of that, with the share of it (computed here)."""
    sc = px.load_scenario(RBQ).with_overrides(budget=8e6)
    budgets = period_budgets(sc)
    assert budgets is not None
    released = math.fsum(budgets)
    assert released < 8e6
    result = px.plan_roadmap(sc).as_result()
    line = executive_summary(result, {}).uses[0]
    cur = sc.currency
    assert line.text.startswith(
        f"Uses {fmt.headline_money(result.cost, cur)} of the "
        f"{fmt.headline_money(released, cur)} the quarters' budgets release (the total budget "
        f"is {fmt.headline_money(8e6, cur)}; {fmt.share(result.cost / released)})"
    )
    assert line.numbers["budget_released"] == pytest.approx(released)
    # the one-lump answer of the same scenario keeps the plain line
    lump = executive_summary(px.optimize(sc), {}).uses[0]
    assert f"of the {fmt.headline_money(8e6, cur)} budget (" in lump.text
