"""Roadmap charts: a Gantt of the plan, spend per period against the budget, team capacity use
as a heat map, cumulative value over time. Each draws on an Axes (a new slide-sized figure when
none is given) and returns it; nothing here solves, shows or saves. Titles state the finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Patch, Rectangle

from ..roadmap import findings
from ..roadmap.findings import extended_labels
from ..roadmap.result import period_word
from . import style
from .style import BLUE, GREY, PALETTE, VERMILLION, money_axis

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..roadmap.result import Roadmap

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
    roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None, rows: int = 0
) -> Axes:
    """Bars from start to finish, coloured by pillar and labelled with names; a diamond at
    go-live, a faded tail while benefits ramp up, arrows for dependencies, a red bar for
    deadlines. At most ``rows`` initiatives (default :data:`style.MAX_ROWS`: the most
    valuable, in start order; how many more are in the appendix table is said under the
    chart). ``title`` defaults to the finding (:func:`prioritizer.roadmap.findings`)."""
    ax = _axes(ax)
    sc = roadmap.scenario
    labels = roadmap.labels
    count = len(labels)
    everything = roadmap.chosen
    rows = rows or style.MAX_ROWS
    top = everything.sort_values("business_value", ascending=False, kind="stable").head(rows)
    chosen = top.sort_values(["start_index", "row"])
    ids = chosen["id"].tolist()
    y_of = {ident: k for k, ident in enumerate(ids)}
    for _, col in chosen.iterrows():
        item = sc.initiatives[int(col["row"])]
        y = y_of[item.id]
        s, g = int(col["start_index"]), int(col["go_live_index"])
        colour = PILLAR_COLOURS.get(item.pillar, GREY)
        ax.barh(y, g - s, left=s, height=0.6, color=colour, edgecolor="white")
        if item.ramp_up and g < count:
            ax.barh(y, min(item.ramp_up, count - g), left=g, height=0.6, color=colour, alpha=0.3)
        if g <= count:
            ax.plot(g, y, marker="D", color="black", markersize=7, zorder=4)
        if item.deadline:
            dl = labels.index(item.deadline) if item.deadline in labels else None
            if dl is not None:
                ax.plot([dl + 1, dl + 1], [y - 0.42, y + 0.42], color=VERMILLION, lw=3, zorder=4)
    for _, col in chosen.iterrows():
        item = sc.initiatives[int(col["row"])]
        for dep in item.depends_on:
            if dep in y_of:
                a = chosen[chosen["id"] == dep].iloc[0]
                ax.annotate(
                    "",
                    xy=(int(col["start_index"]), y_of[item.id]),
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
    mandatory = set(sc.mandatory_ids())
    names = [_shorten(sc.initiative(i).name, 34) for i in ids]
    ax.set_yticks(np.arange(len(ids)), names)
    for tick, ident in zip(ax.get_yticklabels(), ids, strict=True):
        if ident in mandatory:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, count)
    every = max(1, -(-count // 8))  # at most 8 period labels: 14 pt must not touch
    ax.set_xticks(np.arange(0, count, every) + 0.5, labels[::every])
    ax.set_xticks(np.arange(count + 1), minor=True)
    ax.grid(False)
    ax.grid(True, axis="x", which="minor", alpha=0.4)
    ax.tick_params(axis="x", which="minor", length=0)
    more = len(everything) - len(chosen)
    ax.set_xlabel(
        "bar: work · ◆ live · faded: ramp-up · red: deadline · bold: mandatory"
        + (f"\n{more} more planned initiatives in the appendix table" if more else "")
    )
    pillars = list(dict.fromkeys(sc.initiatives[int(r)].pillar for r in chosen["row"]))
    handles = [Patch(color=PILLAR_COLOURS.get(p, GREY), label=p or "no pillar") for p in pillars]
    if handles:
        style.add_legend(
            ax, "outside lower center", handles=handles, ncols=min(6, len(handles)), frameon=False
        )
    _title(ax, findings.gantt_finding(roadmap).text if title is None else title)
    return ax


def plot_spend(roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """One-off spend per period (bars) against the per-period budget (steps)."""
    ax = _axes(ax)
    ax.grid(False)
    ax.grid(True, axis="y", alpha=0.3)
    sc = roadmap.scenario
    table = roadmap.by_period()
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
    ax.yaxis.set_major_formatter(money_axis(sc.currency))
    ax.set_ylabel(f"One-off spend per {period_word(sc, 1)} ({sc.currency})")
    style.add_legend(ax, "upper right", frameon=False, ncols=2)
    _title(ax, findings.spend_finding(roadmap).text if title is None else title)
    return ax


_HEAT = LinearSegmentedColormap.from_list("use", ["#FFFFFF", "#56B4E9", "#0072B2"])


def plot_capacity_heatmap(
    roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Each team's use per period as a share of its per-period limit (or, without one, of an
    even share of its plan capacity); full cells framed in red."""
    ax = _axes(ax)
    teams, _uses, _limits, share = findings.team_shares(roadmap)
    table = roadmap.by_period()
    count = len(table)
    for r in range(len(teams)):
        for c in range(count):
            if share[r, c] >= findings.FULL:
                frame = Rectangle((c - 0.46, r - 0.46), 0.92, 0.92, fill=False, lw=3)
                frame.set_edgecolor(VERMILLION)
                ax.add_patch(frame)
    image = ax.imshow(share, cmap=_HEAT, vmin=0, vmax=1.0, aspect="auto")
    every = max(1, -(-count // 8))
    ax.set_xticks(np.arange(0, count, every), table.index.tolist()[::every])
    ax.set_yticks(np.arange(len(teams)), [findings.team_name(t) for t in teams])
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.ax.yaxis.set_major_formatter(style.percent_axis())
    bar.ax.tick_params(labelsize=style.TICK_FONT)
    bar.set_label("share of capacity used", fontsize=style.LABEL_FONT)
    ax.set_xlabel(
        f"{period_word(roadmap.scenario, 1).capitalize()} "
        "(red frame: full; person-days per cell in the appendix table)"
    )
    _title(ax, findings.capacity_finding(roadmap).text if title is None else title)
    return ax


def plot_cumulative_value(
    roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Cumulative present value of the plan's cash flows, period by period, to the end of the
    evaluation (the plan plus the benefit horizon)."""
    ax = _axes(ax)
    sc = roadmap.scenario
    flows = roadmap.value_over_time()
    count = len(roadmap.labels)
    names = extended_labels(roadmap.labels, len(flows))
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
    ax.yaxis.set_major_formatter(money_axis(sc.currency))
    ax.set_ylabel(f"Cumulative NPV ({sc.currency})")
    ax.set_xlabel(
        f"{period_word(sc, 1).capitalize()} (benefits counted {sc.horizon_years} "
        f"{'year' if sc.horizon_years == 1 else 'years'} past the plan)"
    )
    back = findings.payback(cumulative)
    if back is not None:
        ax.axvline(back, color=VERMILLION, lw=1.5, ls=":", label=f"pays back in {names[back]}")
    style.add_legend(ax, "upper left")
    _title(ax, findings.value_finding(roadmap).text if title is None else title)
    return ax
