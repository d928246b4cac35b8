"""prioritizer: choose the best portfolio of customer-experience initiatives.

Quick start (in a notebook)::

    import prioritizer as px
    sc = px.load_scenario("scenarios/retail_bank/scenario.yaml")
    res = px.optimize(sc)
    res.portfolio                     # one row per initiative, every value-model term
    lean = sc.with_overrides(budget=2_000_000)

Every public name is imported on first use (typed for checkers below), so ``import
prioritizer`` is instant and pulls in neither pandas, matplotlib nor click until needed; the
command line relies on this to answer Ctrl-C during its start-up imports.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
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
    from .diagnose import Diagnosis, diagnose_infeasibility
    from .evidence.analyse import EvidenceReport, analyse_evidence, load_evidence
    from .exceptions import (
        InfeasibleError,
        PrioritizerError,
        Problem,
        ScenarioError,
        SolverError,
    )
    from .explore.state import Explorer
    from .explore.widget import explore
    from .io import load_scenario, scenario_from_mapping
    from .models import Initiative, Objective, Rules, Scenario, Segment
    from .optimize import optimize, solve_portfolio
    from .report import SteeringPack, build_pack, write_pack
    from .result import Result, SolverOptions
    from .roadmap import Roadmap, plan_roadmap, start_values
    from .tracking.actuals import read_actuals
    from .tracking.calibrate import apply_calibration, calibrate
    from .tracking.committed import committed_scenario
    from .tracking.plan import Plan
    from .tracking.register import open_register
    from .tracking.track import Tracking, track
    from .value import annuity_factor, score_initiatives

_LAZY = {
    "Diagnosis": "prioritizer.diagnose",
    "diagnose_infeasibility": "prioritizer.diagnose",
    "InfeasibleError": "prioritizer.exceptions",
    "PrioritizerError": "prioritizer.exceptions",
    "Problem": "prioritizer.exceptions",
    "ScenarioError": "prioritizer.exceptions",
    "SolverError": "prioritizer.exceptions",
    "load_scenario": "prioritizer.io",
    "scenario_from_mapping": "prioritizer.io",
    "Initiative": "prioritizer.models",
    "Objective": "prioritizer.models",
    "Rules": "prioritizer.models",
    "Scenario": "prioritizer.models",
    "Segment": "prioritizer.models",
    "optimize": "prioritizer.optimize",
    "solve_portfolio": "prioritizer.optimize",
    "Result": "prioritizer.result",
    "SolverOptions": "prioritizer.result",
    "annuity_factor": "prioritizer.value",
    "score_initiatives": "prioritizer.value",
    "efficient_frontier": "prioritizer.analysis.frontier",
    "marginal_values": "prioritizer.analysis.marginal",
    "tornado": "prioritizer.analysis.tornado",
    "monte_carlo": "prioritizer.analysis.montecarlo",
    "pareto_front": "prioritizer.analysis.pareto",
    "weight_sweep": "prioritizer.analysis.pareto",
    "explain": "prioritizer.analysis.explain",
    "compare": "prioritizer.analysis.compare",
    "compare_with_ranking": "prioritizer.analysis.ranking",
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
    "Explorer": "prioritizer.explore.state",
    "explore": "prioritizer.explore.widget",
    "build_pack": "prioritizer.report",
    "write_pack": "prioritizer.report",
    "Plan": "prioritizer.tracking.plan",
    "Tracking": "prioritizer.tracking.track",
    "track": "prioritizer.tracking.track",
    "read_actuals": "prioritizer.tracking.actuals",
    "committed_scenario": "prioritizer.tracking.committed",
    "calibrate": "prioritizer.tracking.calibrate",
    "apply_calibration": "prioritizer.tracking.calibrate",
    "open_register": "prioritizer.tracking.register",
    "load_evidence": "prioritizer.evidence.analyse",
    "analyse_evidence": "prioritizer.evidence.analyse",
    "EvidenceReport": "prioritizer.evidence.analyse",
    "plan_roadmap": "prioritizer.roadmap",
    "Roadmap": "prioritizer.roadmap",
    "start_values": "prioritizer.roadmap",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'prioritizer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """``prioritizer.optimize`` is both a submodule and the public function. Importing the
    submodule sets the package attribute to the module; keep the function there instead."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "optimize" and isinstance(value, types.ModuleType):
            value = value.optimize
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "REGISTRY",
    "Analysis",
    "Comparison",
    "Diagnosis",
    "EvidenceReport",
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
    "Plan",
    "PrioritizerError",
    "Problem",
    "RankingComparison",
    "Result",
    "Roadmap",
    "Rules",
    "Scenario",
    "ScenarioError",
    "Segment",
    "SolverError",
    "SolverOptions",
    "SteeringPack",
    "Tornado",
    "Tracking",
    "WeightSweep",
    "__version__",
    "analyse_evidence",
    "annuity_factor",
    "apply_calibration",
    "build_pack",
    "calibrate",
    "committed_scenario",
    "compare",
    "compare_with_ranking",
    "diagnose_infeasibility",
    "efficient_frontier",
    "explain",
    "explore",
    "load_evidence",
    "load_scenario",
    "marginal_values",
    "monte_carlo",
    "open_register",
    "optimize",
    "pareto_front",
    "plan_roadmap",
    "read_actuals",
    "scenario_from_mapping",
    "score_initiatives",
    "solve_portfolio",
    "start_values",
    "tornado",
    "track",
    "weight_sweep",
    "write_pack",
]
