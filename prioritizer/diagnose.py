"""Why a scenario has no feasible portfolio: a minimal set of conflicting rules, in words.

Method: a deletion filter over rule groups (Chinneck's IIS filter applied to groups): starting
from all rules, drop one group at a time and keep it dropped if the rest stays infeasible. What
remains is irreducible: every group of it is needed for the conflict. For each limit in the
conflict (budget, opex budget, team capacity) the smallest relaxation that makes the whole
scenario feasible is computed by minimizing that limit's use under every other rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .models import Scenario
from .result import SolverOptions
from .rules import Rule, build_rules, limit_for_rule
from .solver import FEASIBLE, solve_portfolio
from .value import score_initiatives

# Rules tried for removal first are the ones least likely to be reported.
DELETION_ORDER = (
    "requires",
    "exclusive",
    "max_count",
    "min_count",
    "excluded",
    "capacity",
    "opex_budget",
    "budget",
    "mandatory",
)


@dataclass(frozen=True)
class Relaxation:
    """How far one limit must move for the scenario to become feasible.

    ``rule`` is the limit's rule key (``budget``, ``capacity[digital]``), ``label`` its
    business words (``Team digital``, see :class:`~prioritizer.rules.Limit`); ``current``
    and ``needed`` are in ``unit``.
    """

    rule: str
    current: float
    needed: float
    unit: str
    label: str = ""

    @property
    def shortfall(self) -> float:
        """needed − current, in the limit's unit."""
        return self.needed - self.current


@dataclass(frozen=True)
class Diagnosis:
    """A minimal conflict and the relaxations that would resolve it.

    ``minimal`` is False when some sub-solve ended undecided (solver error or time limit):
    the rules it concerned stay in ``conflict``, which is then still a proven conflict but
    perhaps not a minimal one. ``undecided`` lists those rule keys.
    """

    conflict: list[str]
    texts: list[str]
    relaxations: list[Relaxation] = field(default_factory=list)
    message: str = ""
    minimal: bool = True
    undecided: list[str] = field(default_factory=list)


def diagnose_infeasibility(
    scenario: Scenario, *, options: SolverOptions | None = None
) -> Diagnosis:
    """Find a minimal set of rules that cannot hold together, and how to relax it.

    Returns a :class:`Diagnosis` whose ``conflict`` lists rule keys (``budget``,
    ``mandatory[KYC]``, ...): dropping any one of them makes that set feasible, and the set
    alone is infeasible.

    A sub-solve that ends without an answer (error, time limit) decides nothing: a rule is
    dropped only when the rest is *proven* infeasible, and relaxations are reported only
    when proven least.
    """
    options = options or SolverOptions()
    scores = score_initiatives(scenario)
    rules = build_rules(scenario, scores)
    keys = [r.key for r in rules]
    by_key = {r.key: r for r in rules}
    zero = np.zeros(len(scores))

    def feasible(active: set[str]) -> bool | None:
        """True / False when proven, None when the solver did not decide."""
        disabled = [k for k in keys if k not in active]
        result = solve_portfolio(
            scenario, options, scores=scores, disabled_rules=disabled, objective=zero, rules=rules
        )
        if result.status == "infeasible":
            return False
        return True if result.status in FEASIBLE else None

    active = set(keys)
    whole = feasible(active)
    if whole is None:
        return Diagnosis(
            [], [], [], "the solver could not decide whether the scenario is feasible", False
        )
    if whole:
        return Diagnosis([], [], [], "the scenario is feasible")
    undecided: list[str] = []
    order = sorted(keys, key=lambda k: (DELETION_ORDER.index(by_key[k].kind), keys.index(k)))
    for key in order:
        trial = active - {key}
        outcome = feasible(trial)
        if outcome is False:
            active = trial
        elif outcome is None:
            undecided.append(key)
    conflict = [k for k in keys if k in active]

    relaxations: list[Relaxation] = []
    for key in conflict:
        rule = by_key[key]
        limit = limit_for_rule(scenario, key)
        if limit is None:
            continue
        use = np.zeros(len(scores))
        use[rule.index] = rule.coef
        result = solve_portfolio(
            scenario, options, scores=scores, disabled_rules=[key], objective=-use, rules=rules
        )
        if result.status == "optimal":  # a time-limited "feasible" is not the least use
            needed = rule.lhs(result.selection)
            relaxations.append(Relaxation(key, rule.rhs, needed, limit.unit, limit.label))

    texts = [_describe(by_key[k], scenario, scores) for k in conflict]
    message = _message(texts, relaxations)
    undecided = [k for k in undecided if k in active]
    if undecided:
        message += (
            "\n  (The solver could not decide within its limits whether "
            + ", ".join(undecided)
            + " is needed in this conflict.)"
        )
    return Diagnosis(conflict, texts, relaxations, message, not undecided, undecided)


def _describe(rule: Rule, scenario: Scenario, scores: object) -> str:
    if rule.kind == "mandatory":
        item = scenario.initiatives[int(rule.index[0])]
        needs = [f"cost {scenario.currency} {item.cost:,.0f}"]
        needs += [f"{team} {days:,.0f} person-days" for team, days in item.effort.items() if days]
        if item.id in scenario.forced_in:  # by the user's what-if, not the scenario
            return f"{item.id} is forced in by the what-if ({', '.join(needs)})"
        return f"{item.id} is mandatory ({', '.join(needs)})"
    if rule.kind == "min_count":
        return f"{rule.text} (there are {len(rule.index)} candidates)"
    return rule.text


def _message(texts: list[str], relaxations: list[Relaxation]) -> str:
    lines = ["No portfolio satisfies every rule. These rules conflict (drop or change one):"]
    lines += [f"  - {t}" for t in texts]
    for relax in relaxations:
        name = relax.label[:1].lower() + relax.label[1:] if relax.label else relax.rule
        lines.append(
            f"  Raising {name} from {relax.current:,.0f} to at least {relax.needed:,.0f} "
            f"{relax.unit} (+{relax.shortfall:,.0f}) would make the scenario feasible."
        )
    return "\n".join(lines)
