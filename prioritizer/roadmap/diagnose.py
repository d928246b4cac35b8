"""Why no roadmap meets every rule, in business words.

The same deletion filter as :mod:`prioritizer.diagnose` (Chinneck's IIS filter over rule
groups): drop one group at a time, keep it dropped while the rest stays infeasible. What
remains is a minimal conflict; it is then told as a story: a deadline no start can meet, a
dependency chain longer than the plan, a period over-committed by mandatory work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import formatting as fmt
from ..diagnose import DELETION_ORDER
from ..models import Scenario
from ..periods import label_index, live_by, start_window
from ..result import SolverOptions
from .constraints import RoadmapRule, build_roadmap_rules, candidates
from .delay import logical_first_starts
from .result import period_word
from .solve import solve_roadmap
from .values import start_values

# the one-lump order with the timing rules before the must-dos (tried for removal last)
_DELETION_ORDER = (
    *(kind for kind in DELETION_ORDER if kind != "mandatory"),
    "period_capacity",
    "period_budget",
    "earliest_start",
    "deadline",
    "pinned",
    "mandatory",
    "one_start",
)


@dataclass(frozen=True)
class RoadmapDiagnosis:
    """A minimal set of conflicting rule groups and the story they tell."""

    conflict: list[str]
    texts: list[str]
    message: str


def diagnose_roadmap(
    scenario: Scenario,
    *,
    pins: Mapping[str, str] | None = None,
    options: SolverOptions | None = None,
) -> RoadmapDiagnosis:
    """Find a minimal conflict among the roadmap's rule groups and say it in words."""
    options = options or SolverOptions(tie_break=False)
    values = start_values(scenario)
    columns = candidates(scenario, values)
    rules = build_roadmap_rules(scenario, columns, pins=pins)
    groups = list(dict.fromkeys(r.group for r in rules))
    kind = {r.group: r.kind for r in rules}
    zero = np.zeros(len(columns))

    def infeasible(active: set[str]) -> bool:
        result = solve_roadmap(
            scenario,
            options,
            pins=pins,
            values=values,
            disabled_groups=[g for g in groups if g not in active],
            objective=zero,
        )
        return result.status == "infeasible"

    active = set(groups)
    if not infeasible(active):
        return RoadmapDiagnosis([], [], "the roadmap is feasible")
    structural = {g for g in groups if kind[g] == "one_start"}
    # fast path: one must-do initiative whose own timing (with its prerequisites) cannot work
    for seed in _must_do(scenario, pins or {}):
        local = structural | _timing_groups(scenario, seed, set(groups))
        if infeasible(local):
            active = local
            break
    order = sorted(
        (g for g in groups if kind[g] != "one_start" and g in active),
        key=lambda g: (_DELETION_ORDER.index(kind[g]), groups.index(g)),
    )
    for group in order:
        trial = active - {group}
        if infeasible(trial):
            active = trial
    conflict = [g for g in groups if g in active and kind[g] != "one_start"]
    by_group = {r.group: r for r in rules}
    texts = _story(scenario, conflict, by_group, pins or {})
    lines = ["No roadmap satisfies every rule. These rules conflict (drop or change one):"]
    lines += [f"  - {t}" for t in texts]
    return RoadmapDiagnosis(conflict, texts, "\n".join(lines))


def _must_do(scenario: Scenario, pins: Mapping[str, str]) -> list[str]:
    """Mandatory and pinned initiative ids, input order."""
    wanted = set(scenario.mandatory_ids()) | set(pins)
    return [i for i in scenario.ids if i in wanted]


def _timing_groups(scenario: Scenario, ident: str, groups: set[str]) -> set[str]:
    """The rule groups of one initiative's timing and its prerequisites' (transitively)."""
    found: set[str] = set()
    todo, seen = [ident], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for kind in ("deadline", "earliest_start"):
            found.add(f"{kind}[{current}]")
        for dep in scenario.initiative(current).depends_on:
            found.add(f"requires[{current}<-{dep}]")
            todo.append(dep)
    found |= {f"mandatory[{ident}]", f"pinned[{ident}]"}
    return found & groups


def _story(
    scenario: Scenario,
    conflict: list[str],
    rules: Mapping[str, RoadmapRule],
    pins: Mapping[str, str],
) -> list[str]:
    labels = list(scenario.periods or ())
    position = {item.id: k for k, item in enumerate(scenario.initiatives)}
    texts: list[str] = []
    told: set[str] = set()
    pins_told: set[str] = set()  # pins already said with the prerequisite they come before
    for group in conflict:
        rule = rules[group]
        ident = group[group.index("[") + 1 : -1] if "[" in group else ""
        if rule.kind == "pinned" and ident in pins_told:
            continue
        if rule.kind in ("deadline", "earliest_start", "mandatory", "pinned") and ident in position:
            if ident in told:
                continue
            item = scenario.initiatives[position[ident]]
            mine = {
                k
                for k in ("deadline", "earliest_start", "mandatory", "pinned")
                if f"{k}[{ident}]" in conflict
            }
            if "deadline" in mine:
                told.add(ident)
                live = live_by(scenario, item.deadline)
                first, last = start_window(scenario, position[ident])
                if first <= last and "pinned" not in mine:  # the window exists: limits bite
                    base = _mandatory(scenario, ident) if "mandatory" in mine else item.id
                    texts.append(f"{base} and must be live by {live}")
                    continue
                must = "must be live" if mine & {"mandatory", "pinned"} else "would have to be live"
                start_text = (
                    f"may not start before {labels[first]}"
                    if item.earliest_start
                    else f"the plan starts in {labels[0]}"
                )
                if "pinned" in mine:
                    start_text = f"is pinned to start in {pins[ident]}"
                texts.append(
                    f"{item.id} {must} by {live} but needs {item.duration} "
                    f"{period_word(scenario, item.duration)} and {start_text}"
                )
                continue
            if rule.kind == "mandatory":
                texts.append(_mandatory(scenario, item.id))
                continue
            texts.append(rule.text)
            continue
        if rule.kind == "requires":
            b, a = group[len("requires[") : -1].split("<-")
            ia, ib = scenario.initiative(a), scenario.initiative(b)
            # a pinned start before the prerequisite can finish: say that, not the durations
            ready = (
                label_index(scenario, pins[a]) if a in pins else logical_first_starts(scenario)[a]
            ) + ia.duration  # the first period b may start in
            pin = label_index(scenario, pins[b]) if b in pins else len(labels)
            if f"pinned[{b}]" in conflict and pin < ready < len(labels):
                pins_told.add(b)
                texts.append(
                    f"{b} is pinned to start in {pins[b]} but {a}, which it needs, takes "
                    f"{ia.duration} {period_word(scenario, ia.duration)} and finishes in "
                    f"{labels[ready - 1]} at the earliest, so {b} cannot start before "
                    f"{labels[ready]}"
                )
                continue
            total = ia.duration + ib.duration
            texts.append(
                f"{b} may start only after {a} has finished: together they need {total} "
                f"{period_word(scenario, total)} of the plan's {len(labels)}"
            )
            continue
        texts.append(rule.text)
    return texts


def _mandatory(scenario: Scenario, ident: str) -> str:
    item = scenario.initiative(ident)
    word = period_word(scenario, item.duration)
    per = item.cost / item.duration
    needs = [f"{scenario.currency} {item.cost:,.0f} over {item.duration} {word}"]
    if item.duration > 1:
        needs[0] += f" ({scenario.currency} {per:,.0f} per {period_word(scenario, 1)})"
    needs += [
        f"{fmt.team(team)} team {days / item.duration:,.0f} person-days per "
        f"{period_word(scenario, 1)}"
        for team, days in item.effort.items()
        if days
    ]
    if ident in scenario.forced_in:  # by the user's what-if, not the scenario
        return f"{ident} is forced in by the what-if ({', '.join(needs)})"
    return f"{ident} is mandatory ({', '.join(needs)})"
