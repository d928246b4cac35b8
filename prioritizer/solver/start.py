"""Heuristic portfolios and cheap bounds: what a time-limited solve can always return.

:func:`ranking_selection` is the spreadsheet ranking over the rules (mandatory first, then
by value per unit of cost, skipping what does not fit); :func:`greedy_start` is that ranking
when it is feasible; :func:`knapsack_bound` is an
upper bound on the optimum that needs no solver, so a heuristic portfolio still has a gap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..rules import Rule, violated_rules


def ranking_selection(rules: Sequence[Rule], values: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """The spreadsheet ranking over the rules (input order, 0/1): mandatory initiatives first;
    then, by value per unit of cost (free ones first, ties in input order), every initiative
    of positive value whose dependencies are chosen and that fits every "<=" rule; finally
    unmet minimum counts patched with their best-ranked candidates that fit. It may break a
    rule (a minimum it could not meet).

    One pass down the ranked list, with the rules' use kept as running sums in the order the
    initiatives are taken (so every comparison is the one a plain loop makes). When every
    "<=" coefficient is non-negative, use only grows: every so often the candidates still to
    come that no longer fit are struck out at once, array-wise (they could not fit later)."""
    n = len(values)
    upper = [r for r in rules if r.sense == "<=" and r.kind != "requires"]
    capacity = np.array([r.rhs for r in upper], dtype=float)
    room_array = capacity + 1e-9 * np.maximum(1.0, np.abs(capacity))
    # for each initiative, the "<=" rules it appears in and its coefficients (one sort)
    empty = np.zeros(0)
    which = np.concatenate([*(np.full(len(r.index), u) for u, r in enumerate(upper)), empty])
    items = np.concatenate([*(r.index for r in upper), empty]).astype(np.int64)
    coefs = np.concatenate([*(r.coef for r in upper), empty]).astype(float)
    order_by_item = np.argsort(items, kind="stable")
    items = items[order_by_item]
    which, coefs = which[order_by_item].astype(np.int64), coefs[order_by_item]
    bounds = np.searchsorted(items, np.arange(n + 1)).tolist()
    which_list, coef_list = which.tolist(), coefs.tolist()
    needs: list[list[int]] = [[] for _ in range(n)]
    for rule in rules:
        if rule.kind == "requires":
            needs[int(rule.index[0])].append(int(rule.index[1]))
    chosen = [False] * n
    load = [0.0] * len(upper)
    room = room_array.tolist()

    def take(k: int) -> None:
        chosen[k] = True
        for p in range(bounds[k], bounds[k + 1]):
            load[which_list[p]] += coef_list[p]

    def fits(k: int) -> bool:
        for p in range(bounds[k], bounds[k + 1]):
            u = which_list[p]
            if not load[u] + coef_list[p] <= room[u]:
                return False
        return True

    def ready(k: int) -> bool:
        return not chosen[k] and all(chosen[d] for d in needs[k])

    def still_fit() -> np.ndarray:
        """Per initiative: fits the rules' use as it is now (array-wise)."""
        over = np.asarray(load)[which] + coefs > room_array[which]
        return np.bincount(items[over], minlength=n) == 0

    for rule in rules:
        if rule.kind == "mandatory":
            for k in rule.index.tolist():
                if not chosen[k]:
                    take(k)
    ratio = np.where(cost > 0, values / np.where(cost > 0, cost, 1.0), np.inf)
    order = np.lexsort((np.arange(n), -ratio))  # by ratio, ties in input order
    growing = not len(coefs) or bool(coefs.min() >= 0)
    candidates = order[values[order] > 0].tolist()
    position, stride = 0, 64
    while position < len(candidates):
        if growing and position:  # strike out those that no longer fit, then go on
            rest = np.asarray(candidates[position:], dtype=np.int64)
            candidates = rest[still_fit()[rest]].tolist()
            position = 0
        for k in candidates[position : position + stride]:
            if ready(k) and fits(k):
                take(k)
        position += stride
        stride = min(2 * stride, 4096)
    order_list = order.tolist()
    for rule in rules:  # patch unmet minimum counts with the best-ranked candidates
        if rule.kind != "min_count":
            continue
        members = set(rule.index.tolist())
        x = np.array(chosen, dtype=float)
        for k in order_list:
            if rule.holds(x):
                break
            if k in members and ready(k) and fits(k):
                take(k)
                x[k] = 1.0
    return np.array(chosen, dtype=float)


def greedy_start(rules: Sequence[Rule], values: np.ndarray, cost: np.ndarray) -> np.ndarray | None:
    """:func:`ranking_selection` when it satisfies every rule (a feasible start for the
    solver), else None."""
    x = ranking_selection(rules, values, cost)
    return None if violated_rules(rules, x) else x


def knapsack_bound(rules: Sequence[Rule], values: np.ndarray) -> float:
    """An upper bound on ``max values·x`` over selections satisfying ``rules``: the least of
    the fractional-knapsack bounds of every "<=" rule with non-negative coefficients (each a
    relaxation: all other rules dropped) and the sum of the positive values."""
    positive = np.clip(values, 0.0, None)
    best = float(positive.sum())
    for rule in rules:
        if rule.sense != "<=" or rule.rhs < 0 or np.any(rule.coef < 0) or not len(rule.index):
            continue
        weight = np.zeros(len(values))
        weight[rule.index] = rule.coef
        free = float(positive[weight == 0].sum())
        members = np.flatnonzero((weight > 0) & (positive > 0))
        order = members[np.argsort(-positive[members] / weight[members], kind="stable")]
        used = np.cumsum(weight[order])
        whole = used <= rule.rhs
        bound = free + float(positive[order][whole].sum())
        cut = int(whole.sum())
        if cut < len(order):
            room = rule.rhs - (float(used[cut - 1]) if cut else 0.0)
            bound += positive[order[cut]] * room / weight[order[cut]]
        best = min(best, bound)
    return best


def best_known(
    portfolios: np.ndarray, rules: Sequence[Rule], values: np.ndarray
) -> np.ndarray | None:
    """The most valuable of ``portfolios`` (k × n, input order, 0/1) that satisfies every
    rule (same tolerance as :meth:`Rule.holds`), the first on ties; None when none does.

    A start for the next re-solve of a sweep: portfolios found by earlier re-solves are often
    optimal, or nearly, for the next one too."""
    if len(portfolios) == 0:
        return None
    ok = np.ones(len(portfolios), dtype=bool)
    for rule in rules:
        lhs = portfolios[:, rule.index] @ rule.coef
        slack = 1e-6 * max(1.0, abs(rule.rhs))
        ok &= lhs <= rule.rhs + slack if rule.sense == "<=" else lhs >= rule.rhs - slack
    if not ok.any():
        return None
    worth = np.where(ok, portfolios @ values, -np.inf)
    return portfolios[int(np.argmax(worth))]
