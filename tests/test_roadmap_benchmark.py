"""The roadmap benchmark's instances in other orders: the same program, and the table of the
solvers' variability over the orders."""

from __future__ import annotations

import numpy as np
import pytest

import prioritizer as px
from benchmarks.roadmap import orders_table, roadmap_instance
from prioritizer.result import SolverOptions
from prioritizer.roadmap import solve_roadmap, start_values
from prioritizer.roadmap.constraints import candidates


def _signature(scenario: px.Scenario) -> list[tuple[object, ...]]:
    """Each initiative's facts, with its prerequisites' facts in place of their ids."""
    by_id = {i.id: i for i in scenario.initiatives}

    def facts(item: px.Initiative) -> tuple[object, ...]:
        return (item.name, item.cost, item.duration, item.deadline, item.earliest_start)

    return sorted(
        (facts(i), tuple(sorted(facts(by_id[d]) for d in i.depends_on)))
        for i in scenario.initiatives
    )


def _scores(scenario: px.Scenario) -> np.ndarray:
    """The value of every possible start, sorted."""
    return np.sort(candidates(scenario, start_values(scenario))["objective_score"].to_numpy())


@pytest.mark.parametrize("shuffle", [1, 2])
def test_another_order_is_the_same_roadmap(shuffle: int) -> None:
    plain = roadmap_instance(14, 3)
    other = roadmap_instance(14, 3, shuffle)
    ids = [i.id for i in plain.initiatives]
    assert [i.id for i in other.initiatives] != ids  # another order and other labels
    assert sorted(i.id for i in other.initiatives) == sorted(ids)

    assert _signature(other) == _signature(plain)
    assert other.period_budgets == plain.period_budgets
    assert any(i.depends_on for i in other.initiatives)
    np.testing.assert_allclose(_scores(other), _scores(plain), rtol=1e-12)
    options = SolverOptions(tie_break=False)
    first, second = solve_roadmap(plain, options), solve_roadmap(other, options)
    assert first.status == second.status == "optimal"
    assert second.objective == pytest.approx(first.objective, rel=1e-9)


def test_orders_table_takes_the_ratio_of_the_medians() -> None:
    def record(order: int, ours: float, floor: float) -> dict[str, object]:
        return {
            "case": "roadmap 60x8x5",
            "seed": 7,
            "order": order,
            "formulation": "aggregate",
            "cpu_s": ours,
            "floor_cpu_s": floor,
            "status": "optimal",
            "floor_proven": order != 2,
        }

    lines = orders_table([record(0, 3.0, 2.0), record(1, 9.0, 1.0), record(2, 4.0, 4.0)])
    row = lines.splitlines()[-1]
    assert "| 3 |" in row
    assert "3.00 / 4.00 / 9.00" in row
    assert "1.00 / 2.00 / 4.00" in row
    assert "| 2.00 |" in row  # 4.00 / 2.00
    assert "3/3 | 2/3 |" in row
    single = orders_table([record(0, 3.0, 2.0)])
    assert len(single.splitlines()) == 2  # a seed run in one order has no row
