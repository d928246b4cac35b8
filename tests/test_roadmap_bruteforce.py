"""Brute force: the roadmap optimum equals exhaustive enumeration of every (start or not)
assignment on random tiny roadmap scenarios, with the values of spec.md §5 computed here
independently (plain loops, no prioritizer code)."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import numpy as np
import pytest

import prioritizer as px
from prioritizer.roadmap import solve_roadmap
from prioritizer.roadmap.model import DEFAULT_FORMULATION, FORMULATIONS

N_SCENARIOS = 160
PILLARS = ("ease", "trust")


def random_roadmap(seed: int) -> dict[str, Any]:
    """A tiny roadmap scenario: <= 6 initiatives, <= 4 periods, every rule kind."""
    rng = random.Random(seed)
    count = rng.randint(1, 4)
    labels = [f"P{k + 1}" for k in range(count)]
    length = rng.choice([3, 6, 12])
    horizon = rng.choice([1, 2])
    teams = {f"t{k}": rng.choice([40, 80, 200]) for k in range(rng.randint(0, 2))}
    n = rng.randint(2, 6)
    rows: list[dict[str, Any]] = []
    for k in range(n):
        duration = rng.randint(1, count)
        row: dict[str, Any] = {
            "id": f"I{k}",
            "segment": rng.choice(["a", "b", "all"]),
            "pillar": rng.choice(PILLARS),
            "journey_stage": rng.choice(["onboarding", "renewal"]),
            "cost": rng.choice([0, 50, 100, 150, 300]),
            "opex": rng.choice([0, 0, 10, 40]),
            "cost_savings": rng.choice([0, 50, 150, 400]),
            "cross_sell": rng.choice([0, 20, 80]),
            "churn_reduction_pp": rng.choice([0, 0.5, 1.0]),
            "voc_volume": rng.choice([0, 5, 20]),
            "ces_delta": rng.choice([0, 0.5, 1.0]),
            "duration": duration,
            "ramp_up": rng.randint(0, 2),
        }
        for team in teams:
            row[f"effort_{team}"] = rng.choice([0, 10, 30, 60])
        if rng.random() < 0.3:
            row["earliest_start"] = labels[rng.randint(0, count - 1)]
        if rng.random() < 0.3:
            low = labels.index(row.get("earliest_start", labels[0]))
            row["deadline"] = labels[rng.randint(low, count - 1)]
        if k and rng.random() < 0.3:
            row["depends_on"] = ";".join(rng.sample([f"I{j}" for j in range(k)], 1))
        if rng.random() < 0.25:
            row["exclusive_group"] = "g"
        if rng.random() < 0.1:
            row["mandatory"] = True
        rows.append(row)
    data: dict[str, Any] = {
        "name": f"random roadmap {seed}",
        "budget": rng.choice([200, 400, 800, 5000]),
        "horizon_years": horizon,
        "discount_rate": rng.choice([0.0, 0.05, 0.1]),
        "complaint_rate": 0.1,
        "periods": labels,
        "period_length_months": length,
        "segments": {"a": {"customers": 1000, "ltv": 30}, "b": {"customers": 200, "ltv": 90}},
        "teams": teams,
        "objective": {
            "mode": rng.choice(["business", "customer", "blended", "blended"]),
            "weights": {"business": rng.choice([0.3, 0.7]), "customer": 0.5},
            "stage_weights": {"onboarding": 1.5},
        },
        "rules": {},
        "initiatives": rows,
    }
    if rng.random() < 0.5:
        data["period_budgets"] = (
            rng.choice([100, 200])
            if rng.random() < 0.5
            else [rng.choice([60, 100, 200, 400]) for _ in labels]
        )
    if teams and rng.random() < 0.5:
        team = next(iter(teams))
        data["period_teams"] = {team: [rng.choice([10, 20, 40]) for _ in labels]}
    if rng.random() < 0.3:
        data["opex_budget"] = rng.choice([20, 60])
    mandatory = [r["id"] for r in rows if r.get("mandatory")]
    free = [r["id"] for r in rows if r["id"] not in mandatory]
    if free and rng.random() < 0.2:
        data["rules"]["excluded"] = [rng.choice(free)]
    if rng.random() < 0.3:
        data["rules"]["min_count"] = {"pillar": {rng.choice(PILLARS): 1}}
    if rng.random() < 0.3:
        data["rules"]["max_count"] = {"pillar": {rng.choice(PILLARS): rng.randint(0, 2)}}
    return data


def expected_values(data: dict[str, Any]) -> dict[str, Any]:
    """Per initiative, per start s (0-based) that finishes inside the plan: (business, customer,
    allowed), straight from spec.md §5 and §2."""
    labels = data["periods"]
    count = len(labels)
    m = data["period_length_months"] / 12
    horizon = data["horizon_years"]
    rate = data["discount_rate"]
    end = count - 1 + round(horizon / m)
    segs = data["segments"]
    total = sum(s["customers"] for s in segs.values())
    weighted = sum(s["customers"] * s["ltv"] for s in segs.values()) / total
    table: dict[str, Any] = {}
    for row in data["initiatives"]:
        customers, ltv = (
            (total, weighted)
            if row["segment"] == "all"
            else (segs[row["segment"]]["customers"], segs[row["segment"]]["ltv"])
        )
        gross = customers * row["churn_reduction_pp"] / 100 * ltv
        gross += row["cross_sell"] + row["cost_savings"]
        stage = data["objective"]["stage_weights"].get(row["journey_stage"], 1.0)
        customer_full = min(row["voc_volume"] / 0.1, customers) * row["ces_delta"] * stage
        d = row["duration"]
        first = labels.index(row["earliest_start"]) if "earliest_start" in row else 0
        last_finish = labels.index(row["deadline"]) if "deadline" in row else count - 1
        starts = {}
        for s in range(count - d + 1):
            business, years = 0.0, 0.0
            for p in range(s, end + 1):
                factor = (1 + rate) ** (-(p + 1) * m)
                if p < s + d:
                    business -= row["cost"] / d * factor
                else:
                    share = min(1.0, (p - s - d + 1) / (row["ramp_up"] + 1))
                    business += m * (share * gross - row["opex"]) * factor
                    years += m * share
            allowed = first <= s and s + d - 1 <= last_finish
            starts[s] = (business, customer_full * years / horizon, allowed)
        table[row["id"]] = starts
    return table


def brute_force(data: dict[str, Any]) -> float | None:
    """The best objective over every assignment, or None when nothing is feasible."""
    plans = enumerate_plans(data)
    if plans is None:
        return None
    _, ok, totals = plans
    if not ok.any():
        return None
    return float(totals[ok].max())


def enumerate_plans(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Every assignment (K × n: each initiative's start index, −1 when left out, over its
    allowed starts), whether it keeps every rule, and its objective; None when a mandatory
    initiative has no allowed start."""
    rows = data["initiatives"]
    ids = [r["id"] for r in rows]
    labels = data["periods"]
    count = len(labels)
    values = expected_values(data)
    objective = data["objective"]
    w_b, w_c = objective["weights"]["business"], objective["weights"]["customer"]
    w_b, w_c = w_b / (w_b + w_c), w_c / (w_b + w_c)
    s_b = sum(max([0.0] + [v[0] for v in values[i].values() if v[2]]) for i in ids) or 1.0
    s_c = sum(max([0.0] + [v[1] for v in values[i].values() if v[2]]) for i in ids) or 1.0

    def score(i: str, s: int) -> float:
        business, customer, _ = values[i][s]
        if objective["mode"] == "business":
            return business
        if objective["mode"] == "customer":
            return customer
        return w_b * business / s_b + w_c * customer / s_c

    rules = data["rules"]
    excluded = set(rules.get("excluded", []))
    options = []
    for row in rows:
        starts = [s for s, v in values[row["id"]].items() if v[2]]
        if row["id"] in excluded:
            starts = []
        options.append(starts if row.get("mandatory") else [-1, *starts])
    if any(not o for o in options):
        return None
    grid = np.array(list(itertools.product(*options)), dtype=int)  # (K, n) start or -1
    chosen = grid >= 0
    ok = np.ones(len(grid), dtype=bool)
    cost = np.array([r["cost"] for r in rows], dtype=float)
    dur = np.array([r["duration"] for r in rows])
    ok &= chosen @ cost <= data["budget"] * (1 + 1e-9)
    if "opex_budget" in data:
        ok &= chosen @ np.array([r["opex"] for r in rows], float) <= data["opex_budget"] + 1e-9
    for team, capacity in data["teams"].items():
        effort = np.array([r.get(f"effort_{team}", 0) for r in rows], dtype=float)
        ok &= chosen @ effort <= capacity + 1e-9
    for p in range(count):
        active = chosen & (grid <= p) & (p < grid + dur)
        budgets = data.get("period_budgets")
        if budgets is not None:
            limit = budgets if isinstance(budgets, int | float) else budgets[p]
            ok &= active @ (cost / dur) <= limit + 1e-9
        for team, limits in data.get("period_teams", {}).items():
            effort = np.array([r.get(f"effort_{team}", 0) for r in rows], dtype=float)
            ok &= active @ (effort / dur) <= limits[p] + 1e-9
    for b, row in enumerate(rows):
        if "depends_on" in row:
            a = ids.index(row["depends_on"])
            ok &= ~chosen[:, b] | (chosen[:, a] & (grid[:, a] + dur[a] <= grid[:, b]))
    group = [k for k, r in enumerate(rows) if r.get("exclusive_group")]
    if len(group) > 1:
        ok &= chosen[:, group].sum(axis=1) <= 1
    for kind, sense in (("min_count", 1), ("max_count", -1)):
        for pillar, number in rules.get(kind, {}).get("pillar", {}).items():
            members = [k for k, r in enumerate(rows) if r["pillar"] == pillar]
            counted = chosen[:, members].sum(axis=1)
            ok &= counted >= number if sense == 1 else counted <= number
    scores = np.zeros(grid.shape)
    for k, row in enumerate(rows):
        for s in options[k]:
            if s >= 0:
                scores[grid[:, k] == s, k] = score(row["id"], s)
    return grid, ok, scores.sum(axis=1)


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_roadmap_optimum_equals_enumeration(formulation: str) -> None:
    feasible = infeasible = 0
    for seed in range(N_SCENARIOS):
        data = random_roadmap(seed)
        scenario = px.scenario_from_mapping(data)
        result = solve_roadmap(scenario, formulation=formulation)
        best = brute_force(data)
        if best is None:
            assert result.status == "infeasible", (seed, result.status)
            infeasible += 1
            continue
        assert result.status == "optimal", (seed, result.status, result.message)
        assert math.isclose(result.objective, best, rel_tol=1e-7, abs_tol=1e-7), (
            seed,
            result.objective,
            best,
        )
        feasible += 1
    # the generator must exercise both outcomes
    assert feasible >= 100 and infeasible >= 5, (feasible, infeasible)


def test_start_values_match_independent_formulas() -> None:
    for seed in range(40):
        data = random_roadmap(seed)
        scenario = px.scenario_from_mapping(data)
        table = px.start_values(scenario)
        values = expected_values(data)
        for _, row in table.iterrows():
            business, customer, allowed = values[row["id"]][row["start_index"]]
            assert row["business_value"] == pytest.approx(business, rel=1e-12, abs=1e-9)
            assert row["customer_value"] == pytest.approx(customer, rel=1e-12, abs=1e-9)
            assert bool(row["allowed"]) == allowed


def test_the_default_formulation_equals_enumeration() -> None:
    """What users get without asking (``aggregate``, chosen on the benchmark) is checked like
    every named formulation, through the public entry point."""
    for seed in range(0, N_SCENARIOS, 4):
        data = random_roadmap(seed)
        result = solve_roadmap(px.scenario_from_mapping(data))
        assert result.formulation == DEFAULT_FORMULATION == "aggregate"
        best = brute_force(data)
        if best is None:
            assert result.status == "infeasible", seed
        else:
            assert result.status == "optimal", (seed, result.message)
            assert math.isclose(result.objective, best, rel_tol=1e-7, abs_tol=1e-7), seed
