"""Review 4 of the roadmap: per-period limits no start can meet, the wording of the cost of
delay, single-period plans, the optimizer's curse sign and the budget sweep's customer value."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.roadmap import plan_roadmap
from prioritizer.roadmap.explain import explain_roadmap

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _copy(tmp: Path, name: str) -> Path:
    target = tmp / name
    shutil.copytree(SCENARIOS / name, target)
    return target / "scenario.yaml"


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy(tmp_path_factory.mktemp("rb"), "retail_bank_quarterly")


@pytest.fixture(scope="module")
def bank_plan(bank: Path) -> Any:
    return plan_roadmap(px.load_scenario(bank))


# 1. an initiative that needs more per period than any period allows


def test_load_warns_when_per_period_effort_exceeds_every_period(bank: Path) -> None:
    warnings = [w for w in px.load_scenario(bank).warnings if w.code == "no-start-fits"]
    texts = [w.message for w in warnings if "CC-EMPATHY" in w.message]
    assert texts, [w.message for w in warnings]
    assert (
        "needs 300 contact centre person-days a quarter; the team has at most 250 in any quarter"
        in texts[0]
    )


def test_validate_counts_the_telecom_per_period_overrun(tmp_path: Path) -> None:
    path = _copy(tmp_path, "telecom_quarterly")
    out = CliRunner().invoke(cli, ["validate", str(path)])
    assert "warnings: 0" not in out.output, out.output
    assert "FCR-PROGRAMME can never be planned" in out.output
    assert "needs 380 care person-days a quarter" in out.output


def test_blocked_by_and_explain_name_the_per_period_limit(bank: Path, bank_plan: Any) -> None:
    delay = bank_plan.cost_of_delay()
    blocked = str(delay.loc["CC-EMPATHY", "blocked_by"])
    assert "contact centre team's capacity of at most 250 person-days a quarter" in blocked
    assert "opex" not in blocked
    sentence = (
        explain_roadmap(bank_plan.scenario, "CC-EMPATHY", roadmap=bank_plan, workers=1)
        .items[0]
        .sentence("EUR")
    )
    assert "contact centre team's capacity of at most 250" in sentence, sentence
    assert "opex" not in sentence


def test_a_budget_overrun_per_period_is_named_too(tmp_path: Path) -> None:
    from prioritizer.periods import overrun_text, start_overruns

    path = _copy(tmp_path, "retail_bank_quarterly")
    data = yaml.safe_load(path.read_text())
    data["period_budgets"] = 100000
    path.write_text(yaml.safe_dump(data))
    scenario = px.load_scenario(path)
    row = scenario.ids.index("KYC-REFRESH")  # EUR 450,000 over 2 quarters
    assert "needs EUR 225,000 a quarter" in overrun_text(scenario, row)
    assert "period budget of at most EUR 100,000" in start_overruns(scenario, row, 0)[0]


# 2. the cost of delay is the initiative's own NPV a period later, not a re-plan


def test_delay_wording_says_own_npv_the_rest_of_the_plan_unchanged(bank_plan: Any) -> None:
    from prioritizer.cli.roadmap import roadmap_text

    text = roadmap_text(bank_plan)
    assert "own NPV lost if 1 quarter later (EUR)" in text
    assert "NPV lost if 1 period later" not in text
    assert "the rest of the plan as it is" in text
    ident = "ONB-WELCOME"
    lost = float(bank_plan.cost_of_delay().loc[ident, "npv_lost_one_period_later"])
    sentence = (
        explain_roadmap(bank_plan.scenario, ident, roadmap=bank_plan, workers=1)
        .items[0]
        .sentence("EUR")
    )
    assert f"Its own NPV falls by EUR {lost:,.0f} if it starts a quarter later" in sentence
    assert "would cost" not in sentence


# 3. a single-period plan: a period later does not finish, never a negative loss


def test_single_period_plan_shows_no_negative_loss(tmp_path: Path) -> None:
    from prioritizer.cli.roadmap import roadmap_text

    path = _copy(tmp_path, "retail_bank_quarterly")
    data = yaml.safe_load(path.read_text())
    data.update(periods=["2027"], period_length_months=12, period_budgets=3000000, budget=3000000)
    data["period_teams"] = {team: 4 * days for team, days in data["period_teams"].items()}
    path.write_text(yaml.safe_dump(data))
    table = path.parent / "initiatives.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    frame["duration"] = "1"
    frame["ramp_up"] = "0"
    for column in ("deadline", "earliest_start"):
        frame[column] = frame[column].map(lambda v: "2027" if v else "")
    frame.to_csv(table, index=False)
    roadmap = plan_roadmap(px.load_scenario(path))
    delay = roadmap.cost_of_delay()
    chosen = delay[delay["chosen"]]
    assert "KYC-REFRESH" in chosen.index
    lost = chosen["npv_lost_one_period_later"].astype(float)
    assert not (lost < 0).any(), lost
    assert math.isnan(lost["KYC-REFRESH"])
    assert chosen.loc["KYC-REFRESH", "delay_note"] == (
        "a period later it would not finish inside the plan"
    )
    row = next(line for line in roadmap_text(roadmap).splitlines() if line.startswith("KYC-"))
    assert "— *" in row and "-345,081 *" not in row, row


# 4. the optimizer's curse is said with its sign


def test_curse_text_says_understates_when_negative() -> None:
    from prioritizer.analysis.montecarlo import curse_text

    assert curse_text(-168597.2, "EUR") == (
        "Optimizer's curse: the base case understates the mean NPV by EUR 168,597"
    )
    assert curse_text(5.0, "EUR").endswith("overstates the mean NPV by EUR 5")


def test_montecarlo_summaries_never_print_a_negative_overstatement(
    monkeypatch: pytest.MonkeyPatch, bank: Path
) -> None:
    from prioritizer.analysis.montecarlo import MonteCarlo
    from prioritizer.roadmap.montecarlo import RoadmapMonteCarlo

    monkeypatch.setattr(MonteCarlo, "optimizers_curse", property(lambda self: -1234.0))
    monkeypatch.setattr(RoadmapMonteCarlo, "optimizers_curse", property(lambda self: -1234.0))
    out = CliRunner().invoke(cli, ["montecarlo", str(bank), "--draws", "2"])
    assert out.exit_code == 0, out.output
    assert "understates the mean NPV by EUR 1,234" in out.output
    assert "by EUR -" not in out.output
    flat = SCENARIOS / "retail_bank" / "scenario.yaml"
    out = CliRunner().invoke(cli, ["montecarlo", str(flat), "--draws", "2"])
    assert out.exit_code == 0, out.output
    assert "understates the mean NPV by EUR 1,234" in out.output


# 5. the budget sweep's customer value in the roadmap's totals' terms


def test_budget_sweep_labels_customer_value_like_the_totals(bank: Path, bank_plan: Any) -> None:
    out = CliRunner().invoke(cli, ["roadmap", str(bank), "--budgets", "5.2e6"])
    assert out.exit_code == 0, out.output
    assert "customer value (points over the window)" in out.output
    assert "customer value (points a year at full rate)" in out.output
    assert f"{bank_plan.customer_value_full_rate:,.0f}" in out.output
    assert f"{bank_plan.customer_value_total:,.0f}" in out.output
    header = next(line for line in out.output.splitlines() if "budget" in line and "status" in line)
    assert " customer_value " not in f" {header} "
    data = CliRunner().invoke(cli, ["roadmap", str(bank), "--budgets", "5.2e6", "--format", "json"])
    point = __import__("json").loads(data.stdout)["points"][0]
    assert point["customer_value"] == pytest.approx(bank_plan.customer_value)
    assert point["customer_value_full_rate"] == pytest.approx(bank_plan.customer_value_full_rate)
