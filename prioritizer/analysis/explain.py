"""Why an initiative is in or out, and what it would take to change that.

Computed by re-solving with the initiative forced in (or out): the difference to the optimum is
its true price. For an initiative that is out: how much its objective score must rise to enter
(the forced-in optimum's shortfall), how far its one-off cost must fall (bisection on re-solves),
which rules it would break if simply added, and which initiatives it would displace. For one
that is in: how far its score could fall before it leaves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions, json_value
from ..rules import build_rules, violated_rules
from ..value import score_initiatives
from ._common import FEASIBLE, sweep_options
from ._parallel import run_tasks
from .protocol import AnalysisResult, Finding, base_result, normalizers_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True)
class Explanation:
    """Why one initiative is in or out.

    Attributes
    ----------
    selected:
        Whether it is in the optimal portfolio.
    value_margin:
        Objective units. Out: how much its score must rise to enter (inf when it cannot enter
        under the rules). In: how far its score can fall before it leaves.
    business_value_margin:
        ``value_margin`` as NPV (currency), holding the blended normalizers fixed: how far its
        own NPV alone would have to move. Not what the portfolio's NPV does when it is forced
        to the other side (``npv_change``), so the sentence never quotes it.
    cost_to_enter:
        Out only: the highest one-off cost (currency) at which it enters, or None when even a
        zero cost is not enough or it was not searched (``cost_searched``).
    blocking_rules:
        Out only: the rules the current portfolio would break if it were simply added.
    displaces, joins:
        Initiatives that leave / enter the portfolio when it is forced in (out).
    forced_selected:
        The best portfolio with it forced to the other side (ids, input order), when that
        solve found one; reused by the tornado of the steering pack (:meth:`Explanations.toggled`).
    npv_change:
        NPV of that forced portfolio minus the recommendation's (currency; None when the
        forced solve found none): what forcing it to the other side really does to the NPV
        (in blended mode not ``business_value_margin``, which converts the score margin); the
        figure the sentence quotes, in or out. In and positive: dropping it raises the NPV (it
        is chosen for its customer value).
    leaves_with:
        In only: the other initiatives of the recommendation that leave when it is forced
        out (e.g. those that depend on it).
    cost_searched:
        Whether the cost at which it would enter was searched (``cost_to_enter`` None then
        means that even a zero one-off cost is not enough).
    """

    id: str
    name: str
    selected: bool
    objective: float
    objective_forced: float
    value_margin: float
    business_value_margin: float
    cost: float
    cost_to_enter: float | None
    blocking_rules: list[str] = field(default_factory=list)
    displaces: list[str] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)
    forced_status: str = ""
    blocking_texts: list[str] = field(default_factory=list)
    score_name: str = "objective"
    forced_selected: list[str] | None = field(default=None, repr=False)
    npv_change: float | None = None
    leaves_with: list[str] = field(default_factory=list)
    cost_searched: bool = False

    def sentence(self, currency: str) -> str:
        """The explanation in one or two sentences, in business words. The score margin is
        said in the score's units; the NPV quoted is the real change of the re-solve
        (``npv_change``), never the margin converted."""
        if self.forced_status in ("mandatory", "excluded"):
            return f"{self.id} is {self.forced_status} by the scenario's rules."
        amount = self.amount(currency)
        if self.selected:
            if not np.isfinite(self.value_margin):
                return (
                    f"{self.id} is in and cannot leave under the rules "
                    f"({self.forced_status} when forced out)."
                )
            return (
                f"{self.id} is in: its {self.score_name} could fall by {amount} before it "
                f"would leave{self.without_it(currency)}."
            )
        if not np.isfinite(self.value_margin):
            return (
                f"{self.id} is out and cannot enter under the rules "
                f"({self.forced_status} when forced in)."
            )
        blocking = "; ".join(self.blocking_texts or self.blocking_rules) or "no rule"
        effects = [f"lowers the {self.score_name} by {amount}{self.npv_words(currency)}"]
        if self.joins:
            effects.append(f"brings in {and_list(self.joins)}")
        if self.displaces:
            effects.append(f"displaces {and_list(self.displaces)}")
        text = (
            f"{self.id} is out: adding it to the portfolio would break {blocking}. "
            f"Forcing it in {and_list(effects, serial=True)}."
        )
        if self.cost_to_enter is not None:
            text += f" It would enter at a one-off cost of {currency} {self.cost_to_enter:,.0f}."
        elif self.cost_searched:
            text += (
                " Even at no one-off cost it would not enter: its running cost, team effort or "
                "the rules keep it out."
            )
        return text

    def amount(self, currency: str) -> str:
        """The value margin in the score's units: currency in NPV mode, else the score."""
        if self.score_name == "NPV":
            return f"{currency} {self.value_margin:,.0f}"
        return f"{self.value_margin:.4g}"

    def npv_words(self, currency: str) -> str:
        """Out, forced in: `` and the NPV by X`` / `` while the NPV rises by X`` (the real
        change, currency), when the score is not the NPV itself and the re-solve found one."""
        if self.score_name == "NPV" or self.npv_change is None:
            return ""
        if self.npv_change <= 0:
            return f" and the NPV by {currency} {-self.npv_change:,.0f}"
        return f" while the NPV rises by {currency} {self.npv_change:,.0f}"

    def without_it(self, currency: str) -> str:
        """In, forced out: ``; without it, X would come in, Y would leave with it and the NPV
        would fall by Z`` (the real NPV change, currency; when it rises: it is chosen for its
        customer value). Empty when nothing changes but the score."""
        changes = []
        if self.joins:
            changes.append(f"{and_list(self.joins)} would come in")
        if self.leaves_with:
            changes.append(f"{and_list(self.leaves_with)} would leave with it")
        if self.score_name != "NPV" and self.npv_change is not None:
            change = self.npv_change
            if abs(change) < 0.5:
                changes.append("the NPV would not change")
            elif change < 0:
                changes.append(f"the NPV would fall by {currency} {-change:,.0f}")
            else:
                changes.append(
                    f"the NPV would rise by {currency} {change:,.0f}: it is chosen for its "
                    "customer value"
                )
        return f"; without it, {and_list(changes, serial=True)}" if changes else ""


def and_list(parts: list[str], *, serial: bool = False) -> str:
    """``a``, ``a and b``, ``a, b and c``; ``serial``: a comma before the last ``and`` too
    (``a, b, and c``; ``a, and b``), for parts that hold lists or an ``and`` of their own."""
    if len(parts) == 1:
        return parts[0]
    last = ", and " if serial and (len(parts) > 2 or " and " in parts[0]) else " and "
    return ", ".join(parts[:-1]) + last + parts[-1]


@dataclass(frozen=True, eq=False)
class Explanations(AnalysisResult):
    """Explanations for several initiatives."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    items: list[Explanation]

    def toggled(self) -> dict[str, tuple[float, np.ndarray]]:
        """Per initiative explained with a forced solve that found a portfolio: (objective,
        0/1 selection in input order) of the best portfolio with it on the other side of the
        recommendation — what :func:`~prioritizer.analysis.tornado.tornado` would solve."""
        ids = self.scenario.ids
        return {
            e.id: (e.objective_forced, np.isin(ids, e.forced_selected).astype(float))
            for e in self.items
            if e.forced_selected is not None
        }

    def _table(self) -> pd.DataFrame:
        """One row per initiative (index ``id``): ``name``, ``selected``, ``value_margin``
        (objective units), ``business_value_margin`` (currency; in blended mode the score
        margin converted at the base normalizers), ``cost`` and ``cost_to_enter`` (currency;
        NaN when not searched or never), ``npv_change`` (currency: the real NPV change of
        forcing it to the other side, the figure the sentence quotes; NaN when no portfolio
        exists that way), ``blocking_rules``, ``displaces``, ``joins`` (``;``-separated)."""
        rows = []
        for e in self.items:
            rows.append(
                {
                    "id": e.id,
                    "name": e.name,
                    "selected": e.selected,
                    "value_margin": e.value_margin,
                    "business_value_margin": e.business_value_margin,
                    "cost": e.cost,
                    "cost_to_enter": math.nan if e.cost_to_enter is None else e.cost_to_enter,
                    "npv_change": math.nan if e.npv_change is None else e.npv_change,
                    "blocking_rules": ";".join(e.blocking_rules),
                    "displaces": ";".join(e.displaces),
                    "joins": ";".join(e.joins),
                }
            )
        return pd.DataFrame.from_records(rows).set_index("id")

    def sentences(self) -> dict[str, str]:
        """The explanation of each initiative in business words, by id."""
        return {e.id: e.sentence(self.scenario.currency) for e in self.items}

    def finding(self) -> Finding:
        """One initiative: its sentence. Several: the closest call."""
        if len(self.items) == 1:
            return Finding(self.items[0].sentence(self.scenario.currency), {"id": self.items[0].id})
        finite = [e for e in self.items if np.isfinite(e.business_value_margin)]
        closest = min(finite, key=lambda e: abs(e.business_value_margin), default=None)
        numbers: dict[str, Any] = {"explained": len(self.items)}
        if closest is not None:
            numbers.update(closest=closest.id, margin=closest.business_value_margin)
        return Finding("The closest calls: initiatives nearest to switching", numbers)

    def summary(self) -> list[str]:
        """Terminal lines: every sentence when some initiatives were asked about, else a
        heading (the table says the rest)."""
        if len(self.items) < len(self.scenario.initiatives):
            return list(self.sentences().values())
        return [f"{self.scenario.name} — why each initiative is in or out"]

    def _payload(self) -> dict[str, Any]:
        """One record per initiative, with its sentence."""
        cur = self.scenario.currency
        out = []
        for e in self.items:
            record = {k: v for k, v in e.__dict__.items() if k != "forced_selected"}
            for key in ("value_margin", "business_value_margin", "objective_forced"):
                record[key] = json_value(record[key])
            record["sentence"] = e.sentence(cur)
            out.append(record)
        return {"objective": self.base.objective, "initiatives": out}

    def plot(self, ax: Axes | None = None, *, title: str | None = None, top: int = 20) -> Axes:
        """Value margins per initiative (see plots.plot_explain)."""
        from ..plots import plot_explain

        return plot_explain(
            self._table(),
            currency=self.scenario.currency,
            title=self.finding().text if title is None else title,
            top=top,
            ax=ax,
        )


def _explain_one(
    scenario: Scenario,
    scores: pd.DataFrame,
    normalizers: tuple[float, float],
    ident: str,
    base_selected: tuple[str, ...],
    base_objective: float,
    options: SolverOptions,
    with_cost: bool,
) -> Explanation:
    k = scenario.ids.index(ident)
    item = scenario.initiatives[k]
    chosen = ident in base_selected
    fixed_by_rule = (
        "mandatory"
        if ident in scenario.mandatory_ids()
        else "excluded"
        if ident in scenario.rules.excluded
        else ""
    )
    if fixed_by_rule:
        return Explanation(
            id=ident,
            name=item.name,
            selected=chosen,
            objective=base_objective,
            objective_forced=float("nan"),
            value_margin=float("inf"),
            business_value_margin=float("inf"),
            cost=item.cost,
            cost_to_enter=None,
            forced_status=fixed_by_rule,
        )
    forced_scenario = (
        scenario.with_overrides(force_out=[ident])
        if chosen
        else scenario.with_overrides(force_in=[ident])
    )
    toggled = scores.index.isin(
        [i for i in base_selected if i != ident] if chosen else [*base_selected, ident]
    ).astype(float)  # a start when it keeps every rule
    forced = solve_portfolio(
        forced_scenario, sweep_options(options, len(scores)), scores=scores, start=toggled
    )
    ok = forced.status in FEASIBLE
    forced_objective = forced.objective if ok else float("-inf")
    margin = base_objective - forced_objective if ok else float("inf")
    margin = max(margin, 0.0)
    s_b, _ = normalizers
    objective = scenario.objective
    if objective.mode == "business":
        business_margin = margin
    elif objective.mode == "blended" and objective.business_weight > 0:
        business_margin = margin * s_b / objective.business_weight
    else:
        business_margin = float("nan")
    base_set = set(base_selected)
    forced_set = set(forced.selected) if ok else set()
    order = {i: n for n, i in enumerate(scenario.ids)}
    displaces = sorted(base_set - forced_set - {ident}, key=order.__getitem__)
    joins = sorted(forced_set - base_set - {ident}, key=order.__getitem__)
    blocking: list[str] = []
    blocking_texts: list[str] = []
    cost_to_enter: float | None = None
    if not chosen:
        x = scores.index.isin([*base_selected, ident]).astype(float)
        broken = violated_rules(build_rules(scenario, scores), x)
        blocking = [r.key for r in broken]
        blocking_texts = [r.text for r in broken]
        if with_cost and ok:
            cost_to_enter = _cost_to_enter(
                scenario, normalizers, ident, k, options, start=scores.index.isin(base_selected)
            )
    return Explanation(
        id=ident,
        name=item.name,
        selected=chosen,
        objective=base_objective,
        objective_forced=forced_objective,
        value_margin=margin,
        business_value_margin=business_margin,
        cost=item.cost,
        cost_to_enter=cost_to_enter,
        blocking_rules=blocking,
        displaces=displaces if not chosen else [],
        leaves_with=displaces if chosen else [],
        cost_searched=with_cost and ok and not chosen,
        joins=joins,
        forced_status=forced.status,
        forced_selected=[i for i in scenario.ids if i in forced_set] if ok else None,
        npv_change=(
            math.fsum(scores.loc[sorted(forced_set), "business_value"].tolist())
            - math.fsum(scores.loc[sorted(base_set), "business_value"].tolist())
            if ok
            else None
        ),
        blocking_texts=blocking_texts,
        score_name={"business": "NPV", "customer": "customer value", "blended": "blended score"}[
            objective.mode
        ],
    )


def _cost_to_enter(
    scenario: Scenario,
    normalizers: tuple[float, float],
    ident: str,
    k: int,
    options: SolverOptions,
    iterations: int = 18,
    start: np.ndarray | None = None,
) -> float | None:
    """Highest one-off cost at which the initiative enters (bisection; None if never); the
    blended normalizers stay those of the base case. ``start``: the recommendation (0/1,
    input order), from which every re-solve starts."""
    costs = np.array([i.cost for i in scenario.initiatives], dtype=float)
    sweep = sweep_options(options, len(costs))  # ~19 re-solves: no tie-break, as in sweeps

    def enters(cost: float) -> bool:
        trial = costs.copy()
        trial[k] = cost
        scores = score_initiatives(scenario, values={"cost": trial}, normalizers=normalizers)
        result = solve_portfolio(scenario, sweep, scores=scores, start=start)
        return result.status in FEASIBLE and ident in result.selected

    if not enters(0.0):
        return None
    low, high = 0.0, scenario.initiatives[k].cost
    for _ in range(iterations):
        middle = (low + high) / 2
        if enters(middle):
            low = middle
        else:
            high = middle
    return low


def explain(
    scenario: Scenario,
    ids: list[str] | str | None = None,
    *,
    cost_threshold: bool | None = None,
    options: SolverOptions | None = None,
    base: Result | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Explanations:
    """Explain why initiatives are in or out.

    Parameters
    ----------
    ids:
        One id, a list, or None for every initiative.
    cost_threshold:
        Also find, by bisection (≈ 19 re-solves each), the one-off cost at which an excluded
        initiative would enter. Default: only when explaining a single initiative.
    """
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    wanted = [ids] if isinstance(ids, str) else (list(ids) if ids is not None else scenario.ids)
    wanted = scenario.canonical_ids(wanted)  # ids match without case, as in `rules`
    for ident in wanted:
        scenario.initiative(ident)  # ScenarioError for an unknown id
    with_cost = cost_threshold if cost_threshold is not None else len(wanted) == 1
    norm = normalizers_of(base.scores)
    chosen = tuple(base.selected)
    tasks = [
        (scenario, base.scores, norm, ident, chosen, base.objective, options, with_cost)
        for ident in wanted
    ]
    items = run_tasks(_explain_one, tasks, workers=workers, executor=executor, progress=progress)
    return Explanations(scenario, base, options, items)
