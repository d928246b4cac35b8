"""Plan-vs-actual findings: the headline of each tracking chart as data (the analysis
protocol's :class:`~prioritizer.analysis.protocol.Finding`), computed from a
tables of a :class:`~prioritizer.tracking.track.Tracking`. The charts draw them as titles
(:mod:`prioritizer.plots.tracking`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..analysis.protocol import Finding
from ..formatting import money


def realization_finding(initiatives: pd.DataFrame) -> Finding:
    """How many measured initiatives fall short, and the share of the forecast benefit."""
    frame = initiatives[initiatives["annual_benefit_actual"].notna()]
    if frame.empty:
        return Finding("Did we deliver? No business impact measured yet", {"measured": 0})
    xs = frame["annual_benefit_forecast"].astype(float).tolist()
    ys = frame["annual_benefit_actual"].astype(float).tolist()
    below = sum(1 for x, y in zip(xs, ys, strict=True) if y < x)
    share = sum(ys) / sum(xs) if sum(xs) else float("nan")
    return Finding(
        f"Did we deliver? {below} of {len(xs)} measured initiatives fall short; together "
        f"{share:.0%} of the forecast benefit",
        {"measured": len(xs), "below_forecast": below, "benefit_share": share},
    )


def pillar_finding(by_pillar: pd.DataFrame) -> Finding:
    """The pillar furthest below its forecast benefit."""
    table = by_pillar
    table = table[table["benefit_realization"].notna()] if len(table) else table
    if table.empty:
        return Finding("No business impact measured yet by pillar", {})
    series = table["benefit_realization"].astype(float)
    worst = str(series.idxmin())
    value = float(series.min())
    return Finding(
        f"{worst.capitalize()} delivers {value:.0%} of its forecast benefit, the lowest "
        "of the pillars",
        {"pillar": worst, "benefit_realization": value},
    )


def burn_finding(initiatives: pd.DataFrame, totals: Mapping[str, Any], currency: str) -> Finding:
    """Spend against the plan and how many initiatives run over."""
    t, cur, frame = totals, currency, initiatives
    overruns = (
        int((frame["cost_at_completion"] > frame["cost_forecast"]).sum()) if len(frame) else 0
    )
    share = t["burn_share"] or 0.0
    return Finding(
        f"{money(t['spent'], cur)} spent, {share:.0%} of the {money(t['cost_forecast'], cur)} "
        f"plan; {overruns} initiative{'s' * (overruns != 1)} over budget",
        {"spent": t["spent"], "cost_forecast": t["cost_forecast"], "over_budget": overruns},
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
