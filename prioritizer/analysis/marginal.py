"""Marginal value of every limit: what ±10% of the budget, the opex budget or a team's
capacity would change, and what one more unit is worth.

Integer programs have no meaningful duals, so every figure is a re-solve: the optimum with the
limit moved up and down by ``step``, and the exact least amount of the limit at which the
optimum improves at all (with the initiatives that would enter first).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..models import Scenario
from ..optimize import optimize, solve_portfolio
from ..result import Result, SolverOptions, json_records
from ..value import score_initiatives
from ._common import FEASIBLE, least_use_beating
from ._parallel import run_tasks


@dataclass(frozen=True, eq=False)
class MarginalValues:
    """Marginal values of the scenario's limits around the base optimum."""

    scenario: Scenario
    base: Result
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per limit (index ``limit``).

        Columns: ``unit``; ``available``, ``used``; ``binding`` (relaxing it by ``step``
        improves the optimum); ``objective_gain_up`` / ``objective_loss_down`` (objective units,
        limit ×(1 ± step)); ``business_value_gain_up`` (currency); ``value_per_unit`` (objective
        per currency unit or person-day over the +step move); ``business_value_per_unit``;
        ``status_down``; ``next_improvement_at`` (least amount of the limit that improves the
        optimum, same unit); ``enters_first`` (ids that enter there, ``;``-separated).
        """
        return self.table

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the base objective and one record per limit."""
        records = json_records(self.table.reset_index())
        return {"scenario": self.scenario.name, "objective": self.base.objective, "limits": records}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Bar chart of the value of one more unit per limit (see plots.plot_marginal)."""
        from ..plots import plot_marginal

        return plot_marginal(self, ax=ax, **kwargs)


def _limits(scenario: Scenario) -> list[tuple[str, str, float, str, str]]:
    """(name, rule key, available, unit, use column) of every limit."""
    cur = scenario.currency
    out = [("budget", "budget", scenario.budget, cur, "cost")]
    if scenario.opex_budget is not None:
        out.append(
            ("opex_budget", "opex_budget", scenario.opex_budget, f"{cur}/year", "opex_per_year")
        )
    for team, capacity in scenario.teams.items():
        out.append((team, f"capacity[{team}]", capacity, "person-days", f"effort_{team}"))
    return out


def _with_limit(scenario: Scenario, name: str, value: float) -> Scenario:
    if name == "budget":
        return scenario.with_overrides(budget=value)
    if name == "opex_budget":
        return scenario.with_overrides(opex_budget=value)
    return scenario.with_overrides(teams={name: value})


def _one_limit(
    scenario: Scenario,
    limit: tuple[str, str, float, str, str],
    step: float,
    options: SolverOptions,
    base_objective: float,
    base_business: float,
    base_selected: tuple[str, ...],
) -> dict[str, Any]:
    name, key, available, unit, column = limit
    scores = score_initiatives(scenario)
    up = solve_portfolio(
        _with_limit(scenario, name, available * (1 + step)), options, scores=scores
    )
    down = solve_portfolio(
        _with_limit(scenario, name, available * (1 - step)), options, scores=scores
    )
    use = scores[column].to_numpy(dtype=float)
    values = scores["objective_score"].to_numpy(dtype=float)
    nxt = least_use_beating(
        scenario,
        scores,
        options,
        use=use,
        values=values,
        threshold=base_objective,
        disabled_rules=[key],
    )
    delta = available * step
    gain = up.objective - base_objective if up.status in FEASIBLE else float("nan")
    business_gain = up.business_value - base_business if up.status in FEASIBLE else float("nan")
    loss = base_objective - down.objective if down.status in FEASIBLE else float("nan")
    chosen = set(base_selected)
    return {
        "limit": name,
        "unit": unit,
        "available": available,
        "used": float(use @ scores.index.isin(base_selected)),
        "binding": bool(gain > 1e-9 * max(1.0, abs(base_objective))),
        "objective_gain_up": gain,
        "objective_loss_down": loss,
        "business_value_gain_up": business_gain,
        "value_per_unit": gain / delta if delta > 0 else float("nan"),
        "business_value_per_unit": business_gain / delta if delta > 0 else float("nan"),
        "status_down": down.status,
        "next_improvement_at": float(use @ nxt.selection) if nxt is not None else float("nan"),
        "enters_first": ";".join(i for i in nxt.selected if i not in chosen) if nxt else "",
    }


def marginal_values(
    scenario: Scenario,
    *,
    step: float = 0.10,
    options: SolverOptions | None = None,
    workers: int | None = 1,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MarginalValues:
    """What each limit is worth at the margin.

    Parameters
    ----------
    scenario:
        The scenario (must be feasible).
    step:
        Relative move of each limit (0.10 = ±10%).

    Returns
    -------
    MarginalValues
        ``to_frame()`` has one row per limit; see its docstring for the columns and units.
    """
    if not 0 < step < 1:
        raise ValueError("step must be between 0 and 1")
    options = options or SolverOptions()
    base = optimize(scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap)
    tasks = [
        (scenario, limit, step, options, base.objective, base.business_value, tuple(base.selected))
        for limit in _limits(scenario)
    ]
    rows = run_tasks(_one_limit, tasks, workers=workers, executor=executor, progress=progress)
    table = pd.DataFrame.from_records(rows).set_index("limit")
    return MarginalValues(scenario, base, table)
