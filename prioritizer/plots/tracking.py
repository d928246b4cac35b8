"""Plan-vs-actual charts for slides: forecast vs realized annual benefit (diagonal = on
forecast), benefit realization by pillar, budget burn vs plan, and burn per period. Each draws
a tracking table and a few scalars on an Axes (a new 16:9 figure when none is given) under
the title it is given (the finding, :mod:`prioritizer.tracking.findings`) and returns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..formatting import clip
from .labels import label_points
from .style import (
    BLUE,
    GREY,
    ORANGE,
    VERMILLION,
    money_axis,
    new_axes,
    set_title,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def plot_realization(
    initiatives: pd.DataFrame, *, currency: str, title: str, ax: Axes | None = None
) -> Axes:
    """Forecast (x) vs measured (y) annual benefit (``currency`` per year) per initiative
    with a measured business field (``initiatives``: ``name``,
    ``annual_benefit_forecast``, ``annual_benefit_actual``); the diagonal is "as forecast"."""
    ax = new_axes(ax)
    cur = currency
    frame = initiatives[initiatives["annual_benefit_actual"].notna()]
    if frame.empty:
        set_title(ax, title)
        ax.set_axis_off()
        return ax
    xs = frame["annual_benefit_forecast"].astype(float).tolist()
    ys = frame["annual_benefit_actual"].astype(float).tolist()
    top = max(max(xs), max(ys), 0.0) * 1.18
    low = min(min(xs), min(ys), 0.0)
    ax.plot([low, top], [low, top], color=GREY, lw=1.2, ls="--", label="as forecast")
    colours = [VERMILLION if y < x else BLUE for x, y in zip(xs, ys, strict=True)]
    ax.scatter(xs, ys, s=70, c=colours, zorder=3)
    label_points(ax, xs, ys, [clip(str(n), 22) for n in frame["name"]])
    ax.set_xlim(low, top)
    ax.set_ylim(low, top)
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.yaxis.set_major_formatter(money_axis(cur))
    ax.set_xlabel(f"Forecast annual benefit ({cur} per year)")
    ax.set_ylabel(f"Measured annual benefit ({cur} per year)")
    set_title(ax, title)
    ax.legend(loc="upper left", frameon=False, fontsize=12)
    return ax


def plot_realization_by_pillar(
    by_pillar: pd.DataFrame, *, title: str, ax: Axes | None = None
) -> Axes:
    """Measured ÷ forecast annual benefit per pillar (``by_pillar``'s
    ``benefit_realization``, 1 = as forecast)."""
    ax = new_axes(ax)
    table = by_pillar
    table = table[table["benefit_realization"].notna()] if len(table) else table
    if table.empty:
        set_title(ax, title)
        ax.set_axis_off()
        return ax
    table = table.sort_values("benefit_realization")
    values = table["benefit_realization"].astype(float).tolist()
    names = [str(p).capitalize() for p in table.index]
    colours = [VERMILLION if v < 0.9 else ORANGE if v < 1.0 else BLUE for v in values]
    ax.barh(names, values, color=colours)
    ax.axvline(1.0, color=GREY, ls="--", lw=1.2)
    for k, v in enumerate(values):
        ax.text(v, k, f" {v:.0%}", va="center", fontsize=12)
    ax.set_xlabel("Measured ÷ forecast annual benefit (1 = as forecast)")
    set_title(ax, title)
    ax.set_xlim(min(0.0, min(values)), max(1.2, max(values) * 1.15))
    return ax


def plot_burn(
    initiatives: pd.DataFrame, *, currency: str, title: str, ax: Axes | None = None
) -> Axes:
    """Spend to date and estimate at completion against the plan (``currency``), per
    initiative (``initiatives``: ``name``, ``cost_forecast``, ``spent``,
    ``cost_at_completion``)."""
    ax = new_axes(ax)
    cur = currency
    frame = initiatives.sort_values("cost_forecast")
    names = [clip(str(n), 34) for n in frame["name"]]
    ks = list(range(len(frame)))
    ax.barh(
        [k + 0.2 for k in ks],
        frame["cost_forecast"].astype(float),
        height=0.4,
        color=GREY,
        label="Planned cost",
    )
    ax.barh(
        [k - 0.2 for k in ks],
        frame["spent"].astype(float),
        height=0.4,
        color=BLUE,
        label="Spent to date",
    )
    over = frame["cost_at_completion"] > frame["cost_forecast"]
    marks = [
        (k - 0.2, end)
        for k, (flag, end) in enumerate(zip(over, frame["cost_at_completion"], strict=True))
        if flag
    ]
    if marks:
        ax.plot(
            [m[1] for m in marks],
            [m[0] for m in marks],
            ls="none",
            marker="|",
            ms=18,
            mew=3,
            color=VERMILLION,
            label="Cost at completion over plan",
        )
    ax.set_yticks(ks, names)
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.set_xlabel(f"One-off cost ({cur})")
    ax.legend(loc="lower right", frameon=False, fontsize=12)
    set_title(ax, title)
    return ax


def plot_burn_over_time(
    by_period: pd.DataFrame,
    *,
    currency: str,
    planned_total: float,
    title: str,
    ax: Axes | None = None,
) -> Axes:
    """Spend per period (bars: the plan's in grey, the actual in blue) and both cumulated
    (lines: the burn curve against the plan's); without a per-period plan, the portfolio's
    ``planned_total`` cost (``currency``) as a line."""
    ax = new_axes(ax)
    cur = currency
    frame = by_period
    if frame.empty:
        set_title(ax, title)
        ax.set_axis_off()
        return ax
    ks = list(range(len(frame)))
    has_plan = bool(frame["planned_spend"].notna().any())
    if has_plan:
        ax.bar(
            [k - 0.2 for k in ks],
            frame["planned_spend"],
            width=0.4,
            color=GREY,
            alpha=0.55,
            label="Planned spend in the period",
        )
        ax.plot(
            ks,
            frame["cumulative_planned"],
            color=GREY,
            ls="--",
            lw=2,
            marker="o",
            label="Planned, cumulated",
        )
    else:
        ax.axhline(
            planned_total, color=GREY, ls="--", lw=1.5, label="Planned cost of the portfolio"
        )
    ax.bar(
        [k + 0.2 if has_plan else k for k in ks],
        frame["spent"],
        width=0.4,
        color=BLUE,
        alpha=0.55,
        label="Spent in the period",
    )
    ax.plot(ks, frame["cumulative_spent"], color=BLUE, lw=2.5, marker="o", label="Spent, cumulated")
    ax.set_xticks(ks, [str(p) for p in frame.index])
    ax.yaxis.set_major_formatter(money_axis(cur))
    ax.set_ylabel(f"One-off spend ({cur})")
    ax.legend(loc="upper left", frameon=False, fontsize=12)
    set_title(ax, title)
    return ax


__all__: list[str] = [
    "plot_burn",
    "plot_burn_over_time",
    "plot_realization",
    "plot_realization_by_pillar",
]
