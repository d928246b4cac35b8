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

__all__ = [
    "Diagnosis",
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
    "annuity_factor",
    "diagnose_infeasibility",
    "load_scenario",
    "optimize",
    "scenario_from_mapping",
    "score_initiatives",
    "solve_portfolio",
]
