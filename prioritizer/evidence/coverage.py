"""No double counting, and what the portfolio leaves uncovered (spec.md §6).

The rule
--------
A feedback item (a customer, when a customer column is mapped) counts once in a portfolio's
customer value, whichever chosen initiatives address it: it is **credited to the chosen
initiative that addresses it with the largest value per item**, u_i = customer_value_i /
voc_volume_i (= ces_delta × stage_weight × the segment cap's share, effort points per item).
An initiative alone keeps exactly its §2 customer value; two chosen initiatives that address
the same items get the better one's credit for those items, not the sum.

As a linear program (no product of decisions): sort the initiatives of an overlap group g
(items addressed by the same set of two or more initiatives, V_g per year, from
``evidence.overlap``) by u, best first: u_(1) >= u_(2) >= ... >= u_(m), u_(m+1) = 0. The
group's credit is V_g · max over chosen u = V_g · Σ_k (u_(k) − u_(k+1)) · [one of the k best
is chosen]. "One of the set P is chosen" is a continuous variable w_P in [0, 1] with

    w_P <= Σ_{i∈P} x_i                                         ``credit[k]``

which the maximization (its coefficient is positive) sets to min(1, Σ x) = the OR for a 0/1
x. (Declared 0/1, the same program gives the same optimum; CBC solves the continuous one
about 5x faster on the telecom example.) Prefix sets shared by
several groups share one w_P (on the examples this is ~2.4x fewer variables than one
assignment variable per group and initiative); a prefix of one initiative is x itself. The
initiatives' own coefficients lose the group's §2 credit (Σ_{g∋i} V_g u_i), so a portfolio's
objective is exactly the rule. Scenarios without overlapping ``addresses`` get no extra
variable: their program is the v1 program.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models import Scenario
from ..rules import Rule


@dataclass(frozen=True)
class OverlapModel:
    """Extra linear terms for the no-double-counting rule, solver-neutral.

    Attributes
    ----------
    x_adjust:
        Added to each initiative's objective coefficient (input order).
    w_objective, w_members:
        One entry per OR variable w_P: its objective coefficient and the initiatives (input
        positions) of P; the solver adds ``w_P <= Σ_{i∈P} x_i`` and 0 <= w_P <= 1.
    factor:
        k: the objective's weight on customer value (1 in customer mode, w_c / S_c blended).
    """

    x_adjust: np.ndarray
    w_objective: np.ndarray
    w_members: tuple[tuple[int, ...], ...]
    factor: float


def per_item_value(scores: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """u_i: customer value per unit of voc_volume (effort points per item), input order."""
    voc = np.array([i.voc_volume for i in scenario.initiatives], dtype=float)
    value = scores["customer_value"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(voc > 0, value / np.where(voc > 0, voc, 1.0), 0.0)


def customer_factor(scenario: Scenario, scores: pd.DataFrame) -> float:
    """k: how much one effort point of customer value adds to the objective."""
    mode = scenario.objective.mode
    if mode == "customer":
        return 1.0
    if mode == "business":
        return 0.0
    _s_b, s_c = scores.attrs.get("normalizers", (1.0, 1.0))
    return scenario.objective.customer_weight / float(s_c)


def overlap_model(scenario: Scenario, scores: pd.DataFrame) -> OverlapModel | None:
    """The extra terms of the rule, or None when no item is addressed twice (v1 program)."""
    evidence = scenario.evidence
    if evidence is None or not evidence.overlap:
        return None
    factor = customer_factor(scenario, scores)
    if factor == 0:
        return None
    position = {ident: k for k, ident in enumerate(scenario.ids)}
    u = per_item_value(scores, scenario)
    x_adjust = np.zeros(len(position))
    prefixes: dict[tuple[int, ...], float] = {}
    for group in evidence.overlap:
        members = sorted((position[i] for i in group.ids), key=lambda k: (-u[k], k))
        for k in members:
            x_adjust[k] -= factor * group.volume * u[k]
        for depth in range(1, len(members) + 1):
            step = u[members[depth - 1]] - (u[members[depth]] if depth < len(members) else 0.0)
            if step <= 0:
                continue
            credit = factor * group.volume * step
            if depth == 1:
                x_adjust[members[0]] += credit
            else:
                key = tuple(sorted(members[:depth]))
                prefixes[key] = prefixes.get(key, 0.0) + credit
    keys = sorted(prefixes)
    return OverlapModel(
        x_adjust=x_adjust,
        w_objective=np.array([prefixes[k] for k in keys], dtype=float),
        w_members=tuple(keys),
        factor=factor,
    )


def double_counted(scenario: Scenario, scores: pd.DataFrame, chosen: np.ndarray) -> float:
    """Customer value (effort points per year) that summing the chosen initiatives' §2 values
    would count twice or more: Σ_g [Σ_{i∈g chosen} V_g u_i − max_{i∈g chosen} V_g u_i].

    The portfolio's customer value under the rule is Σ chosen cv_i minus this.
    """
    evidence = scenario.evidence
    if evidence is None or not evidence.overlap:
        return 0.0
    position = {ident: k for k, ident in enumerate(scenario.ids)}
    u = per_item_value(scores, scenario)
    picked = np.asarray(chosen, dtype=bool)
    excess: list[float] = []
    for group in evidence.overlap:
        credits = [group.volume * u[position[i]] for i in group.ids if picked[position[i]]]
        if len(credits) > 1:
            excess.append(math.fsum(credits) - max(credits))
    return math.fsum(excess)


def own_objective(scenario: Scenario, scores: pd.DataFrame, chosen: np.ndarray) -> float:
    """The scenario's objective of a selection (0/1 or bool, input order) as
    :class:`~prioritizer.Result` counts it: the chosen ``objective_score`` summed, less the
    customer value counted twice or more, at the objective's weight on customer value."""
    x = (np.asarray(chosen, dtype=float) > 0.5).astype(float)
    values = scores["objective_score"].to_numpy(dtype=float)
    model = overlap_model(scenario, scores)
    if model is None:
        return float(values @ x)  # the sum the analyses always used
    total = math.fsum(values[x > 0.5].tolist())
    return total - double_counted(scenario, scores, x > 0.5) * model.factor


def feedback_addressed(scenario: Scenario, ids: Sequence[str]) -> float:
    """Feedback a year (``voc_volume`` units) about what the initiatives ``ids`` fix, each
    item counted once however many of them address it (Σ voc_volume less, per overlap group
    with k > 1 of them, (k − 1) × the group's volume)."""
    chosen = set(ids)
    total = math.fsum(i.voc_volume for i in scenario.initiatives if i.id in chosen)
    evidence = scenario.evidence
    if evidence is None or not evidence.overlap:
        return total
    repeats = [
        group.volume * (hits - 1)
        for group in evidence.overlap
        if (hits := sum(1 for i in group.ids if i in chosen)) > 1
    ]
    return total - math.fsum(repeats)


def credited_customer_value(scenario: Scenario, scores: pd.DataFrame, ids: Sequence[str]) -> float:
    """Customer value of a portfolio under the no-double-counting rule (effort points/year)."""
    chosen = np.isin(np.array(scenario.ids, dtype=object), list(ids))
    total = math.fsum(scores["customer_value"].to_numpy(dtype=float)[chosen].tolist())
    return total - double_counted(scenario, scores, chosen)


@dataclass(frozen=True)
class Extension:
    """The scenario's program extended by the rule: what the solver layer builds instead.

    Attributes
    ----------
    ids:
        Variable names: the initiative ids (input order) then one per OR variable w_P
        (``\uffffcredit[k]``, sorted after any id).
    coefficients:
        Objective over all variables (the initiatives' adjusted, then the w_P's).
    rules:
        ``credit[k]``: w_P − Σ_{i∈P} x_i <= 0, indices over all variables.
    n:
        Number of initiatives (the first ``n`` variables).
    """

    ids: list[str]
    coefficients: np.ndarray
    rules: list[Rule]
    n: int
    model: OverlapModel

    @property
    def integer(self) -> np.ndarray:
        """0/1 initiatives, continuous OR variables (their optimum is 0/1 anyway)."""
        return np.arange(len(self.ids)) < self.n

    def start(self, x: np.ndarray) -> np.ndarray:
        """A full start vector from a selection: w_P = 1 when one of P is chosen."""
        w = [1.0 if any(x[i] > 0.5 for i in members) else 0.0 for members in self.model.w_members]
        return np.concatenate([np.asarray(x, dtype=float), np.array(w)])


def extend_program(
    scenario: Scenario, scores: pd.DataFrame, coefficients: np.ndarray
) -> Extension | None:
    """The program with the no-double-counting rule, or None when nothing is addressed twice
    (the scenario's program is then the v1 program, unchanged)."""
    model = overlap_model(scenario, scores)
    if model is None:
        return None
    n = len(scenario.initiatives)
    ids = [*scenario.ids, *(f"\uffffcredit[{k:07d}]" for k in range(len(model.w_members)))]
    rules = [
        Rule(
            key=f"credit[{k}]",
            kind="credit",
            text="feedback addressed by several chosen initiatives counts once",
            index=np.array([n + k, *members], dtype=np.int64),
            coef=np.array([1.0] + [-1.0] * len(members)),
            sense="<=",
            rhs=0.0,
        )
        for k, members in enumerate(model.w_members)
    ]
    full = np.concatenate(
        [np.asarray(coefficients, dtype=float) + model.x_adjust, model.w_objective]
    )
    return Extension(ids=ids, coefficients=full, rules=rules, n=n, model=model)
