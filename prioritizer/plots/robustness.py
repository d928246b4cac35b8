"""Charts of robustness and comparison: Monte Carlo selection frequencies and NPV spread,
explanation margins, scenarios side by side, the optimum beside the spreadsheet ranking.
Each takes the analysis' table and a few scalars."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import formatting as fmt
from . import style


def robustness_rows(frame: pd.DataFrame, top: int = style.MAX_ROWS) -> pd.DataFrame:
    """The rows the robustness chart shows (most chosen first): of the initiatives chosen at
    least once, the borderline ones first (the fragile calls), then the most chosen, at most
    ``top``. ``frame`` is ``MonteCarlo.to_frame()``."""
    chosen = frame[frame["selection_frequency"] > 0]
    rank = chosen.assign(_first=chosen["class"] != "borderline").sort_values(
        ["_first", "selection_frequency"], ascending=[True, False], kind="stable"
    )
    shown = rank.head(top).sort_values("selection_frequency", ascending=False, kind="stable")
    return shown.drop(columns="_first")


def shown_words(frame: pd.DataFrame, top: int = style.MAX_ROWS) -> str:
    """What the robustness chart shows when it cannot show every initiative chosen at least
    once, per class: ``"chart: all 6 borderline, 6 of the 25 core"``; empty when every such
    initiative is shown."""
    chosen = frame[frame["selection_frequency"] > 0]
    shown = robustness_rows(frame, top)
    if len(shown) == len(chosen):
        return ""
    parts = []
    for name in ("borderline", "core", "exterior"):
        k = int((shown["class"] == name).sum())
        n = int((chosen["class"] == name).sum())
        if k:
            parts.append(f"all {n} {name}" if k == n else f"{k} of the {n} {name}")
    return "chart: " + ", ".join(parts)


def plot_robustness(
    frame: pd.DataFrame,
    *,
    core: float,
    exterior: float,
    draws: int,
    title: str = "",
    top: int = style.MAX_ROWS,
    ax: Axes | None = None,
) -> Axes:
    """Selection frequency per initiative over ``draws`` simulations, coloured core /
    borderline / exterior, by name; ``frame`` is ``MonteCarlo.to_frame()``. At most ``top``
    rows: the borderline ones first (the fragile calls), then the most chosen; how many more
    are in the full table is said under the chart."""
    chosen = frame[frame["selection_frequency"] > 0]
    shown = robustness_rows(frame, top)
    ax = style.new_axes(ax)
    ypos = np.arange(len(shown))[::-1]
    colours = [style.CLASS_COLOURS[c] for c in shown["class"]]
    ax.barh(ypos, shown["selection_frequency"], color=colours, height=0.7)
    names = shown["name"] if "name" in shown else pd.Series(shown.index, index=shown.index)
    labels = [
        f"{'● ' if b else ''}{fmt.clip(str(n), 30)}"
        for n, b in zip(names, shown["in_base_portfolio"], strict=True)
    ]
    ax.set_yticks(ypos, labels)
    for x in (exterior, core):
        ax.axvline(x, color="black", linestyle=":", linewidth=1)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(style.percent_axis())
    more = len(chosen) - len(shown)
    note = f"\n{more} more in the full table" if more > 0 else ""
    ax.set_xlabel(f"Chosen in % of {draws:,} simulations · ● = in the plan{note}")
    style.legend_patches(
        ax,
        [(k, {"color": c}) for k, c in style.CLASS_COLOURS.items()],
        "lower right",
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
    """Histogram of the recommended portfolio's NPV over the simulations (``values``,
    currency), with the low (P10), middle (P50) and high (P90) outcomes and the base case in
    the legend (no labels to collide)."""
    ax = style.new_axes(ax)
    ax.hist(values, bins=30, color=style.SKY, edgecolor="white")
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    for value, label, dash in (
        (p10, "1 in 10 outcomes below", ":"),
        (p50, "middle outcome", "--"),
        (p90, "1 in 10 outcomes above", "-."),
    ):
        ax.axvline(
            value,
            color=style.BLUE,
            linestyle=dash,
            linewidth=2,
            label=f"{label} {fmt.money(value, currency)}",
        )
    ax.axvline(
        base_value,
        color=style.VERMILLION,
        linewidth=2.5,
        label=f"our estimate {fmt.money(base_value, currency)}",
    )
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.yaxis.set_major_formatter(style.count_axis())
    ax.set_xlabel(f"NPV of the recommended portfolio ({currency})")
    ax.set_ylabel("Number of simulations")
    return style.finish(ax, title, "upper left", bbox_to_anchor=(1.0, 1.0))


def plot_explain(
    frame: pd.DataFrame,
    *,
    currency: str,
    title: str = "",
    top: int = style.MAX_ROWS,
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
    names = frame["name"] if "name" in frame else pd.Series(frame.index, index=frame.index)
    ax.set_yticks(ypos, [fmt.clip(str(n), 30) for n in names])
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.set_xlabel(
        f"NPV margin ({currency}): in → fall before it leaves; out → rise it needs to enter"
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
    shown: int = 5,
    ax: Axes | None = None,
) -> Axes:
    """The optimum beside the spreadsheet ranking: ``objectives`` (optimum, ranking, in the
    scenario's mode) as bars, and the initiatives (names) only one of them funds, at most
    ``shown`` of each (the rest is in the full table)."""
    ax = style.new_axes(ax)
    values = [float(v) for v in objectives]
    bars = ax.bar([0, 1], values, color=[style.BLUE, style.GREY], width=0.5)
    labels = [fmt.objective(v, mode, currency) for v in values]
    ax.bar_label(bars, labels=labels, fontsize=style.LABEL_FONT, fontweight="bold")
    ax.set_xticks([0, 1], ["Optimized", "Ranked by\nvalue / cost"])
    ax.yaxis.set_major_formatter(style.objective_formatter(mode, currency))
    ax.set_ylabel(fmt.sentence(style.objective_label(mode, currency).replace("Best ", "")))
    ax.set_ylim(0, max([*values, 1e-12]) * 1.15)

    def listing(heading: str, names: Sequence[str]) -> str:
        lines = [f"  {fmt.clip(n, 34)}" for n in names[:shown]] or ["  none"]
        if len(names) > shown:
            lines.append(f"  … {len(names) - shown} more in the full table")
        return f"{heading} ({len(names)}):\n" + "\n".join(lines)

    note = (
        listing("Only in the optimum", only_optimum)
        + "\n\n"
        + listing("Only in the ranking", only_ranking)
    )
    ax.text(
        1.02,
        1.0,
        note,
        transform=ax.transAxes,
        fontsize=style.TICK_FONT,
        va="top",
        fontfamily=style.FONT,
    )
    ax.set_xlim(-0.5, 1.5)
    return style.finish(ax, title)
