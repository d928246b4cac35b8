"""The value model of spec.md §2: pure functions from a scenario to one table indexed by id.

Every figure the tool shows is traceable to a column of :func:`score_initiatives`:

- annuity A = Σ_{t=1..H} (1 + r)^(−t)                       (years; A = H when r = 0)
- retained customers per year = customers_s × churn_reduction_pp / 100
- annual benefit = retained × ltv_s + cross_sell + cost_savings − opex   (currency per year)
- business value = A × annual benefit − cost                  (net present value, currency)
- affected customers = min(voc_volume / complaint_rate, customers_s)
- customer value = affected × ces_delta × stage_weight        (effort points removed per year)
- blended score = w_b · business / S_b + w_c · customer / S_c  (share of the whole opportunity)
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .models import ALL_SEGMENTS, Initiative, Scenario

VALUE_COLUMNS: tuple[str, ...] = (
    "name",
    "segment",
    "journey_stage",
    "pillar",
    "segment_customers",
    "segment_ltv",
    "retained_customers_per_year",
    "churn_value_per_year",
    "cross_sell_per_year",
    "cost_savings_per_year",
    "opex_per_year",
    "annual_benefit",
    "annuity_factor",
    "cost",
    "business_value",
    "affected_customers",
    "ces_delta",
    "stage_weight",
    "pillar_weight",
    "customer_value",
    "business_score",
    "customer_score",
    "blended_score",
    "objective_score",
)
"""Columns of the value table, in order (effort_<team> columns follow)."""


def annuity_factor(horizon_years: int, discount_rate: float) -> float:
    """Present value of 1 per year for ``horizon_years`` years at ``discount_rate`` (years)."""
    if discount_rate == 0:
        return float(horizon_years)
    years = np.arange(1, horizon_years + 1, dtype=float)
    return float(np.sum((1.0 + discount_rate) ** (-years)))


def segment_table(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """(customers, ltv) per segment key, plus ``all``: total customers, customer-weighted ltv."""
    table = {key: (seg.customers, seg.ltv) for key, seg in scenario.segments.items()}
    total = math.fsum(c for c, _ in table.values())
    weighted = math.fsum(c * v for c, v in table.values()) / total if total > 0 else 0.0
    table[ALL_SEGMENTS] = (total, weighted)
    return table


def scale_of(business_value: np.ndarray, customer_value: np.ndarray) -> tuple[float, float]:
    """S_b and S_c: sums of the positive business and customer values (a zero sum counts as 1)."""
    # math.fsum is exactly rounded, so the result does not depend on the order of the rows
    s_b = math.fsum(np.clip(business_value, 0.0, None).tolist())
    s_c = math.fsum(np.clip(customer_value, 0.0, None).tolist())
    return (s_b if s_b > 0 else 1.0, s_c if s_c > 0 else 1.0)


def score_initiatives(
    scenario: Scenario,
    *,
    values: Mapping[str, np.ndarray] | None = None,
    normalizers: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Score every initiative of a scenario with the value model, without solving.

    Parameters
    ----------
    scenario:
        The validated scenario.
    values:
        Optional replacement arrays (one entry per initiative, input order) for numeric fields
        such as ``cost`` or ``churn_reduction_pp``; used by the uncertainty analyses.
    normalizers:
        (S_b, S_c) to use instead of the ones computed from these values; the sensitivity
        analyses hold them at their base-case values so blended scores stay comparable.

    Returns
    -------
    pandas.DataFrame
        One row per initiative indexed by ``id`` (input order), with the columns of
        :data:`VALUE_COLUMNS` and ``effort_<team>`` (person-days). Money columns are in the
        scenario's currency; ``customer_value`` is in effort points removed per year.
    """
    items = scenario.initiatives
    segments = segment_table(scenario)
    numbers = _number_columns(items)  # one pass over the initiatives (not one per column)
    ids, names, segment_of, stage_of, pillar_of = _text_columns(items)

    def field(name: str) -> np.ndarray:
        if values is not None and name in values:
            return np.asarray(values[name], dtype=float)
        return numbers[name]

    def per_item(labels: list[str], weight: Callable[[str], float]) -> np.ndarray:
        """``weight(label)`` of each initiative, computed once per distinct label."""
        known = {label: weight(label) for label in dict.fromkeys(labels)}
        return np.array([known[label] for label in labels], dtype=float)

    customers = per_item(segment_of, lambda segment: segments[segment][0])
    ltv = per_item(segment_of, lambda segment: segments[segment][1])
    annuity = annuity_factor(scenario.horizon_years, scenario.discount_rate)

    churn_pp = field("churn_reduction_pp")
    retained = customers * churn_pp / 100.0
    churn_value = retained * ltv
    cross_sell = field("cross_sell")
    savings = field("cost_savings")
    opex = field("opex")
    cost = field("cost")
    annual_benefit = churn_value + cross_sell + savings - opex
    business = annuity * annual_benefit - cost

    voc = field("voc_volume")
    affected = np.minimum(voc / scenario.complaint_rate, customers)
    ces = field("ces_delta")
    stage_weight = per_item(stage_of, scenario.objective.stage_weight)
    # 1.0 unless objective.pillar_weights (evidence.maturity)
    pillar_weight = per_item(pillar_of, scenario.objective.pillar_weight)
    customer = affected * ces * stage_weight * pillar_weight

    s_b, s_c = normalizers if normalizers is not None else scale_of(business, customer)
    business_score = business / s_b
    customer_score = customer / s_c
    objective = scenario.objective
    blended = (
        objective.business_weight * business_score + objective.customer_weight * customer_score
    )
    objective_score = {
        "business": business,
        "customer": customer,
        "blended": blended,
    }[objective.mode]

    efforts = _effort_columns(scenario)
    effort_columns = {
        f"effort_{team}": (
            np.asarray(values[f"effort_{team}"], dtype=float)
            if values and f"effort_{team}" in values
            else efforts[team]
        )
        for team in scenario.teams
    }
    frame = pd.DataFrame(
        {
            "name": names,
            "segment": segment_of,
            "journey_stage": stage_of,
            "pillar": pillar_of,
            "segment_customers": customers,
            "segment_ltv": ltv,
            "retained_customers_per_year": retained,
            "churn_value_per_year": churn_value,
            "cross_sell_per_year": cross_sell,
            "cost_savings_per_year": savings,
            "opex_per_year": opex,
            "annual_benefit": annual_benefit,
            "annuity_factor": np.full(len(items), annuity),
            "cost": cost,
            "business_value": business,
            "affected_customers": affected,
            "ces_delta": ces,
            "stage_weight": stage_weight,
            "pillar_weight": pillar_weight,
            "customer_value": customer,
            "business_score": business_score,
            "customer_score": customer_score,
            "blended_score": blended,
            "objective_score": objective_score,
            **effort_columns,
        },
        index=pd.Index(ids, name="id"),
    )
    frame.attrs["normalizers"] = (s_b, s_c)
    return frame


_NUMBERS = (
    "churn_reduction_pp",
    "cross_sell",
    "cost_savings",
    "opex",
    "cost",
    "voc_volume",
    "ces_delta",
)
"""Numeric fields of an initiative that enter its value (read in one pass)."""


def _number_columns(items: Sequence[Initiative]) -> dict[str, np.ndarray]:
    """The numeric fields of :data:`_NUMBERS` as arrays (input order), read in one pass."""
    get = operator.attrgetter(*_NUMBERS)
    table = np.array([get(i) for i in items], dtype=float).reshape(len(items), len(_NUMBERS))
    return {name: table[:, k].copy() for k, name in enumerate(_NUMBERS)}


def _text_columns(
    items: Sequence[Initiative],
) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(ids, names, segments, journey stages, pillars) of the initiatives, input order."""
    get = operator.attrgetter("id", "name", "segment", "journey_stage", "pillar")
    rows = [get(i) for i in items]
    if not rows:
        return [], [], [], [], []
    ids, names, segment_of, stage_of, pillar_of = (
        list(column) for column in zip(*rows, strict=True)
    )
    return ids, names, segment_of, stage_of, pillar_of


def _effort_columns(scenario: Scenario) -> dict[str, np.ndarray]:
    """Person-days each initiative needs from each team (input order), team by team."""
    efforts = [item.effort for item in scenario.initiatives]
    return {
        team: np.array([effort.get(team, 0.0) for effort in efforts], dtype=float)
        for team in scenario.teams
    }


def base_normalizers(scenario: Scenario) -> tuple[float, float]:
    """(S_b, S_c) of the scenario as given: sums of positive business and customer values."""
    s_b, s_c = score_initiatives(scenario).attrs["normalizers"]
    return float(s_b), float(s_c)


def field_effort(
    scenario: Scenario, team: str, values: Mapping[str, np.ndarray] | None = None
) -> np.ndarray:
    """Person-days each initiative needs from ``team`` (input order)."""
    key = f"effort_{team}"
    if values is not None and key in values:
        return np.asarray(values[key], dtype=float)
    items = scenario.initiatives
    return np.fromiter((i.effort.get(team, 0.0) for i in items), float, len(items))
