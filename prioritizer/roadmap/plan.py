"""``plan_roadmap()``: the best roadmap of a scenario, or why there is none (spec.md §5).

Composes the solve (:mod:`.solve`) and the diagnosis (:mod:`.diagnose`), which both sit below
it: neither imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..exceptions import InfeasibleError, SolverError
from ..models import Scenario
from ..result import SolverOptions
from .diagnose import diagnose_roadmap
from .formulations import DEFAULT_FORMULATION
from .result import Roadmap
from .solve import solve_roadmap


def plan_roadmap(
    scenario: Scenario,
    *,
    solver: str = "cbc",
    time_limit: float | None = None,
    gap: float = 0.0,
    pins: Mapping[str, str] | None = None,
    formulation: str = DEFAULT_FORMULATION,
) -> Roadmap:
    """The best roadmap of a scenario with ``periods``: what starts when (spec.md §5).

    Parameters
    ----------
    scenario:
        A validated scenario with ``periods``.
    solver, time_limit, gap:
        As for :func:`prioritizer.optimize` (seconds; relative gap).
    pins:
        Initiative id → period label it must start in (with the scenario's own
        :attr:`~prioritizer.models.Scenario.pinned_starts`).
    formulation:
        One of ``aggregate`` (default), ``start``, ``select``, ``started_by``: the same
        program written differently (same optimum, different solve time); see
        :mod:`prioritizer.roadmap.model`.

    Raises
    ------
    ScenarioError
        The scenario has no ``periods``, or a pin names an unknown id or label.
    InfeasibleError
        No roadmap meets every rule; the message says why in business words.

    Examples
    --------
    >>> rm = px.plan_roadmap(px.load_scenario("scenarios/retail_bank_quarterly/scenario.yaml"))
    ... # doctest: +SKIP
    >>> rm.to_frame()[["start", "go_live", "business_value"]]  # doctest: +SKIP
    """
    pins = {**scenario.pinned_starts, **dict(pins or {})}
    result = solve_roadmap(
        scenario,
        SolverOptions(solver, time_limit, gap, tie_break=False),
        pins=pins,
        formulation=formulation,
    )
    if result.status == "infeasible":
        diagnosis = diagnose_roadmap(scenario, pins=pins, options=result.options)
        raise InfeasibleError(diagnosis.message, conflict=diagnosis.conflict, details=diagnosis)
    if result.status == "error":
        raise SolverError(result.message)
    return result


_LAST: list[tuple[Scenario, SolverOptions, Roadmap]] = []
"""The last base roadmap planned by :func:`base_roadmap` (one entry)."""


def base_roadmap(scenario: Scenario, options: SolverOptions) -> Roadmap:
    """The best roadmap of ``scenario`` under ``options`` (solver, time limit, gap), planned
    once per scenario object: the steering pack's roadmap, Monte Carlo and explain all run
    around the same plan. Raises like :func:`plan_roadmap`."""
    key = (options.solver, options.time_limit, options.gap)
    for scenario_, options_, roadmap in _LAST:
        if scenario_ is scenario and (options_.solver, options_.time_limit, options_.gap) == key:
            return roadmap
    roadmap = plan_roadmap(
        scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap
    )
    _LAST[:] = [(scenario, options, roadmap)]
    return roadmap
