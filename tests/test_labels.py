"""Point labels (plots/labels.py) and the box geometry they test against (plots/style.py):
the array tests equal matplotlib's own box test and an independent segment test, and labels
placed on random charts overlap nothing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.transforms import Bbox

from prioritizer.plots.labels import label_points
from prioritizer.plots.style import boxes_overlap, readability_problems, segments_hit

coordinate = st.integers(0, 40).map(float)  # a coarse grid: touching edges are common
box = st.tuples(coordinate, coordinate, coordinate, coordinate)


@given(st.lists(box, min_size=1, max_size=6), st.lists(box, min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_boxes_overlap_is_matplotlibs_test(boxes: list, others: list) -> None:
    got = boxes_overlap(np.array(boxes), np.array(others))
    for i, a in enumerate(boxes):
        for j, b in enumerate(others):
            expected = Bbox.from_extents(*a).overlaps(Bbox.from_extents(*b))
            assert got[i, j] == expected, (a, b)


def _cross(o: tuple, a: tuple, b: tuple) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _on(p: tuple, q: tuple, r: tuple) -> bool:
    return min(p[0], r[0]) <= q[0] <= max(p[0], r[0]) and min(p[1], r[1]) <= q[1] <= max(p[1], r[1])


def _segments_meet(p1: tuple, p2: tuple, q1: tuple, q2: tuple) -> bool:
    """Textbook orientation test: closed segments p1-p2 and q1-q2 share a point."""
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        return True
    return (
        (d1 == 0 and _on(q1, p1, q2))
        or (d2 == 0 and _on(q1, p2, q2))
        or (d3 == 0 and _on(p1, q1, p2))
        or (d4 == 0 and _on(p1, q2, p2))
    )


def _passes_through(segment: tuple, rect: tuple) -> bool:
    """Independent truth: an end inside the closed box, or a meeting with one of its edges."""
    x0, y0, x1, y1 = rect
    a, b = segment[:2], segment[2:]
    if any(x0 <= p[0] <= x1 and y0 <= p[1] <= y1 for p in (a, b)):
        return True
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return any(_segments_meet(a, b, corners[k], corners[(k + 1) % 4]) for k in range(4))


@given(
    st.lists(box, min_size=1, max_size=5),
    st.lists(st.tuples(coordinate, coordinate, coordinate, coordinate), min_size=1, max_size=5),
)
@settings(max_examples=200, deadline=None)
def test_segments_hit_is_clipping(segments: list, boxes: list) -> None:
    rects = [(min(a, c), min(b, d), max(a, c), max(b, d)) for a, b, c, d in boxes]
    got = segments_hit(np.array(segments), np.array(rects))
    for i, rect in enumerate(rects):
        for j, segment in enumerate(segments):
            assert got[i, j] == _passes_through(segment, rect), (segment, rect)


@pytest.mark.parametrize("seed", range(6))
def test_labels_on_a_random_chart_overlap_nothing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    figure, ax = plt.subplots(figsize=(12.33, 5.6))
    n = int(rng.integers(8, 30))
    xs, ys = list(rng.random(n)), list(rng.random(n))
    ax.plot(sorted(xs), ys, marker="o", drawstyle="steps-post" if seed % 2 else "default")
    label_points(ax, xs, ys, [f"Initiative {k}" for k in range(n)], far=bool(seed % 2))
    placed = [t for t in ax.texts if t.get_text()]
    try:
        assert placed, "no label placed at all"
        problems = readability_problems(figure)
        assert not [p for p in problems if "overlaps" in p or "sits on" in p], problems
        frame = ax.get_window_extent()
        for text in placed:
            extent = text.get_window_extent()
            assert frame.x0 <= extent.x0 and extent.x1 <= frame.x1, text.get_text()
    finally:
        plt.close(figure)
