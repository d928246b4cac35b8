"""Charts of the analyses that move one thing at a time: the frontier (budget), marginal
values (each limit), the tornado (each assumption), the Pareto front and the weight sweep.
Each takes the analysis' table and a few scalars."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .. import formatting as fmt
from . import style


def plot_frontier(
    frame: pd.DataFrame,
    *,
    currency: str,
    mode: str,
    budget: float,
    knee_budget: float | None = None,
    title: str = "",
    label_entries: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Optimal value vs budget as a step line; ``budget`` and the knee marked; initiatives
    entering at the biggest steps labelled. ``frame`` is ``Frontier.to_frame()``."""
    ax = style.new_axes(ax)
    ok = frame[frame["status"].isin(["optimal", "feasible"])]
    line: dict[str, Any] = {"color": style.BLUE, "linewidth": 2.5, "label": "optimal value"}
    ax.step(ok["budget"], ok["objective"], where="post", **line)
    ax.plot(ok["budget"], ok["objective"], "o", color=style.BLUE, markersize=4)
    ax.axvline(
        budget,
        color=style.VERMILLION,
        linestyle="--",
        linewidth=1.5,
        label=f"current budget {fmt.money(budget, currency)}",
    )
    knee = ok[ok["budget"] == knee_budget]
    if knee_budget is not None and len(knee):
        ax.annotate(
            f"knee: {fmt.money(knee_budget, currency)}",
            (knee_budget, float(knee["objective"].iloc[0])),
            xytext=(30, -40),
            textcoords="offset points",
            fontsize=12,
            arrowprops={"arrowstyle": "->", "color": "black"},
        )
    gains = ok["objective"].diff().fillna(0).to_numpy()
    for k in np.argsort(-gains)[:label_entries]:
        row = ok.iloc[int(k)]
        if gains[k] > 0 and row["entered"]:
            names = row["entered"].split(";")
            text = ", ".join(fmt.clip(n, 16) for n in names[:2]) + (
                f" +{len(names) - 2}" if len(names) > 2 else ""
            )
            ax.annotate(
                text,
                (row["budget"], row["objective"]),
                xytext=(4, 6),
                textcoords="offset points",
                fontsize=9,
                color="#333333",
            )
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.yaxis.set_major_formatter(style.objective_formatter(mode, currency))
    ax.set_xlabel(f"Budget for one-off cost ({currency})")
    ax.set_ylabel(style.objective_label(mode, currency))
    return style.finish(ax, title, "lower right")


def plot_marginal(
    table: pd.DataFrame,
    *,
    currency: str,
    mode: str,
    step: float,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Objective gained with +``step`` and lost with −``step`` of each limit, with the NPV
    one more unit of it brings. ``table`` is ``MarginalValues.to_frame()``."""
    ax = style.new_axes(ax)
    names = [str(n) for n in table["label"]]
    ypos = np.arange(len(names))[::-1]
    gain = table["objective_gain_up"].fillna(0).to_numpy(dtype=float)
    loss = table["objective_loss_down"].fillna(0).to_numpy(dtype=float)
    ax.barh(ypos, gain, color=style.GREEN, height=0.6, label=f"gain with +{fmt.share(step)}")
    ax.barh(ypos, -loss, color=style.VERMILLION, height=0.6, label=f"loss with −{fmt.share(step)}")
    for y, (_name, row) in zip(ypos, table.iterrows(), strict=True):
        per_unit = row["business_value_per_unit"]
        if np.isfinite(per_unit) and per_unit != 0:
            money = str(row["unit"]).startswith(currency)
            extra = fmt.unit_of(currency) if money else "person-day"
            text = f"{fmt.per_unit(per_unit, currency)} of NPV per extra {extra}"
            ax.text(max(gain.max(), 0) * 1.02 + 1e-12, y, text, va="center", fontsize=11)
    ax.set_yticks(ypos, names)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(style.objective_formatter(mode, currency))
    ax.set_xlabel("Change of the optimal objective")
    return style.finish(ax, title, "lower right")


def plot_tornado(
    table: pd.DataFrame,
    *,
    base_objective: float,
    currency: str,
    mode: str,
    title: str = "",
    top: int = 15,
    ax: Axes | None = None,
) -> Axes:
    """Swing of the optimal objective per assumption (largest first); hatched bars change the
    portfolio itself. ``table`` is ``Tornado.to_frame()``."""
    ax = style.new_axes(ax)
    table = table.head(top)
    base = base_objective
    ypos = np.arange(len(table))[::-1]
    for y, (_k, row) in zip(ypos, table.iterrows(), strict=True):
        lo, hi = row["objective_low"] - base, row["objective_high"] - base
        hatch = "//" if row["portfolio_changes"] else None
        ax.barh(y, lo, left=base, color=style.ORANGE, height=0.6, hatch=hatch, edgecolor="white")
        ax.barh(y, hi, left=base, color=style.BLUE, height=0.6, hatch=hatch, edgecolor="white")
    labels = [
        f"{fmt.clip(a, 34)}  ({lo} → {hi})"
        for a, lo, hi in zip(table["assumption"], table["low"], table["high"], strict=True)
    ]
    ax.set_yticks(ypos, labels, fontsize=10)
    ax.axvline(base, color="black", linewidth=1)
    ax.xaxis.set_major_formatter(style.objective_formatter(mode, currency))
    ax.set_xlabel(style.objective_label(mode, currency))
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
        "lower right",
    )
    return style.finish(ax, title)


def plot_pareto(
    points: pd.DataFrame,
    *,
    recommended: tuple[float, float],
    currency: str,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Business vs customer value of the non-dominated portfolios (``ParetoFront.to_frame()``);
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
        label="non-dominated portfolios",
    )
    ax.plot(
        [recommended[0]],
        [recommended[1]],
        marker="*",
        markersize=22,
        color=style.VERMILLION,
        linestyle="none",
        label="recommended",
    )
    ax.xaxis.set_major_formatter(style.money_axis(currency))
    ax.yaxis.set_major_formatter(style.count_axis())
    ax.set_xlabel(f"Business value (NPV, {currency})")
    ax.set_ylabel("Customer value (effort points removed per year)")
    return style.finish(ax, title, "upper right")


def plot_weight_sweep(
    membership: pd.DataFrame,
    *,
    current_weight: float,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Which initiatives are chosen at each business weight (filled = chosen); ``membership``
    has one row per initiative and one boolean column per weight (0-1)."""
    membership = membership[membership.any(axis=1)]
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
        [fmt.clip(str(i), 24) for i in membership.index],
        fontsize=8 if len(membership) > 30 else 10,
    )
    cols = list(membership.columns)
    every = max(1, len(cols) // 10)
    ax.set_xticks(range(0, len(cols), every), [fmt.share(float(c)) for c in cols[::every]])
    ax.set_xlabel("Weight of business value in the blended objective")
    ax.grid(False)
    ax.axvline(
        current_weight * (len(cols) - 1),
        color=style.VERMILLION,
        linewidth=2.5,
        label=f"scenario weight {fmt.share(current_weight)}",
    )
    return style.finish(ax, title, "upper left", bbox_to_anchor=(0.0, -0.08))
