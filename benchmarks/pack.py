"""The steering pack on the telecom example with default options (the target: at most 20 s
on a 2-core machine), as ``make bench`` rows.

Measured twice: the command a user types, ``prioritizer report scenarios/telecom/scenario.yaml
--out DIR`` with nothing else (default workers: all cores; 500 Monte Carlo draws), end to
end in a fresh process (and once more with ``--draws 1000``, montecarlo's default); and,
in this process, the same pack step by step (seconds per analysis) to show where the time
goes.

Each run is printed with the 1-minute load average and a speed probe (CPU seconds of a fixed
pure-Python loop, run just before): this machine's CPU speed varies by some 15% from minute to
minute, so a slow run on a slow minute shows as such.

Usage: python -m benchmarks.pack [--quick] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "scenarios" / "telecom" / "scenario.yaml"
TARGET_S = 20.0


def command_times(out: Path, *extra: str) -> tuple[float, float]:
    """(wall s, CPU s) of ``prioritizer report TELECOM --out OUT`` with default options (and
    ``extra`` arguments); CPU is user + system of the command and every process it waited
    for (workers, CBC), which other jobs on the machine hardly inflate: CPU / cores is the
    least wall time possible."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "prioritizer", "report", str(TELECOM), "--out", str(out), *extra],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def speed_probe() -> float:
    """CPU seconds of a fixed pure-Python loop (about 0.3 s on this machine when idle)."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return time.process_time() - started


def step_seconds(out: Path) -> dict[str, float]:
    """Seconds per step of the same pack built in this process (default options)."""
    import prioritizer as px
    from prioritizer.report import build_pack, write_pack

    pack = build_pack(px.load_scenario(TELECOM))
    started = time.perf_counter()
    write_pack(pack, out)
    return {**pack.seconds, "write": time.perf_counter() - started}


def pack_rows(work: Path, quick: bool = False) -> list[tuple[str, float, str]]:
    """(case, seconds, note) rows for the benchmark table: the command end to end, and
    (unless ``quick``) the pack's steps in this process."""
    seconds, cpu = command_times(work / "pack")
    verdict = "within" if seconds <= TARGET_S else "OVER"
    cores = os.cpu_count() or 1
    rows = [
        (
            "steering pack (report), telecom, default options",
            seconds,
            f"target <= {TARGET_S:.0f} s: {verdict}; CPU {cpu:.1f} s "
            f"(at least {cpu / cores:.1f} s wall on {cores} cores)",
        )
    ]
    if not quick:
        thousand, cpu = command_times(work / "pack-1000", "--draws", "1000")
        rows.append(
            ("  the same with --draws 1000", thousand, f"CPU {cpu:.1f} s (montecarlo's default)")
        )
        steps = step_seconds(work / "pack-steps")
        rows.append(("  pack steps in-process (sum)", sum(steps.values()), _steps_note(steps)))
    return rows


def _steps_note(steps: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in steps.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the command, no breakdown")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the command (default 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prioritizer-pack-") as folder:
        cores = os.cpu_count() or 1
        walls = []
        for run in range(args.repeat):
            probe, load = speed_probe(), os.getloadavg()[0]
            seconds, cpu = command_times(Path(folder) / f"pack{run}")
            walls.append(seconds)
            print(
                f"prioritizer report telecom (default options): {seconds:.1f} s wall, "
                f"{cpu:.1f} s CPU (at least {cpu / cores:.1f} s wall on {cores} cores); "
                f"load {load:.2f}, speed probe {probe:.3f} CPU s",
                flush=True,
            )
        if args.repeat > 1:
            within = sum(w <= TARGET_S for w in walls)
            print(
                f"{args.repeat} runs: median {statistics.median(walls):.1f} s, min "
                f"{min(walls):.1f}, max {max(walls):.1f}; within {TARGET_S:.0f} s: {within}"
            )
        if not args.quick:
            thousand, cpu = command_times(Path(folder) / "pack-1000", "--draws", "1000")
            print(f"the same with --draws 1000: {thousand:.1f} s wall, {cpu:.1f} s CPU")
            steps = step_seconds(Path(folder) / "steps")
            print(f"in-process steps: {_steps_note(steps)} (sum {sum(steps.values()):.1f} s)")


if __name__ == "__main__":
    main()
