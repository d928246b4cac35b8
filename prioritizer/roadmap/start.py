"""A feasible roadmap found without a solver: the start handed to CBC (its first incumbent).

:func:`greedy_roadmap` places initiatives one at a time, each at its most valuable start that
keeps every rule, in a few orders (value per unit of cost; value per share of the scarce
per-period limits; value alone), then tries to move each chosen initiative to a better
start and to fit in what is left out; the best plan that keeps every rule is returned. Works
on the rules alone (:class:`~.constraints.RoadmapRule` over the roadmap columns), so it knows
nothing the solver does not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .constraints import RoadmapRule

_TOLERANCE = 1e-9


class _Plan:
    """A 0/1 vector over the columns with the running left-hand side of every "<=" row."""

    def __init__(self, rules: Sequence[RoadmapRule], count: int) -> None:
        upper = [r for r in rules if r.sense == "<=" and len(r.columns)]
        self.rhs = np.array([r.rhs for r in upper], dtype=float)
        self.room = self.rhs + _TOLERANCE * np.maximum(1.0, np.abs(self.rhs))
        self.rows_of: list[list[tuple[int, float]]] = [[] for _ in range(count)]
        for k, r in enumerate(upper):
            for j, c in zip(r.columns.tolist(), r.coef.tolist(), strict=True):
                self.rows_of[j].append((k, c))
        self.load = [0.0] * len(upper)
        self.room_list = self.room.tolist()
        self.x = np.zeros(count)

    def fits(self, j: int, removed: int | None = None) -> bool:
        """Whether column ``j`` can be added (after taking column ``removed`` out)."""
        load, room = self.load, self.room_list
        if removed is None:
            return all(load[k] + c <= room[k] for k, c in self.rows_of[j])
        change: dict[int, float] = {}
        for k, c in self.rows_of[removed]:
            change[k] = change.get(k, 0.0) - c
        for k, c in self.rows_of[j]:
            change[k] = change.get(k, 0.0) + c
        return all(load[k] + c <= room[k] for k, c in change.items())

    def removable(self, j: int) -> bool:
        """Whether column ``j`` (chosen) can be taken out (a prerequisite of a chosen
        dependant cannot)."""
        load, room = self.load, self.room_list
        return all(load[k] - c <= room[k] for k, c in self.rows_of[j])

    def snapshot(self) -> tuple[np.ndarray, list[float]]:
        return self.x.copy(), list(self.load)

    def restore(self, saved: tuple[np.ndarray, list[float]]) -> None:
        self.x, self.load = saved[0].copy(), list(saved[1])

    def add(self, j: int) -> None:
        self.x[j] = 1.0
        for k, c in self.rows_of[j]:
            self.load[k] += c

    def remove(self, j: int) -> None:
        self.x[j] = 0.0
        for k, c in self.rows_of[j]:
            self.load[k] -= c


def _orders(
    rules: Sequence[RoadmapRule], value: np.ndarray, owner: np.ndarray, cost: np.ndarray
) -> list[np.ndarray]:
    """Initiative orders to try (best first): by value per unit of cost, by value per share
    of the "<=" rows it fills (each row's use weighted by how over-asked the row is), and by
    value alone. ``value``/``cost`` are per initiative (its best column's)."""
    n = len(value)
    weight = np.zeros(n)
    for r in rules:
        if r.sense != "<=" or r.rhs <= 0 or not len(r.columns) or np.any(r.coef < 0):
            continue
        if r.kind in ("one_start", "exclusive", "max_count"):
            continue
        use = np.zeros(n)
        np.maximum.at(use, owner[r.columns], r.coef)
        asked = use.sum() / r.rhs
        if asked > 1.0:
            weight += use / r.rhs * asked
    ratio_cost = np.where(cost > 0, value / np.where(cost > 0, cost, 1.0), np.inf)
    ratio_use = np.where(weight > 0, value / np.where(weight > 0, weight, 1.0), np.inf)
    index = np.arange(n)
    return [
        np.lexsort((index, -ratio_use)),
        np.lexsort((index, -ratio_cost)),
        np.lexsort((index, -value)),
    ]


def greedy_roadmap(
    rules: Sequence[RoadmapRule], values: np.ndarray, owner: np.ndarray, cost: np.ndarray
) -> np.ndarray | None:
    """A 0/1 vector over the roadmap columns that keeps every rule, as valuable as a few
    greedy passes make it; None when none of them keeps every rule (a minimum count or a
    mandatory item they could not place).

    ``values``: objective per column; ``owner``: initiative number (0..n−1) per column;
    ``cost``: per column (the initiative's cost).
    """
    count = len(values)
    if count == 0:
        return None
    n = int(owner.max()) + 1
    columns_of: list[list[int]] = [[] for _ in range(n)]
    for j in np.lexsort((np.arange(count), -values)).tolist():  # best start first
        columns_of[int(owner[j])].append(j)
    best_value = np.array([values[c[0]] if c else -np.inf for c in columns_of])
    best_cost = np.array([cost[c[0]] if c else 0.0 for c in columns_of])
    # required first: every column set some ">=" rule with rhs > 0 needs (mandatory, pinned)
    forced: list[list[int]] = []
    for r in rules:
        if r.sense == ">=" and r.kind in ("mandatory", "pinned") and len(r.columns):
            forced.append(sorted(r.columns.tolist(), key=lambda j: -values[j]))
    minimum = [r for r in rules if r.kind == "min_count" and r.sense == ">=" and len(r.columns)]
    best: np.ndarray | None = None
    best_score = -np.inf
    for order in _orders(rules, best_value, owner, best_cost):
        plan = _Plan(rules, count)
        _place_forced(plan, forced, columns_of, owner)
        candidates = [int(i) for i in order.tolist() if best_value[i] > 0]
        _fill(plan, candidates, columns_of, owner)
        for r in minimum:  # patch minimum counts with the best-ranked members that fit
            members = set(owner[r.columns].tolist())
            for i in order.tolist():
                if r.holds(plan.x):
                    break
                if i in members:
                    _place(plan, int(i), columns_of[int(i)], owner)
        _improve(plan, values, columns_of, owner, candidates)
        lower = [r for r in rules if r.sense == ">="]
        _drop_and_refill(plan, values, columns_of, owner, candidates, lower)
        if all(r.holds(plan.x) for r in rules):
            score = float(values @ plan.x)
            if score > best_score:
                best, best_score = plan.x.copy(), score
    return best


def _chosen(plan: _Plan, columns: list[int]) -> int | None:
    for j in columns:
        if plan.x[j]:
            return j
    return None


def _place(plan: _Plan, i: int, columns: list[int], owner: np.ndarray) -> bool:
    """Initiative ``i`` at its most valuable start that fits (unless it already has one)."""
    del owner
    if _chosen(plan, columns) is not None:
        return True
    for j in columns:
        if plan.fits(j):
            plan.add(j)
            return True
    return False


def _place_forced(
    plan: _Plan, forced: list[list[int]], columns_of: list[list[int]], owner: np.ndarray
) -> None:
    """The columns some rule requires (mandatory, pinned), placed until no more fit (a
    required item may need its prerequisite placed first: repeated passes)."""
    waiting = list(forced)
    while waiting:
        left = []
        for group in waiting:
            i = int(owner[group[0]])
            if any(plan.x[j] for j in group):
                continue
            if _chosen(plan, columns_of[i]) is not None:
                left.append(group)  # placed at a start the rule does not allow
                continue
            fitting = [j for j in group if plan.fits(j)]
            if fitting:
                plan.add(fitting[0])
            else:
                left.append(group)
        if len(left) == len(waiting):
            break
        waiting = left


def _fill(
    plan: _Plan, candidates: list[int], columns_of: list[list[int]], owner: np.ndarray
) -> None:
    """Place candidates in order, again until a pass places nothing (a dependent item fits
    once its prerequisite is in)."""
    waiting = candidates
    while waiting:
        left = [i for i in waiting if not _place(plan, i, columns_of[i], owner)]
        if len(left) == len(waiting):
            break
        waiting = left


def _improve(
    plan: _Plan,
    values: np.ndarray,
    columns_of: list[list[int]],
    owner: np.ndarray,
    candidates: list[int],
) -> None:
    """Move chosen initiatives to more valuable starts that fit, then fit in what is out;
    repeated while something improves (at most a few rounds)."""
    for _ in range(4):
        moved = False
        for i in candidates:
            current = _chosen(plan, columns_of[i])
            if current is None:
                continue
            for j in columns_of[i]:
                if values[j] <= values[current]:
                    break
                if plan.fits(j, removed=current):
                    plan.remove(current)
                    plan.add(j)
                    moved = True
                    break
        before = plan.x.sum()
        _fill(
            plan, [i for i in candidates if _chosen(plan, columns_of[i]) is None], columns_of, owner
        )
        if not moved and plan.x.sum() == before:
            break


def _drop_and_refill(
    plan: _Plan,
    values: np.ndarray,
    columns_of: list[list[int]],
    owner: np.ndarray,
    candidates: list[int],
    lower: Sequence[RoadmapRule],
    rounds: int = 2,
) -> None:
    """Local search: take one chosen initiative out, fill the room it leaves with the others
    (in the greedy order, each at its best start that fits), put it back at a start that
    still fits if any; kept when the plan is worth more and still keeps the ">=" rules."""
    for _ in range(rounds):
        improved = False
        for i in candidates:
            current = _chosen(plan, columns_of[i])
            if current is None or not plan.removable(current):
                continue
            saved = plan.snapshot()
            before = float(values @ plan.x)
            plan.remove(current)
            _fill(
                plan,
                [k for k in candidates if k != i and _chosen(plan, columns_of[k]) is None],
                columns_of,
                owner,
            )
            _place(plan, i, columns_of[i], owner)
            if float(values @ plan.x) > before + 1e-12 and all(r.holds(plan.x) for r in lower):
                improved = True
            else:
                plan.restore(saved)
        if not improved:
            break
