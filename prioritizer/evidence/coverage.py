"""No double counting, and what the portfolio leaves uncovered (spec.md §6).

The rule
--------
A feedback item (a customer, when a customer column is mapped) counts once in a portfolio's
customer value, whichever chosen initiatives address it: it is **credited to the chosen
initiative that addresses it with the largest value per item**, u_i = customer_value_i /
voc_volume_i (= ces_delta × stage_weight × the segment cap's share, effort points per item).
An initiative alone keeps exactly its §2 customer value; two chosen initiatives that address
the same items get the better one's credit for those items, not the sum.

As a linear program (no product of decisions): for every group g of items addressed by the
same set I_g of two or more initiatives (volume V_g per year, from ``evidence.overlap``),
continuous assignment variables y[g,i] in [0, 1] with

    y[g,i] <= x[i]            (credit only a chosen initiative)     ``credit[g,i]``
    Σ_i y[g,i] <= 1           (credit the items once)               ``once[g]``

and the objective takes, for the customer part, Σ_i x_i·(cv_i − Σ_{g∋i} V_g u_i) +
Σ_{g,i} V_g u_i y[g,i]. Maximizing puts each group's y on the best chosen initiative, so the
optimum is the rule exactly. Scenarios without overlapping ``addresses`` get no extra
variable: their program is the v1 program.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models import Scenario


@dataclass(frozen=True)
class OverlapModel:
    """Extra linear terms for the no-double-counting rule, solver-neutral.

    Attributes
    ----------
    x_adjust:
        Added to each initiative's objective coefficient (input order): −k Σ_{g∋i} V_g u_i.
    y_objective, y_initiative, y_group:
        One entry per assignment variable y[g,i]: its objective coefficient k·V_g·u_i, the
        index i of its initiative (input order) and its group g.
    groups:
        Number of overlap groups (one ``once[g]`` constraint each).
    factor:
        k: the objective's weight on customer value (1 in customer mode, w_c / S_c blended).
    """

    x_adjust: np.ndarray
    y_objective: np.ndarray
    y_initiative: np.ndarray
    y_group: np.ndarray
    groups: int
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
    y_obj: list[float] = []
    y_ini: list[int] = []
    y_grp: list[int] = []
    for g, group in enumerate(evidence.overlap):
        for ident in group.ids:
            i = position[ident]
            credit = factor * group.volume * u[i]
            x_adjust[i] -= credit
            y_obj.append(credit)
            y_ini.append(i)
            y_grp.append(g)
    return OverlapModel(
        x_adjust=x_adjust,
        y_objective=np.array(y_obj, dtype=float),
        y_initiative=np.array(y_ini, dtype=int),
        y_group=np.array(y_grp, dtype=int),
        groups=len(evidence.overlap),
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


def credited_customer_value(scenario: Scenario, scores: pd.DataFrame, ids: Sequence[str]) -> float:
    """Customer value of a portfolio under the no-double-counting rule (effort points/year)."""
    chosen = np.isin(np.array(scenario.ids, dtype=object), list(ids))
    total = math.fsum(scores["customer_value"].to_numpy(dtype=float)[chosen].tolist())
    return total - double_counted(scenario, scores, chosen)
