"""Scale of the evidence command: a VoC export of 1,000,000 and 10,000,000 rows.

Each case runs the whole ``prioritizer evidence SCENARIO --format json --no-solve`` in a fresh
process (load the scenario, count the export, analyse, print JSON) and reports its wall time
and peak resident memory (the child's own ru_maxrss). The export is generated once, seeded,
under the cache folder: 200 topics with a Zipf-like tail, ~25% of rows with two topics, 3%
without a topic, 4% outside the 12-month window, customer ids with repeats, segment, channel
and an effort score; 60 initiatives address 1-3 topics each, many overlapping.

Targets (issue 12): 1M rows <= 5 s; 10M rows <= 60 s within 2 GiB.

Usage: python -m benchmarks.evidence [--quick] [--engines pyarrow,pandas] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOPICS = 200
INITIATIVES = 60
CHUNK = 1_000_000


def topic_names() -> list[str]:
    return [f"pain point {k:03d}" for k in range(TOPICS)]


def write_export(path: Path, rows: int, seed: int = 12) -> None:
    """A seeded VoC export of ``rows`` rows, written in 1M-row chunks (pyarrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    names = pa.array(topic_names())
    weights = 1.0 / np.arange(1, TOPICS + 1) ** 0.9
    weights /= weights.sum()
    tmp = path.with_suffix(".part")
    writer = None
    try:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            first = names.take(pa.array(rng.choice(TOPICS, n, p=weights)))
            second = names.take(pa.array(rng.choice(TOPICS, n, p=weights)))
            two = pa.array(rng.random(n) < 0.25)
            second = pc.if_else(two, second, pa.nulls(n, pa.string()))
            theme = pc.binary_join_element_wise(first, second, "; ", null_handling="skip")
            theme = pc.if_else(pa.array(rng.random(n) < 0.03), pa.nulls(n, pa.string()), theme)
            days = rng.integers(0, 365, n)
            outside = rng.random(n) < 0.04
            days[outside] = rng.integers(-60, 0, int(outside.sum()))
            dates = pc.cast(pa.array((days + 20454).astype(np.int32), pa.date32()), pa.string())
            customer = pc.binary_join_element_wise(
                "C", pc.cast(pa.array(rng.integers(0, rows // 3 + 1, n)), pa.string()), ""
            )
            table = pa.table(
                {
                    "Created": dates,
                    "Customer ID": customer,
                    "Segment": pa.array(rng.choice(["mass", "affluent", "premium"], n)),
                    "Channel": pa.array(rng.choice(["app", "web", "phone", "branch"], n)),
                    "Theme": theme,
                    "CES": pa.array(rng.integers(1, 8, n)),
                }
            )
            if writer is None:
                writer = pacsv.CSVWriter(str(tmp), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, path)


def write_scenario(folder: Path, export: Path) -> Path:
    rng = np.random.default_rng(5)
    names = topic_names()
    lines = ["id,addresses,ces_delta,cost,churn_reduction_pp"]
    for k in range(INITIATIVES):
        picked = rng.choice(min(TOPICS, 120), size=int(rng.integers(1, 4)), replace=False)
        lines.append(
            f"I{k:02d},{';'.join(names[p] for p in picked)},{rng.uniform(0.2, 2):.2f},"
            f"{int(rng.integers(50, 500)) * 1000},{rng.uniform(0, 0.2):.3f}"
        )
    (folder / "initiatives.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    scenario = folder / "scenario.yaml"
    scenario.write_text(
        f"""name: evidence benchmark
initiatives: initiatives.csv
budget: 5000000
segments: {{mass: {{customers: 2000000, ltv: 300}}}}
evidence:
  voc:
    file: {export}
    columns: {{topics: Theme, date: Created, customer: Customer ID, segment: Segment,
              channel: Channel, score: CES}}
    window: {{from: 2026-01-01, to: 2026-12-31}}
""",
        encoding="utf-8",
    )
    return scenario


def run_case(scenario: Path, engine: str) -> tuple[float, float, float, dict[str, Any]]:
    """(wall seconds, CPU seconds, peak MiB, JSON) of one evidence command in a fresh
    process. CPU time (user + system) is what the command costs when it has the cores to
    itself; wall time is what a user waits on a shared machine."""
    code = (
        "import os, sys, resource, time\n"
        f"os.environ['PRIORITIZER_VOC_ENGINE'] = {engine!r}\n"
        "from prioritizer.cli import main\n"
        f"sys.argv = ['prioritizer', 'evidence', {str(scenario)!r}, '--format', 'json', "
        "'--no-solve']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "else:\n    code = 0\n"
        "sys.stdout.flush()\n"
        "use = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print('PEAK_KIB', use.ru_maxrss, use.ru_utime + use.ru_stime, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    peak_kib, cpu = proc.stderr.rsplit("PEAK_KIB", 1)[1].split()[:2]
    return seconds, float(cpu), int(peak_kib) / 1024, json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100k and 1M rows only")
    parser.add_argument("--engines", default="pyarrow,pandas")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "prioritizer-bench"))
    parser.add_argument("--out", default=str(ROOT / "results"))
    args = parser.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    sizes = [100_000, 1_000_000] if args.quick else [1_000_000, 10_000_000]
    engines = [e for e in args.engines.split(",") if e]
    rows_out = []
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")
    print(
        f"{'rows':>12}  {'engine':<8} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9}  "
        f"{'target (wall)':<24} items"
    )
    for rows in sizes:
        export = cache / f"voc_{rows}.csv"
        if not export.exists():
            started = time.perf_counter()
            write_export(export, rows)
            print(f"  (generated {export.name} in {time.perf_counter() - started:.1f} s)")
        folder = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
        scenario = write_scenario(folder, export)
        for engine in engines:
            if engine == "pandas" and rows > 1_000_000:
                continue  # the fallback engine is measured at 1M; 10M is pyarrow's job
            seconds, cpu, peak, payload = run_case(scenario, engine)
            target = "<= 5 s" if rows <= 1_000_000 else "<= 60 s, <= 2048 MiB"
            ok = seconds <= 5 if rows <= 1_000_000 else (seconds <= 60 and peak <= 2048)
            print(
                f"{rows:>12,}  {engine:<8} {seconds:>7.2f} {cpu:>7.2f} {peak:>9.0f}  "
                f"{target + (' ok' if ok else ' MISSED'):<24} {payload['items']:,}"
            )
            rows_out.append(
                {
                    "rows": rows,
                    "engine": engine,
                    "seconds": round(seconds, 3),
                    "cpu_seconds": round(cpu, 3),
                    "load_average": round(os.getloadavg()[0], 2),
                    "peak_mib": round(peak, 1),
                    "items": payload["items"],
                    "topics": len(payload["topics"]),
                    "met_target": ok,
                }
            )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "cases": rows_out,
    }
    (out / "evidence_bench.json").write_text(json.dumps(record, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
