"""Second roadmap review: what the roadmap's totals count (1), the plan-wide limits it shows
(2), period labels that contradict ``period_length_months`` (3), roadmap columns filled
without ``periods`` (4), and the budget a roadmap with per-period budgets can release (5)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.cli import cli
from prioritizer.periods import period_budgets
from prioritizer.roadmap.findings import spend_finding

ROOT = Path(__file__).resolve().parents[1]
RBQ = ROOT / "scenarios" / "retail_bank_quarterly" / "scenario.yaml"

YAML = """\
name: tiny roadmap
budget: 5000
discount_rate: 0.1
horizon_years: 1
complaint_rate: 0.1
periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]
period_budgets: [300, 300, 200, 200]
segments: {s: {customers: 1000, ltv: 10}}
teams: {dev: 40}
period_teams: {dev: 20}
objective: {mode: business}
initiatives: initiatives.csv
"""
CSV = """\
id,name,pillar,cost,cost_savings,duration,ramp_up,effort_dev,voc_volume,ces_delta
A,Alpha platform,trust,400,800,2,1,20,30,1
B,Beta feature,ease,200,500,1,0,10,20,0.5
C,Gamma fix,empathy,295,900,1,0,10,10,1
D,Delta idea,ease,500,100,1,0,0,0,0
"""
COSTS = {"A": 400.0, "B": 200.0, "C": 295.0, "D": 500.0}
DURATION = {"A": 2, "B": 1, "C": 1, "D": 1}
RAMP_UP = {"A": 1, "B": 0, "C": 0, "D": 0}
PERIOD_BUDGETS = [300.0, 300.0, 200.0, 200.0]
LABELS = ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    return tmp_path / "scenario.yaml"


def _tiny_json(path: Path, *extra: str) -> dict:
    code, out, err = run("roadmap", str(path), "--start", "C=2027Q1", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


# -- 1. the totals say what they count -------------------------------------------------------
def _benefit_years(start: str, ident: str) -> float:
    """Years of full benefit from go-live to the end of the evaluation, by hand: 4 quarters
    of plan + 1 year (4 quarters) of horizon = periods 0..7; a quarter is 0.25 years;
    ramp(k) = min(1, (k + 1) / (ramp_up + 1))."""
    go_live = LABELS.index(start) + DURATION[ident]
    return sum(0.25 * min(1.0, (p - go_live + 1) / (RAMP_UP[ident] + 1)) for p in range(go_live, 8))


def test_roadmap_customer_value_is_labelled_as_a_total_over_its_window(tiny: Path) -> None:
    data = _tiny_json(tiny)
    yearly = px.score_initiatives(px.load_scenario(tiny))["customer_value"]  # one-lump, §2
    plan = {entry["id"]: entry["start"] for entry in data["plan"]}
    total = sum(yearly[i] * _benefit_years(start, i) for i, start in plan.items())
    full_rate = sum(yearly[i] for i in plan)
    assert data["customer_value_total"] == pytest.approx(total)
    assert data["customer_value_full_rate"] == pytest.approx(full_rate)
    # the §5 field is that total divided by the horizon (1 year here): not a yearly rate
    assert data["customer_value"] == pytest.approx(total / 1.0)
    window = data["value_window"]
    assert (window["first"], window["last"], window["years"]) == ("2027Q1", "2028Q4", 2.0)

    code, text, err = run("roadmap", str(tiny), "--start", "C=2027Q1")
    assert code == 0, err
    assert "a year, averaged over" not in text  # the old, wrong label
    assert (
        f"{total:,.0f} effort points removed over 2027Q1–2028Q4 (the plan and the 1 year after "
        "it)" in text
    )
    assert f"{full_rate:,.0f} effort points a year once all {len(plan)} are live" in text
    assert "discounted to the start of 2027Q1" in text
    assert "Not comparable with `prioritizer solve`" in text
    # per row: the points over the window, not the total divided by the horizon
    header = next(line for line in text.splitlines() if line.startswith("id ") and "NPV" in line)
    assert "customer value (points)" in header
    row_c = next(line for line in text.splitlines() if line.startswith("C "))
    assert f"{yearly['C'] * _benefit_years('2027Q1', 'C'):,.0f}" in row_c

    frame = px.plan_roadmap(px.load_scenario(tiny), pins={"C": "2027Q1"}).to_frame()
    assert frame.loc["C", "customer_value_total"] == pytest.approx(
        yearly["C"] * _benefit_years("2027Q1", "C")
    )
    assert frame.loc["D", "customer_value_full"] == pytest.approx(yearly["D"])


# -- 2. the plan-wide limits are shown ---------------------------------------------------------
def test_roadmap_shows_the_plan_wide_limits_that_bind() -> None:
    """The reviewer's case: --team digital=900 (plan-wide) on the quarterly bank; the
    by-period table never reaches a period's 450 days, but the plan-wide 900 is used up."""
    args = ("roadmap", str(RBQ), "--team", "digital=900")
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    limits = {row["limit"]: row for row in data["limits"]}
    table = pd.read_csv(RBQ.parent / "initiatives.csv").set_index("id")
    chosen = [entry["id"] for entry in data["plan"]]
    digital = float(table.loc[chosen, "effort_digital"].sum())
    opex = float(table.loc[chosen, "opex"].sum())
    assert limits["team:digital"]["used"] == pytest.approx(digital) == pytest.approx(900)
    assert limits["team:digital"]["available"] == 900 and limits["team:digital"]["binding"]
    assert limits["opex_budget"]["used"] == pytest.approx(opex)
    assert limits["opex_budget"]["available"] == 600_000
    assert max(row["digital_use"] for row in data["by_period"]) < 450  # no period is full

    code, text, err = run(*args)
    assert code == 0, err
    block = text.split("Limits over the plan", 1)[1].split("Totals", 1)[0]
    assert re.search(
        r"Digital team \(plan total\)\s+900 person-days of 900 person-days \(100%\)  binding",
        block,
    )
    assert re.search(
        rf"Running-cost budget\s+EUR {opex:,.0f} a year of EUR 600,000 a year \(\d+%\)", block
    )
    assert "Budget (total)" in block
    command = cli.get_command(click.Context(cli), "roadmap")
    assert command is not None
    helps = {p.name: getattr(p, "help", "") or "" for p in command.params}
    assert "over the whole plan" in helps["teams"] and "over the whole plan" in helps["budget"]


# -- 3. period labels against period_length_months ---------------------------------------------
@pytest.mark.parametrize(
    ("periods", "length", "warned"),
    [
        ("[2027-01, 2027-02, 2027-03, 2027-04]", None, "read as months"),  # default 3
        ("[2027Q1, 2027Q2, 2027Q3, 2027Q4]", 1, "read as quarters"),
        ("[2027H1, 2027H2]", 3, "read as half-years"),
        ("[2027, 2028]", 6, "read as years"),
        ("[2027Q1, 2027Q2, 2027Q3, 2027Q4]", 3, None),
        ("[2027-01, 2027-02, 2027-03, 2027-04]", 1, None),
        ("[Sprint 1, Sprint 2, Sprint 3, Sprint 4]", 1, None),  # no calendar form
        ("[P1, P2, P3, P4]", None, None),
    ],
)
def test_period_labels_that_contradict_the_period_length_are_a_warning(
    tiny: Path, periods: str, length: int | None, warned: str | None
) -> None:
    yaml = YAML.replace("[2027Q1, 2027Q2, 2027Q3, 2027Q4]", periods)
    yaml = yaml.replace("period_budgets: [300, 300, 200, 200]\n", "")
    yaml = yaml.replace("period_teams: {dev: 20}\n", "")
    if length is not None:
        yaml = yaml.replace("horizon_years: 1", f"horizon_years: 1\nperiod_length_months: {length}")
    tiny.write_text(yaml, encoding="utf-8")
    sc = px.load_scenario(tiny)
    found = [w for w in sc.warnings if w.code == "period-length"]
    if warned is None:
        assert not found
        return
    assert len(found) == 1 and warned in found[0].message
    assert found[0].where.endswith("key period_length_months")
    assert "write period_length_months:" in found[0].message
    code, _, err = run("validate", "--strict", str(tiny))
    assert code == 2 and "period_length_months" in err


# -- 4. roadmap columns without periods ---------------------------------------------------------
def test_roadmap_columns_without_periods_are_a_warning(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "t"))[0] == 0
    scenario = tmp_path / "t" / "scenario.yaml"
    assert not [w for w in px.load_scenario(scenario).warnings]  # the template is clean
    assert run("validate", "--strict", str(scenario))[0] == 0
    table = tmp_path / "t" / "initiatives.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    assert (frame[["duration", "earliest_start", "deadline", "ramp_up"]] == "").all().all()
    frame.loc[0, "deadline"] = "yesterday"
    frame.loc[1, "earliest_start"] = "after summer"
    frame.to_csv(table, index=False)
    found = [w for w in px.load_scenario(scenario).warnings]
    assert [w.code for w in found] == ["roadmap-columns-ignored"]
    message = found[0].message
    ids = frame["id"].tolist()
    assert f"earliest_start for {ids[1]}" in message and f"deadline for {ids[0]}" in message
    assert "`prioritizer roadmap`" in message and "`periods`" in message
    assert "'earliest_start', 'deadline'" in found[0].where
    code, _, err = run("validate", "--strict", str(scenario))
    assert code == 2 and "roadmap columns are filled" in err
    # a duration other than 1 counts too; with `periods` the columns are read: no warning
    frame.loc[:, ["earliest_start", "deadline"]] = ""
    frame.loc[2, "duration"] = "2"
    frame.to_csv(table, index=False)
    found = [w for w in px.load_scenario(scenario).warnings]
    assert [w.code for w in found] == ["roadmap-columns-ignored"]
    assert f"duration for {ids[2]}" in found[0].message
    scenario.write_text(
        scenario.read_text() + "periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]\n", encoding="utf-8"
    )
    assert not [w for w in px.load_scenario(scenario).warnings if "roadmap" in w.code]


# -- 5. the budget a roadmap can release ---------------------------------------------------------
def test_released_budget_is_capped_by_the_period_budgets(tiny: Path) -> None:
    from prioritizer.report.asks import budget_ask

    sc = px.load_scenario(tiny)
    roadmap = px.plan_roadmap(sc, pins={"C": "2027Q1"})
    cost = sum(COSTS[i] for i in roadmap.selected)
    released = min(5000.0, sum(PERIOD_BUDGETS))
    assert released - cost > 0.01 * released  # something to release
    assert roadmap.budget_released() == released
    ask = budget_ask(roadmap.as_result())
    assert ask is not None
    assert ask.numbers["unused_budget"] == pytest.approx(released - cost)
    assert ask.text.startswith(f"Release {px.formatting.money(released - cost, 'EUR')} ")
    assert "budgets add up to only" in ask.text
    # a one-lump result of the same scenario ignores the periods: the whole budget is free
    lump = px.optimize(sc)
    one_lump = budget_ask(lump)
    assert one_lump is not None
    assert one_lump.numbers["unused_budget"] == pytest.approx(5000.0 - lump.cost)

    data = _tiny_json(tiny)
    assert data["budget_released"] == released and data["budget"] == 5000
    code, text, err = run("roadmap", str(tiny), "--start", "C=2027Q1")
    assert code == 0, err
    assert (
        f"the quarters' budgets add up to only EUR {released:,.0f}, so at most "
        f"EUR {released - cost:,.0f} more could be spent" in text
    )


@pytest.mark.parametrize("last_budget", [200, 0])
def test_table_stars_the_periods_the_spend_chart_calls_full(tiny: Path, last_budget: int) -> None:
    """C (295) pinned to 2027Q1 fills 98% of its 300: the chart's title says the budget is
    filled there, so the table must star it too (one definition of full); a period's budget
    of 0 is full for both."""
    from prioritizer.roadmap import findings

    budgets = (300.0, 300.0, 200.0, float(last_budget))
    sc = px.load_scenario(tiny).with_overrides(period_budgets=budgets)
    roadmap = px.plan_roadmap(sc, pins={"C": "2027Q1"})
    by_period = roadmap.by_period()
    full = findings.spend_finding(roadmap).numbers["full"].split(";")
    assert "2027Q1" in full and by_period.loc["2027Q1", "spend"] == pytest.approx(295)
    assert ("2027Q4" in full) == (last_budget == 0 or by_period.loc["2027Q4", "spend"] >= 196)
    code, text, err = run(
        "roadmap", str(tiny), "--start", "C=2027Q1", "--period-budget", f"2027Q4={last_budget}"
    )
    assert code == 0, err
    rows = {line.split()[0]: line for line in text.splitlines() if line[:6] in LABELS}
    starred = [
        label
        for label in LABELS
        if f"{by_period.loc[label, 'spend']:,.0f}/{by_period.loc[label, 'spend_limit']:,.0f} *"
        in rows[label]
    ]
    assert starred == full
    assert f"* full: {findings.FULL:.0%} or more" in text


def test_spend_finding_shares_the_money_the_total_budget_lets_out() -> None:
    """With a total budget below the per-period budgets' sum, "the money released" is the
    total budget: the share used is the spend over it, computed here."""
    sc = px.load_scenario(RBQ)
    budgets = period_budgets(sc)
    assert budgets is not None
    tight = sc.with_overrides(budget=0.8 * math.fsum(budgets))
    roadmap = px.plan_roadmap(tight)
    finding = spend_finding(roadmap)
    spend = math.fsum(roadmap.chosen["cost"])
    assert finding.numbers["share_used"] == pytest.approx(spend / tight.budget, rel=1e-12)
    assert fmt.share(spend / tight.budget) in finding.text


def test_a_start_pinned_for_an_initiative_forced_out_is_refused() -> None:
    """Before: the contradiction went to the solver and came back as a diagnosis about
    2027Q1 spend. Now it is refused up front, naming the option as typed."""
    result = CliRunner().invoke(
        cli,
        ["roadmap", str(RBQ), "--start", "app-personal=2027Q3", "--force-out", "APP-PERSONAL"],
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--start app-personal=2027Q3: APP-PERSONAL is kept out of the plan" in result.stderr
