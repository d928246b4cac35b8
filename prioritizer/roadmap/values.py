"""The value of every possible start (spec.md §5), computed before the solve.

For initiative i started in period s (0-based; m = period_length_months / 12 years,
H = horizon_years, T periods in the plan):

- go-live g = s + duration; evaluation runs to period E = T − 1 + H/m
- gross (currency per year) = retained × ltv + cross_sell + cost_savings      (spec.md §2)
- ramp(k) = min(1, (k + 1) / (ramp_up + 1))
- each live period p = g..E yields m · (ramp(p − g) · gross − opex)
- each work period p = s..g − 1 costs cost / duration
- every amount of period p is discounted by (1 + r)^(−(p + 1)·m)
- business value at s = Σ discounted yields − Σ discounted costs                (currency, NPV)
- customer value at s = customer value (§2) × Σ_{p=g..E} m · ramp(p − g) / H  (effort points/yr)
- blended score at s = w_b · business / S_b + w_c · customer / S_c, where S_b (S_c) is the sum
  over initiatives of each one's largest positive business (customer) value over its allowed
  starts (a zero sum counts as 1)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..models import Scenario
from ..periods import periods_per_horizon, start_window
from ..value import score_initiatives

START_COLUMNS: tuple[str, ...] = (
    "id",
    "start",
    "start_index",
    "finish",
    "go_live",
    "go_live_index",
    "allowed",
    "live_periods",
    "benefit_years",
    "gross_per_year",
    "opex_per_year",
    "pv_benefit",
    "pv_opex",
    "pv_cost",
    "cost",
    "business_value",
    "customer_value_full",
    "customer_value",
    "business_score",
    "customer_score",
    "objective_score",
)
"""Columns of :func:`start_values`, in order (money in the scenario's currency)."""


def ramp(k: np.ndarray | int, ramp_up: int) -> np.ndarray:
    """Share of full benefit ``k`` periods after go-live: min(1, (k + 1) / (ramp_up + 1))."""
    return np.minimum(1.0, (np.asarray(k, dtype=float) + 1.0) / (ramp_up + 1.0))


def discount(periods: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Discount factor of each period p: (1 + r)^(−(p + 1)·m)."""
    m = scenario.period_length_months / 12.0
    return (1.0 + scenario.discount_rate) ** (-(np.asarray(periods, dtype=float) + 1.0) * m)


def present_value_factors(scenario: Scenario, row: int, start: int) -> tuple[float, float, float]:
    """(b, o, c) of initiative ``row`` (input order) started in period ``start`` (0-based):
    its value at that start is b × gross − o × opex − c × cost (gross and opex in currency
    per year, cost in currency): b = Σ m · ramp · discount and o = Σ m · discount over the
    live periods (years), c = Σ discount / duration over the work periods."""
    item = scenario.initiatives[row]
    end = len(scenario.periods or ()) - 1 + round(periods_per_horizon(scenario))
    factors = discount(np.arange(end + 1), scenario)
    g = start + item.duration
    b, o = benefit_factors(scenario, row, g)
    return b, o, math.fsum((factors[start:g] / item.duration).tolist())


def benefit_factors(scenario: Scenario, row: int, go_live: int) -> tuple[float, float]:
    """(b, o) of :func:`present_value_factors` for initiative ``row`` going live in period
    ``go_live`` (0-based, ≥ 0), however long its work took: b = Σ m · ramp · discount and
    o = Σ m · discount over the live periods (years); (0, 0) past the evaluation's end."""
    item = scenario.initiatives[row]
    m = scenario.period_length_months / 12.0
    end = len(scenario.periods or ()) - 1 + round(periods_per_horizon(scenario))
    periods = np.arange(end + 1)
    factors = discount(periods, scenario)
    g = max(0, go_live)
    ramps = ramp(periods[g:] - g, item.ramp_up)
    return (
        math.fsum((m * ramps * factors[g:]).tolist()),
        math.fsum((m * factors[g:]).tolist()),
    )


def value_schedule(
    scenario: Scenario,
    initiative_id: str,
    start: int | str,
    *,
    scores: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every cash flow of one initiative started in period ``start`` (0-based index or a
    period label such as ``2027Q3``), one row per
    period from the start to the end of the evaluation: the terms its value at that start sums.

    Columns: ``period`` (index), ``label`` (None after the plan), ``phase`` (work or live),
    ``ramp``, ``cash_flow`` (currency, undiscounted), ``discount_factor``, ``present_value``,
    ``benefit_years`` (m · ramp in live periods).
    """
    scores = score_initiatives(scenario) if scores is None else scores
    if isinstance(start, str):
        from ..exceptions import Problem, ScenarioError
        from ..periods import label_index

        try:
            start = label_index(scenario, start)
        except KeyError:
            labels = list(scenario.periods or ())
            raise ScenarioError(
                [Problem("start", f"unknown period label {start!r}; expected one of {labels}")]
            ) from None
    row = scenario.ids.index(initiative_id)
    item = scenario.initiatives[row]
    labels = list(scenario.periods or ())
    count = len(labels)
    m = scenario.period_length_months / 12.0
    end = count - 1 + round(periods_per_horizon(scenario))
    go_live = start + item.duration
    periods = np.arange(start, end + 1)
    live = periods >= go_live
    ramps = np.where(live, ramp(periods - go_live, item.ramp_up), 0.0)
    gross = _gross(scores).iloc[row]
    opex = float(scores["opex_per_year"].iloc[row])
    cost = float(scores["cost"].iloc[row])
    flows = np.where(live, m * (ramps * gross - opex), -cost / item.duration)
    factors = discount(periods, scenario)
    return pd.DataFrame(
        {
            "period": periods,
            "label": [labels[p] if p < count else None for p in periods],
            "phase": np.where(live, "live", "work"),
            "ramp": ramps,
            "cash_flow": flows,
            "discount_factor": factors,
            "present_value": flows * factors,
            "benefit_years": np.where(live, m * ramps, 0.0),
        }
    )


def _gross(scores: pd.DataFrame) -> pd.Series:
    return (
        scores["churn_value_per_year"]
        + scores["cross_sell_per_year"]
        + scores["cost_savings_per_year"]
    )


def start_values(
    scenario: Scenario,
    *,
    scores: pd.DataFrame | None = None,
    normalizers: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The value of each initiative at each start that finishes inside the plan.

    Parameters
    ----------
    scenario:
        A validated scenario with ``periods``.
    scores:
        The §2 value table (:func:`prioritizer.score_initiatives`), perhaps with drawn values;
        computed from the scenario when omitted.
    normalizers:
        (S_b, S_c) to use instead of the ones computed here.

    Returns
    -------
    pandas.DataFrame
        One row per (initiative, start), initiatives in input order, starts ascending, with the
        columns of :data:`START_COLUMNS`; ``allowed`` says whether the start respects the
        initiative's earliest start and deadline. ``attrs['normalizers']`` holds (S_b, S_c).
    """
    if not scenario.periods:
        raise ValueError("start values need a scenario with `periods`")
    scores = score_initiatives(scenario) if scores is None else scores
    labels = list(scenario.periods)
    count = len(labels)
    m = scenario.period_length_months / 12.0
    horizon = float(scenario.horizon_years)
    end = count - 1 + round(periods_per_horizon(scenario))
    gross_all = _gross(scores).to_numpy(dtype=float)
    opex_all = scores["opex_per_year"].to_numpy(dtype=float)
    cost_all = scores["cost"].to_numpy(dtype=float)
    customer_all = scores["customer_value"].to_numpy(dtype=float)
    all_periods = np.arange(end + 1)
    factors = discount(all_periods, scenario)

    records: list[tuple[object, ...]] = []
    for row, item in enumerate(scenario.initiatives):
        first, last = start_window(scenario, row)
        d = item.duration
        gross, opex, cost = gross_all[row], opex_all[row], cost_all[row]
        for s in range(0, count - d + 1):
            g = s + d
            live = all_periods[g:]
            ramps = ramp(live - g, item.ramp_up)
            pv_benefit = math.fsum((m * ramps * gross * factors[g:]).tolist())
            pv_opex = math.fsum((m * opex * factors[g:]).tolist())
            pv_cost = math.fsum((cost / d * factors[s:g]).tolist())
            years = math.fsum((m * ramps).tolist())
            business = pv_benefit - pv_opex - pv_cost
            records.append(
                (
                    item.id,
                    labels[s],
                    s,
                    labels[g - 1],
                    labels[g] if g < count else None,
                    g,
                    first <= s <= last,
                    len(live),
                    years,
                    gross,
                    opex,
                    pv_benefit,
                    pv_opex,
                    pv_cost,
                    cost,
                    business,
                    customer_all[row],
                    customer_all[row] * years / horizon,
                )
            )
    frame = pd.DataFrame.from_records(records, columns=list(START_COLUMNS[:-3]))
    go_live = frame["go_live"].astype(object)
    frame["go_live"] = go_live.where(go_live.notna(), None)  # None: after the last period
    if normalizers is None:
        normalizers = roadmap_normalizers(frame)
    s_b, s_c = normalizers
    frame["business_score"] = frame["business_value"] / s_b
    frame["customer_score"] = frame["customer_value"] / s_c
    objective = scenario.objective
    frame["objective_score"] = {
        "business": frame["business_value"],
        "customer": frame["customer_value"],
        "blended": objective.business_weight * frame["business_score"]
        + objective.customer_weight * frame["customer_score"],
    }[objective.mode]
    frame.attrs["normalizers"] = (s_b, s_c)
    return frame


def roadmap_normalizers(frame: pd.DataFrame) -> tuple[float, float]:
    """(S_b, S_c): sums over initiatives of each one's largest positive value over its allowed
    starts (spec.md §5); a zero sum counts as 1."""
    allowed = frame[frame["allowed"]]
    best = allowed.groupby("id", sort=False)[["business_value", "customer_value"]].max()
    s_b = math.fsum(np.clip(best["business_value"].to_numpy(), 0.0, None).tolist())
    s_c = math.fsum(np.clip(best["customer_value"].to_numpy(), 0.0, None).tolist())
    return (s_b if s_b > 0 else 1.0, s_c if s_c > 0 else 1.0)
