"""Plan-vs-actual charts for slides: forecast vs realized annual benefit (diagonal = on
forecast), benefit realization by pillar, budget burn vs plan, and burn per period. Each draws
a tracking table and a few scalars on an Axes (a new 16:9 figure when none is given) under
the title it is given (the finding, :mod:`prioritizer.tracking.findings`) and returns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.ticker import MaxNLocator

from ..formatting import clip, percent
from .labels import label_points
from .style import (
    BLUE,
    GREY,
    MIN_FONT,
    ORANGE,
    VERMILLION,
    money_axis,
    new_axes,
    percent_axis,
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
    low, top = _square_limits([*xs, *ys])
    ax.plot([low, top], [low, top], color=GREY, lw=1.2, ls="--", label="as forecast")
    colours = [VERMILLION if y < x else BLUE for x, y in zip(xs, ys, strict=True)]
    ax.scatter(xs, ys, s=70, c=colours, zorder=3)
    ax.set_xlim(low, top)
    ax.set_ylim(low, top)
    for axis in (ax.xaxis, ax.yaxis):  # no 2.5 steps: compact money would show −€2.5k as −€2k
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        axis.set_major_formatter(money_axis(cur))
    ax.set_xlabel(f"Forecast annual benefit ({cur} per year)")
    ax.set_ylabel(f"Measured annual benefit ({cur} per year)")
    # Title and legend before the labels: the labels are placed (the figure laid out) with
    # what they must avoid; a title set after that first layout can wrap to one word a line
    # and collapse the constrained layout.
    set_title(ax, title)
    ax.legend(loc="upper left", frameon=False, fontsize=MIN_FONT)
    label_points(ax, xs, ys, [clip(str(n), 22) for n in frame["name"]], far=True)
    return ax


def _square_limits(values: list[float]) -> tuple[float, float]:
    """Limits of both axes of the forecast-vs-measured chart: every value and 0 inside, with
    a margin below (6% of the span, so no point sits on the edge) and room above for the
    labels (18%)."""
    low, high = min(*values, 0.0), max(*values, 0.0)
    span = (high - low) or 1.0
    return low - 0.06 * span, high + 0.18 * span


def plot_realization_by_pillar(
    by_pillar: pd.DataFrame, *, title: str, ax: Axes | None = None
) -> Axes:
    """Benefit realization per pillar (``by_pillar``'s ``benefit_realization``,
    :func:`~prioritizer.tracking.track.benefit_realization`: 100% = as forecast, above is
    better and below worse, whatever the sign of the forecast), one labelled bar each."""
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
    ks = list(range(len(values)))
    ax.barh(ks, values, color=colours)
    ax.set_yticks(ks, names)  # one tick per bar (the shared style's locator would add more)
    ax.axvline(1.0, color=GREY, ls="--", lw=1.2)
    for k, v in zip(ks, values, strict=True):
        ha = "left" if v >= 0 else "right"  # past the bar's end, either way
        ax.text(v, k, f" {percent(v)} ", va="center", ha=ha, fontsize=MIN_FONT)
    ax.xaxis.set_major_formatter(percent_axis())
    ax.set_xlabel("Benefit realized (100% = as forecast; higher is better)")
    set_title(ax, title)
    low, high = min(0.0, *values), max(1.2, *values)
    span = high - low
    ax.set_xlim(low - (0.15 * span if low < 0 else 0.0), high + 0.15 * span)
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
