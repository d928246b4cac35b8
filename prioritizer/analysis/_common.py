"""Small building blocks shared by the analyses.

The solve patterns (``least_use_beating``, ``lexicographic``, ``sweep_options``) and their
solver tolerances live in :mod:`prioritizer.solver.primitives`; they are re-exported here.
"""

from __future__ import annotations

import numpy as np

from ..evidence.coverage import own_objective
from ..result import Result
from ..rules import floor_rule, violated_rules
from ..solver import FEASIBLE, SMALL_MODEL, least_use_beating, lexicographic, sweep_options

__all__ = [
    "FEASIBLE",
    "SMALL_MODEL",
    "floor_rule",
    "least_use_beating",
    "lexicographic",
    "prefer_base",
    "sweep_options",
]


def prefer_base(result: Result, base_selection: np.ndarray) -> np.ndarray:
    """The selection to report for a re-solve: the recommended (base) portfolio when it still
    satisfies every rule and is still optimal within 1e-9 (relative), else the new optimum.

    So ties favour the recommendation, and "the portfolio changes" means the recommendation
    really stopped being optimal — without a second, tie-breaking solve per draw.
    """
    if result.status not in FEASIBLE:
        return result.selection
    # valued as Result values the re-solve: feedback several initiatives address counts once
    base_value = own_objective(result.scenario, result.scores, base_selection)
    tolerance = 1e-9 * max(1.0, abs(result.objective))
    if base_value >= result.objective - tolerance and not violated_rules(
        result.rules, base_selection
    ):
        return base_selection
    return result.selection
