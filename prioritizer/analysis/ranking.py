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

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..models import Scenario
from ..optimize import optimize
from ..result import Result, SolverOptions
from ..rules import Rule, build_rules, violated_rules
from ..solver.start import ranking_selection as rules_ranking
from ..value import score_initiatives


@dataclass(frozen=True, eq=False)
class RankingComparison:
    """The optimum beside the spreadsheet ranking's portfolio."""

    scenario: Scenario
    optimum: Result
    selected: list[str]
    ranking_objective: float
    ranking_business_value: float
    ranking_customer_value: float
    ranking_cost: float
    feasible: bool

    @property
    def share_of_optimum(self) -> float:
        """Ranking objective ÷ optimal objective (1.0 = the ranking is optimal)."""
        best = self.optimum.objective
        return self.ranking_objective / best if best > 0 else float("nan")

    def differences(self) -> pd.DataFrame:
        """Initiatives funded by only one of the two (index ``id``): ``in_optimum``,
        ``in_ranking``, ``business_value``, ``customer_value``, ``cost``."""
        scores = self.optimum.scores
        in_opt = scores.index.isin(self.optimum.selected)
        in_rank = scores.index.isin(self.selected)
        differ = in_opt != in_rank
        frame = scores.loc[differ, ["name", "business_value", "customer_value", "cost"]].copy()
        frame.insert(1, "in_optimum", in_opt[differ])
        frame.insert(2, "in_ranking", in_rank[differ])
        return frame

    def to_frame(self) -> pd.DataFrame:
        """Two rows (optimum, ranking) with objective, business and customer value and cost."""
        opt = self.optimum
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

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "scenario": self.scenario.name,
            "optimum_objective": self.optimum.objective,
            "ranking_objective": self.ranking_objective,
            "share_of_optimum": self.share_of_optimum,
            "ranking_feasible": self.feasible,
            "ranking_selected": self.selected,
            "only_in_optimum": [i for i in self.optimum.selected if i not in self.selected],
            "only_in_ranking": [i for i in self.selected if i not in self.optimum.selected],
        }

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Optimum vs ranking chart (see plots.plot_ranking)."""
        from ..plots import plot_ranking

        return plot_ranking(self, ax=ax, **kwargs)


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
    scenario: Scenario, *, options: SolverOptions | None = None, optimum: Result | None = None
) -> RankingComparison:
    """The optimal portfolio beside what the spreadsheet ranking would fund."""
    options = options or SolverOptions()
    if optimum is None:
        optimum = optimize(
            scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap
        )
    scores = optimum.scores
    rules = build_rules(scenario, scores)
    x = ranking_selection(scenario, scores, rules)
    feasible = not violated_rules(rules, x)
    chosen = x > 0.5
    return RankingComparison(
        scenario=scenario,
        optimum=optimum,
        selected=list(scores.index[chosen]),
        ranking_objective=float(scores["objective_score"].to_numpy()[chosen].sum()),
        ranking_business_value=float(scores["business_value"].to_numpy()[chosen].sum()),
        ranking_customer_value=float(scores["customer_value"].to_numpy()[chosen].sum()),
        ranking_cost=float(scores["cost"].to_numpy()[chosen].sum()),
        feasible=feasible,
    )
