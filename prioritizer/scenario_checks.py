"""Cross-field checks of a scenario: unique ids, known segments and teams, dependencies without
cycles, rules naming known initiatives, period columns (spec.md §1, §5). Field-level checks
live on the pydantic models in :mod:`prioritizer.models`; these need the whole scenario."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .periods import period_problems
from .vocabulary import ALL_SEGMENTS, PILLARS

if TYPE_CHECKING:
    from .models import Initiative, Scenario

Loc = tuple[str | int, ...]


def loc_text(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def match_names_without_case(scenario: Scenario) -> None:
    """Spell segment and team names of the initiatives as the scenario's keys spell them, and
    each exclusive group as its first member in the table spells it (names are compared
    without case everywhere: ``Chatbot`` and ``chatbot`` are one group)."""
    items = scenario.initiatives
    used_segments = {i.segment for i in items}
    used_teams: set[str] = set().union(*(i.effort.keys() for i in items)) if items else set()
    groups: dict[str, str] = {}
    for item in items:
        if item.exclusive_group:
            groups.setdefault(item.exclusive_group.casefold(), item.exclusive_group)
    same_groups = all(
        groups[i.exclusive_group.casefold()] == i.exclusive_group
        for i in items
        if i.exclusive_group
    )
    if (
        used_segments <= {*scenario.segments, ALL_SEGMENTS}
        and used_teams <= set(scenario.teams)
        and same_groups
    ):
        return  # the common case: every name already spelled as the keys
    segments = {s.casefold(): s for s in scenario.segments}
    segments.setdefault(ALL_SEGMENTS, ALL_SEGMENTS)
    teams = {t.casefold(): t for t in scenario.teams}
    changed = False
    fixed: list[Initiative] = []
    for item in scenario.initiatives:
        update: dict[str, Any] = {}
        if item.segment not in segments.values():
            canonical = segments.get(item.segment.casefold())
            if canonical is not None:
                update["segment"] = canonical
        if any(team not in scenario.teams for team in item.effort):
            update["effort"] = {teams.get(t.casefold(), t): v for t, v in item.effort.items()}
        if item.exclusive_group and groups[item.exclusive_group.casefold()] != item.exclusive_group:
            update["exclusive_group"] = groups[item.exclusive_group.casefold()]
        if update:
            changed = True
            item = item.model_copy(update=update)
        fixed.append(item)
    if changed:
        object.__setattr__(scenario, "initiatives", tuple(fixed))


def id_spellings(ids: Iterable[str]) -> dict[str, str]:
    """Each initiative id without case -> the id as the table spells it."""
    return {ident.casefold(): ident for ident in ids}


def canonical_id(ident: str, spellings: Mapping[str, str]) -> str:
    """``ident`` as the table spells it, matched without case (ids in ``rules``, on the
    command line); ``ident`` unchanged when no id matches, for the caller to refuse."""
    return spellings.get(ident.casefold(), ident)


TYPO_CUTOFF = 0.9
"""Similarity (difflib ratio) from which an unknown journey stage counts as a typo of a known
one (refused with a did-you-mean) rather than a stage no initiative has yet (a warning):
'complaint handlin' against 'complaint handling' is 0.97, 'renewl' against 'renewal' 0.92,
while 'offboarding' against 'onboarding' (0.86) is another stage."""


def stage_problems(scenario: Scenario) -> tuple[list[tuple[Loc, str]], list[tuple[Loc, str]]]:
    """Journey stages in ``objective.stage_weights``, ``rules.min_count`` and
    ``rules.max_count`` that no initiative has, as (errors, warnings).

    Journey stages are free text taken from the initiatives table (matched without case and
    surrounding spaces). A stage within a typo of one the table has is refused with a "did you
    mean"; any other is a warning, not an error: stage weights are policy that may name a
    moment of truth no initiative serves yet (the ``init`` template does). Run by the loader
    on the settings as typed, not on derived weights (``from_evidence``) or what-if copies.
    """
    entries: list[tuple[Loc, str, str]] = []  # (location, stage, what it means for nothing)
    weights = scenario.objective.stage_weights
    if isinstance(weights, Mapping):
        entries += [
            (("objective", "stage_weights", s), s, "this weight applies to nothing")
            for s in weights
        ]
    for key in ("min_count", "max_count"):
        for stage, count in getattr(scenario.rules, key).get("journey_stage", {}).items():
            effect = (
                "no portfolio can meet this rule"
                if key == "min_count" and count > 0
                else "this rule has no effect"
            )
            entries.append((("rules", key, "journey_stage", stage), stage, effect))
    entries = [e for e in entries if e[1].strip()]
    if not entries:
        return [], []
    known: dict[str, str] = {}
    for stage in dict.fromkeys(i.journey_stage for i in scenario.initiatives):  # input order
        if stage.strip():
            known.setdefault(stage.strip().casefold(), stage.strip())
    listed = (
        f"stages in the initiatives table: {sorted(known.values(), key=str.casefold)}"
        if known
        else "no initiative has a journey_stage"
    )
    errors: list[tuple[Loc, str]] = []
    warnings: list[tuple[Loc, str]] = []
    for loc, stage, effect in entries:
        folded = stage.strip().casefold()
        if folded in known:
            continue
        close = difflib.get_close_matches(folded, list(known), n=1, cutoff=TYPO_CUTOFF)
        if close:
            errors.append(
                (
                    loc,
                    f"unknown journey stage {stage!r}; did you mean {known[close[0]]!r}? "
                    f"({listed})",
                )
            )
        else:
            warnings.append(
                (loc, f"no initiative has journey stage {stage!r}, so {effect}; {listed}")
            )
    return errors, warnings


def find_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-field problem of a scenario, as (location, message) pairs.

    Locations are pydantic-style tuples, e.g. ``("initiatives", 3, "segment")``; the loader
    turns them into file, row and column.
    """
    problems: list[tuple[Loc, str]] = []
    first_row: dict[str, int] = {}
    for row, item in enumerate(scenario.initiatives):
        if item.id in first_row:
            problems.append(
                (
                    ("initiatives", row, "id"),
                    f"duplicate id {item.id!r} (first used by initiative "
                    f"#{first_row[item.id] + 1})",
                )
            )
        else:
            first_row[item.id] = row
    if not scenario.initiatives:
        problems.append((("initiatives",), "no initiatives: at least one row is required"))

    segments = set(scenario.segments)
    if ALL_SEGMENTS in segments:
        problems.append(
            (("segments", ALL_SEGMENTS), "'all' is reserved for initiatives reaching every segment")
        )
    teams = set(scenario.teams) | set(scenario.period_teams)
    for row, item in enumerate(scenario.initiatives):
        if item.segment != ALL_SEGMENTS and item.segment not in segments:
            problems.append(
                (
                    ("initiatives", row, "segment"),
                    f"unknown segment {item.segment!r}; expected 'all' or one of "
                    f"{sorted(segments)}",
                )
            )
        for team in item.effort:
            if team not in teams:
                problems.append(
                    (
                        ("initiatives", row, "effort", team),
                        f"effort for unknown team {team!r}; add it under `teams` "
                        f"(known: {sorted(teams)})",
                    )
                )
        for field in item.ranges:
            if field.startswith("effort_") and field.removeprefix("effort_") not in teams:
                problems.append(
                    (("initiatives", row, "ranges", field), f"range for unknown team {field!r}")
                )
        for dep in item.depends_on:
            if dep == item.id:
                problems.append(
                    (("initiatives", row, "depends_on"), f"{item.id!r} depends on itself")
                )
            elif dep not in first_row:
                problems.append(
                    (
                        ("initiatives", row, "depends_on"),
                        f"depends on unknown initiative {dep!r}",
                    )
                )

    cycle = dependency_cycle(scenario.initiatives)
    if cycle:
        row = first_row[cycle[0]]
        problems.append(
            (
                ("initiatives", row, "depends_on"),
                "dependency cycle: " + " -> ".join([*cycle, cycle[0]]),
            )
        )

    for key in ("mandatory", "excluded"):
        for pos, ident in enumerate(getattr(scenario.rules, key)):
            if ident not in first_row:
                problems.append((("rules", key, pos), f"unknown initiative id {ident!r}"))
    excluded = set(scenario.rules.excluded)
    for ident in scenario.mandatory_ids():
        if ident in excluded:
            problems.append(
                (
                    ("rules", "excluded"),
                    f"{ident!r} is both mandatory and excluded; drop it from one of the two",
                )
            )
    for key in ("min_count", "max_count"):
        for attribute, counts in getattr(scenario.rules, key).items():
            if attribute == "pillar":
                for value in counts:
                    if value.strip().lower() not in PILLARS:
                        problems.append(
                            (
                                ("rules", key, attribute, value),
                                f"unknown pillar {value!r}; expected one of {list(PILLARS)}",
                            )
                        )
            if attribute == "segment":
                for value in counts:
                    if value not in segments:
                        problems.append(
                            (
                                ("rules", key, attribute, value),
                                f"unknown segment {value!r}; expected one of {sorted(segments)}",
                            )
                        )
    problems += period_problems(scenario)
    return problems


def dependency_cycle(initiatives: Sequence[Initiative]) -> list[str]:
    """One dependency cycle as a list of ids (empty when the graph is acyclic). Only
    initiatives with dependencies can be on a cycle: the search walks those alone."""
    graph = {i.id: [d for d in i.depends_on if d != i.id] for i in initiatives if i.depends_on}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    for start in graph:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, child = stack.pop()
            if child == 0:
                state[node] = 1
                path.append(node)
            children = graph.get(node, [])
            if child < len(children):
                stack.append((node, child + 1))
                nxt = children[child]
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :]
                if nxt in graph and not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return []
