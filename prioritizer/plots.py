"""Charts: the only module that imports matplotlib. Each function draws an analysis result on
an Axes (a new 16:9 slide-sized figure when none is given) and returns the Axes. Nothing here
solves, shows or saves: the caller does.

Style for slides: a title that states the finding, axis labels with units and the scenario's
currency, thousands separators, the Okabe–Ito colour-blind-safe palette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .analysis.compare import Comparison
    from .analysis.explain import Explanations
    from .analysis.frontier import Frontier
    from .analysis.marginal import MarginalValues
    from .analysis.montecarlo import MonteCarlo
    from .analysis.pareto import ParetoFront, WeightSweep
    from .analysis.tornado import Tornado
    from .result import Result

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

SLIDE_SIZE = (13.33, 7.5)
"""Widescreen slide, inches."""

BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, PURPLE, YELLOW, GREY = "#56B4E9", "#CC79A7", "#F0E442", "#7F7F7F"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, GREY)
CLASS_COLOURS = {"core": BLUE, "borderline": ORANGE, "exterior": GREY}
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}


def money(value: float, currency: str, *, decimals: int = 1) -> str:
    """Compact money for charts: €2.1M, €350k, €900."""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    sign = "−" if value < 0 else ""
    v = abs(value)
    if v >= 1e9:
        text = f"{v / 1e9:,.{decimals}f}bn"
    elif v >= 1e6:
        text = f"{v / 1e6:,.{decimals}f}M"
    elif v >= 1e3:
        text = f"{v / 1e3:,.0f}k"
    else:
        text = f"{v:,.0f}"
    return f"{sign}{symbol}{text}"


def money_axis(currency: str) -> FuncFormatter:
    """Tick formatter in the scenario's currency."""
    return FuncFormatter(lambda v, _pos: money(v, currency))


def _new_axes(ax: Axes | None, size: tuple[float, float] = SLIDE_SIZE) -> Axes:
    if ax is not None:
        return ax
    # No rc_context here: leaving one resets rcParams (the backend included), after which
    # Jupyter's inline backend stops showing later figures. Style is applied per axes.
    _fig, new = plt.subplots(figsize=size, layout="constrained")
    _apply_style(new)
    return new


def _apply_style(ax: Axes) -> None:
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)
    ax.xaxis.label.set_fontsize(13)
    ax.yaxis.label.set_fontsize(13)
    ax.tick_params(labelsize=12)


def _title(ax: Axes, text: str) -> None:
    """The finding, as a bold left-aligned title."""
    ax.set_title(text, loc="left", fontsize=17, fontweight="bold", pad=14)


def _label_points(
    ax: Axes, xs: list[float], ys: list[float], labels: list[str], fontsize: int = 10
) -> None:
    """Label points, nudging labels vertically so they do not overlap (slide readability)."""
    ax.figure.canvas.draw_idle()
    transform = ax.transData
    placed: list[tuple[float, float, float, float]] = []
    height = fontsize * 1.5
    order = sorted(range(len(xs)), key=lambda k: -ys[k])
    for k in order:
        px_, py_ = transform.transform((xs[k], ys[k]))
        width = 0.62 * fontsize * len(labels[k])
        dy = 6.0
        for _ in range(40):
            box = (px_ + 6, py_ + dy, px_ + 6 + width, py_ + dy + height)
            if not any(
                b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3] for b in placed
            ):
                break
            dy -= height * 0.9
        placed.append(box)
        ax.annotate(
            labels[k],
            (xs[k], ys[k]),
            xytext=(6, dy),
            textcoords="offset points",
            fontsize=fontsize,
            arrowprops={"arrowstyle": "-", "color": GREY, "lw": 0.6} if dy < 0 else None,
        )


def _objective_label(mode: str, currency: str) -> str:
    return {
        "business": f"Optimal business value (NPV, {currency})",
        "customer": "Optimal customer value (effort points removed per year)",
        "blended": "Optimal blended value (share of the whole opportunity)",
    }[mode]


def _objective_formatter(mode: str, currency: str) -> Any:
    if mode == "business":
        return money_axis(currency)
    if mode == "blended":
        return PercentFormatter(xmax=1.0, decimals=0)
    return FuncFormatter(lambda v, _p: f"{v:,.0f}")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shorten(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------------------
# Portfolio charts (from a Result)
# --------------------------------------------------------------------------------------
def plot_portfolio_map(result: Result, *, ax: Axes | None = None, label_top: int = 15) -> Axes:
    """Customer value vs business value per initiative; bubble area = one-off cost; chosen
    ones filled (the ``label_top`` most valuable labelled), the rest hollow; median guides."""
    ax = _new_axes(ax)
    frame = result.portfolio
    cur = result.scenario.currency
    cost = frame["cost"].to_numpy(dtype=float)
    size = 40 + 1800 * cost / max(cost.max(), 1.0)
    chosen = frame["selected"].to_numpy()
    x = frame["business_value"].to_numpy(dtype=float)
    y = frame["customer_value"].to_numpy(dtype=float)
    ax.scatter(
        x[~chosen],
        y[~chosen],
        s=size[~chosen],
        facecolors="none",
        edgecolors=GREY,
        linewidths=1.2,
        label="not chosen",
    )
    ax.scatter(
        x[chosen],
        y[chosen],
        s=size[chosen],
        color=BLUE,
        alpha=0.75,
        edgecolors="white",
        linewidths=0.8,
        label="chosen",
    )
    ax.axvline(float(np.median(x)), color=GREY, linestyle=":", linewidth=1)
    ax.axhline(float(np.median(y)), color=GREY, linestyle=":", linewidth=1)
    ranking = np.argsort(-(x / max(np.abs(x).max(), 1) + y / max(np.abs(y).max(), 1)))
    labelled = [int(k) for k in ranking if chosen[k]][:label_top]
    _label_points(
        ax,
        [float(x[k]) for k in labelled],
        [float(y[k]) for k in labelled],
        [_shorten(str(frame.index[k]), 20) for k in labelled],
    )
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.set_xlabel(f"Business value (NPV, {cur})")
    ax.set_ylabel("Customer value (effort points removed per year)")
    share_b = result.business_value / max(x[x > 0].sum(), 1e-9)
    _title(
        ax,
        f"{len(result.selected)} of {len(frame)} initiatives chosen: {share_b:.0%} of the "
        f"positive NPV on the table for {money(result.cost, cur)}",
    )
    ax.legend(fontsize=12, loc="upper left", markerscale=0.5, title="bubble area = one-off cost")
    return ax


def plot_value_bridge(result: Result, *, ax: Axes | None = None) -> Axes:
    """Waterfall of the portfolio's NPV by driver: churn retention, cross-sell, savings,
    minus opex, minus one-off cost (each discounted over the horizon)."""
    ax = _new_axes(ax)
    cur = result.scenario.currency
    chosen = result.portfolio[result.portfolio["selected"]]
    annuity = float(chosen["annuity_factor"].iloc[0]) if len(chosen) else 0.0
    steps = [
        ("Churn retention", annuity * chosen["churn_value_per_year"].sum()),
        ("Cross-/up-sell", annuity * chosen["cross_sell_per_year"].sum()),
        ("Cost savings", annuity * chosen["cost_savings_per_year"].sum()),
        ("Running cost (opex)", -annuity * chosen["opex_per_year"].sum()),
        ("One-off cost", -chosen["cost"].sum()),
    ]
    running = 0.0
    tops = [0.0]
    offset = 0.01 * max(abs(v) for _, v in steps)
    for k, (_label, value) in enumerate(steps):
        colour = GREEN if value >= 0 else VERMILLION
        ax.bar(k, value, bottom=running, color=colour, width=0.6)
        end = running + value
        ax.text(
            k, max(running, end) + offset, money(value, cur), ha="center", va="bottom", fontsize=12
        )
        running = end
        tops.append(running)
    ax.bar(len(steps), running, color=BLUE, width=0.6)
    ax.text(
        len(steps),
        max(running, 0) + offset,
        money(running, cur),
        ha="center",
        va="bottom",
        fontsize=12,
        fontweight="bold",
    )
    ax.set_ylim(min(0.0, min(tops)) * 1.1, max(tops) * 1.1)
    ax.set_xticks(range(len(steps) + 1), [s[0] for s in steps] + ["Net present value"])
    ax.yaxis.set_major_formatter(money_axis(cur))
    ax.set_ylabel(f"Present value over {result.scenario.horizon_years} years ({cur})")
    biggest = max(steps[:3], key=lambda s: s[1])
    _title(
        ax,
        f"The portfolio is worth {money(running, cur)} (NPV); "
        f"{biggest[0].lower()} drives most of it",
    )
    ax.axhline(0, color="black", linewidth=0.8)
    return ax


def plot_capacity(result: Result, *, ax: Axes | None = None) -> Axes:
    """Use of the budget, opex budget and each team's capacity; binding limits highlighted."""
    ax = _new_axes(ax)
    limits = result.limits()
    cur = result.scenario.currency
    names = list(limits.index)
    share = limits["share_used"].fillna(0).to_numpy(dtype=float)
    colours = [VERMILLION if b else BLUE for b in limits["binding"]]
    ypos = np.arange(len(names))[::-1]
    ax.barh(ypos, np.ones(len(names)), color="#E8E8E8", height=0.6)
    ax.barh(ypos, share, color=colours, height=0.6)
    for y, (_name, row) in zip(ypos, limits.iterrows(), strict=True):
        if row["unit"].startswith(cur):
            text = f"{money(row['used'], cur)} of {money(row['available'], cur)}"
        else:
            text = f"{row['used']:,.0f} of {row['available']:,.0f} person-days"
        ax.text(1.01, y, text, va="center", fontsize=12)
    ax.set_yticks(ypos, [n.replace("_", " ") for n in names])
    ax.set_xlim(0, 1.3)
    ax.set_xticks(np.linspace(0, 1, 6))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_xlabel("Share of the limit used (vermillion = binding: nothing else left out fits)")
    binding = [n.replace("_", " ") for n, b in zip(names, limits["binding"], strict=True) if b]
    _title(
        ax,
        "Binding: " + ", ".join(binding)
        if binding
        else "No limit binds: the rules, not the resources, shape the portfolio",
    )
    return ax


def plot_pillars(result: Result, *, ax: Axes | None = None) -> Axes:
    """Share of the portfolio's customer value and of its spend per CX pillar."""
    from .models import PILLARS

    ax = _new_axes(ax)
    chosen = result.portfolio[result.portfolio["selected"]]
    total_value = max(chosen["customer_value"].sum(), 1e-12)
    total_cost = max(chosen["cost"].sum(), 1e-12)
    value = [
        chosen.loc[chosen["pillar"] == p, "customer_value"].sum() / total_value for p in PILLARS
    ]
    spend = [chosen.loc[chosen["pillar"] == p, "cost"].sum() / total_cost for p in PILLARS]
    xpos = np.arange(len(PILLARS))
    ax.bar(xpos - 0.2, value, width=0.4, color=BLUE, label="share of customer value")
    ax.bar(xpos + 0.2, spend, width=0.4, color=ORANGE, label="share of one-off spend")
    for x, v, s in zip(xpos, value, spend, strict=True):
        ax.text(x - 0.2, v, f"{v:.0%}", ha="center", va="bottom", fontsize=11)
        ax.text(x + 0.2, s, f"{s:.0%}", ha="center", va="bottom", fontsize=11)
    ax.set_xticks(xpos, [p.capitalize() for p in PILLARS])
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_ylabel("Share of the portfolio")
    top = PILLARS[int(np.argmax(value))]
    empty = [p for p, v, s in zip(PILLARS, value, spend, strict=True) if v == 0 and s == 0]
    title = f"{top.capitalize()} carries most of the customer value"
    if empty:
        title += f"; nothing for {', '.join(empty)}"
    _title(ax, title)
    ax.legend(fontsize=12, loc="upper left")
    return ax


# --------------------------------------------------------------------------------------
# Analysis charts
# --------------------------------------------------------------------------------------
def plot_frontier(
    frontier: Frontier,
    *,
    ax: Axes | None = None,
    current_budget: float | None = None,
    label_entries: int = 8,
) -> Axes:
    """Optimal value vs budget as a step line; current budget and knee marked; initiatives
    entering at the biggest steps labelled."""
    ax = _new_axes(ax)
    sc = frontier.scenario
    cur = sc.currency
    mode = sc.objective.mode
    frame = frontier.to_frame()
    ok = frame[frame["status"].isin(["optimal", "feasible"])]
    ax.step(
        ok["budget"],
        ok["objective"],
        where="post",
        color=BLUE,
        linewidth=2.5,
        label="optimal value",
    )
    ax.plot(ok["budget"], ok["objective"], "o", color=BLUE, markersize=4)
    budget = sc.budget if current_budget is None else current_budget
    best = float(ok["objective"].max()) if len(ok) else float("nan")
    at_budget = ok[ok["budget"] <= budget + 1e-9]
    here = float(at_budget["objective"].iloc[-1]) if len(at_budget) else float("nan")
    ax.axvline(
        budget,
        color=VERMILLION,
        linestyle="--",
        linewidth=1.5,
        label=f"current budget {money(budget, cur)}",
    )
    knee = frontier.knee
    if knee is not None:
        ax.annotate(
            f"knee: {money(knee.budget, cur)}",
            (knee.budget, knee.objective),
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
            text = ", ".join(_shorten(n, 16) for n in names[:2]) + (
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
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.yaxis.set_major_formatter(_objective_formatter(mode, cur))
    ax.set_xlabel(f"Budget for one-off cost ({cur})")
    ax.set_ylabel(_objective_label(mode, cur))
    share = here / best if best and np.isfinite(here) and best > 0 else float("nan")
    if np.isfinite(share):
        _title(ax, f"{money(budget, cur)} buys {share:.0%} of the value any budget could buy")
    else:
        _title(ax, "Optimal value by budget")
    ax.legend(fontsize=12, loc="lower right")
    return ax


def plot_marginal(marginal: MarginalValues, *, ax: Axes | None = None) -> Axes:
    """Objective gained with +step and lost with −step of each limit."""
    ax = _new_axes(ax)
    table = marginal.to_frame()
    names = [n.replace("_", " ") for n in table.index]
    ypos = np.arange(len(names))[::-1]
    gain = table["objective_gain_up"].fillna(0).to_numpy(dtype=float)
    loss = table["objective_loss_down"].fillna(0).to_numpy(dtype=float)
    ax.barh(ypos, gain, color=GREEN, height=0.6, label="gain with +10%")
    ax.barh(ypos, -loss, color=VERMILLION, height=0.6, label="loss with −10%")
    cur = marginal.scenario.currency
    for y, (_name, row) in zip(ypos, table.iterrows(), strict=True):
        per_unit = row["business_value_per_unit"]
        if np.isfinite(per_unit) and per_unit != 0:
            if row["unit"].startswith(cur):
                text = f"{money(per_unit, cur, decimals=2)} of NPV per extra {cur} 1"
                if per_unit < 1e3:
                    symbol = SYMBOLS.get(cur, f"{cur} ")
                    text = f"{symbol}{per_unit:,.2f} of NPV per extra {symbol.strip()}1"
            else:
                text = f"{money(per_unit, cur)} of NPV per extra person-day"
            ax.text(max(gain.max(), 0) * 1.02 + 1e-12, y, text, va="center", fontsize=11)
    ax.set_yticks(ypos, names)
    ax.axvline(0, color="black", linewidth=0.8)
    mode = marginal.scenario.objective.mode
    ax.xaxis.set_major_formatter(_objective_formatter(mode, cur))
    ax.set_xlabel("Change of the optimal objective")
    top = table.index[int(np.argmax(gain))] if gain.max() > 0 else None
    _title(
        ax,
        f"More {top.replace('_', ' ')} is worth most"
        if top
        else "No single limit is worth relaxing by 10%",
    )
    ax.legend(fontsize=12, loc="lower right")
    return ax


def plot_tornado(tornado: Tornado, *, ax: Axes | None = None, top: int = 15) -> Axes:
    """Swing of the optimal objective per assumption (largest first); hatched bars change the
    portfolio itself."""
    ax = _new_axes(ax)
    table = tornado.to_frame().head(top)
    base = tornado.base_objective
    ypos = np.arange(len(table))[::-1]
    for y, (_k, row) in zip(ypos, table.iterrows(), strict=True):
        lo, hi = row["objective_low"] - base, row["objective_high"] - base
        hatch = "//" if row["portfolio_changes"] else None
        ax.barh(y, lo, left=base, color=ORANGE, height=0.6, hatch=hatch, edgecolor="white")
        ax.barh(y, hi, left=base, color=BLUE, height=0.6, hatch=hatch, edgecolor="white")
    labels = [
        f"{_shorten(a, 34)}  ({lo} → {hi})"
        for a, lo, hi in zip(table["assumption"], table["low"], table["high"], strict=True)
    ]
    ax.set_yticks(ypos, labels, fontsize=10)
    ax.axvline(base, color="black", linewidth=1)
    mode = tornado.scenario.objective.mode
    ax.xaxis.set_major_formatter(_objective_formatter(mode, tornado.scenario.currency))
    ax.set_xlabel(_objective_label(mode, tornado.scenario.currency))
    from matplotlib.patches import Patch

    ax.legend(
        fontsize=12,
        handles=[
            Patch(color=ORANGE, label="low value"),
            Patch(color=BLUE, label="high value"),
            Patch(facecolor="white", edgecolor=GREY, hatch="//", label="changes the portfolio"),
        ],
        loc="lower right",
    )
    if len(table):
        _title(ax, f"{_sentence(table['assumption'].iloc[0])} moves the optimum most")
    return ax


def plot_robustness(mc: MonteCarlo, *, ax: Axes | None = None, top: int = 40) -> Axes:
    """Selection frequency per initiative over the draws, coloured core/borderline/exterior."""
    frame = mc.to_frame().sort_values("selection_frequency", ascending=False)
    frame = frame[frame["selection_frequency"] > 0].head(top)
    ax = _new_axes(ax)
    ypos = np.arange(len(frame))[::-1]
    colours = [CLASS_COLOURS[c] for c in frame["class"]]
    ax.barh(ypos, frame["selection_frequency"], color=colours, height=0.7)
    labels = [
        f"{'● ' if b else ''}{_shorten(i, 22)}"
        for i, b in zip(frame.index, frame["in_base_portfolio"], strict=True)
    ]
    ax.set_yticks(ypos, labels, fontsize=9 if len(frame) > 25 else 11)
    for x in (mc.exterior_threshold, mc.core_threshold):
        ax.axvline(x, color="black", linestyle=":", linewidth=1)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_xlabel(
        f"Share of {mc.feasible_draws:,} draws in which the initiative is chosen "
        "(● = in the recommended portfolio)"
    )
    from matplotlib.patches import Patch

    ax.legend(
        fontsize=12,
        handles=[Patch(color=c, label=k) for k, c in CLASS_COLOURS.items()],
        loc="lower right",
    )
    counts = mc.to_frame()["class"].value_counts()
    _title(
        ax,
        f"{counts.get('core', 0)} initiatives are core (chosen in ≥"
        f"{mc.core_threshold:.0%} of draws), {counts.get('borderline', 0)} borderline",
    )
    return ax


def plot_value_distribution(mc: MonteCarlo, *, ax: Axes | None = None) -> Axes:
    """Distribution of the recommended portfolio's NPV over the draws, with P10/P50/P90."""
    ax = _new_axes(ax)
    cur = mc.scenario.currency
    values = mc.fixed_business
    ax.hist(values, bins=40, color=SKY, edgecolor="white")
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    for value, label in ((p10, "P10"), (p50, "P50"), (p90, "P90")):
        ax.axvline(value, color=BLUE, linestyle="--", linewidth=1.5)
        ax.text(value, ax.get_ylim()[1] * 0.95, f" {label} {money(value, cur)}", fontsize=11)
    ax.axvline(
        mc.base.business_value,
        color=VERMILLION,
        linewidth=2,
        label=f"base case {money(mc.base.business_value, cur)}",
    )
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.set_xlabel(f"NPV of the recommended portfolio ({cur})")
    ax.set_ylabel("Number of draws")
    risk = float((values < 0).mean())
    _title(
        ax,
        f"80% of outcomes between {money(p10, cur)} and {money(p90, cur)}; P(NPV < 0) = {risk:.0%}",
    )
    ax.legend(fontsize=12, loc="upper left")
    return ax


def plot_pareto(front: ParetoFront, *, ax: Axes | None = None) -> Axes:
    """Business vs customer value of the non-dominated portfolios; recommended marked."""
    ax = _new_axes(ax)
    cur = front.scenario.currency
    pts = front.to_frame().sort_values("business_value")
    ax.plot(
        pts["business_value"],
        pts["customer_value"],
        "-o",
        color=BLUE,
        linewidth=2,
        markersize=8,
        label="non-dominated portfolios",
    )
    rec = front.recommended
    ax.plot(
        [rec.business_value],
        [rec.customer_value],
        marker="*",
        markersize=22,
        color=VERMILLION,
        linestyle="none",
        label="recommended",
    )
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.set_xlabel(f"Business value (NPV, {cur})")
    ax.set_ylabel("Customer value (effort points removed per year)")
    best_b = pts["business_value"].max()
    best_c = pts["customer_value"].max()
    _title(
        ax,
        f"The recommendation keeps {rec.business_value / best_b:.0%} of the best NPV and "
        f"{rec.customer_value / best_c:.0%} of the best customer value"
        if best_b > 0 and best_c > 0
        else "Business vs customer value",
    )
    ax.legend(fontsize=12, loc="upper right")
    return ax


def plot_weight_sweep(sweep: WeightSweep, *, ax: Axes | None = None) -> Axes:
    """Which initiatives are chosen at each business weight (filled = chosen)."""
    membership = sweep.membership
    membership = membership[membership.any(axis=1)]
    ax = _new_axes(ax)
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
        [_shorten(i, 24) for i in membership.index],
        fontsize=8 if len(membership) > 30 else 10,
    )
    cols = list(membership.columns)
    step = max(1, len(cols) // 10)
    ax.set_xticks(range(0, len(cols), step), [f"{c:.0%}" for c in cols[::step]])
    ax.set_xlabel("Weight of business value in the blended objective")
    ax.grid(False)
    current = sweep.scenario.objective.business_weight
    ax.axvline(
        current * (len(cols) - 1),
        color=VERMILLION,
        linewidth=2.5,
        label=f"scenario weight {current:.0%}",
    )
    ax.legend(fontsize=12, loc="upper left", bbox_to_anchor=(0.0, -0.08))
    always = int(membership.all(axis=1).sum())
    _title(
        ax,
        f"{always} initiatives are chosen whatever the weight; "
        f"{len(membership) - always} depend on it",
    )
    return ax


def plot_explain(explanations: Explanations, *, ax: Axes | None = None, top: int = 20) -> Axes:
    """Value margins: how far chosen initiatives could fall, how much others must rise."""
    frame = explanations.to_frame()
    frame = frame[np.isfinite(frame["business_value_margin"].astype(float))]
    frame = frame.reindex(frame["business_value_margin"].abs().sort_values().index).head(top)
    ax = _new_axes(ax)
    cur = explanations.scenario.currency
    ypos = np.arange(len(frame))[::-1]
    colours = [BLUE if s else ORANGE for s in frame["selected"]]
    ax.barh(ypos, frame["business_value_margin"].astype(float), color=colours, height=0.6)
    ax.set_yticks(ypos, [_shorten(i, 24) for i in frame.index])
    ax.xaxis.set_major_formatter(money_axis(cur))
    ax.set_xlabel(f"NPV margin ({cur}): in → fall before it leaves; out → rise needed to enter")
    from matplotlib.patches import Patch

    ax.legend(
        fontsize=12,
        handles=[Patch(color=BLUE, label="in"), Patch(color=ORANGE, label="out")],
        loc="lower right",
    )
    _title(ax, "The closest calls: initiatives nearest to switching")
    return ax


def plot_compare(comparison: Comparison, *, ax: Axes | None = None) -> Axes:
    """Business value and cost per scenario, side by side."""
    ax = _new_axes(ax)
    table = comparison.to_frame()
    names = list(table.columns)
    cur = comparison.results[0].scenario.currency
    xpos = np.arange(len(names))
    value = [r.business_value for r in comparison.results]
    cost = [r.cost for r in comparison.results]
    ax.bar(xpos - 0.2, value, width=0.4, color=BLUE, label="business value (NPV)")
    ax.bar(xpos + 0.2, cost, width=0.4, color=ORANGE, label="one-off cost")
    for x, v, c in zip(xpos, value, cost, strict=True):
        ax.text(x - 0.2, v, money(v, cur), ha="center", va="bottom", fontsize=11)
        ax.text(x + 0.2, c, money(c, cur), ha="center", va="bottom", fontsize=11)
    ax.set_xticks(xpos, [_shorten(n, 30) for n in names])
    ax.yaxis.set_major_formatter(money_axis(cur))
    ax.set_ylabel(cur)
    ax.legend(fontsize=12, loc="upper left")
    _title(ax, f"{len(comparison.differences())} initiatives differ between the scenarios")
    return ax


def plot_ranking(comparison: Any, *, ax: Axes | None = None) -> Axes:
    """The optimum beside the spreadsheet ranking: objective and the initiatives that differ."""
    ax = _new_axes(ax)
    sc = comparison.scenario
    cur = sc.currency
    mode = sc.objective.mode
    values = [comparison.optimum.objective, comparison.ranking_objective]
    bars = ax.bar([0, 1], values, color=[BLUE, GREY], width=0.5)
    for bar, value in zip(bars, values, strict=True):
        label = (
            money(value, cur)
            if mode == "business"
            else (f"{value:.1%}" if mode == "blended" else f"{value:,.0f}")
        )
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            value,
            label,
            ha="center",
            va="bottom",
            fontsize=13,
            fontweight="bold",
        )
    ax.set_xticks([0, 1], ["Optimized portfolio", "Ranking by value / cost"])
    ax.yaxis.set_major_formatter(_objective_formatter(mode, cur))
    ax.set_ylabel(_sentence(_objective_label(mode, cur).replace("Optimal ", "")))
    diff = comparison.differences()
    only_opt = [str(i) for i, row in diff.iterrows() if row["in_optimum"]]
    only_rank = [str(i) for i, row in diff.iterrows() if row["in_ranking"]]

    def listing(title: str, ids: list[str]) -> str:
        shown = ids[:9] + ([f"… and {len(ids) - 9} more"] if len(ids) > 9 else [])
        return f"{title} ({len(ids)}):\n" + "\n".join(f"  {i}" for i in shown or ["none"])

    note = (
        listing("Only in the optimum", only_opt)
        + "\n\n"
        + listing("Only in the ranking", only_rank)
    )
    ax.text(1.45, max(values) * 0.98, note, fontsize=11, va="top", family="monospace")
    ax.set_xlim(-0.5, 3.2)
    _title(
        ax,
        f"The spreadsheet ranking would deliver {comparison.share_of_optimum:.0%} of "
        "the optimized value for the same rules",
    )
    return ax


__all__ = [
    "PALETTE",
    "SLIDE_SIZE",
    "money",
    "plot_capacity",
    "plot_compare",
    "plot_explain",
    "plot_frontier",
    "plot_marginal",
    "plot_pareto",
    "plot_pillars",
    "plot_portfolio_map",
    "plot_ranking",
    "plot_robustness",
    "plot_tornado",
    "plot_value_bridge",
    "plot_value_distribution",
    "plot_weight_sweep",
]
_ = matplotlib  # imported first so a backend can be chosen before pyplot
