"""The rules of a roadmap as linear constraints over the start binaries x[i, s] (spec.md §5).

A roadmap column j is one (initiative, start) pair of :func:`candidates`: every start at which
the initiative finishes inside the plan. Earliest starts, deadlines, pinned starts and
exclusions are rules over those columns (not a smaller domain), so the infeasibility diagnosis
can name them. Each :class:`RoadmapRule` belongs to a ``group`` (``deadline[KYC]``,
``period_budget[2027Q1]``, ``requires[B<-A]``, ...) that the diagnosis switches off as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..models import Scenario
from ..periods import label_index, live_by, period_budgets, period_teams, start_window
from ..rules import matching
from ..value import field_effort

ROADMAP_RULE_KINDS: tuple[str, ...] = (
    "one_start",
    "budget",
    "opex_budget",
    "capacity",
    "period_budget",
    "period_capacity",
    "requires",
    "exclusive",
    "mandatory",
    "excluded",
    "earliest_start",
    "deadline",
    "pinned",
    "min_count",
    "max_count",
)


@dataclass(frozen=True)
class RoadmapRule:
    """``Σ coef · x[columns]  sense  rhs`` over roadmap columns.

    ``key`` is unique (the constraint name); ``group`` gathers the rows of one business rule;
    ``kind`` is one of :data:`ROADMAP_RULE_KINDS`; ``text`` says it in business words.
    """

    key: str
    group: str
    kind: str
    text: str
    columns: np.ndarray
    coef: np.ndarray
    sense: str
    rhs: float

    def lhs(self, x: np.ndarray) -> float:
        """Left-hand side for a 0/1 vector over all columns."""
        return float(np.dot(self.coef, x[self.columns])) if len(self.columns) else 0.0

    def holds(self, x: np.ndarray, tolerance: float = 1e-6) -> bool:
        """Whether ``x`` satisfies this rule (relative tolerance on big numbers)."""
        slack = tolerance * max(1.0, abs(self.rhs))
        value = self.lhs(x)
        return value <= self.rhs + slack if self.sense == "<=" else value >= self.rhs - slack

    def trivially_broken(self) -> bool:
        """No column and a right-hand side that an empty sum cannot meet."""
        if len(self.columns):
            return False
        return (self.sense == "<=" and self.rhs < 0) or (self.sense == ">=" and self.rhs > 0)


def candidates(scenario: Scenario, values: pd.DataFrame) -> pd.DataFrame:
    """The roadmap columns: one row per (initiative, start) of ``values`` (all starts that fit
    the plan), with ``row`` (initiative position) and ``duration``; index 0..J-1."""
    position = {item.id: k for k, item in enumerate(scenario.initiatives)}
    frame = values.reset_index(drop=True).copy()
    frame["row"] = frame["id"].map(position).astype(int)
    frame["duration"] = [scenario.initiatives[r].duration for r in frame["row"]]
    return frame


def _money(value: float, currency: str) -> str:
    return f"{currency} {value:,.0f}"


def build_roadmap_rules(
    scenario: Scenario,
    columns: pd.DataFrame,
    *,
    pins: Mapping[str, str] | None = None,
    field_values: Mapping[str, np.ndarray] | None = None,
) -> list[RoadmapRule]:
    """Every rule of a roadmap scenario over the columns of :func:`candidates`.

    ``pins`` maps initiative ids to the period label they must start in (``--start ID=LABEL``);
    ``field_values`` replaces ``effort_<team>`` arrays (person-days, input order) as drawn by
    the Monte Carlo (the cost comes from ``columns``).
    """
    items = scenario.initiatives
    labels = list(scenario.periods or ())
    currency = scenario.currency
    rows = columns["row"].to_numpy(dtype=int)
    starts = columns["start_index"].to_numpy(dtype=int)
    durations = columns["duration"].to_numpy(dtype=int)
    cost = columns["cost"].to_numpy(dtype=float)
    by_row: dict[int, np.ndarray] = {
        r: np.flatnonzero(rows == r) for r in range(len(items))
    }  # columns of each initiative, starts ascending
    rules: list[RoadmapRule] = []

    def add(
        key: str,
        kind: str,
        text: str,
        cols: np.ndarray,
        coef: np.ndarray,
        sense: str,
        rhs: float,
        group: str | None = None,
    ) -> None:
        keep = coef != 0
        rules.append(
            RoadmapRule(key, group or key, kind, text, cols[keep], coef[keep], sense, float(rhs))
        )

    def ones(cols: np.ndarray) -> np.ndarray:
        return np.ones(len(cols))

    for r, item in enumerate(items):
        cols = by_row[r]
        add(
            f"one_start[{item.id}]",
            "one_start",
            f"{item.id} starts at most once",
            cols,
            ones(cols),
            "<=",
            1.0,
        )

    add(
        "budget",
        "budget",
        f"budget {_money(scenario.budget, currency)} in total",
        np.arange(len(columns)),
        cost,
        "<=",
        scenario.budget,
    )
    if scenario.opex_budget is not None:
        opex = columns["opex_per_year"].to_numpy(dtype=float)
        add(
            "opex_budget",
            "opex_budget",
            f"opex budget {_money(scenario.opex_budget, currency)} per year",
            np.arange(len(columns)),
            opex,
            "<=",
            scenario.opex_budget,
        )
    effort = {
        team: field_effort(scenario, team, field_values)[rows]
        for team in dict.fromkeys([*scenario.teams, *scenario.period_teams])
    }
    for team, capacity in scenario.teams.items():
        add(
            f"capacity[{team}]",
            "capacity",
            f"{fmt.team(team)} team capacity {capacity:,.0f} person-days over the plan",
            np.arange(len(columns)),
            effort[team],
            "<=",
            capacity,
        )

    def active_in(p: int) -> np.ndarray:
        return (starts <= p) & (p < starts + durations)

    spend = period_budgets(scenario)
    if spend is not None:
        for p, limit in enumerate(spend):
            mask = active_in(p)
            cols = np.flatnonzero(mask)
            add(
                f"period_budget[{labels[p]}]",
                "period_budget",
                f"spend in {labels[p]} at most {_money(limit, currency)}",
                cols,
                (cost / durations)[cols],
                "<=",
                limit,
            )
    for team, limits in period_teams(scenario).items():
        for p, limit in enumerate(limits):
            cols = np.flatnonzero(active_in(p))
            add(
                f"period_capacity[{team}@{labels[p]}]",
                "period_capacity",
                f"{fmt.team(team)} team capacity in {labels[p]} {limit:,.0f} person-days",
                cols,
                (effort[team] / durations)[cols],
                "<=",
                limit,
                group=f"period_capacity[{team}@{labels[p]}]",
            )

    position = {item.id: k for k, item in enumerate(items)}
    for r, item in enumerate(items):
        for dep in item.depends_on:
            a = position[dep]
            group = f"requires[{item.id}<-{dep}]"
            text = f"{item.id} may start only after {dep} has finished"
            b_cols, a_cols = by_row[r], by_row[a]
            if not len(b_cols):
                continue
            # cumulative: started B by t  <=  started A by t - duration(A)
            for t in starts[b_cols]:
                mine = b_cols[starts[b_cols] <= t]
                before = a_cols[starts[a_cols] + durations[a_cols] <= t]
                add(
                    f"{group}@{labels[t]}",
                    "requires",
                    text,
                    np.concatenate([mine, before]),
                    np.concatenate([np.ones(len(mine)), -np.ones(len(before))]),
                    "<=",
                    0.0,
                    group=group,
                )

    groups: dict[str, list[int]] = {}
    for r, item in enumerate(items):
        if item.exclusive_group:
            groups.setdefault(item.exclusive_group, []).append(r)
    for name, members in groups.items():
        if len(members) > 1:
            cols = np.concatenate([by_row[r] for r in members])
            ids = ", ".join(items[r].id for r in members)
            add(
                f"exclusive[{name}]",
                "exclusive",
                f"at most one of {ids} (group {name!r})",
                cols,
                ones(cols),
                "<=",
                1.0,
            )

    for ident in scenario.mandatory_ids():
        cols = by_row[position[ident]]
        add(
            f"mandatory[{ident}]", "mandatory", f"{ident} is mandatory", cols, ones(cols), ">=", 1.0
        )
    for ident in dict.fromkeys(scenario.rules.excluded):
        cols = by_row[position[ident]]
        add(f"excluded[{ident}]", "excluded", f"{ident} is excluded", cols, ones(cols), "<=", 0.0)

    for r, item in enumerate(items):
        cols = by_row[r]
        first, last = start_window(scenario, r)
        if item.earliest_start and first > 0:
            early = cols[starts[cols] < first]
            add(
                f"earliest_start[{item.id}]",
                "earliest_start",
                f"{item.id} may not start before {labels[first]}",
                early,
                ones(early),
                "<=",
                0.0,
            )
        if item.deadline:
            late = cols[starts[cols] > last]
            dl = label_index(scenario, item.deadline)
            live = live_by(scenario, item.deadline)
            add(
                f"deadline[{item.id}]",
                "deadline",
                f"{item.id} must be live by {live} (work done by {labels[dl]})",
                late,
                ones(late),
                "<=",
                0.0,
            )
    for ident, label in (pins or {}).items():
        r = position[ident]
        s = label_index(scenario, label)
        cols = by_row[r]
        chosen = cols[starts[cols] == s]
        add(
            f"pinned[{ident}]",
            "pinned",
            f"{ident} pinned to start in {labels[s]}",
            chosen,
            ones(chosen),
            ">=",
            1.0,
        )

    for kind, sense, word in (("min_count", ">=", "at least"), ("max_count", "<=", "at most")):
        for attribute, counts in getattr(scenario.rules, kind).items():
            for value, number in counts.items():
                members = matching(scenario, attribute, value)
                cols = (
                    np.concatenate([by_row[r] for r in members])
                    if members
                    else np.array([], dtype=int)
                )
                add(
                    f"{kind}[{attribute}={value}]",
                    kind,
                    f"{word} {number} initiative(s) with {attribute} {value!r}",
                    cols,
                    ones(cols),
                    sense,
                    float(number),
                )
    return rules


def check_pins(scenario: Scenario, pins: Mapping[str, str]) -> list[tuple[str, str]]:
    """Problems with pinned starts as (where, message): unknown ids or labels, or a start at
    which the initiative would not finish inside the plan."""
    problems: list[tuple[str, str]] = []
    ids = set(scenario.ids)
    labels = list(scenario.periods or ())
    for ident, label in pins.items():
        if ident not in ids:
            problems.append((f"--start {ident}={label}", f"unknown initiative id {ident!r}"))
            continue
        try:
            s = label_index(scenario, label)
        except KeyError:
            problems.append(
                (
                    f"--start {ident}={label}",
                    f"unknown period label {label!r}; expected one of {labels}",
                )
            )
            continue
        duration = scenario.initiative(ident).duration
        if s + duration > len(labels):
            problems.append(
                (
                    f"--start {ident}={label}",
                    f"{ident} needs {duration} periods and would not finish by {labels[-1]}",
                )
            )
    return problems
