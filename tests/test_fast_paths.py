"""The fast paths of `prioritizer solve` (the solve and the command line) give exactly what
the plain code gives: the spreadsheet ranking against the straightforward loop it replaced
(kept here verbatim), on random scenarios and random rule sets (negative coefficients
included), with hypothesis; the command table of the lazy command group and what ``solve``
imports; the collector setting of the command's process; the cylp worker started while the
table loads. The loading side is in ``test_fast_loading.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from randomscen import random_scenario

import prioritizer as px
from prioritizer.rules import Rule, build_rules
from prioritizer.solver import cylp_available
from prioritizer.solver.start import ranking_selection


def reference_ranking(rules: Sequence[Rule], values: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """The ranking as one plain loop down the ranked list (the code before the fast path)."""
    n = len(values)
    x = np.zeros(n)
    upper = [r for r in rules if r.sense == "<=" and r.kind != "requires"]
    capacity = np.array([r.rhs for r in upper])
    room = capacity + 1e-9 * np.maximum(1.0, np.abs(capacity))
    empty = np.zeros(0)
    which = np.concatenate([*(np.full(len(r.index), u) for u, r in enumerate(upper)), empty])
    items = np.concatenate([*(r.index for r in upper), empty]).astype(np.int64)
    coefs = np.concatenate([*(r.coef for r in upper), empty]).astype(float)
    order_by_item = np.argsort(items, kind="stable")
    which, coefs = which[order_by_item].astype(np.int64), coefs[order_by_item]
    bounds = np.searchsorted(items[order_by_item], np.arange(n + 1))
    touching = [
        (which[a:b].tolist(), coefs[a:b].tolist())
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]
    needs: list[list[int]] = [[] for _ in range(n)]
    for rule in rules:
        if rule.kind == "requires":
            needs[int(rule.index[0])].append(int(rule.index[1]))
    load_list = [0.0] * len(upper)
    room_list = room.tolist()

    def take(k: int) -> None:
        x[k] = 1.0
        for u, c in zip(*touching[k], strict=True):
            load_list[u] += c

    def fits(k: int) -> bool:
        return all(load_list[u] + c <= room_list[u] for u, c in zip(*touching[k], strict=True))

    def ready(k: int) -> bool:
        return not x[k] and all(x[d] for d in needs[k])

    for rule in rules:
        if rule.kind == "mandatory":
            for k in rule.index.tolist():
                if not x[k]:
                    take(k)
    ratio = np.where(cost > 0, values / np.where(cost > 0, cost, 1.0), np.inf)
    order = np.lexsort((np.arange(n), -ratio)).tolist()
    positive = (values > 0).tolist()
    for k in order:
        if positive[k] and ready(k) and fits(k):
            take(k)
    for rule in rules:
        if rule.kind != "min_count":
            continue
        members = {int(i) for i in rule.index}
        for k in order:
            if rule.holds(x):
                break
            if k in members and ready(k) and fits(k):
                take(k)
    return x


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), budget=st.floats(0.0, 1.5))
def test_ranking_equals_the_plain_loop_on_random_scenarios(
    seed: int, n: int, budget: float
) -> None:
    sc = random_scenario(seed, n)
    sc = sc.with_overrides(budget=budget * sum(i.cost for i in sc.initiatives))
    scores = px.score_initiatives(sc)
    rules = build_rules(sc, scores)
    values = scores["objective_score"].to_numpy(dtype=float)
    cost = scores["cost"].to_numpy(dtype=float)
    expected = reference_ranking(rules, values, cost)
    got = ranking_selection(rules, values, cost)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


@st.composite
def rule_sets(draw: st.DrawFn) -> tuple[list[Rule], np.ndarray, np.ndarray]:
    """Random rules over n items: "<=" rules (some with negative coefficients, some with
    coefficients in few distinct values so sums tie the room exactly), mandatory, requires
    and min_count rules; values with zeros, negatives and ties; costs with zeros."""
    n = draw(st.integers(1, 300))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    negative = draw(st.booleans())
    rules: list[Rule] = []
    for u in range(draw(st.integers(0, 5))):
        index = np.flatnonzero(rng.random(n) < rng.uniform(0.1, 1.0))
        coef = rng.integers(-2 if negative else 0, 5, len(index)).astype(float)
        rhs = float(rng.integers(0, max(1, int(coef.clip(0).sum()))))
        rules.append(Rule(f"r{u}", "capacity", "", index, coef, "<=", rhs))
    if rng.random() < 0.5:
        index = np.flatnonzero(rng.random(n) < 0.05)
        rules.append(Rule("m", "mandatory", "", index, np.ones(len(index)), ">=", len(index)))
    for k in range(n):
        if k and rng.random() < 0.1:
            d = int(rng.integers(0, n))
            if d != k:
                rules.append(
                    Rule(f"q{k}", "requires", "", np.array([k, d]), np.array([1.0, -1.0]), "<=", 0)
                )
    if rng.random() < 0.5:
        index = np.flatnonzero(rng.random(n) < 0.3)
        rules.append(Rule("c", "min_count", "", index, np.ones(len(index)), ">=", 3.0))
    values = rng.integers(-3, 20, n).astype(float)
    cost = rng.integers(0, 6, n).astype(float)
    return rules, values, cost


@settings(max_examples=150, deadline=None)
@given(case=rule_sets())
def test_ranking_equals_the_plain_loop_on_random_rules(
    case: tuple[list[Rule], np.ndarray, np.ndarray],
) -> None:
    rules, values, cost = case
    expected = reference_ranking(rules, values, cost)
    assert np.array_equal(ranking_selection(rules, values, cost), expected)


# --------------------------------------------------------------------------------------
# The command line imports a command's module only when the command is used
# --------------------------------------------------------------------------------------
def test_every_command_is_listed_and_resolves_to_itself() -> None:
    import click

    from prioritizer.analysis.registry import REGISTRY
    from prioritizer.cli import COMMAND_MODULES, cli
    from prioritizer.cli.analyses import COMMANDS

    analyses = {spec.command for spec in REGISTRY.values() if spec.command}
    assert analyses == set(COMMANDS)
    assert {n for n, m in COMMAND_MODULES.items() if m == "analyses"} == analyses | {"compare"}
    context = click.Context(cli)
    assert cli.list_commands(context) == sorted(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name
    assert cli.get_command(context, "no-such-command") is None


def test_solve_imports_neither_the_other_analyses_nor_plotting() -> None:
    import subprocess
    import sys

    from conftest import SCENARIOS

    probe = (
        "import sys\n"
        "from prioritizer.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    scenario = SCENARIOS / "retail_bank" / "scenario.yaml"
    done = subprocess.run(
        [sys.executable, "-c", probe, "solve", str(scenario), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set(done.stdout.splitlines()[-1].split())
    assert "prioritizer.solver.portfolio" in modules  # the probe saw the solve's imports
    for heavy in (
        "prioritizer.analysis.registry",
        "prioritizer.analysis.frontier",
        "prioritizer.analysis.montecarlo",
        "prioritizer.report",
        "prioritizer.cli.analyses",
        "matplotlib",
    ):
        assert heavy not in modules, heavy


def test_the_command_collects_garbage_less_often_and_the_library_not_at_all() -> None:
    import gc
    import subprocess
    import sys

    from prioritizer.cli import YOUNG_OBJECTS_PER_COLLECTION

    probe = (
        "import gc, sys\n"
        "before = gc.get_threshold()\n"
        "import prioritizer as px\n"
        "from prioritizer.cli import main\n"
        "assert gc.get_threshold() == before, 'importing changed the collector'\n"
        "try:\n    main(['--version'])\n"
        "except SystemExit:\n    pass\n"
        "print(gc.get_threshold()[0], before[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == [
        str(YOUNG_OBJECTS_PER_COLLECTION),
        str(gc.get_threshold()[0]),
    ]


# --------------------------------------------------------------------------------------
# A cylp worker started while a large table loads is the one the solve uses
# --------------------------------------------------------------------------------------
needs_cylp = pytest.mark.skipif(
    not cylp_available(), reason="cylp is not installed (the [fast] extra; Linux and macOS)"
)


def _children() -> set[int]:
    import psutil

    return {p.pid for p in psutil.Process().children(recursive=True)}


@needs_cylp
def test_solve_uses_the_worker_started_while_the_table_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from click.testing import CliRunner
    from conftest import SCENARIOS

    from prioritizer.cli import cli
    from prioritizer.solver import cylp_backend

    monkeypatch.setattr(cylp_backend, "CYLP_MIN_N", 0)
    monkeypatch.setattr(cylp_backend, "SPARE_MIN_BYTES", 0)
    events: list[str] = []
    start, take = cylp_backend.start_spare, cylp_backend.take_spare

    def spy_start() -> None:
        events.append("start")
        start()

    def spy_take() -> cylp_backend.Worker | None:
        events.append("take")
        return take()

    monkeypatch.setattr(cylp_backend, "start_spare", spy_start)
    monkeypatch.setattr(cylp_backend, "take_spare", spy_take)
    before = _children()
    bank = str(SCENARIOS / "retail_bank" / "scenario.yaml")
    result = CliRunner().invoke(cli, ["solve", bank, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["solver"] == "cbc (cylp)"
    assert events == ["start", "take"] and not cylp_backend._spare
    assert _children() <= before  # nothing left running
    plain = px.optimize(px.load_scenario(bank))  # the same answer without a spare
    assert json.loads(result.stdout)["selected"] == plain.selected


@needs_cylp
def test_an_unused_worker_is_stopped_and_small_tables_start_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner
    from conftest import SCENARIOS

    from prioritizer.cli import cli
    from prioritizer.solver import cylp_backend

    bank = str(SCENARIOS / "retail_bank" / "scenario.yaml")
    started: list[bool] = []
    start = cylp_backend.start_spare

    def spy_start() -> None:
        started.append(True)
        start()

    monkeypatch.setattr(cylp_backend, "start_spare", spy_start)
    before = _children()
    # the bank table is far below SPARE_MIN_BYTES: no worker
    assert CliRunner().invoke(cli, ["solve", bank]).exit_code == 0
    assert started == []
    # a large-looking table with a time limit (CBC binary): no worker either
    monkeypatch.setattr(cylp_backend, "SPARE_MIN_BYTES", 0)
    assert CliRunner().invoke(cli, ["solve", bank, "--time-limit", "30"]).exit_code == 0
    assert started == []
    # started, then the scenario is refused before any solve: stopped, exit 2
    (tmp_path / "scenario.yaml").write_text("budget: 1\ninitiatives: initiatives.csv\n")
    (tmp_path / "initiatives.csv").write_text("id,cost\nA,-1\n")
    result = CliRunner().invoke(cli, ["solve", str(tmp_path / "scenario.yaml")])
    assert result.exit_code == 2 and started == [True]
    assert not cylp_backend._spare and _children() <= before


@needs_cylp
def test_a_worker_started_by_another_process_is_not_taken() -> None:
    import os

    from prioritizer.solver import cylp_backend

    worker = cylp_backend.Worker()
    cylp_backend._spare.append((os.getpid() + 1, worker))  # as if inherited through a fork
    try:
        assert cylp_backend.take_spare() is None and not worker.processes
    finally:
        cylp_backend.discard_spare()
