"""The explorer's two charts: the frontier with the what-if's point, and the portfolio map
with what entered and left against the base case ringed."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes

from .portfolio import plot_portfolio_map
from .style import BLUE, VERMILLION
from .sweeps import plot_frontier

EXPLORER_SIZE = (8.0, 4.5)
"""Inches of an explorer chart (small: two sit side by side on a screen)."""


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    # a Figure of its own, not pyplot's: drawn off the main thread, never shown by a
    # notebook's inline backend, freed with the last reference
    # fixed margins: a layout engine would double the drawing time
    figure = Figure(figsize=EXPLORER_SIZE)
    figure.subplots_adjust(left=0.13, right=0.97, top=0.9, bottom=0.14)
    new = figure.add_subplot()
    new.spines["top"].set_visible(False)
    new.spines["right"].set_visible(False)
    new.grid(True, alpha=0.3)
    new.set_axisbelow(True)
    return new


def plot_explorer_frontier(
    frame: pd.DataFrame | None,
    *,
    currency: str,
    mode: str,
    budget: float,
    objective: float | None,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The frontier (``Frontier.to_frame()``; None: none to draw) with the what-if's budget
    marked and its optimum (``objective``, mode units; None when infeasible) as a point."""
    ax = _axes(ax)
    if frame is None or not len(frame):
        ax.text(0.5, 0.5, "no frontier for these settings", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    plot_frontier(
        frame, currency=currency, mode=mode, budget=budget, title=title, label_entries=0, ax=ax
    )
    if objective is not None:
        ax.plot(
            [budget],
            [objective],
            "o",
            color=VERMILLION,
            markersize=11,
            zorder=5,
            label="this what-if",
        )
        ax.legend(loc="lower right", fontsize=9)
    ax.title.set_fontsize(11)
    ax.xaxis.label.set_fontsize(10)
    ax.yaxis.label.set_fontsize(10)
    return ax


def plot_explorer_map(
    portfolio: pd.DataFrame,
    *,
    currency: str,
    entered: Sequence[str],
    left: Sequence[str],
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The portfolio map (see :func:`plot_portfolio_map`) with initiatives that entered
    (blue ring) or left (vermillion ring) against the base case marked."""
    ax = _axes(ax)
    plot_portfolio_map(portfolio, currency=currency, title=title, label_top=8, ax=ax)
    for ids, colour, label in ((entered, BLUE, "entered"), (left, VERMILLION, "left")):
        ids = [i for i in ids if i in portfolio.index]
        if ids:
            rows = portfolio.loc[ids]
            ax.scatter(
                rows["business_value"],
                rows["customer_value"],
                s=260,
                facecolors="none",
                edgecolors=colour,
                linewidths=2.5,
                label=f"{label} vs base",
            )
    ax.legend(loc="upper left", fontsize=9)
    ax.title.set_fontsize(11)
    ax.xaxis.label.set_fontsize(10)
    ax.yaxis.label.set_fontsize(10)
    return ax
