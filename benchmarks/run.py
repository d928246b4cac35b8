"""``make bench``: time prioritizer against a floor measured in the same run, print one table,
and write it as CSV and JSON under ``results/`` with the machine, versions and date.

The floor is the same model solved in-process by OR-Tools' CBC, built from arrays (the
``bench`` extra; never a runtime dependency). Solve times vary between instances, so each size
is run on several seeded instances and medians with the spread (min-max) are reported.
Ratios compare numbers measured in this one run.

Usage: python -m benchmarks.run [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

import prioritizer as px
from benchmarks.explore import explore_rows
from benchmarks.generate import write_instance
from benchmarks.pack import pack_rows
from prioritizer.rules import build_rules
from prioritizer.solver import cylp_available, cylp_backend

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "scenarios" / "telecom" / "scenario.yaml"
BANK = ROOT / "scenarios" / "retail_bank" / "scenario.yaml"


@dataclass
class Row:
    """One line of the benchmark table (seconds unless said)."""

    case: str
    n: int
    runs: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor) if self.floor else float("nan")

    @property
    def ratio(self) -> float:
        return self.median / self.floor_median if self.floor else float("nan")

    def record(self) -> dict[str, object]:
        return {
            "case": self.case,
            "n": self.n,
            "median_s": round(self.median, 4),
            "min_s": round(min(self.runs), 4) if self.runs else None,
            "max_s": round(max(self.runs), 4) if self.runs else None,
            "floor_median_s": round(self.floor_median, 4) if self.floor else None,
            "ratio_to_floor": round(self.ratio, 3) if self.floor else None,
            "note": self.note,
        }


def floor_solve(scenario: px.Scenario, gap: float) -> tuple[float, float, float]:
    """(build s, solve s, objective) with OR-Tools' in-process CBC on the same rules."""
    from ortools.linear_solver import pywraplp

    started = time.perf_counter()
    scores = px.score_initiatives(scenario)
    coefficients = scores["objective_score"].to_numpy()
    rules = build_rules(scenario, scores)
    solver = pywraplp.Solver.CreateSolver("CBC")
    x = [solver.BoolVar(f"x{k}") for k in range(len(coefficients))]
    objective = solver.Objective()
    for k, c in enumerate(coefficients):
        objective.SetCoefficient(x[k], float(c))
    objective.SetMaximization()
    inf = solver.infinity()
    for rule in rules:
        low, high = (-inf, rule.rhs) if rule.sense == "<=" else (rule.rhs, inf)
        row = solver.Constraint(low, high)
        for k, c in zip(rule.index.tolist(), rule.coef.tolist(), strict=True):
            row.SetCoefficient(x[k], c)
    built = time.perf_counter()
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, gap)
    solver.Solve(params)
    done = time.perf_counter()
    return built - started, done - built, objective.Value()


def library_solve(
    scenario: px.Scenario,
    solver: str,
    gap: float,
    time_limit: float | None = None,
    *,
    cylp: bool | None = None,
) -> tuple[float, float, float, str, float]:
    """(build s, solve s, total s, status, objective) of one library solve. ``cylp``: force
    CBC through cylp (True) or the CBC binary (False); None: the library's own choice."""
    saved = cylp_backend.CYLP_MIN_N
    if cylp is not None:
        cylp_backend.CYLP_MIN_N = 0 if cylp else 10**12
    try:
        started = time.perf_counter()
        result = px.solve_portfolio(
            scenario,
            px.SolverOptions(solver=solver, gap=gap, time_limit=time_limit, tie_break=False),
        )
        total = time.perf_counter() - started
    finally:
        cylp_backend.CYLP_MIN_N = saved
    return result.build_time_s, result.solve_time_s, total, result.status, result.objective


class CaseFailed(RuntimeError):
    """A benchmark case that did not produce its result (reported in the table)."""


def run_cli(args: list[str]) -> tuple[float, str]:
    """(wall seconds, stdout) of one ``prioritizer`` process; CaseFailed when it fails."""
    return _run_cli(args)[:2]


def _run_cli(args: list[str]) -> tuple[float, str, float]:
    """(wall seconds, stdout, CPU seconds) of one ``prioritizer`` process, the CPU seconds
    counting the processes it waited for (its solver worker)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "prioritizer", *args], capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        raise CaseFailed(f"exit code {done.returncode}: {last[:120]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, done.stdout, cpu


def process_time(args: list[str]) -> float:
    return run_cli(args)[0]


def repeat(row: Row, args: list[str], times: int) -> None:
    """Time ``prioritizer ARGS`` ``times`` times into ``row``; a failure goes to its note."""
    try:
        for _ in range(times):
            row.runs.append(process_time(args))
    except CaseFailed as exc:
        row.note = f"failed: {exc}"


def peak_memory_mib(args: list[str]) -> float:
    code = (
        "import resource, runpy, sys; sys.argv = ['prioritizer', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('prioritizer', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise CaseFailed(f"exit code {done.returncode}")
    return float(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--out", default=str(ROOT / "results"))
    parser.add_argument(
        "--frontier-1000",
        action="store_true",
        help="also the 50-point frontier at N = 1,000 (slow: minutes per point)",
    )
    parser.add_argument(
        "--process",
        action="store_true",
        help="only the `prioritizer solve` process at N = 20,000 against the floor",
    )
    args = parser.parse_args()
    if args.process:
        work = Path(tempfile.mkdtemp(prefix="prioritizer-bench-"))
        load_before = os.getloadavg()
        print("\n".join(table_lines(whole_process_rows(work, [1, 2, 3], 1e-4, with_exact=False))))
        before, after = ("/".join(f"{v:.2f}" for v in a) for a in (load_before, os.getloadavg()))
        print(f"load average (1/5/15 min): {before} before, {after} after")
        return
    sizes = [50, 500] if args.quick else [50, 500, 5000, 20000]
    seeds = [1, 2, 3]
    gap = 1e-4
    rows: list[Row] = []
    ranking: list[str] = []
    work = Path(tempfile.mkdtemp(prefix="prioritizer-bench-"))
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731

    fast = cylp_available()
    for n in sizes:
        cbc = Row("single solve, CBC (library call, default backend)", n, note=f"gap {gap:g}")
        binary = Row("  CBC binary through files (PuLP)", n, note=f"gap {gap:g}")
        in_memory = Row("  CBC in memory (cylp worker)", n, note=f"gap {gap:g}")
        build = Row("  of which model build", n)
        highs = Row("single solve, HiGHS (library call)", n, note=f"gap {gap:g}, 60 s limit")
        shares = []
        for seed in seeds:
            say(f"n={n} seed={seed}")
            path = write_instance(work / f"n{n}-s{seed}", n, seed)
            scenario = px.load_scenario(path)
            f_build, f_solve, f_obj = floor_solve(scenario, gap)
            b, _s, total, _status, obj = library_solve(scenario, "cbc", gap)
            cbc.runs.append(total)
            cbc.floor.append(f_build + f_solve)
            build.runs.append(b)
            build.floor.append(f_build)
            _b, _s, t_bin, _st, _o = library_solve(scenario, "cbc", gap, cylp=False)
            binary.runs.append(t_bin)
            binary.floor.append(f_build + f_solve)
            if fast:
                _b, _s, t_mem, _st, _o = library_solve(scenario, "cbc", gap, cylp=True)
                in_memory.runs.append(t_mem)
                in_memory.floor.append(f_build + f_solve)
            if n <= 5000:
                _b, _s, h_total, h_status, _o = library_solve(scenario, "highs", gap, 60)
                highs.runs.append(h_total)
                highs.floor.append(f_build + f_solve)
                if h_status != "optimal":
                    highs.note = f"gap {gap:g}, 60 s limit; some runs {h_status}"
            if n <= 5000:
                from prioritizer.analysis.ranking import compare_with_ranking

                optimum = px.optimize(scenario, gap=gap)
                shares.append(compare_with_ranking(scenario, optimum=optimum).share_of_optimum)
            if abs(obj - f_obj) > gap * max(1.0, abs(f_obj)) * 2:
                cbc.note += f"; objective differs from floor on seed {seed}"
        rows += [cbc, binary] + ([in_memory] if in_memory.runs else []) + [build]
        rows += [highs] if highs.runs else []
        if shares:
            ranking.append(
                f"n={n}: spreadsheet ranking reaches median {statistics.median(shares):.1%}"
                f" (min {min(shares):.1%}) of the optimum"
            )

    # whole process
    say("whole process")
    bank_proc = Row("`prioritizer solve` process, bank example", 40)
    repeat(bank_proc, ["solve", str(BANK), "--format", "json"], 3)
    rows.append(bank_proc)
    cold = Row("CLI cold start (`prioritizer validate`, bank)", 40)
    repeat(cold, ["validate", str(BANK)], 3)
    rows.append(cold)
    if not args.quick:
        rows += whole_process_rows(work, seeds, gap)

    # frontier, Monte Carlo, pack
    say("frontier")
    telecom = px.load_scenario(TELECOM)
    per_point = statistics.median(sum(floor_solve(telecom, 0)[:2]) for _ in range(5))
    for workers in (1, 2):
        row = Row(
            f"frontier 50 points, {workers} worker(s), telecom",
            60,
            note="floor = 50 x one floor solve",
        )
        started = time.perf_counter()
        px.efficient_frontier(telecom, points=50, workers=workers)
        row.runs.append(time.perf_counter() - started)
        row.floor.append(50 * per_point)
        rows.append(row)
    if args.frontier_1000:  # minutes per budget point on some instances: opt-in
        mid = px.load_scenario(write_instance(work / "n1000", 1000, 7))
        per_point_1000 = statistics.median(sum(floor_solve(mid, gap)[:2]) for _ in range(3))
        for workers in (1, 2):
            row = Row(
                f"frontier 50 points, {workers} worker(s)",
                1000,
                note=f"gap {gap:g}; floor = 50 x one floor solve",
            )
            started = time.perf_counter()
            px.efficient_frontier(
                mid, points=50, workers=workers, options=px.SolverOptions(gap=gap)
            )
            row.runs.append(time.perf_counter() - started)
            row.floor.append(50 * per_point_1000)
            rows.append(row)
    say("monte carlo")
    draws = 200 if args.quick else 1000
    results = {}
    for workers in (1, 2):
        row = Row(
            f"Monte Carlo {draws} draws, {workers} worker(s), telecom",
            60,
            note=f"floor = {draws} x one floor solve",
        )
        started = time.perf_counter()
        results[workers] = px.monte_carlo(telecom, draws=draws, seed=1, workers=workers)
        row.runs.append(time.perf_counter() - started)
        row.floor.append(draws * per_point)
        rows.append(row)
    identical = np.array_equal(results[1].selections, results[2].selections)
    say("pack")
    try:
        for case, seconds, note in pack_rows(work, args.quick):
            rows.append(Row(case, 60, [seconds], note=note))
    except subprocess.CalledProcessError as exc:  # a failed case is reported, not raised
        failed = f"failed: exit {exc.returncode}"
        rows.append(Row("steering pack (report), telecom, default options", 60, note=failed))
    say("explorer")
    for case, n, runs, note in explore_rows(work, args.quick):
        rows.append(Row(case, n, runs, note=note))

    # print and write
    lines = table_lines(rows)
    lines += ["", *ranking, f"Monte Carlo selections identical for 1 and 2 workers: {identical}"]
    table = "\n".join(lines)
    print(table)
    machine = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "prioritizer": px.__version__,
        "versions": {
            name: _version(name) for name in ("pulp", "highspy", "ortools", "numpy", "pandas")
        },
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"bench-{stamp}.json").write_text(
        json.dumps(
            {
                "machine": machine,
                "rows": [r.record() for r in rows],
                "notes": lines[-len(ranking) - 1 :],
            },
            indent=2,
        )
    )
    import csv

    with (out / f"bench-{stamp}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].record()))
        writer.writeheader()
        writer.writerows(r.record() for r in rows)
    print(
        f"\n{machine['date']} · Python {machine['python']} · {machine['cpus']} CPUs · "
        f"{machine['versions']}\nwritten to {out}/bench-{stamp}.(csv|json)"
    )


def whole_process_rows(
    work: Path, seeds: list[int], gap: float, with_exact: bool = True
) -> list[Row]:
    """The `prioritizer solve` process at N = 20,000 against the floor, with the share of
    loading; the exact 120 s-limit case and peak memory unless ``with_exact`` is False."""
    rows: list[Row] = []
    for seed in seeds:
        if not (work / f"n20000-s{seed}" / "scenario.yaml").exists():
            write_instance(work / f"n20000-s{seed}", 20000, seed)
    big = work / "n20000-s1" / "scenario.yaml"
    proc = Row("`prioritizer solve` process, gap 1e-4", 20000)
    cpu = Row("  CPU s of it (with its solver worker) vs floor's", 20000)
    loading = Row("  of which loading (load_scenario, in-process)", 20000)
    exact = Row("`prioritizer solve` process, exact (gap 0)", 20000)
    for seed in seeds:
        path = work / f"n20000-s{seed}" / "scenario.yaml"
        try:
            wall, _out, seconds = _run_cli(
                ["solve", str(path), "--gap", "1e-4", "--format", "json"]
            )
            proc.runs.append(wall)
            cpu.runs.append(seconds)
        except CaseFailed as exc:
            proc.note = f"seed {seed} failed: {exc}"
        started = time.perf_counter()
        sc = px.load_scenario(path)
        loading.runs.append(time.perf_counter() - started)
        cpu_started = time.process_time()
        f_build, f_solve, _ = floor_solve(sc, gap)
        cpu.floor.append(time.process_time() - cpu_started)
        proc.floor.append(f_build + f_solve)
        loading.floor.append(f_build + f_solve)
    rows += [proc, cpu, loading]
    if not with_exact:
        return rows
    try:
        seconds, stdout = run_cli(["solve", str(big), "--format", "json", "--time-limit", "120"])
        exact.runs.append(seconds)
        outcome = json.loads(stdout)
        gap_text = "unknown" if outcome["gap"] is None else f"{outcome['gap']:.2e}"
        exact.note = f"120 s limit: status {outcome['status']}, proven gap {gap_text}"
    except (CaseFailed, ValueError, KeyError) as exc:
        exact.note = f"120 s limit: failed ({exc})"
    rows.append(exact)
    mem = Row("peak memory of `prioritizer solve` (MiB)", 20000)
    try:
        mem.runs = [peak_memory_mib(["solve", str(big), "--gap", "1e-4", "--format", "json"])]
    except (CaseFailed, ValueError) as exc:
        mem.note = f"failed: {exc}"
    rows.append(mem)
    return rows


def table_lines(rows: list[Row]) -> list[str]:
    """The printed table: one line per row; a case that failed says so, with its reason."""
    header = f"{'case':<52} {'N':>6} {'median s':>9} {'min-max s':>15} {'floor s':>8} {'ratio':>6}"
    lines = [header, "-" * len(header)]
    for r in rows:
        if not r.runs:  # a failed case: its note says why
            lines.append(f"{r.case:<52} {r.n:>6} {'failed':>9}  {r.note}")
            continue
        spread = f"{min(r.runs):.3f}-{max(r.runs):.3f}" if len(r.runs) > 1 else ""
        floor = f"{r.floor_median:.3f}" if r.floor else ""
        ratio = f"{r.ratio:.2f}" if r.floor else ""
        lines.append(
            f"{r.case:<52} {r.n:>6} {r.median:>9.3f} {spread:>15} {floor:>8} {ratio:>6}"
            + (f"  {r.note}" if r.note else "")
        )
    return lines


def _version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    main()
