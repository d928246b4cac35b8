"""The portfolio map of a roadmap's plan: an initiative that no start fits has no NPV in the
roadmap's terms, so it is not placed on the map (never at its one-lump NPV) and the legend
names it."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

from prioritizer.analysis.portfolio import portfolio_view
from prioritizer.io import load_scenario
from prioritizer.roadmap import plan_roadmap
from prioritizer.roadmap.delay import never_plannable

REPO = Path(__file__).resolve().parents[1]


def _points(ax: matplotlib.axes.Axes) -> np.ndarray:
    return np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])


def test_an_initiative_no_start_fits_is_left_off_the_roadmap_map_and_named() -> None:
    scenario = load_scenario(REPO / "scenarios" / "retail_bank_quarterly" / "scenario.yaml")
    never = never_plannable(scenario)
    assert never == {"CC-EMPATHY"}  # the example's one (its load warning)
    result = plan_roadmap(scenario).as_result()
    ax = portfolio_view(scenario, base=result).plot()
    points = _points(ax)
    assert len(points) == len(scenario.initiatives) - 1
    one_lump = float(result.portfolio.loc["CC-EMPATHY", "business_value"])
    placed = result.portfolio.drop(index="CC-EMPATHY")
    assert sorted(points[:, 0]) == sorted(placed["business_value"].astype(float))
    assert one_lump not in set(points[:, 0])
    legend = ax.get_legend()
    assert legend is not None
    assert "no start fits: Contact-centre empathy training" in legend.get_title().get_text()


def test_the_one_lump_map_places_every_initiative() -> None:
    scenario = load_scenario(REPO / "scenarios" / "retail_bank" / "scenario.yaml")
    view = portfolio_view(scenario)
    ax = view.plot()
    assert len(_points(ax)) == len(scenario.initiatives)
    assert "no start fits" not in ax.get_legend().get_title().get_text()
