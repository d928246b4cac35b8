"""Roadmap charts: a Gantt of the plan, spend per period against the budget, team capacity use
as a heat map, cumulative value over time. Each draws on an Axes (a new slide-sized figure when
none is given) and returns it; nothing here solves, shows or saves. Titles state the finding.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Patch, Rectangle

from ..formatting import money
from ..roadmap.result import period_word
from .style import BLUE, GREY, PALETTE, SLIDE_SIZE, VERMILLION, money_axis

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
    if ax is not None:
        return ax
    _fig, new = plt.subplots(figsize=SLIDE_SIZE, layout="constrained")
    new.spines["top"].set_visible(False)
    new.spines["right"].set_visible(False)
    new.set_axisbelow(True)
    new.xaxis.label.set_fontsize(13)
    new.yaxis.label.set_fontsize(13)
    new.tick_params(labelsize=12)
    return new


def _title(ax: Axes, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=17, fontweight="bold", pad=14)


def _shorten(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def extended_labels(labels: list[str], total: int) -> list[str]:
    """Period labels continued past the plan (``2028Q4`` → ``2029Q1`` ...; else ``+k``)."""
    out = list(labels)
    match = re.fullmatch(r"(\d{4})\s*-?\s*Q([1-4])", labels[-1]) if labels else None
    year, quarter = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    for k in range(len(labels), total):
        if match:
            quarter += 1
            if quarter > 4:
                year, quarter = year + 1, 1
            out.append(f"{year}Q{quarter}")
        else:
            out.append(f"+{k - len(labels) + 1}")
    return out


def plot_gantt(roadmap: Roadmap, *, ax: Axes | None = None) -> Axes:
    """Bars from start to finish, coloured by pillar and labelled with names; a diamond at
    go-live, a faded tail while benefits ramp up, arrows for dependencies, a red bar for
    deadlines."""
    ax = _axes(ax)
    sc = roadmap.scenario
    labels = roadmap.labels
    count = len(labels)
    chosen = roadmap.chosen.sort_values(["start_index", "row"])
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
            ax.plot(g, y, marker="D", color="black", markersize=6, zorder=4)
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
    names = [_shorten(sc.initiative(i).name, 40) for i in ids]
    ax.set_yticks(np.arange(len(ids)), names, fontsize=10 if len(ids) > 16 else 12)
    for tick, ident in zip(ax.get_yticklabels(), ids, strict=True):
        if ident in mandatory:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, count)
    ax.set_xticks(np.arange(count) + 0.5, labels)
    ax.set_xticks(np.arange(count + 1), minor=True)
    ax.grid(True, axis="x", which="minor", alpha=0.4)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.set_xlabel(
        f"{period_word(sc, 1).capitalize()} (bar: work; ◆ go-live; faded: ramp-up; "
        "red bar: deadline; arrow: must finish first; bold: mandatory)"
    )
    pillars = list(dict.fromkeys(sc.initiatives[int(r)].pillar for r in chosen["row"]))
    handles = [Patch(color=PILLAR_COLOURS.get(p, GREY), label=p or "no pillar") for p in pillars]
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=11,
            title="CX pillar",
            frameon=False,
        )
    live = chosen[chosen["go_live_index"] < count]
    left_out = len(sc.initiatives) - len(ids)
    first_half = labels[max(0, count // 2 - 1)]
    early = int((live["go_live_index"] <= count // 2).sum())
    _title(
        ax,
        f"{early} of {len(ids)} initiatives live by {first_half}; plan NPV "
        f"{money(roadmap.business_value, sc.currency)}"
        + (f" ({left_out} not yet)" if left_out else ""),
    )
    return ax


def plot_spend(roadmap: Roadmap, *, ax: Axes | None = None) -> Axes:
    """One-off spend per period (bars) against the per-period budget (steps)."""
    ax = _axes(ax)
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
    for k, v in enumerate(spend):
        if v > 0:
            ax.text(k, v, money(v, sc.currency), ha="center", va="bottom", fontsize=11)
    ax.set_xticks(x, table.index.tolist())
    ax.yaxis.set_major_formatter(money_axis(sc.currency))
    ax.set_ylabel(f"One-off spend per {period_word(sc, 1)} ({sc.currency})")
    ax.legend(frameon=False, fontsize=11, loc="upper left")
    peak = int(np.argmax(spend)) if len(spend) else 0
    if not np.isnan(limit).all():
        used = spend.sum() / np.nansum(limit) if np.nansum(limit) > 0 else float("nan")
        full = [
            table.index[k]
            for k in range(len(table))
            if not math.isnan(limit[k]) and spend[k] >= 0.98 * limit[k]
        ]
        title = (
            f"Spend fills the budget in {', '.join(full[:3])}{'…' if len(full) > 3 else ''}"
            if full
            else f"Spend peaks in {table.index[peak]} at {money(spend[peak], sc.currency)}"
        )
        title += f"; {used:.0%} of the released money is used"
    else:
        title = (
            f"Spend peaks in {table.index[peak]} at {money(spend[peak], sc.currency)} "
            f"(total {money(spend.sum(), sc.currency)} of {money(sc.budget, sc.currency)})"
        )
    _title(ax, title)
    return ax


_HEAT = LinearSegmentedColormap.from_list("use", ["#FFFFFF", "#56B4E9", "#0072B2"])


def plot_capacity_heatmap(roadmap: Roadmap, *, ax: Axes | None = None) -> Axes:
    """Each team's use per period as a share of its per-period limit (or, without one, of an
    even share of its plan capacity), annotated in person-days."""
    ax = _axes(ax)
    sc = roadmap.scenario
    table = roadmap.by_period()
    teams = [c.removesuffix("_use") for c in table.columns if c.endswith("_use")]
    count = len(table)
    share = np.zeros((len(teams), count))
    for r, team in enumerate(teams):
        use = table[f"{team}_use"].to_numpy(dtype=float)
        limit = table[f"{team}_limit"].to_numpy(dtype=float)
        if np.isnan(limit).all():
            even = sc.teams.get(team, 0.0) / count if count else 0.0
            limit = np.full(count, even if even > 0 else max(use.max(), 1.0))
        share[r] = np.divide(use, limit, out=np.zeros(count), where=limit > 0)
        for c in range(count):
            full = share[r, c] >= 0.98
            ax.text(
                c,
                r,
                f"{use[c]:,.0f}\n/{limit[c]:,.0f}",
                ha="center",
                va="center",
                fontsize=11,
                color="white" if share[r, c] > 0.6 else "black",
                fontweight="bold" if full else "normal",
            )
            if full:
                frame = Rectangle((c - 0.46, r - 0.46), 0.92, 0.92, fill=False, lw=3)
                frame.set_edgecolor(VERMILLION)
                ax.add_patch(frame)
    image = ax.imshow(share, cmap=_HEAT, vmin=0, vmax=1.0, aspect="auto")
    ax.set_xticks(np.arange(count), table.index.tolist())
    ax.set_yticks(np.arange(len(teams)), teams)
    ax.grid(False)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("share of the period's capacity used (red frame: full)", fontsize=11)
    ax.set_xlabel(f"{period_word(sc, 1).capitalize()} (cell: person-days used / available)")
    if len(teams):
        fulls = (share >= 0.98).sum(axis=1)
        r = int(np.argmax(fulls)) if fulls.max() > 0 else int(np.argmax(share.max(axis=1)))
        c = int(np.argmax(share[r]))
        full = [table.index[k] for k in range(count) if share[r, k] >= 0.98]
        title = (
            f"{teams[r]} is the bottleneck: full in {', '.join(full[:4])}"
            f"{'…' if len(full) > 4 else ''}"
            if full
            else f"No team is full; the busiest is {teams[r]} in {table.index[c]} "
            f"({share[r, c]:.0%})"
        )
    else:
        title = "No team capacities in this scenario"
    _title(ax, title)
    return ax


def plot_cumulative_value(roadmap: Roadmap, *, ax: Axes | None = None) -> Axes:
    """Cumulative present value of the plan's cash flows, period by period, to the end of the
    evaluation (the plan plus the benefit horizon)."""
    ax = _axes(ax)
    ax.grid(True, alpha=0.3)
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
    ax.axvline(count - 0.5, color=GREY, ls="--", lw=1)
    ax.text(count - 0.45, ax.get_ylim()[1], " end of the plan", va="top", fontsize=10, color=GREY)
    step = max(1, math.ceil(len(x) / 10))
    ax.set_xticks(x[::step], names[::step])
    ax.yaxis.set_major_formatter(money_axis(sc.currency))
    ax.set_ylabel(f"Cumulative net present value ({sc.currency})")
    ax.set_xlabel(
        f"{period_word(sc, 1).capitalize()} (benefits counted {sc.horizon_years} "
        f"{'year' if sc.horizon_years == 1 else 'years'} past the plan)"
    )
    positive = np.flatnonzero(cumulative >= 0)
    payback = None
    if len(positive) and cumulative.min() < 0:
        after = positive[positive > int(np.argmin(cumulative))]
        payback = int(after[0]) if len(after) else None
    final = money(float(cumulative[-1]), sc.currency)
    if payback is not None:
        ax.axvline(payback, color=VERMILLION, lw=1, ls=":")
        title = f"The plan pays back in {names[payback]} and is worth {final} by {names[-1]}"
    else:
        title = f"The plan is worth {final} by {names[-1]}"
    _title(ax, title)
    return ax
