"""The greedy roadmap handed to CBC as its first incumbent: it keeps every rule (checked by
the independent enumeration of test_roadmap_bruteforce), it is never better than the optimum,
each formulation encodes it as a point of its own program, and a solve started from it still
reaches the optimum of exhaustive enumeration."""

from __future__ import annotations

import math

import numpy as np
import pytest

import prioritizer as px
from prioritizer.roadmap import solve_roadmap, start_values
from prioritizer.roadmap.constraints import build_roadmap_rules, candidates
from prioritizer.roadmap.model import FORMULATIONS, build_roadmap_program
from prioritizer.roadmap.start import greedy_roadmap
from tests.test_roadmap_bruteforce import N_SCENARIOS, brute_force, enumerate_plans, random_roadmap


def _greedy(data: dict) -> tuple[px.Scenario, object, list, np.ndarray | None]:
    scenario = px.scenario_from_mapping(data)
    columns = candidates(scenario, start_values(scenario))
    rules = build_roadmap_rules(scenario, columns)
    x = greedy_roadmap(
        rules,
        columns["objective_score"].to_numpy(dtype=float),
        columns["row"].to_numpy(dtype=int),
        columns["cost"].to_numpy(dtype=float),
    )
    return scenario, columns, rules, x


def test_greedy_plan_keeps_every_rule_by_enumeration() -> None:
    found = optimal = feasible = 0
    for seed in range(N_SCENARIOS):
        data = random_roadmap(seed)
        scenario, columns, _, x = _greedy(data)
        plans = enumerate_plans(data)
        best = brute_force(data)
        if best is None:
            assert x is None, seed  # nothing keeps every rule: no plan can be returned
            continue
        feasible += 1
        if x is None:
            continue
        assert plans is not None
        grid, ok, totals = plans
        ids = [row["id"] for row in data["initiatives"]]
        assignment = np.full(len(ids), -1)
        for j in np.flatnonzero(x > 0.5):
            k = ids.index(columns["id"].iloc[j])
            assert assignment[k] == -1, (seed, "two starts")
            assignment[k] = int(columns["start_index"].iloc[j])
        match = np.flatnonzero((grid == assignment).all(axis=1))
        assert len(match) == 1, (seed, assignment)  # an allowed start for each chosen one
        assert ok[match[0]], (seed, assignment)  # keeps every rule, checked independently
        value = float(columns["objective_score"].to_numpy() @ x)
        assert math.isclose(value, totals[match[0]], rel_tol=1e-9, abs_tol=1e-9), seed
        assert value <= best + 1e-9, seed
        found += 1
        optimal += math.isclose(value, best, rel_tol=1e-9, abs_tol=1e-9)
    # the greedy must place a plan on most feasible scenarios, the optimum on many
    assert found >= 0.9 * feasible and optimal >= 0.8 * feasible, (found, optimal, feasible)
    del scenario


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_each_formulation_encodes_the_plan_as_a_feasible_point(formulation: str) -> None:
    checked = 0
    for seed in range(0, N_SCENARIOS, 2):
        _, columns, rules, x = _greedy(random_roadmap(seed))
        if x is None:
            continue
        coefficients = columns["objective_score"].to_numpy(dtype=float)
        program = build_roadmap_program(columns, coefficients, rules, formulation=formulation)
        model = program.model
        v = model.to_canonical(program.encode(x))
        assert set(np.unique(v)) <= {0.0, 1.0}, seed
        lhs = np.array(
            [
                model.data[model.indptr[r] : model.indptr[r + 1]]
                @ v[model.indices[model.indptr[r] : model.indptr[r + 1]]]
                for r in range(model.rows)
            ]
        )
        assert np.all(lhs >= model.lower - 1e-9) and np.all(lhs <= model.upper + 1e-9), seed
        assert np.array_equal(program.decode(model.to_input_order(v)), x), seed
        assert math.isclose(
            model.objective @ v / model.scale, coefficients @ x, rel_tol=1e-9, abs_tol=1e-12
        ), seed
        checked += 1
    assert checked >= 50, checked


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_solve_started_from_the_greedy_plan_equals_enumeration(formulation: str) -> None:
    for seed in range(1, N_SCENARIOS, 4):
        data = random_roadmap(seed)
        result = solve_roadmap(px.scenario_from_mapping(data), formulation=formulation, greedy=True)
        best = brute_force(data)
        if best is None:
            assert result.status == "infeasible", seed
        else:
            assert result.status == "optimal", (seed, result.message)
            assert math.isclose(result.objective, best, rel_tol=1e-7, abs_tol=1e-7), seed
