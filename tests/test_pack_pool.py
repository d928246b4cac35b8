"""The steering pack on one worker pool (``prioritizer report``): every analysis on the same
pool, each one's charts submitted as soon as its result exists. Same results and same charts
as a pack built the default way; the pool is left running for its owner. And the pack's
Monte Carlo default (500 draws): a prefix of any longer run with the same seed."""

from __future__ import annotations

import dataclasses
import inspect
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import prioritizer as px
from prioritizer.analysis._parallel import worker_pool
from prioritizer.analysis.registry import PACK_DRAWS
from prioritizer.report import build_pack, render_charts
from prioritizer.report.pack import start_rendering

SKIP = ["tornado", "explain"]  # keeps the test short; the others run (Monte Carlo included)


def test_one_pool_gives_the_packs_results_and_charts(bank: px.Scenario) -> None:
    alone = build_pack(bank, draws=40, workers=1, skip=SKIP)
    with worker_pool(2) as pool:
        assert pool is not None
        shared = build_pack(bank, draws=40, workers=2, skip=SKIP, executor=pool, render=True)
        assert shared.rendering is not None
        assert len(shared.rendering.futures) > 0  # submitted while the analyses ran
        charts = start_rendering(shared).wait()
        assert pool.submit(sum, [1, 2]).result() == 3  # the owner's pool still runs
    assert list(shared.results) == list(alone.results)
    for name, result in alone.results.items():
        pd.testing.assert_frame_equal(shared.results[name].to_frame(), result.to_frame())
    expected = render_charts(alone, workers=1)
    assert [c.slug for c in charts] == [c.slug for c in expected]
    assert [c.finding.text for c in charts] == [c.finding.text for c in expected]
    assert [c.png for c in charts] == [c.png for c in expected]
    assert [c.slide_png for c in charts] == [c.slide_png for c in expected]


def test_the_pack_draws_500_by_default_and_the_command_says_so() -> None:
    from prioritizer.cli.report import report

    assert inspect.signature(build_pack).parameters["draws"].default == PACK_DRAWS == 500
    draws = next(p for p in report.params if p.name == "draws")
    assert draws.default == PACK_DRAWS
    assert inspect.signature(px.monte_carlo).parameters["draws"].default == 1000


def test_fewer_draws_are_the_first_draws_of_more(bank: px.Scenario) -> None:
    """The same seed: the first 50 draws of a 125-draw run are the 50-draw run, whatever the
    workers — so the pack's 500 draws are the first 500 of ``montecarlo``'s 1,000."""
    base = px.optimize(bank)
    short = px.monte_carlo(bank, draws=50, seed=3, base=base, workers=1)
    long = px.monte_carlo(bank, draws=125, seed=3, base=base, workers=2)
    np.testing.assert_array_equal(long.selections[:50], short.selections)
    np.testing.assert_array_equal(long.fixed_business[:50], short.fixed_business)
    assert long.statuses[:50] == short.statuses


def test_a_second_format_keeps_the_figures_layout_engine() -> None:
    """The SVG is saved with the PNG's layout (engine paused), then the engine is back."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    from prioritizer import plots
    from prioritizer.plots.style import new_axes

    ax = new_axes(None)
    ax.bar(["a", "b"], [1.0, 2.0])
    ax.set_title("A finding as the title", loc="left")
    figure = ax.figure
    plots.figure_bytes(figure, "png", 200)
    svg = plots.figure_bytes_as_laid_out(figure, "svg", 100)
    assert svg.lstrip().startswith(b"<?xml") and b"A finding as the title" in svg
    assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    plots.close(figure)


def test_idle_workers_ignore_ctrl_c(capfd: pytest.CaptureFixture[str]) -> None:
    """A Ctrl-C that reaches the pool's idle workers (a terminal signals the whole process
    group) leaves them alive and prints no traceback; a task still runs after it."""
    import os
    import signal

    from prioritizer.analysis._parallel import interruptible

    with worker_pool(2) as pool:
        assert pool is not None
        seen: set[int] = set()
        for _ in range(100):  # until both workers have run a task (their set-up done)
            pair = [pool.submit(interruptible, _pid_after, 0.1) for _ in range(2)]
            seen |= {future.result() for future in pair}
            if len(seen) == 2:
                break
        workers = list(pool._processes)  # type: ignore[attr-defined]
        assert seen == set(workers)
        for pid in workers:
            os.kill(pid, signal.SIGINT)
        for _ in range(20):  # round trips after the signals: a dead worker breaks the pool
            assert pool.submit(interruptible, sum, [2, 3]).result() == 5
        assert sorted(pool._processes) == sorted(workers)  # type: ignore[attr-defined]
    assert "Traceback" not in capfd.readouterr().err


def _pid_after(seconds: float) -> int:
    """This process's id, after ``seconds`` (so that both workers get tasks)."""
    import os
    import time

    time.sleep(seconds)
    return os.getpid()


def _cells(xlsx: bytes) -> dict[str, list[tuple[object, ...]]]:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {s.title: [tuple(row) for row in s.iter_rows(values_only=True)] for s in book}


def test_the_workbook_built_beside_the_charts_is_the_workbook(
    bank: px.Scenario, tmp_path: Path
) -> None:
    """write_pack builds portfolio.xlsx on a worker of the pack's pool while it builds the
    deck: every sheet and cell as the workbook built in this process."""
    from prioritizer.report import write_pack
    from prioritizer.report.story import build_story
    from prioritizer.report.workbook import workbook_bytes

    with worker_pool(2) as pool:
        pack = build_pack(bank, draws=20, workers=2, skip=SKIP, executor=pool, render=True)
        write_pack(pack, tmp_path / "pack")
    story = build_story(pack.base, pack.results, evidence=pack.evidence, draws=20, seed=0)
    here = workbook_bytes(dataclasses.replace(pack, rendering=None), story)
    written = (tmp_path / "pack" / "portfolio.xlsx").read_bytes()
    assert _cells(written) == _cells(here)
    assert len(_cells(here)) > 3


def _pid(offset: int) -> int:
    return os.getpid() + offset


def test_beside_runs_on_a_worker_or_else_here() -> None:
    from prioritizer.report.pack import Rendering

    with worker_pool(2) as pool:
        assert pool is not None
        value = Rendering(None, 2, pool).beside(_pid, 0)
        assert value() != os.getpid()  # another process computed it
    late = Rendering(None, 2, pool).beside(_pid, 0)  # the pool is shut down: computed here
    assert late() == os.getpid()
    assert Rendering(None, 1).beside(_pid, 1)() == os.getpid() + 1  # no worker at all


def test_the_packs_tornado_reuses_explains_solves(bank: px.Scenario) -> None:
    """In the pack, explain runs before the tornado and hands it the best portfolio with each
    initiative toggled: the tornado is the tornado run alone, with fewer solves."""
    from prioritizer.analysis.registry import PACK
    from prioritizer.report.pack import _run_order

    order = _run_order(list(PACK))
    assert order.index("explain") < order.index("tornado")
    assert sorted(order) == sorted(PACK)
    pack = build_pack(bank, workers=1, skip=["frontier", "marginal", "montecarlo", "pareto"])
    assert list(pack.results) == [n for n in PACK if n in pack.results]  # deck order kept
    alone = px.tornado(bank, base=pack.base, workers=1).to_frame()
    shared = pack.results["tornado"].to_frame()
    pd.testing.assert_frame_equal(shared.drop(columns="solves"), alone.drop(columns="solves"))
    assert shared["solves"].sum() < alone["solves"].sum()
    toggled = pack.results["explain"].toggled()
    assert len(toggled) >= len(bank.initiatives) - len(bank.mandatory_ids()) - 2


def test_beside_computes_here_what_does_not_pickle() -> None:
    from prioritizer.report.pack import Rendering

    with worker_pool(2) as pool:
        value = Rendering(None, 2, pool).beside(len, [lambda: 1])  # a lambda does not pickle
        assert value() == 1


def _parts(pptx: Path) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(pptx) as archive:
        return {n: archive.read(n) for n in archive.namelist() if not n.startswith("docProps/")}


def test_the_deck_placing_charts_as_they_render_is_the_deck(
    bank: px.Scenario, tmp_path: Path
) -> None:
    """With a pool, the deck is built while the last charts render (each waited for when
    placed): every slide and picture as the deck of a pack written in one process."""
    from prioritizer.report import write_pack

    with worker_pool(2) as pool:
        shared = build_pack(bank, draws=20, workers=2, skip=SKIP, executor=pool, render=True)
        write_pack(shared, tmp_path / "pool")
    alone = build_pack(bank, draws=20, workers=1, skip=SKIP)
    write_pack(alone, tmp_path / "alone", workers=1)
    pool_parts, alone_parts = (
        _parts(tmp_path / "pool" / "deck.pptx"),
        _parts(tmp_path / "alone" / "deck.pptx"),
    )
    assert pool_parts.keys() == alone_parts.keys()
    assert sum(n.startswith("ppt/media/") for n in pool_parts) >= 5
    # the native charts' embedded workbooks carry the time they were written
    differ = [n for n in pool_parts if pool_parts[n] != alone_parts[n]]
    assert [n for n in differ if not n.startswith("ppt/embeddings/")] == []
    for name in ("charts/frontier.png", "charts/npv_distribution.png", "summary.md"):
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()
