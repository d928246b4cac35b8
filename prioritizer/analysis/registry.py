"""The registry of analyses: one entry per analysis, read by the command line (its options
and output), the steering pack (what to run, which charts, tables and workbook sheets).

A new analysis costs one module (a function returning an :class:`AnalysisResult`) and one
:class:`Spec` here. Options are described as data (:class:`Param`): the command line turns
them into click options; nothing here imports click or matplotlib.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .explain import Explanations, explain
from .frontier import Frontier, efficient_frontier
from .marginal import MarginalValues, marginal_values
from .montecarlo import MonteCarlo, monte_carlo
from .pareto import ParetoFront, WeightSweep, pareto_front, weight_sweep
from .portfolio import PortfolioView, portfolio_view
from .protocol import Finding
from .ranking import RankingComparison, compare_with_ranking
from .tornado import Tornado, tornado


def _delivery(scenario: Any, **kwargs: Any) -> Any:
    """The pack's "Did we deliver?" (imported on use: tracking builds on the analyses)."""
    from ..tracking.delivery import delivery

    return delivery(scenario, **kwargs)


class _Delivery:
    """Placeholder type: the result is a ``prioritizer.tracking.delivery.Delivery``."""


@dataclass(frozen=True)
class Param:
    """One command-line option (or argument) of an analysis, as data.

    ``kind``: ``share`` (a number strictly between 0 and 1), ``unit`` (0 to 1 inclusive),
    ``count`` (an integer ≥ ``minimum``), ``integer``, ``choice`` (one of ``choices``),
    ``text`` (turned into the value by ``parse``, which raises ValueError with the reason),
    ``flag`` or ``ids`` (the positional initiative ids). ``dest`` is the keyword of the
    analysis function (``None``: the option only shapes the printed table); ``target`` names
    the analysis of a command that receives it (default: the command's own).
    """

    flag: str
    kind: str
    help: str = ""
    default: Any = None
    dest: str | None = ""
    minimum: int = 1
    choices: tuple[str, ...] = ()
    parse: Callable[[str], Any] | None = None
    target: str = ""

    @property
    def name(self) -> str:
        """The Python name click gives the option (``--core`` -> ``core``)."""
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def keyword(self) -> str | None:
        """The analysis function's keyword for this option, or None for display only."""
        return self.name if self.dest == "" else self.dest


@dataclass(frozen=True)
class Chart:
    """A chart of an analysis: file slug, its finding and how to draw it on an Axes."""

    slug: str
    finding: Callable[[Any], Any]
    draw: Callable[[Any, Any, str | None], Any]


@dataclass(frozen=True)
class Table:
    """A table of an analysis for the pack: CSV name, workbook sheet (None: CSV only),
    whether the index is written, and the columns holding 0-1 shares."""

    name: str
    frame: Callable[[Any], pd.DataFrame]
    index: bool = True
    sheet: str | None = None
    shares: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """One analysis.

    ``run(scenario, *, base, options, [workers, progress, executor,] **params)`` returns the
    result; ``parallel`` says whether it takes ``workers``, ``progress`` and ``executor``.
    ``command`` is the CLI command's name (None: not a command of its own); ``also`` names
    analyses the command runs too; ``skippable`` analyses can be left out of the pack
    (``--skip``); ``pack_settings`` are the pack's settings (draws, seed) the analysis takes;
    ``uses`` (name, keyword arguments from that analysis's result): in the steering pack, an
    analysis named there runs first and its result saves this one work (the same answers).
    """

    name: str
    run: Callable[..., Any]
    result_type: type
    help: str = ""
    command: str | None = None
    params: tuple[Param, ...] = ()
    parallel: bool = True
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    cli_table: Callable[[Any], pd.DataFrame] = field(default=lambda r: r.to_frame())
    text_table: Callable[[Any, Mapping[str, Any]], pd.DataFrame | None] | None = None
    cli_index: bool = True
    check: Callable[[Mapping[str, Any]], tuple[str, str] | None] | None = None
    also: tuple[str, ...] = ()
    skippable: bool = True
    pack_settings: tuple[str, ...] = ()
    uses: tuple[tuple[str, Callable[[Any], dict[str, Any]]], ...] = ()

    def __call__(
        self,
        scenario: Any,
        *,
        base: Any,
        options: Any,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        executor: Executor | None = None,
        **params: Any,
    ) -> Any:
        """Run the analysis around ``base`` with ``options`` passed through whole (a
        parallel one on ``executor`` when given, else on ``workers`` processes)."""
        if self.parallel:
            params.update(workers=workers, progress=progress, executor=executor)
        return self.run(scenario, base=base, options=options, **params)


def _chart(slug: str, finding: str = "finding", draw: str = "plot") -> Chart:
    """A chart drawn by the result's method ``draw`` and titled by its method ``finding``."""
    return Chart(
        slug,
        lambda r: getattr(r, finding)(),
        lambda r, ax, title: getattr(r, draw)(ax=ax, title=title),
    )


def _robustness_finding(result: Any) -> Finding:
    """The Monte Carlo finding as the robustness chart's title, saying which initiatives the
    chart shows when it cannot show them all (it shows at most 12 rows): ``"..., 9 borderline
    (chart: all 9 borderline, 3 of the 10 core)"``."""
    from ..plots.robustness import shown_words

    finding = result.finding()
    shown = shown_words(result.to_frame())
    if not shown:
        return finding
    return Finding(f"{finding.text} ({shown})", {**finding.numbers, "shown": shown})


def parse_budgets(text: str) -> list[float]:
    """``START:STOP:N`` (N ≥ 2 evenly spaced budgets) or ``B1,B2,...``."""
    bad = ValueError(f"expected START:STOP:N (N >= 2) or B1,B2,..., got {text!r}")
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            n = int(count)
            if n < 2:
                raise bad
            step = (float(stop) - float(start)) / (n - 1)
            return [float(start) + k * step for k in range(n)]
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise bad from None
    if not values:
        raise bad
    return values


def _check_thresholds(params: Mapping[str, Any]) -> tuple[str, str] | None:
    if not params["exterior"] < params["core"]:
        return "--exterior must be below --core", "--exterior"
    return None


def _without_selected(result: Any) -> pd.DataFrame:
    """The table without its long ``selected`` column (the ids of every portfolio)."""
    return result.to_frame().drop(columns=["selected"])


def _toggled(explained: Any) -> dict[str, Any]:
    """The tornado's ``toggled``: explain's best portfolio with each initiative toggled."""
    return {"toggled": explained.toggled()} if hasattr(explained, "toggled") else {}


def _marginal_text(result: MarginalValues, params: Mapping[str, Any]) -> pd.DataFrame:
    return result.text_frame()


def _tornado_text(result: Tornado, params: Mapping[str, Any]) -> pd.DataFrame:
    return result.to_frame().head(params["top"]).drop(columns=["group"])


def _montecarlo(scenario: Any, *, workers: int | None = None, **kwargs: Any) -> Any:
    """Monte Carlo; on a scenario with ``periods`` every draw re-plans the roadmap."""
    if getattr(scenario, "periods", None):
        from ..roadmap.montecarlo import roadmap_monte_carlo

        return roadmap_monte_carlo(scenario, workers=workers, **kwargs)
    return monte_carlo(scenario, workers=workers, **kwargs)


def _explain(scenario: Any, ids: Any = None, *, workers: int | None = None, **kwargs: Any) -> Any:
    """Explain; on a scenario with ``periods`` it explains the roadmap (in or out, and when).
    No ids (``None`` or the command line's empty tuple) means every initiative."""
    ids = None if ids is None or (not isinstance(ids, str) and not len(ids)) else ids
    if kwargs.pop("cost_to_enter", False):  # the flag; absent: the default (a single id only)
        kwargs["cost_threshold"] = True
    if isinstance(ids, str):  # ids match without case, as in `rules`
        ids = scenario.canonical_ids([ids])[0]
    elif ids is not None:
        ids = scenario.canonical_ids(ids)
    if getattr(scenario, "periods", None):
        from ..roadmap.explain import explain_roadmap

        return explain_roadmap(scenario, ids, workers=workers, **kwargs)
    return explain(scenario, ids, workers=workers, **kwargs)


def _roadmap(scenario: Any, **kwargs: Any) -> Any:
    from ..roadmap.analysis import roadmap_analysis  # the roadmap imports the protocol

    return roadmap_analysis(scenario, **kwargs)


REGISTRY: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec(
            "portfolio",
            portfolio_view,
            PortfolioView,
            parallel=False,
            skippable=False,
            charts=(
                _chart("portfolio_map"),
                _chart("value_bridge", "bridge_finding", "plot_bridge"),
                _chart("capacity", "capacity_finding", "plot_capacity"),
                _chart("pillars", "pillars_finding", "plot_pillars"),
            ),
            tables=(Table("portfolio", lambda r: r.to_frame(), sheet="Portfolio"),),
        ),
        Spec(
            "delivery",
            _delivery,
            _Delivery,
            help="Did we deliver? The plan tracked against actuals (report --actuals).",
            parallel=False,
            skippable=False,
            charts=(
                _chart("delivery_realization"),
                _chart("delivery_by_pillar", "pillar_finding", "plot_pillar"),
                _chart("delivery_burn", "burn_finding", "plot_burn"),
            ),
            tables=(
                Table("delivery", lambda r: r.to_frame(), sheet="Did we deliver"),
                Table("delivery_by_pillar", lambda r: r.tracking.by_pillar),
                Table("delivery_by_team", lambda r: r.tracking.by_team),
                Table("delivery_by_journey_stage", lambda r: r.tracking.by_journey_stage),
            ),
        ),
        Spec(
            "ranking",
            compare_with_ranking,
            RankingComparison,
            parallel=False,
            skippable=False,
            charts=(_chart("ranking_vs_optimum"),),
            tables=(Table("ranking_vs_optimum", lambda r: r.differences()),),
        ),
        Spec(
            "frontier",
            efficient_frontier,
            Frontier,
            command="frontier",
            help="""Optimal value over a range of budgets (the efficient frontier).

    \b
    Examples:
        prioritizer frontier scenarios/retail_bank/scenario.yaml
        prioritizer frontier scenarios/retail_bank/scenario.yaml --budgets 1e6:5e6:41 --breakpoints
    """,
            params=(
                Param(
                    "--budgets",
                    "text",
                    "START:STOP:N or B1,B2,... (default: 25 from 0 to the cost of all, "
                    "and the scenario's budget).",
                    parse=parse_budgets,
                ),
                Param(
                    "--breakpoints",
                    "flag",
                    "Also find the exact budgets where the optimal value rises.",
                ),
            ),
            charts=(_chart("frontier"),),
            tables=(Table("frontier", lambda r: r.to_frame(), index=False, sheet="Frontier"),),
            cli_table=_without_selected,
            cli_index=False,
        ),
        Spec(
            "marginal",
            marginal_values,
            MarginalValues,
            command="marginal",
            help="""What ±STEP of each limit (budget, opex budget, team capacity) would change.

    \b
    Example:
        prioritizer marginal scenarios/retail_bank/scenario.yaml --step 0.2
    """,
            params=(Param("--step", "share", "Relative move of each limit.", default=0.1),),
            charts=(_chart("marginal_values"),),
            tables=(Table("marginal_values", lambda r: r.to_frame(), sheet="Marginal values"),),
            text_table=_marginal_text,
        ),
        Spec(
            "tornado",
            tornado,
            Tornado,
            command="tornado",
            help="""One-way sensitivity of the optimum to each assumption, largest swing first.

    \b
    Example:
        prioritizer tornado scenarios/retail_bank/scenario.yaml --top 15
    """,
            params=(
                Param(
                    "--relative", "share", "± share for segment LTV, customers and complaint rate."
                ),
                Param("--top", "count", "Rows shown in the table.", default=25, dest=None),
            ),
            charts=(_chart("tornado"),),
            uses=(("explain", _toggled),),
            tables=(Table("tornado", lambda r: r.to_frame(), index=False),),
            text_table=_tornado_text,
            cli_index=False,
        ),
        Spec(
            "montecarlo",
            _montecarlo,
            MonteCarlo,
            command="montecarlo",
            help="""Robustness: re-optimize under random draws of every uncertain input.

    \b
    Example:
        prioritizer montecarlo scenarios/retail_bank/scenario.yaml --draws 500 --seed 7
    """,
            params=(
                Param("--draws", "count", "Number of draws.", default=1000),
                Param("--seed", "integer", "Random seed (same seed, same result).", default=0),
                Param(
                    "--distribution",
                    "choice",
                    "Distribution on (low, base, high).",
                    default="pert",
                    choices=("pert", "triangular"),
                ),
                Param(
                    "--core",
                    "unit",
                    "Selection frequency at or above which an initiative is core.",
                    default=0.9,
                    dest="core_threshold",
                ),
                Param(
                    "--exterior",
                    "unit",
                    "Selection frequency at or below which an initiative is exterior.",
                    default=0.1,
                    dest="exterior_threshold",
                ),
            ),
            check=_check_thresholds,
            charts=(
                Chart(
                    "robustness",
                    _robustness_finding,
                    lambda r, ax, title: r.plot(ax=ax, title=title),
                ),
                _chart("npv_distribution", "value_finding", "plot_distribution"),
            ),
            tables=(
                Table(
                    "robustness",
                    lambda r: r.to_frame(),
                    sheet="Robustness",
                    shares=("selection_frequency",),
                ),
                Table(
                    "npv_distribution",
                    lambda r: r.portfolio_distribution().rename_axis("measure"),
                    sheet="Robustness NPV",
                    shares=("probability_negative",),
                ),
            ),
            cli_table=lambda r: r.to_frame().sort_values(
                "selection_frequency", ascending=False, kind="stable"
            ),
            pack_settings=("draws", "seed"),
        ),
        Spec(
            "pareto",
            pareto_front,
            ParetoFront,
            command="pareto",
            help="""Business vs customer value: the Pareto front and a weight sweep.

    \b
    Example:
        prioritizer pareto scenarios/retail_bank/scenario.yaml --points 10
    """,
            params=(
                Param(
                    "--points",
                    "count",
                    "Most non-dominated portfolios to find.",
                    default=15,
                    minimum=2,
                    dest="max_points",
                ),
                Param(
                    "--steps",
                    "count",
                    "Business weights tried in the weight sweep.",
                    default=21,
                    minimum=2,
                    target="weight_sweep",
                ),
            ),
            also=("weight_sweep",),
            charts=(_chart("tradeoff"),),
            tables=(Table("pareto", lambda r: r.to_frame(), index=False),),
            cli_table=_without_selected,
            cli_index=False,
        ),
        Spec(
            "weight_sweep",
            weight_sweep,
            WeightSweep,
            skippable=False,
            charts=(_chart("weight_sweep"),),
            cli_table=_without_selected,
            cli_index=False,
        ),
        Spec(
            "explain",
            _explain,
            Explanations,
            command="explain",
            help="""Why an initiative is in or out, and what it would take to change that.

    \b
    Examples:
        prioritizer explain scenarios/retail_bank/scenario.yaml CHATBOT-BUY
        prioritizer explain scenarios/retail_bank/scenario.yaml        # every initiative
    """,
            params=(
                Param("ids", "ids"),
                Param(
                    "--cost-to-enter",
                    "flag",
                    "Also find the one-off cost at which each initiative left out would enter "
                    "(about 19 re-solves each; always done for a single id).",
                ),
            ),
            tables=(Table("explain", lambda r: r.to_frame()),),
            text_table=lambda r, p: None if p["ids"] else r.to_frame(),  # sentences say it
        ),
        Spec(
            "roadmap",
            _roadmap,
            object,  # prioritizer.roadmap.analysis.RoadmapAnalysis (imported lazily)
            parallel=False,
            skippable=False,
            charts=(
                _chart("roadmap_gantt"),
                _chart("roadmap_spend", "spend_finding", "plot_spend"),
                _chart("roadmap_capacity", "capacity_finding", "plot_capacity"),
                _chart("roadmap_value", "value_finding", "plot_value"),
            ),
            tables=(
                Table("roadmap", lambda r: r.to_frame(), sheet="Roadmap"),
                Table(
                    "roadmap_by_period", lambda r: r.roadmap.by_period(), sheet="Roadmap by period"
                ),
                Table("roadmap_start_values", lambda r: r.roadmap.columns, index=False),
            ),
        ),
    )
}
"""Every analysis by name, in the order of the steering pack."""

PACK = (
    "portfolio",
    "ranking",
    "frontier",
    "marginal",
    "tornado",
    "montecarlo",
    "pareto",
    "explain",
)
"""The analyses the steering pack runs, in deck order."""

PACK_DRAWS = 500
"""Monte Carlo draws of the steering pack by default (``prioritizer montecarlo`` and
:func:`prioritizer.monte_carlo` draw 1,000). On both examples the first 500 of 1,000 draws
give every initiative the same class (core, borderline, exterior) as all 1,000, frequencies
within 2.5 points and the NPV's P10 and P90 within 1.5%; half the exact re-solves keep the
pack within about 20 s on a 2-core machine (``benchmarks.pack``, 30 November 2026: 12.9–20.6 s
over 20 runs, median 17.0 s; 1,000 draws took 23–26 s a day before). ``--draws`` sets more."""

ROADMAP_PACK = ("portfolio", "roadmap", "ranking")
"""The pack of a scenario with `periods` (spec §5). The one-lump analyses (frontier, marginal,
tornado, Pareto) would ignore the periods, so they are left out."""

ROADMAP_ON_REQUEST = ("montecarlo", "explain")
"""Analyses that work on a roadmap by re-planning it whole — per draw
(:mod:`prioritizer.roadmap.montecarlo`) or per initiative (:mod:`prioritizer.roadmap.explain`):
each is one roadmap solve (seconds to half a minute on the quarterly examples), so 1,000 draws
take hours. Their commands run them; the pack of a roadmap runs them only when asked
(``build_pack(include=...)``, ``report --with``)."""

SKIPPABLE = tuple(name for name in PACK if REGISTRY[name].skippable)
"""Analyses the pack can leave out (``--skip``)."""
