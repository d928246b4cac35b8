"""Load benchmark: reading a 20,000-row initiatives table (CSV and XLSX), today's loader vs
the loader of commit ``BASELINE`` (before issue 9), in the same run on the same files.

The baseline module is taken from git history (``git show BASELINE:prioritizer/io.py``) and
imported inside the installed package, so both loaders use the same models. The target of
issue 9: the new loader stays within 1.5x of the baseline.

Usage: python -m benchmarks.load [--n 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import prioritizer as px
from benchmarks.generate import write_instance

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "2555482"
"""The last commit before the issue-9 loader (main at the start of the work)."""


def baseline_loader() -> ModuleType | None:
    """The loader module of commit BASELINE, imported as ``prioritizer._io_baseline``."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BASELINE}:prioritizer/io.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    folder = Path(tempfile.mkdtemp(prefix="prioritizer-baseline-"))
    path = folder / "_io_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("prioritizer._io_baseline", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def write_xlsx_copy(folder: Path) -> Path:
    """A copy of the instance with its table as .xlsx (numbers as numeric cells)."""
    import csv

    import openpyxl
    import yaml

    target = folder.parent / (folder.name + "-xlsx")
    target.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Initiatives")
    with (folder / "initiatives.csv").open(newline="") as handle:
        reader = csv.reader(handle)
        sheet.append(next(reader))
        for cells in reader:
            sheet.append([_cell(c) for c in cells])
    workbook.save(target / "initiatives.xlsx")
    settings = yaml.safe_load((folder / "scenario.yaml").read_text())
    settings["initiatives"] = "initiatives.xlsx"
    (target / "scenario.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return target / "scenario.yaml"


def _cell(text: str) -> Any:
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def timed(load: Callable[[Path], Any], path: Path, repeat: int) -> tuple[list[float], int]:
    runs = []
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        scenario = load(path)
        runs.append(time.perf_counter() - started)
        count = len(scenario.initiatives)
    return runs, count


def measure(n: int = 20000, repeat: int = 3) -> list[dict[str, Any]]:
    """Median load seconds per (format, loader) on an ``n``-row instance."""
    work = Path(tempfile.mkdtemp(prefix="prioritizer-load-"))
    csv_yaml = write_instance(work / f"n{n}", n, 1)
    xlsx_yaml = write_xlsx_copy(csv_yaml.parent)
    old = baseline_loader()
    rows: list[dict[str, Any]] = []
    for label, path in (("CSV", csv_yaml), ("XLSX", xlsx_yaml)):
        new_runs: list[float] = []
        old_runs: list[float] = []
        count = 0
        for _ in range(repeat):  # interleaved, so a busy machine slows both alike
            runs, count = timed(px.load_scenario, path, 1)
            new_runs += runs
            if old is not None:
                old_runs += timed(old.load_scenario, path, 1)[0]
        row: dict[str, Any] = {
            "format": label,
            "n": count,
            "new_s": statistics.median(new_runs),
            "old_s": statistics.median(old_runs) if old_runs else None,
            "ratio": None,
        }
        if old_runs:
            row["ratio"] = row["new_s"] / row["old_s"]
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'load':<6} {'rows':>7} {'old (s)':>9} {'new (s)':>9} {'new/old':>8}",
    ]
    for row in rows:
        old = f"{row['old_s']:.3f}" if row["old_s"] is not None else "n/a"
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "n/a"
        lines.append(f"{row['format']:<6} {row['n']:>7} {old:>9} {row['new_s']:>9.3f} {ratio:>8}")
    lines.append(f"old = loader of commit {BASELINE}; target new/old <= 1.5x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(table(measure(args.n, args.repeat)))


if __name__ == "__main__":
    main()
