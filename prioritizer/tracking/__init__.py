"""Plan vs actual (spec.md §7): the approved plan, actuals, tracking and the mid-cycle re-plan.

- :mod:`.plan`: the plan a tracking compares against (from a solve, a ``solution.json``).
- :mod:`.actuals`: the actuals table, read with the backlog's care (located errors).
- :mod:`.track`: cost, impacts, NPV and budget burn against the plan, rolled up.
- :mod:`.committed`: the scenario of what is left of a cycle (``solve --committed``).
"""

from .actuals import IMPACT_FIELDS, STATUSES, Actuals, read_actuals
from .committed import committed_scenario
from .plan import Plan
from .track import Tracking, track

__all__ = [
    "IMPACT_FIELDS",
    "STATUSES",
    "Actuals",
    "Plan",
    "Tracking",
    "committed_scenario",
    "read_actuals",
    "track",
]
