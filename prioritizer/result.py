"""The result of one optimization: the chosen portfolio, its totals and how it was proven."""

from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .models import Scenario
from .rules import LIMIT_KINDS, Rule, build_rules, is_binding, scenario_limits

Status = Literal["optimal", "feasible", "infeasible", "error"]
"""``optimal``: proven within the requested gap; ``feasible``: satisfies every rule, not
proven (time limit); ``infeasible``: no selection satisfies every rule; ``error``: the solver
failed or found nothing in time."""


def _package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def manifest(
    scenario: Scenario, options: SolverOptions, *, scenario_sha256: str | None = None, **extra: Any
) -> dict[str, Any]:
    """What produced a result: tool and solver versions, options, a hash of the inputs
    (``scenario_sha256``: ``scenario.fingerprint()`` when the caller already has it).

    Deterministic (no dates), so equal inputs give byte-identical JSON.
    """
    from ._version import __version__

    payload: dict[str, Any] = {
        "tool": "prioritizer",
        "version": __version__,
        "pulp": _package_version("pulp"),
        "highspy": _package_version("highspy"),
        "cylp": _package_version("cylp"),
        "options": {"solver": options.solver, "time_limit": options.time_limit, "gap": options.gap},
        "scenario_sha256": scenario_sha256 or scenario.fingerprint(),
    }
    payload.update(extra)
    return payload


@dataclass(frozen=True)
class SolverOptions:
    """How to solve: which solver, how long, how exact.

    Attributes
    ----------
    solver:
        ``cbc`` (bundled with PuLP, default) or ``highs`` (highspy, in-process).
    time_limit:
        Seconds the solver may run; ``None`` for no limit.
    gap:
        Relative optimality gap at which the solver may stop (0 = prove the optimum).
    tie_break:
        Among portfolios within 1e-9 (relative) of the proven optimum, prefer the lowest
        one-off cost, then the fewest initiatives (one more solve, given at most twice the
        first solve's time). Only for exact solves (``gap`` 0): with a gap the answer is not
        unique anyway.
    cuts:
        Let CBC generate cutting planes (default). Sweeps of models with at most 200
        initiatives switch them off: faster on the examples and OR-Library mknapcb1, with
        identical optima; at 1,000 initiatives cuts are essential. Speed only.
    in_process:
        Solve with CBC's library in this process (when cylp is installed) rather than the
        CBC binary, for models of at most 500 initiatives without a time limit. Sweeps set
        it: their many re-solves take milliseconds each, about half of it the binary's
        process and files (:mod:`prioritizer.solver.cbc_library`). The same optimum; among
        tied optima the library (CBC 2.10.13) may return another portfolio than the binary
        (2.10.3).
    """

    solver: str = "cbc"
    time_limit: float | None = None
    gap: float = 0.0
    tie_break: bool = True
    cuts: bool = True
    in_process: bool = False


@dataclass(frozen=True, eq=False)
class Result:
    """A solved portfolio.

    Attributes
    ----------
    status:
        ``optimal`` (proven within ``gap``), ``feasible`` (satisfies every rule, not proven:
        time limit), ``infeasible`` or ``error``.
    objective:
        Objective value in the scenario's mode: currency (business), effort points per year
        (customer) or a share of the whole opportunity (blended) — or, for a solve given a
        replacement objective (``solve_portfolio(objective=...)``), the value of that one.
        ``best_bound`` is always in the same units.
    selected:
        Chosen initiative ids, input order.
    business_value, customer_value:
        Sums over the portfolio: NPV (currency) and effort points removed per year.
    cost, opex:
        One-off cost (currency) and running cost (currency per year) of the portfolio.
    team_use:
        Person-days used per team.
    gap, best_bound:
        Relative optimality gap proven by the solver and its bound on the objective.
    """

    scenario: Scenario
    status: Status
    objective: float
    selected: list[str]
    business_value: float
    customer_value: float
    cost: float
    opex: float
    team_use: dict[str, float]
    solver: str
    gap: float | None
    best_bound: float | None
    solve_time_s: float
    build_time_s: float
    scores: pd.DataFrame = field(repr=False)
    rules: list[Rule] = field(repr=False, default_factory=list)
    options: SolverOptions = field(default_factory=SolverOptions)
    message: str = ""

    # -- tables ------------------------------------------------------------------------
    @property
    def portfolio(self) -> pd.DataFrame:
        """Every initiative with every value-model term and a ``selected`` flag (by id)."""
        frame = self.scores.copy()
        frame.insert(0, "selected", frame.index.isin(self.selected))
        return frame

    def to_frame(self) -> pd.DataFrame:
        """Alias of :attr:`portfolio`."""
        return self.portfolio

    @functools.cached_property
    def selection(self) -> np.ndarray:
        """0/1 selection vector in input order (read-only; computed once)."""
        vector = self.scores.index.isin(self.selected).astype(float)
        vector.flags.writeable = False
        return vector

    def worth_adding(self) -> np.ndarray:
        """Unchosen initiatives that add value on their own (a positive objective score) and
        that every rule other than the capacity limits would let in: not excluded or forced
        out, dependencies chosen, exclusive group free, no maximum count reached (boolean,
        input order). What keeps them out is room in the limits (budgets, teams; on a
        roadmap also its per-period limits)."""
        addable = _addable(self.rules or build_rules(self.scenario, self.scores), self.selection)
        return addable & (self.scores["objective_score"].to_numpy(dtype=float) > 0)

    def limits(self) -> pd.DataFrame:
        """Use of every capacity limit (see :class:`~prioritizer.rules.Limit`): budget, opex
        budget, each team.

        Index: the limit's ``key`` (``budget``, ``opex_budget``, ``team:<name>``; never
        collides with a team name). Columns: ``label`` (business words), ``kind``, ``used``,
        ``available``, ``share_used`` (0-1), ``binding``, ``unit``.

        ``binding``: see :func:`prioritizer.rules.is_binding`, the one definition — the slack
        is smaller than the need of every unchosen initiative that adds value on its own and
        that every *other* kind of rule would let in (not excluded or forced out, its
        dependencies chosen, its exclusive group free, no maximum count reached).
        """
        return self.limits_given(self.worth_adding())

    def limits_given(self, addable: np.ndarray) -> pd.DataFrame:
        """:meth:`limits` with ``binding`` judged over the initiatives of the boolean mask
        ``addable`` (input order) instead of :meth:`worth_adding` (a roadmap narrows it to
        the initiatives some start fits)."""
        x = self.selection
        records = []
        for limit in scenario_limits(self.scenario):
            use = limit.use(self.scores)
            used = math.fsum(use[x > 0.5].tolist())
            needs = use[addable & (use > 0)]
            slack = limit.available - used
            records.append(
                {
                    "limit": limit.key,
                    "label": limit.label,
                    "kind": limit.kind,
                    "used": used,
                    "available": limit.available,
                    "share_used": used / limit.available if limit.available > 0 else float("nan"),
                    "binding": is_binding(slack, needs),
                    "unit": limit.unit,
                }
            )
        return pd.DataFrame.from_records(records).set_index("limit")

    def to_dict(
        self, *, timings: bool = False, scenario_sha256: str | None = None
    ) -> dict[str, Any]:
        """The JSON contract of ``prioritizer solve --format json`` (spec.md §3).

        Deterministic for the same scenario and options; wall times are added only with
        ``timings=True``. ``scenario_sha256``: ``self.scenario.fingerprint()`` when the
        caller already has it (else computed here).
        """
        payload: dict[str, Any] = {
            "scenario": self.scenario.name,
            "currency": self.scenario.currency,
            "status": self.status,
            "objective_mode": self.scenario.objective.mode,
            "objective": json_value(self.objective),
            "selected": list(self.selected),
            "business_value": json_value(self.business_value),
            "customer_value": json_value(self.customer_value),
            "cost": json_value(self.cost),
            "budget": json_value(self.scenario.budget),
            "opex": json_value(self.opex),
            "opex_budget": json_value(self.scenario.opex_budget),
            "team_use": {k: json_value(v) for k, v in self.team_use.items()},
            "team_capacity": {k: json_value(v) for k, v in self.scenario.teams.items()},
            "solver": self.solver,
            "gap": json_value(self.gap),
            "best_bound": json_value(self.best_bound),
            "time_limit": self.options.time_limit,
            "gap_limit": self.options.gap,
            "message": self.message,
            "manifest": manifest(self.scenario, self.options, scenario_sha256=scenario_sha256),
            "warnings": [w.to_dict() for w in self.scenario.warnings],
        }
        if timings:
            payload["build_time_s"] = round(self.build_time_s, 4)
            payload["solve_time_s"] = round(self.solve_time_s, 4)
        return payload

    # -- display -----------------------------------------------------------------------
    def __repr__(self) -> str:
        return (
            f"Result(status={self.status!r}, objective={self.objective:.6g}, "
            f"selected={len(self.selected)} of {len(self.scores)}, solver={self.solver!r})"
        )

    def _repr_html_(self) -> str:
        sc = self.scenario
        cur = sc.currency
        head = (
            f"<b>{html.escape(sc.name)}</b> — status <b>{self.status}</b> "
            f"({html.escape(self.solver)}, gap {self.gap if self.gap is not None else 'n/a'})"
            f"<br>Business value (NPV) {cur} {self.business_value:,.0f} · customer value "
            f"{self.customer_value:,.0f} effort points/yr · cost {cur} {self.cost:,.0f} of "
            f"{cur} {sc.budget:,.0f}"
        )
        chosen = self.portfolio.loc[
            self.portfolio["selected"], ["name", "business_value", "customer_value", "cost"]
        ]
        return head + chosen.to_html(float_format=lambda v: f"{v:,.0f}")


def _addable(rules: list[Rule], x: np.ndarray) -> np.ndarray:
    """Which unchosen initiatives could be added to selection ``x`` without breaking a rule
    other than a capacity limit (boolean, input order)."""
    addable = x < 0.5
    for rule in rules:
        if rule.kind in LIMIT_KINDS or not len(rule.index) or not rule.holds(x):
            continue
        after = rule.lhs(x) + rule.coef  # the rule's left-hand side with one member added
        slack = 1e-6 * max(1.0, abs(rule.rhs))
        broken = after > rule.rhs + slack if rule.sense == "<=" else after < rule.rhs - slack
        addable[rule.index[broken]] = False
    return addable


def json_value(value: Any) -> Any:
    """A JSON-safe scalar: numpy scalars as Python ones, NaN and infinities as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as JSON-safe dicts (column names as text)."""
    return [
        {str(key): json_value(value) for key, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]
