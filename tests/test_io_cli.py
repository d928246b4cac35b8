"""The input boundary on the command line: read-back, warnings before results, JSON
``warnings``, ``--strict``, grouped errors, solve's portfolio.xlsx and left-out list."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from prioritizer.cli import cli

YAML = """\
name: cli io
budget: 1000
segments: {mass: {customers: 1000, ltv: 100}, premium: {customers: 100, ltv: 900}}
teams: {Digital: 25}
initiatives: initiatives.csv
"""
CSV = (
    "Backlog FY2027\n"
    "\n"
    "ID;Name;Segment;Cost (EUR);Churn reduction (pp);Effort Digital;Sponsor\n"
    "A;=Alpha formula-looking;mass;400,5;0,4;10;ann\n"
    "B;Beta;PREMIUM;700;1,5;20;bob\n"
    "C;Gamma;mass;300;0,2;5;cy\n"
    "Total;;;1.400,5;;35;\n"
)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "scenario.yaml").write_text(YAML)
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_validate_reads_back_then_warns(folder: Path) -> None:
    result = run("validate", str(folder / "scenario.yaml"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for fragment in (
        "file:        initiatives.csv",
        "header row:  3",
        "delimiter:   semicolon ';'",
        "numbers:     decimal comma",
        "initiatives: 3",
        "total cost: 1,400.5",
        "total effort_Digital: 35",
        "skipped:     title row 1 above the header",
        "skipped:     total row(s): 7",
        "note:        columns not read: Sponsor",
    ):
        assert fragment in out, (fragment, out)
    assert "warning: initiatives.csv row 7: read as a total" in result.stderr


def test_solve_prints_warnings_before_the_result(folder: Path) -> None:
    result = run("solve", str(folder / "scenario.yaml"))
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.index("warning: initiatives.csv row 7") < text.index("Recommended portfolio")
    assert all(line.startswith("warning:") for line in result.stderr.splitlines())


def test_json_outputs_carry_warnings(folder: Path) -> None:
    payload = json.loads(run("solve", str(folder / "scenario.yaml"), "--format", "json").stdout)
    assert [w["code"] for w in payload["warnings"]] == ["total-rows"]
    frontier = run(
        "frontier", str(folder / "scenario.yaml"), "--budgets", "500,1000", "--format", "json", "-q"
    )
    assert frontier.exit_code == 0, frontier.output
    assert [w["code"] for w in json.loads(frontier.stdout)["warnings"]] == ["total-rows"]


def test_json_warnings_empty_when_none(folder: Path) -> None:
    (folder / "initiatives.csv").write_text(CSV.replace("Total;;;1.400,5;;35;\n", ""))
    payload = json.loads(run("solve", str(folder / "scenario.yaml"), "--format", "json").stdout)
    assert payload["warnings"] == []


def test_strict_turns_warnings_into_errors(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for args in (["validate"], ["solve", "--out", str(out)], ["marginal", "-q"]):
        result = run(args[0], str(folder / "scenario.yaml"), "--strict", *args[1:])
        assert result.exit_code == 2, (args, result.output)
        assert "--strict" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_solve_out_writes_a_formatted_workbook(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("solve", str(folder / "scenario.yaml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out / "portfolio.xlsx")
    sheet = book["Portfolio"]
    assert sheet.freeze_panes == "B2"
    header = [c.value for c in sheet[1]]
    cost = header.index("cost") + 1
    assert sheet.cell(row=2, column=cost).number_format.startswith("#,##0")
    names = [sheet.cell(row=r, column=header.index("name") + 1) for r in range(2, 5)]
    formula_like = [c for c in names if str(c.value).startswith("=")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)


def test_left_out_list_names_the_reason(folder: Path) -> None:
    result = run("solve", str(folder / "scenario.yaml"))
    assert "Left out (most valuable first)" in result.stdout
    assert "budget: needs" in result.stdout or "team Digital" in result.stdout


def test_mandatory_marked_and_names_clipped(folder: Path) -> None:
    (folder / "scenario.yaml").write_text(YAML + "rules: {mandatory: [c]}\n")
    long_name = "A very long initiative name that would never fit a narrow terminal at all"
    (folder / "initiatives.csv").write_text(CSV.replace("Gamma", long_name))
    result = CliRunner().invoke(
        cli, ["solve", str(folder / "scenario.yaml")], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert "C *" in result.stdout and "* mandatory" in result.stdout
    assert long_name not in result.stdout and "…" in result.stdout


def test_team_override_ignores_case(folder: Path) -> None:
    result = run("solve", str(folder / "scenario.yaml"), "--team", "digital=5", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["team_capacity"] == {"Digital": 5.0}


def test_one_line_per_problem_kind_and_column(folder: Path) -> None:
    rows = "".join(f"X{k};n;mass;tbd;0;1;\n" for k in range(48))
    (folder / "initiatives.csv").write_text(
        "id;name;segment;cost;churn_reduction_pp;effort_digital;owner\n" + rows
    )
    result = run("validate", str(folder / "scenario.yaml"))
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if "column 'cost'" in ln]
    assert len(lines) == 1, result.stderr
    assert "rows 2, 3, 4" in lines[0] and "(+36 more)" in lines[0]
    assert "cost must be a plain number such as 450000; found 'tbd'" in lines[0]


def test_yaml_tab_indentation_is_explained(folder: Path) -> None:
    (folder / "scenario.yaml").write_text(
        YAML.replace("teams: {Digital: 25}", "teams:\n\tDigital: 25")
    )
    result = run("validate", str(folder / "scenario.yaml"))
    assert result.exit_code == 2
    assert "scenario.yaml line" in result.stderr and "tab for indentation" in result.stderr
