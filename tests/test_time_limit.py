"""A time limit is a promise: the solve ends by the limit (plus a grace of a few seconds)
with the best portfolio found — at worst the greedy ranking handed to the solver as a start,
marked feasible with its gap — and leaves no process behind."""

from __future__ import annotations

import importlib
import os
import stat
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
from test_benchmarks import mknap_scenario, read_mknap

import prioritizer as px
from prioritizer.optimize import DEADLINE_GRACE_S, highs_available
from prioritizer.rules import build_rules, violated_rules
from prioritizer.solver.start import greedy_start, knapsack_bound

SOLVERS = ["cbc"] + (["highs"] if highs_available() else [])
pulp_backend = importlib.import_module("prioritizer.solver.pulp_backend")
_real_cbc = pulp_backend._cbc


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.mark.parametrize("solver", SOLVERS)
def test_hard_instance_two_second_limit(solver: str) -> None:
    sc = mknap_scenario(read_mknap("mknapcb9-first.txt")[0])
    before = children()  # other tests' helpers (a Dask cluster, a kernel) may still be around
    started = time.perf_counter()
    res = px.optimize(sc, solver=solver, time_limit=2)
    elapsed = time.perf_counter() - started
    assert res.status == "feasible" and res.gap is not None and res.gap > 0
    assert not violated_rules(res.rules, res.selection)
    assert elapsed < 2 + DEADLINE_GRACE_S + 3.0, elapsed
    assert not children() - before


class _StuckCbc:
    """Stands in for PuLP's CBC: its ``path`` is a program that ignores SIGTERM and starts a
    grandchild, like a solver that overruns its limit."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self._real = _real_cbc(msg=False)

    def available(self) -> bool:
        return True

    def writesol(self, *args: object) -> bool:
        return bool(self._real.writesol(*args))

    def readsol_MPS(self, *args: object) -> object:  # pragma: no cover - never reached
        return self._real.readsol_MPS(*args)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")
def test_a_solver_that_ignores_its_limit_is_stopped_and_the_start_returned(
    monkeypatch: pytest.MonkeyPatch, tiny: px.Scenario, tmp_path: Path
) -> None:
    marker = f"{os.getpid()}.{time.time_ns() % 100000}"
    script = tmp_path / "stuck-cbc"
    script.write_text(f"#!/bin/sh\ntrap '' TERM\nsleep 61.{marker} &\nwait\nsleep 60\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pulp_backend, "_cbc", lambda **_: _StuckCbc(script))
    before = children()
    started = time.perf_counter()
    res = px.optimize(tiny, time_limit=1)
    elapsed = time.perf_counter() - started
    assert 1 <= elapsed < 1 + DEADLINE_GRACE_S + 4.0
    # the greedy ranking over the rules, returned as feasible with a gap against a bound
    rules = build_rules(tiny, res.scores)
    values = res.scores["objective_score"].to_numpy(dtype=float)
    start = greedy_start(rules, values, res.scores["cost"].to_numpy(dtype=float))
    assert start is not None
    assert res.status == "feasible"
    assert np.array_equal(res.selection, start)
    assert res.best_bound == pytest.approx(knapsack_bound(rules, values))
    assert res.gap == pytest.approx((res.best_bound - res.objective) / res.best_bound)
    assert "greedy" in res.message
    assert not children() - before
    strays = [
        p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])
    ]
    assert not strays, strays


def test_knapsack_bound_is_an_upper_bound(tiny: px.Scenario) -> None:
    # tiny: budget 100, values A 40 (cost 60), B 40 (50), C 30 (40); team 10 days (5, 6, 4)
    res = px.optimize(tiny)
    values = res.scores["objective_score"].to_numpy(dtype=float)
    bound = knapsack_bound(build_rules(tiny, res.scores), values)
    # budget: B (0.8/EUR), C (0.75), A (0.667): B + C = 90, then 10/60 of A -> 76.67;
    # team: C (7.5/day), A (8), B (6.67): A + C = 9 days, 1/6 of B -> 76.67
    assert bound == pytest.approx(70 + 40 / 6)
    assert bound >= res.objective
