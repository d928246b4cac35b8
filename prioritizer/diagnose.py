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
from .value import score_initiatives

# Rules tried for removal first are the ones least likely to be reported.
_DELETION_ORDER = (
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
    """A minimal conflict and the relaxations that would resolve it."""

    conflict: list[str]
    texts: list[str]
    relaxations: list[Relaxation] = field(default_factory=list)
    message: str = ""


def diagnose_infeasibility(
    scenario: Scenario, *, options: SolverOptions | None = None
) -> Diagnosis:
    """Find a minimal set of rules that cannot hold together, and how to relax it.

    Returns a :class:`Diagnosis` whose ``conflict`` lists rule keys (``budget``,
    ``mandatory[KYC]``, ...): dropping any one of them makes that set feasible, and the set
    alone is infeasible.
    """
    from .optimize import solve_portfolio  # optimize imports this module lazily

    options = options or SolverOptions()
    scores = score_initiatives(scenario)
    rules = build_rules(scenario, scores)
    keys = [r.key for r in rules]
    by_key = {r.key: r for r in rules}
    zero = np.zeros(len(scores))

    def feasible(active: set[str]) -> bool:
        disabled = [k for k in keys if k not in active]
        result = solve_portfolio(
            scenario, options, scores=scores, disabled_rules=disabled, objective=zero
        )
        return result.status != "infeasible"

    active = set(keys)
    if feasible(active):
        return Diagnosis([], [], [], "the scenario is feasible")
    order = sorted(keys, key=lambda k: (_DELETION_ORDER.index(by_key[k].kind), keys.index(k)))
    for key in order:
        trial = active - {key}
        if not feasible(trial):
            active = trial
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
            scenario, options, scores=scores, disabled_rules=[key], objective=-use
        )
        if result.status in ("optimal", "feasible"):
            needed = rule.lhs(result.selection)
            relaxations.append(Relaxation(key, rule.rhs, needed, limit.unit, limit.label))

    texts = [_describe(by_key[k], scenario, scores) for k in conflict]
    return Diagnosis(conflict, texts, relaxations, _message(texts, relaxations))


def _describe(rule: Rule, scenario: Scenario, scores: object) -> str:
    if rule.kind == "mandatory":
        item = scenario.initiatives[int(rule.index[0])]
        needs = [f"cost {scenario.currency} {item.cost:,.0f}"]
        needs += [f"{team} {days:,.0f} person-days" for team, days in item.effort.items() if days]
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
