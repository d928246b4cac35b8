"""The command line through click's CliRunner: commands, formats, overrides, exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from prioritizer.cli import cli

BANK = str(SCENARIOS / "retail_bank" / "scenario.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_validate_reports_counts() -> None:
    code, out, _ = run("validate", BANK)
    assert code == 0
    assert "valid" in out and "40 initiatives, 4 teams, 3 segments" in out


def test_solve_table_has_portfolio_and_totals() -> None:
    code, out, _ = run("solve", BANK)
    assert code == 0
    for text in (
        "Recommended portfolio",
        "KYC-REFRESH",
        "Business value (NPV)",
        "Cost vs budget",
        "Digital team",
        "Status",
        "Proven optimal",
        "Solve time",
    ):
        assert text in out


def test_solve_table_uses_the_decks_words() -> None:
    """The terminal names teams, the objective and the solver as the deck does (issue 11's
    leftovers): "IT team", not "Team it"; the combined score as a share of all value on the
    table; the open-source CBC optimizer, proven optimal, not "cbc (PuLP bundled)", "gap"."""
    code, out, _ = run("solve", BANK)
    assert code == 0
    for text in ("IT team", "Contact centre team", "Operations team", "Combined score"):
        assert text in out, text
    assert "41.8% of all value on the table (weights: money 70%, customer value 30%)" in out
    assert "The open-source CBC optimizer" in out and "Proven optimal" in out
    assert "Running cost vs its budget" in out
    for jargon in ("Team it", "share of the whole opportunity", "PuLP", "gap", "opex", "(blended)"):
        assert jargon not in out, jargon


def test_solve_json_contract() -> None:
    code, out, _ = run("solve", BANK, "--format", "json")
    assert code == 0
    data = json.loads(out)
    for key in (
        "status",
        "objective",
        "selected",
        "business_value",
        "customer_value",
        "cost",
        "team_use",
        "solver",
        "gap",
    ):
        assert key in data
    assert data["status"] == "optimal" and data["gap"] == 0.0
    assert set(data["team_use"]) == {"digital", "operations", "contact_centre", "it"}


def test_solve_json_is_byte_identical_across_runs() -> None:
    assert run("solve", BANK, "--format", "json")[1] == run("solve", BANK, "--format", "json")[1]


def test_solve_csv_lists_chosen() -> None:
    code, out, _ = run("solve", BANK, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    chosen = json.loads(run("solve", BANK, "--format", "json")[1])["selected"]
    assert code == 0 and [r["id"] for r in rows] == chosen
    assert "effort_digital" in rows[0]


def test_overrides_change_the_answer() -> None:
    base = json.loads(run("solve", BANK, "--format", "json")[1])
    lean = json.loads(run("solve", BANK, "--format", "json", "--budget", "1500000")[1])
    assert lean["cost"] <= 1_500_000 < base["cost"]
    tight = json.loads(run("solve", BANK, "--format", "json", "--team", "digital=600")[1])
    assert tight["team_use"]["digital"] <= 600
    forced = json.loads(
        run(
            "solve",
            BANK,
            "--format",
            "json",
            "--force-in",
            "CHATBOT-BUY",
            "--force-out",
            "COMPLAINT-HUB",
        )[1]
    )
    assert "CHATBOT-BUY" in forced["selected"] and "COMPLAINT-HUB" not in forced["selected"]
    business = json.loads(run("solve", BANK, "--format", "json", "--objective", "business")[1])
    assert business["objective"] == pytest.approx(business["business_value"])
    customer = json.loads(
        run("solve", BANK, "--format", "json", "--weights", "business=0,customer=1")[1]
    )
    assert customer["customer_value"] >= base["customer_value"]
    capped = json.loads(
        run(
            "solve",
            BANK,
            "--format",
            "json",
            "--opex-budget",
            "100000",
            "--solver",
            "highs",
            "--time-limit",
            "30",
            "--gap",
            "0.01",
        )[1]
    )
    assert capped["status"] == "optimal" and capped["solver"].startswith("highs")


def test_out_writes_files_atomically(tmp_path: Path) -> None:
    out = tmp_path / "results"
    (tmp_path / "results").mkdir()
    (out / "mine.txt").write_text("keep me")
    code, _, err = run("solve", BANK, "--out", str(out))
    assert code == 0 and "Wrote" in err
    assert json.loads((out / "solution.json").read_text())["status"] == "optimal"
    assert "selected" in (out / "portfolio.csv").read_text().splitlines()[0]
    assert (out / "mine.txt").read_text() == "keep me"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_infeasible_exit_1_names_rules() -> None:
    code, out, err = run("solve", BANK, "--budget", "500000")
    assert code == 1 and out == ""
    assert "Infeasible" in err and "budget EUR 500,000" in err
    assert "KYC-REFRESH is mandatory" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ("solve", "missing.yaml"),
        ("solve", BANK, "--team", "digital"),
        ("solve", BANK, "--team", "design=10"),
        ("solve", BANK, "--weights", "business=x"),
        ("solve", BANK, "--weights", "profit=1"),
        ("solve", BANK, "--force-in", "NOPE"),
        ("solve", BANK, "--objective", "profit"),
        ("solve", BANK, "--budget", "-5"),
        ("solve", BANK, "--gap", "-1"),
        ("solve", BANK, "--format", "xml"),
        ("validate", str(SCENARIOS)),
    ],
)
def test_bad_input_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and err.strip()


def test_refuses_to_write_over_inputs(bank_dir: Path) -> None:
    code, _, err = run("solve", str(bank_dir / "scenario.yaml"), "--out", str(bank_dir))
    assert code == 0 or code == 2
    # portfolio.csv / solution.json are not inputs; an input named like an output is refused:
    (bank_dir / "scenario.yaml").rename(bank_dir / "solution.json")
    code, _, err = run("solve", str(bank_dir / "solution.json"), "--out", str(bank_dir))
    assert code == 2 and "refusing to write over an input file" in err


def test_init_writes_a_template_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "starter"
    code, _, _ = run("init", str(target))
    assert code == 0
    for name in ("scenario.yaml", "initiatives.csv", "initiatives.xlsx", "COLUMNS.md"):
        assert (target / name).exists(), name
    code, _, err = run("validate", "--strict", str(target / "scenario.yaml"))
    assert code == 0 and "warning" not in err  # a clean start: no limit that limits nothing
    code, out, err = run("solve", str(target / "scenario.yaml"), "--format", "json")
    assert code == 0, err
    csv_solution = json.loads(out)
    # the example rows ask more than the limits: the template shows a real choice
    assert 0 < len(csv_solution["selected"]) < 3
    yaml_text = (target / "scenario.yaml").read_text()
    (target / "scenario.yaml").write_text(yaml_text.replace("initiatives.csv", "initiatives.xlsx"))
    assert run("validate", "--strict", str(target / "scenario.yaml"))[0] == 0
    code, out, err = run("solve", str(target / "scenario.yaml"), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["selected"] == csv_solution["selected"]  # same rows in both files
    code, _, err = run("init", str(target))
    assert code == 2 and "already exists" in err
    assert run("init", str(target), "--force")[0] == 0


def test_doctor_reports_solvers() -> None:
    code, out, _ = run("doctor")
    assert code == 0 and "solver cbc    works" in out
    # every extra of pyproject.toml is listed with its packages' versions
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    listed = set(re.findall(r"\[(\w+)\]", out))
    extras = set(pyproject["project"]["optional-dependencies"])
    assert extras - {"bench", "dev", "notebook"} <= listed
    assert re.search(r"\[report\]\s+python-pptx (\d|not installed)", out)


def test_help_has_examples() -> None:
    for command in ("validate", "solve", "init"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example" in out


ANALYSES = [
    ("frontier", "--budgets", "1e6:4e6:4"),
    ("marginal",),
    ("tornado", "--top", "5"),
    ("pareto", "--points", "4", "--steps", "3"),
    ("montecarlo", "--draws", "20", "--seed", "3"),
    ("explain", "CHATBOT-BUY"),
]


@pytest.mark.parametrize("args", ANALYSES, ids=lambda a: a[0])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_analysis_commands_every_format(args: tuple[str, ...], fmt: str) -> None:
    code, out, err = run(args[0], BANK, *args[1:], "--workers", "1", "--format", fmt)
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data["scenario"].startswith("Retail bank")
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2 and len(rows[0]) >= 2
    else:
        assert "Retail bank" in out or "CHATBOT-BUY" in out


def test_analysis_accepts_what_if_overrides() -> None:
    base = json.loads(run("frontier", BANK, "--budgets", "3e6", "--format", "json")[1])
    lean = json.loads(
        run("frontier", BANK, "--budgets", "3e6", "--team", "digital=900", "--format", "json")[1]
    )
    assert lean["points"][0]["objective"] < base["points"][0]["objective"]
    forced = json.loads(
        run("explain", BANK, "ONB-EID", "--force-in", "ONB-EID", "--format", "json")[1]
    )
    assert forced["initiatives"][0]["forced_status"] == "mandatory"


def test_frontier_json_contract() -> None:
    code, out, _ = run("frontier", BANK, "--budgets", "3e6,1e6,2e6", "--format", "json")
    points = json.loads(out)["points"]
    assert code == 0 and [p["budget"] for p in points] == [1e6, 2e6, 3e6]
    assert all({"budget", "objective", "status", "selected"} <= set(p) for p in points)


def test_montecarlo_json_same_whatever_workers() -> None:
    args = ("montecarlo", BANK, "--draws", "30", "--seed", "9", "--format", "json")
    one = run(*args, "--workers", "1")[1]
    two = run(*args, "--workers", "2")[1]
    assert one == two
    data = json.loads(one)
    assert data["draws"] == 30 and data["seed"] == 9
    assert {"id", "selection_frequency", "class"} <= set(data["initiatives"][0])


def test_analysis_out_writes_json_csv_and_chart(tmp_path: Path) -> None:
    code, _, err = run("marginal", BANK, "--workers", "1", "--out", str(tmp_path))
    assert code == 0, err
    for name in ("marginal.json", "marginal.csv", "marginal.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "marginal.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_scenarios_and_budgets(tmp_path: Path, bank_dir: Path) -> None:
    code, out, _ = run("compare", BANK, "--budget", "2.4e6", "--budget", "3e6")
    assert code == 0 and "budget 2,400,000" in out and "in some only" in out
    code, out, _ = run("compare", BANK, str(bank_dir / "scenario.yaml"), "--format", "json")
    assert code == 0 and len(json.loads(out)["scenarios"]) == 2
    code, _, err = run("compare", BANK, BANK, "--budget", "1")
    assert code == 2 and "one scenario" in err


@pytest.mark.parametrize(
    "args",
    [
        ("frontier", BANK, "--budgets", "1:2"),
        ("frontier", BANK, "--budgets", "a,b"),
        ("montecarlo", BANK, "--draws", "0"),
        ("montecarlo", BANK, "--core", "0.1", "--exterior", "0.5"),
        ("explain", BANK, "NOPE"),
        ("tornado", BANK, "--relative", "2"),
    ],
)
def test_analysis_bad_input_exit_2(args: tuple[str, ...]) -> None:
    code, _, err = run(*args)
    assert code == 2 and "Traceback" not in err and err.strip()


def test_analysis_infeasible_exit_1() -> None:
    code, _, err = run("marginal", BANK, "--budget", "1000", "--workers", "1")
    assert code == 1 and "budget" in err


def test_same_answer_whatever_the_row_order(bank_dir: Path) -> None:
    table = bank_dir / "initiatives.csv"
    lines = table.read_text().splitlines()
    first = json.loads(run("solve", str(bank_dir / "scenario.yaml"), "--format", "json")[1])
    table.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    second = json.loads(run("solve", str(bank_dir / "scenario.yaml"), "--format", "json")[1])
    assert set(first.pop("selected")) == set(second.pop("selected"))  # lists follow input order
    assert first == second  # everything else identical, the manifest's input hash included
