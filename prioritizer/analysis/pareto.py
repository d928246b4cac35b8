"""Trade-off between business and customer value.

- :func:`pareto_front`: non-dominated portfolios of (business value, customer value) under every
  rule, by the epsilon-constraint method: maximize business value subject to customer value
  ≥ ε for ε spread between the two extremes, each solved lexicographically (then maximize
  customer value at that business value) so every point is non-dominated.
- :func:`weight_sweep`: the blended optimum as the business weight goes from 0 to 1.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..evidence.coverage import credited_customer_value, overlap_model, own_objective
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions, json_records
from ..solver.portfolio import TIE_TOLERANCE
from ._common import FEASIBLE, floor_rule, lexicographic, sweep_options
from ._parallel import run_tasks
from .protocol import AnalysisResult, Finding, base_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False)
class ParetoFront(AnalysisResult):
    """Non-dominated portfolios, sorted by business value (descending); ``base`` is the
    scenario's own optimum (the recommendation)."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    points: pd.DataFrame

    @property
    def recommended(self) -> Result:
        """The scenario's own optimum (alias of ``base``)."""
        return self.base

    def _table(self) -> pd.DataFrame:
        """One row per portfolio: ``business_value`` (currency), ``customer_value`` (effort
        points/yr), ``cost`` (currency), ``n_selected``, ``selected`` (``;``-separated) and
        ``recommended`` (the scenario's own optimum)."""
        return self.points

    def finding(self) -> Finding:
        """How much of the best NPV and of the best customer value the recommendation keeps."""
        best_b = float(self.points["business_value"].max()) if len(self.points) else 0.0
        best_c = float(self.points["customer_value"].max()) if len(self.points) else 0.0
        rec = self.base
        if not (best_b > 0 and best_c > 0):
            return Finding("Business vs customer value", {})
        share_b, share_c = rec.business_value / best_b, rec.customer_value / best_c
        return Finding(
            f"The recommendation keeps {fmt.share(share_b)} of the best NPV and "
            f"{fmt.share(share_c)} of the best customer value",
            {"share_of_best_npv": share_b, "share_of_best_customer_value": share_c},
        )

    def summary(self) -> list[str]:
        """Terminal lines: how many portfolios, the finding."""
        return [
            f"{self.scenario.name} — {len(self.points)} best trade-offs "
            "(business vs customer value)",
            self.finding().text,
        ]

    def _payload(self) -> dict[str, Any]:
        return {
            "recommended": {
                "business_value": self.base.business_value,
                "customer_value": self.base.customer_value,
                "selected": self.base.selected,
            },
            "points": [
                {**row, "selected": row["selected"].split(";") if row["selected"] else []}
                for row in json_records(self.points)
            ],
        }

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Trade-off chart (see plots.plot_pareto)."""
        from ..plots import plot_pareto

        return plot_pareto(
            self._table(),
            recommended=(self.base.business_value, self.base.customer_value),
            currency=self.scenario.currency,
            title=self.finding().text if title is None else title,
            ax=ax,
        )


def _lex_point(
    scenario: Scenario, scores: pd.DataFrame, options: SolverOptions, epsilon: float | None
) -> Result:
    business = scores["business_value"].to_numpy(dtype=float)
    customer = scores["customer_value"].to_numpy(dtype=float)
    extra = [] if epsilon is None else [floor_rule(customer, epsilon, key="customer_floor")]
    return lexicographic(scenario, scores, options, business, customer, extra)


def _lex_point_once(
    customer_mode: Scenario, scores: pd.DataFrame, options: SolverOptions, epsilon: float | None
) -> Result:
    """Best business value with customer value (counted once) at least ``epsilon``, then the
    most customer value (counted once) among those; ``customer_mode`` is the scenario with
    the customer objective and ``scores`` its value table."""
    business = scores["business_value"].to_numpy(dtype=float)
    top = solve_portfolio(
        customer_mode, options, scores=scores, objective=business, objective_floor=epsilon
    )
    if top.status not in FEASIBLE:
        return top
    best = float(business @ top.selection)
    least = best - TIE_TOLERANCE * max(1.0, abs(best))
    keep = floor_rule(business, least, key="first_objective")
    lex = solve_portfolio(customer_mode, options, scores=scores, extra_rules=[keep])
    if lex.status in FEASIBLE and float(business @ lex.selection) >= least:
        return lex
    return top


def _top_customer_once(
    customer_mode: Scenario, scores: pd.DataFrame, options: SolverOptions
) -> Result:
    """The most customer value (counted once), then the best business value among those."""
    first = solve_portfolio(customer_mode, options, scores=scores)
    if first.status not in FEASIBLE:
        return first
    floor = first.objective - TIE_TOLERANCE * max(1.0, abs(first.objective))
    business = scores["business_value"].to_numpy(dtype=float)
    second = solve_portfolio(
        customer_mode, options, scores=scores, objective=business, objective_floor=floor
    )
    ok = second.status in FEASIBLE
    kept = own_objective(customer_mode, scores, second.selection) if ok else -np.inf
    if kept >= floor:
        return second
    return first


def pareto_front(
    scenario: Scenario,
    *,
    max_points: int = 15,
    options: SolverOptions | None = None,
    base: Result | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ParetoFront:
    """Up to ``max_points`` non-dominated (business value, customer value) portfolios.

    The two extremes (best business value, best customer value, each lexicographic) are always
    included; the rest maximize business value subject to customer value ≥ ε for ε evenly
    spread between the extremes' customer values. Fewer points are returned when fewer exist.
    Customer value counts feedback several chosen initiatives address once (the
    no-double-counting rule, as ``Result.customer_value``), in the search as in the points.
    """
    if max_points < 2:
        raise ValueError("max_points must be at least 2")
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    scores = base.scores
    business = scores["business_value"].to_numpy(dtype=float)
    customer = scores["customer_value"].to_numpy(dtype=float)
    sweep = sweep_options(options, len(scores))  # replaced objectives: no tie-break anyway
    customer_mode = scenario.with_overrides(objective="customer")
    point: Callable[[Scenario, pd.DataFrame, SolverOptions, float | None], Result]
    if overlap_model(customer_mode, scores) is None:
        point, space = _lex_point, (scenario, scores)
        top_customer = lexicographic(scenario, scores, sweep, customer, business)
        top_business = point(*space, sweep, None)
        c_low = float(customer @ top_business.selection)
        c_high = float(customer @ top_customer.selection)
    else:  # feedback addressed twice: search with customer value counted once
        # the same value table, its objective the customer value (customer mode's)
        once = scores.assign(objective_score=scores["customer_value"])
        point, space = _lex_point_once, (customer_mode, once)
        top_customer = _top_customer_once(*space, sweep)
        top_business = point(*space, sweep, None)
        c_low = credited_customer_value(scenario, scores, top_business.selected)
        c_high = credited_customer_value(scenario, scores, top_customer.selected)
    epsilons = list(np.linspace(c_low, c_high, max_points)[1:-1]) if c_high > c_low else []
    tasks = [(*space, sweep, float(e)) for e in epsilons]
    middle = run_tasks(point, tasks, workers=workers, executor=executor, progress=progress)
    found: dict[tuple[str, ...], Result] = {}
    for result in [top_business, *middle, top_customer]:
        if result.status in FEASIBLE:
            found.setdefault(tuple(result.selected), result)
    records = []
    for selected, result in found.items():
        x = result.selection
        records.append(
            {
                "business_value": float(business @ x),
                # under the no-double-counting rule (spec §6, evidence.coverage)
                "customer_value": credited_customer_value(scenario, scores, list(selected)),
                "cost": result.cost,
                "n_selected": len(selected),
                "selected": ";".join(selected),
                "recommended": False,
            }
        )
    frame = pd.DataFrame.from_records(records)
    frame = _non_dominated(frame)
    frame = frame.sort_values(["business_value", "customer_value"], ascending=False)
    frame = frame.reset_index(drop=True)
    frame["recommended"] = frame["selected"] == ";".join(base.selected)
    return ParetoFront(scenario, base, options, frame)


def _non_dominated(frame: pd.DataFrame) -> pd.DataFrame:
    b = frame["business_value"].to_numpy()
    c = frame["customer_value"].to_numpy()
    keep = []
    for k in range(len(frame)):
        dominated = np.any((b >= b[k]) & (c >= c[k]) & ((b > b[k]) | (c > c[k])))
        keep.append(not dominated)
    return frame[np.array(keep, dtype=bool)]


@dataclass(frozen=True, eq=False)
class WeightSweep(AnalysisResult):
    """The blended optimum at each business weight."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    table: pd.DataFrame
    membership: pd.DataFrame

    def _table(self) -> pd.DataFrame:
        """One row per weight: ``business_weight`` (0-1), ``objective``, ``business_value``,
        ``customer_value``, ``cost``, ``n_selected``, ``selected``."""
        return self.table

    def finding(self) -> Finding:
        """How many initiatives are chosen whatever the weight, how many depend on it."""
        chosen = self.membership[self.membership.any(axis=1)]
        always = int(chosen.all(axis=1).sum())
        return Finding(
            f"{always} initiatives are chosen whatever the weight; "
            f"{len(chosen) - always} depend on it",
            {"always": always, "depend": len(chosen) - always},
        )

    def _payload(self) -> dict[str, Any]:
        return {"steps": json_records(self.table)}

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Which initiatives are chosen at each weight (see plots.plot_weight_sweep)."""
        from ..plots import plot_weight_sweep

        return plot_weight_sweep(
            self.membership,
            current_weight=self.scenario.objective.business_weight,
            names={i.id: i.name for i in self.scenario.initiatives},
            title=self.finding().text if title is None else title,
            ax=ax,
        )


def _weight_point(scenario: Scenario, weight: float, options: SolverOptions) -> Result:
    variant = scenario.with_overrides(
        objective="blended", weights={"business": weight, "customer": 1.0 - weight}
    )
    return solve_portfolio(variant, options)


def weight_sweep(
    scenario: Scenario,
    *,
    steps: int = 21,
    options: SolverOptions | None = None,
    base: Result | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> WeightSweep:
    """Solve the blended objective for business weights 0, 1/(steps−1), ..., 1."""
    if steps < 2:
        raise ValueError("steps must be at least 2")
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    weights = np.linspace(0.0, 1.0, steps)
    tasks = [(scenario, float(w), options) for w in weights]
    results = run_tasks(_weight_point, tasks, workers=workers, executor=executor, progress=progress)
    rows = []
    member = {}
    for w, r in zip(weights, results, strict=True):
        ok = r.status in FEASIBLE
        rows.append(
            {
                "business_weight": float(w),
                "status": r.status,
                "objective": r.objective if ok else float("nan"),
                "business_value": r.business_value if ok else float("nan"),
                "customer_value": r.customer_value if ok else float("nan"),
                "cost": r.cost if ok else float("nan"),
                "n_selected": len(r.selected),
                "selected": ";".join(r.selected),
            }
        )
        member[round(float(w), 6)] = r.scores.index.isin(r.selected)
    membership = pd.DataFrame(member, index=scenario.ids)
    membership.index.name = "id"
    return WeightSweep(scenario, base, options, pd.DataFrame.from_records(rows), membership)
