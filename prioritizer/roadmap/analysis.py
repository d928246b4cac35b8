"""The roadmap as an analysis of the registry (``prioritizer.analysis.registry``): what the
steering pack shows of a scenario with ``periods`` — four charts, the Roadmap sheets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..analysis.protocol import AnalysisResult, Finding
from ..models import Scenario
from ..result import Result, SolverOptions
from . import findings
from .pack import roadmap_table
from .result import Roadmap

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False)
class RoadmapAnalysis(AnalysisResult):
    """A solved roadmap with the analysis protocol (to_frame, to_dict, finding, plot)."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    roadmap: Roadmap

    def _table(self) -> pd.DataFrame:
        return roadmap_table(self.roadmap)

    def _payload(self) -> dict[str, Any]:
        payload = self.roadmap.to_dict()
        payload.pop("scenario", None)
        payload.pop("currency", None)
        payload.pop("manifest", None)  # the protocol's to_dict adds the manifest
        return payload

    def _plot(self, draw: Callable[..., Any], ax: Axes | None, title: str | None) -> Axes:
        axes: Axes = draw(self.roadmap, ax=ax, title=title)
        return axes

    def finding(self) -> Finding:
        """How many planned initiatives are live halfway through, and the plan's NPV."""
        return findings.gantt_finding(self.roadmap)

    def plot(self, ax: Axes | None = None, title: str | None = None) -> Axes:
        from .charts import gantt

        return self._plot(gantt, ax, title)

    def spend_finding(self) -> Finding:
        """Where spend fills the budget per period, and the share of the money used."""
        return findings.spend_finding(self.roadmap)

    def plot_spend(self, ax: Axes | None = None, title: str | None = None) -> Axes:
        from .charts import spend

        return self._plot(spend, ax, title)

    def capacity_finding(self) -> Finding:
        """The bottleneck team and the periods it is full in."""
        return findings.capacity_finding(self.roadmap)

    def plot_capacity(self, ax: Axes | None = None, title: str | None = None) -> Axes:
        from .charts import capacity

        return self._plot(capacity, ax, title)

    def value_finding(self) -> Finding:
        """When the plan pays back and what it is worth at the end of the evaluation."""
        return findings.value_finding(self.roadmap)

    def plot_value(self, ax: Axes | None = None, title: str | None = None) -> Axes:
        from .charts import cumulative_value

        return self._plot(cumulative_value, ax, title)


def roadmap_analysis(
    scenario: Scenario, *, base: Result, options: SolverOptions, **_ignored: Any
) -> RoadmapAnalysis:
    """Plan the roadmap of a scenario with ``periods`` (options passed through)."""
    from .plan import base_roadmap

    roadmap = base_roadmap(scenario, options)
    return RoadmapAnalysis(scenario, base, options, roadmap)
