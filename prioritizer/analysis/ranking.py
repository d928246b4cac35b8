"""Today's spreadsheet practice, as a baseline: rank by value per unit of cost and fund down
the list until the money runs out — respecting the same rules as the optimizer.

Rules of the ranking (documented so the comparison is fair):

1. Mandatory initiatives are funded first.
2. The others are ranked by objective score ÷ one-off cost (free ones first, then by ratio,
   ties in input order); those with no positive score are never funded.
3. Down the list, an initiative is funded if its dependencies are already funded and adding it
   breaks no budget, opex budget, team capacity, exclusive group, exclusion or maximum count.
4. Minimum counts still unmet are then filled with the best-ranked candidates that fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..evidence.coverage import double_counted, own_objective
from ..models import Scenario
from ..result import Result, SolverOptions
from ..rules import Rule, build_rules, violated_rules
from ..solver.start import ranking_selection as rules_ranking
from ..value import score_initiatives
from .protocol import AnalysisResult, Finding, base_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False)
class RankingComparison(AnalysisResult):
    """The optimum (``base``) beside the spreadsheet ranking's portfolio."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    selected: list[str]
    ranking_objective: float
    ranking_business_value: float
    ranking_customer_value: float
    ranking_cost: float
    feasible: bool
    listed: list[str] = field(default_factory=list)
    """On a roadmap: the ranking's list before phasing (``selected``: what the periods fit)."""
    broken: list[str] = field(default_factory=list)
    """The rules the ranking's portfolio breaks, in words (a minimum count it could not
    meet): its value is then no fair comparison."""

    @property
    def optimum(self) -> Result:
        """The optimal portfolio (alias of ``base``)."""
        return self.base

    @property
    def share_of_optimum(self) -> float:
        """Ranking objective ÷ optimal objective (1.0 = the ranking is optimal)."""
        best = self.base.objective
        return self.ranking_objective / best if best > 0 else float("nan")

    def differences(self) -> pd.DataFrame:
        """Initiatives funded by only one of the two (index ``id``): ``in_optimum``,
        ``in_ranking``, ``business_value``, ``customer_value``, ``cost``."""
        scores = self.base.scores
        in_opt = scores.index.isin(self.base.selected)
        in_rank = scores.index.isin(self.selected)
        differ = in_opt != in_rank
        frame = scores.loc[differ, ["name", "business_value", "customer_value", "cost"]].copy()
        frame.insert(1, "in_optimum", in_opt[differ])
        frame.insert(2, "in_ranking", in_rank[differ])
        return frame

    def _table(self) -> pd.DataFrame:
        """Two rows (optimum, ranking) with objective, business and customer value and cost."""
        opt = self.base
        return pd.DataFrame(
            {
                "objective": [opt.objective, self.ranking_objective],
                "business_value": [opt.business_value, self.ranking_business_value],
                "customer_value": [opt.customer_value, self.ranking_customer_value],
                "cost": [opt.cost, self.ranking_cost],
                "n_selected": [len(opt.selected), len(self.selected)],
            },
            index=pd.Index(["optimum", "spreadsheet ranking"], name="portfolio"),
        )

    def finding(self) -> Finding:
        """The share of the optimized value the spreadsheet ranking would reach."""
        share = self.share_of_optimum
        text = (
            f"The spreadsheet ranking would deliver {fmt.share(share)} of the optimized value "
            "for the same rules"
        )
        if not math.isfinite(share):  # an optimum that is not positive: no share to give
            text = (
                "The spreadsheet ranking is no share of the optimized value here: the "
                "optimum's value is not positive"
            )
        if self.broken:  # a share of a portfolio that breaks a rule is no fair comparison
            more = f" and {len(self.broken) - 1} more" if len(self.broken) > 1 else ""
            text = f"The spreadsheet ranking breaks a rule ({self.broken[0]}{more})"
            if math.isfinite(share):
                text += (
                    f": its {fmt.share(share)} of the optimized value is reached only by "
                    "breaking it"
                )
        if self.listed and len(self.selected) < len(self.listed):
            text += (
                f"; the periods fit {len(self.selected)} of the "
                f"{len(self.listed)} initiatives on its list"
            )
        return Finding(text, {"share_of_optimum": share})

    def _payload(self) -> dict[str, Any]:
        return {
            "optimum_objective": self.base.objective,
            "ranking_objective": self.ranking_objective,
            "share_of_optimum": self.share_of_optimum,
            "ranking_feasible": self.feasible,
            "ranking_breaks": list(self.broken),
            "ranking_selected": self.selected,
            "only_in_optimum": [i for i in self.base.selected if i not in self.selected],
            "only_in_ranking": [i for i in self.selected if i not in self.base.selected],
        }

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Optimum vs ranking chart (see plots.plot_ranking)."""
        from ..plots import plot_ranking

        diff = self.differences()
        return plot_ranking(
            self._table()["objective"],
            only_optimum=[str(n) for n in diff.loc[diff["in_optimum"], "name"]],
            only_ranking=[str(n) for n in diff.loc[diff["in_ranking"], "name"]],
            currency=self.scenario.currency,
            mode=self.scenario.objective.mode,
            title=self.finding().text if title is None else title,
            ax=ax,
        )


def ranking_selection(
    scenario: Scenario, scores: pd.DataFrame | None = None, rules: list[Rule] | None = None
) -> np.ndarray:
    """The 0/1 selection (input order) of the spreadsheet ranking described above
    (``rules``: the scenario's rules for ``scores``, when already built); the algorithm is
    :func:`prioritizer.solver.start.ranking_selection`, also the start of time-limited solves."""
    scores = score_initiatives(scenario) if scores is None else scores
    rules = build_rules(scenario, scores) if rules is None else rules
    return rules_ranking(
        rules,
        scores["objective_score"].to_numpy(dtype=float),
        scores["cost"].to_numpy(dtype=float),
    )


def compare_with_ranking(
    scenario: Scenario,
    *,
    options: SolverOptions | None = None,
    base: Result | None = None,
    optimum: Result | None = None,
    selection: np.ndarray | None = None,
) -> RankingComparison:
    """The optimal portfolio (``base``, solved here when not given; ``optimum`` is its old
    name) beside what the spreadsheet ranking would fund (``selection``: its 0/1 selection,
    input order, when the caller has computed it with :func:`ranking_selection` from the
    optimum's own scores and rules, e.g. while the optimum was being solved)."""
    options = options or SolverOptions()
    if scenario.periods:  # beside the best roadmap, both valued at their starts
        if base is None and optimum is None:
            from ..roadmap.plan import base_roadmap

            base = base_roadmap(scenario, options).as_result()
        return _compare_roadmap(scenario, options, base_result(scenario, options, base or optimum))
    optimum = base_result(scenario, options, base or optimum)
    scores = optimum.scores
    # the optimum's own rules when it solved this scenario: the same rules, built once
    same = optimum.scenario is scenario and bool(optimum.rules)
    rules = list(optimum.rules) if same else build_rules(scenario, scores)
    x = ranking_selection(scenario, scores, rules) if selection is None else selection
    broken = [rule.text for rule in violated_rules(rules, x)]
    chosen = x > 0.5
    # feedback several funded initiatives address counts once, as in Result
    excess = double_counted(scenario, scores, chosen)  # 0.0 without overlapping feedback
    objective = (
        own_objective(scenario, scores, chosen)
        if excess
        else float(scores["objective_score"].to_numpy()[chosen].sum())
    )
    customer = float(scores["customer_value"].to_numpy()[chosen].sum()) - excess
    return RankingComparison(
        scenario=scenario,
        base=optimum,
        options=options,
        selected=scores.index[chosen].tolist(),
        ranking_objective=objective,
        ranking_business_value=float(scores["business_value"].to_numpy()[chosen].sum()),
        ranking_customer_value=customer,
        ranking_cost=float(scores["cost"].to_numpy()[chosen].sum()),
        feasible=not broken,
        broken=broken,
    )


def _compare_roadmap(
    scenario: Scenario, options: SolverOptions, optimum: Result
) -> RankingComparison:
    """A roadmap (``periods``) beside the spreadsheet ranking's list phased as well as the
    periods allow: the list is ranked and cut as without periods (one-lump values, plan-wide
    rules), then the roadmap program places it, every initiative off the list forced out.
    Both sides are valued at their planned starts; ``feasible`` says whether the whole list
    could be placed (else the roadmap keeps the best part of it)."""
    from ..roadmap.plan import base_roadmap
    from ..roadmap.solve import solve_roadmap

    scores = score_initiatives(scenario)
    x = ranking_selection(scenario, scores)
    listed = scores.index[x > 0.5].tolist()
    off = [ident for ident in scores.index if ident not in set(listed)]
    best = base_roadmap(scenario, options)
    phased = solve_roadmap(scenario.with_overrides(force_out=off), options)
    if phased.status not in ("optimal", "feasible"):  # not even part of the list fits
        return RankingComparison(
            scenario, optimum, options, [], 0.0, 0.0, 0.0, 0.0, False, listed=listed
        )
    # valued with the best roadmap's own table of start values (same normalizers)
    table = best.columns.set_index(["id", "start"])
    keys = list(zip(phased.chosen["id"], phased.chosen["start"], strict=True))
    values = table.loc[keys] if keys else table.iloc[:0]
    return RankingComparison(
        scenario=scenario,
        base=optimum,
        options=options,
        selected=phased.selected,
        ranking_objective=float(values["objective_score"].sum()),
        ranking_business_value=float(values["business_value"].sum()),
        ranking_customer_value=float(values["customer_value"].sum()),
        ranking_cost=float(values["cost"].sum()),
        feasible=set(phased.selected) == set(listed),
        listed=listed,
    )
