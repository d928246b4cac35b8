"""The optimum along the budget slider, answered without a solve wherever it is already known.

One fact makes this exact: lowering the budget only removes portfolios. A portfolio P optimal
at budget B is still allowed, and nothing better has appeared, at every budget from its cost
c_P up to B; with the tie-break (the cheapest of the optimal portfolios) nothing cheaper of equal
value was allowed at B either, so P is the answer the solver gives anywhere in [c_P, B]. Each
solve therefore settles an interval of the slider ("a step"); solving next just below c_P settles
the step below, and so on down (a parametric walk: one solve per step). With the tie-break the
lower ends c_P are exactly the budgets at which the optimal value rises, the frontier's
breakpoints: just below c_P every portfolio worth as much costs too much. An infeasible budget
is infeasible at every lower budget too.

Budgets are compared on the cost lattice when every one-off cost is a multiple of a unit u
(whole euros, cents, thousands): no portfolio costs anything strictly between two multiples, so
a budget allows the same portfolios as the budget rounded down to a multiple of u, and the walk
steps down by exactly u, leaving no gap. Without such a unit the walk steps down by 1e-6
(relative); a budget inside such a sliver is solved when asked for.

Only solves that ran to their proof are kept (no time limit): a result stopped by a clock is
not known to be optimal anywhere else.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..result import Result, SolverOptions

SNAP = 1e-6
"""A budget within this share of a unit below a multiple of the unit counts as that multiple
(the solver accepts a row exceeded by its feasibility tolerance)."""

SLIVER = 1e-6
"""Without a cost unit: the walk's step down from a breakpoint, relative to it."""

EPS = float(np.finfo(float).eps)


def cost_unit(costs: Sequence[float] | np.ndarray) -> float | None:
    """The largest power of ten (1e-4 to 1e6) every cost is a multiple of (currency), or None
    when there is none (or every cost is 0)."""
    values = np.abs(np.asarray(costs, dtype=float))
    if not len(values) or not np.all(np.isfinite(values)) or not values.any():
        return None
    for power in range(6, -5, -1):
        unit = 10.0**power
        off = np.abs(values - np.round(values / unit) * unit)
        if np.all(off <= 1e-9 * values):
            return unit
    return None


@dataclass(frozen=True)
class Step:
    """Budgets ``low`` to ``high`` (effective, inclusive; currency) where ``result`` is the
    answer: solved at ``solved_at``. ``low`` is -inf for an infeasible step."""

    low: float
    high: float
    solved_at: float
    result: Result

    @property
    def feasible(self) -> bool:
        """True unless no portfolio satisfies every rule on this step."""
        return self.result.status != "infeasible"


class BudgetCover:
    """The steps known so far for one combination of every setting but the budget.

    Parameters
    ----------
    unit:
        The cost lattice (see :func:`cost_unit`); None: none.
    exact:
        The solves are exact and tie-broken (gap 0, tie-break on, no double-counting
        extension): the steps' lower ends are then exact breakpoints.

    Thread-safe: the widget's background walk and its foreground updates share a cover.
    """

    def __init__(self, unit: float | None, *, exact: bool) -> None:
        self.unit = unit
        self.exact = exact
        self._steps: list[Step] = []
        self._lock = threading.Lock()

    @staticmethod
    def keeps(options: SolverOptions) -> bool:
        """Whether solves with ``options`` may be kept (they run to their proof)."""
        return options.time_limit is None

    def effective(self, budget: float) -> float:
        """The budget on the cost lattice: rounded down to a multiple of the unit."""
        if self.unit is None:
            return float(budget)
        return math.floor(budget / self.unit + SNAP) * self.unit

    def below(self, low: float) -> float:
        """The budget just below a step's lower end: one unit, or a 1e-6 sliver."""
        if self.unit is not None:
            return low - self.unit
        return low - SLIVER * max(1.0, abs(low))

    @property
    def steps(self) -> list[Step]:
        """The steps, by ascending ``high``."""
        with self._lock:
            return list(self._steps)

    def find(self, budget: float) -> Step | None:
        """The step answering ``budget``, or None when it needs a solve."""
        at = self.effective(budget)
        with self._lock:
            for step in self._steps:
                if step.low <= at <= step.high:
                    return step
        return None

    def add(self, budget: float, result: Result) -> Step | None:
        """Keep what a solve at ``budget`` settles (None: nothing, e.g. an error)."""
        high = self.effective(budget)
        if result.status == "infeasible":
            step = Step(-math.inf, high, budget, result)
        elif result.status in ("optimal", "feasible") and math.isfinite(result.cost):
            low = self.effective(result.cost)
            if self.unit is None:  # the same sum added up in another order: a few ulps off
                low -= min(16 * EPS * abs(low), 1e-8)
            step = Step(min(low, high), high, budget, result)
        else:
            return None
        with self._lock:
            for k, old in enumerate(self._steps):  # the same answer found again: one step
                if old.low == step.low and old.result.selected == step.result.selected:
                    if step.high > old.high:
                        self._steps[k] = step = Step(old.low, step.high, budget, result)
                    else:
                        step = old
                    break
            else:
                self._steps.append(step)
            self._steps.sort(key=lambda s: (s.high, s.low))
        return step

    def next_gap(self, low: float, high: float) -> float | None:
        """The highest budget in ``[low, high]`` no step answers (None: all answered)."""
        at = self.effective(high)
        while at >= low:
            step = self.find(at)
            if step is None:
                return at
            if step.low <= low:
                return None
            at = self.below(step.low)
        return None

    def complete(self, low: float, high: float) -> bool:
        """Whether every budget in ``[low, high]`` is answered (up to slivers without a
        unit)."""
        return self.next_gap(low, high) is None

    def breakpoints(self) -> list[float]:
        """Budgets where the answer changes, ascending (currency): the lower ends of the
        feasible steps. Exact breakpoints of the optimal value when :attr:`exact`."""
        return sorted({step.low for step in self.steps if step.feasible})

    def frontier(self) -> list[tuple[float, float, float]]:
        """``(low, high, objective)`` of each feasible step, ascending (currency, currency,
        mode units): the frontier wherever it is known."""
        return sorted((s.low, s.high, float(s.result.objective)) for s in self.steps if s.feasible)
