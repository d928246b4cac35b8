"""Robustness under uncertainty: re-optimize under many joint draws of the uncertain inputs.

Every uncertain field (see :func:`prioritizer.analysis.uncertainty.field_ranges`) is drawn per
initiative from a PERT distribution on (low, base, high) — or a triangular one. Each draw is
re-optimized; where the recommended portfolio is still optimal (a tie), it is the one counted.
Reported per initiative: how often it is chosen, and its core-index class (after
Liesiö, Mild & Salo 2007: core ≥ 0.9, exterior ≤ 0.1, borderline between). The recommended
base-case portfolio is also valued, as it stands, under every draw: mean, P10/P50/P90 of its
business and customer value, the probability that its NPV is negative, and how much the base
case overstates its expected value (the optimizer's curse).

Draws are cut into chunks of ``chunk_size`` and chunk k uses the k-th child of one
``numpy.random.SeedSequence``, so the same seed gives identical results for any number of
workers or any executor.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..evidence.coverage import double_counted, own_objective
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions
from ..rules import build_rules
from ..solver.start import best_known
from ..value import score_initiatives
from ._common import FEASIBLE, prefer_base, sweep_options
from ._parallel import SeedLike, chunks, run_tasks, seed_sequence
from .protocol import AnalysisResult, Finding, base_result, normalizers_of
from .uncertainty import FieldRange, field_ranges

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Distribution = Literal["pert", "triangular"]


def draw_field(
    rng: np.random.Generator, fr: FieldRange, draws: int, distribution: Distribution = "pert"
) -> np.ndarray:
    """Draws × initiatives samples of one field; fixed where low == high.

    PERT(a, m, b): a + (b − a) · Beta(1 + 4(m − a)/(b − a), 1 + 4(b − m)/(b − a)).
    """
    n = len(fr.base)
    out = np.broadcast_to(fr.base, (draws, n)).copy()
    mask = fr.uncertain
    if not mask.any():
        return out
    a, m, b = fr.low[mask], fr.base[mask], fr.high[mask]
    width = b - a
    if distribution == "pert":
        alpha = 1 + 4 * (m - a) / width
        beta = 1 + 4 * (b - m) / width
        out[:, mask] = a + width * rng.beta(alpha, beta, size=(draws, len(a)))
    elif distribution == "triangular":
        out[:, mask] = rng.triangular(a, m, b, size=(draws, len(a)))
    else:
        raise ValueError(f"unknown distribution {distribution!r}; expected pert or triangular")
    return out


@dataclass(frozen=True, eq=False)
class MonteCarlo(AnalysisResult):
    """Result of :func:`monte_carlo`.

    Every statistic is over the same set of draws, the **feasible** ones (where some
    portfolio satisfies every rule): the selection frequencies and the distribution of the
    recommended portfolio's value alike. A draw whose drawn costs or efforts leave no feasible
    portfolio says nothing about which initiatives an optimum would choose, so it is left out
    of both; ``feasible_draws`` counts the draws used.

    Attributes
    ----------
    selections:
        draws × initiatives 0/1 matrix of the optimum in each draw (all zero when infeasible).
    statuses:
        Solver status per draw.
    fixed_business, fixed_customer, fixed_objective:
        The base-case portfolio's business value (currency), customer value (effort points/yr)
        and objective, kept fixed, under each draw.
    """

    scenario: Scenario
    base: Result
    options: SolverOptions
    draws: int
    seed: int | None
    distribution: str
    selections: np.ndarray
    statuses: list[str]
    optimal_objective: np.ndarray
    fixed_business: np.ndarray
    fixed_customer: np.ndarray
    fixed_objective: np.ndarray
    core_threshold: float = 0.9
    exterior_threshold: float = 0.1

    @property
    def feasible(self) -> np.ndarray:
        """Boolean mask of the draws in which some portfolio satisfied every rule."""
        return np.array([s in FEASIBLE for s in self.statuses], dtype=bool)

    @property
    def feasible_draws(self) -> int:
        """Draws in which some portfolio satisfied every rule."""
        return int(self.feasible.sum())

    @property
    def npv_draws(self) -> np.ndarray:
        """The recommended portfolio's NPV (currency) in each feasible draw (in every draw
        when none is feasible)."""
        ok = self.feasible
        return self.fixed_business[ok] if ok.any() else self.fixed_business

    def _table(self) -> pd.DataFrame:
        """One row per initiative (index ``id``): ``name``, ``selection_frequency`` (0-1, over
        feasible draws), ``class`` (core / borderline / exterior) and ``in_base_portfolio``."""
        ok = self.feasible
        freq = self.selections[ok].mean(axis=0) if ok.any() else np.zeros(len(self.base.scores))
        classes = np.where(
            freq >= self.core_threshold,
            "core",
            np.where(freq <= self.exterior_threshold, "exterior", "borderline"),
        )
        return pd.DataFrame(
            {
                "name": self.base.scores["name"].to_numpy(),
                "selection_frequency": freq,
                "class": classes,
                "in_base_portfolio": self.base.scores.index.isin(self.base.selected),
            },
            index=self.base.scores.index,
        )

    def portfolio_distribution(self) -> pd.DataFrame:
        """Distribution of the base-case portfolio's value under the feasible draws (the same
        draws as the selection frequencies).

        Rows ``business_value`` (currency) and ``customer_value`` (effort points/yr); columns
        ``base`` (base-case value), ``mean``, ``p10``, ``p50``, ``p90``, ``probability_negative``.
        """
        return value_distribution(
            self.feasible,
            {
                "business_value": (self.fixed_business, self.base.business_value),
                "customer_value": (self.fixed_customer, self.base.customer_value),
            },
        )

    @property
    def optimizers_curse(self) -> float:
        """How much the base-case NPV overstates the portfolio's mean NPV over the draws
        (base − mean, currency); positive means the base case is optimistic."""
        return float(self.base.business_value - self.npv_draws.mean())

    def finding(self) -> Finding:
        """How many initiatives are core and how many borderline."""
        counts = self._table()["class"].value_counts()
        core, borderline = int(counts.get("core", 0)), int(counts.get("borderline", 0))
        return Finding(
            f"{core} initiatives are core (chosen in ≥{fmt.share(self.core_threshold)} of "
            f"simulations), {borderline} borderline",
            {"core": core, "borderline": borderline, "core_threshold": self.core_threshold},
        )

    def value_finding(self) -> Finding:
        """Where 80% of the recommended portfolio's NPV outcomes lie, and the chance that
        its NPV is negative."""
        values = self.npv_draws
        cur = self.scenario.currency
        p10, p90 = (float(v) for v in np.percentile(values, [10, 90]))
        risk = float((values < 0).mean())
        return Finding(
            f"80% of outcomes between {fmt.money(p10, cur)} and {fmt.money(p90, cur)}; "
            f"chance the NPV is negative: {fmt.share(risk)}",
            {"p10": p10, "p90": p90, "probability_negative": risk},
        )

    def summary(self) -> list[str]:
        """Terminal lines: draws, classes, the NPV distribution and the optimizer's curse."""
        cur = self.scenario.currency
        row = self.portfolio_distribution().loc["business_value"].astype(float)
        return [
            f"{self.scenario.name} — Monte Carlo, {self.draws} draws (seed {self.seed}, "
            f"{self.distribution}); {self.feasible_draws} feasible",
            self.finding().text,
            f"Recommended portfolio NPV: base {fmt.amount(self.base.business_value, cur)}, mean "
            f"{row['mean']:,.0f}, P10 {row['p10']:,.0f}, P50 {row['p50']:,.0f}, "
            f"P90 {row['p90']:,.0f}, P(NPV<0) {row['probability_negative']:.1%}",
            curse_text(self.optimizers_curse, cur),
        ]

    def _manifest_extra(self) -> dict[str, Any]:
        return {"seed": self.seed, "draws": self.draws, "distribution": self.distribution}

    def _payload(self) -> dict[str, Any]:
        """JSON contract of ``prioritizer montecarlo --format json``."""
        frame = self._table()
        dist = self.portfolio_distribution()
        return {
            "draws": self.draws,
            "seed": self.seed,
            "distribution": self.distribution,
            "feasible_draws": self.feasible_draws,
            "thresholds": {"core": self.core_threshold, "exterior": self.exterior_threshold},
            "initiatives": [
                {
                    "id": ident,
                    "name": row["name"],
                    "selection_frequency": float(row["selection_frequency"]),
                    "class": row["class"],
                    "in_base_portfolio": bool(row["in_base_portfolio"]),
                }
                for ident, row in frame.iterrows()
            ],
            "base_portfolio": {
                name: {k: float(v) for k, v in dist.loc[name].items()} for name in dist.index
            },
            "optimizers_curse": self.optimizers_curse,
        }

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Selection frequency per initiative (see plots.plot_robustness)."""
        from ..plots import plot_robustness

        return plot_robustness(
            self._table(),
            core=self.core_threshold,
            exterior=self.exterior_threshold,
            draws=self.feasible_draws,
            title=self.finding().text if title is None else title,
            ax=ax,
        )

    def plot_distribution(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """The recommended portfolio's NPV over the draws (see plots.plot_value_distribution)."""
        from ..plots import plot_value_distribution

        return plot_value_distribution(
            self.npv_draws,
            base_value=self.base.business_value,
            currency=self.scenario.currency,
            title=self.value_finding().text if title is None else title,
            ax=ax,
        )


CHUNKS_PER_TASK = 2
"""Chunks of draws solved one after the other by one task, each re-solve started from the
best portfolio the task has found so far (a fixed number, so results do not depend on the
number of workers)."""


def _task(
    scenario: Scenario,
    children: list[np.random.SeedSequence],
    sizes: list[int],
    distribution: Distribution,
    options: SolverOptions,
    base_selection: np.ndarray,
    normalizers: tuple[float, float],
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Consecutive chunks of draws, each from its own child seed, sharing one pool of
    portfolios found (the starts of the re-solves)."""
    pool = [base_selection]
    parts = [
        _chunk(scenario, child, size, distribution, options, base_selection, normalizers, pool)
        for child, size in zip(children, sizes, strict=True)
    ]
    return (
        np.vstack([p[0] for p in parts]),
        [status for p in parts for status in p[1]],
        *(np.concatenate([p[k] for p in parts]) for k in range(2, 6)),  # type: ignore[return-value]
    )


def _chunk(
    scenario: Scenario,
    child: np.random.SeedSequence,
    draws: int,
    distribution: Distribution,
    options: SolverOptions,
    base_selection: np.ndarray,
    normalizers: tuple[float, float],
    pool: list[np.ndarray],
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(child)
    ranges = field_ranges(scenario)
    samples = {name: draw_field(rng, fr, draws, distribution) for name, fr in ranges.items()}
    n = len(scenario.initiatives)
    selections = np.zeros((draws, n))
    statuses: list[str] = []
    optimal = np.full(draws, np.nan)
    business = np.zeros(draws)
    customer = np.zeros(draws)
    objective = np.zeros(draws)
    sweep = sweep_options(options, n)
    for d in range(draws):
        values = {name: sample[d] for name, sample in samples.items()}
        scores = score_initiatives(scenario, values=values, normalizers=normalizers)
        rules = build_rules(scenario, scores)
        start = best_known(np.array(pool), rules, scores["objective_score"].to_numpy(dtype=float))
        result = solve_portfolio(scenario, sweep, scores=scores, rules=rules, start=start)
        statuses.append(result.status)
        if result.status in FEASIBLE:
            selections[d] = prefer_base(result, base_selection)
            optimal[d] = result.objective
            if not any(np.array_equal(p, result.selection) for p in pool):
                pool.append(result.selection)
        # the recommendation under this draw, feedback counted once as Result counts it
        excess = double_counted(scenario, scores, base_selection > 0.5)
        business[d] = float(scores["business_value"].to_numpy() @ base_selection)
        customer[d] = float(scores["customer_value"].to_numpy() @ base_selection) - excess
        objective[d] = own_objective(scenario, scores, base_selection)
    return selections, statuses, optimal, business, customer, objective


def monte_carlo(
    scenario: Scenario,
    *,
    draws: int = 1000,
    seed: SeedLike = 0,
    distribution: Distribution = "pert",
    core_threshold: float = 0.9,
    exterior_threshold: float = 0.1,
    options: SolverOptions | None = None,
    base: Result | None = None,
    chunk_size: int = 25,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarlo:
    """Re-optimize under ``draws`` joint draws of every uncertain input.

    Parameters
    ----------
    draws:
        Number of draws (default 1,000).
    seed:
        Integer seed (0 is a seed like any other) or a SeedSequence (copied, never advanced);
        same seed, same result, whatever ``workers`` or ``executor``.
    distribution:
        ``pert`` (default) or ``triangular`` on (low, base, high).
    core_threshold, exterior_threshold:
        Selection frequencies at or above / at or below which an initiative is core / exterior.
    workers, executor:
        Parallelism; any ``concurrent.futures.Executor`` (e.g. Dask's ``client.get_executor()``).

    Returns
    -------
    MonteCarlo
        With zero-width ranges every draw equals the base case: the base portfolio has
        frequency 1 and every other initiative 0.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if not 0 <= exterior_threshold < core_threshold <= 1:
        raise ValueError("thresholds must satisfy 0 <= exterior < core <= 1")
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    sequence = seed_sequence(seed)
    parts = chunks(draws, chunk_size)
    children = sequence.spawn(len(parts))
    norm = normalizers_of(base.scores)
    sizes = [b - a for a, b in parts]
    tasks = [
        (
            scenario,
            children[a:b],
            sizes[a:b],
            distribution,
            options,
            base.selection,
            norm,
        )
        for a, b in chunks(len(parts), CHUNKS_PER_TASK)
    ]
    results = run_tasks(_task, tasks, workers=workers, executor=executor, progress=progress)
    return MonteCarlo(
        scenario=scenario,
        base=base,
        options=options,
        draws=draws,
        seed=seed if isinstance(seed, int) else None,
        distribution=distribution,
        selections=np.vstack([r[0] for r in results]),
        statuses=[s for r in results for s in r[1]],
        optimal_objective=np.concatenate([r[2] for r in results]),
        fixed_business=np.concatenate([r[3] for r in results]),
        fixed_customer=np.concatenate([r[4] for r in results]),
        fixed_objective=np.concatenate([r[5] for r in results]),
        core_threshold=core_threshold,
        exterior_threshold=exterior_threshold,
    )


def value_distribution(
    feasible: np.ndarray, values: dict[str, tuple[np.ndarray, float]]
) -> pd.DataFrame:
    """Per row name: ``base`` and the ``mean``, ``p10``, ``p50``, ``p90`` and
    ``probability_negative`` of its per-draw values over the feasible draws (all draws when
    none is feasible). ``values`` maps a name to (per-draw values, base value)."""
    ok = feasible if feasible.any() else np.ones(len(feasible), dtype=bool)
    rows = {}
    for name, (draws, base) in values.items():
        kept = draws[ok]
        p10, p50, p90 = np.percentile(kept, [10, 50, 90])
        rows[name] = {
            "base": base,
            "mean": float(kept.mean()),
            "p10": float(p10),
            "p50": float(p50),
            "p90": float(p90),
            "probability_negative": float((kept < 0).mean()),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def curse_text(curse: float, currency: str) -> str:
    """The optimizer's curse line: base − mean NPV (currency) as a positive amount the base
    case overstates (or, when negative, understates) the mean NPV by."""
    verb = "understates" if curse < 0 else "overstates"
    by = fmt.amount(abs(curse), currency)
    return f"Optimizer's curse: the base case {verb} the mean NPV by {by}"
