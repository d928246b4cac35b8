"""Heuristic portfolios and cheap bounds: what a time-limited solve can always return.

:func:`greedy_start` is the spreadsheet ranking over the rules (mandatory first, then by
value per unit of the first limit, skipping what does not fit); :func:`knapsack_bound` is an
upper bound on the optimum that needs no solver, so a heuristic portfolio still has a gap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..rules import Rule, violated_rules


def greedy_start(rules: Sequence[Rule], values: np.ndarray, cost: np.ndarray) -> np.ndarray | None:
    """A selection (input order) satisfying every rule, built greedily; None if the greedy
    pass does not reach one (e.g. a minimum count it cannot meet)."""
    n = len(values)
    x = np.zeros(n)
    for rule in rules:
        if rule.kind == "mandatory":
            x[rule.index] = 1.0
    upper = [r for r in rules if r.sense == "<=" and r.kind != "requires"]
    load = np.array([r.lhs(x) for r in upper])
    capacity = np.array([r.rhs for r in upper]) + 1e-9 * np.maximum(
        1.0, np.abs([r.rhs for r in upper])
    )
    touching: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for u, rule in enumerate(upper):
        for k, c in zip(rule.index.tolist(), rule.coef.tolist(), strict=True):
            touching[k].append((u, c))
    needs: list[list[int]] = [[] for _ in range(n)]
    for rule in rules:
        if rule.kind == "requires":
            needs[int(rule.index[0])].append(int(rule.index[1]))
    ratio = np.where(cost > 0, values / np.where(cost > 0, cost, 1.0), np.inf)
    for k in sorted(range(n), key=lambda k: (-ratio[k], k)):
        if x[k] or values[k] <= 0 or not all(x[d] for d in needs[k]):
            continue
        if all(load[u] + c <= capacity[u] for u, c in touching[k]):
            x[k] = 1.0
            for u, c in touching[k]:
                load[u] += c
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
