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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions, json_value
from ._common import FEASIBLE, least_use_beating, sweep_options
from ._parallel import chunks, flatten, resolve_workers, run_tasks
from .protocol import AnalysisResult, Finding, base_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes


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
class Frontier(AnalysisResult):
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
    base: Result
    options: SolverOptions
    points: list[FrontierPoint]
    breakpoints: list[FrontierPoint] = field(default_factory=list)
    complete: bool = True
    solves: int = 0

    def _table(self) -> pd.DataFrame:
        """One row per budget: objective, values, cost used, status, entered/left vs previous.

        Columns: ``budget`` and ``cost`` (currency), ``objective`` (mode units),
        ``business_value`` (currency), ``customer_value`` (effort points/yr), ``status``,
        ``n_selected``, ``entered``, ``left`` (ids separated by ``;``, input order),
        ``selected``.
        """
        return _frame(self.points, self.scenario.ids)

    def breakpoints_frame(self) -> pd.DataFrame:
        """The exact breakpoints in the same columns as :meth:`to_frame`."""
        return _frame(self.breakpoints, self.scenario.ids)

    def marginal_values(self) -> pd.Series:
        """Objective gained per currency unit between consecutive feasible grid points."""
        frame = self._table()
        feasible = frame[frame["status"].isin(FEASIBLE)]
        slope = feasible["objective"].diff() / feasible["budget"].diff()
        return slope.rename("marginal_value_per_currency")

    @property
    def knee(self) -> FrontierPoint | None:
        """The grid point after which the marginal value per currency unit drops most."""
        slopes = self.marginal_values().to_numpy()
        feasible = [p for p in self.points if p.status in FEASIBLE]
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

    @property
    def best_objective(self) -> float:
        """The best optimal value over the grid (mode units): what any budget could buy."""
        return max((p.objective for p in self.points if p.status in FEASIBLE), default=np.nan)

    def finding(self) -> Finding:
        """What the scenario's own budget buys: the base optimum (solved at that budget, not a
        grid neighbour) as a share of the best value any budget on the grid reaches."""
        cur = self.scenario.currency
        best = self.best_objective
        here = self.base.objective
        share = here / best if np.isfinite(best) and best > 0 else float("nan")
        budget = self.scenario.budget
        numbers = {"budget": budget, "objective": here, "best_objective": best, "share": share}
        if not np.isfinite(share):
            return Finding("Optimal value by budget", numbers)
        return Finding(
            f"{fmt.money(budget, cur)} buys {fmt.share(share)} of the value any budget could buy",
            numbers,
        )

    def summary(self) -> list[str]:
        """Terminal lines: size of the grid, the finding, the knee and the breakpoints."""
        cur = self.scenario.currency
        lines = [
            f"{self.scenario.name} — efficient frontier, {len(self.points)} budgets "
            f"({self.solves} solves)",
            self.finding().text,
        ]
        knee = self.knee
        if knee is not None:
            lines.append(
                f"Returns drop after {fmt.amount(knee.budget, cur)}; "
                "marginal value of the last step "
                f"{self.last_step_marginal_value:.4g} per {fmt.unit_of(cur)}"
            )
        if self.breakpoints:
            lines.append(
                f"Exact breakpoints: {len(self.breakpoints)}"
                + ("" if self.complete else " (stopped at the limit)")
            )
        return lines

    def _payload(self) -> dict[str, Any]:
        """JSON contract of ``prioritizer frontier --format json``."""
        knee = self.knee
        return {
            "objective_mode": self.scenario.objective.mode,
            "points": [_point_dict(p) for p in self.points],
            "breakpoints": [_point_dict(p) for p in self.breakpoints],
            "breakpoints_complete": self.complete,
            "knee_budget": None if knee is None else knee.budget,
            "last_step_marginal_value": json_value(self.last_step_marginal_value),
        }

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Draw the frontier (see :func:`prioritizer.plots.plot_frontier`)."""
        from ..plots import plot_frontier

        knee = self.knee
        names = {i.id: i.name for i in self.scenario.initiatives}
        return plot_frontier(
            self._table(),
            currency=self.scenario.currency,
            mode=self.scenario.objective.mode,
            budget=self.scenario.budget,
            budget_objective=self.base.objective,
            names=names,
            knee_budget=None if knee is None else knee.budget,
            title=self.finding().text if title is None else title,
            ax=ax,
        )


def efficient_frontier(
    scenario: Scenario,
    budgets: Sequence[float] | None = None,
    *,
    points: int = 25,
    options: SolverOptions | None = None,
    breakpoints: bool = False,
    max_breakpoints: int = 500,
    base: Result | None = None,
    workers: int | None = None,
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
        of every initiative, plus the scenario's own budget (so the frontier passes through
        the recommendation, not a grid neighbour of it).
    breakpoints:
        Also compute the exact budgets where the optimal value rises (up to the largest
        budget), at most ``max_breakpoints`` of them.
    base:
        The scenario's optimum, when already solved (else solved here).
    workers, executor:
        Solve chunks of the grid in parallel (default: all cores; see
        :func:`prioritizer.analysis.run_tasks`).

    Returns
    -------
    Frontier
        Points in ascending budget order; the objective never decreases along them.
    """
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    if budgets is None:
        total = float(sum(i.cost for i in scenario.initiatives))
        budgets = [*np.linspace(0.0, total, max(2, points)), float(scenario.budget)]
    grid = sorted({float(b) for b in budgets})
    if not grid:
        raise ValueError("no budgets given")
    # Walk down in chunks; each chunk reuses optima downwards.
    size = max(1, -(-len(grid) // resolve_workers(workers))) if executor is None else 4
    descending = grid[::-1]
    tasks = [
        (scenario, base.scores, descending[a:b], options) for a, b in chunks(len(descending), size)
    ]
    parts = run_tasks(_walk_down, tasks, workers=workers, executor=executor, progress=progress)
    solved = flatten(parts)
    points_out = sorted((p for p, _ in solved), key=lambda p: p.budget)
    solves = sum(n for _, n in solved)
    frontier_breaks: list[FrontierPoint] = []
    complete = True
    if breakpoints:
        frontier_breaks, complete, extra = _breakpoints(
            scenario, base.scores, grid[-1], options, max_breakpoints
        )
        solves += extra
    return Frontier(scenario, base, options, points_out, frontier_breaks, complete, solves)


def _walk_down(
    scenario: Scenario, scores: pd.DataFrame, budgets: Sequence[float], options: SolverOptions
) -> list[tuple[FrontierPoint, int]]:
    out: list[tuple[FrontierPoint, int]] = []
    previous: FrontierPoint | None = None
    for budget in budgets:
        if previous is not None and previous.status == "optimal" and previous.cost <= budget:
            out.append((_replace_budget(previous, budget), 0))
            continue
        result = solve_portfolio(
            scenario.with_overrides(budget=budget),
            sweep_options(options, len(scenario.initiatives)),
            scores=scores,
            start=None if previous is None else scores.index.isin(previous.selected),
        )
        previous = _point(result, budget)
        out.append((previous, 1))
    return out


def _breakpoints(
    scenario: Scenario, scores: pd.DataFrame, top: float, options: SolverOptions, limit: int
) -> tuple[list[FrontierPoint], bool, int]:
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
        nxt = least_use_beating(unbounded, scores, options, use=cost, threshold=point.objective)
        solves += 1
        if nxt is None or nxt.cost > top + 1e-9:
            return found, True, solves
        budget = max(nxt.cost, budget)


def _point(result: Result, budget: float) -> FrontierPoint:
    ok = result.status in FEASIBLE
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


def _frame(points: Sequence[FrontierPoint], ids: Sequence[str]) -> pd.DataFrame:
    """The frontier table; ``entered``/``left`` list ids in input order (``ids``), so the
    table does not depend on set iteration order (``PYTHONHASHSEED``)."""
    records = []
    previous: set[str] | None = None
    order = {ident: k for k, ident in enumerate(ids)}
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
        if p.status in FEASIBLE:
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
