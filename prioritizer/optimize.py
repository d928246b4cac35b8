"""``optimize()``: solve a scenario and, when no portfolio satisfies every rule, diagnose why.

Composes the solver layer (:mod:`prioritizer.solver`) and the diagnosis
(:mod:`prioritizer.diagnose`), which both sit below it: neither imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .diagnose import diagnose_infeasibility
from .exceptions import InfeasibleError, SolverError
from .models import Scenario
from .result import Result, SolverOptions
from .solver import (
    DEADLINE_GRACE_S,
    SOLVERS,
    cbc_available,
    cylp_available,
    highs_available,
    solve_portfolio,
)

if TYPE_CHECKING:
    import pandas as pd

    from .rules import Rule


def optimize(
    scenario: Scenario,
    *,
    solver: str = "cbc",
    time_limit: float | None = None,
    gap: float = 0.0,
    options: SolverOptions | None = None,
    scores: pd.DataFrame | None = None,
    rules: Sequence[Rule] | None = None,
) -> Result:
    """Choose the best portfolio of a scenario.

    Parameters
    ----------
    scenario:
        The validated scenario (see :func:`prioritizer.load_scenario`).
    solver:
        ``cbc`` (default) or ``highs``.
    time_limit:
        Seconds the solver may run; the best portfolio found (at worst the greedy ranking
        handed to the solver as a start) is returned as ``feasible`` with its gap when the
        limit stops the proof.
    gap:
        Relative optimality gap at which the solver may stop (default 0: prove the optimum).
    options:
        All solver options at once (overrides ``solver``, ``time_limit`` and ``gap``).
    scores, rules:
        The scenario's value table (:func:`prioritizer.score_initiatives`) and its rules
        for it (:func:`prioritizer.rules.build_rules`) when the caller has them already;
        else computed here. The result carries these very objects.

    Returns
    -------
    Result
        Status ``optimal`` or ``feasible``.

    Raises
    ------
    InfeasibleError
        No portfolio satisfies every rule; the message names the conflicting rules and
        ``explanation`` gives the diagnosis in business words.
    SolverError
        The solver failed or found no portfolio within the time limit.

    Examples
    --------
    >>> res = px.optimize(px.load_scenario("scenarios/retail_bank/scenario.yaml"))  # doctest: +SKIP
    >>> res.status, res.selected[:3]  # doctest: +SKIP
    """
    options = options or SolverOptions(solver, time_limit, gap)
    result = solve_portfolio(scenario, options, scores=scores, rules=rules)
    if result.status == "infeasible":
        diagnosis = diagnose_infeasibility(scenario, options=result.options)
        raise InfeasibleError(
            diagnosis.message,
            conflict=diagnosis.conflict,
            details=diagnosis,
            explanation=diagnosis.message,
        )
    if result.status == "error":
        raise SolverError(result.message)
    return result


__all__ = [
    "DEADLINE_GRACE_S",
    "SOLVERS",
    "cbc_available",
    "cylp_available",
    "highs_available",
    "optimize",
    "solve_portfolio",
]
