"""The register of approved plans: transactions, concurrency, schema versions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from click.testing import CliRunner
from test_track import ACTUALS_CSV, hand_dict

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.tracking import register as reg_module
from prioritizer.tracking.register import RegisterError, open_register

ROOT = Path(__file__).resolve().parent.parent

APPROVER = """
import json, sys, time
import sqlalchemy as sa
import prioritizer as px
from prioritizer.tracking.register import open_register
path, scenario, count, hang = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "hang"
res = px.optimize(px.scenario_from_mapping(json.loads(open(scenario).read())))
book = open_register(path)
if hang:
    def stall(conn, clause, *args):
        if getattr(clause, "table", None) is not None and clause.table.name == "plans":
            print("inside", flush=True)
            time.sleep(120)
    sa.event.listen(book.engine, "after_execute", stall)
for k in range(count):
    book.approve(res, label=f"{sys.argv[5]}-{k}")
print("done", flush=True)
"""


@pytest.fixture
def scenario_json(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(hand_dict()), encoding="utf-8")
    return path


def approver(
    tmp_path: Path, db: Path, scenario: Path, count: int, hang: bool, tag: str
) -> subprocess.Popen[str]:
    script = tmp_path / "approver.py"
    script.write_text(APPROVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(db),
            str(scenario),
            str(count),
            "hang" if hang else "go",
            tag,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_approve_history_and_plan_round_trip(tmp_path: Path) -> None:
    book = open_register(tmp_path / "r.sqlite")
    res = px.optimize(px.scenario_from_mapping(hand_dict()))
    first = book.approve(res, label="FY2027 as approved")
    second = book.approve(res, label="FY2027 revised")
    assert (first, second) == (1, 2)
    records = book.history()
    assert [r.label for r in records] == ["FY2027 as approved", "FY2027 revised"]
    assert records[0].selected == 3 and records[0].cost == 170000
    plan = book.plan("FY2027 as approved")
    assert plan.ids == ["A", "B", "C"] and plan.extra["plan_id"] == 1
    assert plan.initiatives[0].forecast["churn_reduction_pp"] == 1.0
    assert book.plan(None).extra["plan_id"] == 2
    with pytest.raises(RegisterError, match="no plan 'nope'"):
        book.plan("nope")


def test_killed_mid_write_leaves_last_committed_state(tmp_path: Path, scenario_json: Path) -> None:
    db = tmp_path / "r.sqlite"
    book = open_register(db)
    book.approve(px.optimize(px.scenario_from_mapping(hand_dict())), label="committed")
    proc = approver(tmp_path, db, scenario_json, 1, True, "torn")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "inside"  # the insert ran, not committed
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    again = open_register(db)
    assert [r.label for r in again.history()] == ["committed"]
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    again.approve(px.optimize(px.scenario_from_mapping(hand_dict())), label="after")
    assert [r.label for r in again.history()] == ["committed", "after"]


def test_two_processes_approving_at_once_both_land(tmp_path: Path, scenario_json: Path) -> None:
    db = tmp_path / "fresh.sqlite"  # both also race to create the schema
    procs = [approver(tmp_path, db, scenario_json, 5, False, tag) for tag in ("left", "right")]
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "done" in out
    labels = sorted(r.label for r in open_register(db).history())
    assert labels == sorted([f"left-{k}" for k in range(5)] + [f"right-{k}" for k in range(5)])
    assert open_register(db).version == reg_module.SCHEMA_VERSION


def test_newer_schema_refused_and_older_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "r.sqlite"
    book = open_register(db)
    with book.engine.begin() as conn:
        conn.execute(sa.text("UPDATE register_schema SET version = 99"))
    with pytest.raises(RegisterError, match="schema version 99, written by a newer prioritizer"):
        open_register(db)
    code = CliRunner().invoke(cli, ["history", "--register", str(db)])
    assert code.exit_code == 2 and "newer prioritizer" in code.stderr
    with book.engine.begin() as conn:
        conn.execute(sa.text("UPDATE register_schema SET version = 0"))
    steps: list[int] = []
    monkeypatch.setitem(reg_module.MIGRATIONS, 0, lambda conn: steps.append(0))
    assert open_register(db).version == reg_module.SCHEMA_VERSION and steps == [0]


def test_cli_approve_track_record(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(hand_dict()), encoding="utf-8")
    acts = tmp_path / "actuals.csv"
    acts.write_text(ACTUALS_CSV, encoding="utf-8")
    db = str(tmp_path / "r.sqlite")
    runner = CliRunner()
    out = runner.invoke(
        cli, ["approve", str(scenario), "--label", "FY27", "--date", "2027-01-15", "--register", db]
    )
    assert out.exit_code == 0 and "approved plan 1" in out.stdout
    out = runner.invoke(cli, ["history", "--register", db, "--format", "json"])
    assert json.loads(out.stdout)["plans"][0]["label"] == "FY27"
    out = runner.invoke(
        cli,
        [
            "track",
            "FY27",
            str(acts),
            "--register",
            db,
            "--record",
            "--as-of",
            "2027-12-31",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout)["plan"]["date"] == "2027-01-15"
    assert len(open_register(db).trackings_of()) == 1
    early = tmp_path / "early.csv"
    early.write_text("id,status,spent,go_live\nA,live,1,2026-12-01\n", encoding="utf-8")
    out = runner.invoke(cli, ["track", "latest", str(early), "--register", db])
    assert out.exit_code == 2 and "early.csv row 2, column 'go_live'" in out.stderr


def test_cli_solve_calibrate_says_what_changed(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(hand_dict()), encoding="utf-8")
    acts = tmp_path / "actuals.csv"
    acts.write_text(ACTUALS_CSV, encoding="utf-8")
    db = str(tmp_path / "r.sqlite")
    runner = CliRunner()
    runner.invoke(cli, ["approve", str(scenario), "--date", "2027-01-15", "--register", db])
    runner.invoke(cli, ["track", "latest", str(acts), "--register", db, "--record"])
    out = runner.invoke(cli, ["solve", str(scenario), "--calibrate", db, "--format", "json"])
    assert out.exit_code == 0, out.stderr
    cal = json.loads(out.stdout)["calibration"]
    texts = [c["text"] for c in cal["changes"]]
    # A (ease): churn 0.5/1.0 and savings 40000/50000 once, shrunk with Z = 1/5
    assert any(
        t.startswith("A churn_reduction_pp × 0.90 from 1 past ease initiative") for t in texts
    )
    assert any(t.startswith("A cost_savings × 0.96") for t in texts)
    assert any(t.startswith("A cost × 1.04") for t in texts)
    table = runner.invoke(cli, ["solve", str(scenario), "--calibrate", db])
    assert "Portfolio moved" in table.stdout and "ease churn_reduction_pp × 0.90" in table.stdout


def test_cli_solve_calibrate_by_type(tmp_path: Path) -> None:
    data = hand_dict()
    for item, kind in zip(
        data["initiatives"], ("automation", "process", "process", "x"), strict=True
    ):
        item["type"] = kind
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    acts = tmp_path / "actuals.csv"
    acts.write_text(ACTUALS_CSV, encoding="utf-8")
    db = str(tmp_path / "r.sqlite")
    runner = CliRunner()
    runner.invoke(cli, ["approve", str(scenario), "--date", "2027-01-15", "--register", db])
    runner.invoke(cli, ["track", "latest", str(acts), "--register", db, "--record"])
    out = runner.invoke(
        cli,
        ["solve", str(scenario), "--calibrate", db, "--calibrate-by", "type", "--format", "json"],
    )
    assert out.exit_code == 0, out.stderr
    cal = json.loads(out.stdout)["calibration"]
    assert cal["by"] == "type" and {f["type"] for f in cal["factors"]} >= {"automation"}
    texts = [c["text"] for c in cal["changes"]]
    assert any(
        t.startswith("A churn_reduction_pp × 0.90 from 1 past automation initiative (type;")
        for t in texts
    )


def test_version_1_register_gains_the_label_index(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    book = open_register(db)
    book.approve(px.optimize(px.scenario_from_mapping(hand_dict())), label="kept")
    with book.engine.begin() as conn:  # as version 1 left it: no index on plans.label
        conn.execute(sa.text("DROP INDEX ix_plans_label"))
        conn.execute(sa.text("UPDATE register_schema SET version = 1"))
    book.dispose()
    again = open_register(db)
    assert again.version == 2
    with again.engine.connect() as conn:
        names = {i["name"] for i in sa.inspect(conn).get_indexes("plans")}
    assert "ix_plans_label" in names and [r.label for r in again.history()] == ["kept"]


def test_a_register_in_a_missing_folder_says_so(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "reg.sqlite"
    with pytest.raises(RegisterError, match=r"its folder .* does not exist; create the folder"):
        open_register(target)
    assert not target.parent.exists()  # nothing created on the way
    scenario = ROOT / "scenarios" / "retail_bank" / "scenario.yaml"
    result = CliRunner().invoke(cli, ["approve", str(scenario), "--register", str(target)])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert "unable to open database file" not in result.output
