"""`prioritizer track` second review: actuals without a spend column are refused (not read
as costing nothing); a money cell that reads either way under the file's decimal convention
(``470,000`` in a decimal-comma file) is refused, in CSV and XLSX; the advice for an
ambiguous number works for actuals (``--decimal``); calibration counts each initiative of a
plan once, with its latest recorded numbers; a roadmap plan's go-live periods make its
initiatives due, and a late one's expected NPV is valued at its later go-live. Numbers
worked out by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from test_track import ACTUALS_CSV, hand_dict
from test_track_periods import roadmap_dict

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.roadmap import plan_roadmap
from prioritizer.tracking import Plan, read_actuals, track
from prioritizer.tracking.calibrate import calibration_from_register
from prioritizer.tracking.register import open_register

AS_OF = dt.date(2027, 12, 31)
BANK = Path(__file__).parent.parent / "scenarios" / "retail_bank"


def write(tmp_path: Path, text: str, name: str = "actuals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, **kwargs: Any) -> list[str]:
    """The located problems reading ``path`` raises (fails when it reads)."""
    with pytest.raises(ScenarioError) as info:
        read_actuals(path, **kwargs)
    return [f"{p.where}: {p.message}" for p in info.value.problems]


def run_track(plan: Path, actuals: Path, *args: str) -> Any:
    return CliRunner().invoke(
        cli, ["track", str(plan), str(actuals), "--as-of", "2027-12-31", *args]
    )


# -- 1. a spend column is required --------------------------------------------------------
def test_actuals_without_a_spend_column_are_refused(bank_plan: Path, tmp_path: Path) -> None:
    """Before: "On track ... EUR 0 spent" with the live initiative costing nothing."""
    bare = write(tmp_path, "id,status,go_live\nKYC-REFRESH,live,2027-06-30\n", "h.csv")
    out = run_track(bank_plan, bare)
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "On track" not in out.stdout
    assert "h.csv row 1: no `spent` column" in out.stderr
    assert "read 'id', 'status', 'go_live'; no other column" in out.stderr
    assert "spent_to_date" in out.stderr and "actual_spend" in out.stderr
    for header in ("Amount", "Spend in quarter"):
        other = write(tmp_path, f"id,status,{header}\nKYC-REFRESH,live,495000\n", "o.csv")
        out = run_track(bank_plan, other)
        assert out.exit_code == 2 and "Traceback" not in out.output, header
        assert "o.csv" in out.stderr and repr(header) in out.stderr


@pytest.mark.parametrize(
    "header",
    ["Actual spend", "Amount spent", "Actuals", "Actuals EUR", "Cost to date", "Spent (EUR)"],
)
def test_headers_that_mean_spent_are_read(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, f"id,status,{header},go_live\nA,live,4000,2027-06-30\n")
    assert read_actuals(path).rows["A"].spent == 4000.0


def test_spend_in_a_quarter_needs_the_period_column(tmp_path: Path) -> None:
    """Without a period column a quarter's spend would be read as the spend to date."""
    alone = write(tmp_path, "id,status,Spend in quarter\nA,in_progress,4000\n")
    [problem] = problems(alone)
    assert "column 'Spend in quarter'" in problem and "no `period` column" in problem
    by_quarter = write(
        tmp_path,
        "id,quarter,status,Spend in quarter\nA,2027Q1,in_progress,4000\nA,2027Q2,live,500\n",
    )
    assert read_actuals(by_quarter).rows["A"].spent == 4500.0


def test_a_blank_spend_counts_as_zero_only_for_a_planned_initiative(tmp_path: Path) -> None:
    path = write(tmp_path, "id,status,spent\nA,planned,\nB,live,\nC,cancelled, \nD,live,0\n")
    [problem] = problems(path)
    assert problem.startswith("actuals.csv rows 3, 4, column 'spent'")
    assert "the spend is blank but the status is 'live'" in problem
    ok = write(tmp_path, "id,status,spent\nA,planned,\nD,live,0\n")
    rows = read_actuals(ok).rows
    assert rows["A"].spent == 0.0 and rows["D"].spent == 0.0


def test_a_spend_header_in_thousands_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "id,status,Spent (k EUR)\nA,live,495\n")
    [problem] = problems(path)
    assert "column 'Spent (k EUR)'" in problem and "thousands or millions" in problem


# -- 2. money that reads either way ------------------------------------------------------
MIXED = (
    "id,status,spent,go_live,opex\n"
    'KYC-REFRESH,live,"€ 495.000,00",2027-06-30,"30,000"\n'
    'COMPLAINT-HUB,live,"470,000",2027-05-15,\n'
)


def test_mixed_formats_are_refused_not_read_1000_times_too_small(
    bank_plan: Path, tmp_path: Path
) -> None:
    """Before: one European cell made the file decimal-comma: 470,000 read as 470."""
    out = run_track(bank_plan, write(tmp_path, MIXED, "m.csv"))
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "m.csv row 3, column 'spent': '470,000' is ambiguous" in out.stderr
    assert "write it as 470.000 or 470000" in out.stderr
    assert "m.csv row 2, column 'opex': '30,000' is ambiguous" in out.stderr


def test_mixed_formats_in_xlsx_text_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(MIXED.splitlines()[0].split(","))
    sheet.append(["KYC-REFRESH", "live", "€ 495.000,00", "2027-06-30", "30,000"])
    sheet.append(["COMPLAINT-HUB", "live", "470,000", "2027-05-15", None])
    path = tmp_path / "mixed.xlsx"
    book.save(path)
    found = problems(path)
    assert any(p.startswith("mixed.xlsx row 3, column 'spent': '470,000'") for p in found)
    assert any(p.startswith("mixed.xlsx row 2, column 'opex': '30,000'") for p in found)


def test_the_mirror_case_in_a_decimal_point_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,status,spent\nA,live,"1,234.50"\nB,live,470.000\n')
    [problem] = problems(path)
    assert problem.startswith("actuals.csv row 3, column 'spent': '470.000' is ambiguous")
    assert "write it as 470,000 or 470000 (or 470.00 if 470 is meant)" in problem


def test_thousands_in_the_files_own_convention_still_read(tmp_path: Path) -> None:
    comma = write(
        tmp_path, 'id,status,spent,opex,churn_reduction_pp\nA,live,"1.234,50",470.000,"1,250"\n'
    )
    row = read_actuals(comma).rows["A"]  # not an amount: 1,250 pp is 1.25 in this file
    assert row.measured["opex"] == 470000.0 and row.measured["churn_reduction_pp"] == 1.25
    point = write(tmp_path, 'id,status,spent,opex\nA,live,1234.50,"470,000"\n')
    assert read_actuals(point).rows["A"].measured["opex"] == 470000.0


def test_the_ambiguity_advice_works_for_actuals(bank_plan: Path, tmp_path: Path) -> None:
    """Before: "set `initiatives: {decimal: ','}` in the scenario", which actuals ignore."""
    path = write(tmp_path, "id,status,spent\nKYC-REFRESH,live,450.000\n", "a.csv")
    out = run_track(bank_plan, path)
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "a.csv row 2, column 'spent': '450.000' could be 450 or 450000" in out.stderr
    assert "initiatives: {decimal" not in out.stderr
    assert "--decimal ','` if '.' marks thousands" in out.stderr
    out = run_track(bank_plan, path, "--decimal", ",", "--format", "json")
    assert out.exit_code == 0, out.stderr
    rows = {r["id"]: r for r in json.loads(out.stdout)["initiatives"]}
    assert rows["KYC-REFRESH"]["spent"] == 450000.0
    assert read_actuals(path, decimal=",").rows["KYC-REFRESH"].spent == 450000.0


# -- 3. calibration counts each initiative once ---------------------------------------------
def _register(tmp_path: Path) -> tuple[Any, int, Plan]:
    book = open_register(tmp_path / "r.sqlite")
    result = px.optimize(px.scenario_from_mapping(hand_dict()))
    plan_id = book.approve(result, date=dt.date(2027, 1, 15))
    return book, plan_id, book.plan(plan_id)


def _factors(target: Path) -> list[tuple[str, str, int, float]]:
    cal = calibration_from_register(target)
    return [(f.klass, f.field, f.observations, f.factor) for f in cal.factors]


def test_recording_the_same_actuals_twice_calibrates_as_once(tmp_path: Path) -> None:
    book, plan_id, plan = _register(tmp_path)
    actuals = read_actuals(write(tmp_path, ACTUALS_CSV), known_ids=plan.known_ids)
    book.record_tracking(plan_id, actuals, AS_OF)
    once = _factors(tmp_path / "r.sqlite")
    assert ("ease", "churn_reduction_pp", 1, pytest.approx(1 + 0.2 * (0.5 - 1))) in once
    book.record_tracking(plan_id, actuals, AS_OF)
    assert _factors(tmp_path / "r.sqlite") == once  # before: 2 observations, 0.83 not 0.90


def test_a_year_end_record_replaces_the_mid_year_one(tmp_path: Path) -> None:
    book, plan_id, plan = _register(tmp_path)
    mid = "id,status,spent,go_live,cost_savings\nA,live,90000,2027-03-01,10000\n"
    year_end = "id,status,spent,go_live,cost_savings\nA,live,120000,2027-03-01,40000\n"
    mid_year = read_actuals(write(tmp_path, mid, "mid.csv"), known_ids=plan.known_ids)
    end = read_actuals(write(tmp_path, year_end, "end.csv"), known_ids=plan.known_ids)
    alone = tmp_path / "alone"
    alone.mkdir()
    only, only_id, _ = _register(alone)
    only.record_tracking(only_id, end, AS_OF)
    expected = _factors(alone / "r.sqlite")
    # savings 40000 / 50000 and cost 120000 / 100000 once, shrunk with Z = 1/5
    assert ("ease", "cost_savings", 1, pytest.approx(1 + 0.2 * (0.8 - 1))) in expected
    book.record_tracking(plan_id, mid_year, dt.date(2027, 6, 30))
    book.record_tracking(plan_id, end, AS_OF)
    assert _factors(tmp_path / "r.sqlite") == expected
    # recorded in the other order, the year-end status (later as-of) still counts
    other = tmp_path / "other"
    other.mkdir()
    book2, plan2, _ = _register(other)
    book2.record_tracking(plan2, end, AS_OF)
    book2.record_tracking(plan2, mid_year, dt.date(2027, 6, 30))
    assert _factors(other / "r.sqlite") == expected


def test_cli_record_twice_then_calibrate_as_once(tmp_path: Path) -> None:
    """The reviewer's steps on the retail bank: 2 past initiatives, however often recorded."""
    db = str(tmp_path / "r.sqlite")
    runner = CliRunner()
    scenario = str(BANK / "scenario.yaml")
    actuals = str(BANK / "past_cycle" / "actuals.csv")
    out = runner.invoke(cli, ["approve", scenario, "--date", "2027-01-15", "--register", db])
    assert out.exit_code == 0, out.stderr
    record = ["track", "latest", actuals, "--register", db, "--as-of", "2027-12-31", "--record"]
    calibrate = ["solve", scenario, "--calibrate", db, "--format", "json"]
    texts = []
    for _ in range(2):
        assert runner.invoke(cli, record).exit_code == 0
        out = runner.invoke(cli, calibrate)
        assert out.exit_code == 0, out.stderr
        texts.append([c["text"] for c in json.loads(out.stdout)["calibration"]["changes"]])
    assert texts[0] == texts[1]
    assert not any("from 4 past" in t for t in texts[1])


def test_a_scenario_approved_twice_calibrates_its_initiatives_once(tmp_path: Path) -> None:
    """The bank approved in January, re-approved in February, each plan tracked with the
    same year-end actuals: its 2 past initiatives are 2 projects, not 4; the calibration is
    that of one approval tracked once."""
    runner = CliRunner()
    scenario = str(BANK / "scenario.yaml")
    actuals = str(BANK / "past_cycle" / "actuals.csv")
    calibrate = ["solve", scenario, "--format", "json", "--calibrate"]

    def changes(db: str) -> list[str]:
        out = runner.invoke(cli, [*calibrate, db])
        assert out.exit_code == 0, out.stderr
        return [c["text"] for c in json.loads(out.stdout)["calibration"]["changes"]]

    once, twice = str(tmp_path / "once.sqlite"), str(tmp_path / "twice.sqlite")
    for db, dates in ((once, ["2027-01-15"]), (twice, ["2027-01-15", "2027-02-01"])):
        for date in dates:
            out = runner.invoke(cli, ["approve", scenario, "--date", date, "--register", db])
            assert out.exit_code == 0, out.stderr
            track = ["track", "latest", actuals, "--register", db, "--as-of", "2027-12-31"]
            assert runner.invoke(cli, [*track, "--record"]).exit_code == 0
    expected = changes(once)
    assert expected and any("from 2 past" in t or "from 1 past" in t for t in expected)
    assert changes(twice) == expected  # before: "from 4 past", the projects counted per plan


# -- 4. a roadmap plan's go-lives make its initiatives due -----------------------------------
def _disc(p: int, r: float = 0.08) -> float:
    return (1 + r) ** (-(p + 1) * 0.25)


@pytest.fixture(scope="module")
def roadmap_plan() -> Plan:
    """A: work 2027Q1-Q2, planned live from 2027Q3 (due 2027-09-30), saves 400 a year.
    B: work 2027Q2-Q4, planned live from 2028Q1, after the plan's periods (due 2028-03-31),
    saves 300 a year. Discount 8%: periods 0..7 are valued (four plus one year)."""
    scenario = px.scenario_from_mapping({**roadmap_dict(), "discount_rate": 0.08})
    return Plan.from_roadmap(plan_roadmap(scenario, pins={"A": "2027Q1", "B": "2027Q2"}))


def test_roadmap_go_live_periods_set_the_due_dates(roadmap_plan: Plan, tmp_path: Path) -> None:
    path = write(tmp_path, "id,status,spent,go_live\nA,live,120,2027-11-15\nB,in_progress,60,\n")
    frame = track(roadmap_plan, path, as_of=dt.date(2028, 4, 15)).to_frame()
    a, b = frame.loc["A"], frame.loc["B"]
    assert a["planned_go_live"] == "2027Q3" and a["due_from"] == "plan"
    assert a["due"] == dt.date(2027, 9, 30)
    assert a["late"] and a["days_late"] == 46 and a["periods_late"] == 1
    assert b["planned_go_live"] == "after the plan" and b["due"] == dt.date(2028, 3, 31)
    assert b["late"] and b["days_late"] == 15 and b["periods_late"] == 1  # live 2028Q2 at best
    # A valued live from 2027Q4 (period 3) instead of 2027Q3, its spend discounted as planned
    npv_a = sum(0.25 * 400 * _disc(p) for p in range(3, 8)) - 120 * (_disc(0) + _disc(1)) / 2
    assert a["npv_expected"] == pytest.approx(npv_a, rel=1e-12)
    npv_b = sum(0.25 * 300 * _disc(p) for p in range(5, 8)) - 90 * sum(map(_disc, (1, 2, 3))) / 3
    assert b["npv_expected"] == pytest.approx(npv_b, rel=1e-12)


def test_a_typed_due_wins_and_on_time_is_not_late(roadmap_plan: Plan, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,status,spent,go_live,due\nA,live,100,2027-11-15,2027-12-31\nB,in_progress,60,,\n",
    )
    frame = track(roadmap_plan, path, as_of=AS_OF).to_frame()
    assert frame.loc["A", "due_from"] == "actuals" and not frame.loc["A", "late"]
    assert frame.loc["A", "periods_late"] == 0
    assert frame.loc["A", "npv_expected"] == pytest.approx(frame.loc["A", "npv_forecast"])
    assert frame.loc["B", "due_from"] == "plan" and not frame.loc["B", "late"]  # due 2028-03-31


def test_an_older_roadmap_plan_flags_the_slip_without_valuing_it(
    roadmap_plan: Plan, tmp_path: Path
) -> None:
    old = dataclasses.replace(
        roadmap_plan,
        initiatives=tuple(dataclasses.replace(i, later_value=()) for i in roadmap_plan.initiatives),
    )
    path = write(tmp_path, "id,status,spent,go_live\nA,live,100,2027-11-15\n")
    row = track(old, path, as_of=AS_OF).to_frame().loc["A"]
    assert row["late"] and row["periods_late"] == 1
    assert row["npv_expected"] == pytest.approx(row["npv_forecast"])


@pytest.mark.parametrize(("a_live", "b_live"), [("2027-03-10", "2027-10-01")])
def test_an_early_go_live_is_valued_up(
    roadmap_plan: Plan, tmp_path: Path, a_live: str, b_live: str
) -> None:
    """A, planned live from 2027Q3, live on 2027-03-10 (in 2027Q1): live for the whole of
    2027Q2, a period more of savings; B, planned live after the plan (2028Q1), live on
    2027-10-01, the first day of 2027Q4. The spend stays discounted as planned. Valued by
    hand; the same through the plan's JSON and in the terminal ("1 period early")."""
    path = write(
        tmp_path,
        f"id,status,spent,go_live\nA,live,120,{a_live}\nB,live,90,{b_live}\n",
    )
    npv_a = sum(0.25 * 400 * _disc(p) for p in range(1, 8)) - 120 * (_disc(0) + _disc(1)) / 2
    npv_b = sum(0.25 * 300 * _disc(p) for p in range(3, 8)) - 90 * sum(map(_disc, (1, 2, 3))) / 3
    reread = Plan.from_dict(json.loads(json.dumps(roadmap_plan.to_dict())))
    for plan in (roadmap_plan, reread):
        frame = track(plan, path, as_of=dt.date(2028, 4, 15)).to_frame()
        a, b = frame.loc["A"], frame.loc["B"]
        assert not a["late"] and a["periods_early"] == 1 and a["periods_late"] == 0
        assert a["npv_expected"] == pytest.approx(npv_a, rel=1e-12)
        assert b["periods_early"] == 1 and b["npv_expected"] == pytest.approx(npv_b, rel=1e-12)
        assert a["npv_expected"] > a["npv_forecast"]
    from prioritizer.cli.track import tracking_table

    text = tracking_table(track(roadmap_plan, path, as_of=dt.date(2028, 4, 15)))
    line = next(line for line in text.splitlines() if line.startswith("A "))
    assert line.rstrip().endswith("1 period early")


def test_live_on_the_last_day_of_the_work_is_on_time(roadmap_plan: Plan, tmp_path: Path) -> None:
    """A's work ends with 2027Q2: live on 2027-06-30 (or any day of 2027Q2 after its first)
    is on time, valued as planned; the example's early go-lives are of this kind."""
    for day in ("2027-06-30", "2027-04-02"):
        path = write(tmp_path, f"id,status,spent,go_live\nA,live,100,{day}\n")
        a = track(roadmap_plan, path, as_of=AS_OF).to_frame().loc["A"]
        assert a["periods_early"] == 0 and a["periods_late"] == 0 and not a["late"]
        assert a["npv_expected"] == pytest.approx(a["npv_forecast"], rel=1e-12)


def test_the_reviewers_premium_tier_is_late_in_the_terminal(tmp_path: Path) -> None:
    """PREMIUM-TIER planned live in 2027Q4, reported by quarter to live on 2028-06-01:
    before, "0 late". The plan is read from a roadmap.json (`roadmap --out`)."""
    scenario = px.load_scenario(BANK.parent / "retail_bank_quarterly" / "scenario.yaml")
    plan = Plan.from_roadmap(plan_roadmap(scenario))
    assert plan.planned_go_live()["PREMIUM-TIER"].label == "2027Q4"
    folder = tmp_path / "rm"
    folder.mkdir()
    (folder / "roadmap.json").write_text(json.dumps({"tracking_plan": plan.to_dict()}))
    rows = "".join(
        f"PREMIUM-TIER,{q},{'live' if q == '2028Q2' else 'in_progress'},70000,"
        f"{'2028-06-01' if q == '2028Q2' else ''}\n"
        for q in ("2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2")
    )
    path = write(tmp_path, "id,quarter,status,spent,go_live\n" + rows)
    out = CliRunner().invoke(cli, ["track", str(folder), str(path), "--as-of", "2028-06-30"])
    assert out.exit_code == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if x.startswith("PREMIUM-TIER"))
    assert "153 d, plan 2027Q4, 2 periods later" in line
    assert not out.stdout.splitlines()[0].endswith("; 0 late.")


def test_free_period_labels_give_no_due_dates_and_say_so(tmp_path: Path) -> None:
    data = {**roadmap_dict(), "periods": ["S1", "S2", "S3", "S4"]}
    plan = Plan.from_roadmap(plan_roadmap(px.scenario_from_mapping(data), pins={"A": "S1"}))
    path = write(tmp_path, "id,status,spent\nA,in_progress,10\n")
    tracked = track(plan, path, as_of=AS_OF)
    assert not tracked.to_frame()["late"].any()
    assert any(w.code == "no-planned-dates" for w in tracked.warnings)


# -- spend on initiatives outside the plan ---------------------------------------------------
def test_spend_outside_the_plan_is_counted_apart_not_dropped(
    bank_plan: Path, tmp_path: Path
) -> None:
    """Before: CRM-UPGRADE's 300,000 (not in the plan) was only a warning, and the budget left
    ignored it. Now it is said in the headline and taken out of the budget left."""
    text = (
        "id,status,spent,go_live\n"
        "KYC-REFRESH,live,495000,2027-06-30\n"
        "CRM-UPGRADE,in_progress,300000,\n"
        "BRANCH-QUEUE,planned,0,\n"
    )
    actuals = write(tmp_path, text)
    tracking = track(bank_plan, actuals, as_of=AS_OF)
    out = run_track(bank_plan, actuals)
    plan = json.loads(bank_plan.read_text(encoding="utf-8"))
    assert "CRM-UPGRADE" not in plan["selected"] and "BRANCH-QUEUE" not in plan["selected"]
    t = tracking.totals
    assert t["spent"] == 495_000 and t["spent_off_plan"] == 300_000
    assert t["off_plan_ids"] == ["CRM-UPGRADE"]  # nothing spent on BRANCH-QUEUE
    assert t["budget_left"] == pytest.approx(plan["budget"] - 495_000 - 300_000)
    finding = tracking.finding()
    assert "plus EUR 300,000 on initiatives outside the plan (CRM-UPGRADE)" in finding.text
    assert finding.numbers["spent_off_plan"] == 300_000
    assert out.exit_code == 0 and "plus EUR 300,000 on initiatives outside" in out.stdout
    assert "they spent EUR 300,000, counted apart" in out.stderr
