"""Cost of delay: what waiting a period costs each chosen initiative, and when each one left
out could still start ("not yet" instead of "no")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..models import Initiative, Scenario
from ..periods import live_by, start_overruns, start_window, window_warnings

if TYPE_CHECKING:
    from .result import Roadmap


LOGICAL_KINDS: tuple[str, ...] = (
    "excluded",
    "exclusive",
    "requires",
    "max_count",
    "min_count",
    "earliest_start",
    "deadline",
    "pinned",
)
"""Rule kinds that more money or people would not change: a blocker of these kinds is named
before any budget or capacity (:func:`cost_of_delay`'s ``blocked_by``)."""


def logical_first_starts(scenario: Scenario) -> dict[str, int]:
    """Per initiative, the earliest start (period index) its logical rules allow when no
    budget, capacity or other initiative's timing limits it: its ``earliest_start``, and each
    prerequisite started at its own such start and finished (transitively). An initiative
    whose own window (earliest start, deadline, end of the plan) or a prerequisite's leaves no
    start maps to the number of periods (no start)."""
    count = len(scenario.periods or ())
    position = {item.id: k for k, item in enumerate(scenario.initiatives)}
    first: dict[str, int] = {}

    def visit(ident: str, path: frozenset[str]) -> int:
        if ident in first:
            return first[ident]
        row = position[ident]
        item = scenario.initiatives[row]
        low, high = start_window(scenario, row)
        for dep in item.depends_on:
            if dep in path or dep not in position:  # a cycle is the scenario's error to report
                continue
            done = visit(dep, path | {ident}) + scenario.initiatives[position[dep]].duration
            low = max(low, done)
        first[ident] = low if low <= high else count
        return first[ident]

    for item in scenario.initiatives:
        visit(item.id, frozenset())
    return first


def best_starts(scenario: Scenario, columns: pd.DataFrame) -> pd.DataFrame:
    """Per initiative (index ``id``, input order): ``best_start`` (label; None when no start
    is possible) and ``best_start_value`` (business value there, currency; NaN): its best
    start if budgets and capacities did not limit it (largest objective score, earliest on
    ties) among the allowed starts of ``columns`` (:func:`~prioritizer.roadmap.values.
    start_values`) that its prerequisites leave (:func:`logical_first_starts`)."""
    first = logical_first_starts(scenario)
    rows: list[dict[str, Any]] = []
    for item in scenario.initiatives:
        mine = columns[(columns["id"] == item.id) & columns["allowed"]]
        possible = mine[mine["start_index"] >= first[item.id]]
        if len(possible):
            best = possible.iloc[int(np.argmax(possible["objective_score"].to_numpy()))]
            rows.append(
                {
                    "id": item.id,
                    "best_start": str(best["start"]),
                    "best_start_value": float(best["business_value"]),
                }
            )
        else:
            rows.append({"id": item.id, "best_start": None, "best_start_value": float("nan")})
    return pd.DataFrame(rows).set_index("id")


def never_plannable(scenario: Scenario, best: pd.DataFrame | None = None) -> set[str]:
    """Ids of a roadmap's initiatives that can never be planned: the load's ``no-start-fits``
    (:func:`prioritizer.periods.window_warnings`: earliest start, duration and deadline leave
    no period to start in, or its cost or effort per period exceeds a per-period limit from
    every start) and those whose prerequisites leave no start
    (:func:`best_starts` finds none; ``best``: its table when
    already computed). They are left out of every roadmap and have no NPV to show. Empty
    without ``periods``."""
    if not scenario.periods:
        return set()
    from .values import start_values

    if best is None:
        best = best_starts(scenario, start_values(scenario))
    never = {str(i) for i in best.index[best["best_start"].isna()]}
    never |= {scenario.initiatives[row].id for row, _ in window_warnings(scenario)}
    return never


def _logical_blocker(roadmap: Roadmap, item: Initiative, starts: dict[str, int]) -> str:
    """What keeps an initiative left out of the plan whatever the money or people (a noun
    phrase; empty when nothing logical does): excluded, an alternative of its exclusive group
    in the plan, a prerequisite not in the plan or finished too late in it."""
    sc = roadmap.scenario
    labels = roadmap.labels
    if item.id in sc.rules.excluded:
        return "its exclusion by the scenario's rules"
    if item.exclusive_group:
        partners = [
            i.id
            for i in sc.initiatives
            if i.exclusive_group == item.exclusive_group and i.id != item.id and i.id in starts
        ]
        if partners:
            return (
                f"its alternative {', '.join(partners)}, in the plan "
                f"(at most one of group {item.exclusive_group!r})"
            )
    missing = [d for d in item.depends_on if d not in starts]
    if missing:
        which = "prerequisites" if len(missing) > 1 else "prerequisite"
        verb = "are" if len(missing) > 1 else "is"
        return f"its {which} {', '.join(missing)}, which {verb} not in the plan"
    row = sc.ids.index(item.id)
    _, last = start_window(sc, row)
    late = [
        d for d in item.depends_on if starts[d] + sc.initiative(d).duration > last
    ]  # would have to start after its last allowed start
    if late:
        d = late[0]
        finish = labels[starts[d] + sc.initiative(d).duration - 1]
        room = f"be live by {live_by(sc, item.deadline)}" if item.deadline else "finish in the plan"
        return (
            f"its prerequisite {d}, which finishes only in {finish} in this plan: "
            f"too late to {room}"
        )
    return ""


def cost_of_delay(roadmap: Roadmap) -> pd.DataFrame:
    """One row per initiative (input order).

    ``best_start`` / ``best_start_value`` (label; business value at it, currency): its best
    start if budgets and capacities did not limit it (largest objective score; earliest on
    ties) among the starts its logical rules allow: its earliest start, its deadline, the end
    of the plan and its prerequisites, each started at its own such start and finished
    (:func:`best_starts`); None/NaN when none does.

    For a chosen initiative: ``npv_lost_one_period_later`` = its own business value at its
    start minus its own at the next start, the rest of the plan as it is (currency; not a
    re-plan, which may lose more or less; NaN when the next start would not finish inside the
    plan or its deadline forbids it; ``delay_note`` says which) and the customer value lost
    likewise.

    For an initiative left out: ``fits_from`` = the earliest allowed start at which it fits
    beside the chosen plan without moving anything (every rule still holds), its business value
    there, and ``blocked_by`` = what keeps it out at its earliest start beside the plan: first
    the per-period budget or team capacity its own evenly spread cost or effort exceeds from
    every allowed start (:func:`~prioritizer.periods.start_overruns`), else a logical rule
    more money or people would not change (excluded, an alternative of its exclusive group in
    the plan, a prerequisite not in the plan or finishing too late), else
    the first rule it breaks at the first allowed start after its prerequisites' finishes in
    the plan (logical rules such as a maximum count before budgets and capacities).
    """
    columns = roadmap.columns
    x = roadmap.x
    rules = [r for r in roadmap.rules if r.kind != "one_start"]
    rank = {kind: k for k, kind in enumerate(LOGICAL_KINDS)}
    chosen = roadmap.chosen
    starts = dict(zip(chosen["id"], chosen["start_index"].astype(int), strict=True))
    best = best_starts(roadmap.scenario, columns)
    best_label = best["best_start"].to_dict()
    best_value = best["best_start_value"].astype(float).to_dict()
    rows: list[dict[str, Any]] = []
    for item in roadmap.scenario.initiatives:
        mine = columns[columns["id"] == item.id]
        allowed = mine[mine["allowed"]]
        record: dict[str, Any] = {"id": item.id, "chosen": item.id in starts}
        record["best_start"] = best_label[item.id]
        record["best_start_value"] = best_value[item.id]
        if item.id in starts:
            here = mine[x[mine.index] > 0.5].iloc[0]
            later = mine[mine["start_index"] == here["start_index"] + 1]
            record["start"] = here["start"]
            if len(later) and not bool(later["allowed"].iat[0]):  # past its deadline
                record["npv_lost_one_period_later"] = float("nan")
                record["customer_value_lost_one_period_later"] = float("nan")
                live = live_by(roadmap.scenario, item.deadline)
                record["delay_note"] = f"a period later it would miss its deadline (live by {live})"
            elif len(later):
                record["npv_lost_one_period_later"] = float(
                    here["business_value"] - later["business_value"].iat[0]
                )
                record["customer_value_lost_one_period_later"] = float(
                    here["customer_value"] - later["customer_value"].iat[0]
                )
                record["delay_note"] = ""
            else:  # no own NPV a period later to compare with: say why, as past a deadline
                record["npv_lost_one_period_later"] = float("nan")
                record["customer_value_lost_one_period_later"] = float("nan")
                record["delay_note"] = "a period later it would not finish inside the plan"
            record.update(fits_from=None, fits_from_value=float("nan"), blocked_by="")
        else:
            record.update(
                start=None,
                npv_lost_one_period_later=float("nan"),
                customer_value_lost_one_period_later=float("nan"),
                delay_note="",
            )
            fits, value = None, float("nan")
            for k, j in enumerate(allowed.index.to_numpy(dtype=int)):
                trial = x.copy()
                trial[j] = 1.0
                if all(r.holds(trial) for r in rules):
                    fits = str(allowed["start"].iat[k])
                    value = float(allowed["business_value"].to_numpy()[k])
                    break
            row = roadmap.scenario.ids.index(item.id)
            overruns = {
                int(s): start_overruns(roadmap.scenario, row, int(s))
                for s in allowed["start_index"].to_numpy(dtype=int)
            }
            blocked = "" if fits else _logical_blocker(roadmap, item, starts)
            if not fits and overruns and all(overruns.values()):  # no start fits on its own
                blocked = next(iter(overruns.values()))[0]
            if not len(allowed):
                blocked = (
                    "no start fits its earliest start, duration and deadline"
                    if item.earliest_start or item.deadline
                    else "it would not finish inside the plan from any start"
                )
            elif not blocked:  # at the first start its prerequisites' finishes allow
                after = max(
                    [starts[d] + roadmap.scenario.initiative(d).duration for d in item.depends_on],
                    default=0,
                )
                first = allowed[allowed["start_index"] >= after]
                at = first["start_index"].to_numpy(dtype=int)
                over = overruns.get(int(at[0])) if len(at) else None
                if over and str(first["start"].iat[0]) != fits:
                    blocked = over[0]
                elif len(first) and str(first["start"].iat[0]) != fits:
                    trial = x.copy()
                    trial[int(first.index[0])] = 1.0
                    broken = sorted(
                        (r for r in rules if not r.holds(trial)),
                        key=lambda r: rank.get(r.kind, len(rank)),
                    )
                    blocked = broken[0].text if broken else ""
            record.update(fits_from=fits, fits_from_value=value, blocked_by=blocked)
        rows.append(record)
    order = [
        "chosen",
        "start",
        "npv_lost_one_period_later",
        "customer_value_lost_one_period_later",
        "delay_note",
        "best_start",
        "best_start_value",
        "fits_from",
        "fits_from_value",
        "blocked_by",
    ]
    frame = pd.DataFrame(rows).set_index("id")
    return frame[order].astype({"chosen": bool}).replace({np.nan: np.nan})
