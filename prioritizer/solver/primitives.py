"""Solve patterns shared by the analyses, with the solver tolerances they need.

The epsilons here are facts about the solvers (CBC's feasibility tolerance on floor rules,
its cut generation on small models), so they live in the solver layer, not in analyses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..evidence.coverage import own_objective
from ..models import Scenario
from ..result import Result, SolverOptions
from ..rules import Rule, floor_rule
from .portfolio import TIE_TOLERANCE, solve_portfolio
from .solution import FEASIBLE

SMALL_MODEL = 200
"""Up to this many initiatives, sweeps switch CBC's cuts off (see :func:`sweep_options`)."""

FLOOR_EPSILONS = (1e-7, 1e-6, 1e-5)
"""Relative margins above a threshold tried by :func:`least_use_beating`, tightest first."""


def sweep_options(options: SolverOptions, n: int | None = None) -> SolverOptions:
    """Options for the many re-solves of a sweep: no tie-break solve (see
    :func:`prioritizer.analysis._common.prefer_base`), and for models of at most
    :data:`SMALL_MODEL` initiatives no CBC cuts — faster on the examples (60 initiatives:
    52 -> 25 ms) and OR-Library mknapcb1 (n = 100), but far slower at n = 1,000, where cuts
    stay on; and CBC's library in this process for models it suits (``in_process``, see
    :func:`prioritizer.solver.backend_for`). Optimality is proven either way.
    """
    small = n is not None and n <= SMALL_MODEL
    return dataclasses.replace(
        options, tie_break=False, cuts=options.cuts and not small, in_process=True
    )


def least_use_beating(
    scenario: Scenario,
    scores: pd.DataFrame,
    options: SolverOptions,
    *,
    use: np.ndarray,
    threshold: float,
    disabled_rules: Iterable[str] = (),
) -> Result | None:
    """The portfolio that uses least of ``use`` among those whose own objective is worth
    strictly more than ``threshold``, under every rule but ``disabled_rules``; None if none
    exists. The objective is the scenario's, counted as :class:`~prioritizer.Result` counts
    it (feedback that several chosen initiatives address counts once).

    Worth is checked on exact values. The floor starts 1e-7 above the threshold, relative to
    the largest of |threshold|, the largest |score| and 1: with floors closer than that CBC
    was seen (bank example) to return a non-minimal portfolio as optimal or to call the floor
    infeasible. It widens to 1e-6 and 1e-5 when the solver lets an equal portfolio through
    its feasibility tolerance, so improvements smaller than 1e-7 of that size are not
    resolved.
    """
    # relative to the threshold, or to the largest score when the threshold is smaller (an
    # empty optimum's 0 against scores in currency: 1e-7 absolute is below CBC's tolerance)
    values = scores["objective_score"].to_numpy(dtype=float)
    magnitude = max(1.0, abs(threshold), float(np.abs(values).max(initial=0.0)))
    for epsilon in FLOOR_EPSILONS:
        floor = threshold + epsilon * magnitude
        result = solve_portfolio(
            scenario,
            options,
            scores=scores,
            objective=-use,
            disabled_rules=disabled_rules,
            objective_floor=floor,
        )
        if result.status not in FEASIBLE:
            continue
        worth = own_objective(scenario, scores, result.selection)
        if worth > threshold + 1e-12 * max(1.0, abs(threshold)):
            return result
    return None


def lexicographic(
    scenario: Scenario,
    scores: pd.DataFrame,
    options: SolverOptions,
    first: np.ndarray,
    second: np.ndarray,
    extra_rules: Iterable[Rule] = (),
) -> Result:
    """Maximize ``first``, then ``second`` among the portfolios optimal for ``first`` (within
    :data:`~.portfolio.TIE_TOLERANCE`, relative). The result's ``objective`` is in the units
    of the objective solved last (``second``, or ``first`` when the second stage fails)."""
    extra = list(extra_rules)
    top = solve_portfolio(scenario, options, scores=scores, objective=first, extra_rules=extra)
    if top.status not in FEASIBLE:
        return top
    best = float(first @ top.selection)
    margin = TIE_TOLERANCE * max(1.0, abs(best))
    keep = floor_rule(first, best - margin, key="first_objective")
    lex = solve_portfolio(
        scenario, options, scores=scores, objective=second, extra_rules=[*extra, keep]
    )
    if lex.status in FEASIBLE and float(first @ lex.selection) >= best - margin:
        return lex
    return top
