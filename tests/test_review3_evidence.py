"""Evidence fixes from a third review: rows hidden in Excel are skipped with a warning, a CSV
row with more or fewer fields than the header is refused by both engines alike, and a row's
number is the line its record starts on when an earlier record holds a quoted line break."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.evidence import lines as lines_module
from prioritizer.evidence.analyse import trace_rows
from prioritizer.evidence.lines import LineMap, scan_csv
from prioritizer.evidence.spec import VocSpec
from prioritizer.evidence.voc import count_voc, has_pyarrow

ENGINES = ["pandas", *(["pyarrow"] if has_pyarrow() else [])]

SCENARIO = """name: review3
budget: 450000
segments: {all_c: {customers: 100000, ltv: 1000}}
initiatives:
  - {id: A, addresses: billing error, ces_delta: 1, cost: 200000}
  - {id: B, addresses: rude staff; long wait, ces_delta: 0.5, cost: 300000}
  - {id: C, addresses: app crash, ces_delta: 1, cost: 100000}
evidence:
  voc:
    file: FILE
    columns: {topics: Theme, date: Created, customer: Customer ID}
    window: {from: 2026-01-01, to: 2026-12-31}
"""

SURVEY_SCENARIO = {
    "budget": 100,
    "segments": {"mass": {"customers": 1000, "ltv": 10}},
    "objective": {"stage_weights": "from_evidence"},
    "evidence": {"survey": {"file": "survey.csv", "outcome": "CES", "journey_stage": "Stage"}},
    "initiatives": [{"id": "A", "journey_stage": "Billing", "ces_delta": 1, "cost": 10}],
}
"""A scenario weighting stages from ``survey.csv`` (Stage, CES)."""

ADDRESSES = {"A": ["billing error"], "B": ["rude staff", "long wait"], "C": ["app crash"]}


def voc_spec(file: str = "voc.csv") -> VocSpec:
    return VocSpec.model_validate(
        {
            "file": file,
            "columns": {"topics": "Theme", "date": "Created", "customer": "Customer ID"},
            "window": {"from": "2026-01-01", "to": "2026-12-31"},
        }
    )


def scenario_file(folder: Path, export: str) -> Path:
    (folder / "scenario.yaml").write_text(SCENARIO.replace("FILE", export), encoding="utf-8")
    return folder / "scenario.yaml"


def run(args: list[str], engine: str | None, monkeypatch: pytest.MonkeyPatch) -> object:
    if engine is not None:
        monkeypatch.setenv("PRIORITIZER_VOC_ENGINE", engine)
    return CliRunner().invoke(cli, args)


# -- 1. rows hidden in Excel ------------------------------------------------------------------
def filtered_workbook(path: Path) -> None:
    """Five feedback rows, three 'billing error' (C1, C2, C3); rows 3-4 (C2, C3) hidden as an
    Excel filter leaves them."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(["Feedback ID", "Created", "Customer ID", "Theme"])
    sheet.append([1, "2026-01-05", "C1", "billing error"])
    sheet.append([2, "2026-02-05", "C2", "billing error"])
    sheet.append([3, "2026-03-05", "C3", "billing error"])
    sheet.append([4, "2026-04-05", "C4", "rude staff"])
    sheet.append([5, "2026-05-05", "C5", "app crash"])
    for row in (3, 4):
        sheet.row_dimensions[row].hidden = True
    book.save(path)


def test_hidden_voc_rows_are_skipped_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filtered_workbook(tmp_path / "vx.xlsx")
    scenario = scenario_file(tmp_path, "vx.xlsx")
    result = run(["evidence", str(scenario), "--no-solve"], None, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "vx.xlsx: 3 rows read, 3 counted" in result.stdout
    assert "2 row(s) hidden in Excel" in result.stderr
    assert "vx.xlsx sheet 'Export' rows 3, 4" in result.stderr
    assert "Warning: vx.xlsx sheet 'Export' rows 3, 4: 2 row(s) hidden" in result.stdout
    payload = json.loads(
        run(["evidence", str(scenario), "--no-solve", "--format", "json"], None, monkeypatch).stdout
    )
    volumes = {i["id"]: i["voc_volume"] for i in payload["initiatives"]}
    assert volumes["A"] == pytest.approx(1.0)  # C1 only: C2, C3 are hidden
    assert payload["voc"]["rows_read"] == 3 and payload["voc"]["rows_hidden"] == 2
    assert [w["code"] for w in payload["warnings"]].count("hidden-rows") == 1
    strict = run(["validate", str(scenario), "--strict"], None, monkeypatch)
    assert strict.exit_code == 2 and "hidden in Excel" in strict.output
    assert "Traceback" not in strict.output


def test_hidden_rows_keep_the_sheets_row_numbers(tmp_path: Path) -> None:
    filtered_workbook(tmp_path / "vx.xlsx")
    counts = count_voc(voc_spec("vx.xlsx"), ADDRESSES, base_dir=tmp_path, trace="A")
    assert counts.hidden_rows == (3, 4)
    assert counts.rows_read == 3 and counts.volume_of("A") == 1
    assert list(counts.traced_lines) == [2]
    scenario = px.load_scenario(scenario_file(tmp_path, "vx.xlsx"))
    table = trace_rows(scenario, "C")
    assert list(table["row"]) == [6] and list(table["Theme"]) == ["app crash"]


def test_a_bad_date_below_hidden_rows_names_its_sheet_row(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Created", "Customer ID", "Theme"])
    sheet.append(["later", "C1", "fees"])  # hidden: not read, its date not checked
    sheet.append(["2026-01-06", "C2", "fees"])
    sheet.append(["soon", "C3", "fees"])
    sheet.row_dimensions[2].hidden = True
    book.save(tmp_path / "voc.xlsx")
    with pytest.raises(
        px.ScenarioError, match=r"1 unparseable date\(s\), e\.g\. row 4 \('soon'\);"
    ):
        count_voc(voc_spec("voc.xlsx"), {"A": ["fees"]}, base_dir=tmp_path)


def test_hidden_survey_rows_are_skipped_and_said(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Stage", "CES"])
    for stage, ces in [("Billing", 4), ("Billing", 99), ("Delivery", 2), ("Billing", 6)]:
        sheet.append([stage, ces])
    sheet.row_dimensions[3].hidden = True  # the 99: filtered out
    book.save(tmp_path / "survey.xlsx")
    data = {
        "budget": 100,
        "segments": {"mass": {"customers": 1000, "ltv": 10}},
        "objective": {"stage_weights": "from_evidence"},
        "evidence": {"survey": {"file": "survey.xlsx", "outcome": "CES", "journey_stage": "Stage"}},
        "initiatives": [
            {"id": "A", "journey_stage": "Billing", "ces_delta": 1, "cost": 10},
            {"id": "B", "journey_stage": "Delivery", "ces_delta": 1, "cost": 10},
        ],
    }
    scenario = px.scenario_from_mapping(data, base_dir=tmp_path)
    assert scenario.objective.stage_weights == pytest.approx({"Billing": 5 / 4, "Delivery": 2 / 4})
    [warning] = [w for w in scenario.warnings if w.code == "hidden-rows"]
    assert "survey responses" in warning.message and warning.where.endswith("row 3")
    report = px.analyse_evidence(scenario, solve=False)
    assert report.survey.responses == 3


# -- 2. rows with more or fewer fields than the header ----------------------------------------
RAGGED = "\n".join(
    [
        "Feedback ID;Created;Customer ID;Theme",
        "1;2026-01-05;C1;billing error",
        "2;2026-02-05;C2;long wait",
        "3;2026-03-05;C3;rude staff; long wait",  # unquoted ';': 5 fields
        "4;2026-04-05;C4;app crash; long wait",
    ]
)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_with_more_fields_is_refused_by_both_engines(tmp_path: Path, engine: str) -> None:
    (tmp_path / "voc.csv").write_text(RAGGED + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError) as info:
        count_voc(voc_spec(), ADDRESSES, base_dir=tmp_path, engine=engine)
    text = str(info.value)
    assert "voc.csv: cannot read as CSV: 2 row(s)" in text
    assert "the header's 4, e.g. row 4 (5 fields), row 5 (5 fields)" in text
    assert "expected 4 fields in every row" in text and "separator ';' must be quoted" in text


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_with_fewer_fields_is_refused_by_both_engines(tmp_path: Path, engine: str) -> None:
    lines = ["Created;Customer ID;Theme", "2026-01-05;C1;fees", "2026-01-06;C2", "", " ;  "]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError, match=r"1 row\(s\).*header's 3, e\.g\. row 3 \(2 fields"):
        count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_lines_of_spaces_or_delimiters_of_any_width_are_blank(tmp_path: Path, engine: str) -> None:
    lines = ["Created;Customer ID;Theme", "2026-01-05;C1;fees", ";", ";;;;;;", "  ", '"";" "']
    lines += ["2026-01-07;C2;fees"]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts = count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
    assert counts.rows_read == 2 and counts.volume_of("A") == 2


@pytest.mark.parametrize("engine", ENGINES)
def test_the_cli_refuses_a_ragged_export_with_exit_2(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vp.csv").write_text(RAGGED + "\n", encoding="utf-8")
    result = run(["evidence", str(scenario_file(tmp_path, "vp.csv"))], engine, monkeypatch)
    assert result.exit_code == 2
    assert "row 4 (5 fields)" in result.output and "Traceback" not in result.output


def test_a_ragged_survey_row_is_refused(tmp_path: Path) -> None:
    lines = ["Stage,CES", "Billing,4", "Billing,4,5", "Delivery"]
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = SURVEY_SCENARIO
    with pytest.raises(px.ScenarioError, match=r"row 3 \(3 fields\), row 4 \(1 fields\)"):
        px.scenario_from_mapping(data, base_dir=tmp_path)


# -- 3. row numbers after a record with a quoted line break -----------------------------------
MULTILINE = "\n".join(
    [
        "Feedback ID,Created,Customer ID,Comment,Theme",
        '1,2026-01-05,C1,"bad',
        'very bad",billing error',
        '2,2026-02-05,C2,"ok, ""fine""",Billing Error',
        "3,2026-03-05,C3,x,rude staff",
        "4,2026-04-05,C4,x,long wait; rude staff",
        '5,2026-05-05,C5,"a',
        "",
        'b",app crash',
        "6,2026-06-05,C6,x,app crash",
        "7,2026-08-05,C1,x,billing error",
        "8,someday,C8,x,app crash",
    ]
)


@pytest.mark.parametrize("engine", ENGINES)
def test_trace_rows_are_the_lines_records_start_on(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vnl.csv").write_text(MULTILINE.replace("someday", "2026-09-09") + "\n", "utf-8")
    scenario = scenario_file(tmp_path, "vnl.csv")
    out = tmp_path / "tr"
    args = ["evidence", str(scenario), "--no-solve", "--trace", "A", "--out", str(out)]
    result = run(args, engine, monkeypatch)
    assert result.exit_code == 0, result.output
    rows = (out / "voc_rows_A.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["2", "4", "11"]
    assert trace_rows(px.load_scenario(scenario), "C")["row"].tolist() == [7, 10, 12]


@pytest.mark.parametrize("engine", ENGINES)
def test_errors_after_a_multiline_record_name_its_line(tmp_path: Path, engine: str) -> None:
    (tmp_path / "voc.csv").write_text(MULTILINE + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError, match=r"row 12 \('someday'\)"):
        count_voc(voc_spec(), ADDRESSES, base_dir=tmp_path, engine=engine)
    ragged = MULTILINE.replace("7,2026-08-05,C1,x,", "7,2026-08-05,C1,x,y,")
    (tmp_path / "voc.csv").write_text(ragged + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError, match=r"e\.g\. row 11 \(6 fields\)"):
        count_voc(voc_spec(), ADDRESSES, base_dir=tmp_path, engine=engine)


def test_a_survey_value_after_a_multiline_record_names_its_line(tmp_path: Path) -> None:
    lines = ["Stage,Note,CES", 'Billing,"long', 'note",4', "Delivery,x,seven"]
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = SURVEY_SCENARIO
    with pytest.raises(px.ScenarioError, match=r"row 4 \('seven'\)"):
        px.scenario_from_mapping(data, base_dir=tmp_path)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_without_quoted_line_breaks_is_not_followed_record_by_record(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["Created,Customer ID,Comment,Theme", '2026-01-05,C1,"a, b",fees', ""]
    lines += ["2026-01-06,C2,x,fees", "soon,C3,x,fees"]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def refuse(*_args: object) -> None:
        raise AssertionError("the file was followed record by record")

    monkeypatch.setattr(lines_module, "_follow_records", refuse)
    with pytest.raises(px.ScenarioError, match=r"row 5 \('soon'\)"):
        count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine, trace="A")


def test_line_maps() -> None:
    assert LineMap().lines([0, 5]).tolist() == [2, 7]
    spans = LineMap.from_gaps([1, 3], [1, 2])  # records 1 and 3 span 2 and 3 lines
    assert spans.lines([0, 1, 2, 3]).tolist() == [2, 4, 5, 8]
    header = LineMap.from_gaps([0], [1])  # a header over two lines
    assert header.lines([0, 1]).tolist() == [3, 4]
    rows = LineMap.from_numbers([2, 5, 6, 9])
    assert rows.lines(np.arange(4)).tolist() == [2, 5, 6, 9]


def test_scan_csv_finds_starts_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('a,b\n1,"x\ny"\n\n2,3,4\n ,\n5\n', encoding="utf-8")
    layout = scan_csv(path, ",", 2)
    assert layout.rows == 5 and layout.ragged == [(5, 3), (7, 1)]
    assert layout.line_map.lines(np.arange(5)).tolist() == [2, 4, 5, 6, 7]


# -- review of the fixes: empty hidden rows, a wide line of separators, no rows at all ------
def test_empty_hidden_rows_below_the_data_are_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hiding the unused rows under an export tidies the sheet; it hides no feedback."""
    filtered_workbook(tmp_path / "vx.xlsx")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(tmp_path / "vx.xlsx")
    sheet = book.active
    for row in (3, 4):
        sheet.row_dimensions[row].hidden = False
    for row in range(10, 20):
        sheet.row_dimensions[row].hidden = True
    book.save(tmp_path / "vx.xlsx")
    target = scenario_file(tmp_path, "vx.xlsx")
    out = run(["evidence", str(target), "--no-solve", "--format", "json"], None, monkeypatch)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["voc"]["rows_hidden"] == 0
    assert not [w for w in data["warnings"] if "hidden" in json.dumps(w)]
    strict = run(["validate", str(target), "--strict"], None, monkeypatch)
    assert "hidden" not in strict.output  # (its other warnings: topics the sheet lacks)


@pytest.mark.parametrize("engine", ENGINES)
def test_trace_reads_past_a_line_of_separators_wider_than_the_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """The counter takes ',,,,,,,' for a blank line; the trace used to stop on it with a
    pandas ParserError (a traceback)."""
    (tmp_path / "voc.csv").write_text(
        "Feedback ID,Created,Customer ID,Theme\n"
        "1,2026-01-05,C1,billing error\n"
        ",,,,,,,\n"
        "2,2026-02-05,C2,billing error\n",
        encoding="utf-8",
    )
    target = scenario_file(tmp_path, "voc.csv")
    out = run(
        ["evidence", str(target), "--no-solve", "--trace", "A", "--out", str(tmp_path / "t")],
        engine,
        monkeypatch,
    )
    assert out.exit_code == 0, out.output
    rows = (tmp_path / "t" / "voc_rows_A.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in rows[1:]] == ["2", "4"]


@pytest.mark.parametrize("hide_all", [True, False])
def test_an_export_without_feedback_rows_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hide_all: bool
) -> None:
    """Every row hidden (a filter left on) or a header alone: before, a KeyError traceback."""
    if hide_all:
        filtered_workbook(tmp_path / "vx.xlsx")
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.load_workbook(tmp_path / "vx.xlsx")
        for row in range(2, 7):
            book.active.row_dimensions[row].hidden = True
        book.save(tmp_path / "vx.xlsx")
        target = scenario_file(tmp_path, "vx.xlsx")
    else:
        (tmp_path / "voc.csv").write_text("Feedback ID,Created,Customer ID,Theme\n\n")
        target = scenario_file(tmp_path, "voc.csv")
    out = run(["evidence", str(target), "--no-solve"], None, monkeypatch)
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output
    assert "no feedback rows below the header" in out.stderr
    assert ("all 5 row(s) are hidden in Excel" in out.stderr) == hide_all


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_a_header_alone_reads_the_same_with_either_engine_with_or_without_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, ending: str
) -> None:
    """A header with no line break after it: pyarrow said "Empty CSV file or block: cannot
    infer number of columns" where pandas says there are no rows."""
    (tmp_path / "voc.csv").write_text("Feedback ID,Created,Customer ID,Theme" + ending)
    target = scenario_file(tmp_path, "voc.csv")
    out = run(["evidence", str(target), "--no-solve"], engine, monkeypatch)
    assert out.exit_code == 2, out.output
    assert "Traceback" not in out.output
    assert "voc.csv: no feedback rows below the header" in out.stderr
