"""``--out`` errors are user errors, and a refused output set leaves nothing behind.

Bug 1: an ``--out`` folder that cannot be created (a file on its path, /proc, no permission)
crashed every command with a traceback (exit 1), ``report`` only after computing everything.
Now: exit 2, a message naming ``--out`` and the path, checked before any work.

Bug 2: "refusing to write over an input file" was raised file by file, so the files written
before the refused one stayed (``track`` left tracking.json, ``solve`` solution.json). Now the
whole output set is checked before any file is written.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.io import OutputDir

BANK = SCENARIOS / "retail_bank" / "scenario.yaml"
BANK_EVIDENCE = SCENARIOS / "retail_bank" / "scenario_evidence.yaml"
QUARTERLY = SCENARIOS / "retail_bank_quarterly" / "scenario.yaml"
ACTUALS = SCENARIOS / "retail_bank" / "past_cycle" / "actuals.csv"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    # an exception other than SystemExit is a crash (a traceback on the command line)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A solution.json of the retail bank, for ``track``."""
    folder = tmp_path_factory.mktemp("plan")
    code, _out, err = run("solve", BANK, "--out", folder)
    assert code == 0, err
    return folder / "solution.json"


def command(name: str, plan: Path) -> list[str | Path]:
    commands: dict[str, list[str | Path]] = {
        "solve": ["solve", BANK],
        "roadmap": ["roadmap", QUARTERLY],
        "evidence": ["evidence", BANK_EVIDENCE],
        "report": ["report", BANK],
        "frontier": ["frontier", BANK],
        "compare": ["compare", BANK, BANK],
        "track": ["track", plan, ACTUALS, "--as-of", "2027-12-31"],
    }
    return commands[name]


COMMANDS = ["solve", "roadmap", "evidence", "report", "frontier", "compare", "track"]


# --------------------------------------------------------------------------------------
# Bug 1: an --out folder that cannot be created or written
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", COMMANDS)
def test_out_under_a_file_is_a_user_error(tmp_path: Path, plan: Path, name: str) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    before = snapshot(tmp_path)
    out = afile / "sub"
    code, _out, err = run(*command(name, plan), "--out", out)
    assert code == 2, err
    assert f"--out {out}: cannot create the folder ({afile} is a file)" in err
    assert snapshot(tmp_path) == before


def test_out_deeper_under_a_file_names_the_file(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    code, _out, err = run("solve", BANK, "--out", afile / "a" / "b")
    assert code == 2
    assert f"--out {afile / 'a' / 'b'}: cannot create the folder ({afile} is a file)" in err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_out_where_no_folder_can_be_made(plan: Path) -> None:
    """/proc lets anyone (root too) look, and nobody create a folder: only trying tells."""
    code, _out, err = run("solve", BANK, "--out", "/proc/nope")
    assert code == 2, err
    assert "--out /proc/nope: cannot create the folder (No such file or directory)" in err
    assert not Path("/proc/nope").exists()


@pytest.fixture()
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder nobody may write into. As root, modes do not bind: ``os.access`` is told."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        real = os.access

        def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
            if Path(path) == folder and mode & os.W_OK:
                return False
            return real(path, mode, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", access)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("name", ["solve", "track"])
def test_out_without_permission(read_only: Path, plan: Path, name: str) -> None:
    code, _out, err = run(*command(name, plan), "--out", read_only / "sub")
    assert code == 2, err
    assert (
        f"--out {read_only / 'sub'}: cannot create the folder "
        f"(no permission to write in {read_only})" in err
    )
    code, _out, err = run(*command(name, plan), "--out", read_only)
    assert code == 2, err
    assert f"--out {read_only}: cannot write into the folder (permission denied)" in err
    assert list(read_only.iterdir()) == []


def test_app_out_under_a_file(tmp_path: Path) -> None:
    """``app`` refuses before it serves (its port is taken, so a miss fails, not serves)."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, _out, err = run("app", BANK, "--port", port, "--out", afile / "sub")
    assert code == 2, err
    assert f"--out {afile / 'sub'}: cannot create the folder ({afile} is a file)" in err


def test_a_folder_that_cannot_be_written_is_reported_when_writing(tmp_path: Path) -> None:
    """What the early check cannot see (here a file named like a subfolder of the output
    set) is still an error naming the file, not a traceback."""
    (tmp_path / "charts").write_text("x")
    with pytest.raises(ScenarioError, match=r"charts/a\.png: cannot write the file"):
        OutputDir(tmp_path).write_all({"charts/a.png": b"png"})


# --------------------------------------------------------------------------------------
# Bug 2: the whole output set is refused before any file is written
# --------------------------------------------------------------------------------------
def test_track_refusing_an_input_writes_nothing(tmp_path: Path, plan: Path) -> None:
    actuals = tmp_path / "tracking.csv"  # an input named like an output of `track`
    shutil.copy(ACTUALS, actuals)
    before = snapshot(tmp_path)
    code, _out, err = run(
        "track", plan, actuals, "--as-of", "2027-12-31", "--out", tmp_path, "--format", "json"
    )
    assert code == 2, err
    assert f"{actuals}: refusing to write over an input file" in err
    assert snapshot(tmp_path) == before  # no tracking.json, the actuals unchanged


def _renamed_table(scenario: Path, folder: Path, table: str, new: str) -> Path:
    """A copy of ``scenario``'s folder in ``folder`` whose initiatives table is ``new``."""
    shutil.copytree(scenario.parent, folder, dirs_exist_ok=True)
    (folder / table).rename(folder / new)
    text = (folder / scenario.name).read_text(encoding="utf-8")
    assert f"initiatives: {table}" in text
    text = text.replace(f"initiatives: {table}", f"initiatives: {new}")
    (folder / scenario.name).write_text(text, encoding="utf-8")
    return folder / scenario.name


def test_solve_refusing_an_input_writes_nothing(tmp_path: Path) -> None:
    scenario = _renamed_table(BANK, tmp_path, "initiatives.csv", "portfolio.csv")
    before = snapshot(tmp_path)
    code, _out, err = run("solve", scenario, "--out", tmp_path)
    assert code == 2, err
    assert f"{tmp_path / 'portfolio.csv'}: refusing to write over an input file" in err
    assert snapshot(tmp_path) == before  # no solution.json, the table unchanged


def test_roadmap_refusing_an_input_writes_nothing(tmp_path: Path) -> None:
    scenario = _renamed_table(QUARTERLY, tmp_path, "initiatives.csv", "start_values.csv")
    before = snapshot(tmp_path)
    code, _out, err = run("roadmap", scenario, "--out", tmp_path)
    assert code == 2, err
    assert f"{tmp_path / 'start_values.csv'}: refusing to write over an input file" in err
    assert snapshot(tmp_path) == before  # no roadmap.json nor roadmap.csv


def test_evidence_refusing_an_input_writes_nothing(tmp_path: Path) -> None:
    """Evidence's file names depend on the report (its tables, its charts): the set is
    checked when known, still before any file is written."""
    scenario = _renamed_table(
        BANK_EVIDENCE, tmp_path, "initiatives_evidence.csv", "evidence_initiatives.csv"
    )
    before = snapshot(tmp_path)
    code, _out, err = run("evidence", scenario, "--no-solve", "--out", tmp_path)
    assert code == 2, err
    assert f"{tmp_path / 'evidence_initiatives.csv'}: refusing to write over an input" in err
    assert snapshot(tmp_path) == before  # no evidence.json


def test_write_all_refuses_every_clash_before_writing(tmp_path: Path) -> None:
    kept = tmp_path / "b.csv"
    kept.write_text("input")
    outdir = OutputDir(tmp_path, protected=[kept])
    with pytest.raises(ScenarioError, match=r"b\.csv: refusing to write over an input file"):
        outdir.write_all({"a.json": "{}", "b.csv": "x", "c.png": b"png"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"]
    assert kept.read_text() == "input"
