"""Charts of the analyses that move one thing at a time: the frontier (budget), marginal
values (each limit), the tornado (each assumption), the Pareto front and the weight sweep.
Each takes the analysis' table and a few scalars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import formatting as fmt
from . import style
from .labels import label_points


def plot_frontier(
    frame: pd.DataFrame,
    *,
    currency: str,
    mode: str,
    budget: float,
    budget_objective: float | None = None,
    knee_budget: float | None = None,
    names: Mapping[str, str] | None = None,
    title: str = "",
    label_entries: int = 5,
    ax: Axes | None = None,
) -> Axes:
    """Optimal value vs budget as a step line; the scenario's ``budget`` marked with its own
    optimum ``budget_objective`` (solved there, not read off a grid neighbour), the point where
    returns drop (``knee_budget``) marked; initiatives entering at the biggest steps labelled by
    name (``names``: id -> name). ``frame`` is ``Frontier.to_frame()``."""
    ax = style.new_axes(ax)
    names = names or {}
    ok = frame[frame["status"].isin(["optimal", "feasible"])]
    line: dict[str, Any] = {"color": style.BLUE, "linewidth": 2.5, "label": "best value"}
    ax.step(ok["budget"], ok["objective"], where="post", **line)
    ax.plot(ok["budget"], ok["objective"], "o", color=style.BLUE, markersize=5)
    ax.axvline(
        budget,
        color=style.VERMILLION,
        linestyle="--",
        linewidth=1.8,
        label=f"our budget {fmt.money(budget, currency)}",
    )
    if budget_objective is not None and np.isfinite(budget_objective):
        ax.plot([budget], [budget_objective], "o", color=style.VERMILLION, markersize=11, zorder=5)
    knee = ok[ok["budget"] == knee_budget]
    if knee_budget is not None and len(knee):
        ax.plot(
            [knee_budget],
            [float(knee["objective"].iloc[0])],
            "D",
            markerfacecolor="none",
            markeredgecolor="black",
            markeredgewidth=2,
            markersize=16,
            linestyle="none",
            label=f"returns drop after {fmt.money(knee_budget, currency)}",
            zorder=5,
        )
    gains = ok["objective"].diff().fillna(0).to_numpy()
    xs: list[float] = []
    ys: list[float] = []
    texts: list[str] = []
    for k in sorted(np.argsort(-gains)[:label_entries]):
        row = ok.iloc[int(k)]
        if gains[k] > 0 and row["entered"]:
            entered = [names.get(i, i) for i in row["entered"].split(";")]
            more = f" +{len(entered) - 1} more" if len(entered) > 1 else ""
            xs.append(float(row["budget"]))
            ys.append(float(row["objective"]))
            texts.append(fmt.clip(entered[0], 34) + more)
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.yaxis.set_major_formatter(style.objective_formatter(mode, currency))
    ax.set_xlabel(f"Budget for one-off cost ({currency})")
    ax.set_ylabel(style.objective_label(mode, currency))
    style.add_legend(ax, "lower right", title_fontsize=style.TICK_FONT)
    # labels last: they avoid the line, the markers, the budget line and the legend
    label_points(ax, xs, ys, texts, side="right", far=True)
    return style.finish(ax, title)


def plot_marginal(
    table: pd.DataFrame,
    *,
    currency: str,
    mode: str,
    step: float,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Objective gained with +``step`` and lost with −``step`` of each limit; each gain bar is
    labelled with its own number and the amount of the limit it took, so the words and the
    bar always agree. ``table`` is ``MarginalValues.to_frame()``."""
    ax = style.new_axes(ax)
    names = [str(n) for n in table["label"]]
    ypos = np.arange(len(names))[::-1]
    gain = table["objective_gain_up"].fillna(0).to_numpy(dtype=float)
    loss = table["objective_loss_down"].fillna(0).to_numpy(dtype=float)
    ax.barh(ypos, gain, color=style.GREEN, height=0.6, label=f"gain with {fmt.share(step)} more")
    ax.barh(
        ypos, -loss, color=style.VERMILLION, height=0.6, label=f"loss with {fmt.share(step)} less"
    )
    reach = float(max(gain.max(initial=0.0), loss.max(initial=0.0), 1e-12))
    for y, g, (_key, row) in zip(ypos, gain, table.iterrows(), strict=True):
        delta = float(row["available"]) * step
        amount = fmt.limit_amount(delta, str(row["unit"]), currency)
        text = f"{fmt.objective_change(g, mode, currency)}\nfor {amount}" if g > 0 else "no gain"
        ax.text(max(g, 0.0) + 0.02 * reach, y, text, va="center", fontsize=style.TICK_FONT)
    ax.set_xlim(-1.1 * reach, 3.0 * reach)
    ax.set_yticks(ypos, names)
    ax.axvline(0, color="black", linewidth=0.8)
    if mode == "blended":
        ax.xaxis.set_major_formatter(style.percent_axis(signed=True))
        ax.set_xlabel("Change of the combined score (points of all value on the table)")
    else:
        ax.xaxis.set_major_formatter(style.objective_formatter(mode, currency))
        ax.set_xlabel("Change of the " + style.objective_short(mode, currency))
    return style.finish(ax, title, "lower right")


def plot_tornado(
    table: pd.DataFrame,
    *,
    base_objective: float,
    currency: str,
    mode: str,
    title: str = "",
    top: int = style.MAX_ROWS,
    ax: Axes | None = None,
) -> Axes:
    """Swing of the optimal objective per assumption (largest first, at most ``top``; how many
    more are in the full table is said under the chart); hatched bars change the portfolio
    itself. ``table`` is ``Tornado.to_frame()``."""
    ax = style.new_axes(ax)
    rest = max(0, len(table) - top)
    table = table.head(top)
    base = base_objective
    ypos = np.arange(len(table))[::-1]
    for y, (_k, row) in zip(ypos, table.iterrows(), strict=True):
        lo, hi = row["objective_low"] - base, row["objective_high"] - base
        hatch = "//" if row["portfolio_changes"] else None
        ax.barh(y, lo, left=base, color=style.ORANGE, height=0.6, hatch=hatch, edgecolor="white")
        ax.barh(y, hi, left=base, color=style.BLUE, height=0.6, hatch=hatch, edgecolor="white")
    names = table["label"] if "label" in table else table["assumption"]
    labels = [
        f"{_short_assumption(str(a))} ({lo} → {hi})"
        for a, lo, hi in zip(names, table["low"], table["high"], strict=True)
    ]
    ax.set_yticks(ypos, labels)
    ax.axvline(base, color="black", linewidth=1)
    ax.xaxis.set_major_formatter(style.objective_formatter(mode, currency))
    note = f"\n{rest} more in the full table" if rest else ""
    ax.set_xlabel(style.objective_short(mode, currency) + note)
    style.legend_patches(
        ax,
        [
            ("low value", {"color": style.ORANGE}),
            ("high value", {"color": style.BLUE}),
            (
                "changes the portfolio",
                {"facecolor": "white", "edgecolor": style.GREY, "hatch": "//"},
            ),
        ],
        "outside lower center",
        ncols=3,
    )
    return style.finish(ax, title)


def _short_assumption(label: str, width: int = 30) -> str:
    """``Initiative name: field`` with the name clipped so the field always shows."""
    name, sep, field = label.rpartition(": ")
    return f"{fmt.clip(name, width)}: {field}" if sep else fmt.clip(label, width + 14)


def plot_pareto(
    points: pd.DataFrame,
    *,
    recommended: tuple[float, float],
    currency: str,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Business vs customer value of the best trade-offs (non-dominated portfolios,
    ``ParetoFront.to_frame()``);
    the recommendation, (NPV, customer value), marked."""
    ax = style.new_axes(ax)
    pts = points.sort_values("business_value")
    ax.plot(
        pts["business_value"],
        pts["customer_value"],
        "-o",
        color=style.BLUE,
        linewidth=2,
        markersize=8,
        label="best trade-offs (no portfolio beats them on both)",
    )
    ax.plot(
        [recommended[0]],
        [recommended[1]],
        marker="*",
        markersize=24,
        color=style.VERMILLION,
        linestyle="none",
        label="our recommendation",
    )
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.yaxis.set_major_formatter(style.count_axis())
    ax.set_xlabel(f"Business value (NPV, {currency})")
    ax.set_ylabel("Customer value\n(customers eased × effort points, a year)")
    return style.finish(ax, title, "lower left")


def plot_weight_sweep(
    membership: pd.DataFrame,
    *,
    current_weight: float,
    names: Mapping[str, str] | None = None,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Which initiatives are chosen at each business weight (filled = chosen), for those the
    weight decides (at most :data:`style.MAX_ROWS`); ``membership`` has one row per initiative
    (index id; ``names``: id -> name) and one boolean column per weight (0-1)."""
    membership = membership[membership.any(axis=1)]
    depends = membership[~membership.all(axis=1)]
    always = len(membership) - len(depends)
    membership = depends.head(style.MAX_ROWS)
    more = len(depends) - len(membership)
    ax = style.new_axes(ax)
    ax.imshow(
        membership.to_numpy(dtype=float),
        aspect="auto",
        cmap="Blues",
        vmin=0,
        vmax=1.3,
        interpolation="nearest",
    )
    ax.set_yticks(
        range(len(membership)),
        [fmt.clip(str((names or {}).get(str(i), i)), 30) for i in membership.index],
    )
    cols = list(membership.columns)
    every = max(1, len(cols) // 10)
    ax.set_xticks(range(0, len(cols), every), [fmt.share(float(c)) for c in cols[::every]])
    note = f"{always} chosen whatever the weight" + (
        f"; {more} more in the full table" if more else ""
    )
    ax.set_xlabel(f"Weight of money in the combined score ({note})")
    ax.grid(False)
    ax.axvline(
        current_weight * (len(cols) - 1),
        color=style.VERMILLION,
        linewidth=2.5,
        label=f"scenario weight {fmt.share(current_weight)}",
    )
    return style.finish(ax, title, "upper left", bbox_to_anchor=(0.0, -0.08))
