"""Evidence charts, slide-ready: each draws on an Axes (a new 16:9 figure when none is given)
and returns it, with a title that states the finding. Nothing here counts, solves or saves.

- :func:`plot_voc_pareto` — topics by volume with the cumulative share, coloured by whether
  the recommended portfolio addresses them;
- :func:`plot_importance_performance` — key drivers: importance (% of R²) vs performance;
- :func:`plot_ces_by_stage` — effort per journey stage with confidence intervals;
- :func:`plot_pillar_maturity` — pillar % for customers, employees and the market.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import matplotlib

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..evidence.analyse import EvidenceReport
    from ..evidence.maturity import MaturityAnalysis
    from ..evidence.survey import SurveyAnalysis

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

SLIDE_SIZE = (13.33, 7.5)
# Okabe-Ito, colour-blind safe (as prioritizer.plots)
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, GREY = "#56B4E9", "#9A9A9A"


def _axes(ax: Axes | None) -> Axes:
    if ax is None:
        _fig, ax = plt.subplots(figsize=SLIDE_SIZE, layout="constrained")
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=12)
    return ax


def _title(ax: Axes, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=16, fontweight="bold", wrap=True)


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_voc_pareto(report: EvidenceReport, *, ax: Axes | None = None, top: int = 20) -> Axes:
    """Top topics by feedback items (bars) with the cumulative share of all feedback (line);
    blue = addressed by the recommended portfolio, sky = addressed by an initiative not
    chosen, vermillion = addressed by no initiative."""
    voc = report.voc
    if voc is None:
        raise ValueError("the scenario has no VoC export")
    ax = _axes(ax)
    topics = voc.topics.head(top)
    chosen = set(report.recommended)
    colours = []
    for addressed_by in topics["addressed_by"]:
        if chosen.intersection(addressed_by):
            colours.append(BLUE)
        elif addressed_by:
            colours.append(SKY)
        else:
            colours.append(VERMILLION)
    x = np.arange(len(topics))
    ax.bar(x, topics["items"], color=colours)
    ax.set_xticks(x, [_short(str(t), 24) for t in topics.index], rotation=40, ha="right")
    ax.set_ylabel(f"Feedback items in the window ({voc.days or '?'} days)", fontsize=13)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    twin = ax.twinx()
    cumulative = topics["items"].cumsum() / voc.items * 100 if voc.items else topics["items"] * 0
    twin.plot(x, cumulative, color=ORANGE, marker="o", linewidth=2)
    twin.set_ylim(0, 100)
    twin.yaxis.set_major_formatter(PercentFormatter())
    twin.set_ylabel("Cumulative share of all feedback", fontsize=13, color=ORANGE)
    twin.spines["top"].set_visible(False)
    ax.legend(
        handles=[
            Patch(color=BLUE, label="addressed by the recommendation"),
            Patch(color=SKY, label="addressed by an initiative not chosen"),
            Patch(color=VERMILLION, label="addressed by no initiative"),
        ],
        loc="upper right",
        fontsize=11,
        frameon=False,
    )
    share = report.addressed_share
    lead = (
        f"The recommendation addresses {share:.0%} of all feedback"
        if share is not None
        else "Where the feedback is"
    )
    uncovered = [t for t, a in zip(topics.index, topics["addressed_by"], strict=True) if not a]
    tail = (
        f"; '{uncovered[0]}' ({_pct(voc, uncovered[0])}) is addressed by none" if uncovered else ""
    )
    _title(ax, f"{lead}{tail}")
    ax.set_xlabel(
        f"Top {len(topics)} of {len(voc.topics)} topics ({cumulative.iloc[-1]:.0f}% of items)"
        if len(topics)
        else "Topics",
        fontsize=13,
    )
    return ax


def _pct(voc: Any, topic: str) -> str:
    return f"{voc.topics.loc[topic, 'share']:.1%}"


def plot_importance_performance(survey: SurveyAnalysis, *, ax: Axes | None = None) -> Axes:
    """Drivers by importance (Johnson's relative weights, % of R²) and performance (mean rating
    as % of the scale); the quadrant lines are the averages."""
    ax = _axes(ax)
    table = survey.drivers
    x = table["importance_pct"].to_numpy(dtype=float)
    y = table["performance_pct"].to_numpy(dtype=float)
    ax.scatter(x, y, s=160, color=BLUE, zorder=3)
    for name, xi, yi in zip(table.index, x, y, strict=True):
        ax.annotate(str(name), (xi, yi), xytext=(8, 6), textcoords="offset points", fontsize=12)
    ax.axvline(x.mean(), color=GREY, linestyle="--")
    ax.axhline(y.mean(), color=GREY, linestyle="--")
    ax.set_xlabel(f"Importance: share of the explained {survey.outcome} (% of R²)", fontsize=13)
    ax.set_ylabel("Performance: mean rating (% of the scale)", fontsize=13)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.yaxis.set_major_formatter(PercentFormatter())
    pad_x = max(2.0, (x.max() - x.min()) * 0.15)
    pad_y = max(2.0, (y.max() - y.min()) * 0.25)
    ax.set_xlim(max(0.0, x.min() - pad_x), x.max() + pad_x * 2)
    ax.set_ylim(y.min() - pad_y, y.max() + pad_y)
    ax.text(
        0.99,
        0.02,
        "fix first: important, weak",
        transform=ax.transAxes,
        ha="right",
        fontsize=11,
        color=VERMILLION,
    )
    fix = [
        (xi, n)
        for n, xi, yi in zip(table.index, x, y, strict=True)
        if xi >= x.mean() and yi < y.mean()
    ]
    if fix:
        name = max(fix)[1]
        _title(
            ax,
            f"'{name}' matters most among the weak drivers ({max(fix)[0]:.0f}% of the "
            f"explained {survey.outcome}): improve it first",
        )
    else:
        top = str(table["importance_pct"].idxmax())
        _title(
            ax,
            f"'{top}' drives {x.max():.0f}% of the explained {survey.outcome} and already "
            "performs above average",
        )
    return ax


def plot_ces_by_stage(survey: SurveyAnalysis, *, ax: Axes | None = None) -> Axes:
    """Mean outcome per journey stage with its confidence interval and n."""
    ax = _axes(ax)
    stages = survey.stages.sort_values("mean", ascending=survey.higher_is_better)
    y = np.arange(len(stages))[::-1]
    means = stages["mean"].to_numpy(dtype=float)
    errors = np.vstack([means - stages["ci_low"], stages["ci_high"] - means])
    worst = 0
    colours = [VERMILLION if k == worst else BLUE for k in range(len(stages))]
    ax.barh(y, means, xerr=errors, color=colours, capsize=6, error_kw={"linewidth": 1.5})
    ax.set_yticks(y, [str(s) for s in stages.index], fontsize=12)
    for yi, mean, n, high in zip(y, means, stages["n"], stages["ci_high"], strict=True):
        ax.text(high + 0.03, yi, f"{mean:.2f}  (n={int(n):,})", va="center", fontsize=11)
    direction = "higher = better" if survey.higher_is_better else "higher = more effort"
    ax.set_xlabel(
        f"Mean {survey.outcome} ({direction}); bars: {survey.confidence:.0%} confidence interval",
        fontsize=13,
    )
    ax.set_xlim(0, float(stages["ci_high"].max()) * 1.25)
    first = stages.index[0]
    _title(
        ax,
        f"'{first}' is the hardest moment of truth: {survey.outcome} {means[0]:.2f} "
        f"({survey.confidence:.0%} CI {stages['ci_low'].iloc[0]:.2f}-"
        f"{stages['ci_high'].iloc[0]:.2f})",
    )
    return ax


def plot_pillar_maturity(maturity: MaturityAnalysis, *, ax: Axes | None = None) -> Axes:
    """Pillar maturity, % of the scale: customers vs employees vs the market benchmark."""
    ax = _axes(ax)
    table = maturity.pillars
    series = [
        (c, col)
        for c, col in (("customer", BLUE), ("employee", ORANGE), ("benchmark", GREY))
        if c in table
    ]
    width = 0.8 / max(1, len(series))
    x = np.arange(len(table))
    for k, (name, colour) in enumerate(series):
        values = table[name].to_numpy(dtype=float)
        bars = ax.bar(
            x + (k - (len(series) - 1) / 2) * width,
            values,
            width,
            color=colour,
            label={"benchmark": "market benchmark"}.get(name, f"{name}s"),
        )
        for bar, value in zip(bars, values, strict=True):
            if np.isfinite(value):
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    value + 1,
                    f"{value:.0f}%",
                    ha="center",
                    fontsize=10,
                )
    ax.set_xticks(x, [str(p).capitalize() for p in table.index], fontsize=12)
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylabel("Maturity (% of the rating scale)", fontsize=13)
    ax.legend(frameon=False, fontsize=11, loc="upper right")
    if "customer" in table and table["customer"].notna().any():
        weakest = str(table["customer"].idxmin())
        text = f"Customers rate {weakest} weakest ({float(table['customer'][weakest]):.0f}%)"
        if "gap" in table and np.isfinite(float(table["gap"][weakest])):
            text += f", {abs(float(table['gap'][weakest])):.0f} points below the market"
        if maturity.stage:
            text += f"; maturity stage: {maturity.stage}"
        _title(ax, text)
    return ax


def evidence_figures(report: EvidenceReport) -> dict[str, Figure]:
    """Every chart the report supports, by file stem."""
    figures: dict[str, Figure] = {}

    def add(name: str, draw: Any, data: Any) -> None:
        fig, ax = plt.subplots(figsize=SLIDE_SIZE, layout="constrained")
        draw(data, ax=ax)
        figures[name] = fig

    if report.voc is not None and len(report.voc.topics):
        add("evidence_voc_pareto", plot_voc_pareto, report)
    if report.survey is not None:
        if len(report.survey.drivers):
            add("evidence_key_drivers", plot_importance_performance, report.survey)
        if len(report.survey.stages):
            add("evidence_ces_by_stage", plot_ces_by_stage, report.survey)
    if report.maturity is not None:
        add("evidence_pillar_maturity", plot_pillar_maturity, report.maturity)
    return figures


def evidence_pngs(report: EvidenceReport, *, dpi: int = 150) -> dict[str, bytes]:
    """Every evidence chart as PNG bytes, by file stem (figures closed after rendering)."""
    import io

    out: dict[str, bytes] = {}
    for name, figure in evidence_figures(report).items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        plt.close(figure)
        out[name] = buffer.getvalue()
    return out
