"""Every bundled scenario validates and solves to a proven optimum."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES

import prioritizer as px


def test_there_are_two_examples_of_the_promised_size() -> None:
    sizes = sorted(len(px.load_scenario(p).initiatives) for p in EXAMPLES)
    assert len(sizes) >= 2 and sizes[0] >= 40 and sizes[-1] >= 60


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_validates_and_solves(path: Path) -> None:
    sc = px.load_scenario(path)
    res = px.optimize(sc)
    assert res.status == "optimal" and res.gap == 0.0
    assert set(sc.mandatory_ids()) <= set(res.selected)
    assert 0 < len(res.selected) < len(sc.initiatives)
    assert any(i.ranges for i in sc.initiatives), "examples carry _low/_high ranges"
    assert any(i.depends_on for i in sc.initiatives)
    assert any(i.exclusive_group for i in sc.initiatives)
    assert len(sc.segments) >= 2
