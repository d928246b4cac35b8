"""Command-line options a new user got wrong: each refused naming the option and the value as
typed (exit 2, no traceback, nothing written), or, when the tool changes a value, said so.

1. bad what-if values (``--budget -5``, ``--period-budget 2027Q1=-5``, ``--budgets -1,2e6``);
2. ``validate --strict`` refuses without saying "valid", each warning once;
3. a partial ``--weights`` keeps the scenario's other weight and says the weights used;
4. one initiative pinned to two periods (``--start``), one period given two budgets;
5. ``report`` options it cannot use (``--plan``/``--as-of`` without ``--actuals``, ``--with``
   on a scenario without periods);
6. ``evidence --out`` into the evidence's own folder refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from prioritizer.cli import cli

BANK = str(SCENARIOS / "retail_bank" / "scenario.yaml")
QUARTERLY = str(SCENARIOS / "retail_bank_quarterly" / "scenario.yaml")


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr; stderr without the quarterly examples' own load
    warnings (initiatives whose per-quarter effort no quarter allows: ``can never be
    planned``), which every command on them prints first."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    err = "".join(
        line
        for line in result.stderr.splitlines(keepends=True)
        if not (line.startswith("warning: ") and "can never be planned" in line)
    )
    return result.exit_code, result.stdout, err


# -- 1. what-if values name the option as typed ------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("solve", BANK, "--budget", "-5"), "--budget -5: must be at least 0"),
        (("solve", BANK, "--budget", "inf"), "--budget inf: must be a finite number"),
        (("solve", BANK, "--opex-budget", "-1e3"), "--opex-budget -1e3: must be at least 0"),
        (("solve", BANK, "--team", "digital=-3"), "--team digital=-3: digital must be at least 0"),
        (
            ("solve", BANK, "--weights", "business=-1,customer=1"),
            "--weights business=-1,customer=1: business must be at least 0",
        ),
        (
            ("roadmap", QUARTERLY, "--period-budget", "2027Q1=-5"),
            "--period-budget 2027Q1=-5: must be at least 0",
        ),
        (
            ("frontier", BANK, "--budgets", "-1,2e6"),
            "--budgets -1,2e6: every budget must be at least 0; got -1",
        ),
        (
            ("frontier", BANK, "--budgets", "-1e6:5e6:3"),
            "--budgets -1e6:5e6:3: every budget must be at least 0; got -1,000,000",
        ),
        (
            ("roadmap", QUARTERLY, "--budgets", "-1,2e6"),
            "--budgets -1,2e6: every budget must be at least 0; got -1",
        ),
        (("compare", BANK, "--budget", "3e6", "--budget", "-3"), "--budget -3: must be at least 0"),
    ],
)
def test_a_bad_what_if_value_names_the_option_as_typed(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(*args, "--out", str(out))
    assert code == 2, (stdout, err)
    assert err == f"Error: {message}\n"
    assert "Value error" not in err and "Input should be" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--team", "digital=1000", "--team", "DIGITAL=1200"),
            "--team digital=1000 and --team DIGITAL=1200: DIGITAL is given two different "
            "values; give it once",
        ),
        (
            ("--weights", "business=0,customer=0"),
            "--weights business=0,customer=0: the weights must not all be zero (they are "
            "normalized to sum to 1)",
        ),
    ],
)
def test_conflicting_or_empty_what_ifs_are_refused(args: tuple[str, ...], message: str) -> None:
    code, _, err = run("solve", BANK, *args)
    assert code == 2 and err == f"Error: {message}\n"


# -- 2. validate --strict ------------------------------------------------------------------
def _template_with_four_warnings(folder: Path) -> Path:
    """The `init` template (which has no warning) with limits that limit nothing and a
    weight on a stage no initiative has: four warnings."""
    assert run("init", str(folder))[0] == 0
    path = folder / "scenario.yaml"
    text = path.read_text()
    for old, new in (
        ("budget: 700000 ", "budget: 1000000"),
        ("digital: 450", "digital: 800"),
        ("operations: 350", "operations: 600"),
        ("onboarding: 1.3}", "onboarding: 1.3, retention: 1.2}"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)
    return path


def test_validate_strict_refuses_without_saying_valid_each_warning_once(tmp_path: Path) -> None:
    path = str(_template_with_four_warnings(tmp_path / "s"))
    code, out, err = run("validate", path)
    assert code == 0 and out.startswith("valid: ") and "warnings:    4" in out
    warnings = [line.removeprefix("warning: ") for line in err.splitlines()]
    assert len(warnings) == 4 and all(w.startswith("scenario.yaml: key ") for w in warnings)

    code, out, err = run("validate", "--strict", path)
    assert code == 2
    assert out == ""  # no "valid: ..." line, no read-back of a scenario it refuses
    assert "warning: " not in err
    assert err.startswith("Error: 4 problems found:\n")
    for warning in warnings:
        assert err.count(warning) == 1, warning
        assert f"  - {warning} (--strict: warnings are errors)\n" in err


def test_solve_strict_lists_each_warning_once(tmp_path: Path) -> None:
    code, out, err = run("solve", str(_template_with_four_warnings(tmp_path / "s")), "--strict")
    assert code == 2 and out == ""
    assert "warning: " not in err and err.count("key budget: 1,000,000 covers") == 1


# -- 3. --weights: a weight not given keeps the scenario's; said when rescaled --------------
def test_a_partial_weights_keeps_the_scenarios_other_weight_and_says_so() -> None:
    code, out, err = run("solve", BANK, "--weights", "business=2")
    assert code == 0, err
    assert err == (
        "note: --weights business=2: customer keeps the scenario's weight 0.3; weights used "
        "business 0.87, customer 0.13 (normalized to sum to 1)\n"
    )
    assert "(weights: money 87%, customer value 13%)" in out  # 2 : 0.3, not 100% : 0%


def test_weights_summing_to_one_are_used_as_typed_without_a_note() -> None:
    code, out, err = run("solve", BANK, "--weights", "business=0.5,customer=0.5")
    assert code == 0 and err == ""
    assert "(weights: money 50%, customer value 50%)" in out


def test_weights_the_objective_does_not_use_are_said() -> None:
    code, _, err = run("solve", BANK, "--objective", "business", "--weights", "business=1")
    assert code == 0
    assert err == (
        "note: --weights business=1: the objective is business, which uses no weights; add "
        "--objective blended to use them\n"
    )


# -- 4. --start and --period-budget: one value each ----------------------------------------
def test_one_initiative_pinned_to_two_periods_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(
        "roadmap",
        QUARTERLY,
        "--start",
        "OUTAGE-ALERTS=2027Q2",
        "--start",
        "outage-alerts=2027Q3",
        "--out",
        str(out),
    )
    assert code == 2 and stdout == ""
    assert err == (
        "Error: --start OUTAGE-ALERTS=2027Q2 and --start outage-alerts=2027Q3: OUTAGE-ALERTS "
        "is pinned to two different periods; give one --start per initiative\n"
    )
    assert not out.exists()


def test_one_period_given_two_budgets_is_refused() -> None:
    code, _, err = run(
        "roadmap", QUARTERLY, "--period-budget", "2027Q1=5e5", "--period-budget", "2027q1=6e5"
    )
    assert code == 2
    assert err == (
        "Error: --period-budget 2027Q1=5e5 and --period-budget 2027q1=6e5: period 2027Q1 is "
        "given two different budgets; give one --period-budget per period\n"
    )


def test_the_same_pin_repeated_is_accepted() -> None:
    code, out, err = run(
        "roadmap",
        QUARTERLY,
        "--start",
        "outage-alerts=2027q2",
        "--start",
        "OUTAGE-ALERTS=2027Q2",
        "--format",
        "json",
    )
    assert code == 0, err
    payload = json.loads(out)
    assert list(payload["pinned"]) == ["OUTAGE-ALERTS"]
    plan = {row["id"]: row for row in payload["plan"]}
    assert plan["OUTAGE-ALERTS"]["start"] == "2027Q2"


# -- 5. report: options it cannot use ------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--plan", "solution.json"),
            "--plan solution.json: needs --actuals (the approved plan is tracked against an "
            "actuals table); add --actuals FILE or leave --plan out",
        ),
        (
            ("--as-of", "2027-06-30"),
            "--as-of 2027-06-30: needs --actuals (it is the status date of the actuals); add "
            "--actuals FILE or leave --as-of out",
        ),
        (
            ("--with", "montecarlo", "--skip", "montecarlo"),
            "--with montecarlo and --skip montecarlo: an analysis cannot be both asked for and "
            "left out; give one of them",
        ),
        (
            ("--with", "montecarlo"),
            "--with montecarlo: only the pack of a roadmap (a scenario with `periods`) runs "
            f"montecarlo on request; {BANK} has no `periods`, and its pack runs montecarlo, "
            "explain already (--skip leaves them out): leave --with out",
        ),
    ],
)
def test_report_refuses_options_it_cannot_use(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "pack"
    code, stdout, err = run("report", BANK, "--out", str(out), "-q", *args)
    assert code == 2 and stdout == ""
    assert err == f"Error: {message}\n"
    assert not out.exists()


# -- 6. evidence --out into the evidence's own folder --------------------------------------
def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_evidence_out_over_its_own_inputs_is_refused_before_writing(tmp_path: Path) -> None:
    folder = tmp_path / "telecom"
    shutil.copytree(SCENARIOS / "telecom", folder)
    evidence = folder / "evidence"
    assert (evidence / "benchmarks.csv").exists()
    before = _digests(evidence)
    code, out, err = run(
        "evidence", str(folder / "scenario_evidence.yaml"), "--no-solve", "--out", str(evidence)
    )
    assert code == 2 and out == ""
    assert err == (
        f"Error: {evidence / 'benchmarks.csv'}: refusing to write over an input file; choose "
        "another --out\n"
    )
    assert _digests(evidence) == before  # nothing written, nothing overwritten

    elsewhere = tmp_path / "out"
    code, _, err = run(
        "evidence", str(folder / "scenario_evidence.yaml"), "--no-solve", "--out", str(elsewhere)
    )
    assert code == 0, err
    assert (elsewhere / "benchmarks.csv").exists() and (elsewhere / "evidence.json").exists()
