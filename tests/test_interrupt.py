"""Ctrl-C during a long solve leaves no solver process and no scratch file behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_benchmarks import read_mknap


def write_hard_scenario(folder: Path) -> Path:
    instance = read_mknap("mknapcb9-first.txt")[0]
    teams = "\n".join(f"  r{i}: {cap}" for i, cap in enumerate(instance.capacities))
    (folder / "scenario.yaml").write_text(
        "name: hard\nbudget: 1\nhorizon_years: 1\nobjective: {mode: business}\n"
        "segments: {s: {customers: 1, ltv: 0}}\ninitiatives: items.csv\n"
        f"teams:\n{teams}\n"
    )
    header = ["id", "cost_savings"] + [f"effort_r{i}" for i in range(len(instance.weights))]
    lines = [",".join(header)]
    for j, profit in enumerate(instance.profits):
        lines.append(",".join([f"i{j}", str(profit)] + [str(w[j]) for w in instance.weights]))
    (folder / "items.csv").write_text("\n".join(lines) + "\n")
    return folder / "scenario.yaml"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    scenario = write_hard_scenario(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "prioritizer", "solve", str(scenario), "--out", str(tmp_path / "o")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    solver_seen = False
    while time.time() < deadline and not solver_seen:  # wait until CBC is running
        time.sleep(0.2)
        solver_seen = bool(psutil.Process(proc.pid).children(recursive=True))
    assert solver_seen, "the solver never started"
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGINT)  # to prioritizer only, as a terminal would not
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"Interrupted" in err
    _gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"stray solver processes: {alive}"
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "o").exists()
