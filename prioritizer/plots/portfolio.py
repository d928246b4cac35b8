"""Charts of the recommended portfolio: the map of every initiative, the value bridge, the use
of every limit and the pillars covered. Each takes a table and a few scalars."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import formatting as fmt
from . import style
from .labels import label_points


def plot_portfolio_map(
    portfolio: pd.DataFrame,
    *,
    currency: str,
    title: str = "",
    label_top: int = 10,
    not_placed: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Customer value vs business value per initiative; bubble area = one-off cost; chosen
    ones filled (the ``label_top`` most valuable labelled), the rest hollow; median guides.

    ``portfolio``: one row per initiative (index id) with ``selected``, ``business_value``,
    ``customer_value`` and ``cost`` (as ``Result.portfolio``). ``not_placed``: a line under
    the legend naming initiatives left off the map (e.g. a roadmap's with no start that
    fits, which have no NPV to place).
    """
    ax = style.new_axes(ax)
    cost = portfolio["cost"].to_numpy(dtype=float)
    size = 40 + 1800 * cost / max(cost.max(), 1.0)
    chosen = portfolio["selected"].to_numpy(dtype=bool)
    x = portfolio["business_value"].to_numpy(dtype=float)
    y = portfolio["customer_value"].to_numpy(dtype=float)
    looks: list[tuple[str, Any]] = [
        ("not chosen", {"facecolors": "none", "edgecolors": style.GREY, "linewidths": 1.2}),
        ("chosen", {"color": style.BLUE, "alpha": 0.75, "edgecolors": "white", "linewidths": 0.8}),
    ]
    for (label, look), mask in zip(looks, (~chosen, chosen), strict=True):
        ax.scatter(x[mask], y[mask], s=size[mask], label=label, **look)
    ax.axvline(float(np.median(x)), color=style.GREY, linestyle=":", linewidth=1)
    ax.axhline(float(np.median(y)), color=style.GREY, linestyle=":", linewidth=1)
    ranking = np.argsort(-(x / max(np.abs(x).max(), 1) + y / max(np.abs(y).max(), 1)))
    labelled = [int(k) for k in ranking if chosen[k]][:label_top]
    names = portfolio["name"] if "name" in portfolio else pd.Series(portfolio.index)
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.yaxis.set_major_formatter(style.count_axis())
    ax.set_xlabel(f"Business value (NPV, {currency})")
    ax.set_ylabel("Customer value\n(customers eased × effort points, a year)")
    heading = "bubble area = one-off cost"
    if not_placed:
        heading += f"\n{not_placed}"
    style.finish(ax, title, "best", heading, markerscale=0.5)
    label_points(
        ax,
        [float(x[k]) for k in labelled],
        [float(y[k]) for k in labelled],
        [fmt.clip(str(names.iloc[k]), 34) for k in labelled],
    )
    return ax


def plot_value_bridge(
    steps: pd.Series,
    *,
    currency: str,
    horizon_years: int,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Waterfall of the portfolio's NPV by driver; ``steps`` are the signed values (currency)
    in order, indexed by driver; the last bar is their sum, the NPV."""
    ax = style.new_axes(ax)
    values = steps.to_numpy(dtype=float)
    ends = np.cumsum(values)
    npv = float(ends[-1]) if len(ends) else 0.0
    bottoms, heights = [*(ends - values), 0.0], [*values, npv]
    colours = [style.GREEN if v >= 0 else style.VERMILLION for v in values] + [style.BLUE]
    ax.bar(range(len(heights)), heights, bottom=bottoms, color=colours, width=0.6)
    offset = 0.01 * (float(np.abs(values).max(initial=0.0)) or 1.0)
    for k, (bottom, height) in enumerate(zip(bottoms, heights, strict=True)):
        weight = "bold" if k == len(values) else "normal"  # the NPV bar
        top = max(bottom, bottom + height) + offset
        ax.text(
            k,
            top,
            fmt.money(height, currency),
            ha="center",
            va="bottom",
            fontsize=style.TICK_FONT,
            fontweight=weight,
        )
    tops = [0.0, *ends]
    ax.set_ylim(min(0.0, min(tops)) * 1.1, max(tops) * 1.1)
    ax.set_xticks(range(len(steps) + 1), [str(s) for s in steps.index] + ["Net present value"])
    ax.yaxis.set_major_formatter(style.money_axis(currency))
    ax.set_ylabel(f"Present value over {horizon_years} years ({currency})")
    ax.axhline(0, color="black", linewidth=0.8)
    return style.finish(ax, title)


def plot_capacity(
    limits: pd.DataFrame, *, currency: str, title: str = "", ax: Axes | None = None
) -> Axes:
    """Use of the budget, opex budget and each team's capacity; binding limits highlighted.

    ``limits``: one row per limit with ``label``, ``used``, ``available``, ``share_used``,
    ``binding`` and ``unit`` (as ``Result.limits()``).
    """
    ax = style.new_axes(ax)
    names = [str(n) for n in limits["label"]]
    share = limits["share_used"].fillna(0).to_numpy(dtype=float)
    colours = [style.VERMILLION if b else style.BLUE for b in limits["binding"]]
    ypos = np.arange(len(names))[::-1]
    ax.barh(ypos, np.ones(len(names)), color="#E8E8E8", height=0.6)
    ax.barh(ypos, share, color=colours, height=0.6)
    for y, (_name, row) in zip(ypos, limits.iterrows(), strict=True):
        if str(row["unit"]).startswith(currency):
            text = f"{fmt.money(row['used'], currency)} of {fmt.money(row['available'], currency)}"
        else:
            text = f"{row['used']:,.0f} of {fmt.days(row['available'])}"
        ax.text(1.01, y, text, va="center", fontsize=style.TICK_FONT)
    ax.set_yticks(ypos, names)
    ax.set_xlim(0, 1.45)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(style.percent_axis())
    ax.set_xlabel("Share used · vermillion = used up: the next initiative worth doing does not fit")
    return style.finish(ax, title)


def plot_pillars(shares: pd.DataFrame, *, title: str = "", ax: Axes | None = None) -> Axes:
    """Share of the portfolio's customer value and of its spend per CX pillar; ``shares``
    has one row per pillar with ``customer_value_share`` and ``spend_share`` (0-1)."""
    ax = style.new_axes(ax)
    value = shares["customer_value_share"].to_numpy(dtype=float)
    spend = shares["spend_share"].to_numpy(dtype=float)
    labels = ("share of customer value", "share of one-off spend")
    xpos = style.paired_bars(ax, value, spend, labels, fmt.share)
    ax.set_xticks(xpos, [str(p).capitalize() for p in shares.index])
    ax.yaxis.set_major_formatter(style.percent_axis())
    ax.set_ylim(0, max(1e-9, float(np.nanmax([*value, *spend], initial=0.0))) * 1.2)
    ax.set_ylabel("Share of the portfolio")
    return style.finish(ax, title, "upper left")
