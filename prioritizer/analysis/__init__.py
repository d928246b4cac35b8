"""Analyses around the optimum: data in, result objects out, all with one protocol
(:mod:`.protocol`: ``scenario``, ``base``, ``options``, ``to_frame()``, ``to_dict()``,
``finding()``, ``plot()``) and listed in one registry (:mod:`.registry`) that the command
line and the steering pack iterate over."""

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
