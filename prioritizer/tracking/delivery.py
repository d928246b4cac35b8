""" "Did we deliver?" as an analysis of the steering pack: the plan (the base optimum, or a
given plan) tracked against actuals, following the analysis protocol."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis.protocol import AnalysisResult, Finding
from ..models import Scenario
from ..result import Result, SolverOptions
from .track import Tracking, track


@dataclass(frozen=True, eq=False)
class Delivery(AnalysisResult):
    """Plan vs actual around a scenario's base optimum (``tracking`` holds every table)."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    tracking: Tracking

    def _table(self) -> pd.DataFrame:
        return self.tracking.initiatives

    def _payload(self) -> dict[str, Any]:
        payload = self.tracking.to_dict()
        payload.pop("finding", None)
        payload.pop("warnings", None)
        return {"delivery": payload}

    def finding(self) -> Finding:
        """How the measured initiatives compare with their forecast (the chart's title)."""
        return self.tracking.chart_finding("realization")

    def plot(self, ax: Any = None, title: str | None = None) -> Any:
        """Forecast vs measured annual benefit (diagonal = as forecast)."""
        return self.tracking.plot(ax, kind="realization", title=title)

    def pillar_finding(self) -> Finding:
        """The pillar furthest below its forecast benefit."""
        return self.tracking.chart_finding("pillar")

    def plot_pillar(self, ax: Any = None, title: str | None = None) -> Any:
        """Measured ÷ forecast annual benefit by pillar."""
        return self.tracking.plot(ax, kind="pillar", title=title)

    def burn_finding(self) -> Finding:
        """Spend against the plan and how many initiatives run over."""
        return self.tracking.chart_finding("burn")

    def plot_burn(self, ax: Any = None, title: str | None = None) -> Any:
        """Spend to date vs planned cost per initiative."""
        return self.tracking.plot(ax, kind="burn", title=title)

    def periods_finding(self) -> Finding:
        """Spend to the last reported period against the plan's (per-period actuals)."""
        return self.tracking.chart_finding("periods")

    def plot_periods(self, ax: Any = None, title: str | None = None) -> Any:
        """Spend per period and cumulated against the plan's (per-period actuals)."""
        return self.tracking.plot(ax, kind="periods", title=title)


def delivery(
    scenario: Scenario,
    *,
    base: Result,
    options: SolverOptions,
    actuals: Any,
    plan: Any = None,
    as_of: _dt.date | None = None,
) -> Delivery:
    """Track ``plan`` (default: the base optimum; for a scenario with ``periods``, its best
    roadmap, valued at the planned starts) against ``actuals`` (a path or Actuals)."""
    if plan is None and scenario.periods:
        from ..roadmap.plan import base_roadmap

        plan = base_roadmap(scenario, options)  # the pack's plan (cached): same starts
    tracked = track(plan if plan is not None else base, actuals, as_of=as_of)
    return Delivery(scenario, base, options, tracked)
