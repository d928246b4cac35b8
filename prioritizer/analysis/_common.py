"""Small building blocks shared by the analyses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions
from ..rules import Rule, floor_rule, violated_rules

FEASIBLE = ("optimal", "feasible")


SMALL_MODEL = 200
"""Up to this many initiatives, sweeps switch CBC's cuts off (see :func:`sweep_options`)."""


def sweep_options(options: SolverOptions, n: int | None = None) -> SolverOptions:
    """Options for the many re-solves of a sweep: no tie-break solve (see
    :func:`prefer_base`), and for models of at most :data:`SMALL_MODEL` initiatives no CBC
    cuts — faster on the examples (60 initiatives: 52 -> 25 ms) and OR-Library mknapcb1
    (n = 100), but far slower at n = 1,000, where cuts stay on. Optimality is proven either way.
    """
    small = n is not None and n <= SMALL_MODEL
    return dataclasses.replace(options, tie_break=False, cuts=options.cuts and not small)


def prefer_base(result: Result, base_selection: np.ndarray) -> np.ndarray:
    """The selection to report for a re-solve: the recommended (base) portfolio when it still
    satisfies every rule and is still optimal within 1e-9 (relative), else the new optimum.

    So ties favour the recommendation, and "the portfolio changes" means the recommendation
    really stopped being optimal — without a second, tie-breaking solve per draw.
    """
    if result.status not in FEASIBLE:
        return result.selection
    values = result.scores["objective_score"].to_numpy(dtype=float)
    base_value = float(values @ base_selection)
    tolerance = 1e-9 * max(1.0, abs(result.objective))
    if base_value >= result.objective - tolerance and not violated_rules(
        result.rules, base_selection
    ):
        return base_selection
    return result.selection


def least_use_beating(
    scenario: Scenario,
    scores: pd.DataFrame,
    options: SolverOptions,
    *,
    use: np.ndarray,
    values: np.ndarray,
    threshold: float,
    disabled_rules: Iterable[str] = (),
) -> Result | None:
    """The portfolio that uses least of ``use`` among those worth strictly more than
    ``threshold`` (in ``values``), under every rule but ``disabled_rules``; None if none exists.

    Worth is checked on exact values. The floor starts 1e-7 (relative, at least absolute)
    above the threshold: with floors closer than that CBC was seen (bank example) to return a
    non-minimal portfolio as optimal or to call the floor infeasible. It widens to 1e-6 and
    1e-5 when the solver lets an equal portfolio through its feasibility tolerance, so
    improvements smaller than 1e-7 of the threshold are not resolved.
    """
    for epsilon in (1e-7, 1e-6, 1e-5):
        floor = threshold + epsilon * max(1.0, abs(threshold))
        result = solve_portfolio(
            scenario,
            options,
            scores=scores,
            objective=-use,
            disabled_rules=disabled_rules,
            extra_rules=[floor_rule(values, floor)],
        )
        worth = float(values @ result.selection)
        if result.status in FEASIBLE and worth > threshold + 1e-12 * max(1.0, abs(threshold)):
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
    """Maximize ``first``, then ``second`` among the portfolios optimal for ``first``."""
    extra = list(extra_rules)
    top = solve_portfolio(scenario, options, scores=scores, objective=first, extra_rules=extra)
    if top.status not in FEASIBLE:
        return top
    best = float(first @ top.selection)
    keep = floor_rule(first, best - 1e-9 * max(1.0, abs(best)), key="first_objective")
    lex = solve_portfolio(
        scenario, options, scores=scores, objective=second, extra_rules=[*extra, keep]
    )
    if lex.status in FEASIBLE and float(first @ lex.selection) >= best - 1e-9 * max(1.0, abs(best)):
        return lex
    return top
