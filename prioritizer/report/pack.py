"""The steering pack's content: every analysis of one scenario, and the charts drawn from them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..analysis.explain import Explanations, explain
from ..analysis.frontier import Frontier, efficient_frontier
from ..analysis.marginal import MarginalValues, marginal_values
from ..analysis.montecarlo import MonteCarlo, monte_carlo
from ..analysis.pareto import ParetoFront, pareto_front
from ..analysis.ranking import RankingComparison, compare_with_ranking
from ..analysis.tornado import Tornado, tornado
from ..models import Scenario
from ..optimize import optimize
from ..result import Result, SolverOptions

ANALYSES = ("frontier", "marginal", "tornado", "montecarlo", "pareto", "explain")
"""Analyses the pack runs; any can be skipped (``--skip``)."""


@dataclass(eq=False)
class SteeringPack:
    """Everything a steering committee sees about one scenario."""

    scenario: Scenario
    result: Result
    ranking: RankingComparison
    frontier: Frontier | None = None
    marginal: MarginalValues | None = None
    tornado: Tornado | None = None
    montecarlo: MonteCarlo | None = None
    pareto: ParetoFront | None = None
    explain: Explanations | None = None
    roadmap: Any = None  # a Roadmap when the scenario has `periods` (spec.md §5)
    seconds: dict[str, float] = field(default_factory=dict)
    draws: int = 0
    seed: int = 0


def build_pack(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: int = 0,
    workers: int | None = 1,
    skip: Iterable[str] = (),
    options: SolverOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> SteeringPack:
    """Solve the scenario and run every analysis not in ``skip`` (names in :data:`ANALYSES`).

    ``progress(name)`` is called as each step starts. Wall times per step (seconds) are kept
    in ``pack.seconds``.
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

    result = step(
        "solve",
        lambda: optimize(
            scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap
        ),
    )
    pack = SteeringPack(
        scenario,
        result,
        compare_with_ranking(scenario, optimum=result),
        seconds=seconds,
        draws=draws,
        seed=seed,
    )
    if scenario.periods:  # a roadmap: the one-lump analyses would ignore the periods
        from ..roadmap import plan_roadmap

        skipped |= set(ANALYSES)
        pack.roadmap = step(
            "roadmap",
            lambda: plan_roadmap(
                scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap
            ),
        )
    if "frontier" not in skipped:
        pack.frontier = step(
            "frontier", lambda: efficient_frontier(scenario, options=options, workers=workers)
        )
    if "marginal" not in skipped:
        pack.marginal = step(
            "marginal", lambda: marginal_values(scenario, options=options, workers=workers)
        )
    if "tornado" not in skipped:
        pack.tornado = step("tornado", lambda: tornado(scenario, options=options, workers=workers))
    if "montecarlo" not in skipped:
        pack.montecarlo = step(
            "montecarlo",
            lambda: monte_carlo(scenario, draws=draws, seed=seed, options=options, workers=workers),
        )
    if "pareto" not in skipped:
        pack.pareto = step(
            "pareto", lambda: pareto_front(scenario, options=options, workers=workers)
        )
    if "explain" not in skipped:
        pack.explain = step("explain", lambda: explain(scenario, options=options, workers=workers))
    return pack


@dataclass(frozen=True)
class Chart:
    """One drawn chart: file slug, the finding (its title) and the matplotlib Figure."""

    slug: str
    finding: str
    figure: Any


def draw_charts(pack: SteeringPack) -> list[Chart]:
    """Draw every chart the pack has data for, in deck order."""
    from .. import plots

    drawers: list[tuple[str, Callable[[], Any]]] = [
        ("portfolio_map", lambda: plots.plot_portfolio_map(pack.result)),
        ("value_bridge", lambda: plots.plot_value_bridge(pack.result)),
        ("ranking_vs_optimum", lambda: plots.plot_ranking(pack.ranking)),
        ("capacity", lambda: plots.plot_capacity(pack.result)),
        ("pillars", lambda: plots.plot_pillars(pack.result)),
    ]
    if pack.frontier is not None:
        frontier = pack.frontier
        drawers.append(("frontier", lambda: plots.plot_frontier(frontier)))
    if pack.marginal is not None:
        marginal = pack.marginal
        drawers.append(("marginal_values", lambda: plots.plot_marginal(marginal)))
    if pack.tornado is not None:
        tornado_result = pack.tornado
        drawers.append(("tornado", lambda: plots.plot_tornado(tornado_result)))
    if pack.montecarlo is not None:
        mc = pack.montecarlo
        drawers.append(("robustness", lambda: plots.plot_robustness(mc)))
        drawers.append(("npv_distribution", lambda: plots.plot_value_distribution(mc)))
    if pack.pareto is not None:
        front = pack.pareto
        drawers.append(("tradeoff", lambda: plots.plot_pareto(front)))
    if pack.roadmap is not None:
        from ..roadmap.pack import pack_charts

        drawers[1:1] = pack_charts(pack.roadmap)
    charts = []
    for slug, draw in drawers:
        ax = draw()
        charts.append(Chart(slug, ax.get_title(loc="left"), ax.figure))
    return charts
