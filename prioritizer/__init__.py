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

from ._version import __version__
from .diagnose import Diagnosis, diagnose_infeasibility
from .exceptions import InfeasibleError, PrioritizerError, Problem, ScenarioError, SolverError
from .io import load_scenario, scenario_from_mapping
from .models import Initiative, Objective, Rules, Scenario, Segment
from .optimize import optimize, solve_portfolio
from .result import Result, SolverOptions
from .value import annuity_factor, score_initiatives

_LAZY = {
    "efficient_frontier": "prioritizer.analysis.frontier",
    "marginal_values": "prioritizer.analysis.marginal",
    "tornado": "prioritizer.analysis.tornado",
    "monte_carlo": "prioritizer.analysis.montecarlo",
    "pareto_front": "prioritizer.analysis.pareto",
    "weight_sweep": "prioritizer.analysis.pareto",
    "explain": "prioritizer.analysis.explain",
    "compare": "prioritizer.analysis.compare",
    "compare_with_ranking": "prioritizer.analysis.ranking",
    "build_pack": "prioritizer.report",
    "write_pack": "prioritizer.report",
    "load_evidence": "prioritizer.evidence.analyse",
    "analyse_evidence": "prioritizer.evidence.analyse",
    "EvidenceReport": "prioritizer.evidence.analyse",
}


def __getattr__(name: str) -> object:
    """Analyses and the report are imported on first use, keeping ``import prioritizer`` light."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'prioritizer' has no attribute {name!r}")


__all__ = [
    "Diagnosis",
    "EvidenceReport",
    "InfeasibleError",
    "Initiative",
    "Objective",
    "PrioritizerError",
    "Problem",
    "Result",
    "Rules",
    "Scenario",
    "ScenarioError",
    "Segment",
    "SolverError",
    "SolverOptions",
    "__version__",
    "analyse_evidence",
    "annuity_factor",
    "build_pack",
    "compare",
    "compare_with_ranking",
    "diagnose_infeasibility",
    "efficient_frontier",
    "explain",
    "load_evidence",
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
