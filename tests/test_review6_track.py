"""`prioritizer track` sixth review (a fresh user's actuals): amounts per month or quarter in a
yearly column are refused (actuals and backlog alike), hidden Excel rows of the actuals are
said, amounts in another currency than the plan's are refused, a pandas DataFrame (and
``to_dict("records")`` rows with NaN and numpy numbers) is read like a table, and a roadmap
initiative not started after its planned start is valued at its later go-live and counted
late; the burn per period runs to the last period ended by the status date."""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from test_track_periods import roadmap_dict
from test_track_review2_fixes import run_track, write

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.inputs.scale import declares_scale
from prioritizer.roadmap import plan_roadmap
from prioritizer.tracking import Actuals, Plan, read_actuals, track


@pytest.fixture(scope="module")
def roadmap_plan() -> Plan:
    """Four quarters of 2027 (test_track_periods), discount 8%: A works in 2027Q1-Q2 (cost
    100, saves 400 a year), B in 2027Q2-Q4 (cost 90, saves 300 a year); valued to 2028Q4."""
    scenario = px.scenario_from_mapping({**roadmap_dict(), "discount_rate": 0.08})
    return Plan.from_roadmap(plan_roadmap(scenario, pins={"A": "2027Q1", "B": "2027Q2"}))


def refused(result: Any) -> str:
    """The error output of a command that must exit 2 without a traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return str(result.stderr)


# -- 1. amounts per month or quarter in a yearly column --------------------------------
@pytest.mark.parametrize(
    ("header", "times"),
    [
        ("Cost savings (EUR/month)", 12),
        ("Opex (EUR per month)", 12),
        ("Cost savings (EUR per quarter)", 4),
        ("monthly savings", 12),
        ("Savings per month", 12),
        ("quarterly opex", 4),
    ],
)
def test_a_monthly_or_quarterly_impact_header_is_refused(
    bank_plan: Path, tmp_path: Path, header: str, times: int
) -> None:
    """Before: 10,000 a month read as 10,000 a year (or the column ignored unread)."""
    path = write(tmp_path, f'id,status,spent,"{header}"\nCARD-FREEZE,live,110000,10000\n')
    err = refused(run_track(bank_plan, path))
    assert f"actuals.csv column {header!r}" in err
    unit = "month" if times == 12 else "quarter"
    assert f"per {unit}" in err and "holds amounts per year" in err
    assert f"multiply each {unit}'s amount by {times}" in err
    assert "name the column without the period" in err


def test_the_backlog_refuses_a_monthly_savings_header_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "initiatives.csv").write_text(
        "id,segment,cost,cost_savings (EUR/month),effort_digital\nA,all_c,50000,2000,100\n",
        encoding="utf-8",
    )
    (tmp_path / "scenario.yaml").write_text(
        "name: Small\ncurrency: EUR\ninitiatives: initiatives.csv\nhorizon_years: 3\n"
        "budget: 250000\nsegments:\n  all_c: {customers: 100000, ltv: 1000}\n"
        "teams:\n  digital: 350\n",
        encoding="utf-8",
    )
    err = refused(CliRunner().invoke(cli, ["validate", str(tmp_path / "scenario.yaml")]))
    assert "initiatives.csv column 'cost_savings (EUR/month)'" in err
    assert "holds amounts per year" in err and "multiply each month's amount by 12" in err


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Spent per month", "spent"),
        ("Spend in month (EUR)", "spent"),
        ("Duration (months)", "duration"),
        ("Effort Mo (days)", "effort_mo"),
        ("Cost savings (EUR p.a.)", "cost_savings"),
        ("Opex (EUR/yr)", "opex"),
        ("Cost (EUR, monthly billing)", "cost"),
    ],
)
def test_period_words_outside_yearly_columns_pass(header: str, column: str) -> None:
    assert declares_scale(header, column) is None


def test_a_per_month_spend_column_of_a_per_period_table_is_still_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,month,status,spend_in_month,cost_savings\n"
        "A,2027-01,in_progress,40000,\nA,2027-02,live,10000,120000\n",
    )
    actuals = read_actuals(path)
    assert actuals.rows["A"].spent == 50000
    assert actuals.rows["A"].measured["cost_savings"] == 120000


# -- 2. hidden rows of an xlsx actuals table ---------------------------------------------
def test_hidden_rows_of_the_actuals_are_said(bank_plan: Path, tmp_path: Path) -> None:
    """Before: the row hidden by a filter disappeared with its 72,000, without a word."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ("id", "status", "spent"),
        ("CARD-FREEZE", "live", 110000),
        ("FEE-CLARITY", "in_progress", 75000),
        ("PAY-REMINDERS", "in_progress", 72000),
        (None, None, None),
        ("IVR-REDESIGN", "planned", 0),
    ):
        sheet.append(list(row))
    sheet.row_dimensions[4].hidden = True  # PAY-REMINDERS
    sheet.row_dimensions[5].hidden = True  # empty: nothing to say
    path = tmp_path / "actuals.xlsx"
    book.save(path)
    result = run_track(bank_plan, path)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stderr.splitlines() if "hidden in Excel" in x)
    assert line.startswith("warning: actuals.xlsx row 4:")
    assert "1 row(s) hidden in Excel" in line and "PAY-REMINDERS" in line
    assert "not read as actuals" in line and "row 5" not in line
    actuals = read_actuals(path)
    assert "PAY-REMINDERS" not in actuals.rows
    [warning] = [w for w in actuals.warnings if w.code == "hidden-rows"]
    assert warning.where == "actuals.xlsx row 4"


# -- 3. amounts in another currency than the plan's --------------------------------------
@pytest.mark.parametrize(
    ("text", "where", "named"),
    [
        ("id,status,Spent (USD)\nCARD-FREEZE,live,110000\n", "column 'Spent (USD)'", "USD"),
        ("id;status;Actuals CHF\nCARD-FREEZE;live;110000\n", "column 'Actuals CHF'", "CHF"),
        ("id,status,spent\nCARD-FREEZE,live,£110000\n", "row 2, column 'spent'", "GBP"),
        (
            "id,status,spent,cost_savings\nCARD-FREEZE,live,110000,$120000\n",
            "row 2, column 'cost_savings'",
            "dollars ($)",
        ),
        (
            "id,status,Spent (EUR)\nCARD-FREEZE,live,USD 110000\n",
            "row 2, column 'Spent (EUR)'",
            "USD",
        ),
    ],
)
def test_amounts_in_another_currency_are_refused(
    bank_plan: Path, tmp_path: Path, text: str, where: str, named: str
) -> None:
    """Before: read as EUR, the plan's currency."""
    path = write(tmp_path, text)
    err = refused(run_track(bank_plan, path))
    assert f"actuals.csv {where}" in err
    assert named in err and "the plan's amounts are in EUR" in err and "convert" in err


@pytest.mark.parametrize(
    "text",
    [
        "id,status,Spent (EUR)\nCARD-FREEZE,live,€110000\n",
        "id;status;Actuals EUR\nCARD-FREEZE;live;110.000 €\n",
        "id,status,spent (€)\nCARD-FREEZE,live,EUR 110000\n",
    ],
)
def test_the_plans_own_currency_is_fine(bank_plan: Path, tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    result = run_track(bank_plan, path)
    assert result.exit_code == 0, result.output
    assert track(bank_plan, path, as_of="2027-12-31").totals["spent"] == 110000


def test_without_a_plan_currency_is_not_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "id,status,Spent (USD)\nCARD-FREEZE,live,110000\n")
    assert read_actuals(path).rows["CARD-FREEZE"].spent == 110000
    with pytest.raises(ScenarioError) as info:
        read_actuals(path, currency="EUR")
    assert "in USD" in str(info.value)


# -- 4. the Python API: DataFrames, NaN and numpy numbers --------------------------------
FRAME = pd.DataFrame(
    {
        "id": ["CARD-FREEZE", "FEE-CLARITY", "IVR-REDESIGN"],
        "status": ["live", "in_progress", "planned"],
        "spent": [110000, 75000, np.nan],
        "go_live": [pd.Timestamp("2027-04-01"), pd.NaT, pd.NaT],
        "cost_savings": [130000.0, np.nan, np.nan],
    }
)


def test_track_accepts_a_dataframe(bank_plan: Path, tmp_path: Path) -> None:
    """Before: a raw TypeError."""
    path = write(
        tmp_path,
        "id,status,spent,go_live,cost_savings\nCARD-FREEZE,live,110000,2027-04-01,130000\n"
        "FEE-CLARITY,in_progress,75000,,\nIVR-REDESIGN,planned,,,\n",
    )
    from_frame = track(bank_plan, FRAME, as_of="2027-12-31")
    from_file = track(bank_plan, path, as_of="2027-12-31")
    pd.testing.assert_frame_equal(from_frame.to_frame(), from_file.to_frame())
    assert from_frame.totals["spent"] == 185000
    assert from_frame.to_frame().loc["CARD-FREEZE", "cost_savings_actual"] == 130000
    # the frame Actuals.to_frame gives (index id) reads back too
    again = track(bank_plan, read_actuals(path).to_frame(), as_of="2027-12-31")
    assert again.totals["spent"] == 185000


def test_a_dataframe_row_is_located_as_in_a_file(bank_plan: Path) -> None:
    bad = FRAME.assign(status=["live", "finished", "planned"])
    with pytest.raises(ScenarioError) as info:
        track(bank_plan, bad, as_of="2027-12-31")
    [problem] = info.value.problems
    assert problem.where == "actuals row 3, column 'status'"


def test_records_with_nan_and_numpy_numbers_are_read(bank_plan: Path) -> None:
    """Before: "must be a finite number ... found nan" and "must be a plain number ... found
    np.int64(110000)"."""
    records = FRAME.to_dict("records")
    assert isinstance(records[0]["spent"], float) and math.isnan(records[2]["spent"])
    records[0]["spent"] = np.int64(110000)
    records[1]["spent"] = np.float64(75000)
    records[2]["status"] = pd.NA  # a blank status is refused as blank, not as <NA>
    with pytest.raises(ScenarioError) as info:
        Actuals.from_records(records)
    assert "found a blank" in str(info.value)
    records[2]["status"] = "planned"
    actuals = Actuals.from_records(records)
    assert actuals.rows["CARD-FREEZE"].spent == 110000
    assert type(actuals.rows["CARD-FREEZE"].spent) is float
    assert actuals.rows["CARD-FREEZE"].go_live == _dt.date(2027, 4, 1)
    assert actuals.rows["FEE-CLARITY"].spent == 75000
    assert actuals.rows["FEE-CLARITY"].measured == {}
    assert actuals.rows["IVR-REDESIGN"].spent == 0
    assert track(bank_plan, actuals, as_of="2027-12-31").totals["spent"] == 185000


# -- 5. roadmap plans: not started after the planned start; the burn to the status date --
def _disc(p: int, r: float = 0.08) -> float:
    """The discount factor of quarter p's cash (end of the quarter, 8% a year)."""
    return (1 + r) ** (-(p + 1) * 0.25)


def test_an_initiative_not_started_after_its_planned_start_is_late(roadmap_plan: Plan) -> None:
    """B should have started in 2027Q2 (work Q2-Q4, live from 2028Q1). At 2027-12-31 it has
    no actuals row: it starts in 2028Q1 at the earliest, works 2028Q1-Q3 and goes live in
    2028Q4 (period 7), 3 periods late. Valued as the roadmap would (§5): 300 a year saved for
    the one quarter left of the valuation, the cost discounted as planned (c kept).
    Before: valued on its forecast (npv 179.83) and not late."""
    actuals = Actuals.from_records(
        [{"id": "A", "status": "live", "spent": 100, "go_live": "2027-06-30"}]
    )
    result = track(roadmap_plan, actuals, as_of="2027-12-31")
    b = result.to_frame().loc["B"]
    planned_b = sum(0.25 * 300 * _disc(p) for p in range(4, 8)) - sum(
        30 * _disc(p) for p in (1, 2, 3)
    )
    late_b = 0.25 * 300 * _disc(7) - sum(30 * _disc(p) for p in (1, 2, 3))
    assert b["npv_forecast"] == pytest.approx(planned_b, rel=1e-12)
    assert b["npv_expected"] == pytest.approx(late_b, rel=1e-12)
    assert bool(b["late"]) and bool(b["not_started"]) and b["periods_late"] == 3
    assert result.totals["late"] == 1
    assert result.finding().numbers["late"] == 1 and result.finding().text.endswith("1 late")
    # the same with a `planned` row
    planned_row = Actuals.from_records(
        [
            {"id": "A", "status": "live", "spent": 100, "go_live": "2027-06-30"},
            {"id": "B", "status": "planned", "spent": 0, "go_live": None},
        ]
    )
    again = track(roadmap_plan, planned_row, as_of="2027-12-31").to_frame().loc["B"]
    assert again["npv_expected"] == pytest.approx(late_b, rel=1e-12) and bool(again["late"])


def test_not_started_while_its_start_period_runs_is_not_late(roadmap_plan: Plan) -> None:
    actuals = Actuals.from_records([{"id": "A", "status": "in_progress", "spent": 50}])
    for day in ("2027-05-15", "2027-06-29"):  # 2027Q2, B's start, still running
        b = track(roadmap_plan, actuals, as_of=day).to_frame().loc["B"]
        assert not b["late"] and not b["not_started"] and b["periods_late"] == 0
    # its start period over (as of its last day): one period late
    b = track(roadmap_plan, actuals, as_of="2027-06-30").to_frame().loc["B"]
    assert b["late"] and b["periods_late"] == 1
    # started (in progress) is not "not started"
    started = Actuals.from_records(
        [
            {"id": "A", "status": "in_progress", "spent": 50},
            {"id": "B", "status": "in_progress", "spent": 10},
        ]
    )
    b = track(roadmap_plan, started, as_of="2027-12-31").to_frame().loc["B"]
    assert not b["not_started"] and not b["late"]


def test_the_burn_runs_to_the_last_period_ended_by_the_status_date(
    roadmap_plan: Plan, tmp_path: Path
) -> None:
    """The plan spends Q1 50, Q2 80, Q3 30, Q4 30 (cumulated 50, 130, 160, 190). Spend is
    reported for Q1 and Q2 only; as of 2027-12-31 Q3 and Q4 have passed with nothing spent:
    120 spent by 2027Q4 against 190 planned by then (63%). Before: "by 2027Q2 ... of 130"."""
    path = write(
        tmp_path,
        "id,quarter,status,spent\nA,2027Q1,in_progress,50\nA,2027Q2,in_progress,70\n",
    )
    result = track(roadmap_plan, path, as_of="2027-12-31")
    frame = result.by_period
    assert list(frame["spent"]) == [50, 70, 0, 0]
    assert list(frame["cumulative_planned"]) == [50, 130, 160, 190]
    assert result.totals["period_reported"] == "2027Q4"
    assert result.totals["planned_to_date"] == 190
    finding = result.chart_finding("periods")
    assert finding.numbers["period"] == "2027Q4" and finding.numbers["share"] == 120 / 190
    # mid-Q4: Q3 has ended, Q4 not
    mid = track(roadmap_plan, path, as_of="2027-11-15").by_period
    assert list(mid["spent"].fillna(-1)) == [50, 70, 0, -1]
    # mid-Q2: only what was reported
    early = track(roadmap_plan, path, as_of="2027-05-15").by_period
    assert list(early["spent"].fillna(-1)) == [50, 70, -1, -1]
