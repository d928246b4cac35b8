"""The look shared by every chart: slide size, the Okabe–Ito colour-blind-safe palette, axes
style, titles, money and percentage ticks, the geometry of what a label may not cover
(lines, markers, other boxes; :mod:`.labels` places point labels with it).

Readability rules (issue 11): charts are drawn at :data:`CHART_ON_SLIDE`, the size at which the
deck places them, so a font's points in the figure are its points on the slide; every text is
at least :data:`MIN_FONT` points, in one typeface (:data:`FONT`); a chart shows at most
:data:`MAX_ROWS` bars or rows (the rest is in the full table, said in words).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox

from .. import formatting as fmt

SLIDE_SIZE = (13.33, 7.5)
"""Widescreen slide, inches."""

CHART_ON_SLIDE = (12.33, 5.6)
"""The box (inches) in which the deck places a chart under the slide's title, at 100% scale:
pack charts are drawn at this size, so a font's points in the figure are its points on the
slide (the contract between :mod:`prioritizer.plots` and :mod:`prioritizer.report`)."""

MIN_FONT = 14
"""Smallest text on a chart, in points as placed on the slide."""

TICK_FONT, LABEL_FONT, TITLE_FONT = 14, 15, 18
"""Font sizes (points) of tick labels and in-chart text, axis labels, and the title."""

FONT = "DejaVu Sans"
"""The one typeface of every chart (bundled with matplotlib, so it renders the same
everywhere)."""

MAX_ROWS = 12
"""Most bars or rows a chart shows; the rest is in the full table."""

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


def new_figure(size: tuple[float, float] = CHART_ON_SLIDE) -> Any:
    """A new figure of ``size`` inches (default :data:`CHART_ON_SLIDE`) with constrained
    layout and the chart typeface."""
    # No rc_context here: leaving one resets rcParams (the backend included), after which
    # Jupyter's inline backend stops showing later figures. Style is applied per artist.
    return plt.figure(figsize=size, layout="constrained")


def style_axes(ax: Axes, grid: bool = True) -> Axes:
    """The shared axes look: no top/right spines, light grid, readable tick and axis labels."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.grid(grid, alpha=0.3)
    ax.set_axisbelow(True)
    for axis in (ax.xaxis, ax.yaxis):
        axis.label.set_fontsize(LABEL_FONT)
        axis.label.set_fontfamily(FONT)
    ax.tick_params(labelsize=TICK_FONT, pad=6)  # x and y labels never meet at the corner
    for axis in (ax.xaxis, ax.yaxis):  # few enough ticks that 14-pt labels never touch
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(FONT)
    return ax


def add_legend(ax: Axes, loc: str, **kwargs: Any) -> Any:
    """A legend in the chart's font: inside the axes at ``loc``, or below/beside the plot
    for ``loc`` ``"outside ..."`` (a figure legend the layout makes room for)."""
    kwargs.setdefault("prop", {"family": FONT, "size": TICK_FONT})
    if loc.startswith("outside"):
        return ax.figure.legend(loc=loc, **kwargs)  # type: ignore[call-overload]
    return ax.legend(loc=loc, **kwargs)  # type: ignore[call-overload]


def new_axes(ax: Axes | None, size: tuple[float, float] = CHART_ON_SLIDE) -> Axes:
    """``ax``, or the styled Axes of a new figure of ``size`` (default the size the deck
    places a chart at, :data:`CHART_ON_SLIDE`)."""
    if ax is not None:
        return ax
    return style_axes(new_figure(size).add_subplot())


def set_title(ax: Axes, text: str | None) -> None:
    """The finding, as a bold left-aligned title (nothing when ``text`` is empty)."""
    if text:  # wrapped at draw time to the figure's width; the text stays the finding
        ax.set_title(
            text,
            loc="left",
            fontsize=TITLE_FONT,
            fontweight="bold",
            pad=14,
            fontfamily=FONT,
            wrap=True,
        )


def for_slide(figure: Any) -> Any:
    """The figure as the deck places it: every title removed (the slide's title carries the
    finding) and the size set to :data:`CHART_ON_SLIDE`; returns the figure."""
    for ax in figure.axes:
        for loc in ("left", "center", "right"):
            ax.set_title("", loc=loc)
    if figure._suptitle is not None:
        figure._suptitle.set_text("")
    figure.set_size_inches(*CHART_ON_SLIDE)
    return figure


def finish(
    ax: Axes, title: str | None, legend: Any = None, heading: str | None = None, **kwargs: Any
) -> Axes:
    """Title the chart with its finding, add a legend at ``legend`` (if any; ``heading`` is
    the legend's own title, ``kwargs`` go to it), return the Axes."""
    set_title(ax, title)
    if legend:
        add_legend(ax, legend, title_fontsize=TICK_FONT, title=heading, **kwargs)
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
            ax.text(x + offset, v, text(v), ha="center", va="bottom", fontsize=TICK_FONT)
    return xpos


def line_marks(ax: Axes, renderer: Any) -> list[tuple[np.ndarray, float, list[Any]]]:
    """The lines and markers drawn on ``ax`` in pixels, one entry per visible
    :class:`~matplotlib.lines.Line2D`: its segments (n x 4: x0, y0, x1, y1 as drawn, steps
    included), half its width, and one box per marker."""
    from matplotlib.cbook import STEP_LOOKUP_MAP

    out = []
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        xy = np.asarray(line.get_xydata(), dtype=float)
        if not len(xy):
            continue
        ok = np.isfinite(xy).all(axis=1)
        pixels = line.get_transform().transform(xy[ok]) if ok.any() else np.zeros((0, 2))
        segments = np.zeros((0, 4))
        if line.get_linestyle() not in ("None", "none", "", " ") and len(pixels) > 1:
            path = xy[ok]
            style = line.get_drawstyle()
            if style in STEP_LOOKUP_MAP and style != "default":
                path = np.column_stack(STEP_LOOKUP_MAP[style](path[:, 0], path[:, 1]))
            drawn = line.get_transform().transform(path)
            segments = np.hstack([drawn[:-1], drawn[1:]])
        width = line.get_linewidth() * ax.figure.dpi / 72 / 2
        markers = []
        if line.get_marker() not in (None, "None", "none", "", " "):
            half = (line.get_markersize() + line.get_markeredgewidth()) * ax.figure.dpi / 72 / 2
            markers = [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in pixels]
        out.append((segments, width, markers))
    return out


def mark_hits(box: Any, marks: list[tuple[np.ndarray, float, list[Any]]]) -> bool:
    """Whether the pixel ``box`` covers a marker or is crossed by a line of ``marks``
    (:func:`line_marks`)."""
    boxes = np.array([[box.x0, box.y0, box.x1, box.y1]], dtype=float)
    return bool(marks_hit(boxes, marks)[0])


def marks_hit(boxes: np.ndarray, marks: list[tuple[np.ndarray, float, list[Any]]]) -> np.ndarray:
    """Per pixel box (rows x0, y0, x1, y1), whether it covers a marker or is crossed by a
    line of ``marks`` (:func:`line_marks`): :func:`mark_hits` of many boxes at once."""
    hit = np.zeros(len(boxes), dtype=bool)
    for segments, width, markers in marks:
        if markers:
            others = np.array([[m.x0, m.y0, m.x1, m.y1] for m in markers], dtype=float)
            hit |= boxes_overlap(boxes, others).any(axis=1)
        if len(segments):
            padded = boxes + np.array([-width, -width, width, width])
            hit |= segments_hit(segments, padded).any(axis=1)
    return hit


def boxes_overlap(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """(len(boxes), len(others)): whether box i overlaps box j, edges touching included
    (matplotlib's ``Bbox.overlaps``; rows x0, y0, x1, y1 in either order)."""
    ax0, ax1 = np.minimum(boxes[:, 0], boxes[:, 2]), np.maximum(boxes[:, 0], boxes[:, 2])
    ay0, ay1 = np.minimum(boxes[:, 1], boxes[:, 3]), np.maximum(boxes[:, 1], boxes[:, 3])
    bx0, bx1 = np.minimum(others[:, 0], others[:, 2]), np.maximum(others[:, 0], others[:, 2])
    by0, by1 = np.minimum(others[:, 1], others[:, 3]), np.maximum(others[:, 1], others[:, 3])
    return (
        (ax0[:, None] <= bx1[None])
        & (bx0[None] <= ax1[:, None])
        & (ay0[:, None] <= by1[None])
        & (by0[None] <= ay1[:, None])
    )


def segments_hit(segments: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """(len(boxes), len(segments)): whether segment j (rows x0, y0, x1, y1) passes through
    box i (rows x0, y0, x1, y1; Liang-Barsky clipping)."""
    x0, y0, x1, y1 = (segments[:, k][None] for k in range(4))
    dx, dy = x1 - x0, y1 - y0
    shape = (len(boxes), len(segments))
    low, high = np.zeros(shape), np.ones(shape)
    hit = np.ones(shape, dtype=bool)
    bx0, by0, bx1, by1 = (boxes[:, k][:, None] for k in range(4))
    for p, q in ((-dx, x0 - bx0), (dx, bx1 - x0), (-dy, y0 - by0), (dy, by1 - y0)):
        p = np.broadcast_to(p, shape)
        parallel = np.abs(p) < 1e-12
        hit &= ~(parallel & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(parallel, 0.0, q / np.where(parallel, 1.0, p))
        entering, leaving = ~parallel & (p < 0), ~parallel & (p > 0)
        low = np.where(entering, np.maximum(low, t), low)
        high = np.where(leaving, np.minimum(high, t), high)
    return hit & (low <= high)


def drawn_renderer(figure: Any) -> Any:
    """Lay the figure out (draw it) and return its renderer, giving a figure made without
    pyplot (``Figure()``) an Agg canvas first so that text can be measured."""
    if not hasattr(figure.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(figure)
    figure.canvas.draw()
    return figure.canvas.get_renderer()


def text_artists(figure: Any) -> list[Any]:
    """Every visible text of a figure: titles, axis and tick labels, annotations, legends."""
    from matplotlib.text import Text

    found = figure.findobj(lambda a: isinstance(a, Text) and a.get_visible())
    return [t for t in found if t.get_text().strip()]


def objective_label(mode: str, currency: str) -> str:
    """Axis label of the optimal objective in the scenario's mode."""
    return {
        "business": f"Best business value\n(NPV, {currency})",
        "customer": "Best customer value\n(customers eased × effort points, a year)",
        "blended": "Best combined score\n(% of all value on the table)",
    }[mode]


def objective_short(mode: str, currency: str) -> str:
    """One-line axis label of the objective: ``NPV (EUR)``, ``Combined score (% of all
    value)``, ``Customer value``."""
    return {
        "business": f"NPV ({currency})",
        "customer": "Customer value (customers eased × effort points)",
        "blended": "Combined score (% of all value)",
    }[mode]


def objective_formatter(mode: str, currency: str) -> Any:
    """Tick formatter of the objective: money, a percentage (blended) or a count."""
    if mode == "business":
        return money_axis(currency)
    if mode == "blended":
        return percent_axis()
    return count_axis()


class _Percent(FuncFormatter):
    """Percentage ticks whose decimals follow the tick step (``1.5%, 2.0%, 2.5%`` but
    ``10%, 20%``), with a true minus sign and no negative zero."""

    def __init__(self, xmax: float = 1.0, signed: bool = False) -> None:
        super().__init__(self._format)
        self.xmax, self.signed = xmax, signed
        self._ticks: list[float] = []

    def set_locs(self, locs: Any) -> None:
        """Remember the tick positions: the decimals follow their step."""
        self._ticks = [float(t) for t in locs]
        super().set_locs(locs)

    def _format(self, value: float, _pos: Any = None) -> str:
        ticks = [t / self.xmax for t in self._ticks] if len(self._ticks) > 1 else []
        step = min((b - a for a, b in itertools.pairwise(ticks) if b > a), default=1.0)
        return fmt.percent(value / self.xmax, fmt.percent_decimals(step), signed=self.signed)


def percent_axis(xmax: float = 1.0, *, signed: bool = False) -> FuncFormatter:
    """Tick formatter of shares as percentages, decimals chosen from the tick step (never
    "−1%, −0%, 0%, 1%, 1%")."""
    return _Percent(xmax, signed)


def legend_patches(
    ax: Axes, items: list[tuple[str, dict[str, Any]]], loc: str, **kwargs: Any
) -> None:
    """A legend of coloured patches: (label, Patch keyword arguments) each; ``kwargs`` go to
    the legend (``bbox_to_anchor``, ``ncols``, ...)."""
    from matplotlib.patches import Patch

    handles = [Patch(label=k, **kw) for k, kw in items]
    add_legend(ax, loc, handles=handles, **kwargs)


def headless() -> None:
    """Draw without a display (the command line): matplotlib's Agg backend."""
    import matplotlib

    matplotlib.use("Agg")


def figure_bytes(figure: Any, fmt: str = "png", dpi: int = 200) -> bytes:
    """The figure saved as ``fmt`` (png, svg, ...) at ``dpi``, in memory. PNGs are
    compressed at zlib level 1: a fifth less time per chart than matplotlib's default level
    6, for files about 7% larger."""
    import io

    buffer = io.BytesIO()
    extra = {"pil_kwargs": {"compress_level": 1}} if fmt == "png" else {}
    figure.savefig(buffer, format=fmt, dpi=dpi, **extra)
    return buffer.getvalue()


def figure_bytes_as_laid_out(figure: Any, fmt: str = "svg", dpi: int = 100) -> bytes:
    """:func:`figure_bytes` keeping the layout the figure's last save computed (its layout
    engine paused): a second format of a figure just saved at the same size skips
    constrained layout's extra pass over every text (about a sixth of a chart's rendering)."""
    engine = figure.get_layout_engine()
    if engine is None:
        return figure_bytes(figure, fmt, dpi)
    figure.set_layout_engine("none")
    try:
        return figure_bytes(figure, fmt, dpi)
    finally:
        figure.set_layout_engine(engine)


def close(figure: Any) -> None:
    """Free a figure's memory (pyplot keeps every open figure)."""
    plt.close(figure)


def _drawn_texts(figure: Any, renderer: Any) -> list[Any]:
    """The texts a saved figure shows: visible, non-empty, and for tick labels only those of
    ticks inside the view (matplotlib keeps labels of ticks it does not draw)."""
    hidden: set[int] = set()
    for ax in figure.axes:
        for axis, (low, high) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            low, high = min(low, high), max(low, high)
            span = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not (low - span <= loc <= high + span):
                    hidden.update((id(tick.label1), id(tick.label2)))
                elif not tick.label2.get_visible():
                    hidden.add(id(tick.label2))
    return [t for t in text_artists(figure) if id(t) not in hidden]


def readability_problems(figure: Any, *, min_font: float = MIN_FONT) -> list[str]:
    """What breaks the readability rules on a drawn figure, in words (empty: none): texts
    under ``min_font`` points, in another typeface than :data:`FONT`, overlapping another
    text, outside the figure, or (a label on the plot) on a line or a marker. Measured with
    the renderer at the figure's size (draw pack
    charts at :data:`CHART_ON_SLIDE` first, see :func:`for_slide`)."""
    renderer = drawn_renderer(figure)
    texts = _drawn_texts(figure, renderer)
    page = figure.bbox
    problems: list[str] = []
    boxes = []
    for text in texts:
        label = repr(text.get_text()[:40])
        if text.get_fontsize() < min_font - 1e-9:
            problems.append(f"{label} is {text.get_fontsize():g} pt (< {min_font:g})")
        family = text.get_fontfamily()
        names = [family] if isinstance(family, str) else list(family)
        if names and names[0] not in (FONT, "sans-serif"):
            problems.append(f"{label} is in {names[0]}, not {FONT}")
        box = _text_box(text, renderer)
        if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1:
            problems.append(f"{label} leaves the figure")
        if box.y1 > page.y1 + 1:
            problems.append(f"{label} leaves the figure")
        boxes.append((label, box, text))
    for ax in figure.axes:  # a label on the plot never sits on a line or a marker
        marks = line_marks(ax, renderer)
        for text in ax.texts:
            shown = text.get_visible() and text.get_text().strip()
            if shown and mark_hits(_text_box(text, renderer), marks):
                problems.append(f"{text.get_text()[:40]!r} sits on a line or marker")
    for k, (label, box, text) in enumerate(boxes):
        for other_label, other, other_text in boxes[k + 1 :]:
            if _nested(text, other_text):
                continue
            inter_w = min(box.x1, other.x1) - max(box.x0, other.x0)
            inter_h = min(box.y1, other.y1) - max(box.y0, other.y0)
            if inter_w > 1 and inter_h > 1:
                problems.append(f"{label} overlaps {other_label}")
    return problems


def _text_box(text: Any, renderer: Any) -> Any:
    """The pixel box of a text's letters (for an annotation, without its leader line)."""
    from matplotlib.text import Text

    return Text.get_window_extent(text, renderer)


def _nested(a: Any, b: Any) -> bool:
    """Whether two texts belong together by construction (a legend's title and its entries
    are laid out by the legend itself)."""
    return False
