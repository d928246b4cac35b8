"""The recommended portfolio itself, seen four ways: the map of every initiative, the value
bridge by driver, the use of every limit, and the pillars it covers — each a table, a finding
and a chart, like every other analysis."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..models import PILLARS, Scenario
from ..result import Result, SolverOptions, json_records
from .protocol import AnalysisResult, Finding, base_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False)
class PortfolioView(AnalysisResult):
    """The base optimum as the steering pack shows it."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    best_reachable_npv: float = math.nan
    """The most NPV any portfolio can reach within the same budget, team capacities and rules
    (mutually exclusive alternatives, dependencies, mandatory items, counts): what the
    portfolio's NPV is compared with (currency; see :func:`best_reachable_npv`)."""

    def _table(self) -> pd.DataFrame:
        """Every initiative with every value-model term and a ``selected`` flag (by id)."""
        return self.base.portfolio

    def bridge(self) -> pd.DataFrame:
        """The portfolio's NPV by driver (index ``driver``, column ``value``, currency):
        churn retention, cross-/up-sell, cost savings (each discounted over the horizon),
        minus running cost, minus one-off cost. The values add up to the NPV."""
        chosen = self.base.portfolio[self.base.portfolio["selected"]]
        if "pv_benefit" in chosen.columns:  # a roadmap's plan: present values at the starts
            return _bridge_at_starts(chosen)
        annuity = float(chosen["annuity_factor"].iloc[0]) if len(chosen) else 0.0
        steps = {
            "Customers kept": annuity * chosen["churn_value_per_year"].sum(),
            "Cross- and up-sell": annuity * chosen["cross_sell_per_year"].sum(),
            "Cost savings": annuity * chosen["cost_savings_per_year"].sum(),
            "Running cost": -annuity * chosen["opex_per_year"].sum(),
            "One-off cost": -chosen["cost"].sum(),
        }
        frame = pd.DataFrame({"value": pd.Series(steps, dtype=float)})
        frame.index.name = "driver"
        return frame

    def pillars(self) -> pd.DataFrame:
        """Per CX pillar (index ``pillar``): ``customer_value_share`` and ``spend_share`` of
        the portfolio (0-1)."""
        chosen = self.base.portfolio[self.base.portfolio["selected"]]
        total_value = max(chosen["customer_value"].sum(), 1e-12)
        total_cost = max(chosen["cost"].sum(), 1e-12)
        frame = pd.DataFrame(
            {
                "customer_value_share": [
                    chosen.loc[chosen["pillar"] == p, "customer_value"].sum() / total_value
                    for p in PILLARS
                ],
                "spend_share": [
                    chosen.loc[chosen["pillar"] == p, "cost"].sum() / total_cost for p in PILLARS
                ],
            },
            index=pd.Index(list(PILLARS), name="pillar"),
        )
        return frame

    # -- findings ------------------------------------------------------------------------
    def finding(self) -> Finding:
        """How many initiatives are chosen and for how much, their NPV as a share of the best
        NPV reachable within the same limits and rules (so mutually exclusive alternatives
        are never counted twice; below 100% when customer value is weighed too), and the
        customers kept a year."""
        frame = self.base.portfolio
        chosen = frame[frame["selected"]]
        best = self.best_reachable_npv
        share = self.base.business_value / best if best > 0 else math.nan
        kept = float(chosen["retained_customers_per_year"].sum())
        cur = self.scenario.currency
        text = (
            f"{len(self.base.selected)} of {len(frame)} initiatives for "
            f"{fmt.money(self.base.cost, cur)}"
        )
        if math.isfinite(share):
            text += f": {fmt.share(share)} of the most NPV these limits allow"
        if kept >= 1:
            text += f"; {fmt.number(kept)} customers kept a year"
        return Finding(
            text,
            {
                "chosen": len(self.base.selected),
                "initiatives": len(frame),
                "cost": self.base.cost,
                "business_value": self.base.business_value,
                "best_reachable_npv": best,
                "share_of_best_reachable_npv": share,
                "customers_kept_per_year": kept,
            },
        )

    def bridge_finding(self) -> Finding:
        """The NPV and the driver that brings most of it."""
        bridge = self.bridge()["value"]
        npv = float(bridge.sum())
        driver = str(bridge.iloc[:3].idxmax())
        cur = self.scenario.currency
        return Finding(
            f"The portfolio is worth {fmt.money(npv, cur)} (NPV); "
            f"{driver.lower()} bring most of it ({fmt.money(float(bridge[driver]), cur)})",
            {"npv": npv, "driver": driver, "driver_value": float(bridge[driver])},
        )

    def capacity_finding(self) -> Finding:
        """Which limits bind (:func:`prioritizer.rules.is_binding`: used up, the next
        value-adding initiative does not fit). When none binds on its own, whether the limits
        together keep out initiatives worth adding (:meth:`Result.worth_adding`) or the
        rules do (nothing worth adding is left that they allow)."""
        limits = self.base.limits()
        binding = [str(label) for label in limits.loc[limits["binding"], "label"]]
        if binding:
            names = (
                binding[0] if len(binding) == 1 else ", ".join(binding[:-1]) + " and " + binding[-1]
            )
            verb = "is" if len(binding) == 1 else "are"
            return Finding(
                f"{fmt.sentence(names)} {verb} used up: "
                "the next initiative worth doing does not fit",
                {"binding": ";".join(binding)},
            )
        waiting = int(self.base.worth_adding().sum())
        if waiting == 0:  # nothing worth doing that the rules allow is left out
            return Finding(
                "No limit is used up: the rules, not the resources, shape the portfolio",
                {"binding": "", "worth_adding": 0},
            )
        if self.scenario.periods:
            text = (
                "No plan-wide limit is used up: the per-period budgets and capacities keep "
                f"the other {waiting} initiatives worth doing out of the roadmap"
            )
        else:
            text = (
                "No single limit is used up, but together they are: each of the "
                f"{waiting} initiatives worth adding misses room in at least one"
            )
        return Finding(text, {"binding": "", "worth_adding": waiting})

    def pillars_finding(self) -> Finding:
        """The pillar with the largest share of the customer value ("most" only above half,
        ties named together, the share stated), and the pillars left empty."""
        frame = self.pillars()
        shares = frame["customer_value_share"]
        best = float(shares.max())
        leaders = [str(p) for p, v in shares.items() if abs(float(v) - best) <= 0.005]
        top = leaders[0]
        empty = [
            str(p)
            for p, row in frame.iterrows()
            if row["customer_value_share"] == 0 and row["spend_share"] == 0
        ]
        if len(leaders) > 1:
            names = " and ".join(p.capitalize() for p in leaders)
            text = f"{names} carry the most customer value ({fmt.share(best)} each)"
        elif best > 0.5:
            text = f"{top.capitalize()} carries most of the customer value ({fmt.share(best)})"
        else:
            text = f"{top.capitalize()} carries the most customer value ({fmt.share(best)})"
        if empty:
            text += f"; nothing for {', '.join(empty)}"
        return Finding(text, {"top": top, "top_share": best, "empty": ";".join(empty)})

    def _payload(self) -> dict[str, Any]:
        return {
            "bridge": json_records(self.bridge().reset_index()),
            "pillars": json_records(self.pillars().reset_index()),
            "limits": json_records(self.base.limits().reset_index()),
        }

    # -- charts --------------------------------------------------------------------------
    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """The portfolio map (see plots.plot_portfolio_map)."""
        from ..plots import plot_portfolio_map

        table = self._table()
        not_placed = ""
        if "pv_benefit" in table.columns:  # a roadmap's plan: no NPV where no start fits
            from ..roadmap.delay import never_plannable

            never = sorted(never_plannable(self.scenario) & set(table.index[~table["selected"]]))
            table = table.drop(index=never)
            if never:  # by name, as every chart says an initiative
                names = [str(n) for n in self._table().loc[never, "name"]]
                not_placed = f"not placed, no start fits: {fmt.clip(', '.join(names), 40)}"
        return plot_portfolio_map(
            table,
            currency=self.scenario.currency,
            title=self.finding().text if title is None else title,
            not_placed=not_placed,
            ax=ax,
        )

    def plot_bridge(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """The value bridge (see plots.plot_value_bridge)."""
        from ..plots import plot_value_bridge

        return plot_value_bridge(
            self.bridge()["value"],
            currency=self.scenario.currency,
            horizon_years=self.scenario.horizon_years,
            title=self.bridge_finding().text if title is None else title,
            ax=ax,
        )

    def plot_capacity(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Use of every limit (see plots.plot_capacity)."""
        from ..plots import plot_capacity

        return plot_capacity(
            self.base.limits(),
            currency=self.scenario.currency,
            title=self.capacity_finding().text if title is None else title,
            ax=ax,
        )

    def plot_pillars(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Customer value and spend per pillar (see plots.plot_pillars)."""
        from ..plots import plot_pillars

        return plot_pillars(
            self.pillars(),
            title=self.pillars_finding().text if title is None else title,
            ax=ax,
        )


def _bridge_at_starts(chosen: pd.DataFrame) -> pd.DataFrame:
    """The bridge of a roadmap's plan (:meth:`~prioritizer.roadmap.Roadmap.as_result`): each
    initiative's present value of benefits at its start split over its drivers in proportion
    to their yearly amounts, minus the present values of its running and one-off costs."""
    drivers = {
        "Customers kept": "churn_value_per_year",
        "Cross- and up-sell": "cross_sell_per_year",
        "Cost savings": "cost_savings_per_year",
    }
    gross = sum(chosen[column].to_numpy(dtype=float) for column in drivers.values())
    gross = np.asarray(gross, dtype=float) * np.ones(len(chosen))
    share = {
        step: np.divide(
            chosen[column].to_numpy(dtype=float),
            gross,
            out=np.zeros(len(chosen)),
            where=gross != 0,
        )
        for step, column in drivers.items()
    }
    benefit = chosen["pv_benefit"].to_numpy(dtype=float)
    steps = {step: float(np.dot(benefit, part)) for step, part in share.items()}
    steps["Running cost"] = -float(chosen["pv_opex"].sum())
    steps["One-off cost"] = -float(chosen["pv_cost"].sum())
    frame = pd.DataFrame({"value": pd.Series(steps, dtype=float)})
    frame.index.name = "driver"
    return frame


def portfolio_view(
    scenario: Scenario,
    *,
    options: SolverOptions | None = None,
    base: Result | None = None,
) -> PortfolioView:
    """The base optimum (solved here when ``base`` is not given) as a :class:`PortfolioView`."""
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    # a roadmap's NPV (values at the planned starts) is not comparable with a one-lump optimum
    best = math.nan if scenario.periods else best_reachable_npv(scenario, options)
    return PortfolioView(scenario, base, options, best)


def best_reachable_npv(scenario: Scenario, options: SolverOptions | None = None) -> float:
    """The most NPV (currency) any portfolio reaches within the scenario's own limits (budget,
    running-cost budget, team capacities) and rules (mutually exclusive alternatives,
    dependencies, mandatory and excluded items, counts): the scenario solved for NPV alone.
    NaN when infeasible."""
    from ..optimize import solve_portfolio

    npv_only = scenario.with_overrides(objective="business")
    result = solve_portfolio(npv_only, options or SolverOptions())
    return result.business_value if result.status in ("optimal", "feasible") else math.nan
