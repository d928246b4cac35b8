"""Several scenarios side by side ("base", "−20%", "stretch")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions
from ._common import FEASIBLE
from .protocol import AnalysisResult, Finding

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False)
class Comparison(AnalysisResult):
    """Optimal portfolios of several scenarios; the first is the reference (``scenario`` and
    ``base`` are the first scenario and its result)."""

    names: list[str]
    results: list[Result]
    options: SolverOptions = field(default_factory=SolverOptions)

    @property
    def scenario(self) -> Scenario:  # type: ignore[override]
        """The first (reference) scenario."""
        return self.results[0].scenario

    @property
    def base(self) -> Result:  # type: ignore[override]
        """The first scenario's result: the reference of the differences."""
        return self.results[0]

    def _table(self) -> pd.DataFrame:
        """Totals per scenario (one column each) and, for every later scenario, its
        difference to the first (column ``Δ <name>``; numeric rows only, blank elsewhere).

        Rows: ``status``, ``objective``, ``business_value``, ``customer_value``, ``cost``,
        ``budget``, ``opex``, ``n_selected``, ``use[<team>]``, ``binding``.
        """
        columns = {}
        for name, r in zip(self.names, self.results, strict=True):
            ok = r.status in FEASIBLE
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
                ";".join(str(label) for label in limits.loc[limits["binding"], "label"])
                if limits is not None
                else ""
            )
            columns[name] = column
        frame = pd.DataFrame(columns)
        first = frame[self.names[0]]
        for name in self.names[1:]:
            frame[f"Δ {name}"] = [
                b - a if _is_number(a) and _is_number(b) else None
                for a, b in zip(first, frame[name], strict=True)
            ]
        return frame

    def initiatives(self) -> pd.DataFrame:
        """Which initiatives each scenario chooses (index ``id``: every initiative of any
        scenario, the first one's order then each later one's new ids; one bool column per
        scenario) with ``in_all``, ``business_value`` and ``cost`` (currency; from the first
        scenario that has the initiative)."""
        values = pd.concat([r.scores[["business_value", "cost"]] for r in self.results])
        values = values[~values.index.duplicated(keep="first")]
        frame = pd.DataFrame(
            {
                name: values.index.isin(r.selected)
                for name, r in zip(self.names, self.results, strict=True)
            },
            index=values.index,
        )
        frame["in_all"] = frame[self.names].all(axis=1)
        frame["in_some"] = frame[self.names].any(axis=1) & ~frame["in_all"]
        frame["business_value"] = values["business_value"]
        frame["cost"] = values["cost"]
        return frame

    def differences(self) -> pd.DataFrame:
        """Only the initiatives chosen in some but not all scenarios."""
        frame = self.initiatives()
        return frame[frame["in_some"]]

    def finding(self) -> Finding:
        """How many initiatives differ between the scenarios."""
        differ = len(self.differences())
        return Finding(
            f"{differ} initiatives differ between the scenarios",
            {"differ": differ, "in_all": int(self.initiatives()["in_all"].sum())},
        )

    def summary(self) -> list[str]:
        """Terminal lines: the totals side by side, then how many initiatives differ."""
        numbers = self.finding().numbers
        return [
            _readable(self._table(), self.scenario.currency).to_string(),
            "",
            f"In all scenarios: {numbers['in_all']} initiatives; in some only: {numbers['differ']}",
        ]

    def _payload(self) -> dict[str, Any]:
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

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Business value and cost side by side (see plots.plot_compare)."""
        from ..plots import plot_compare

        return plot_compare(
            self._table().loc[["business_value", "cost"], self.names],
            currency=self.scenario.currency,
            title=self.finding().text if title is None else title,
            ax=ax,
        )


_LABELS = {
    "status": "status",
    "objective": "objective",
    "business_value": "NPV ({cur})",
    "customer_value": "customer value (points/yr)",
    "cost": "one-off cost ({cur})",
    "budget": "budget ({cur})",
    "opex": "running cost ({cur}/yr)",
    "n_selected": "initiatives chosen",
    "binding": "binding limits",
}


def _readable(table: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The totals table for a terminal: rows in business words, amounts with thousands
    separators, the objective to 4 significant digits, blanks for what has no value."""
    from .. import formatting as fmt

    def cell(row: str, value: Any) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if not _is_number(value):
            return str(value).replace(";", ", ")
        if row == "objective":
            return f"{float(value):.4g}"
        return f"{float(value):,.0f}"

    out = pd.DataFrame(
        {column: [cell(str(r), v) for r, v in table[column].items()] for column in table.columns},
        index=[
            fmt.team(str(r)[4:-1]) + " (person-days)"
            if str(r).startswith("use[")
            else _LABELS.get(str(r), str(r)).format(cur=currency)
            for r in table.index
        ],
    )
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)


def currency_problem(named: Sequence[tuple[str, Scenario]]) -> str | None:
    """Why scenarios (each with the name a message gives it) cannot be compared for their
    currencies, or None when they share one: the differences would subtract one currency
    from another."""
    if len({scenario.currency for _, scenario in named}) < 2:
        return None
    each = ", ".join(f"{name}: {scenario.currency}" for name, scenario in named)
    return (
        f"compare needs one currency; {each} (key currency). Its differences would subtract "
        "one currency from another: convert the amounts of one scenario first"
    )


def compare(
    scenarios: Sequence[Scenario],
    names: Sequence[str] | None = None,
    *,
    options: SolverOptions | None = None,
) -> Comparison:
    """Solve each scenario and line them up.

    Usually variants of one portfolio (e.g. from ``with_overrides``); scenarios with other
    initiatives are lined up over the union of their ids. Scenarios with ``periods`` are
    refused (ValueError): the one-lump optimum would ignore them (``roadmap --budgets``
    compares roadmaps); so are scenarios in different currencies (ValueError).
    """
    if not scenarios:
        raise ValueError("no scenarios to compare")
    with_periods = [s.name for s in scenarios if s.periods]
    if with_periods:
        raise ValueError(
            f"compare does not work on a roadmap yet: {with_periods} have `periods`, which it "
            "would ignore; use `prioritizer roadmap --budgets`, or compare copies without "
            "`periods` for the one-lump view"
        )
    problem = currency_problem([(repr(s.name), s) for s in scenarios])
    if problem:
        raise ValueError(problem)
    options = options or SolverOptions()
    labels = list(names) if names is not None else [s.name for s in scenarios]
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({k + 1})" for k, label in enumerate(labels)]
    results = [solve_portfolio(s, options) for s in scenarios]
    return Comparison(labels, results, options)
