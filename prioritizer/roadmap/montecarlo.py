"""Monte Carlo on a roadmap: every draw of the uncertain inputs re-plans the whole roadmap.

The draws are those of :func:`prioritizer.analysis.montecarlo.monte_carlo` (same fields, same
PERT/triangular distributions, same seed policy: chunk k of ``chunk_size`` draws uses the k-th
child of one ``SeedSequence``, so any number of workers gives the same result). In each draw
the value of every start is recomputed from the drawn inputs (spec.md §5, blended normalizers
held at the base plan's) and the time-indexed program is solved again under the drawn costs
and efforts. Where the base plan still meets every rule and is still optimal within 1e-9
(relative), it is the one counted, as for portfolios.

Reported per initiative: how often it is in the plan (at any start), its class (core ≥ 0.9,
exterior ≤ 0.1), its start in the base plan and how often it starts there when chosen. The
base plan, kept as it is (same starts), is valued under every draw: the distribution of its
NPV and customer value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..analysis._common import FEASIBLE
from ..analysis._parallel import SeedLike, chunks, run_tasks, seed_sequence
from ..analysis.montecarlo import (
    Distribution,
    MonteCarlo,
    curse_text,
    draw_field,
    value_distribution,
)
from ..analysis.protocol import base_result
from ..analysis.uncertainty import field_ranges
from ..models import Scenario
from ..result import Result, SolverOptions
from ..value import score_initiatives
from .plan import base_roadmap
from .result import Roadmap
from .solve import solve_roadmap
from .values import roadmap_normalizers, start_values

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False, kw_only=True)
class RoadmapMonteCarlo(MonteCarlo):
    """:class:`~prioritizer.analysis.montecarlo.MonteCarlo` of a roadmap scenario.

    ``selections`` is draws × initiatives: 1 where the draw's best plan contains the initiative
    (at any start). ``fixed_business`` / ``fixed_customer`` / ``fixed_objective`` value the
    **base plan** (same initiatives, same starts) under each draw. Extra attributes:

    roadmap:
        The base plan every draw is compared with.
    starts:
        draws × initiatives: the start period index in the draw's plan, −1 when not in it.
    gaps:
        The proven relative gap of each draw's plan (0 when proven optimal, NaN when no plan).
    """

    roadmap: Roadmap
    starts: np.ndarray
    gaps: np.ndarray

    def _table(self) -> pd.DataFrame:
        """One row per initiative (index ``id``): ``name``, ``selection_frequency`` (0-1, over
        feasible draws), ``class``, ``in_base_portfolio`` (in the base plan), ``base_start``
        (label, None when not in it) and ``same_start_share`` (of the feasible draws that
        choose it, the share starting it in the base plan's period; NaN when not in it or
        never chosen)."""
        ok = self.feasible
        items = self.scenario.initiatives
        freq = self.selections[ok].mean(axis=0) if ok.any() else np.zeros(len(items))
        classes = np.where(
            freq >= self.core_threshold,
            "core",
            np.where(freq <= self.exterior_threshold, "exterior", "borderline"),
        )
        labels = self.roadmap.labels
        base = {str(r["id"]): int(r["start_index"]) for _, r in self.roadmap.chosen.iterrows()}
        same = np.full(len(items), np.nan)
        for k, item in enumerate(items):
            if item.id in base:
                chosen = self.starts[ok, k] >= 0
                if chosen.any():
                    same[k] = float((self.starts[ok, k][chosen] == base[item.id]).mean())
        return pd.DataFrame(
            {
                "name": [i.name for i in items],
                "selection_frequency": freq,
                "class": classes,
                "in_base_portfolio": [i.id in base for i in items],
                "base_start": [labels[base[i.id]] if i.id in base else None for i in items],
                "same_start_share": same,
            },
            index=pd.Index([i.id for i in items], name="id"),
        )

    def portfolio_distribution(self) -> pd.DataFrame:
        """Distribution of the base plan's value (same starts) under the feasible draws:
        rows ``business_value`` (currency) and ``customer_value``; columns ``base``, ``mean``,
        ``p10``, ``p50``, ``p90``, ``probability_negative``."""
        return value_distribution(
            self.feasible,
            {
                "business_value": (self.fixed_business, self.roadmap.business_value),
                "customer_value": (self.fixed_customer, self.roadmap.customer_value),
            },
        )

    @property
    def optimizers_curse(self) -> float:
        """How much the base plan's NPV overstates its mean NPV over the draws (currency)."""
        return float(self.roadmap.business_value - self.npv_draws.mean())

    @property
    def max_gap(self) -> float:
        """The largest proven gap of a feasible draw's plan (0: every draw proven optimal)."""
        gaps = self.gaps[self.feasible]
        gaps = gaps[np.isfinite(gaps)]
        return float(gaps.max()) if len(gaps) else 0.0

    def summary(self) -> list[str]:
        """Terminal lines: draws, classes, the base plan's NPV distribution, the curse."""
        cur = self.scenario.currency
        row = self.portfolio_distribution().loc["business_value"].astype(float)
        proven = int(sum(s == "optimal" for s in self.statuses))
        return [
            f"{self.scenario.name} — Monte Carlo of the roadmap, {self.draws} draws (seed "
            f"{self.seed}, {self.distribution}); {self.feasible_draws} feasible, {proven} "
            f"proven optimal (largest gap {self.max_gap:.2%})",
            self.finding().text,
            f"Base plan NPV (same starts): base {fmt.amount(self.roadmap.business_value, cur)}, "
            f"mean {row['mean']:,.0f}, P10 {row['p10']:,.0f}, P50 {row['p50']:,.0f}, "
            f"P90 {row['p90']:,.0f}, P(NPV<0) {row['probability_negative']:.1%}",
            curse_text(self.optimizers_curse, cur),
        ]

    def _payload(self) -> dict[str, Any]:
        payload = super()._payload()
        frame = self._table()
        starts = dict(zip(self.roadmap.chosen["id"], self.roadmap.chosen["start"], strict=True))
        for record in payload["initiatives"]:
            row = frame.loc[record["id"]]
            record["base_start"] = starts.get(record["id"])
            share = float(row["same_start_share"])
            record["same_start_share"] = share if np.isfinite(share) else None
        payload["roadmap"] = True
        payload["proven_draws"] = int(sum(s == "optimal" for s in self.statuses))
        payload["max_gap"] = self.max_gap
        return payload

    def plot_distribution(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """The base plan's NPV over the draws (see plots.plot_value_distribution)."""
        from ..plots import plot_value_distribution

        return plot_value_distribution(
            self.npv_draws,
            base_value=self.roadmap.business_value,
            currency=self.scenario.currency,
            title=self.value_finding().text if title is None else title,
            ax=ax,
        )


def _chunk(
    scenario: Scenario,
    child: np.random.SeedSequence,
    draws: int,
    distribution: Distribution,
    options: SolverOptions,
    base_x: np.ndarray,
    normalizers: tuple[float, float],
) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(child)
    ranges = field_ranges(scenario)
    samples = {name: draw_field(rng, fr, draws, distribution) for name, fr in ranges.items()}
    n = len(scenario.initiatives)
    selections = np.zeros((draws, n))
    starts = np.full((draws, n), -1, dtype=int)
    statuses: list[str] = []
    optimal = np.full(draws, np.nan)
    gaps = np.full(draws, np.nan)
    business, customer, objective = np.zeros(draws), np.zeros(draws), np.zeros(draws)
    for d in range(draws):
        drawn = {name: sample[d] for name, sample in samples.items()}
        values = start_values(
            scenario, scores=score_initiatives(scenario, values=drawn), normalizers=normalizers
        )
        plan = solve_roadmap(scenario, options, values=values, field_values=drawn)
        statuses.append(plan.status)
        score = plan.columns["objective_score"].to_numpy(dtype=float)
        if plan.status in FEASIBLE:
            x = plan.x
            tolerance = 1e-9 * max(1.0, abs(plan.objective))
            if float(score @ base_x) >= plan.objective - tolerance and all(
                rule.holds(base_x) for rule in plan.rules
            ):
                x = base_x  # a tie: the base plan is still optimal, count it
            rows = plan.columns["row"].to_numpy(dtype=int)[x > 0.5]
            selections[d, rows] = 1.0
            starts[d, rows] = plan.columns["start_index"].to_numpy(dtype=int)[x > 0.5]
            optimal[d] = plan.objective
            gaps[d] = np.nan if plan.gap is None else plan.gap
        business[d] = float(plan.columns["business_value"].to_numpy(dtype=float) @ base_x)
        customer[d] = float(plan.columns["customer_value"].to_numpy(dtype=float) @ base_x)
        objective[d] = float(score @ base_x)
    status_array = np.array(statuses, dtype=object)
    return selections, starts, status_array, optimal, gaps, business, customer, objective


def roadmap_monte_carlo(
    scenario: Scenario,
    *,
    draws: int = 200,
    seed: SeedLike = 0,
    distribution: Distribution = "pert",
    core_threshold: float = 0.9,
    exterior_threshold: float = 0.1,
    options: SolverOptions | None = None,
    base: Result | None = None,
    roadmap: Roadmap | None = None,
    chunk_size: int = 5,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RoadmapMonteCarlo:
    """Re-plan the roadmap of a scenario with ``periods`` under ``draws`` joint draws.

    Parameters are those of :func:`prioritizer.monte_carlo`; ``roadmap`` is the base plan
    (planned here with ``options`` when omitted), ``base`` the one-lump optimum (kept for the
    analysis protocol). Each draw is solved with ``options`` (its time limit and gap apply
    per draw; ``gaps`` records what each draw proved). Raises ScenarioError without
    ``periods``, InfeasibleError when the base roadmap is infeasible.
    """
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if not 0 <= exterior_threshold < core_threshold <= 1:
        raise ValueError("thresholds must satisfy 0 <= exterior < core <= 1")
    options = options or SolverOptions()
    roadmap = roadmap if roadmap is not None else base_roadmap(scenario, options)
    base = base_result(scenario, options, base)
    draw_options = dataclasses.replace(options, tie_break=False)
    sequence = seed_sequence(seed)
    parts = chunks(draws, chunk_size)
    children = sequence.spawn(len(parts))
    normalizers = roadmap_normalizers(roadmap.columns)  # the base plan's S_b, S_c (§5)
    base_x = np.asarray(roadmap.x, dtype=float)
    tasks = [
        (scenario, child, b - a, distribution, draw_options, base_x, normalizers)
        for child, (a, b) in zip(children, parts, strict=True)
    ]
    results = run_tasks(_chunk, tasks, workers=workers, executor=executor, progress=progress)
    return RoadmapMonteCarlo(
        scenario=scenario,
        base=base,
        options=options,
        draws=draws,
        seed=seed if isinstance(seed, int) else None,
        distribution=distribution,
        selections=np.vstack([r[0] for r in results]),
        statuses=[str(s) for r in results for s in r[2]],
        optimal_objective=np.concatenate([r[3] for r in results]),
        fixed_business=np.concatenate([r[5] for r in results]),
        fixed_customer=np.concatenate([r[6] for r in results]),
        fixed_objective=np.concatenate([r[7] for r in results]),
        core_threshold=core_threshold,
        exterior_threshold=exterior_threshold,
        roadmap=roadmap,
        starts=np.vstack([r[1] for r in results]),
        gaps=np.concatenate([r[4] for r in results]),
    )
