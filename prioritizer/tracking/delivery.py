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
        from .charts import realization_finding

        return realization_finding(self.tracking)

    def plot(self, ax: Any = None, title: str | None = None) -> Any:
        """Forecast vs measured annual benefit (diagonal = as forecast)."""
        from .charts import plot_realization

        return plot_realization(self.tracking, ax=ax, title=title)

    def pillar_finding(self) -> Finding:
        from .charts import pillar_finding

        return pillar_finding(self.tracking)

    def plot_pillar(self, ax: Any = None, title: str | None = None) -> Any:
        """Measured ÷ forecast annual benefit by pillar."""
        from .charts import plot_realization_by_pillar

        return plot_realization_by_pillar(self.tracking, ax=ax, title=title)

    def burn_finding(self) -> Finding:
        from .charts import burn_finding

        return burn_finding(self.tracking)

    def plot_burn(self, ax: Any = None, title: str | None = None) -> Any:
        """Spend to date vs planned cost per initiative."""
        from .charts import plot_burn

        return plot_burn(self.tracking, ax=ax, title=title)

    def periods_finding(self) -> Finding:
        """Spend to the last reported period against the plan's (per-period actuals)."""
        from .charts import burn_over_time_finding

        return burn_over_time_finding(self.tracking)

    def plot_periods(self, ax: Any = None, title: str | None = None) -> Any:
        """Spend per period and cumulated against the plan's (per-period actuals)."""
        from .charts import plot_burn_over_time

        return plot_burn_over_time(self.tracking, ax=ax, title=title)


def delivery(
    scenario: Scenario,
    *,
    base: Result,
    options: SolverOptions,
    actuals: Any,
    plan: Any = None,
    as_of: _dt.date | None = None,
) -> Delivery:
    """Track ``plan`` (default: the base optimum) against ``actuals`` (a path or Actuals)."""
    tracked = track(plan if plan is not None else base, actuals, as_of=as_of)
    return Delivery(scenario, base, options, tracked)
