"""A time limit is a promise: the solve ends by the limit (plus a grace of a few seconds),
with the best portfolio found or a clear message, and leaves no process behind."""

from __future__ import annotations

import importlib
import time

import psutil
import pytest
from test_benchmarks import mknap_scenario, read_mknap

import prioritizer as px
from prioritizer.optimize import highs_available

optimize_module = importlib.import_module("prioritizer.optimize")
SOLVERS = ["cbc"] + (["highs"] if highs_available() else [])


def children() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


@pytest.mark.parametrize("solver", SOLVERS)
def test_hard_instance_two_second_limit(solver: str) -> None:
    sc = mknap_scenario(read_mknap("mknapcb9-first.txt")[0])
    before = children()  # other tests' helpers (a Dask cluster, a kernel) may still be around
    started = time.perf_counter()
    try:
        res = px.optimize(sc, solver=solver, time_limit=2)
    except px.SolverError as exc:
        assert "no portfolio found within 2 s" in str(exc)
    else:
        assert res.status == "feasible" and res.gap is not None and res.gap > 0
    elapsed = time.perf_counter() - started
    assert elapsed < 2 + optimize_module.DEADLINE_GRACE_S + 3.0, elapsed
    assert not children() - before


def test_a_solver_that_ignores_its_limit_is_stopped(
    monkeypatch: pytest.MonkeyPatch, tiny: px.Scenario
) -> None:
    def stuck(*_args: object, **_kwargs: object) -> None:
        time.sleep(60)

    monkeypatch.setattr(optimize_module, "_run_solver", stuck)
    before = children()
    started = time.perf_counter()
    with pytest.raises(px.SolverError, match=r"no portfolio found within 1 s"):
        px.optimize(tiny, time_limit=1)
    elapsed = time.perf_counter() - started
    assert 1 <= elapsed < 1 + optimize_module.DEADLINE_GRACE_S + 2.0
    assert not children() - before
