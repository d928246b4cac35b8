"""`report` takes the roadmap's own overrides (`--start`, `--period-budget`): the pack
describes the plan `roadmap` gives with the same options, and the pins stay in the scenario
(`Scenario.pinned_starts`) so every re-plan keeps them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.cli import cli

ROOT = Path(__file__).resolve().parents[1]
RBQ = ROOT / "scenarios" / "retail_bank_quarterly" / "scenario.yaml"
BANK = ROOT / "scenarios" / "retail_bank" / "scenario.yaml"


def test_pins_kept_in_the_scenario_are_planned_and_carried() -> None:
    sc = px.load_scenario(RBQ)
    pinned = sc.with_overrides(pin_starts={"COMPLAINT-HUB": "2028Q1"})
    assert sc.pinned_starts == {} and pinned.pinned_starts == {"COMPLAINT-HUB": "2028Q1"}
    assert pinned.with_overrides(budget=6e6).pinned_starts == pinned.pinned_starts
    by_scenario = px.plan_roadmap(pinned)
    by_argument = px.plan_roadmap(sc, pins={"COMPLAINT-HUB": "2028Q1"})
    starts = by_scenario.chosen.set_index("id")["start"]
    assert starts["COMPLAINT-HUB"] == "2028Q1"
    assert by_scenario.business_value == pytest.approx(by_argument.business_value, rel=1e-12)
    assert by_scenario.business_value < px.plan_roadmap(sc).business_value


def test_report_plans_the_pinned_and_rebudgeted_roadmap(tmp_path: Path) -> None:
    args = ["--start", "COMPLAINT-HUB=2028Q1", "--period-budget", "2027Q1=300000"]
    out = tmp_path / "pack"
    result = CliRunner().invoke(cli, ["report", str(RBQ), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    sc = px.load_scenario(RBQ)
    budgets = list(sc.period_budgets or ())
    budgets[0] = 300000.0
    expected = px.plan_roadmap(
        sc.with_overrides(period_budgets=tuple(budgets)), pins={"COMPLAINT-HUB": "2028Q1"}
    )
    table = pd.read_csv(out / "tables" / "roadmap.csv").set_index("id")
    assert table.loc["COMPLAINT-HUB", "start"] == "2028Q1"
    chosen = expected.chosen.set_index("id")["start"]
    assert table.loc[table["chosen"], "start"].to_dict() == chosen.to_dict()
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert f"{fmt.headline_money(expected.business_value, sc.currency)} NPV" in summary


@pytest.mark.parametrize(
    "args", [["--start", "COMPLAINT-HUB=2027Q1"], ["--period-budget", "2027Q1=1"]]
)
def test_roadmap_overrides_on_a_scenario_without_periods_are_refused(
    tmp_path: Path, args: list[str]
) -> None:
    result = CliRunner().invoke(cli, ["report", str(BANK), "--out", str(tmp_path / "p"), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{args[0]}: " in result.stderr and "has no `periods`" in result.stderr
    assert not (tmp_path / "p").exists()


def test_approve_records_the_pinned_roadmap(tmp_path: Path) -> None:
    from prioritizer.tracking.register import open_register

    db = str(tmp_path / "r.sqlite")
    args = ["approve", str(RBQ), "--roadmap", "--start", "COMPLAINT-HUB=2028Q1", "--register", db]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    expected = px.plan_roadmap(px.load_scenario(RBQ), pins={"COMPLAINT-HUB": "2028Q1"})
    assert f"NPV {expected.business_value:,.0f}" in result.output
    plan = open_register(db).plan()
    assert {i.id: i.start for i in plan.initiatives}["COMPLAINT-HUB"] == "2028Q1"
    refused = CliRunner().invoke(cli, ["approve", str(RBQ), "--start", "X=2027Q1"])
    assert refused.exit_code == 2 and "give --roadmap with it" in refused.stderr
