"""Per-period actuals: burn per period against a roadmap plan's spend, hand-worked sums, and
located errors for unknown or repeated periods."""

from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.roadmap import plan_roadmap
from prioritizer.tracking import Actuals, Plan, read_actuals, track
from prioritizer.tracking.calendar import calendar_span, period_of


def roadmap_dict() -> dict[str, Any]:
    """Four quarters. A: cost 100 over 2 quarters; B: cost 90 over 3 quarters.

    Pinned A at 2027Q1 and B at 2027Q2, the plan spends (cost ÷ duration per work quarter):
    Q1 50, Q2 50 + 30 = 80, Q3 30, Q4 30; cumulated 50, 130, 160, 190.
    """
    return {
        "name": "quarters",
        "budget": 1000,
        "horizon_years": 1,
        "periods": ["2027Q1", "2027Q2", "2027Q3", "2027Q4"],
        "period_length_months": 3,
        "segments": {"all_": {"customers": 1000, "ltv": 100}},
        "teams": {"dev": 100},
        "objective": {"mode": "business"},
        "initiatives": [
            {
                "id": "A",
                "pillar": "ease",
                "cost": 100,
                "cost_savings": 400,
                "duration": 2,
                "effort_dev": 10,
            },
            {
                "id": "B",
                "pillar": "trust",
                "cost": 90,
                "cost_savings": 300,
                "duration": 3,
                "effort_dev": 10,
            },
        ],
    }


@pytest.fixture(scope="module")
def plan() -> Plan:
    scenario = px.scenario_from_mapping(roadmap_dict())
    roadmap = plan_roadmap(scenario, pins={"A": "2027Q1", "B": "2027Q2"})
    return Plan.from_roadmap(roadmap)


# A: Q1 40, Q2 70 (live from 2027-07-01, savings measured); B: Q2 20, Q3 45 (in progress).
# Reported to Q3: spent 40, 90, 45; cumulated 40, 130, 175; against 50, 80, 30 planned.
LABELS_CSV = (
    "id,quarter,status,spent,go_live,cost_savings\n"
    "A,2027Q1,in_progress,40,,\n"
    "A,2027q2,live,70,2027-06-30,300\n"
    "B,2027Q2,in_progress,20,,\n"
    "B,2027Q3,in_progress,45,,\n"
)
# the same spend by month-end dates (A's Q1 in two months)
DATES_CSV = (
    "id,period,status,spent,go_live,cost_savings\n"
    "A,2027-06-30,live,70,2027-06-30,300\n"
    "A,2027-01-31,in_progress,15,,\n"
    "A,2027-03-31,in_progress,25,,\n"
    "B,2027-05-31,in_progress,20,,\n"
    "B,2027-09-30,in_progress,45,,\n"
)


def write(tmp_path: Path, text: str, name: str = "actuals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_spend_per_period_hand_worked(plan: Plan) -> None:
    assert plan.periods == ("2027Q1", "2027Q2", "2027Q3", "2027Q4")
    assert [(i.id, i.start, i.duration) for i in plan.initiatives] == [
        ("A", "2027Q1", 2),
        ("B", "2027Q2", 3),
    ]
    assert plan.planned_spend() == {"2027Q1": 50, "2027Q2": 80, "2027Q3": 30, "2027Q4": 30}
    back = Plan.from_dict(json.loads(json.dumps(plan.to_dict())))
    assert back.planned_spend() == plan.planned_spend()


@pytest.mark.parametrize("text", [LABELS_CSV, DATES_CSV], ids=["labels", "dates"])
def test_burn_per_period_hand_worked(plan: Plan, tmp_path: Path, text: str) -> None:
    result = track(plan, write(tmp_path, text), as_of=_dt.date(2027, 9, 30))
    frame = result.by_period
    assert list(frame.index) == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert frame["planned_spend"].tolist() == [50, 80, 30, 30]
    assert frame["spent"].tolist()[:3] == [40, 90, 45] and math.isnan(frame["spent"].iloc[3])
    assert frame["variance"].tolist()[:3] == [-10, 10, 15]
    assert frame["cumulative_planned"].tolist() == [50, 130, 160, 190]
    assert frame["cumulative_spent"].tolist()[:3] == [40, 130, 175]
    assert frame["cumulative_variance"].tolist()[:3] == [-10, 0, 15]
    # per initiative: spend to date is the sum; status and measured values of the latest period
    a, b = result.initiatives.loc["A"], result.initiatives.loc["B"]
    assert (a["status"], a["spent"], a["cost_savings_actual"]) == ("live", 110, 300)
    assert a["go_live"] == _dt.date(2027, 6, 30)
    assert (b["status"], b["spent"]) == ("in_progress", 65)
    assert result.totals["spent"] == 175
    assert result.totals["period_reported"] == "2027Q3"
    assert result.totals["planned_to_date"] == 160
    finding = result.chart_finding("periods")
    assert finding.text == "€175 spent by 2027Q3, 109% of the €160 the roadmap planned by then"
    assert finding.numbers["share"] == pytest.approx(175 / 160)
    ax = result.plot(kind="periods")
    assert [t.get_text() for t in ax.get_xticklabels()] == list(frame.index)
    records = result.to_dict()["by_period"]
    assert [r["period"] for r in records] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert records[3]["spent"] is None and records[2]["cumulative_spent"] == 175


def test_per_period_actuals_without_a_roadmap_plan(tmp_path: Path) -> None:
    data = roadmap_dict()
    del data["periods"], data["period_length_months"]
    scenario = px.scenario_from_mapping(data)
    plan = Plan.from_result(px.optimize(scenario))
    text = "id,period,status,spent\nA,2027Q2,in_progress,70\nA,2027Q1,in_progress,40\n"
    frame = track(plan, write(tmp_path, text)).by_period
    assert list(frame.index) == ["2027Q1", "2027Q2"]  # calendar order, not file order
    assert frame["spent"].tolist() == [40, 70] and frame["cumulative_spent"].tolist() == [40, 110]
    assert frame["planned_spend"].isna().all()


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        (
            "id,quarter,status,spent\nA,2027Q1,in_progress,10\nA,2029Q1,in_progress,5\n",
            "row 3, column 'quarter'",
            "unknown period '2029Q1': the plan's periods are 2027Q1, 2027Q2, 2027Q3, 2027Q4",
        ),
        (
            "id,period,status,spent\nA,2027Q1,in_progress,10\nA,2027q1,in_progress,5\n",
            "row 3, column 'period'",
            "A has two rows for period 2027q1 (rows 2 and 3); keep one",
        ),
        (
            "id,period,status,spent\nA,2027-02-01,in_progress,10\nB,2026-12-31,in_progress,5\n",
            "row 3, column 'period'",
            "2026-12-31 falls in none of the plan's periods (2027Q1–2027Q4)",
        ),
        (
            "id,period,status,spent\nA,2027Q1,in_progress,10\nB,,in_progress,5\n",
            "row 3, column 'period'",
            "a per-period table needs the period of every row",
        ),
        (
            "id,period,status,spent\nA,2027Q1,in_progress,10\nB,2027-05-31,in_progress,5\n",
            "row 3, column 'period'",
            "periods must all be labels (such as 2027Q1) or all dates",
        ),
        (
            "id,period,status,spent,go_live\nA,2027Q1,live,10,2027-02-01\n"
            "A,2027Q2,live,5,2027-04-01\n",
            "rows 2, 3, column 'go_live'",
            "A has two go_live dates (2027-02-01 and 2027-04-01, rows 2 and 3); give one",
        ),
    ],
    ids=["unknown-label", "duplicate", "date-outside", "blank", "mixed", "two-go-lives"],
)
def test_bad_periods_located(plan: Plan, tmp_path: Path, text: str, where: str, what: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        read_actuals(path, known_ids=plan.known_ids, periods=plan.periods)
    message = str(caught.value)
    assert f"actuals.csv {where}" in message and what in message, message


def test_dates_need_calendar_labels(tmp_path: Path) -> None:
    data = roadmap_dict()
    data["periods"] = ["wave 1", "wave 2", "wave 3", "wave 4"]
    scenario = px.scenario_from_mapping(data)
    plan = Plan.from_roadmap(plan_roadmap(scenario))
    path = write(tmp_path, "id,period,status,spent\nA,2027-02-01,in_progress,10\n")
    with pytest.raises(ScenarioError, match="not calendar labels such as 2027Q1"):
        read_actuals(path, known_ids=plan.known_ids, periods=plan.periods)
    labels = track(plan, write(tmp_path, "id,period,status,spent\nA,Wave 1,in_progress,10\n"))
    assert labels.by_period["spent"].iloc[0] == 10  # labels matched without case


def test_calendar_spans() -> None:
    d = _dt.date
    assert calendar_span("2027Q2") == (d(2027, 4, 1), d(2027, 7, 1))
    assert calendar_span("Q4 2027") == (d(2027, 10, 1), d(2028, 1, 1))
    assert calendar_span("2027-H2") == (d(2027, 7, 1), d(2028, 1, 1))
    assert calendar_span("2027-12") == (d(2027, 12, 1), d(2028, 1, 1))
    assert calendar_span("FY2027") == (d(2027, 1, 1), d(2028, 1, 1))
    assert calendar_span("wave 1") is None and calendar_span("2027-13") is None
    assert period_of(d(2027, 6, 30), ["2027Q1", "2027Q2"]) == "2027Q2"
    assert period_of(d(2027, 7, 1), ["2027Q1", "2027Q2"]) is None


def test_cli_roadmap_out_then_track_per_period(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    data = roadmap_dict()
    data["rules"] = {}
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(
        cli,
        [
            "roadmap",
            str(scenario),
            "--start",
            "A=2027Q1",
            "--start",
            "B=2027Q2",
            "--out",
            str(tmp_path / "rm"),
        ],
    )
    assert out.exit_code == 0, out.output
    acts = write(tmp_path, LABELS_CSV)
    out = runner.invoke(
        cli,
        [
            "track",
            str(tmp_path / "rm"),
            str(acts),
            "--format",
            "json",
            "--out",
            str(tmp_path / "t"),
        ],
    )
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert [r["planned_spend"] for r in payload["by_period"]] == [50, 80, 30, 30]
    assert [r["spent"] for r in payload["by_period"]] == [40, 90, 45, None]
    assert (tmp_path / "t" / "tracking_periods.png").stat().st_size > 10_000
    table = runner.invoke(cli, ["track", str(tmp_path / "rm" / "roadmap.json"), str(acts)])
    assert "Burn by period: 2027Q1 40 of 50; 2027Q2 90 of 80; 2027Q3 45 of 30" in table.stdout
    bad = write(tmp_path, "id,quarter,status,spent\nA,2031Q1,live,1\n", "bad.csv")
    out = runner.invoke(cli, ["track", str(tmp_path / "rm"), str(bad)])
    assert out.exit_code == 2 and "bad.csv row 2, column 'quarter'" in out.stderr
    assert "Traceback" not in out.output


def test_cli_approve_roadmap_then_track_per_period_from_the_register(tmp_path: Path) -> None:
    """Unpinned, both start at once (nothing limits a quarter): A 50 in Q1 and Q2, B 30 in
    Q1–Q3, so the plan spends 80, 80, 30, 0."""
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(roadmap_dict()), encoding="utf-8")
    db = str(tmp_path / "r.sqlite")
    runner = CliRunner()
    out = runner.invoke(
        cli, ["approve", str(scenario), "--roadmap", "--date", "2027-01-04", "--register", db]
    )
    assert out.exit_code == 0, out.output
    assert "approved plan 1: 2 initiatives" in out.stdout and "over 4 periods" in out.stdout
    acts = write(
        tmp_path, "id,period,status,spent\nA,2027Q1,in_progress,60\nB,2027Q1,in_progress,10\n"
    )
    out = runner.invoke(
        cli, ["track", "latest", str(acts), "--register", db, "--record", "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["by_period"]
    assert [r["planned_spend"] for r in rows] == [80, 80, 30, 0]
    assert [r["spent"] for r in rows] == [70, None, None, None]
    assert rows[0]["variance"] == -10
    # history says which plan is a roadmap and how often it was tracked
    out = runner.invoke(cli, ["approve", str(scenario), "--label", "lump", "--register", db])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["history", "--register", db])
    first, second = out.stdout.splitlines()
    assert "(roadmap, 2 initiatives" in first and "tracked once" in first
    assert "(one-lump, " in second and "not tracked" in second
    plans = json.loads(runner.invoke(cli, ["history", "--register", db, "--format", "json"]).stdout)
    assert [(p["roadmap"], p["trackings"]) for p in plans["plans"]] == [(True, 1), (False, 0)]
    # a scenario without periods cannot be approved as a roadmap
    flat = roadmap_dict()
    del flat["periods"], flat["period_length_months"]
    scenario.write_text(yaml.safe_dump(flat), encoding="utf-8")
    out = runner.invoke(cli, ["approve", str(scenario), "--roadmap", "--register", db])
    assert out.exit_code == 2 and "--roadmap needs `periods` in the scenario" in out.stderr


def test_cli_approve_refuses_an_infeasible_plan(tmp_path: Path) -> None:
    data = roadmap_dict()
    del data["periods"], data["period_length_months"]
    data["initiatives"][0]["mandatory"] = True
    data["budget"] = 10  # A alone costs 100
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = CliRunner().invoke(cli, ["approve", str(scenario), "--register", str(tmp_path / "r")])
    assert out.exit_code == 1 and "Infeasible: No portfolio satisfies every rule" in out.output
    assert not (tmp_path / "r").exists()  # no register written


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    spends=st.lists(
        st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=4),
        min_size=2,
        max_size=2,
    ),
    finals=st.lists(
        st.sampled_from(["planned", "in_progress", "cancelled"]), min_size=2, max_size=2
    ),
    savings=st.floats(0, 1e6, allow_nan=False),
)
def test_per_period_rows_add_up_to_the_one_row_table(
    plan: Plan, spends: list[list[float]], finals: list[str], savings: float
) -> None:
    """Whatever the split over periods, an initiative's spend to date, status and measured
    values are those of one row holding the sum, the last status and the latest measurement."""
    periodic, single = [], []
    for ident, amounts, final in zip(("A", "B"), spends, finals, strict=True):
        for k, amount in enumerate(amounts):
            last = k == len(amounts) - 1
            periodic.append(
                {
                    "id": ident,
                    "period": plan.periods[k],
                    "status": final if last else "in_progress",
                    "spent": amount,
                    "cost_savings": savings if last else None,
                }
            )
        single.append(
            {"id": ident, "status": final, "spent": math.fsum(amounts), "cost_savings": savings}
        )
    by_period = track(plan, Actuals.from_records(periodic))
    at_once = track(plan, Actuals.from_records(single))
    columns = ["status", "spent", "cost_savings_actual", "npv_expected", "cost_at_completion"]
    assert by_period.initiatives[columns].equals(at_once.initiatives[columns])
    assert by_period.totals["spent"] == pytest.approx(at_once.totals["spent"])
    frame = by_period.by_period
    reported = frame["spent"].notna()
    assert frame["cumulative_spent"][reported].iloc[-1] == pytest.approx(
        math.fsum(math.fsum(a) for a in spends)
    )
    for k, label in enumerate(plan.periods[: max(len(a) for a in spends)]):
        expected = math.fsum(a[k] for a in spends if len(a) > k)
        assert frame.loc[label, "spent"] == pytest.approx(expected)
    assert at_once.by_period.empty  # no period column: no burn by period


def test_one_lump_plan_of_a_roadmap_scenario_checks_labels(tmp_path: Path) -> None:
    """`solve` on a scenario with periods: no starts, so no planned spend per period, but the
    labels must still be the scenario's."""
    scenario = px.scenario_from_mapping(roadmap_dict())
    plan = Plan.from_result(px.optimize(scenario))
    assert plan.periods == tuple(scenario.periods or ()) and plan.planned_spend() is None
    text = "id,period,status,spent\nA,2027q2,in_progress,70\nA,2027Q1,in_progress,40\n"
    frame = track(plan, write(tmp_path, text)).by_period
    assert list(frame.index) == ["2027Q1", "2027Q2"] and frame["spent"].tolist() == [40, 70]
    assert frame["planned_spend"].isna().all()
    bad = write(tmp_path, "id,period,status,spent\nA,2030Q1,in_progress,1\n", "bad.csv")
    with pytest.raises(ScenarioError, match="unknown period '2030Q1'"):
        track(plan, bad)
