"""A roadmap solve keeps the promises of a portfolio solve, in every formulation: a time limit
ends it by the limit (plus the grace) with the best plan found, marked feasible with its
proven gap; Ctrl-C stops the solver's process group and nothing else. The telecom quarterly
example is the hard instance: CBC needs tens of CPU seconds to prove it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest
from conftest import SCENARIOS
from test_interrupt import _communicate, _like_a_terminal

import prioritizer as px
from prioritizer.optimize import DEADLINE_GRACE_S
from prioritizer.result import SolverOptions
from prioritizer.roadmap import solve_roadmap
from prioritizer.roadmap.model import DEFAULT_FORMULATION

TELECOM = SCENARIOS / "telecom_quarterly" / "scenario.yaml"
FORMULATIONS = sorted({"start", "aggregate", DEFAULT_FORMULATION})


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.mark.slow
@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_time_limit_returns_the_best_plan_with_its_gap(formulation: str) -> None:
    sc = px.load_scenario(TELECOM)
    before = children()
    started = time.perf_counter()
    rm = solve_roadmap(sc, SolverOptions(time_limit=2, tie_break=False), formulation=formulation)
    elapsed = time.perf_counter() - started
    assert rm.status == "feasible", (rm.status, rm.message)
    assert rm.gap is not None and rm.gap > 0 and rm.best_bound is not None
    assert rm.best_bound >= rm.objective
    assert all(rule.holds(rm.x) for rule in rm.rules)
    assert elapsed < 2 + DEADLINE_GRACE_S + 3.0, elapsed
    assert not children() - before


_CALLER = textwrap.dedent(
    """
    import subprocess, sys
    import prioritizer as px
    from prioritizer.result import SolverOptions
    from prioritizer.roadmap import solve_roadmap
    sentinel = subprocess.Popen(["sleep", "300"])  # stands for a user's Dask worker
    print(sentinel.pid, flush=True)
    try:
        solve_roadmap(px.load_scenario(sys.argv[1]), SolverOptions(tie_break=False),
                      formulation=sys.argv[2])
        print("solved", flush=True)
    except KeyboardInterrupt:
        alive = sentinel.poll() is None
        print("sentinel alive" if alive else "sentinel killed", flush=True)
        sentinel.kill()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_ctrl_c_stops_only_the_roadmap_solver(formulation: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _CALLER, str(TELECOM), formulation],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_like_a_terminal,  # Ctrl-C at its default even under a background pytest
    )
    assert proc.stdout is not None
    sentinel = int(proc.stdout.readline())

    def solvers() -> list[psutil.Process]:
        try:
            found = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            return []
        return [p for p in found if p.pid != sentinel]

    deadline = time.time() + 60
    while not solvers() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    running = solvers()
    assert running, "the solver never started"
    time.sleep(0.5)  # inside the search, past CBC's start-up
    proc.send_signal(signal.SIGINT)
    out, err = _communicate(proc)  # kills what it started if it fails
    assert b"sentinel alive" in out, (out, err)
    _gone, alive = psutil.wait_procs(running, timeout=5)
    assert not alive, f"stray solver processes: {alive}"
