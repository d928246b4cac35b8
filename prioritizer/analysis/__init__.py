"""Analyses around the optimum: data in, result objects with ``to_frame()`` and ``plot()`` out."""

from __future__ import annotations

from ._parallel import default_workers, run_tasks, seed_sequence
from .frontier import Frontier, FrontierPoint, efficient_frontier

__all__ = [
    "Frontier",
    "FrontierPoint",
    "default_workers",
    "efficient_frontier",
    "run_tasks",
    "seed_sequence",
]
