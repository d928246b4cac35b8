"""Roadmap benchmark (``make bench``): the time-indexed program of spec.md §5 against a floor
measured in the same run — the same model (same columns, rules and objective) built from arrays
and solved in-process by OR-Tools' CBC.

Cases: 60 initiatives × 8 quarters × 5 teams solved to proven optimality (several seeds), and
200 × 8 × 5 with a 60 s limit (the gap each reaches). The default formulation of
:mod:`prioritizer.roadmap.model` (``aggregate``) and ``start`` are timed, in CPU and wall
seconds. Writes ``results/roadmap.json`` and ``.csv``. The README's table took ``--seeds 5``.

Usage: python -m benchmarks.roadmap [--quick] [--limit S] [--seeds K] [--formulations F,G]
       [--large-only] [--large-seeds 1,2,3] [--no-search] [--greedy] [--seed-list 1,5]
       [--orders K]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

import prioritizer as px
from benchmarks.generate import instance
from prioritizer.result import SolverOptions
from prioritizer.roadmap import solve_roadmap, start_values
from prioritizer.roadmap.constraints import build_roadmap_rules, candidates

ROOT = Path(__file__).resolve().parent.parent
TEAMS = ("digital", "operations", "care", "it", "data")
LABELS = [f"{y}Q{q}" for y in (2027, 2028) for q in (1, 2, 3, 4)]


def roadmap_instance(n: int, seed: int, shuffle: int = 0) -> px.Scenario:
    """A CX-shaped roadmap: the v1 benchmark instance, 5 teams, 8 quarters, durations 1-4,
    ramp-ups 0-3, some earliest starts and deadlines, a back-loaded per-quarter budget and
    per-quarter team capacities of about 35% of the demand.

    ``shuffle`` > 0: the same roadmap with its initiatives in another order (rows shuffled,
    ids relabelled, dependencies with them; random stream ``shuffle``): the same program with
    its columns and rules in another order, for the solvers' performance variability."""
    settings, rows = instance(n, seed)
    rng = np.random.default_rng(seed + 1000)
    count = len(LABELS)
    clean: list[dict[str, Any]] = []
    for row in rows:
        item = {
            k: (v.item() if isinstance(v, np.generic) else v)
            for k, v in row.items()
            if not (k.startswith("effort_") and k.removeprefix("effort_") not in TEAMS)
        }
        duration = int(rng.choice([1, 1, 2, 2, 3, 4]))
        item["duration"] = duration
        item["ramp_up"] = int(rng.integers(0, 4))
        if rng.random() < 0.10:
            item["earliest_start"] = LABELS[int(rng.integers(0, count - duration + 1))]
        if rng.random() < 0.05 or item.get("mandatory"):
            first = LABELS.index(item.get("earliest_start", LABELS[0]))
            low = first + duration - 1
            item["deadline"] = LABELS[int(rng.integers(low, count))]
        clean.append(item)
    if shuffle:
        clean = _reordered(clean, np.random.default_rng([seed, shuffle]))
    cost = np.array([float(r["cost"]) for r in clean])
    duration = np.array([r["duration"] for r in clean])
    demand = {t: sum(float(r.get(f"effort_{t}", 0) or 0) for r in clean) for t in TEAMS}
    total = float(round(cost.sum() * 0.30))
    profile = np.linspace(0.7, 1.3, count)
    del duration
    data = {
        **{k: v for k, v in settings.items() if k != "teams"},
        "name": f"roadmap benchmark n={n} seed={seed}",
        "budget": total,
        "periods": LABELS,
        "period_budgets": [float(round(total / count * p)) for p in profile],
        "period_teams": {t: float(round(demand[t] * 0.35 / count)) for t in TEAMS},
        "initiatives": clean,
    }
    return px.scenario_from_mapping(data)


def _reordered(rows: list[dict[str, Any]], rng: np.random.Generator) -> list[dict[str, Any]]:
    """``rows`` in a random order with ids relabelled at random (``depends_on`` follows)."""
    label = {
        row["id"]: f"I{k:05d}" for row, k in zip(rows, rng.permutation(len(rows)), strict=True)
    }
    out = []
    for index in rng.permutation(len(rows)):
        item = dict(rows[int(index)])
        item["id"] = label[item["id"]]
        if item.get("depends_on"):
            item["depends_on"] = label[item["depends_on"]]
        out.append(item)
    return out


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the CBC binary runs as one):
    unlike wall time, hardly inflated by other work on the machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def floor_solve(scenario: px.Scenario, time_limit: float | None) -> dict[str, Any]:
    """OR-Tools' CBC in-process on the same columns, rules and (scaled) objective."""
    from ortools.linear_solver import pywraplp

    cpu = cpu_seconds()
    started = time.perf_counter()
    values = start_values(scenario)
    columns = candidates(scenario, values)
    rules = build_roadmap_rules(scenario, columns)
    coefficients = columns["objective_score"].to_numpy(dtype=float)
    scale = 1e9 / float(np.abs(coefficients).sum())
    solver = pywraplp.Solver.CreateSolver("CBC")
    x = [solver.BoolVar(f"x{j}") for j in range(len(columns))]
    objective = solver.Objective()
    for j, c in enumerate(coefficients):
        objective.SetCoefficient(x[j], float(c * scale))
    objective.SetMaximization()
    inf = solver.infinity()
    for rule in rules:
        low, high = (-inf, rule.rhs) if rule.sense == "<=" else (rule.rhs, inf)
        row = solver.Constraint(low, high)
        for j, c in zip(rule.columns.tolist(), rule.coef.tolist(), strict=True):
            row.SetCoefficient(x[j], c)
    built = time.perf_counter()
    if time_limit is not None:
        solver.SetTimeLimit(int(time_limit * 1000))
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 0.0)
    status = solver.Solve(params)
    done = time.perf_counter()
    value = objective.Value() / scale
    bound = objective.BestBound() / scale
    gap = abs(bound - value) / max(abs(bound), 1e-12) if status != pywraplp.Solver.OPTIMAL else 0.0
    return {
        "build_s": built - started,
        "solve_s": done - built,
        "total_s": done - started,
        "cpu_s": cpu_seconds() - cpu,
        "objective": value,
        "bound": bound,
        "proven": status == pywraplp.Solver.OPTIMAL,
        "gap": gap,
    }


def ours(
    scenario: px.Scenario,
    formulation: str,
    time_limit: float | None,
    greedy: bool = False,
    search: bool = True,
) -> dict[str, Any]:
    """``solve_roadmap`` timed; ``search``: its neighbourhood search under a time limit."""
    cpu = cpu_seconds()
    started = time.perf_counter()
    result = solve_roadmap(
        scenario,
        SolverOptions(solver="cbc", time_limit=time_limit, tie_break=False),
        formulation=formulation,
        greedy=greedy,
        search=search,
    )
    total = time.perf_counter() - started
    return {
        "build_s": result.build_time_s,
        "solve_s": result.solve_time_s,
        "total_s": total,
        "cpu_s": cpu_seconds() - cpu,
        "objective": result.objective,
        "bound": result.best_bound,
        "proven": result.status == "optimal",
        "gap": result.gap,
        "status": result.status,
    }


FORMULATIONS = ("aggregate", "start")
"""Formulations timed by default: the default and ``start`` (``started_by`` was 25× slower than
``start`` in a probe; ``select`` between the two on seed 1, see the README)."""

PROOF_CAP_S = 300.0
"""Safety cap on the "proven" case so a hard seed cannot stall ``make bench``; a run that hits
it is reported as not proven with its gap. The floor's cap counts CPU seconds (OR-Tools' CBC
counts CPU time); ours is wall-clock (``-timeMode elapsed``), so ours gets
:data:`WALL_FACTOR` times as many wall seconds, for a shared machine."""

WALL_FACTOR = 3.0


def run(
    quick: bool,
    limit: float,
    seeds: int,
    only_large: bool = False,
    formulations: tuple[str, ...] = FORMULATIONS,
    seed_list: list[int] | None = None,
    greedy: bool = False,
    search: bool = True,
    large_seeds: list[int] | None = None,
    orders: int = 1,
) -> list[dict[str, Any]]:
    """Each case, seed and formulation, ours and the floor back to back; ``orders``: each
    roadmap also in ``orders`` − 1 other orders of its initiatives (:func:`roadmap_instance`'s
    ``shuffle``), the same program for both sides."""
    records: list[dict[str, Any]] = []
    chosen = seed_list if seed_list else list(range(1, seeds + 1))
    cases = [] if only_large else [(60, None, chosen)]
    if not quick:
        cases.append((200, limit, large_seeds or [1]))
    runs = [(n, t, seed, k) for n, t, seeds_ in cases for seed in seeds_ for k in range(orders)]
    for n, time_limit, seed, shuffle in runs:
        scenario = roadmap_instance(n, seed, shuffle)
        cap = time_limit if time_limit is not None else PROOF_CAP_S
        floor = floor_solve(scenario, cap)
        for formulation in formulations:
            wall_cap = cap if time_limit is not None else cap * WALL_FACTOR
            # the proof case's cap is a safety stop, not a user's limit: CBC alone, as
            # without a limit; the limited case runs as a user's --time-limit does
            mine = ours(scenario, formulation, wall_cap, greedy, search and bool(time_limit))
            same_cpu: dict[str, Any] = {}
            if time_limit is not None:  # the floor again, given the CPU seconds we had
                again = floor_solve(scenario, max(1.0, mine["cpu_s"]))
                same_cpu = {
                    "floor_same_cpu_s": round(again["cpu_s"], 3),
                    "floor_same_cpu_gap": round(again["gap"], 5),
                    "floor_same_cpu_objective": again["objective"],
                }
            records.append(
                {
                    "case": f"roadmap {n}x8x5" + (f" limit {time_limit:g}s" if time_limit else ""),
                    "n": n,
                    "seed": seed,
                    "order": shuffle,
                    "formulation": formulation,
                    "total_s": round(mine["total_s"], 3),
                    "status": mine["status"],
                    "gap": None if mine["gap"] is None else round(mine["gap"], 5),
                    "objective": mine["objective"],
                    "floor_total_s": round(floor["total_s"], 3),
                    "floor_proven": floor["proven"],
                    "floor_gap": round(floor["gap"], 5),
                    "floor_objective": floor["objective"],
                    "ratio_to_floor": round(mine["total_s"] / floor["total_s"], 3),
                    "cpu_s": round(mine["cpu_s"], 3),
                    "floor_cpu_s": round(floor["cpu_s"], 3),
                    "cpu_ratio_to_floor": round(mine["cpu_s"] / floor["cpu_s"], 3),
                    "load_1min": round(os.getloadavg()[0], 2),
                    "bound": mine["bound"],
                    "floor_bound": floor["bound"],
                    "greedy_start": greedy,
                    "search": search and bool(time_limit),
                    **same_cpu,
                }
            )
            print(json.dumps(records[-1]), flush=True)
    return records


def table(records: list[dict[str, Any]]) -> str:
    """Per case and formulation: medians of CPU and wall seconds, the geometric mean and the
    worst of the per-seed CPU ratios to the floor, proofs and gaps."""
    lines = [
        "| case | formulation | runs (seeds × orders) | ours median CPU s | floor median CPU s | "
        "CPU ratio (geo. mean) | worst CPU ratio | ours / floor median wall s | ours proven | "
        "floor proven | ours max gap | floor max gap |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault((r["case"], r["formulation"]), []).append(r)
    for (case, formulation), rows in groups.items():
        ratios = [r["cpu_ratio_to_floor"] for r in rows]
        geo = math.exp(statistics.fmean(math.log(v) for v in ratios))
        gaps = [r["gap"] for r in rows if r["gap"] is not None]
        floor_gaps = [r["floor_gap"] for r in rows]
        lines.append(
            f"| {case} | {formulation} | {len(rows)} | "
            f"{statistics.median(r['cpu_s'] for r in rows):.2f} | "
            f"{statistics.median(r['floor_cpu_s'] for r in rows):.2f} | {geo:.2f} | "
            f"{max(ratios):.2f} | {statistics.median(r['total_s'] for r in rows):.1f} / "
            f"{statistics.median(r['floor_total_s'] for r in rows):.1f} | "
            f"{sum(r['status'] == 'optimal' for r in rows)}/{len(rows)} | "
            f"{sum(bool(r['floor_proven']) for r in rows)}/{len(rows)} | "
            f"{max(gaps) if gaps else float('nan'):.2%} | {max(floor_gaps):.2%} |"
        )
    return "\n".join(lines)


def runs_table(records: list[dict[str, Any]]) -> str:
    """One line per run: CPU and wall seconds of both sides, the gaps (and, with a time
    limit, the floor's gap when given only the CPU seconds we had), the load."""
    lines = [
        "| case | seed | formulation | ours CPU s | ours wall s | floor CPU s | floor wall s | "
        "CPU ratio | ours status | ours gap | floor gap | floor gap at our CPU s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        same = r.get("floor_same_cpu_gap")
        lines.append(
            f"| {r['case']} | {r['seed']} | {r['formulation']} | {r['cpu_s']:.2f} | "
            f"{r['total_s']:.1f} | {r['floor_cpu_s']:.2f} | {r['floor_total_s']:.1f} | "
            f"{r['cpu_ratio_to_floor']:.2f} | {r['status']} | "
            f"{'-' if r['gap'] is None else format(r['gap'], '.2%')} | {r['floor_gap']:.2%} | "
            f"{'-' if same is None else format(same, '.2%')} | {r['load_1min']} |"
        )
    return "\n".join(lines)


def orders_table(records: list[dict[str, Any]]) -> str:
    """Per case, seed and formulation run in several orders of its initiatives: both sides'
    CPU seconds over the orders (fastest, median, slowest) and the ratio of the medians."""
    lines = [
        "| case | seed | formulation | orders | ours CPU s: min / median / max | "
        "floor CPU s: min / median / max | ratio of the medians | ours proven | floor proven |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, int, str], list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault((r["case"], r["seed"], r["formulation"]), []).append(r)
    for (case, seed, formulation), rows in groups.items():
        if len(rows) < 2:
            continue
        ours_s = sorted(r["cpu_s"] for r in rows)
        floor_s = sorted(r["floor_cpu_s"] for r in rows)
        lines.append(
            f"| {case} | {seed} | {formulation} | {len(rows)} | "
            f"{ours_s[0]:.2f} / {statistics.median(ours_s):.2f} / {ours_s[-1]:.2f} | "
            f"{floor_s[0]:.2f} / {statistics.median(floor_s):.2f} / {floor_s[-1]:.2f} | "
            f"{statistics.median(ours_s) / statistics.median(floor_s):.2f} | "
            f"{sum(r['status'] == 'optimal' for r in rows)}/{len(rows)} | "
            f"{sum(bool(r['floor_proven']) for r in rows)}/{len(rows)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="only the 60-initiative case")
    parser.add_argument("--limit", type=float, default=60.0, help="time limit at 200, s")
    parser.add_argument("--seeds", type=int, default=3, help="seeds at 60 initiatives")
    parser.add_argument("--seed-list", default="", help="these seeds at 60 (e.g. 1,5)")
    parser.add_argument("--large-only", action="store_true", help="only the 200 case")
    parser.add_argument("--large-seeds", default="1", help="seeds at 200 (e.g. 1,2,3)")
    parser.add_argument("--greedy", action="store_true", help="greedy plan as MIP start")
    parser.add_argument(
        "--no-search", action="store_true", help="CBC alone under the limit (no search)"
    )
    parser.add_argument(
        "--formulations", default=",".join(FORMULATIONS), help="comma-separated formulations"
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=1,
        help="each roadmap in this many orders of its initiatives (solver variability)",
    )
    args = parser.parse_args()
    records = run(
        args.quick,
        args.limit,
        args.seeds,
        args.large_only,
        tuple(args.formulations.split(",")),
        [int(v) for v in args.seed_list.split(",") if v],
        args.greedy,
        not args.no_search,
        [int(v) for v in args.large_seeds.split(",") if v],
        args.orders,
    )
    print(table(records))
    print(runs_table(records))
    if args.orders > 1:
        print(orders_table(records))
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_end": [round(v, 2) for v in os.getloadavg()],
    }
    (out / "roadmap.json").write_text(json.dumps({"meta": meta, "runs": records}, indent=2))
    with (out / "roadmap.csv").open("w", newline="") as handle:
        fields = list(dict.fromkeys(k for r in records for k in r))
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(records)


if __name__ == "__main__":
    main()
