"""``prioritizer roadmap`` through click's runner: JSON fields of spec.md §5, CSV, --out,
what-if overrides, pinned starts, located errors (exit 2) and diagnosed infeasibility (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from prioritizer.cli import cli

YAML = """\
name: tiny roadmap
budget: 1000
discount_rate: 0.1
horizon_years: 1
periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]
period_budgets: [300, 300, 200, 200]
segments: {s: {customers: 100, ltv: 10}}
teams: {dev: 100}
period_teams: {dev: 20}
objective: {mode: business}
initiatives: initiatives.csv
"""
CSV = """\
id,name,pillar,cost,cost_savings,duration,ramp_up,effort_dev,depends_on,deadline,voc_volume,ces_delta
A,Alpha platform,trust,400,800,2,1,20,,,0,0
B,Beta feature,ease,200,500,1,0,10,A,,0,0
C,Gamma fix,empathy,300,900,1,0,0,,2027Q2,10,1
D,Delta idea,ease,500,100,1,0,0,,,0,0
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_has_the_spec_fields(folder: Path) -> None:
    code, out, err = run("roadmap", str(folder / "scenario.yaml"), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    for key in ("status", "objective", "business_value", "customer_value", "plan", "warnings"):
        assert key in data
    assert data["status"] == "optimal"
    plan = {entry["id"]: entry for entry in data["plan"]}
    assert [e["id"] for e in data["plan"]] == [i for i in "ABCD" if i in plan]  # input order
    # business mode: the objective is the business value
    assert data["objective"] == pytest.approx(data["business_value"])
    # B starts after A's last period; C is done by its deadline
    labels = data["periods"]
    if "B" in plan:
        assert labels.index(plan["B"]["start"]) > labels.index(plan["A"]["finish"])
    assert labels.index(plan["C"]["finish"]) <= labels.index("2027Q2")
    for entry in data["plan"]:
        assert set(entry) >= {"id", "start", "finish", "go_live"}
        assert entry["go_live"] is None or entry["go_live"] in labels
    # spend per period within its limit
    for row, limit in zip(data["by_period"], [300, 300, 200, 200], strict=True):
        assert row["spend"] <= limit + 1e-9


def test_table_csv_and_out(folder: Path, tmp_path: Path) -> None:
    code, out, err = run("roadmap", str(folder / "scenario.yaml"))
    assert code == 0, err
    assert "By period" in out and "2027Q1" in out and "Business value (NPV)" in out
    code, out, _ = run("roadmap", str(folder / "scenario.yaml"), "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("id,")
    assert "npv_lost_one_period_later" in out.splitlines()[0]
    target = tmp_path / "out"
    code, _, err = run("roadmap", str(folder / "scenario.yaml"), "--out", str(target))
    assert code == 0, err
    names = {p.name for p in target.iterdir()}
    assert {"roadmap.json", "roadmap.csv", "by_period.csv", "start_values.csv"} <= names
    assert {"roadmap_gantt.png", "roadmap_spend.png", "roadmap_capacity.png"} <= names
    assert "roadmap_value.png" in names


def test_pinned_start_and_period_budget_override(folder: Path) -> None:
    args = ["roadmap", str(folder / "scenario.yaml"), "--format", "json"]
    code, out, err = run(*args, "--start", "A=2027Q3")
    assert code == 0, err
    plan = {e["id"]: e for e in json.loads(out)["plan"]}
    assert plan["A"]["start"] == "2027Q3" and plan["A"]["go_live"] is None
    code, out, err = run(*args, "--period-budget", "2027Q1=0", "--period-budget", "2027Q2=0")
    assert code == 0, err
    data = json.loads(out)
    assert data["by_period"][0]["spend"] == 0 and data["by_period"][1]["spend"] == 0
    assert "C" not in {e["id"] for e in data["plan"]}  # C must be done by 2027Q2
    code, out, err = run(*args, "--budget", "0")
    assert code == 0 and json.loads(out)["plan"] == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "ZZ=2027Q1"], "unknown initiative id 'ZZ'"),
        (["--start", "A=2031Q1"], "unknown period label '2031Q1'"),
        (["--start", "A=2027Q4"], "would not finish by 2027Q4"),
        (["--period-budget", "2031Q1=5"], "unknown period label '2031Q1'"),
        (["--period-budget", "2027Q1=lots"], "is not a number"),
        (["--start", "A"], "expected ID=LABEL"),
    ],
)
def test_bad_options_exit_2(folder: Path, extra: list[str], message: str) -> None:
    code, out, err = run("roadmap", str(folder / "scenario.yaml"), *extra)
    assert code == 2 and message in err and "Traceback" not in err + out, err


def test_scenario_without_periods_is_refused(folder: Path) -> None:
    yaml = "\n".join(line for line in YAML.splitlines() if "period" not in line) + "\n"
    (folder / "scenario.yaml").write_text(yaml, encoding="utf-8")
    code, _, err = run("roadmap", str(folder / "scenario.yaml"))
    assert code == 2 and "needs `periods`" in err


def test_infeasible_deadline_is_told_in_business_words(folder: Path) -> None:
    csv = CSV.replace("C,Gamma fix,empathy,300,900,1,", "C,Gamma fix,empathy,300,900,3,")
    (folder / "initiatives.csv").write_text(csv + "", encoding="utf-8")
    yaml = YAML.replace("objective:", "rules: {mandatory: [C]}\nobjective:")
    (folder / "scenario.yaml").write_text(yaml, encoding="utf-8")
    code, _, err = run("roadmap", str(folder / "scenario.yaml"))
    assert code == 1
    assert "C must be live by 2027Q3 but needs 3 quarters and the plan starts in 2027Q1" in err


def test_budget_sweep_is_a_frontier_of_roadmaps(folder: Path) -> None:
    code, out, err = run(
        "roadmap", str(folder / "scenario.yaml"), "--budgets", "1000,0,300", "--format", "json"
    )
    assert code == 0, err
    points = json.loads(out)["points"]
    assert [p["budget"] for p in points] == [0, 300, 1000]
    objectives = [p["objective"] for p in points]
    assert objectives == sorted(objectives)  # more money never plans less value
    assert all(p["cost"] <= p["budget"] + 1e-9 for p in points)


@pytest.mark.parametrize("command", ["frontier", "tornado", "marginal", "pareto"])
def test_one_lump_analyses_refuse_a_roadmap_cleanly(folder: Path, command: str) -> None:
    code, out, err = run(command, str(folder / "scenario.yaml"))
    assert code == 2 and "does not work on a roadmap yet" in err
    assert "Traceback" not in out + err


def test_formulation_option_lists_the_library_formulations_and_default() -> None:
    """The CLI writes the names out (to start without the roadmap package): kept equal here."""
    from prioritizer.cli.roadmap import roadmap
    from prioritizer.roadmap.formulations import DEFAULT_FORMULATION, FORMULATIONS

    option = next(p for p in roadmap.params if p.name == "formulation")
    assert tuple(option.type.choices) == FORMULATIONS  # type: ignore[attr-defined]
    assert option.default == DEFAULT_FORMULATION
