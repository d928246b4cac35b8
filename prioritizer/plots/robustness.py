"""Charts of robustness and comparison: Monte Carlo selection frequencies and NPV spread,
explanation margins, scenarios side by side, the optimum beside the spreadsheet ranking.
Each takes the analysis' table and a few scalars."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .. import formatting as fmt
from . import style


def plot_robustness(
    frame: pd.DataFrame,
    *,
    core: float,
    exterior: float,
    draws: int,
    title: str = "",
    top: int = 40,
    ax: Axes | None = None,
) -> Axes:
    """Selection frequency per initiative over ``draws`` draws, coloured core / borderline /
    exterior; ``frame`` is ``MonteCarlo.to_frame()``."""
    frame = frame.sort_values("selection_frequency", ascending=False)
    frame = frame[frame["selection_frequency"] > 0].head(top)
    ax = style.new_axes(ax)
    ypos = np.arange(len(frame))[::-1]
    colours = [style.CLASS_COLOURS[c] for c in frame["class"]]
    ax.barh(ypos, frame["selection_frequency"], color=colours, height=0.7)
    labels = [
        f"{'● ' if b else ''}{fmt.clip(str(i), 22)}"
        for i, b in zip(frame.index, frame["in_base_portfolio"], strict=True)
    ]
    ax.set_yticks(ypos, labels, fontsize=9 if len(frame) > 25 else 11)
    for x in (exterior, core):
        ax.axvline(x, color="black", linestyle=":", linewidth=1)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_xlabel(
        f"Share of {draws:,} draws in which the initiative is chosen "
        "(● = in the recommended portfolio)"
    )
    style.legend_patches(
        ax, [(k, {"color": c}) for k, c in style.CLASS_COLOURS.items()], "lower right"
    )
    return style.finish(ax, title)


def plot_value_distribution(
    values: np.ndarray,
    *,
    base_value: float,
    currency: str,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Histogram of the recommended portfolio's NPV over the draws (``values``, currency),
    with P10/P50/P90 and the base case."""
    ax = style.new_axes(ax)
    ax.hist(values, bins=40, color=style.SKY, edgecolor="white")
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    for value, label in ((p10, "P10"), (p50, "P50"), (p90, "P90")):
        ax.axvline(value, color=style.BLUE, linestyle="--", linewidth=1.5)
        ax.text(
            value, ax.get_ylim()[1] * 0.95, f" {label} {fmt.money(value, currency)}", fontsize=11
        )
    ax.axvline(
        base_value,
        color=style.VERMILLION,
        linewidth=2,
        label=f"base case {fmt.money(base_value, currency)}",
    )
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.set_xlabel(f"NPV of the recommended portfolio ({currency})")
    ax.set_ylabel("Number of draws")
    return style.finish(ax, title, "upper left")


def plot_explain(
    frame: pd.DataFrame,
    *,
    currency: str,
    title: str = "",
    top: int = 20,
    ax: Axes | None = None,
) -> Axes:
    """NPV margins of the ``top`` closest calls: how far chosen initiatives could fall, how
    much others must rise; ``frame`` is ``Explanations.to_frame()``."""
    frame = frame[np.isfinite(frame["business_value_margin"].astype(float))]
    frame = frame.reindex(frame["business_value_margin"].abs().sort_values().index).head(top)
    ax = style.new_axes(ax)
    ypos = np.arange(len(frame))[::-1]
    colours = [style.BLUE if s else style.ORANGE for s in frame["selected"]]
    ax.barh(ypos, frame["business_value_margin"].astype(float), color=colours, height=0.6)
    ax.set_yticks(ypos, [fmt.clip(str(i), 24) for i in frame.index])
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.set_xlabel(
        f"NPV margin ({currency}): in → fall before it leaves; out → rise needed to enter"
    )
    style.legend_patches(
        ax, [("in", {"color": style.BLUE}), ("out", {"color": style.ORANGE})], "lower right"
    )
    return style.finish(ax, title)


def plot_compare(
    totals: pd.DataFrame, *, currency: str, title: str = "", ax: Axes | None = None
) -> Axes:
    """Business value and cost per scenario, side by side; ``totals`` has rows
    ``business_value`` and ``cost`` and one column per scenario (currency)."""
    ax = style.new_axes(ax)
    names = [str(c) for c in totals.columns]
    value = totals.loc["business_value"].to_numpy(dtype=float)
    cost = totals.loc["cost"].to_numpy(dtype=float)
    labels = ("business value (NPV)", "one-off cost")
    xpos = style.paired_bars(ax, value, cost, labels, lambda v: fmt.money(v, currency))
    ax.set_xticks(xpos, [fmt.clip(n, 30) for n in names])
    ax.yaxis.set_major_formatter(style.money_axis(currency))
    ax.set_ylabel(currency)
    return style.finish(ax, title, "upper left")


def plot_ranking(
    objectives: pd.Series,
    *,
    only_optimum: Sequence[str],
    only_ranking: Sequence[str],
    currency: str,
    mode: str,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The optimum beside the spreadsheet ranking: ``objectives`` (optimum, ranking, in the
    scenario's mode) as bars, and the initiatives only one of them funds."""
    ax = style.new_axes(ax)
    values = [float(v) for v in objectives]
    bars = ax.bar([0, 1], values, color=[style.BLUE, style.GREY], width=0.5)
    labels = [fmt.objective(v, mode, currency) for v in values]
    ax.bar_label(bars, labels=labels, fontsize=13, fontweight="bold")
    ax.set_xticks([0, 1], ["Optimized portfolio", "Ranking by value / cost"])
    ax.yaxis.set_major_formatter(style.objective_formatter(mode, currency))
    ax.set_ylabel(fmt.sentence(style.objective_label(mode, currency).replace("Optimal ", "")))

    def listing(heading: str, ids: Sequence[str]) -> str:
        shown = list(ids[:9]) + ([f"… and {len(ids) - 9} more"] if len(ids) > 9 else [])
        return f"{heading} ({len(ids)}):\n" + "\n".join(f"  {i}" for i in shown or ["none"])

    note = (
        listing("Only in the optimum", only_optimum)
        + "\n\n"
        + listing("Only in the ranking", only_ranking)
    )
    ax.text(1.45, max(values) * 0.98, note, fontsize=11, va="top", family="monospace")
    ax.set_xlim(-0.5, 3.2)
    return style.finish(ax, title)
