"""Small user-facing fixes: output permissions, register and actuals files, tracking warnings,
range and column messages, manifests of tracking and evidence JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_track import ACTUALS_CSV, hand_dict

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.io import OutputDir, atomic_write, read_table
from prioritizer.tracking import Plan, track
from prioritizer.tracking.actuals import Actuals, read_actuals
from prioritizer.tracking.register import open_register
from prioritizer.tracking.track import listed

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2027-12-31"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def hand_plan() -> Plan:
    return Plan.from_result(px.optimize(px.scenario_from_mapping(hand_dict())))


@pytest.fixture
def actuals_file(tmp_path: Path) -> Path:
    path = tmp_path / "actuals.csv"
    path.write_text(ACTUALS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def solution(tmp_path: Path) -> Path:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(hand_dict()), encoding="utf-8")
    code, _out, err = run("solve", str(scenario), "--out", str(tmp_path / "plan"))
    assert code == 0, err
    return tmp_path / "plan" / "solution.json"


# -- 1. output files get the mode open() would give, not mkstemp's 0600 --------------------
@pytest.fixture
def umask() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_written_files_follow_the_umask(tmp_path: Path, umask: None) -> None:
    assert mode(atomic_write(tmp_path / "a.json", "{}")) == 0o644
    os.umask(0o027)
    assert mode(atomic_write(tmp_path / "b.csv", b"x")) == 0o640
    os.umask(0o002)
    out = OutputDir(tmp_path / "out")
    assert mode(out.write("deck.pptx", b"pk")) == 0o664
    # an existing file keeps its own mode, as open(path, "w") would keep it
    private = tmp_path / "private.json"
    private.write_text("{}")
    private.chmod(0o600)
    atomic_write(private, "[]")
    assert mode(private) == 0o600 and private.read_text() == "[]"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_cli_outputs_are_readable_by_others(
    tmp_path: Path, umask: None, solution: Path, actuals_file: Path
) -> None:
    assert {mode(p) for p in solution.parent.iterdir()} == {0o644}
    code, _o, err = run(
        "track", str(solution), str(actuals_file), "--as-of", AS_OF, "--out", str(tmp_path / "t")
    )
    assert code == 0, err
    assert {mode(p) for p in (tmp_path / "t").iterdir()} == {0o644}


# -- 2. commands that only read a register refuse a missing file, creating nothing ---------
def test_track_refuses_a_missing_register(
    tmp_path: Path, actuals_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("track", "latest", str(actuals_file), "--register", "nope.sqlite")
    assert code == 2 and out == ""
    assert err == (
        "Error: --register nope.sqlite: no such register file; approve a plan first with "
        "`prioritizer approve SCENARIO --register nope.sqlite`\n"
    )
    assert not (tmp_path / "nope.sqlite").exists()


def test_history_refuses_a_missing_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("history", "--register", "typo.sqlite")
    assert code == 2 and out == ""
    assert err == (
        "Error: --register typo.sqlite: no such register file; approve a plan first with "
        "`prioritizer approve SCENARIO --register typo.sqlite`\n"
    )
    code, out, err = run("history")  # the default register, absent here
    assert code == 2 and out == ""
    assert err == (
        "Error: prioritizer-register.sqlite: no such register file (the default register in "
        "this folder); approve a plan first with `prioritizer approve SCENARIO`\n"
    )
    code, _out, err = run("history", "--register", f"sqlite:///{tmp_path / 'url.sqlite'}")
    assert code == 2 and "no such register file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_calibrate_refuses_a_missing_register(tmp_path: Path) -> None:
    from prioritizer.tracking.calibrate import calibration_from_register

    db = tmp_path / "cal.sqlite"
    with pytest.raises(ScenarioError) as caught:
        calibration_from_register(db)
    assert str(caught.value) == (
        f"--calibrate {db}: no such register file; approve a plan with `prioritizer approve "
        f"SCENARIO --register {db}` and record its actuals with `prioritizer track latest "
        f"ACTUALS --register {db} --record` first"
    )
    assert not db.exists()


def test_an_existing_register_still_reads_and_approve_creates(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite"
    book = open_register(db)  # approve's way: created
    assert db.exists()
    with pytest.raises(ScenarioError, match="holds no approved plan yet"):
        book.plan(None)
    code, out, err = run("history", "--register", str(db))
    assert code == 0 and out == "no plans approved yet\n", err
    code, _out, err = run("track", "latest", "x.csv", "--register", str(db))
    assert code == 2
    assert err == (
        f"Error: {db}: the register holds no approved plan yet; approve one first with "
        f"`prioritizer approve SCENARIO --register {db}`\n"
    )


# -- 3. a missing actuals file is called an actuals file ------------------------------------
def test_missing_actuals_file_is_named_as_such(tmp_path: Path, solution: Path) -> None:
    missing = tmp_path / "nonexist.csv"
    code, out, err = run("track", str(solution), str(missing))
    assert code == 2 and out == ""
    assert err == f"Error: {missing}: actuals file not found\n"
    with pytest.raises(ScenarioError, match="actuals file not found"):
        read_actuals(missing)
    with pytest.raises(ScenarioError, match="initiatives file not found"):
        read_table(missing)


# -- 4. truncated lists say how many more ----------------------------------------------------
def test_listed_counts_what_it_leaves_out() -> None:
    ids = [f"I{k}" for k in range(10)]
    assert listed(ids[:8]) == "I0, I1, I2, I3, I4, I5, I6, I7"
    assert listed(ids) == "I0, I1, I2, I3, I4, I5, I6, I7 and 2 more"


def test_no_actuals_warning_says_and_n_more() -> None:
    rows = [{"id": f"I{k}", "cost": 1, "cost_savings": 10} for k in range(10)]
    data = {**hand_dict(), "budget": 100, "initiatives": rows}
    plan = Plan.from_result(px.optimize(px.scenario_from_mapping(data)))
    assert len(plan.ids) == 10
    one = Actuals.from_records([{"id": "I0", "status": "planned", "spent": 0}])
    warnings = [str(w) for w in track(plan, one, as_of=dt.date(2027, 1, 1)).warnings]
    assert warnings == [
        "actuals: 9 initiative(s) of the plan have no actuals row and count as planned with "
        "nothing spent: I1, I2, I3, I4, I5, I6, I7, I8 and 1 more"
    ]


# -- 5. dates before the plan: a status date, a go-live -------------------------------------
def test_default_status_date_before_the_approval_warns(hand_plan: Plan) -> None:
    import dataclasses

    future = dataclasses.replace(hand_plan, date=dt.date(2999, 1, 1))
    actuals = Actuals.from_records([{"id": "A", "status": "in_progress", "spent": 10}])
    today = dt.date.today().isoformat()
    warnings = [w.to_dict() for w in track(future, actuals).warnings]
    assert {
        "code": "as-of-before-plan",
        "message": f"the status date {today} (today: no as-of date was given) is before the "
        "plan's approval on 2999-01-01: nothing of the plan can be spent or live yet; give the "
        "date of the status (--as-of)",
        "where": "",
    } in warnings
    given = track(future, actuals, as_of=dt.date(2027, 6, 30)).warnings
    assert [w.message for w in given if w.code == "as-of-before-plan"] == [
        "the status date 2027-06-30 is before the plan's approval on 2999-01-01: nothing of the "
        "plan can be spent or live yet; give the date of the status (--as-of)"
    ]
    on_time = track(future, actuals, as_of=dt.date(2999, 6, 30)).warnings
    assert not [w for w in on_time if w.code == "as-of-before-plan"]


def test_cli_register_plan_warns_for_a_status_date_before_approval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "r.sqlite"
    open_register(db).approve(
        px.optimize(px.scenario_from_mapping(hand_dict())), date=dt.date(2999, 1, 1)
    )
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("id,status,spent\nA,in_progress,10\n", encoding="utf-8")
    code, _out, err = run("track", "latest", str(actuals), "--register", str(db))
    assert code == 0, err
    assert (
        f"warning: the status date {dt.date.today().isoformat()} (today: no as-of date was "
        "given) is before the plan's approval on 2999-01-01" in err
    )


def test_go_live_after_the_status_date_warns(hand_plan: Plan, actuals_file: Path) -> None:
    early = track(hand_plan, actuals_file, as_of=dt.date(2027, 1, 1)).warnings
    assert [str(w) for w in early if w.code == "go-live-after-as-of"] == [
        "actuals.csv: 1 initiative(s) went live after the status date 2027-01-01, so no "
        "benefit to date counts for them: A (2027-03-01); check the go_live dates or the "
        "status date (--as-of)"
    ]
    later = track(hand_plan, actuals_file, as_of=dt.date(2027, 12, 31)).warnings
    assert not [w for w in later if w.code == "go-live-after-as-of"]


def test_go_live_before_the_first_period_warns_once(tmp_path: Path) -> None:
    data = {**hand_dict(), "periods": ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]}
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _o, err = run("solve", str(scenario), "--out", str(tmp_path / "plan"))
    assert code == 0, err
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(ACTUALS_CSV.replace("2027-03-01", "2020-05-15"), encoding="utf-8")
    code, _out, err = run(
        "track", str(tmp_path / "plan" / "solution.json"), str(actuals), "--as-of", AS_OF
    )
    assert code == 0, err
    line = (
        "warning: actuals.csv row 2, column 'go_live': A went live on 2020-05-15, before the "
        "plan's first period 2027Q1 (from 2027-01-01): check the date, one of this cycle was "
        "expected\n"
    )
    assert err.count(line) == 1
    # the status date before the first period of a plan without an approval date
    code, _out, err = run(
        "track", str(tmp_path / "plan" / "solution.json"), str(actuals), "--as-of", "2026-12-31"
    )
    assert code == 0, err
    assert (
        "warning: the status date 2026-12-31 is before the plan's first period 2027Q1 (from "
        "2027-01-01): nothing of the plan can be spent or live yet" in err
    )


# -- 6. a range error names the range column ------------------------------------------------
def test_range_error_names_the_range_column(bank_dir: Path) -> None:
    table = bank_dir / "initiatives.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[2].split(",")  # row 3: COMPLAINT-HUB, churn 0.08 in [0.04, 0.12]
    assert cells[header.index("churn_reduction_pp")] == "0.08"
    cells[header.index("churn_reduction_pp_low")] = "0.1"
    lines[2] = ",".join(cells)
    cells = lines[3].split(",")
    cells[header.index("cost_high")] = cells[header.index("cost")]
    cells[header.index("cost")] = str(float(cells[header.index("cost")]) + 1)
    lines[3] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        px.load_scenario(bank_dir / "scenario.yaml")
    found = {(p.where, p.message) for p in caught.value.problems}
    assert (
        "initiatives.csv row 3, column 'churn_reduction_pp_low'",
        "churn_reduction_pp (0.08) lies outside its range [0.1, 0.12]; the base value must lie "
        "between churn_reduction_pp_low and churn_reduction_pp_high",
    ) in found
    wheres = {w for w, _m in found}
    assert "initiatives.csv row 4, column 'cost_high'" in wheres
    assert not [w for w in wheres if "'row'" in w]


def test_inline_range_error_names_the_range_key() -> None:
    data = hand_dict()
    data["initiatives"][0]["cost_low"] = 120000
    data["initiatives"][0]["cost_high"] = 110000
    with pytest.raises(ScenarioError) as caught:
        px.scenario_from_mapping(data)
    assert [(p.where, p.message) for p in caught.value.problems] == [
        ("scenario: initiatives[0].cost_low", "cost_low (120000) is above cost_high (110000)")
    ]


# -- 7. the mapping example maps to the suggested column ------------------------------------
def test_unknown_column_hint_maps_to_the_suggestion(bank_dir: Path) -> None:
    table = bank_dir / "initiatives.csv"
    text = table.read_text(encoding="utf-8")
    table.write_text(text.replace(",opex,", ",opexx,", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        px.load_scenario(bank_dir / "scenario.yaml")
    (problem,) = [p for p in caught.value.problems if "opexx" in p.where]
    assert problem.where == "initiatives.csv column 'opexx'"
    assert problem.message.startswith("unknown column; did you mean 'opex'? ")
    assert "map it with `initiatives: {columns: {opex: 'opexx'}}`" in problem.message
    table.write_text(text.replace(",opex,", ",zzqq,", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        px.load_scenario(bank_dir / "scenario.yaml")
    (problem,) = [p for p in caught.value.problems if "zzqq" in p.where]
    assert "did you mean" not in problem.message
    assert "map it with `initiatives: {columns: {<column>: 'zzqq'}}`" in problem.message


# -- 8. tracking.json and evidence JSON carry a manifest ------------------------------------
def test_tracking_json_carries_a_manifest(
    tmp_path: Path, solution: Path, actuals_file: Path
) -> None:
    code, out, err = run(
        "track",
        str(solution),
        str(actuals_file),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--out",
        str(tmp_path / "t"),
    )
    assert code == 0, err
    printed = json.loads(out)["manifest"]
    written = json.loads((tmp_path / "t" / "tracking.json").read_text())["manifest"]
    solved = json.loads(solution.read_text())["manifest"]
    assert printed == written
    for key in ("tool", "version", "pulp", "highspy", "cylp", "options", "scenario_sha256"):
        assert written[key] == solved[key], key
    assert len(written["actuals_sha256"]) == 64
    # deterministic: the same inputs give the same manifest; other actuals another hash
    again = json.loads(
        run("track", str(solution), str(actuals_file), "--as-of", AS_OF, "--format", "json")[1]
    )
    assert again["manifest"] == written
    actuals_file.write_text(ACTUALS_CSV.replace("120000", "120001"), encoding="utf-8")
    other = json.loads(
        run("track", str(solution), str(actuals_file), "--as-of", AS_OF, "--format", "json")[1]
    )
    assert other["manifest"]["actuals_sha256"] != written["actuals_sha256"]


def test_register_tracking_manifest_has_the_approved_options(
    tmp_path: Path, actuals_file: Path
) -> None:
    db = tmp_path / "r.sqlite"
    res = px.optimize(px.scenario_from_mapping(hand_dict()))
    open_register(db).approve(res, date=dt.date(2027, 1, 1))
    code, out, err = run(
        "track", "latest", str(actuals_file), "--register", str(db), "--as-of", AS_OF,
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    manifest = json.loads(out)["manifest"]
    assert manifest["options"] == {"solver": "cbc", "time_limit": None, "gap": 0.0}
    assert manifest["scenario_sha256"] == res.scenario.fingerprint()


def test_evidence_json_carries_a_manifest() -> None:
    path = ROOT / "scenarios" / "retail_bank" / "scenario_evidence.yaml"
    code, out, err = run("evidence", str(path), "--format", "json")
    assert code == 0, err
    manifest = json.loads(out)["manifest"]
    sc = px.load_scenario(path)
    assert manifest["tool"] == "prioritizer"
    assert manifest["options"] == {"solver": "cbc", "time_limit": None, "gap": 0.0}
    assert manifest["scenario_sha256"] == sc.fingerprint()
    code, out, err = run("evidence", str(path), "--format", "json", "--no-solve")
    assert code == 0, err
    assert json.loads(out)["manifest"]["options"] is None
