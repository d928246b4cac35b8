"""The roadmap (spec.md §5): not only which initiatives, but when.

``plan_roadmap(scenario)`` values every possible start of every initiative before the solve
(:mod:`.values`), states the rules over those starts (:mod:`.constraints`), solves the
time-indexed integer program (:mod:`.model`) and returns a :class:`Roadmap` with the plan, the
per-period use of money and teams, and the cost of delay.
"""

from __future__ import annotations

from .plan import plan_roadmap
from .result import Roadmap
from .solve import solve_roadmap
from .values import start_values, value_schedule

__all__ = ["Roadmap", "plan_roadmap", "solve_roadmap", "start_values", "value_schedule"]
