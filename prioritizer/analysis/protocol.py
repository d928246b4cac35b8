"""What every analysis result offers, whatever the analysis.

An analysis result carries the ``scenario`` it was run on, the ``base`` optimum it was run
around (a :class:`~prioritizer.result.Result`, computed once and passed in by the steering
pack) and the ``options`` it solved with (passed through whole), and offers:

- ``to_frame()``: its table, a copy the caller may change;
- ``to_dict()``: the JSON form, with a ``manifest`` (what produced it), the ``finding`` and
  the scenario's ``warnings``;
- ``finding()``: the headline as data — a sentence and the numbers it was built from — used
  as a chart's title, a slide's title and a summary line, never scraped back from a chart;
- ``summary()``: the lines a terminal shows above the table;
- ``plot(ax=None)``: its chart (drawn by :mod:`prioritizer.plots` from frames and scalars).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import pandas as pd

from ..result import Result, SolverOptions, json_value, manifest

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..models import Scenario


@dataclass(frozen=True)
class Finding:
    """A headline as data: the sentence and the numbers it states (units in the names).

    >>> Finding("€3.0M buys 95% of the value", {"budget": 3e6, "share_of_best": 0.95}).text
    '€3.0M buys 95% of the value'
    """

    text: str
    numbers: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text

    def to_dict(self) -> dict[str, Any]:
        """``{"text": ..., "numbers": {...}}`` with JSON-safe numbers."""
        return {"text": self.text, "numbers": {k: json_value(v) for k, v in self.numbers.items()}}


@runtime_checkable
class Analysis(Protocol):
    """The protocol every analysis result follows (see the module docstring)."""

    @property
    def scenario(self) -> Scenario: ...

    @property
    def base(self) -> Result: ...

    @property
    def options(self) -> SolverOptions: ...

    def to_frame(self) -> pd.DataFrame: ...

    def to_dict(self) -> dict[str, Any]: ...

    def finding(self) -> Finding: ...

    def plot(self, ax: Axes | None = None) -> Axes: ...


def scenario_warnings(scenario: Scenario) -> list[dict[str, str]]:
    """The warnings of the scenario's input (read when it was loaded, see
    ``Scenario.warnings``), for the ``warnings`` list of every JSON output."""
    return [w.to_dict() for w in scenario.warnings]


class AnalysisResult(ABC):
    """Shared behaviour of the analysis results (frozen dataclasses with ``scenario``,
    ``base`` and ``options`` fields). Subclasses define ``_table()``, ``_payload()``,
    ``finding()`` and ``plot()``."""

    scenario: Scenario
    base: Result
    options: SolverOptions

    @abstractmethod
    def _table(self) -> pd.DataFrame:
        """The result's table (``to_frame`` returns a copy of it)."""

    @abstractmethod
    def _payload(self) -> dict[str, Any]:
        """The analysis' own JSON fields (``to_dict`` adds manifest, finding, warnings)."""

    def _manifest_extra(self) -> dict[str, Any]:
        """Analysis settings recorded in the manifest (seed, draws, ...)."""
        return {}

    @abstractmethod
    def finding(self) -> Finding:
        """The slide title as data: the sentence and the numbers it was built from."""

    def to_frame(self) -> pd.DataFrame:
        """The result's table (a copy: changing it changes nothing here)."""
        return self._table().copy()

    def summary(self) -> list[str]:
        """Lines for the terminal above the table: the finding."""
        return [self.finding().text]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``scenario``, ``currency``, the analysis' own keys, ``finding``,
        ``warnings`` and ``manifest``."""
        return {
            "scenario": self.scenario.name,
            "currency": self.scenario.currency,
            **self._payload(),
            "finding": self.finding().to_dict(),
            "warnings": scenario_warnings(self.scenario),
            "manifest": manifest(self.scenario, self.options, **self._manifest_extra()),
        }


def normalizers_of(scores: pd.DataFrame) -> tuple[float, float]:
    """(S_b, S_c) of a value table (spec §2): the blended normalizers the base optimum was
    scored with, read from its own table instead of scoring the scenario again."""
    from ..value import scale_of

    return scale_of(
        scores["business_value"].to_numpy(dtype=float),
        scores["customer_value"].to_numpy(dtype=float),
    )


def base_result(scenario: Scenario, options: SolverOptions, base: Result | None) -> Result:
    """The base optimum an analysis runs around: ``base`` when given (computed once by the
    caller), else solved here with ``options`` (raises on infeasibility like ``optimize``)."""
    if base is not None:
        return base
    from ..optimize import optimize

    return optimize(scenario, options=options)  # the options whole: tie-break, cuts, ...
