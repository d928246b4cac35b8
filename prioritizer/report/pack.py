"""The steering pack's content: the base optimum, solved once, and every analysis of the
registry run around it; and the charts drawn from them."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..analysis.protocol import AnalysisResult, Finding, base_result
from ..analysis.ranking import RankingComparison
from ..analysis.registry import PACK, REGISTRY, SKIPPABLE
from ..models import Scenario
from ..result import Result, SolverOptions

ANALYSES = SKIPPABLE
"""Analyses the pack runs that can be skipped (``--skip``)."""


@dataclass(eq=False)
class SteeringPack:
    """Everything a steering committee sees about one scenario: the base optimum and the
    results of the registry's analyses (by name, in deck order)."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    results: dict[str, AnalysisResult]
    seconds: dict[str, float] = field(default_factory=dict)
    draws: int = 0
    seed: int = 0

    @property
    def result(self) -> Result:
        """The base optimum (alias of ``base``)."""
        return self.base

    @property
    def ranking(self) -> RankingComparison:
        """The optimum beside the spreadsheet ranking (always in the pack)."""
        ranking = self.results["ranking"]
        assert isinstance(ranking, RankingComparison)
        return ranking

    def get(self, name: str) -> Any:
        """The result of analysis ``name``, or None when it was skipped."""
        return self.results.get(name)


def build_pack(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    workers: int | None = None,
    skip: Iterable[str] = (),
    options: SolverOptions | None = None,
    base: Result | None = None,
    progress: Callable[[str], None] | None = None,
) -> SteeringPack:
    """Solve the scenario once and run every analysis of the pack not in ``skip`` (names in
    :data:`ANALYSES`) around that optimum, with ``options`` passed through whole.

    ``workers`` defaults to all cores. ``progress(name)`` is called as each step starts; wall
    times per step (seconds) are kept in ``pack.seconds``.
    """
    options = options or SolverOptions()
    skipped = set(skip)
    unknown = skipped - set(ANALYSES)
    if unknown:
        raise ValueError(f"unknown analyses to skip: {sorted(unknown)}; expected {ANALYSES}")
    seconds: dict[str, float] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        if progress:
            progress(name)
        started = time.perf_counter()
        value = run()
        seconds[name] = time.perf_counter() - started
        return value

    base = step("solve", lambda: base_result(scenario, options, base))
    settings = {"draws": draws, "seed": seed}
    results: dict[str, AnalysisResult] = {}
    from ..analysis.registry import ROADMAP_PACK

    for name in ROADMAP_PACK if scenario.periods else PACK:
        if name in skipped:
            continue
        spec = REGISTRY[name]
        params: dict[str, Any] = {key: settings[key] for key in spec.pack_settings}
        run = functools.partial(spec, scenario, base=base, options=options, workers=workers)
        results[name] = step(name, functools.partial(run, **params))
    return SteeringPack(scenario, base, options, results, seconds, draws, seed)


@dataclass(frozen=True)
class Chart:
    """One drawn chart: file slug, its finding and the matplotlib Figure (titled with it)."""

    slug: str
    finding: Finding
    figure: Any


def _chart_tasks(pack: SteeringPack) -> list[tuple[str, int, AnalysisResult]]:
    """(analysis, chart position, result) of every chart of the pack, in deck order."""
    return [
        (name, index, result)
        for name, result in pack.results.items()
        for index in range(len(REGISTRY[name].charts))
    ]


def _draw(name: str, index: int, result: AnalysisResult) -> Chart:
    chart = REGISTRY[name].charts[index]
    finding = chart.finding(result)
    return Chart(chart.slug, finding, chart.draw(result, None, finding.text).figure)


def draw_charts(pack: SteeringPack) -> list[Chart]:
    """Draw every chart the pack has data for, in deck order, each titled with its finding."""
    return [_draw(*task) for task in _chart_tasks(pack)]


@dataclass(frozen=True)
class RenderedChart:
    """One chart as files: slug, finding, PNG (200 dpi) and SVG titled with the finding, and
    a PNG (150 dpi) without a title for a slide whose title carries the finding."""

    slug: str
    finding: Finding
    png: bytes
    svg: bytes
    slide_png: bytes


def _render(name: str, index: int, result: AnalysisResult) -> RenderedChart:
    from .. import plots

    chart = _draw(name, index, result)
    figure = chart.figure
    png = plots.figure_bytes(figure, "png", 200)
    svg = plots.figure_bytes(figure, "svg", 100)
    figure.axes[0].set_title("", loc="left")
    slide_png = plots.figure_bytes(figure, "png", 150)
    plots.close(figure)
    return RenderedChart(chart.slug, chart.finding, png, svg, slide_png)


def render_charts(pack: SteeringPack, *, workers: int | None = None) -> list[RenderedChart]:
    """Every chart of the pack drawn and saved, in deck order, on ``workers`` processes
    (default: all cores): rendering is most of the time the pack spends writing."""
    from ..analysis._parallel import run_tasks

    return run_tasks(_render, _chart_tasks(pack), workers=workers)
