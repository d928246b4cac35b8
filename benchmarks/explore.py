"""The explorer's update latency, as ``make bench`` rows: from a control value set on the
widget to its outputs refreshed (the what-if answered, the KPI strip, the portfolio table, the
portfolio map and the frontier as known redrawn), median over several moves per control, on
the telecom example (target <= 0.3 s; the explorer's default options) and on a generated
N = 500 instance (target <= 1 s; gap 1e-4 as the other N >= 500 rows, a 7-point frontier grid).

Budget moves are timed twice: before the frontier's breakpoints are walked (each move a solve,
unless it lands on the step of an earlier solve) and after (answered from the walk). Moves of
the other controls change the frontier itself: its grid is solved on the widget's background
thread; the time until it is redrawn is its own row. Every row notes the load average (1 min)
when it was measured: the machine is shared.

Usage: python -m benchmarks.explore [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "scenarios" / "telecom" / "scenario.yaml"
TARGETS = {60: 0.3, 500: 1.0}

Rows = list[tuple[str, int, list[float], str]]


class _Held:
    """A debounce timer that never fires by itself: the benchmark flushes by hand, so the
    debounce delay (a pause the user does not feel as latency) is not counted."""

    def __init__(self, _delay_s: float, _action: Callable[[], Any]) -> None:
        pass

    def start(self) -> None:
        pass

    def cancel(self) -> None:
        pass


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def _moves(
    widget: Any, move: Callable[[Any], None], values: list[Any]
) -> tuple[list[float], list[float], int]:
    """Seconds from each control value set to refreshed outputs, to the frontier redrawn,
    and how many of the moves were answered without a solve."""
    outputs, frontier, reused = [], [], 0
    for value in values:
        started = time.perf_counter()
        move(value)
        widget.flush()
        outputs.append(time.perf_counter() - started)
        reused += widget.explorer.current.reused
        widget.wait_frontier()
        frontier.append(time.perf_counter() - started)
    return outputs, frontier, reused


def _verdict(runs: list[float], target: float) -> str:
    return f"target <= {target:g} s: {'within' if statistics.median(runs) <= target else 'OVER'}"


def explore_rows(work: Path, quick: bool = False) -> Rows:
    """(case, N, seconds of each run, note) rows for the benchmark table."""
    import prioritizer as px
    from benchmarks.generate import write_instance
    from prioritizer.explore import Explorer
    from prioritizer.explore.widget import ExplorerWidget

    rows: Rows = []
    near = px.SolverOptions(gap=1e-4)  # as the other N >= 500 rows of the table
    # (label, scenario, walk solves at most, options, frontier grid points)
    cases = [("telecom", px.load_scenario(TELECOM), 400, None, 13)]
    generated = px.load_scenario(write_instance(work / "n500", 500, 1))
    cases.append(("generated, gap 1e-4", generated, 10 if quick else 40, near, 7))
    for label, scenario, max_solves, options, points in cases:
        n = len(scenario.initiatives)
        target = TARGETS[60 if n <= 100 else 500]
        budget = scenario.budget
        factors = [0.9, 0.8, 1.1, 0.7, 1.25] if quick else [0.9, 0.8, 1.1, 0.7, 1.25, 0.95, 0.6]
        budgets = [budget * f for f in factors]

        def budget_move(widget: Any) -> Callable[[Any], None]:
            return lambda v: setattr(widget.budget_slider, "value", v)

        # cold: no walk yet, every budget move off the base step is a solve
        started = time.perf_counter()
        cold = Explorer(
            scenario, options=options, max_breakpoints=max_solves, frontier_points=points
        )
        opened = time.perf_counter() - started
        widget = ExplorerWidget(cold, timer_factory=_Held, keep_folder=None, walk=False)
        out, _, reused = _moves(widget, budget_move(widget), budgets)
        rows.append(
            (
                f"explorer: budget slider, before the walk, {label}",
                n,
                out,
                f"{_verdict(out, target)}; {reused}/{len(out)} without a solve; {_load()}",
            )
        )
        rows.append((f"explorer: open (base solve), {label}", n, [opened], _load()))

        # the walk of the base frontier (what the widget runs in the background)
        explorer = Explorer(
            scenario, options=options, max_breakpoints=max_solves, frontier_points=points
        )
        started = time.perf_counter()
        explorer.compute_breakpoints()
        marks = time.perf_counter() - started
        covered = "all budgets" if explorer.breakpoints_complete else "stopped at the limit"
        rows.append(
            (
                f"  breakpoints walked (background), {label}",
                n,
                [marks],
                f"{len(explorer.breakpoints)} breakpoints, at most {max_solves} solves, "
                f"{covered}; {_load()}",
            )
        )
        widget = ExplorerWidget(explorer, timer_factory=_Held, keep_folder=None)
        widget.wait_idle()
        out, _, reused = _moves(widget, budget_move(widget), budgets)
        rows.append(
            (
                f"explorer: budget slider, after the walk, {label}",
                n,
                out,
                f"{_verdict(out, target)}; {reused}/{len(out)} without a solve; {_load()}",
            )
        )
        widget.budget_slider.value = budget
        widget.flush()

        others = _controls(widget, scenario, explorer, 3 if n <= 100 else 2)
        for name, move, values, restore in others:
            out, front, reused = _moves(widget, move, values)
            rows.append(
                (
                    f"explorer: {name}, {label}",
                    n,
                    out,
                    f"{_verdict(out, target)}; {reused}/{len(out)} without a solve; {_load()}",
                )
            )
            rows.append((f"  then its frontier (background), {label}", n, front, ""))
            restore()
            widget.flush()
            widget.wait_idle()
        print(f"{label}: open {opened:.2f} s, breakpoints {marks:.1f} s", file=sys.stderr)
    return rows


Control = tuple[str, Callable[[Any], None], list[Any], Callable[[], None]]


def _controls(widget: Any, scenario: Any, explorer: Any, moves: int) -> list[Control]:
    """(name, set a value, values to set, restore the base value) of each control but the
    budget slider, ``moves`` values each."""
    team, days = next(iter(scenario.teams.items()))
    objective = scenario.objective

    def weight(v: float) -> None:
        widget.mode_picker.value = "blended"
        widget.weight_slider.value = v

    def weight_back() -> None:
        widget.mode_picker.value = objective.mode
        widget.weight_slider.value = objective.business_weight

    return [
        (
            f"team {team} slider",
            lambda v: setattr(widget.team_sliders[team], "value", v),
            [days * f for f in (0.8, 1.2, 0.6)][:moves],
            lambda: setattr(widget.team_sliders[team], "value", days),
        ),
        (
            "objective mode",
            lambda v: setattr(widget.mode_picker, "value", v),
            ["business", "customer", "blended"][:moves],
            lambda: setattr(widget.mode_picker, "value", objective.mode),
        ),
        ("business weight slider", weight, [0.3, 0.7, 0.9][:moves], weight_back),
        (
            "force in",
            lambda v: setattr(widget.force_in_picker, "value", v),
            _pick(explorer, chosen=False)[:moves],
            lambda: setattr(widget.force_in_picker, "value", ()),
        ),
        (
            "force out",
            lambda v: setattr(widget.force_out_picker, "value", v),
            _pick(explorer, chosen=True)[:moves],
            lambda: setattr(widget.force_out_picker, "value", ()),
        ),
    ]


def _pick(explorer: Any, *, chosen: bool) -> list[tuple[str, ...]]:
    """Three one-initiative picks: chosen in the base case (to force out) or not (to force
    in), the most valuable first."""
    scores = explorer.base.scores
    picked = set(explorer.base.selected)
    ids = [i for i in scores.sort_values("objective_score", ascending=False).index]
    return [(i,) for i in ids if (i in picked) == chosen][:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, {_load()} at the start", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="prioritizer-explore-") as work:
        for case, n, runs, note in explore_rows(Path(work), args.quick):
            runs_text = " ".join(f"{r:.3f}" for r in runs)
            print(f"{case:<58} {n:>5} {statistics.median(runs):>8.3f} s  {note}  [{runs_text}]")


if __name__ == "__main__":
    main()
