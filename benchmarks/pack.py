"""The steering pack on the telecom example with default options (the target: at most 20 s
on a 2-core machine), as ``make bench`` rows.

Measured twice: the command a user types, ``prioritizer report scenarios/telecom/scenario.yaml
--out DIR`` with nothing else (default workers: all cores; 1,000 Monte Carlo draws), end to
end in a fresh process; and, in this process, the same pack step by step (seconds per
analysis) to show where the time goes.

Usage: python -m benchmarks.pack [--quick]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.run import Row

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "scenarios" / "telecom" / "scenario.yaml"
TARGET_S = 20.0


def command_seconds(out: Path) -> float:
    """Wall time of ``prioritizer report TELECOM --out OUT`` with default options."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "prioritizer", "report", str(TELECOM), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def step_seconds(out: Path) -> dict[str, float]:
    """Seconds per step of the same pack built in this process (default options)."""
    import prioritizer as px
    from prioritizer.report import build_pack, write_pack

    pack = build_pack(px.load_scenario(TELECOM))
    started = time.perf_counter()
    write_pack(pack, out)
    return {**pack.seconds, "write": time.perf_counter() - started}


def pack_rows(work: Path, quick: bool = False) -> list[Row]:
    """Rows for the benchmark table: the command end to end, and (unless ``quick``) each step
    of the pack as a note."""
    from benchmarks.run import Row  # run.py imports this module: import at call time

    row = Row("steering pack (report), telecom, default options", 60)
    row.runs.append(command_seconds(work / "pack"))
    verdict = "within" if row.median <= TARGET_S else "OVER"
    row.note = f"target <= {TARGET_S:.0f} s: {verdict}"
    rows: list[Row] = [row]
    if not quick:
        steps = step_seconds(work / "pack-steps")
        detail = Row("  pack steps in-process (sum)", 60, note=_steps_note(steps))
        detail.runs.append(sum(steps.values()))
        rows.append(detail)
    return rows


def _steps_note(steps: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in steps.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the command, no breakdown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prioritizer-pack-") as folder:
        seconds = command_seconds(Path(folder) / "pack")
        print(f"prioritizer report telecom (default options): {seconds:.1f} s")
        if not args.quick:
            steps = step_seconds(Path(folder) / "steps")
            print(f"in-process steps: {_steps_note(steps)} (sum {sum(steps.values()):.1f} s)")


if __name__ == "__main__":
    main()
