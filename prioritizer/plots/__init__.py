"""Charts: the only package that imports matplotlib. Each function draws tables and a
few scalars on an Axes (a new 16:9 slide-sized figure when none is given) and returns it;
titles are the analyses' findings, passed in. Nothing here solves or shows; callers save
with :func:`figure_bytes`.
"""

from __future__ import annotations

from .portfolio import plot_capacity, plot_pillars, plot_portfolio_map, plot_value_bridge
from .robustness import (
    plot_compare,
    plot_explain,
    plot_ranking,
    plot_robustness,
    plot_value_distribution,
)
from .style import PALETTE, SLIDE_SIZE, close, figure_bytes, figure_bytes_as_laid_out, headless
from .sweeps import plot_frontier, plot_marginal, plot_pareto, plot_tornado, plot_weight_sweep

__all__ = [
    "PALETTE",
    "SLIDE_SIZE",
    "close",
    "figure_bytes",
    "figure_bytes_as_laid_out",
    "headless",
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
