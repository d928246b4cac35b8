"""Analyses around the optimum: data in, result objects out, all with one protocol
(:mod:`.protocol`: ``scenario``, ``base``, ``options``, ``to_frame()``, ``to_dict()``,
``finding()``, ``plot()``) and listed in one registry (:mod:`.registry`) that the command
line and the steering pack iterate over.

The names below are imported on first use, so importing one analysis (``solve`` needs only
the ranking) does not import the others."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._parallel import default_workers, run_tasks, seed_sequence
    from .frontier import Frontier, FrontierPoint, efficient_frontier

_LAZY = {
    "default_workers": "._parallel",
    "run_tasks": "._parallel",
    "seed_sequence": "._parallel",
    "Frontier": ".frontier",
    "FrontierPoint": ".frontier",
    "efficient_frontier": ".frontier",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Frontier",
    "FrontierPoint",
    "default_workers",
    "efficient_frontier",
    "run_tasks",
    "seed_sequence",
]
