"""Point labels that overlap nothing: each label tries places around its point, then (for a
far label) any free place in the axes joined by a leader line; every place of one label is
tested at once, as arrays of pixel boxes."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes

from .style import (
    FONT,
    GREY,
    MIN_FONT,
    boxes_overlap,
    drawn_renderer,
    line_marks,
    marks_hit,
    segments_hit,
    text_artists,
)

_RIGHT = [(8, 6, "left"), (8, -22, "left"), (8, 24, "left"), (8, -40, "left")]
_LEFT = [(-8, 6, "right"), (-8, -22, "right"), (-8, 24, "right"), (-8, -40, "right")]


def label_points(
    ax: Axes,
    xs: list[float],
    ys: list[float],
    labels: list[str],
    fontsize: int = MIN_FONT,
    side: str = "right",
    far: bool = False,
) -> None:
    """Label points so that no label overlaps another text, a line or a marker of the axes
    (:func:`~prioritizer.plots.style.mark_hits`), or leaves the axes: each label tries a few
    places around its point (measured with the renderer); with ``far``, then any free place
    in the axes, nearest first, joined to its point by a thin leader line. A label with no
    free place is left out (slide readability beats completeness; the table has every name).
    Draw lines, markers and the legend before labelling: they are what the labels avoid."""
    figure = ax.figure
    renderer = drawn_renderer(figure)
    frame = ax.get_window_extent(renderer)
    taken = [_extents(t.get_window_extent(renderer)) for t in text_artists(figure) if t.get_text()]
    legend = ax.get_legend()
    if legend is not None:
        taken.append(_extents(legend.get_window_extent(renderer)))
    marks = line_marks(ax, renderer)
    leaders: list[np.ndarray] = []
    places = _RIGHT + _LEFT if side == "right" else _LEFT + _RIGHT
    order = sorted(range(len(xs)), key=lambda k: -ys[k])
    to_points = 72.0 / figure.dpi
    for k in order:
        anchor = ax.transData.transform((xs[k], ys[k]))
        sizes: dict[str, tuple[float, float, float, float]] = {}
        for ha in ("left", "right"):  # the label's box relative to its anchor, pixels
            probe = ax.annotate(labels[k], (xs[k], ys[k]), fontsize=fontsize, ha=ha)
            probe.set_fontfamily(FONT)
            box = probe.get_window_extent(renderer)
            probe.remove()
            sizes[ha] = (box.x0 - anchor[0], box.y0 - anchor[1], box.width, box.height)
        candidates = [(dx / to_points, dy / to_points, ha, False) for dx, dy, ha in places]
        if far:
            candidates += [(*p, True) for p in _far_places(frame, anchor, sizes["left"])]
        boxes = _candidate_boxes(anchor, candidates, sizes)
        free = _free(boxes, frame, np.array(taken).reshape(-1, 4), marks)
        for index in np.flatnonzero(free):
            dx, dy, ha, leader = candidates[index]
            box = boxes[index]
            if leader and not _leader_ok(anchor, box, taken, leaders, marks):
                continue
            _annotate(ax, labels[k], xs[k], ys[k], anchor, frame, dx, dy, ha, leader, fontsize)
            taken.append(box)
            if leader:
                centre = (box[0] + (box[2] - box[0]) / 2, box[1] + (box[3] - box[1]) / 2)
                leaders.append(np.array([anchor[0], anchor[1], *centre]))
            break


def _extents(box: Any) -> np.ndarray:
    return np.array([box.x0, box.y0, box.x1, box.y1], dtype=float)


def _candidate_boxes(
    anchor: Any,
    candidates: list[tuple[float, float, str, bool]],
    sizes: dict[str, tuple[float, float, float, float]],
) -> np.ndarray:
    """Pixel boxes (rows x0, y0, x1, y1) of the label at every candidate place, padded by 3
    pixels (as ``Bbox.from_bounds(...).padded(3)``, operation for operation)."""
    dx = np.array([c[0] for c in candidates], dtype=float)
    dy = np.array([c[1] for c in candidates], dtype=float)
    size = np.array([sizes[c[2]] for c in candidates], dtype=float).reshape(-1, 4)
    x0 = anchor[0] + dx + size[:, 0]
    y0 = anchor[1] + dy + size[:, 1]
    x1, y1 = x0 + size[:, 2], y0 + size[:, 3]
    return np.column_stack([x0 + -3.0, y0 + -3.0, x1 + 3.0, y1 + 3.0])


def _free(boxes: np.ndarray, frame: Any, taken: np.ndarray, marks: list[Any]) -> np.ndarray:
    """Per candidate box: inside the axes, on no taken box, and (padded 3 pixels more) on no
    line or marker."""
    inside = (
        (boxes[:, 0] >= frame.x0)
        & (boxes[:, 2] <= frame.x1)
        & (boxes[:, 1] >= frame.y0)
        & (boxes[:, 3] <= frame.y1)
    )
    if len(taken):
        inside &= ~boxes_overlap(boxes, taken).any(axis=1)
    return inside & ~marks_hit(boxes + np.array([-3.0, -3.0, 3.0, 3.0]), marks)


def _annotate(
    ax: Axes,
    label: str,
    x: float,
    y: float,
    anchor: Any,
    frame: Any,
    dx: float,
    dy: float,
    ha: str,
    leader: bool,
    fontsize: int,
) -> None:
    """The label at offset (dx, dy) pixels from its point; a far one with a leader line,
    placed in axes fractions (it keeps its place when the axes resize)."""
    arrow = {"arrowstyle": "-", "color": GREY, "lw": 0.8, "shrinkA": 2, "shrinkB": 4}
    if leader:
        where = (anchor[0] + dx - frame.x0, anchor[1] + dy - frame.y0)
        ax.annotate(
            label,
            (x, y),
            xytext=(where[0] / frame.width, where[1] / frame.height),
            textcoords="axes fraction",
            fontsize=fontsize,
            ha=ha,
            fontfamily=FONT,
            arrowprops=arrow,
        )
        return
    to_points = 72.0 / ax.figure.dpi
    ax.annotate(
        label,
        (x, y),
        xytext=(dx * to_points, dy * to_points),
        textcoords="offset points",
        fontsize=fontsize,
        ha=ha,
        fontfamily=FONT,
        arrowprops=arrow if dy < 0 else None,
    )


def _far_places(
    frame: Any, anchor: Any, size: tuple[float, float, float, float]
) -> list[tuple[float, float, str]]:
    """Offsets (pixels, left-aligned) of every place on a grid over the axes ``frame`` where
    a label of ``size`` (box relative to its anchor) fits, nearest to ``anchor`` first."""
    x0, y0, w, h = size
    places = []
    for fx in np.linspace(0.0, 1.0, 25):
        for fy in np.linspace(0.0, 1.0, 25):
            left = frame.x0 + 4 + fx * max(0.0, frame.width - w - 8)
            bottom = frame.y0 + 4 + fy * max(0.0, frame.height - h - 8)
            dx, dy = left - x0 - anchor[0], bottom - y0 - anchor[1]
            near = (left + w / 2 - anchor[0]) ** 2 + (bottom + h / 2 - anchor[1]) ** 2
            places.append((near, dx, dy))
    return [(dx, dy, "left") for _near, dx, dy in sorted(places)]


def _leader_ok(
    anchor: Any, box: np.ndarray, taken: list[np.ndarray], leaders: list[np.ndarray], marks: Any
) -> bool:
    """Whether a leader from ``anchor`` to the label ``box``'s centre reads as one: it
    crosses no other label (it is drawn to its own box's edge) and no other leader, and never
    runs along a line of the chart (crossing one is fine)."""
    end = (box[0] + (box[2] - box[0]) / 2, box[1] + (box[3] - box[1]) / 2)
    segment = np.array([[anchor[0], anchor[1], end[0], end[1]]])
    if taken and segments_hit(segment, np.array(taken)).any():
        return False
    if any(_segments_cross(segment[0], other) for other in leaders):
        return False
    return not _runs_along(anchor, end, marks)


def _segments_cross(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two segments (x0, y0, x1, y1) cross (touching ends do not count)."""
    p, r = a[:2], a[2:] - a[:2]
    q, t = b[:2], b[2:] - b[:2]
    denominator = r[0] * t[1] - r[1] * t[0]
    if abs(denominator) < 1e-12:
        return False
    u = ((q - p)[0] * t[1] - (q - p)[1] * t[0]) / denominator
    v = ((q - p)[0] * r[1] - (q - p)[1] * r[0]) / denominator
    return bool(0.02 < u < 0.98 and 0.02 < v < 0.98)


def _runs_along(start: Any, end: Any, marks: list[Any], skip: float = 12.0) -> bool:
    """Whether the segment ``start``-``end`` (pixels) runs along a line of ``marks`` for more
    than 12 pixels (beyond its first ``skip`` pixels, where it leaves its point)."""
    length = float(np.hypot(end[0] - start[0], end[1] - start[1]))
    if length <= skip:
        return False
    steps = np.arange(skip, length, 3.0) / length
    points = np.column_stack(
        [start[0] + steps * (end[0] - start[0]), start[1] + steps * (end[1] - start[1])]
    )
    near = np.zeros(len(points), dtype=bool)
    for segments, width, _markers in marks:
        if not len(segments):
            continue
        a, b = segments[:, :2], segments[:, 2:]
        ab = b - a
        norm = np.maximum((ab**2).sum(axis=1), 1e-12)
        t = np.clip(((points[:, None, :] - a[None]) * ab[None]).sum(axis=2) / norm, 0.0, 1.0)
        closest = a[None] + t[..., None] * ab[None]
        distance = np.hypot(*(points[:, None, :] - closest).transpose(2, 0, 1)).min(axis=1)
        near |= distance <= width + 2.0
    run = longest = 0
    for flag in near:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest > 4
