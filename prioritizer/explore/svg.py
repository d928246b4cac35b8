"""The explorer's two charts as SVG text: the frontier with the what-if's point, and the
portfolio map with what entered and left against the base case ringed.

Drawn as plain SVG (a few kilobytes, a few milliseconds) rather than rendered to PNG through
matplotlib (hundreds of milliseconds per chart), so that redrawing them after every slider
move stays within the explorer's latency budget. Pure functions of numbers: no widgets, no
solver. Colours are the Okabe-Ito palette of :mod:`prioritizer.plots.style`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import formatting as fmt

BLUE, VERMILLION, GREY, INK = "#0072B2", "#D55E00", "#7F7F7F", "#333333"
WIDTH, HEIGHT = 560, 330
"""Drawing size in SVG units (the chart scales to the width it is given)."""
MARGIN = (74, 16, 42, 56)
"""Left, right, top, bottom margins (SVG units) around the plotting area."""


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × a power of ten apart) covering ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= high * (1 + 1e-12) + 1e-12:
        ticks.append(first + k * step)
        k += 1
    return ticks


@dataclass(frozen=True)
class Frame:
    """A plotting area: data ranges mapped to SVG units."""

    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, value: float) -> float:
        """SVG x of a data x."""
        left, right = MARGIN[0], WIDTH - MARGIN[1]
        span = self.x1 - self.x0 or 1.0
        return left + (value - self.x0) / span * (right - left)

    def y(self, value: float) -> float:
        """SVG y of a data y."""
        top, bottom = MARGIN[2], HEIGHT - MARGIN[3]
        span = self.y1 - self.y0 or 1.0
        return bottom - (value - self.y0) / span * (bottom - top)


def _padded(low: float, high: float, share: float = 0.05) -> tuple[float, float]:
    if not (math.isfinite(low) and math.isfinite(high)):
        return 0.0, 1.0
    if high <= low:
        return low - 1.0, high + 1.0
    pad = (high - low) * share
    return low - pad, high + pad


def _text(x: float, y: float, text: str, **attrs: str | float) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{html.escape(text)}</text>'


def _axes(
    frame: Frame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    xfmt: Callable[[float], str],
    yfmt: Callable[[float], str],
) -> list[str]:
    """Grid, ticks, tick labels, axis labels and the title."""
    left, right = MARGIN[0], WIDTH - MARGIN[1]
    top, bottom = MARGIN[2], HEIGHT - MARGIN[3]
    out = [f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    for value in nice_ticks(frame.x0, frame.x1):
        x = frame.x(value)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#e4e4e4"/>')
        out.append(_text(x, bottom + 16, xfmt(value), text_anchor="middle"))
    for value in nice_ticks(frame.y0, frame.y1):
        y = frame.y(value)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        out.append(_text(left - 6, y + 4, yfmt(value), text_anchor="end"))
    out.append(
        f'<polyline points="{left},{top} {left},{bottom} {right},{bottom}" fill="none" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    out.append(_text((left + right) / 2, HEIGHT - 12, xlabel, text_anchor="middle"))
    middle = (top + bottom) / 2
    out.append(
        f'<text x="14" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{html.escape(ylabel)}</text>'
    )
    out.append(_text(left, 22, title, font_size=14, font_weight="bold"))
    return out


def _svg(kind: str, parts: Sequence[str], label: str) -> str:
    return (
        f'<svg class="px-chart" data-chart="{kind}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{html.escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11" '
        f'fill="{INK}">' + "".join(parts) + "</svg>"
    )


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    """Legend rows: (marker SVG drawn at the origin, label)."""
    out = []
    for k, (marker, label) in enumerate(items):
        row = y + 16 * k
        out.append(f'<g transform="translate({x:.1f},{row:.1f})">{marker}</g>')
        out.append(_text(x + 12, row + 4, label))
    return out


def objective_format(mode: str, currency: str) -> Callable[[float], str]:
    """Tick labels of the objective: money (business), a share (blended), a count."""
    if mode == "business":
        return lambda v: fmt.money(v, currency)
    if mode == "blended":
        return lambda v: f"{v:.0%}"
    return lambda v: f"{v:,.0f}"


OBJECTIVE_LABEL = {
    "business": "Optimal NPV ({cur})",
    "customer": "Optimal customer value (pts/yr)",
    "blended": "Optimal blended value (share)",
}


def frontier_svg(
    steps: Sequence[tuple[float, float, float]],
    *,
    top: float,
    budget: float,
    objective: float | None,
    mode: str,
    currency: str,
    title: str = "Optimal value by budget (this what-if's rules)",
) -> str:
    """The frontier as known: each settled step ``(low, high, objective)`` (currency,
    currency, mode units) a solid line, budgets not yet solved between them dashed; the
    what-if's budget a vertical line and its optimum (``objective``; None when infeasible) a
    point. ``top``: the right end of the budget axis (the slider's top)."""
    known = sorted((lo, hi, v) for lo, hi, v in steps if math.isfinite(v))
    if not known:
        frame = Frame(0.0, top, 0.0, 1.0)
        parts = _axes(
            frame,
            title=title,
            xlabel=f"Budget for one-off cost ({currency})",
            ylabel=OBJECTIVE_LABEL[mode].format(cur=currency),
            xfmt=lambda v: fmt.money(v, currency),
            yfmt=lambda v: "",
        )
        parts.append(
            _text(
                WIDTH / 2, HEIGHT / 2, "no portfolio for these settings yet", text_anchor="middle"
            )
        )
        return _svg("frontier", parts, title)
    values = [v for _, _, v in known] + ([objective] if objective is not None else [])
    y0, y1 = _padded(min(0.0, *values), max(values))
    frame = Frame(0.0, top, y0, y1)
    parts = _axes(
        frame,
        title=title,
        xlabel=f"Budget for one-off cost ({currency})",
        ylabel=OBJECTIVE_LABEL[mode].format(cur=currency),
        xfmt=lambda v: fmt.money(v, currency),
        yfmt=objective_format(mode, currency),
    )
    solid: list[str] = []
    dashed: list[str] = []
    previous: tuple[float, float, float] | None = None
    for lo, hi, v in known:
        lo_c, hi_c = max(lo, 0.0), min(max(hi, lo), top)
        if previous is not None:
            _plo, phi, pv = previous
            # contiguous steps rise straight up; an unsolved stretch is dashed
            target = solid if lo_c - phi <= 1e-9 * max(1.0, top) + (top / WIDTH) else dashed
            target.append(
                f"M{frame.x(phi):.1f},{frame.y(pv):.1f} L{frame.x(lo_c):.1f},{frame.y(v):.1f}"
            )
        solid.append(f"M{frame.x(lo_c):.1f},{frame.y(v):.1f} H{frame.x(hi_c):.1f}")
        previous = (lo_c, hi_c, v)
    parts.append(
        f'<path d="{" ".join(dashed)}" fill="none" stroke="{GREY}" stroke-width="1.5" '
        'stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<path class="px-steps" d="{" ".join(solid)}" fill="none" stroke="{BLUE}" '
        'stroke-width="2.5"/>'
    )
    bx = frame.x(min(max(budget, 0.0), top))
    parts.append(
        f'<line class="px-budget" data-budget="{budget:.6g}" x1="{bx:.1f}" y1="{MARGIN[2]}" '
        f'x2="{bx:.1f}" y2="{HEIGHT - MARGIN[3]}" stroke="{VERMILLION}" stroke-width="1.5" '
        'stroke-dasharray="6 4"/>'
    )
    if objective is not None:
        parts.append(
            f'<circle class="px-point" cx="{bx:.1f}" cy="{frame.y(objective):.1f}" r="6.5" '
            f'fill="{VERMILLION}" stroke="white" stroke-width="1.5"/>'
        )
    legend = [
        (f'<line x1="-8" y1="0" x2="6" y2="0" stroke="{BLUE}" stroke-width="2.5"/>', "optimal"),
        (
            f'<line x1="-8" y1="0" x2="6" y2="0" stroke="{GREY}" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>',
            "not solved yet",
        ),
        (
            f'<circle r="5" fill="{VERMILLION}"/>',
            f"this what-if ({fmt.money(budget, currency)})",
        ),
    ]
    parts += _legend(legend, WIDTH - MARGIN[1] - 170, HEIGHT - MARGIN[3] - 52)
    return _svg("frontier", parts, title)


def map_svg(
    portfolio: pd.DataFrame,
    *,
    currency: str,
    entered: Sequence[str],
    left: Sequence[str],
    title: str = "Portfolio map",
    label_top: int = 8,
) -> str:
    """Customer value vs business value per initiative (bubble area = one-off cost): chosen
    ones filled, the others hollow, initiatives that entered (blue ring) or left (vermillion
    ring) against the base case marked, the ``label_top`` most valuable chosen labelled.

    ``portfolio``: one row per initiative (index id) with ``selected``, ``business_value``,
    ``customer_value`` and ``cost`` (as ``Result.portfolio``)."""
    x = portfolio["business_value"].to_numpy(dtype=float)
    y = portfolio["customer_value"].to_numpy(dtype=float)
    cost = portfolio["cost"].to_numpy(dtype=float)
    chosen = portfolio["selected"].to_numpy(dtype=bool)
    ids = [str(i) for i in portfolio.index]
    frame = Frame(*_padded(float(x.min(initial=0.0)), float(x.max(initial=1.0)), 0.07),
                  *_padded(float(y.min(initial=0.0)), float(y.max(initial=1.0)), 0.07))  # fmt: skip
    parts = _axes(
        frame,
        title=title,
        xlabel=f"Business value (NPV, {currency})",
        ylabel="Customer value (pts/yr)",
        xfmt=lambda v: fmt.money(v, currency),
        yfmt=lambda v: f"{v:,.0f}",
    )
    top_cost = max(float(cost.max(initial=0.0)), 1.0)
    radius = 3.0 + 13.0 * np.sqrt(np.clip(cost, 0.0, None) / top_cost)
    if len(x):
        mx, my = frame.x(float(np.median(x))), frame.y(float(np.median(y)))
        parts.append(
            f'<path d="M{mx:.1f},{MARGIN[2]} V{HEIGHT - MARGIN[3]} M{MARGIN[0]},{my:.1f} '
            f'H{WIDTH - MARGIN[1]}" stroke="{GREY}" stroke-dasharray="1 3" fill="none"/>'
        )
    order = np.argsort(-radius, kind="stable")  # big bubbles first, small ones on top
    for k in order.tolist():
        cx, cy, r = frame.x(float(x[k])), frame.y(float(y[k])), float(radius[k])
        look = (
            f'fill="{BLUE}" fill-opacity="0.75" stroke="white" stroke-width="0.8"'
            if chosen[k]
            else f'fill="none" stroke="{GREY}" stroke-width="1.2"'
        )
        parts.append(
            f'<circle data-id="{html.escape(ids[k])}" cx="{cx:.1f}" cy="{cy:.1f}" '
            f'r="{r:.1f}" {look}><title>{html.escape(ids[k])}</title></circle>'
        )
    where = {ident: k for k, ident in enumerate(ids)}
    for marked, colour, kind in ((entered, BLUE, "entered"), (left, VERMILLION, "left")):
        for ident in marked:
            k = where.get(str(ident))
            if k is None:
                continue
            parts.append(
                f'<circle class="px-{kind}" data-id="{html.escape(ids[k])}" '
                f'cx="{frame.x(float(x[k])):.1f}" cy="{frame.y(float(y[k])):.1f}" '
                f'r="{float(radius[k]) + 5:.1f}" fill="none" stroke="{colour}" '
                'stroke-width="2.5"/>'
            )
    parts += _labels(frame, x, y, chosen, ids, label_top)
    legend = [
        (f'<circle r="5" fill="{BLUE}" fill-opacity="0.75"/>', "chosen"),
        (f'<circle r="5" fill="none" stroke="{GREY}" stroke-width="1.2"/>', "not chosen"),
    ]
    if len(entered):
        legend.append(
            (f'<circle r="6" fill="none" stroke="{BLUE}" stroke-width="2.5"/>', "entered vs base")
        )
    if len(left):
        legend.append(
            (
                f'<circle r="6" fill="none" stroke="{VERMILLION}" stroke-width="2.5"/>',
                "left vs base",
            )
        )
    parts += _legend(legend, MARGIN[0] + 14, MARGIN[2] + 12)
    parts.append(
        _text(WIDTH - MARGIN[1], 22, "bubble area = one-off cost", text_anchor="end", fill=GREY)
    )
    return _svg("map", parts, title)


def _labels(
    frame: Frame,
    x: np.ndarray,
    y: np.ndarray,
    chosen: np.ndarray,
    ids: Sequence[str],
    count: int,
) -> list[str]:
    """Labels of the most valuable chosen initiatives, each skipped if it would overlap one
    already placed (boxes estimated from the text's length)."""
    if not len(x):
        return []
    score = x / max(float(np.abs(x).max()), 1.0) + y / max(float(np.abs(y).max()), 1.0)
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for k in np.argsort(-score, kind="stable").tolist():
        if len(placed) >= count:
            break
        if not chosen[k]:
            continue
        text = fmt.clip(ids[k], 20)
        width = 6.2 * len(text)
        lx, ly = frame.x(float(x[k])) + 8, frame.y(float(y[k])) - 8
        if lx + width > WIDTH - MARGIN[1]:
            lx = frame.x(float(x[k])) - 8 - width
        box = (lx, ly - 10, lx + width, ly + 2)
        if any(not (box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1])
               for b in placed):  # fmt: skip
            continue
        placed.append(box)
        out.append(_text(lx, ly, text, font_size=10))
    return out
