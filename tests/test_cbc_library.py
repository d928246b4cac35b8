"""CBC's library in this process (:mod:`prioritizer.solver.cbc_library`): the re-solves of
sweeps, checked against exhaustive enumeration and against the CBC binary; the backend it is
chosen for; Ctrl-C, its watchdog, threads, a missing library and a silent stdout."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from randomscen import all_subsets, brute_force, random_scenario
from test_evidence_coverage import brute_force as evidence_brute_force
from test_evidence_coverage import costs_beating, random_case

import prioritizer as px
from prioritizer.solver import backend_for, cbc_library, solve_model, sweep_options
from prioritizer.solver.model import Model

pytestmark = pytest.mark.skipif(
    not cbc_library.library_available(), reason="cylp is not installed (the [fast] extra)"
)

IN_PROCESS = px.SolverOptions(tie_break=False, in_process=True)
BINARY = px.SolverOptions(tie_break=False)


def hard_model(n: int = 400, rows: int = 30, seed: int = 0) -> Model:
    """A random multidimensional knapsack CBC needs minutes for (> 40 s measured)."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 1000, (rows, n)).astype(float)
    return Model(
        objective=rng.integers(1, 1000, n).astype(float),
        scale=1.0,
        rank=np.arange(n),
        indptr=np.arange(0, (rows + 1) * n, n),
        indices=np.tile(np.arange(n), rows),
        data=weights.ravel(),
        lower=np.full(rows, -np.inf),
        upper=weights.sum(axis=1) / 4,
        row_names=[f"r{i}" for i in range(rows)],
    )


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Python's own Ctrl-C handler (a pytest started in the background inherits SIGINT
    ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def wait_until_free(timeout: float = 300.0) -> None:
    """Until no background CBC search holds the library (its watchdog ends it)."""
    deadline = time.monotonic() + timeout
    while not cbc_library._LOCK.acquire(timeout=1.0):
        assert time.monotonic() < deadline, "the library's search never ended"
    cbc_library._LOCK.release()


@pytest.mark.parametrize("seed", range(60))
def test_in_process_equals_exhaustive_enumeration(seed: int) -> None:
    """Random scenarios (every rule kind), with and without a start: the optimum of
    enumeration, reported by the in-process backend."""
    scenario = random_scenario(seed)
    best, mask = brute_force(scenario)
    result = px.solve_portfolio(scenario, IN_PROCESS)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.solver == cbc_library.NAME
    assert result.status == "optimal" and result.gap == 0.0
    assert result.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
    feasible = all_subsets(len(scenario.initiatives))[mask]
    start = feasible[int(np.random.default_rng(seed).integers(len(feasible)))]
    started = px.solve_portfolio(scenario, IN_PROCESS, start=start)
    assert started.status == "optimal"
    assert started.objective == pytest.approx(best, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_in_process_counts_shared_feedback_once(seed: int, tmp_path: Path) -> None:
    """Evidence scenarios (continuous OR variables) and the floor models solved without
    CBC's preprocessing: as enumeration says, as the binary says."""
    data, rows = random_case(seed, tmp_path)
    scenario = px.scenario_from_mapping(data, base_dir=tmp_path)
    best, _credited = evidence_brute_force(data, rows)
    result = px.solve_portfolio(scenario, IN_PROCESS)
    assert result.solver == cbc_library.NAME
    assert result.objective == pytest.approx(best, rel=1e-7, abs=1e-9)
    from prioritizer.solver import least_use_beating

    costs = {i["id"]: i["cost"] for i in data["initiatives"]}
    better = costs_beating(data, rows, result.objective)
    unbounded = scenario.with_overrides(budget=float(sum(costs.values())) + 1.0)
    found = {
        name: least_use_beating(
            unbounded,
            result.scores,
            options,
            use=result.scores["cost"].to_numpy(dtype=float),
            threshold=result.objective,
        )
        for name, options in (("library", IN_PROCESS), ("binary", BINARY))
    }
    for name, beating in found.items():
        if not better:
            assert beating is None, name
        else:
            assert beating is not None, name
            assert beating.cost == pytest.approx(min(better)), name


def test_the_backend_for_each_case() -> None:
    """In process: sweeps (in_process), CBC, no time limit, at most LIBRARY_MAX_N."""
    limit = cbc_library.LIBRARY_MAX_N
    assert backend_for(IN_PROCESS, 60) == "library"
    assert backend_for(IN_PROCESS, limit) == "library"
    assert backend_for(IN_PROCESS, limit + 1) == "cbc"
    assert backend_for(BINARY, 60) == "cbc"  # a single solve: the binary, as before
    assert backend_for(dataclasses.replace(IN_PROCESS, time_limit=5.0), 60) == "cbc"
    assert backend_for(sweep_options(px.SolverOptions(), 60), 60) == "library"


def test_an_analysis_runs_in_process(monkeypatch: pytest.MonkeyPatch, bank: px.Scenario) -> None:
    """The marginal table's re-solves use the library, and the table is the binary's."""
    base = px.optimize(bank)
    assert px.solve_portfolio(bank, sweep_options(base.options, 40)).solver == cbc_library.NAME
    table = px.marginal_values(bank, base=base, workers=1).to_frame()
    monkeypatch.setattr(cbc_library, "library_available", lambda: False)
    assert px.solve_portfolio(bank, sweep_options(base.options, 40)).solver != cbc_library.NAME
    binary = px.marginal_values(bank, base=base, workers=1).to_frame()
    pd.testing.assert_frame_equal(table, binary)


def test_ctrl_c_raises_at_once_and_the_search_ends_by_its_watchdog(
    monkeypatch: pytest.MonkeyPatch, ctrl_c_raises: None
) -> None:
    """The library does not see SIGINT: the waiting thread raises KeyboardInterrupt, the
    search goes on in its thread until the watchdog ends it; meanwhile a solve gets the
    binary (the library is busy), with the right answer."""
    monkeypatch.setattr(cbc_library, "WATCHDOG_S", 3.0)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            cbc_library.solve_in_process(hard_model(), IN_PROCESS)
    finally:
        timer.cancel()
    small = next(s for s in map(random_scenario, range(20)) if brute_force(s)[0] is not None)
    best, _ = brute_force(small)
    if cbc_library._LOCK.locked():  # still searching: the binary answers
        busy = px.solve_portfolio(small, IN_PROCESS)
        assert busy.solver != cbc_library.NAME
        assert busy.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
    wait_until_free()
    assert px.solve_portfolio(small, IN_PROCESS).solver == cbc_library.NAME


def test_a_search_the_watchdog_ends_is_handed_to_the_binary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a watchdog of a millisecond the library gives up on an OR-Library instance
    (n = 100, 5 rows) and the binary proves the published optimum, started from what the
    library had found."""
    from test_benchmarks import mknap_scenario, read_mknap

    monkeypatch.setattr(cbc_library, "WATCHDOG_S", 0.001)
    instance = read_mknap("mknapcb1.txt")[0]
    scenario = mknap_scenario(instance)
    scores = px.score_initiatives(scenario)
    from prioritizer.rules import build_rules
    from prioritizer.solver.model import build_model

    model = build_model(
        scores.index.tolist(),
        scores["objective_score"].to_numpy(dtype=float),
        build_rules(scenario, scores),
    )
    alone = cbc_library.solve_in_process(model, IN_PROCESS)
    assert alone.failed and "watchdog" in alone.message
    solution = solve_model(model, IN_PROCESS)
    assert solution.status == "optimal" and solution.solver != cbc_library.NAME
    assert solution.objective / model.scale == pytest.approx(instance.optimum)


def test_threads_each_get_a_right_answer() -> None:
    """Four threads re-solving at once (a threaded Dask worker): one uses the library at a
    time, the others the binary; every answer is enumeration's."""
    scenarios = [random_scenario(seed) for seed in range(16)]
    truth = [brute_force(s)[0] for s in scenarios]
    answers: dict[int, tuple[str, float | None]] = {}

    def work(offset: int) -> None:
        for k in range(offset, len(scenarios), 4):
            result = px.solve_portfolio(scenarios[k], IN_PROCESS)
            answers[k] = (result.status, result.objective if result.status == "optimal" else None)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k, best in enumerate(truth):
        status, objective = answers[k]
        if best is None:
            assert status == "infeasible"
        else:
            assert objective == pytest.approx(best, rel=1e-9, abs=1e-9)


def test_a_missing_library_falls_back_to_the_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cbc_library, "_library", lambda: None)
    scenario = random_scenario(5)
    best, _ = brute_force(scenario)
    model_result = px.solve_portfolio(scenario, IN_PROCESS)
    assert model_result.solver != cbc_library.NAME
    if best is not None:
        assert model_result.objective == pytest.approx(best, rel=1e-9, abs=1e-9)


def test_nothing_is_printed(capfd: pytest.CaptureFixture[str], bank: px.Scenario) -> None:
    """``--format json`` output stays clean: the library writes nothing to stdout/stderr."""
    for _ in range(3):
        assert px.solve_portfolio(bank, sweep_options(px.SolverOptions(), 40)).solver == (
            cbc_library.NAME
        )
    out, err = capfd.readouterr()
    assert out == "" and err == ""
