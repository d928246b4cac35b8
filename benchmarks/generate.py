"""Seeded generator of CX-shaped benchmark instances.

Values are correlated with costs; 8 teams; about 10% of initiatives depend on another, about
5% sit in exclusive groups of 2-3, a few are mandatory; the budget is about 30% of the total
cost and team capacities about 35% of the demand.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

TEAMS = ("digital", "operations", "care", "it", "data", "marketing", "retail", "legal")
PILLARS = ("trust", "empathy", "delivery", "personalization", "ease", "responsiveness")
STAGES = ("onboarding", "purchase", "support", "complaint handling", "renewal", "billing")


def instance(n: int, seed: int) -> tuple[dict[str, object], list[dict[str, object]]]:
    """(scenario settings, initiative rows) for ``n`` initiatives, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    cost = np.round(rng.lognormal(11.5, 0.8, n), -3)
    quality = rng.lognormal(0.0, 0.5, n)
    churn_pp = np.round(np.clip(cost / 1e6 * quality * rng.uniform(0, 0.4, n), 0, 3), 3)
    cross = np.round(cost * quality * rng.uniform(0, 0.5, n), -2)
    savings = np.round(cost * quality * rng.uniform(0, 0.4, n), -2)
    opex = np.round(cost * rng.uniform(0, 0.12, n), -2)
    voc = np.round(rng.lognormal(6.5, 1.2, n))
    ces = np.round(rng.uniform(0, 1.5, n), 2)
    segment = rng.choice(["premium", "mass", "all"], n, p=[0.25, 0.55, 0.2])
    effort = {
        t: np.where(rng.random(n) < 0.45, np.round(cost / 2500 * rng.uniform(0.3, 1.5, n)), 0)
        for t in TEAMS
    }
    rows: list[dict[str, object]] = []
    group = 0
    k = 0
    groups: dict[int, str] = {}
    while k < n:
        if rng.random() < 0.02:  # ~5% of initiatives in exclusive groups of 2-3
            size = int(rng.integers(2, 4))
            for j in range(k, min(n, k + size)):
                groups[j] = f"g{group}"
            group += 1
            k += size
        else:
            k += 1
    for j in range(n):
        row: dict[str, object] = {
            "id": f"I{j:05d}",
            "name": f"Initiative {j}",
            "segment": segment[j],
            "journey_stage": STAGES[j % len(STAGES)],
            "pillar": PILLARS[j % len(PILLARS)],
            "voc_volume": voc[j],
            "ces_delta": ces[j],
            "churn_reduction_pp": churn_pp[j],
            "cross_sell": cross[j],
            "cost_savings": savings[j],
            "cost": cost[j],
            "opex": opex[j],
            "depends_on": f"I{int(rng.integers(0, j)):05d}"
            if j > 0 and rng.random() < 0.10
            else "",
            "exclusive_group": groups.get(j, ""),
            "mandatory": "yes" if rng.random() < 0.002 else "",
        }
        for team in TEAMS:
            row[f"effort_{team}"] = effort[team][j]
        rows.append(row)
    # a mandatory initiative's dependencies and group mates must not conflict with it
    mandatory = {r["id"] for r in rows if r["mandatory"]}
    for r in rows:
        if r["mandatory"]:
            r["exclusive_group"] = ""
            r["depends_on"] = ""
    del mandatory
    settings = {
        "name": f"benchmark n={n} seed={seed}",
        "budget": float(round(cost.sum() * 0.30)),
        "horizon_years": 3,
        "discount_rate": 0.08,
        "segments": {
            "premium": {"customers": 40000 * max(1, n // 100), "ltv": 5200},
            "mass": {"customers": 900000 * max(1, n // 100), "ltv": 310},
        },
        "teams": {t: float(round(effort[t].sum() * 0.35)) for t in TEAMS},
        "objective": {"mode": "blended", "weights": {"business": 0.7, "customer": 0.3}},
    }
    return settings, rows


def write_instance(folder: Path, n: int, seed: int) -> Path:
    """Write scenario.yaml + initiatives.csv for one instance; returns the YAML path."""
    import yaml

    settings, rows = instance(n, seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "initiatives.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "scenario.yaml").write_text(
        yaml.safe_dump({**settings, "initiatives": "initiatives.csv"}, sort_keys=False)
    )
    return folder / "scenario.yaml"
