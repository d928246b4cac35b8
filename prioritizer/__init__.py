"""prioritizer: choose the best portfolio of customer-experience initiatives.

Quick start (in a notebook)::

    import prioritizer as px
    sc = px.load_scenario("scenarios/retail_bank/scenario.yaml")
    res = px.optimize(sc)
    res.portfolio                     # one row per initiative, every value-model term
    lean = sc.with_overrides(budget=2_000_000)

Importing this package pulls in neither matplotlib nor click.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._version import __version__
from .diagnose import Diagnosis, diagnose_infeasibility
from .exceptions import InfeasibleError, PrioritizerError, Problem, ScenarioError, SolverError
from .io import load_scenario, scenario_from_mapping
from .models import Initiative, Objective, Rules, Scenario, Segment
from .optimize import optimize, solve_portfolio
from .result import Result, SolverOptions
from .value import annuity_factor, score_initiatives

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time these load on first use
    from .analysis.compare import Comparison, compare
    from .analysis.explain import Explanations, explain
    from .analysis.frontier import Frontier, efficient_frontier
    from .analysis.marginal import MarginalValues, marginal_values
    from .analysis.montecarlo import MonteCarlo, monte_carlo
    from .analysis.pareto import ParetoFront, WeightSweep, pareto_front, weight_sweep
    from .analysis.protocol import Analysis, Finding
    from .analysis.ranking import RankingComparison, compare_with_ranking
    from .analysis.registry import REGISTRY
    from .analysis.tornado import Tornado, tornado
    from .explore.state import Explorer
    from .explore.widget import explore
    from .report import SteeringPack, build_pack, write_pack

_LAZY = {
    "Analysis": "prioritizer.analysis.protocol",
    "Finding": "prioritizer.analysis.protocol",
    "REGISTRY": "prioritizer.analysis.registry",
    "Comparison": "prioritizer.analysis.compare",
    "Explanations": "prioritizer.analysis.explain",
    "Frontier": "prioritizer.analysis.frontier",
    "MarginalValues": "prioritizer.analysis.marginal",
    "MonteCarlo": "prioritizer.analysis.montecarlo",
    "ParetoFront": "prioritizer.analysis.pareto",
    "WeightSweep": "prioritizer.analysis.pareto",
    "RankingComparison": "prioritizer.analysis.ranking",
    "Tornado": "prioritizer.analysis.tornado",
    "SteeringPack": "prioritizer.report",
    "efficient_frontier": "prioritizer.analysis.frontier",
    "marginal_values": "prioritizer.analysis.marginal",
    "tornado": "prioritizer.analysis.tornado",
    "monte_carlo": "prioritizer.analysis.montecarlo",
    "pareto_front": "prioritizer.analysis.pareto",
    "weight_sweep": "prioritizer.analysis.pareto",
    "explain": "prioritizer.analysis.explain",
    "compare": "prioritizer.analysis.compare",
    "compare_with_ranking": "prioritizer.analysis.ranking",
    "Explorer": "prioritizer.explore.state",
    "explore": "prioritizer.explore.widget",
    "build_pack": "prioritizer.report",
    "write_pack": "prioritizer.report",
}


def __getattr__(name: str) -> object:
    """Analyses and the report are imported on first use, keeping ``import prioritizer`` light."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'prioritizer' has no attribute {name!r}")


__all__ = [
    "REGISTRY",
    "Analysis",
    "Comparison",
    "Diagnosis",
    "Explanations",
    "Explorer",
    "Finding",
    "Frontier",
    "InfeasibleError",
    "Initiative",
    "MarginalValues",
    "MonteCarlo",
    "Objective",
    "ParetoFront",
    "PrioritizerError",
    "Problem",
    "RankingComparison",
    "Result",
    "Rules",
    "Scenario",
    "ScenarioError",
    "Segment",
    "SolverError",
    "SolverOptions",
    "SteeringPack",
    "Tornado",
    "WeightSweep",
    "__version__",
    "annuity_factor",
    "build_pack",
    "compare",
    "compare_with_ranking",
    "diagnose_infeasibility",
    "efficient_frontier",
    "explain",
    "explore",
    "load_scenario",
    "marginal_values",
    "monte_carlo",
    "optimize",
    "pareto_front",
    "scenario_from_mapping",
    "score_initiatives",
    "solve_portfolio",
    "tornado",
    "weight_sweep",
    "write_pack",
]
