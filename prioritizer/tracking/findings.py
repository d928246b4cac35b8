"""Plan-vs-actual findings: the headline of each tracking chart as data (the analysis
protocol's :class:`~prioritizer.analysis.protocol.Finding`), computed from a
tables of a :class:`~prioritizer.tracking.track.Tracking`. The charts draw them as titles
(:mod:`prioritizer.plots.tracking`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.protocol import Finding
from ..formatting import money


def _against_forecast(actual: float, forecast: float, currency: str | None) -> str:
    """The measured benefit against the forecast in words: a share for a positive forecast
    ("81% of the forecast benefit"); otherwise (a net cost, where a share reads backwards)
    the difference ("€2k a year better than the forecast net benefit"; the amount without a
    currency symbol when ``currency`` is None)."""
    if forecast > 0:
        return f"{actual / forecast:.0%} of the forecast benefit"
    gap = actual - forecast
    if gap == 0:
        return "exactly the forecast net benefit"
    size = money(abs(gap), currency) if currency else f"{abs(gap):,.0f}"
    return f"{size} a year {'better' if gap > 0 else 'worse'} than the forecast net benefit"


def realization_finding(initiatives: pd.DataFrame, currency: str | None = None) -> Finding:
    """How many measured initiatives fall short (measured below forecast annual benefit, the
    chart's points under the diagonal), and how the measured total compares with the
    forecast: a share for a positive forecast, else the difference in ``currency``.
    ``benefit_share`` is :func:`~.track.benefit_realization` of the totals (NaN for a total
    forecast of 0)."""
    from .track import benefit_realization

    frame = initiatives[initiatives["annual_benefit_actual"].notna()]
    if frame.empty:
        return Finding("Did we deliver? No business impact measured yet", {"measured": 0})
    xs = frame["annual_benefit_forecast"].astype(float).tolist()
    ys = frame["annual_benefit_actual"].astype(float).tolist()
    below = sum(1 for x, y in zip(xs, ys, strict=True) if y < x)
    total_x, total_y = math.fsum(xs), math.fsum(ys)
    ratio = benefit_realization(total_y, total_x)
    share = float("nan") if ratio is None else ratio
    return Finding(
        f"Did we deliver? {below} of {len(xs)} measured initiatives fall short; together "
        f"{_against_forecast(total_y, total_x, currency)}",
        {"measured": len(xs), "below_forecast": below, "benefit_share": share},
    )


def pillar_finding(by_pillar: pd.DataFrame, currency: str | None = None) -> Finding:
    """The pillar with the lowest benefit realization (``by_pillar``'s
    ``benefit_realization``, :func:`~.track.benefit_realization`: below 1 is worse than
    forecast whatever the forecast's sign); a pillar whose forecast is a net cost is said as
    the difference in ``currency``."""
    table = by_pillar
    table = table[table["benefit_realization"].notna()] if len(table) else table
    if table.empty:
        return Finding("No business impact measured yet by pillar", {})
    series = table["benefit_realization"].astype(float)
    at = int(series.to_numpy().argmin())  # the first lowest, as idxmin
    worst, value = str(series.index[at]), float(series.iloc[at])
    actual = float(table["benefit_measured_actual"].astype(float).iloc[at])
    forecast = float(table["benefit_measured_forecast"].astype(float).iloc[at])
    rank = "the lowest of the pillars" if len(table) > 1 else "the only pillar measured"
    if forecast > 0:
        said = f"delivers {value:.0%} of its forecast benefit"
    else:
        said = "is " + _against_forecast(actual, forecast, currency).replace(
            "the forecast", "its forecast"
        )
    return Finding(
        f"{worst.capitalize()} {said}, {rank}",
        {"pillar": worst, "benefit_realization": value},
    )


def burn_finding(initiatives: pd.DataFrame, totals: Mapping[str, Any], currency: str) -> Finding:
    """Spend against the plan and how many initiatives run over."""
    t, cur, frame = totals, currency, initiatives
    overruns = (
        int((frame["cost_at_completion"] > frame["cost_forecast"]).sum()) if len(frame) else 0
    )
    share = t["burn_share"] or 0.0
    off_plan = float(t.get("spent_off_plan", 0.0))
    outside = f" (+ {money(off_plan, cur)} outside the plan)" if off_plan else ""
    return Finding(
        f"{money(t['spent'], cur)} spent{outside}, {share:.0%} of the "
        f"{money(t['cost_forecast'], cur)} plan; {overruns} initiative{'s' * (overruns != 1)} "
        "over budget",
        {
            "spent": t["spent"],
            "spent_off_plan": off_plan,
            "cost_forecast": t["cost_forecast"],
            "over_budget": overruns,
        },
    )


def burn_over_time_finding(
    by_period: pd.DataFrame, totals: Mapping[str, Any], currency: str
) -> Finding:
    """Spend to the last reported period against what the plan meant to spend by then."""
    frame, cur = by_period, currency
    if frame.empty:
        return Finding("No spend reported per period", {})
    reported = frame[frame["spent"].notna()]
    last = str(reported.index[-1])
    spent = float(reported["cumulative_spent"].iloc[-1])
    planned = float(reported["cumulative_planned"].iloc[-1])
    if planned == planned and planned > 0:  # a roadmap plan
        share = spent / planned
        return Finding(
            f"{money(spent, cur)} spent by {last}, {share:.0%} of the {money(planned, cur)} "
            "the roadmap planned by then",
            {"period": last, "spent": spent, "planned_to_date": planned, "share": share},
        )
    total = float(totals["cost_forecast"])
    share = spent / total if total else float("nan")
    return Finding(
        f"{money(spent, cur)} spent by {last}, {share:.0%} of the {money(total, cur)} plan",
        {"period": last, "spent": spent, "cost_forecast": total, "share": share},
    )


__all__ = ["burn_finding", "burn_over_time_finding", "pillar_finding", "realization_finding"]
