"""The portfolio rules of a scenario as plain linear constraints over the selection vector.

Each :class:`Rule` is one named group of the integer program (``budget``,
``capacity[digital]``, ``requires[PERSONALIZE<-CRM]``, ...). The optimizer turns them into
PuLP constraints; :func:`violated_rules` checks a given selection against the same data, and the
infeasibility diagnosis switches them off one group at a time.

The three kinds of *capacity limit* (money budget, opex budget, each team's person-days) are
also described once, as :class:`Limit` (see :func:`scenario_limits`): results, marginal values,
the diagnosis, tables, charts and the deck all read key, label, unit and use column from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from . import formatting as fmt
from .models import ALL_SEGMENTS, Scenario

RULE_KINDS: tuple[str, ...] = (
    "budget",
    "opex_budget",
    "capacity",
    "requires",
    "exclusive",
    "mandatory",
    "excluded",
    "min_count",
    "max_count",
)


@dataclass(frozen=True, eq=False)
class Rule:
    """One linear rule ``Σ coef · x[index]  sense  rhs`` over binary selections ``x``.

    Rules compare equal when every field is equal (arrays element-wise) and can be hashed,
    so ``==``, ``in`` and sets work.

    Attributes
    ----------
    key:
        Stable name, e.g. ``capacity[digital]``; also the constraint name in the solver.
    kind:
        One of :data:`RULE_KINDS`.
    text:
        The rule in business words.
    index, coef:
        Positions (input order) of the initiatives involved and their coefficients.
    sense:
        ``"<="`` or ``">="``.
    rhs:
        Right-hand side (currency, person-days or a count).
    """

    key: str
    kind: str
    text: str
    index: np.ndarray
    coef: np.ndarray
    sense: str
    rhs: float

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return (
            (self.key, self.kind, self.text, self.sense, self.rhs)
            == (other.key, other.kind, other.text, other.sense, other.rhs)
            and np.array_equal(self.index, other.index)
            and np.array_equal(self.coef, other.coef)
        )

    def __hash__(self) -> int:
        return hash((self.key, self.kind, self.sense, self.rhs, len(self.index)))

    def lhs(self, x: np.ndarray) -> float:
        """Left-hand side for a 0/1 selection vector ``x`` (input order)."""
        return float(np.dot(self.coef, x[self.index])) if len(self.index) else 0.0

    def holds(self, x: np.ndarray, tolerance: float = 1e-6) -> bool:
        """Whether the selection satisfies this rule (relative tolerance on big numbers)."""
        slack = tolerance * max(1.0, abs(self.rhs))
        value = self.lhs(x)
        return value <= self.rhs + slack if self.sense == "<=" else value >= self.rhs - slack


def is_binding(slack: float, needs: np.ndarray) -> bool:
    """Whether a capacity limit binds: **the one definition of "binding"** used by
    :meth:`Result.limits`, the marginal values, the capacity chart and every finding.

    A limit binds when the portfolio has used it up: its ``slack`` (available − used, in the
    limit's unit) is smaller than what the cheapest initiative left out needs of it, among
    those that every rule other than the capacity limits would let in and that would add
    value on their own (a positive objective score) — ``needs`` holds their uses (> 0). So
    relaxing the limit by (need − slack) would let a value-adding initiative in as far as
    this limit is concerned: it has a positive value at the margin. Other limits are not
    considered, so two limits can both bind.
    """
    return bool(len(needs)) and slack < float(np.min(needs)) - 1e-9 * max(1.0, abs(slack))


FULL = 0.98
"""Share of a limit used (a team's person-days, a period's budget) from which it is called
*full*: **the one threshold** of the one-lump pack's "at full capacity" and of the roadmap's
full periods (its table's star, its charts and findings). Integer initiatives rarely fill a
limit to the day or the euro, so 98% used is full in words; whether a limit *binds* is
:func:`is_binding`'s question, not this one."""


LimitKind = Literal["budget", "opex_budget", "capacity"]
LIMIT_KINDS: tuple[LimitKind, ...] = ("budget", "opex_budget", "capacity")
TEAM_PREFIX = "team:"
"""Prefix of a team limit's key: ``team:digital``. No other key contains a colon, so a team
named ``budget`` or ``opex_budget`` (``team:budget``) never collides with the money limits."""


@dataclass(frozen=True)
class Limit:
    """One capacity limit of a scenario: the money budget, the opex budget or a team's capacity.

    The single definition of a limit used by :meth:`Result.limits`, marginal values, the
    infeasibility diagnosis and every table or chart that shows limits.

    Attributes
    ----------
    key:
        Unique and stable: ``budget``, ``opex_budget`` or ``team:<name>`` (never collides with
        a team name; use it as a table index or dict key).
    label:
        Business words for tables and charts: ``Budget``, ``Running-cost budget``,
        ``Digital team``, ``Contact centre team`` (:func:`prioritizer.formatting.limit_label`).
    kind:
        ``budget``, ``opex_budget`` or ``capacity`` (a team).
    unit:
        ``<currency>`` (budget), ``<currency>/year`` (opex budget) or ``person-days``.
    column:
        The value-table column holding each initiative's use of the limit (same unit):
        ``cost``, ``opex_per_year`` or ``effort_<team>``.
    available:
        The scenario's cap, in ``unit``.
    rule:
        Key of the matching :class:`Rule` (``budget``, ``opex_budget``, ``capacity[<team>]``).
    team:
        The team's name for a team limit, else ``None``.

    Examples
    --------
    >>> for limit in scenario_limits(sc):  # doctest: +SKIP
    ...     bigger = limit.moved(sc, limit.available * 1.1)   # that limit +10%, others untouched
    """

    key: str
    label: str
    kind: LimitKind
    unit: str
    column: str
    available: float
    rule: str
    team: str | None = None

    def moved(self, scenario: Scenario, available: float) -> Scenario:
        """A new scenario with this limit set to ``available`` (its unit); nothing else moves.

        A team's limit changes that team's capacity, even for a team called ``budget``.
        """
        if self.kind == "budget":
            return scenario.with_overrides(budget=available)
        if self.kind == "opex_budget":
            return scenario.with_overrides(opex_budget=available)
        assert self.team is not None
        return scenario.with_overrides(teams={self.team: available})

    def use(self, scores: pd.DataFrame) -> np.ndarray:
        """Each initiative's use of this limit (input order, ``unit``) from a value table."""
        return scores[self.column].to_numpy(dtype=float)


def team_limit_key(team: str) -> str:
    """The :attr:`Limit.key` of a team's capacity: ``team:<name>``."""
    return f"{TEAM_PREFIX}{team}"


def scenario_limits(scenario: Scenario) -> list[Limit]:
    """Every capacity limit of the scenario, in a fixed order: budget, opex budget (when
    set), then the teams in the scenario's order."""
    cur = scenario.currency
    out = [Limit("budget", "Budget", "budget", cur, "cost", float(scenario.budget), "budget")]
    if scenario.opex_budget is not None:
        out.append(
            Limit(
                "opex_budget",
                fmt.limit_label("Opex budget"),
                "opex_budget",
                f"{cur}/year",
                "opex_per_year",
                float(scenario.opex_budget),
                "opex_budget",
            )
        )
    for team, capacity in scenario.teams.items():
        out.append(
            Limit(
                team_limit_key(team),
                fmt.limit_label(f"Team {team}"),
                "capacity",
                "person-days",
                f"effort_{team}",
                float(capacity),
                capacity_rule_key(team),
                team,
            )
        )
    return out


def limit_for_rule(scenario: Scenario, rule_key: str) -> Limit | None:
    """The limit whose rule is ``rule_key`` (e.g. ``capacity[digital]``); None for other rules."""
    return next((limit for limit in scenario_limits(scenario) if limit.rule == rule_key), None)


def capacity_rule_key(team: str) -> str:
    """The :attr:`Rule.key` of a team's capacity rule: ``capacity[<name>]``."""
    return f"capacity[{team}]"


def _money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}"


def build_rules(scenario: Scenario, scores: pd.DataFrame | None = None) -> list[Rule]:
    """All rules of the scenario in a fixed order (budget, opex, teams, dependencies, ...).

    ``scores`` (the value table) supplies cost, opex and effort when they differ from the
    scenario's base values (uncertainty analyses); by default the base values are used.
    """
    items = scenario.initiatives
    n = len(items)
    position = {item.id: k for k, item in enumerate(items)}
    currency = scenario.currency

    def column(name: str, base: Iterable[float]) -> np.ndarray:
        if scores is not None and name in scores:
            return scores[name].to_numpy(dtype=float)
        return np.fromiter(base, dtype=float, count=n)

    def linear(key: str, kind: str, text: str, values: np.ndarray, rhs: float) -> Rule:
        index = np.flatnonzero(values)
        return Rule(key, kind, text, index, values[index], "<=", float(rhs))

    rules: list[Rule] = []
    cost = column("cost", (i.cost for i in items))
    rules.append(
        linear(
            "budget", "budget", f"budget {_money(scenario.budget, currency)}", cost, scenario.budget
        )
    )
    if scenario.opex_budget is not None:
        opex = column("opex_per_year", (i.opex for i in items))
        rules.append(
            linear(
                "opex_budget",
                "opex_budget",
                f"opex budget {_money(scenario.opex_budget, currency)} per year",
                opex,
                scenario.opex_budget,
            )
        )
    for team, capacity in scenario.teams.items():
        effort = column(f"effort_{team}", (i.effort.get(team, 0.0) for i in items))
        rules.append(
            linear(
                capacity_rule_key(team),
                "capacity",
                f"{fmt.team(team)} team capacity {capacity:,.0f} person-days",
                effort,
                capacity,
            )
        )
    for item in items:
        for dep in item.depends_on:
            rules.append(
                Rule(
                    f"requires[{item.id}<-{dep}]",
                    "requires",
                    f"{item.id} needs {dep}",
                    np.array([position[item.id], position[dep]]),
                    np.array([1.0, -1.0]),
                    "<=",
                    0.0,
                )
            )
    groups: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        if item.exclusive_group:
            groups.setdefault(item.exclusive_group, []).append(k)
    for group, members in groups.items():
        if len(members) > 1:
            ids = ", ".join(items[k].id for k in members)
            rules.append(
                Rule(
                    f"exclusive[{group}]",
                    "exclusive",
                    f"at most one of {ids} (group {group!r})",
                    np.array(members),
                    np.ones(len(members)),
                    "<=",
                    1.0,
                )
            )
    for ident in scenario.mandatory_ids():
        rules.append(
            Rule(
                f"mandatory[{ident}]",
                "mandatory",
                f"{ident} is mandatory",
                np.array([position[ident]]),
                np.ones(1),
                ">=",
                1.0,
            )
        )
    for ident in dict.fromkeys(scenario.rules.excluded):
        rules.append(
            Rule(
                f"excluded[{ident}]",
                "excluded",
                f"{ident} is excluded",
                np.array([position[ident]]),
                np.ones(1),
                "<=",
                0.0,
            )
        )
    for kind, sense, word in (("min_count", ">=", "at least"), ("max_count", "<=", "at most")):
        for attribute, counts in getattr(scenario.rules, kind).items():
            for value, count in counts.items():
                members = matching(scenario, attribute, value)
                rules.append(
                    Rule(
                        f"{kind}[{attribute}={value}]",
                        kind,
                        f"{word} {count} initiative(s) with {attribute} {value!r}",
                        np.array(members, dtype=int),
                        np.ones(len(members)),
                        sense,
                        float(count),
                    )
                )
    return rules


def matching(scenario: Scenario, attribute: str, value: str) -> list[int]:
    """Positions of the initiatives whose ``attribute`` equals ``value`` (case-insensitive).

    For ``segment``, an initiative reaching ``all`` segments does not count toward one segment.
    """
    wanted = value.strip().casefold()
    return [
        k
        for k, item in enumerate(scenario.initiatives)
        if str(getattr(item, attribute)).strip().casefold() == wanted
        and not (attribute == "segment" and item.segment == ALL_SEGMENTS and wanted != "all")
    ]


def violated_rules(rules: Sequence[Rule], x: np.ndarray) -> list[Rule]:
    """The rules a 0/1 selection vector breaks."""
    return [rule for rule in rules if not rule.holds(x)]


def trivially_broken(rule: Rule) -> bool:
    """A rule with no initiatives that no selection can satisfy (e.g. min_count of 1 of none)."""
    if len(rule.index):
        return False
    return (rule.sense == "<=" and rule.rhs < 0) or (rule.sense == ">=" and rule.rhs > 0)


def floor_rule(values: np.ndarray, floor: float, key: str = "value_floor") -> Rule:
    """``Σ values · x ≥ floor`` over all initiatives, scaled so its largest coefficient is 1e6
    (a well-scaled row for the solvers)."""
    scale = 1e6 / max(float(np.abs(values).max(initial=0.0)), 1e-300)
    return Rule(
        key, key, f"{key} {floor:g}", np.arange(len(values)), values * scale, ">=", floor * scale
    )
