"""Seeded random CX scenarios and an independent brute-force solver for tests.

The feasibility check here is written from spec.md §1-2 directly, not from prioritizer.rules,
so the brute force is independent truth for the optimizer.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

import prioritizer as px
from prioritizer.models import PILLARS

STAGES = ("onboarding", "purchase", "support", "complaint handling", "")


def random_scenario_dict(
    seed: int, n: int | None = None, mode: str | None = None
) -> dict[str, Any]:
    """A random but valid scenario mapping with every constraint type, seeded."""
    rng = np.random.default_rng(seed)
    n = int(n if n is not None else rng.integers(1, 15))
    teams = {f"t{k}": 0.0 for k in range(int(rng.integers(0, 4)))}
    segments = {
        "premium": {
            "customers": int(rng.integers(100, 5000)),
            "ltv": float(rng.integers(500, 6000)),
        },
        "mass": {"customers": int(rng.integers(5000, 100000)), "ltv": float(rng.integers(20, 400))},
    }
    rows: list[dict[str, Any]] = []
    for k in range(n):
        row: dict[str, Any] = {
            "id": f"I{k:02d}",
            "segment": str(rng.choice(["premium", "mass", "all"])),
            "journey_stage": str(rng.choice(STAGES)),
            "pillar": str(rng.choice([*PILLARS, ""])),
            "voc_volume": float(rng.integers(0, 3000)) if rng.random() < 0.8 else 0.0,
            "ces_delta": round(float(rng.uniform(0, 2)), 2),
            "churn_reduction_pp": round(float(rng.uniform(0, 1)), 3) if rng.random() < 0.7 else 0.0,
            "cross_sell": float(rng.integers(-20000, 200000)) if rng.random() < 0.5 else 0.0,
            "cost_savings": float(rng.integers(0, 150000)) if rng.random() < 0.5 else 0.0,
            "cost": float(rng.integers(0, 400000)),
            "opex": float(rng.integers(0, 60000)) if rng.random() < 0.5 else 0.0,
        }
        for team in teams:
            if rng.random() < 0.7:
                row[f"effort_{team}"] = float(rng.integers(0, 200))
        if k > 0 and rng.random() < 0.2:
            deps = rng.choice(k, size=int(rng.integers(1, min(k, 2) + 1)), replace=False)
            row["depends_on"] = ";".join(f"I{int(d):02d}" for d in sorted(deps))
        if rng.random() < 0.3:
            row["exclusive_group"] = str(rng.choice(["g1", "g2"]))
        if rng.random() < 0.06:
            row["mandatory"] = True
        rows.append(row)
    total_cost = sum(r["cost"] for r in rows)
    for team in teams:
        demand = sum(r.get(f"effort_{team}", 0.0) for r in rows)
        teams[team] = float(round(demand * rng.uniform(0.2, 0.9)))
    mandatory = {r["id"] for r in rows if r.get("mandatory")}
    free = [r["id"] for r in rows if r["id"] not in mandatory]
    rules: dict[str, Any] = {}
    if free and rng.random() < 0.3:
        rules["excluded"] = [str(rng.choice(free))]
    if rng.random() < 0.3:
        rules["min_count"] = {"pillar": {str(rng.choice(PILLARS)): 1}}
    if rng.random() < 0.3:
        rules["max_count"] = {"segment": {"premium": int(rng.integers(0, 3))}}
    if rng.random() < 0.2:
        rules["min_count"] = {**rules.get("min_count", {}), "journey_stage": {"onboarding": 1}}
    data: dict[str, Any] = {
        "name": f"random-{seed}",
        "budget": float(round(total_cost * rng.uniform(0.15, 0.8))),
        "horizon_years": int(rng.integers(1, 5)),
        "discount_rate": float(rng.choice([0.0, 0.05, 0.1])),
        "complaint_rate": float(rng.choice([0.05, 0.1, 0.2])),
        "segments": segments,
        "teams": teams,
        "objective": {
            "mode": mode or str(rng.choice(["business", "customer", "blended"])),
            "weights": {
                "business": float(rng.uniform(0, 1)),
                "customer": float(rng.uniform(0.01, 1)),
            },
            "stage_weights": {"onboarding": 1.3, "Complaint Handling": 1.5},
        },
        "rules": rules,
        "initiatives": rows,
    }
    if rng.random() < 0.4:
        data["opex_budget"] = float(round(sum(r["opex"] for r in rows) * rng.uniform(0.2, 0.9)))
    return data


def random_scenario(seed: int, n: int | None = None, mode: str | None = None) -> px.Scenario:
    return px.scenario_from_mapping(random_scenario_dict(seed, n, mode))


def all_subsets(n: int) -> np.ndarray:
    """Every 0/1 selection vector of length n, as rows."""
    return np.array(list(itertools.product((0.0, 1.0), repeat=n))).reshape(-1, n)


def feasible_mask(sc: px.Scenario, X: np.ndarray) -> np.ndarray:
    """Which rows of X (selections) satisfy every rule of spec.md §1, checked directly."""
    items = sc.initiatives
    tol = 1e-6
    ok = np.ones(len(X), dtype=bool)
    cost = np.array([i.cost for i in items])
    ok &= X @ cost <= sc.budget * (1 + tol) + tol
    if sc.opex_budget is not None:
        opex = np.array([i.opex for i in items])
        ok &= X @ opex <= sc.opex_budget * (1 + tol) + tol
    for team, capacity in sc.teams.items():
        effort = np.array([i.effort.get(team, 0.0) for i in items])
        ok &= X @ effort <= capacity * (1 + tol) + tol
    pos = {i.id: k for k, i in enumerate(items)}
    for k, item in enumerate(items):
        for dep in item.depends_on:
            ok &= ~((X[:, k] == 1) & (X[:, pos[dep]] == 0))
        if item.mandatory or item.id in sc.rules.mandatory:
            ok &= X[:, k] == 1
        if item.id in sc.rules.excluded:
            ok &= X[:, k] == 0
    groups: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        if item.exclusive_group:
            groups.setdefault(item.exclusive_group, []).append(k)
    for members in groups.values():
        ok &= X[:, members].sum(axis=1) <= 1
    for rule, compare in (("min_count", np.greater_equal), ("max_count", np.less_equal)):
        for attribute, counts in getattr(sc.rules, rule).items():
            for value, count in counts.items():
                members = [
                    k
                    for k, item in enumerate(items)
                    if str(getattr(item, attribute)).casefold() == value.casefold()
                ]
                ok &= compare(X[:, members].sum(axis=1), count)
    return ok


def brute_force(sc: px.Scenario) -> tuple[float | None, np.ndarray]:
    """(best objective or None when infeasible, feasibility mask) by full enumeration."""
    scores = px.score_initiatives(sc)["objective_score"].to_numpy()
    X = all_subsets(len(sc.initiatives))
    mask = feasible_mask(sc, X)
    if not mask.any():
        return None, mask
    return float((X[mask] @ scores).max()), mask
