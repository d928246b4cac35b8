"""The roadmap's value over the total budget: one roadmap per budget (per-period limits kept)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ..models import Scenario
from ..result import SolverOptions
from .formulations import DEFAULT_FORMULATION
from .solve import solve_roadmap


def roadmap_frontier(
    scenario: Scenario,
    budgets: Iterable[float],
    *,
    options: SolverOptions | None = None,
    pins: Mapping[str, str] | None = None,
    formulation: str = DEFAULT_FORMULATION,
) -> pd.DataFrame:
    """Solve the roadmap at each total ``budget`` (currency, ascending), keeping every other
    rule, per-period budgets included.

    Returns one row per budget: ``budget``, ``status``, ``objective``, ``business_value``,
    ``customer_value``, ``cost``, ``gap``, ``count`` and ``selected`` (ids, input order).
    Infeasible budgets are rows with status ``infeasible``.
    """
    options = options or SolverOptions(tie_break=False)
    rows = []
    for budget in sorted(float(b) for b in budgets):
        result = solve_roadmap(
            scenario.with_overrides(budget=budget), options, pins=pins, formulation=formulation
        )
        solved = result.status in ("optimal", "feasible")
        rows.append(
            {
                "budget": budget,
                "status": result.status,
                "objective": result.objective if solved else float("nan"),
                "business_value": result.business_value if solved else float("nan"),
                "customer_value": result.customer_value if solved else float("nan"),
                "cost": result.cost if solved else float("nan"),
                "gap": result.gap,
                "count": len(result.selected) if solved else 0,
                "selected": ";".join(result.selected) if solved else "",
            }
        )
    return pd.DataFrame(rows)
