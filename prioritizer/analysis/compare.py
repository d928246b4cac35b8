"""Several scenarios side by side ("base", "−20%", "stretch")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions


@dataclass(frozen=True, eq=False)
class Comparison:
    """Optimal portfolios of several scenarios."""

    names: list[str]
    results: list[Result]

    def to_frame(self) -> pd.DataFrame:
        """Totals per scenario (one column each) plus the difference to the first.

        Rows: ``status``, ``objective``, ``business_value``, ``customer_value``, ``cost``,
        ``budget``, ``opex``, ``n_selected``, ``use[<team>]``, ``binding``.
        """
        columns = {}
        for name, r in zip(self.names, self.results, strict=True):
            ok = r.status in ("optimal", "feasible")
            limits = r.limits() if ok else None
            column: dict[str, Any] = {
                "status": r.status,
                "objective": r.objective,
                "business_value": r.business_value,
                "customer_value": r.customer_value,
                "cost": r.cost,
                "budget": r.scenario.budget,
                "opex": r.opex,
                "n_selected": len(r.selected),
            }
            for team, used in r.team_use.items():
                column[f"use[{team}]"] = used
            column["binding"] = (
                ";".join(str(i) for i in limits.index[limits["binding"]])
                if limits is not None
                else ""
            )
            columns[name] = column
        return pd.DataFrame(columns)

    def initiatives(self) -> pd.DataFrame:
        """Which initiatives each scenario chooses (index ``id``; one bool column per
        scenario) with ``in_all``, ``business_value`` and ``cost`` (first scenario's values)."""
        first = self.results[0].scores
        frame = pd.DataFrame(
            {
                name: first.index.isin(r.selected)
                for name, r in zip(self.names, self.results, strict=True)
            },
            index=first.index,
        )
        frame["in_all"] = frame[self.names].all(axis=1)
        frame["in_some"] = frame[self.names].any(axis=1) & ~frame["in_all"]
        frame["business_value"] = first["business_value"]
        frame["cost"] = first["cost"]
        return frame

    def differences(self) -> pd.DataFrame:
        """Only the initiatives chosen in some but not all scenarios."""
        frame = self.initiatives()
        return frame[frame["in_some"]]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        table = self.initiatives()
        out = []
        for name, r in zip(self.names, self.results, strict=True):
            payload = r.to_dict()
            payload["name"] = name
            out.append(payload)
        return {
            "scenarios": out,
            "in_all": list(table.index[table["in_all"]]),
            "in_some": {
                i: [n for n in self.names if table.loc[i, n]] for i in table.index[table["in_some"]]
            },
        }

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Totals side by side (see plots.plot_compare)."""
        from ..plots import plot_compare

        return plot_compare(self, ax=ax, **kwargs)


def compare(
    scenarios: Sequence[Scenario],
    names: Sequence[str] | None = None,
    *,
    options: SolverOptions | None = None,
) -> Comparison:
    """Solve each scenario and line them up.

    Scenarios should share initiative ids (variants of one portfolio, e.g. from
    ``with_overrides``); the initiative table follows the first one's order.
    """
    if not scenarios:
        raise ValueError("no scenarios to compare")
    options = options or SolverOptions()
    labels = list(names) if names is not None else [s.name for s in scenarios]
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({k + 1})" for k, label in enumerate(labels)]
    results = [solve_portfolio(s, options) for s in scenarios]
    return Comparison(labels, results)
