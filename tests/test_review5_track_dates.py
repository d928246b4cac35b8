"""Review 5 of `track`: dates and period labels of an actuals table are read as meant or
refused with their row, column and the fix, never guessed: slash dates (the column settles
day/month order), Excel serial dates (read in an xlsx, refused as text in a CSV), text after
a date, a quarter written for a date, period labels spelled differently from the plan's, and
problem lines that say "the same" only of identical values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from test_track import hand_dict
from test_track_periods import roadmap_dict

from prioritizer.cli import cli
from prioritizer.inputs.cells import BAD, Errors
from prioritizer.tracking.calendar import calendar_span
from prioritizer.tracking.periodic import read_dates

D = dt.date
HEAD = "id,status,spent,go_live,due\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def solution(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-lump plan choosing A, B, C (tests/test_track.py's hand-worked scenario)."""
    folder = tmp_path_factory.mktemp("plan")
    scenario = folder / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(hand_dict()), encoding="utf-8")
    code, _out, err = run("solve", str(scenario), "--out", str(folder / "out"))
    assert code == 0, err
    return folder / "out" / "solution.json"


def roadmap(folder: Path, periods: list[str] | None = None) -> Path:
    data = roadmap_dict()
    data["rules"] = {}
    if periods is not None:
        data["periods"] = periods
        data["period_length_months"] = 1
    scenario = folder / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _out, err = run(
        "roadmap",
        str(scenario),
        "--start",
        f"A={data['periods'][0]}",
        "--start",
        f"B={data['periods'][1]}",
        "--out",
        str(folder / "rm"),
    )
    assert code == 0, err
    return folder / "rm"


@pytest.fixture(scope="module")
def quarters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A roadmap plan of 2027Q1–2027Q4: A starts 2027Q1, B 2027Q2."""
    return roadmap(tmp_path_factory.mktemp("quarters"))


def track_json(plan: Path, actuals: Path) -> dict[str, Any]:
    code, out, err = run("track", str(plan), str(actuals), "--format", "json")
    assert code == 0, err
    assert "Traceback" not in err
    payload: dict[str, Any] = json.loads(out)
    return payload


def refused(plan: Path, actuals: Path) -> str:
    code, out, err = run("track", str(plan), str(actuals), "--as-of", "2027-12-31")
    assert code == 2, out + err
    assert "Traceback" not in out + err
    return err


def write(tmp_path: Path, text: str, name: str = "actuals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def go_lives(payload: dict[str, Any]) -> dict[str, str | None]:
    return {r["id"]: r["go_live"] for r in payload["initiatives"] if r["status"] == "live"}


def dates(values: list[Any]) -> tuple[list[Any], list[str]]:
    """read_dates of one column (rows from 2), and its problem lines."""
    errors = Errors("a.csv", False)
    out = read_dates(values, list(range(2, 2 + len(values))), "go_live", errors)
    return out, [str(p) for p in errors.problems()]


# 1. slash dates: the column settles day/month order ------------------------------------
def test_read_dates_slash_order_settled_by_the_column() -> None:
    assert dates(["30/06/2027", "01/04/2027"]) == ([D(2027, 6, 30), D(2027, 4, 1)], [])
    assert dates(["06/30/2027", "01/04/2027"]) == ([D(2027, 6, 30), D(2027, 1, 4)], [])
    assert dates(["05/05/2027"]) == ([D(2027, 5, 5)], [])  # the same day either way
    assert dates(["31.03.2027"]) == ([D(2027, 3, 31)], [])  # dotted: day first as before
    out, problems = dates(["01/04/2027", "05/05/2027"])
    assert out == [BAD, D(2027, 5, 5)]
    assert problems == [
        "a.csv row 2, column 'go_live': must be a date whose day and month are clear; found "
        "'01/04/2027', which reads as 1 April 2027 (day first) or 4 January 2027 (month first), "
        "and no date of the column settles it: write 2027-04-01 or 01.04.2027 for 1 April 2027, "
        "2027-01-04 or 04.01.2027 for 4 January 2027"
    ]
    out, problems = dates(["30/06/2027", "06/30/2027", "05/05/2027"])
    assert out == [BAD, BAD, D(2027, 5, 5)]
    assert any(
        p.startswith("a.csv row 2, column 'go_live'")
        and "'30/06/2027', which reads only day first, but row 3 ('06/30/2027') reads only "
        "month first"
        in p
        for p in problems
    ), problems
    assert any(p.startswith("a.csv row 3, column 'go_live'") for p in problems), problems
    assert dates(["31/02/2027"])[0] == [BAD]  # no day of the calendar either way


@pytest.mark.parametrize("text", ["1.4.27", "01/04/27", "01.04.27"])
def test_read_dates_two_digit_year_says_four_digits(text: str) -> None:
    out, problems = dates([text])
    assert out == [BAD]
    assert len(problems) == 1 and "write the year with four digits" in problems[0]
    assert problems[0].startswith("a.csv row 2, column 'go_live'")


def test_cli_reads_day_first_slash_dates(solution: Path, tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "A,live,1,30/06/2027,\nC,live,2,01/04/2027,\n")
    assert go_lives(track_json(solution, path)) == {"A": "2027-06-30", "C": "2027-04-01"}
    path = write(tmp_path, HEAD + "A,live,1,06/30/2027,\nC,live,2,01/04/2027,\n")
    assert go_lives(track_json(solution, path)) == {"A": "2027-06-30", "C": "2027-01-04"}


def test_cli_refuses_unsettled_and_mixed_slash_dates(solution: Path, tmp_path: Path) -> None:
    err = refused(solution, write(tmp_path, HEAD + "A,live,1,01/04/2027,\nC,live,2,,\n"))
    assert "actuals.csv row 2, column 'go_live'" in err
    assert "1 April 2027 (day first) or 4 January 2027 (month first)" in err
    assert "2027-04-01 or 01.04.2027" in err
    err = refused(solution, write(tmp_path, HEAD + "A,live,1,30/06/2027,\nC,live,2,06/30/2027,\n"))
    assert "actuals.csv row 2, column 'go_live'" in err
    assert "actuals.csv row 3, column 'go_live'" in err
    assert "mixes the orders" in err
    err = refused(solution, write(tmp_path, HEAD + "A,live,1,1.4.27,\nC,live,2,01/04/27,\n"))
    assert "actuals.csv row 2, column 'go_live'" in err
    assert "actuals.csv row 3, column 'go_live'" in err
    assert err.count("write the year with four digits") == 2


# 2. Excel serial dates ---------------------------------------------------------------------
def test_read_dates_excel_serials() -> None:
    assert dates([46477, 46477.5]) == ([D(2027, 3, 31), D(2027, 3, 31)], [])
    out, problems = dates(["46477"])  # text: a CSV export of an unformatted column
    assert out == [BAD]
    assert problems == [
        "a.csv row 2, column 'go_live': must be a date; found '46477', which looks like an "
        "Excel serial date for 2027-03-31: format the column as dates before exporting (or "
        "write 2027-03-31)"
    ]
    out, problems = dates([12, 80000])  # 1900-01-12 and 2119: no serials of 1990–2100
    assert out == [BAD, BAD] and len(problems) == 2
    assert all("no Excel date of 1990–2100" in p for p in problems)


def _xlsx(path: Path, go_live: Any) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "status", "spent", "go_live"])
    sheet.append(["A", "live", 1, go_live])  # a number: a cell formatted General
    sheet.append(["C", "live", 2, dt.datetime(2027, 5, 2)])  # a date cell
    workbook.save(path)
    return path


def test_cli_xlsx_serial_read_csv_serial_refused(solution: Path, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "actuals.xlsx", 46477)
    assert go_lives(track_json(solution, path)) == {"A": "2027-03-31", "C": "2027-05-02"}
    err = refused(solution, _xlsx(tmp_path / "far.xlsx", 80000))
    assert "far.xlsx row 2, column 'go_live'" in err and "no Excel date of 1990–2100" in err
    err = refused(solution, write(tmp_path, HEAD + "A,live,1,46477,\n"))
    assert "actuals.csv row 2, column 'go_live'" in err
    assert "looks like an Excel serial date for 2027-03-31" in err
    assert "format the column as dates before exporting" in err


# 3. nothing after the date but a time ------------------------------------------------------
def test_read_dates_whole_dates_only() -> None:
    day = D(2027, 4, 1)
    kept = [" 2027-04-01 ", "2027-04-01 00:00:00", "2027-04-01T09:30", "2027-04-01 09:30:15"]
    assert dates(kept) == ([day] * 4, [])
    for text in ("2027-04-01xyz", "2027-04-01 (approx)", "2027-04-01 25:00", "2027-04-011"):
        out, problems = dates([text])
        assert out == [BAD], text
        assert problems == [
            f"a.csv row 2, column 'go_live': must be a date such as 2027-03-31 (or 31.03.2027); "
            f"found {text.strip()!r}"
        ]


def test_cli_refuses_trailing_text(solution: Path, tmp_path: Path) -> None:
    err = refused(solution, write(tmp_path, HEAD + "A,live,1,2027-04-01xyz,\n"))
    assert "actuals.csv row 2, column 'go_live': must be a date" in err
    assert "'2027-04-01xyz'" in err
    path = write(tmp_path, HEAD + "A,live,1,2027-04-01 00:00:00,\nC,live,2,2027-04-02T09:30,\n")
    assert go_lives(track_json(solution, path)) == {"A": "2027-04-01", "C": "2027-04-02"}


# 4. a quarter where a date is needed -------------------------------------------------------
def test_read_dates_quarter_suggests_first_and_last_day() -> None:
    out, problems = dates(["Q2 2027", "Jan 2027"])
    assert out == [BAD, BAD]
    assert problems[0] == (
        "a.csv row 2, column 'go_live': must be a date, not a period; found 'Q2 2027': write a "
        "date such as 2027-04-01 (first day of Q2 2027) or 2027-06-30 (last day)"
    )
    assert "2027-01-01 (first day of Jan 2027) or 2027-01-31 (last day)" in problems[1]


def test_cli_refuses_quarter_in_go_live_and_due(solution: Path, tmp_path: Path) -> None:
    err = refused(solution, write(tmp_path, HEAD + "A,live,1,Q2 2027,\nB,in progress,2,,2027Q4\n"))
    assert "actuals.csv row 2, column 'go_live': must be a date, not a period" in err
    assert "2027-04-01 (first day of Q2 2027) or 2027-06-30 (last day)" in err
    assert "actuals.csv row 3, column 'due': must be a date, not a period" in err
    assert "2027-10-01 (first day of 2027Q4) or 2027-12-31 (last day)" in err


# 5. period labels spelled differently from the plan's -------------------------------------
def test_calendar_span_spellings() -> None:
    q1 = calendar_span("2027Q1")
    for text in ("Q1 2027", "2027-Q1", "2027 Q1", "Q1-2027", "q1 2027", "2027-q1", "Q1/2027"):
        assert calendar_span(text) == q1, text
    jan = calendar_span("2027-01")
    assert jan == (D(2027, 1, 1), D(2027, 2, 1))
    for text in ("Jan 2027", "January 2027", "jan-2027", "2027 Jan", "Jan. 2027"):
        assert calendar_span(text) == jan, text
    assert calendar_span("Sept 2027") == calendar_span("2027-09")
    assert calendar_span("Janus 2027") is None and calendar_span("Ma 2027") is None


SPELLED = (
    "id,quarter,status,spent\n"
    "A,Q1 2027,in_progress,40\n"
    "A,2027-q2,in_progress,70\n"
    "B,2027 Q2,in_progress,20\n"
    "B,Q3-2027,in_progress,45\n"
)


def test_cli_period_labels_match_the_plans_spelling(quarters: Path, tmp_path: Path) -> None:
    payload = track_json(quarters, write(tmp_path, SPELLED))
    assert [(r["period"], r["spent"]) for r in payload["by_period"]] == [
        ("2027Q1", 40),
        ("2027Q2", 90),
        ("2027Q3", 45),
        ("2027Q4", None),
    ]
    for text in ("q1 2027", "2027-Q1", "Q1-2027"):
        path = write(tmp_path, f"id,quarter,status,spent\nA,{text},in_progress,40\n")
        assert track_json(quarters, path)["by_period"][0]["spent"] == 40, text


@pytest.mark.parametrize(
    ("label", "what"),
    [
        ("2027-01", "unknown period '2027-01'"),  # a month: not the plan's quarter
        ("2027", "unknown period '2027'"),  # a year
        ("FY2027 Q1", "unknown period 'FY2027 Q1'"),  # a fiscal quarter need not be 2027Q1
    ],
)
def test_cli_a_label_of_another_span_is_not_matched(
    quarters: Path, tmp_path: Path, label: str, what: str
) -> None:
    err = refused(quarters, write(tmp_path, f"id,quarter,status,spent\nA,{label},in_progress,4\n"))
    assert "actuals.csv row 2, column 'quarter'" in err and what in err


def test_cli_one_period_twice_in_two_spellings(quarters: Path, tmp_path: Path) -> None:
    text = "id,quarter,status,spent\nA,2027Q1,in_progress,40\nA,Q1 2027,in_progress,40\n"
    err = refused(quarters, write(tmp_path, text))
    assert "actuals.csv row 3, column 'quarter'" in err
    assert "A has two rows for period 2027Q1 ('2027Q1' in row 2, 'Q1 2027' in row 3)" in err


def test_cli_month_names_match_month_labels(tmp_path: Path) -> None:
    plan = roadmap(tmp_path, ["2027-01", "2027-02", "2027-03", "2027-04"])
    text = "id,month,status,spent\nA,Jan 2027,in_progress,10\nA,February 2027,in_progress,20\n"
    payload = track_json(plan, write(tmp_path, text))
    assert [r["spent"] for r in payload["by_period"]][:2] == [10, 20]


def test_cli_ambiguous_slash_date_in_the_period_column(quarters: Path, tmp_path: Path) -> None:
    text = "id,period,status,spent\nA,01/04/2027,in_progress,40\n"
    err = refused(quarters, write(tmp_path, text))
    assert "actuals.csv row 2, column 'period': must be a date whose day and month are clear" in err
    settled = "id,period,status,spent\nA,15/02/2027,in_progress,40\nA,01/04/2027,in_progress,70\n"
    payload = track_json(quarters, write(tmp_path, settled))
    assert [r["spent"] for r in payload["by_period"]][:2] == [40, 70]


# 6. "the same in N more rows" only of identical values -------------------------------------
def test_problem_lines_group_identical_values_only(solution: Path, tmp_path: Path) -> None:
    out, problems = dates(["soon", "next week", "next week"])
    assert out == [BAD] * 3
    assert problems == [
        "a.csv row 2, column 'go_live': must be a date such as 2027-03-31 (or 31.03.2027); "
        "found 'soon'",
        "a.csv rows 3, 4, column 'go_live': must be a date such as 2027-03-31 (or 31.03.2027); "
        "found 'next week' (the same in 1 more row)",
    ]
    text = HEAD + "A,live,1,soon,\nB,live,2,later,\nC,live,3,soon,\n"
    err = refused(solution, write(tmp_path, text))
    assert "rows 2, 4, column 'go_live'" in err and "found 'soon' (the same in 1 more row)" in err
    assert "row 3, column 'go_live'" in err and "found 'later'" in err
    assert "the same in 2 more rows" not in err
