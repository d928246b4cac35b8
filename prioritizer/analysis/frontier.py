"""Efficient frontier: the optimal value as the budget varies, with every other rule in place.

Two products:

- the **grid**: the optimum at each requested budget. Solved walking *down* the budgets: the
  optimum at a higher budget stays optimal at every lower budget it still fits in (the feasible
  set only shrinks), so such points are reused without a solve.
- the exact **breakpoints**: the budgets at which the optimal value rises. From a budget B with
  optimal value V, the next breakpoint is the least cost of any portfolio worth more than V
  (a min-cost integer program with a value floor); then the optimum is re-solved there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions, json_value
from ..value import score_initiatives
from ._common import least_use_beating, sweep_options
from ._parallel import chunks, flatten, run_tasks


@dataclass(frozen=True)
class FrontierPoint:
    """The optimum at one budget."""

    budget: float
    status: str
    objective: float
    business_value: float
    customer_value: float
    cost: float
    selected: tuple[str, ...]
    reused: bool = False


@dataclass(frozen=True, eq=False)
class Frontier:
    """An efficient frontier over budgets, in ascending order of budget.

    Attributes
    ----------
    points:
        The optimum at each requested budget.
    breakpoints:
        Budgets (currency) where the optimal value rises, with the portfolio there; empty when
        not computed.
    complete:
        False when the breakpoint walk stopped at ``max_breakpoints``.
    """

    scenario: Scenario
    points: list[FrontierPoint]
    breakpoints: list[FrontierPoint] = field(default_factory=list)
    complete: bool = True
    solves: int = 0

    def to_frame(self) -> pd.DataFrame:
        """One row per budget: objective, values, cost used, status, entered/left vs previous.

        Columns: ``budget`` and ``cost`` (currency), ``objective`` (mode units),
        ``business_value`` (currency), ``customer_value`` (effort points/yr), ``status``,
        ``n_selected``, ``entered``, ``left`` (ids separated by ``;``), ``selected``.
        """
        return _frame(self.points)

    def breakpoints_frame(self) -> pd.DataFrame:
        """The exact breakpoints in the same columns as :meth:`to_frame`."""
        return _frame(self.breakpoints)

    def marginal_values(self) -> pd.Series:
        """Objective gained per currency unit between consecutive feasible grid points."""
        frame = self.to_frame()
        feasible = frame[frame["status"].isin(["optimal", "feasible"])]
        slope = feasible["objective"].diff() / feasible["budget"].diff()
        return slope.rename("marginal_value_per_currency")

    @property
    def knee(self) -> FrontierPoint | None:
        """The grid point after which the marginal value per currency unit drops most."""
        slopes = self.marginal_values().to_numpy()
        feasible = [p for p in self.points if p.status in ("optimal", "feasible")]
        if len(feasible) < 3:
            return None
        drops = slopes[1:-1] - slopes[2:]  # slope into point k minus slope out of it
        drops = np.nan_to_num(drops, nan=-np.inf)
        return feasible[int(np.argmax(drops)) + 1]

    @property
    def last_step_marginal_value(self) -> float:
        """Objective gained per currency unit on the last step of the grid."""
        slopes = self.marginal_values().dropna()
        return float(slopes.iloc[-1]) if len(slopes) else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON contract of ``prioritizer frontier --format json``."""
        knee = self.knee
        return {
            "scenario": self.scenario.name,
            "currency": self.scenario.currency,
            "objective_mode": self.scenario.objective.mode,
            "points": [_point_dict(p) for p in self.points],
            "breakpoints": [_point_dict(p) for p in self.breakpoints],
            "breakpoints_complete": self.complete,
            "knee_budget": None if knee is None else knee.budget,
            "last_step_marginal_value": json_value(self.last_step_marginal_value),
        }

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the frontier (see :func:`prioritizer.plots.plot_frontier`)."""
        from ..plots import plot_frontier

        return plot_frontier(self, ax=ax, **kwargs)


def efficient_frontier(
    scenario: Scenario,
    budgets: Sequence[float] | None = None,
    *,
    points: int = 25,
    options: SolverOptions | None = None,
    breakpoints: bool = False,
    max_breakpoints: int = 500,
    workers: int | None = 1,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Frontier:
    """Optimal value over a range of budgets.

    Parameters
    ----------
    scenario:
        The scenario; every rule but the budget stays in force.
    budgets:
        Budgets to solve at (currency). Default: ``points`` evenly spaced from 0 to the cost
        of every initiative.
    breakpoints:
        Also compute the exact budgets where the optimal value rises (up to the largest
        budget), at most ``max_breakpoints`` of them.
    workers, executor:
        Solve chunks of the grid in parallel (see :func:`prioritizer.analysis.run_tasks`).

    Returns
    -------
    Frontier
        Points in ascending budget order; the objective never decreases along them.
    """
    options = options or SolverOptions()
    if budgets is None:
        total = float(sum(i.cost for i in scenario.initiatives))
        budgets = list(np.linspace(0.0, total, max(2, points)))
    grid = sorted({float(b) for b in budgets})
    if not grid:
        raise ValueError("no budgets given")
    # Walk down in chunks; each chunk reuses optima downwards.
    size = max(1, -(-len(grid) // max(1, workers or 1))) if executor is None else 4
    descending = grid[::-1]
    tasks = [(scenario, descending[a:b], options) for a, b in chunks(len(descending), size)]
    parts = run_tasks(_walk_down, tasks, workers=workers, executor=executor, progress=progress)
    solved = flatten(parts)
    points_out = sorted((p for p, _ in solved), key=lambda p: p.budget)
    solves = sum(n for _, n in solved)
    frontier_breaks: list[FrontierPoint] = []
    complete = True
    if breakpoints:
        frontier_breaks, complete, extra = _breakpoints(
            scenario, grid[-1], options, max_breakpoints
        )
        solves += extra
    return Frontier(scenario, points_out, frontier_breaks, complete, solves)


def _walk_down(
    scenario: Scenario, budgets: Sequence[float], options: SolverOptions
) -> list[tuple[FrontierPoint, int]]:
    out: list[tuple[FrontierPoint, int]] = []
    scores = score_initiatives(scenario)
    previous: FrontierPoint | None = None
    for budget in budgets:
        if previous is not None and previous.status == "optimal" and previous.cost <= budget:
            out.append((_replace_budget(previous, budget), 0))
            continue
        result = solve_portfolio(
            scenario.with_overrides(budget=budget),
            sweep_options(options, len(scenario.initiatives)),
            scores=scores,
        )
        previous = _point(result, budget)
        out.append((previous, 1))
    return out


def _breakpoints(
    scenario: Scenario, top: float, options: SolverOptions, limit: int
) -> tuple[list[FrontierPoint], bool, int]:
    scores = score_initiatives(scenario)
    value = scores["objective_score"].to_numpy(dtype=float)
    cost = scores["cost"].to_numpy(dtype=float)
    unbounded = scenario.with_overrides(budget=max(top, float(cost.sum())) + 1.0)
    solves = 0
    # the cheapest feasible portfolio: where the frontier starts
    first = solve_portfolio(unbounded, options, scores=scores, objective=-cost)
    solves += 1
    if first.status not in ("optimal", "feasible") or first.cost > top:
        return [], True, solves
    budget = first.cost
    found: list[FrontierPoint] = []
    while True:
        result = solve_portfolio(scenario.with_overrides(budget=budget), options, scores=scores)
        solves += 1
        point = _point(result, budget)
        found.append(point)
        if len(found) >= limit:
            return found, False, solves
        nxt = least_use_beating(
            unbounded, scores, options, use=cost, values=value, threshold=point.objective
        )
        solves += 1
        if nxt is None or nxt.cost > top + 1e-9:
            return found, True, solves
        budget = max(nxt.cost, budget)


def _point(result: Result, budget: float) -> FrontierPoint:
    ok = result.status in ("optimal", "feasible")
    nan = float("nan")
    return FrontierPoint(
        budget=budget,
        status=result.status,
        objective=result.objective if ok else nan,
        business_value=result.business_value if ok else nan,
        customer_value=result.customer_value if ok else nan,
        cost=result.cost if ok else nan,
        selected=tuple(result.selected) if ok else (),
    )


def _replace_budget(point: FrontierPoint, budget: float) -> FrontierPoint:
    return FrontierPoint(
        budget,
        point.status,
        point.objective,
        point.business_value,
        point.customer_value,
        point.cost,
        point.selected,
        reused=True,
    )


def _frame(points: Sequence[FrontierPoint]) -> pd.DataFrame:
    records = []
    previous: set[str] | None = None
    order: dict[str, int] = {}
    for p in points:
        for k, ident in enumerate(p.selected):
            order.setdefault(ident, k)
    for p in points:
        chosen = set(p.selected)
        entered = sorted(chosen - previous, key=order.__getitem__) if previous is not None else []
        left = sorted(previous - chosen, key=order.__getitem__) if previous is not None else []
        records.append(
            {
                "budget": p.budget,
                "objective": p.objective,
                "business_value": p.business_value,
                "customer_value": p.customer_value,
                "cost": p.cost,
                "status": p.status,
                "n_selected": len(p.selected),
                "entered": ";".join(entered),
                "left": ";".join(left),
                "selected": ";".join(p.selected),
            }
        )
        if p.status in ("optimal", "feasible"):
            previous = chosen
    columns = [
        "budget",
        "objective",
        "business_value",
        "customer_value",
        "cost",
        "status",
        "n_selected",
        "entered",
        "left",
        "selected",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def _point_dict(p: FrontierPoint) -> dict[str, Any]:
    return {
        "budget": p.budget,
        "status": p.status,
        "objective": json_value(p.objective),
        "business_value": json_value(p.business_value),
        "customer_value": json_value(p.customer_value),
        "cost": json_value(p.cost),
        "selected": list(p.selected),
    }
