"""The steering pack's content: the base optimum, solved once, and every analysis of the
registry run around it; and the charts drawn from them."""

from __future__ import annotations

import contextlib
import functools
import pickle
import time
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..analysis.protocol import AnalysisResult, Finding, base_result
from ..analysis.ranking import RankingComparison
from ..analysis.registry import PACK, PACK_DRAWS, REGISTRY, SKIPPABLE
from ..models import Scenario
from ..result import Result, SolverOptions

T = TypeVar("T")

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
    evidence: Any = None
    """The scenario's evidence analysed around the base optimum (an
    :class:`~prioritizer.evidence.analyse.EvidenceReport`), or None without ``evidence:``."""
    template: Path | None = None
    """A company's .pptx the deck is built on (None: the built-in 16:9 template)."""
    rendering: Rendering | None = field(default=None, repr=False)
    """Its charts being rendered on the pack's worker pool (``build_pack(render=True)``)."""

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
    draws: int = PACK_DRAWS,
    seed: int = 0,
    workers: int | None = None,
    skip: Iterable[str] = (),
    include: Iterable[str] = (),
    options: SolverOptions | None = None,
    base: Result | None = None,
    progress: Callable[[str], None] | None = None,
    actuals: Any = None,
    plan: Any = None,
    as_of: Any = None,
    template: str | Path | None = None,
    executor: Executor | None = None,
    render: bool = False,
) -> SteeringPack:
    """Solve the scenario once and run every analysis of the pack not in ``skip`` (names in
    :data:`ANALYSES`) around that optimum, with ``options`` passed through whole.

    ``workers`` defaults to all cores. ``progress(name)`` is called as each step starts; wall
    times per step (seconds) are kept in ``pack.seconds``. With ``actuals`` (a path or
    :class:`~prioritizer.tracking.Actuals`) the pack adds "Did we deliver?": ``plan`` (a
    ``solution.json`` or :class:`~prioritizer.tracking.Plan`; default: this optimum) tracked
    against them as of ``as_of``. A roadmap (``periods``) runs Monte Carlo and explain only
    when named in ``include`` (each re-plans the whole roadmap per draw or per initiative:
    see :data:`~prioritizer.analysis.registry.ROADMAP_ON_REQUEST`); other scenarios run them
    anyway. A scenario with ``evidence:`` adds "What customers tell
    us". ``template``: a company's .pptx for the deck, checked here (before any solve) so a
    bad file fails fast with :class:`~prioritizer.exceptions.ScenarioError`.

    ``executor``: one worker pool for every analysis (any ``concurrent.futures.Executor``;
    default: each analysis starts its own on ``workers``). ``render``: with an ``executor``,
    each analysis's charts are submitted to it as soon as its result exists, so they render
    while the next analyses run (the pack's ``rendering``; :func:`write_pack` waits for them).
    """
    if template is not None:
        from .slides import open_template

        open_template(template)
        template = Path(template)
    options = options or SolverOptions()
    skipped = set(skip)
    unknown = skipped - set(ANALYSES)
    if unknown:
        raise ValueError(f"unknown analyses to skip: {sorted(unknown)}; expected {ANALYSES}")
    from ..analysis.registry import ROADMAP_ON_REQUEST, ROADMAP_PACK

    wanted = set(include)
    if wanted - set(ROADMAP_ON_REQUEST):
        raise ValueError(
            f"unknown analyses to include: {sorted(wanted - set(ROADMAP_ON_REQUEST))}; "
            f"expected some of {ROADMAP_ON_REQUEST}"
        )
    on_request = tuple(name for name in ROADMAP_ON_REQUEST if name in wanted)
    seconds: dict[str, float] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        if progress:
            progress(name)
        started = time.perf_counter()
        value = run()
        seconds[name] = time.perf_counter() - started
        return value

    base = step("solve", lambda: _base(scenario, options, base))
    settings = {"draws": draws, "seed": seed}
    results: dict[str, AnalysisResult] = {}
    rendering = Rendering(None, workers, executor) if render and executor is not None else None
    names = [
        name
        for name in ((*ROADMAP_PACK, *on_request) if scenario.periods else PACK)
        if name not in skipped
    ]
    for name in _run_order(names):
        spec = REGISTRY[name]
        params: dict[str, Any] = {key: settings[key] for key in spec.pack_settings}
        for used, arguments in spec.uses:
            if used in results:
                params.update(arguments(results[used]))
        run = functools.partial(
            spec, scenario, base=base, options=options, workers=workers, executor=executor
        )
        try:
            results[name] = step(name, functools.partial(run, **params))
        except BaseException:
            if rendering is not None:
                rendering.cancel()  # charts of the analyses before: not needed any more
            raise
        if rendering is not None:
            rendering.add(name, results[name])
    results = {name: results[name] for name in names}  # deck order
    if actuals is not None:  # "Did we deliver?": the plan (default: this optimum) vs actuals
        spec = REGISTRY["delivery"]
        results["delivery"] = step(
            "delivery",
            functools.partial(
                spec, scenario, base=base, options=options, actuals=actuals, plan=plan, as_of=as_of
            ),
        )
    evidence = None
    if scenario.evidence is not None:
        from ..evidence.analyse import analyse_evidence

        evidence = step("evidence", lambda: analyse_evidence(scenario, result=base))
    return SteeringPack(
        scenario, base, options, results, seconds, draws, seed, evidence, template, rendering
    )


def _base(scenario: Scenario, options: SolverOptions, base: Result | None) -> Result:
    """What the pack recommends: ``base`` when given; for a scenario with ``periods`` the
    best roadmap as a portfolio (:meth:`~prioritizer.roadmap.Roadmap.as_result`: its
    initiatives and its values at the planned starts), so the headline, the asks and the
    roadmap pages describe one plan; else the one-lump optimum."""
    if base is not None or not scenario.periods:
        return base_result(scenario, options, base)
    from ..roadmap.plan import base_roadmap

    return base_roadmap(scenario, options).as_result()


def _run_order(names: list[str]) -> list[str]:
    """``names`` in the order they run: each after the analyses it ``uses`` (in the pack)."""
    order: list[str] = []
    for name in names:
        order += [u for u, _ in REGISTRY[name].uses if u in names and u not in order]
        if name not in order:
            order.append(name)
    return order


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


SLIDE_DPI = 150
"""Resolution of the charts placed on slides."""


@dataclass(frozen=True)
class RenderedChart:
    """One chart as files: slug, finding, PNG (200 dpi) and SVG titled with the finding, and
    a PNG (150 dpi) without a title, drawn at ``CHART_ON_SLIDE`` inches, for a slide whose
    title carries the finding."""

    slug: str
    finding: Finding
    png: bytes
    svg: bytes
    slide_png: bytes
    slide_size: tuple[float, float] = (12.33, 5.6)


def _slide_png(figure: Any) -> tuple[bytes, tuple[float, float]]:
    """The figure without its title at exactly ``CHART_ON_SLIDE`` (so its points are slide
    points when placed at 100%)."""
    from .. import plots
    from ..plots.style import CHART_ON_SLIDE

    for ax in figure.axes:
        ax.set_title("", loc="left")
        ax.set_title("")
    figure.set_size_inches(*CHART_ON_SLIDE)
    return plots.figure_bytes(figure, "png", SLIDE_DPI), (CHART_ON_SLIDE[0], CHART_ON_SLIDE[1])


def _render(name: str, index: int, result: AnalysisResult) -> RenderedChart:
    from .. import plots

    chart = _draw(name, index, result)
    figure = chart.figure
    png = plots.figure_bytes(figure, "png", 200)
    svg = plots.figure_bytes_as_laid_out(figure, "svg", 100)  # same size: the PNG's layout
    slide_png, size = _slide_png(figure)
    plots.close(figure)
    return RenderedChart(chart.slug, chart.finding, png, svg, slide_png, size)


def _call_pickled(payload: bytes) -> bytes:
    """A pickled (function, arguments) called, its value pickled (see :meth:`Rendering.beside`)."""
    function, args = pickle.loads(payload)
    return pickle.dumps(function(*args))


def _render_pickled(payload: bytes) -> RenderedChart:
    """:func:`_render` of a pickled task (name, index, result)."""
    return _render(*pickle.loads(payload))


def render_evidence_charts(pack: SteeringPack) -> list[RenderedChart]:
    """The "What customers tell us" charts (``evidence_*``), each drawn at
    ``CHART_ON_SLIDE``; the title each chart gives itself is its finding."""
    report = pack.evidence
    if report is None:
        return []
    from .. import plots
    from ..plots import evidence as charts
    from ..plots.style import CHART_ON_SLIDE, new_axes

    draws: list[tuple[str, Any, Any]] = []
    if report.voc is not None and len(report.voc.topics):
        draws.append(
            ("evidence_voc_pareto", lambda d, ax: charts.plot_voc_pareto(d, ax=ax, top=12), report)
        )
    if report.survey is not None:
        if len(report.survey.drivers):
            draws.append(
                ("evidence_key_drivers", charts.plot_importance_performance, report.survey)
            )
        if len(report.survey.stages):
            draws.append(("evidence_ces_by_stage", charts.plot_ces_by_stage, report.survey))
    if report.maturity is not None:
        draws.append(("evidence_pillar_maturity", charts.plot_pillar_maturity, report.maturity))
    out: list[RenderedChart] = []
    for slug, draw, data in draws:
        ax = new_axes(None, CHART_ON_SLIDE)
        figure = ax.figure
        if slug == "evidence_voc_pareto":
            draw(data, ax)
        else:
            draw(data, ax=ax)
        title = ax.get_title(loc="left") or ax.get_title()
        finding = Finding(title, {})
        png = plots.figure_bytes(figure, "png", 200)
        svg = plots.figure_bytes(figure, "svg", 100)
        slide_png, size = _slide_png(figure)
        plots.close(figure)
        out.append(RenderedChart(slug, finding, png, svg, slide_png, size))
    return out


def render_charts(pack: SteeringPack, *, workers: int | None = None) -> list[RenderedChart]:
    """Every chart of the pack drawn and saved, in deck order, on ``workers`` processes
    (default: all cores): rendering is most of the time the pack spends writing."""
    return start_rendering(pack, workers=workers).wait()


class Rendering:
    """Charts being rendered on worker processes (see :func:`start_rendering`): ``wait()``
    returns them in deck order; ``cancel()`` stops what has not started (for ``except``).

    Either on a pool of its own (``workers``), or on a shared ``executor`` (the pack's worker
    pool, which it leaves running), where :meth:`add` submits an analysis's charts as soon as
    its result exists, while the next analyses run.
    """

    def __init__(
        self,
        pack: SteeringPack | None,
        workers: int | None,
        executor: Executor | None = None,
    ) -> None:
        from concurrent.futures import ProcessPoolExecutor

        from ..analysis._parallel import new_pool, resolve_workers

        self.tasks: list[tuple[Any, ...]] = []
        self.futures: dict[tuple[str, int], Future[RenderedChart]] = {}
        self.done: dict[tuple[str, int], RenderedChart] = {}
        self.executor = executor
        self.pool: ProcessPoolExecutor | None = None
        if pack is None:
            return
        tasks = _chart_tasks(pack)
        count = min(resolve_workers(workers), len(tasks))
        if executor is None and count > 1:
            from .. import plots  # noqa: F401  (imported once here; forked workers inherit it)

            self.pool = new_pool(count)
        self.complete(pack)

    def add(self, name: str, result: AnalysisResult) -> None:
        """Submit the charts of analysis ``name`` (its ``result``) not yet submitted."""
        self._submit([(name, index, result) for index in range(len(REGISTRY[name].charts))])

    def complete(self, pack: SteeringPack) -> Rendering:
        """Submit every chart of ``pack`` not yet submitted; ``wait()`` returns the pack's."""
        self.tasks = _chart_tasks(pack)
        self._submit(self.tasks)
        return self

    def _submit(self, tasks: list[tuple[Any, ...]]) -> None:
        from ..analysis._parallel import interruptible

        target = self.executor or self.pool
        if target is None:
            return
        try:
            for task in tasks:
                submitted = self.futures.get((task[0], task[1]))
                if submitted is None or submitted.cancelled():
                    # pickled here, not by the pool's feeder thread: the caller goes on using
                    # the result (a cached property fills in) while the task is being sent
                    payload = pickle.dumps(task)
                    self.futures[task[0], task[1]] = target.submit(
                        interruptible, _render_pickled, payload
                    )
        except RuntimeError:  # the executor was shut down: wait() renders the rest here
            return
        except BaseException:
            self.cancel()
            raise

    def beside(self, function: Callable[..., T], *args: Any) -> Callable[[], T]:
        """``function(*args)`` run on the rendering's workers beside the charts (queued after
        them): returns a call giving its value, computed here instead when there is no worker
        (or the task was cancelled or its pool shut down). Arguments are pickled now."""
        from ..analysis._parallel import interruptible

        target = self.executor or self.pool
        future: Future[bytes] | None = None
        if target is not None:
            try:
                payload = pickle.dumps((function, args))
                future = target.submit(interruptible, _call_pickled, payload)
            except (RuntimeError, TypeError, AttributeError, pickle.PicklingError):
                future = None  # the executor was shut down, or an argument does not pickle

        def value() -> T:
            if future is not None:
                try:
                    return pickle.loads(future.result())
                except CancelledError:
                    pass
            return function(*args)

        return value

    def planned(self) -> list[tuple[str, Finding]]:
        """(slug, finding) of every chart, in deck order, known before they are rendered."""
        return [
            (REGISTRY[name].charts[index].slug, REGISTRY[name].charts[index].finding(result))
            for name, index, result in self.tasks
        ]

    def slide_picture(self, position: int) -> tuple[bytes, tuple[float, float]]:
        """The slide PNG and its size (inches) of chart ``position`` (deck order), waiting
        for it (for :class:`~prioritizer.report.deck.SlideChart`)."""
        chart = self._one(self.tasks[position])
        return chart.slide_png, chart.slide_size

    def wait(self) -> list[RenderedChart]:
        """The rendered charts, in deck order (those not submitted, or cancelled, are rendered
        here)."""
        try:
            return [self._one(task) for task in self.tasks]
        finally:
            self.cancel()

    def _one(self, task: tuple[Any, ...]) -> RenderedChart:
        key = (task[0], task[1])
        if key not in self.done:
            future = self.futures.get(key)
            chart = None
            if future is not None:
                with contextlib.suppress(CancelledError):  # not rendered: drawn here
                    chart = future.result()
            self.done[key] = chart if chart is not None else _render(*task)
        return self.done[key]

    def cancel(self) -> None:
        """Stop what has not started. A pool of its own is shut down (waiting for the charts
        being drawn); on a shared executor those finish on their own."""
        for future in self.futures.values():
            future.cancel()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def start_rendering(pack: SteeringPack, *, workers: int | None = None) -> Rendering:
    """Start rendering every chart of the pack on ``workers`` processes (default: all
    cores), so the caller can write the other files meanwhile; ``.wait()`` for them. A pack
    built with ``render=True`` already renders its charts: its rendering is completed."""
    if pack.rendering is not None:
        return pack.rendering.complete(pack)
    return Rendering(pack, workers)
