"""The explorer's update latency, as ``make bench`` rows: from a slider value set on the
widget to its outputs refreshed (the what-if solved, the KPI strip, the portfolio table and
the portfolio map redrawn, and the frontier with the new point when its frontier is known),
median over several moves, on the telecom example (target <= 0.3 s) and on a generated
N = 500 instance (target <= 1 s). Moves of a team slider change the frontier itself: it is
solved on the widget's background thread; the time until it is redrawn is its own row.

Usage: python -m benchmarks.explore [--quick]
"""

from __future__ import annotations

import argparse
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


class _Held:
    """A debounce timer that never fires by itself: the benchmark flushes by hand, so the
    debounce delay (a pause the user does not feel as latency) is not counted."""

    def __init__(self, _delay_s: float, _action: Callable[[], Any]) -> None:
        pass

    def start(self) -> None:
        pass

    def cancel(self) -> None:
        pass


def _moves(widget: Any, slider: Any, values: list[float]) -> tuple[list[float], list[float]]:
    """Seconds from setting each value to refreshed outputs, and to the frontier redrawn."""
    outputs, frontier = [], []
    for value in values:
        started = time.perf_counter()
        slider.value = value
        widget.flush()
        outputs.append(time.perf_counter() - started)
        widget.wait_idle()
        frontier.append(time.perf_counter() - started)
    return outputs, frontier


def explore_rows(work: Path, quick: bool = False) -> list[tuple[str, int, list[float], str]]:
    """(case, N, seconds of each run, note) rows for the benchmark table."""
    import prioritizer as px
    from benchmarks.generate import write_instance
    from prioritizer.explore import Explorer
    from prioritizer.explore.widget import ExplorerWidget
    from prioritizer.plots import headless

    headless()
    rows: list[tuple[str, int, list[float], str]] = []
    exact = px.SolverOptions()
    near = px.SolverOptions(gap=1e-4)  # as the other N >= 500 rows of the table
    cases = [("telecom", px.load_scenario(TELECOM), 60, exact)]
    generated = px.load_scenario(write_instance(work / "n500", 500, 1))
    cases.append(("generated, gap 1e-4", generated, 3, near))
    for label, scenario, max_breakpoints, options in cases:
        n = len(scenario.initiatives)
        started = time.perf_counter()
        explorer = Explorer(scenario, options=options, max_breakpoints=max_breakpoints)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        explorer.compute_breakpoints()
        marks = time.perf_counter() - started
        widget = ExplorerWidget(explorer, timer_factory=_Held, keep_folder=None)
        widget.wait_idle()
        budget = scenario.budget
        factors = [0.9, 0.8, 1.1, 0.7, 1.25] if quick else [0.9, 0.8, 1.1, 0.7, 1.25, 0.95, 0.6]
        out, _ = _moves(widget, widget.budget_slider, [budget * f for f in factors])
        target = TARGETS[60 if n <= 100 else 500]
        verdict = "within" if statistics.median(out) <= target else "OVER"
        print(f"{label}: open {opened:.2f} s, breakpoints {marks:.1f} s", file=sys.stderr)
        rows.append(
            (
                f"explorer: budget slider -> outputs, {label}",
                n,
                out,
                f"target <= {target:g} s: {verdict}",
            )
        )
        team, days = next(iter(scenario.teams.items()))
        values = [days * f for f in (0.8, 1.2, 0.6)]
        out, front = _moves(widget, widget.team_sliders[team], values)
        verdict = "within" if statistics.median(out) <= target else "OVER"
        rows.append(
            (
                f"explorer: team slider -> outputs, {label}",
                n,
                out,
                f"target <= {target:g} s: {verdict}",
            )
        )
        rows.append((f"  then its new frontier (background), {label}", n, front, ""))
        rows.append((f"explorer: open (base solve), {label}", n, [opened], ""))
        rows.append(
            (
                f"  breakpoints marked (background), {label}",
                n,
                [marks],
                f"{len(explorer.breakpoints)} breakpoints (at most {max_breakpoints})",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prioritizer-explore-") as work:
        for case, n, runs, note in explore_rows(Path(work), args.quick):
            runs_text = " ".join(f"{r:.3f}" for r in runs)
            print(f"{case:<52} {n:>5} {statistics.median(runs):>8.3f} s  {note}  [{runs_text}]")


if __name__ == "__main__":
    main()
