"""The look shared by every chart: slide size, the Okabe–Ito colour-blind-safe palette, axes
style, titles, money ticks, non-overlapping point labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .. import formatting as fmt

SLIDE_SIZE = (13.33, 7.5)
"""Widescreen slide, inches."""

CHART_ON_SLIDE = (12.33, 5.6)
"""The box (inches) in which the deck places a chart under the slide's title, at 100% scale:
pack charts are drawn at this size, so a font's points in the figure are its points on the
slide (the contract between :mod:`prioritizer.plots` and :mod:`prioritizer.report`)."""

BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, PURPLE, YELLOW, GREY = "#56B4E9", "#CC79A7", "#F0E442", "#7F7F7F"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, GREY)
CLASS_COLOURS = {"core": BLUE, "borderline": ORANGE, "exterior": GREY}


def money_axis(currency: str) -> FuncFormatter:
    """Tick formatter in the scenario's currency (``€2.1M``)."""
    return FuncFormatter(lambda v, _pos: fmt.money(v, currency))


def count_axis() -> FuncFormatter:
    """Tick formatter with thousands separators."""
    return FuncFormatter(lambda v, _p: f"{v:,.0f}")


def new_axes(ax: Axes | None, size: tuple[float, float] = SLIDE_SIZE) -> Axes:
    """``ax``, or a new slide-sized figure's styled Axes."""
    if ax is not None:
        return ax
    # No rc_context here: leaving one resets rcParams (the backend included), after which
    # Jupyter's inline backend stops showing later figures. Style is applied per axes.
    _fig, new = plt.subplots(figsize=size, layout="constrained")
    new.spines["top"].set_visible(False)
    new.spines["right"].set_visible(False)
    new.grid(True, alpha=0.3)
    new.set_axisbelow(True)
    new.xaxis.label.set_fontsize(13)
    new.yaxis.label.set_fontsize(13)
    new.tick_params(labelsize=12)
    return new


def set_title(ax: Axes, text: str | None) -> None:
    """The finding, as a bold left-aligned title (nothing when ``text`` is empty)."""
    if text:
        ax.set_title(text, loc="left", fontsize=17, fontweight="bold", pad=14)


def finish(
    ax: Axes, title: str | None, legend: Any = None, heading: str | None = None, **kwargs: Any
) -> Axes:
    """Title the chart with its finding, add a legend at ``legend`` (if any; ``heading`` is
    the legend's own title, ``kwargs`` go to it), return the Axes."""
    set_title(ax, title)
    if legend:
        ax.legend(fontsize=12, loc=legend, title=heading, **kwargs)
    return ax


def paired_bars(
    ax: Axes, left: Any, right: Any, labels: tuple[str, str], text: Callable[[float], str]
) -> Any:
    """Two bars per position (blue left, orange right), each topped by ``text(value)``;
    returns the positions."""
    xpos = np.arange(len(left))
    for offset, values, colour, label in (
        (-0.2, left, BLUE, labels[0]),
        (0.2, right, ORANGE, labels[1]),
    ):
        ax.bar(xpos + offset, values, width=0.4, color=colour, label=label)
        for x, v in zip(xpos, values, strict=True):
            ax.text(x + offset, v, text(v), ha="center", va="bottom", fontsize=11)
    return xpos


def label_points(
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


def objective_label(mode: str, currency: str) -> str:
    """Axis label of the optimal objective in the scenario's mode."""
    return {
        "business": f"Optimal business value (NPV, {currency})",
        "customer": "Optimal customer value (effort points removed per year)",
        "blended": "Optimal blended value (share of the whole opportunity)",
    }[mode]


def objective_formatter(mode: str, currency: str) -> Any:
    """Tick formatter of the objective: money, a percentage (blended) or a count."""
    if mode == "business":
        return money_axis(currency)
    if mode == "blended":
        return PercentFormatter(xmax=1.0, decimals=0)
    return count_axis()


def legend_patches(ax: Axes, items: list[tuple[str, dict[str, Any]]], loc: str) -> None:
    """A legend of coloured patches: (label, Patch keyword arguments) each."""
    from matplotlib.patches import Patch

    handles = [Patch(label=k, **kw) for k, kw in items]
    ax.legend(handles=handles, fontsize=12, loc=loc)  # type: ignore[call-overload]


def headless() -> None:
    """Draw without a display (the command line): matplotlib's Agg backend."""
    import matplotlib

    matplotlib.use("Agg")


def figure_bytes(figure: Any, fmt: str = "png", dpi: int = 200) -> bytes:
    """The figure saved as ``fmt`` (png, svg, ...) at ``dpi``, in memory."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


def close(figure: Any) -> None:
    """Free a figure's memory (pyplot keeps every open figure)."""
    plt.close(figure)
