"""Roadmap charts: a Gantt of the plan, spend per period against the budget, team capacity use
as a heat map, cumulative value over time. Each draws a roadmap table and a few scalars on an
Axes (a new slide-sized figure when none is given) under the title it is given (the finding,
:mod:`prioritizer.roadmap.findings`) and returns it; nothing here solves, shows or saves.
:mod:`prioritizer.roadmap.charts` draws them for a roadmap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Patch, Rectangle

from . import style
from .style import BLUE, GREY, PALETTE, VERMILLION, money_axis

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

PILLAR_COLOURS = {
    "trust": PALETTE[0],
    "empathy": PALETTE[5],
    "delivery": PALETTE[2],
    "personalization": PALETTE[1],
    "ease": PALETTE[4],
    "responsiveness": PALETTE[3],
    "": GREY,
}


def _axes(ax: Axes | None) -> Axes:
    return style.new_axes(ax)


def _title(ax: Axes, text: str) -> None:
    style.set_title(ax, text)


def _shorten(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_gantt(
    bars: pd.DataFrame,
    *,
    labels: list[str],
    title: str,
    more: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """Bars from start to finish, coloured by pillar and labelled with names; a diamond at
    go-live, a faded tail while benefits ramp up, arrows for dependencies, a red bar for
    deadlines, mandatory names in bold. ``bars``: one row per initiative shown, top to bottom
    (``id``, ``name``, ``pillar``, ``start_index``, ``go_live_index`` (periods from the plan's
    start), ``ramp_up`` (periods), ``deadline_index`` (or NaN), ``depends_on`` (ids),
    ``mandatory``); ``labels``: the periods; ``more``: planned initiatives not shown."""
    ax = _axes(ax)
    count = len(labels)
    ids = bars["id"].tolist()
    y_of = {ident: k for k, ident in enumerate(ids)}
    for _, col in bars.iterrows():
        y = y_of[col["id"]]
        s, g = int(col["start_index"]), int(col["go_live_index"])
        colour = PILLAR_COLOURS.get(col["pillar"], GREY)
        ax.barh(y, g - s, left=s, height=0.6, color=colour, edgecolor="white")
        ramp_up = int(col["ramp_up"])
        if ramp_up and g < count:
            ax.barh(y, min(ramp_up, count - g), left=g, height=0.6, color=colour, alpha=0.3)
        if g <= count:
            ax.plot(g, y, marker="D", color="black", markersize=7, zorder=4)
        deadline = col["deadline_index"]
        if deadline == deadline:  # not NaN
            dl = int(deadline)
            ax.plot(  # black and dashed: no pillar's colour
                [dl + 1, dl + 1],
                [y - 0.45, y + 0.45],
                color="black",
                lw=2.5,
                ls=(0, (2, 1.2)),
                zorder=4,
            )
    for _, col in bars.iterrows():
        for dep in col["depends_on"]:
            if dep in y_of:
                a = bars[bars["id"] == dep].iloc[0]
                ax.annotate(
                    "",
                    xy=(int(col["start_index"]), y_of[col["id"]]),
                    xytext=(int(a["go_live_index"]), y_of[dep]),
                    arrowprops={
                        "arrowstyle": "->",
                        "color": GREY,
                        "lw": 1.2,
                        "connectionstyle": "arc3,rad=-0.2",
                    },
                    zorder=3,
                )
    ax.set_ylim(len(ids) - 0.4, -0.6)
    names = [_shorten(str(n), 34) for n in bars["name"]]
    ax.set_yticks(np.arange(len(ids)), names)
    for tick, bold in zip(ax.get_yticklabels(), bars["mandatory"], strict=True):
        if bold:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, count)
    every = max(1, -(-count // 8))  # at most 8 period labels: 14 pt must not touch
    ax.set_xticks(np.arange(0, count, every) + 0.5, labels[::every])
    ax.set_xticks(np.arange(count + 1), minor=True)
    ax.grid(False)
    ax.grid(True, axis="x", which="minor", alpha=0.4)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.set_xlabel(
        "bar: work · ◆ live · faded: ramp-up · dashed line: deadline · bold: mandatory"
        + (f"\n{more} more planned initiatives in the full table" if more else "")
    )
    pillars = list(dict.fromkeys(bars["pillar"]))
    handles = [Patch(color=PILLAR_COLOURS.get(p, GREY), label=p or "no pillar") for p in pillars]
    if handles:
        style.add_legend(
            ax, "outside lower center", handles=handles, ncols=min(6, len(handles)), frameon=False
        )
    _title(ax, title)
    return ax


def plot_spend(
    by_period: pd.DataFrame,
    *,
    currency: str,
    period: str,
    title: str,
    ax: Axes | None = None,
) -> Axes:
    """One-off spend per period (bars, ``by_period``'s ``spend``) against the per-period
    budget (steps, ``spend_limit``; none when all NaN); ``period``: the word for one period."""
    ax = _axes(ax)
    ax.grid(False)
    ax.grid(True, axis="y", alpha=0.3)
    table = by_period
    x = np.arange(len(table))
    spend = table["spend"].to_numpy(dtype=float)
    limit = table["spend_limit"].to_numpy(dtype=float)
    ax.bar(x, spend, color=BLUE, width=0.65, label="planned spend")
    if not np.isnan(limit).all():
        ax.step(
            np.r_[x - 0.5, x[-1] + 0.5],
            np.r_[limit, limit[-1]],
            where="post",
            color=VERMILLION,
            lw=2.5,
            label="budget per period",
        )
    top = float(np.nanmax(np.r_[spend, limit, 1.0]))
    ax.set_ylim(0, top * 1.25)
    every = max(1, -(-len(x) // 8))
    ax.set_xticks(x[::every], table.index.tolist()[::every])
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.set_ylabel(f"One-off spend per {period} ({currency})")
    style.add_legend(ax, "upper right", frameon=False, ncols=2)
    _title(ax, title)
    return ax


_HEAT = LinearSegmentedColormap.from_list("use", ["#FFFFFF", "#56B4E9", "#0072B2"])


def plot_capacity_heatmap(
    share: np.ndarray,
    *,
    full: np.ndarray,
    teams: list[str],
    periods: list[str],
    period: str,
    title: str,
    ax: Axes | None = None,
) -> Axes:
    """Each team's use per period as a share of its limit (``share``: teams x periods, 0-1),
    cells where ``full`` framed in red; ``teams``: their names; ``period``: the word for one
    period."""
    ax = _axes(ax)
    count = len(periods)
    for r in range(len(teams)):
        for c in range(count):
            if full[r, c]:
                frame = Rectangle((c - 0.46, r - 0.46), 0.92, 0.92, fill=False, lw=3)
                frame.set_edgecolor(VERMILLION)
                ax.add_patch(frame)
    image = ax.imshow(share, cmap=_HEAT, vmin=0, vmax=1.0, aspect="auto")
    every = max(1, -(-count // 8))
    ax.set_xticks(np.arange(0, count, every), periods[::every])
    ax.set_yticks(np.arange(len(teams)), teams)
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.ax.yaxis.set_major_formatter(style.percent_axis())
    bar.ax.tick_params(labelsize=style.TICK_FONT)
    bar.set_label("share of capacity used", fontsize=style.LABEL_FONT)
    ax.set_xlabel(
        f"{period.capitalize()} (red frame: full; person-days per cell in the full table)"
    )
    _title(ax, title)
    return ax


def plot_cumulative_value(
    flows: pd.DataFrame,
    *,
    names: list[str],
    plan_periods: int,
    payback: int | None,
    currency: str,
    period: str,
    horizon_years: int,
    title: str,
    ax: Axes | None = None,
) -> Axes:
    """Cumulative present value of the plan's cash flows (``flows``: ``period``,
    ``cumulative_present_value``), period by period, to the end of the evaluation (the plan's
    ``plan_periods`` plus ``horizon_years`` of benefits); ``names``: a label per period;
    ``payback``: the period it pays back in (or None); ``period``: the word for one period."""
    ax = _axes(ax)
    count = plan_periods
    x = flows["period"].to_numpy()
    cumulative = flows["cumulative_present_value"].to_numpy(dtype=float)
    ax.plot(x, cumulative, color=BLUE, lw=3, marker="o", label="cumulative NPV of the plan")
    ax.fill_between(
        x, cumulative, 0, where=cumulative < 0, color=VERMILLION, alpha=0.15, interpolate=True
    )
    ax.fill_between(
        x, cumulative, 0, where=cumulative >= 0, color=BLUE, alpha=0.12, interpolate=True
    )
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(count - 0.5, color=GREY, ls="--", lw=1.5, label="end of the plan")
    step = max(1, -(-len(x) // 8))
    ax.set_xticks(x[::step], names[::step])
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.set_ylabel(f"Cumulative NPV ({currency})")
    ax.set_xlabel(
        f"{period.capitalize()} (benefits counted {horizon_years} "
        f"{'year' if horizon_years == 1 else 'years'} past the plan)"
    )
    back = payback
    if back is not None:
        ax.axvline(back, color=VERMILLION, lw=1.5, ls=":", label=f"pays back in {names[back]}")
    style.add_legend(ax, "upper left")
    _title(ax, title)
    return ax
