"""The re-plan mid-cycle (spec.md §7, ``solve SCENARIO --committed ACTUALS``) as a pure
scenario transformation: the solver then runs unchanged.

- ``live`` and ``in_progress`` initiatives are forced in (added to ``rules.mandatory``),
  ``cancelled`` ones are forced out (``rules.excluded``).
- The scenario's ``budget`` and team capacities are read as what is left of the cycle.
- A ``live`` initiative needs nothing more: cost 0 and no effort. An ``in_progress`` one needs
  its remaining cost max(0, cost − spent) and the same share (remaining ÷ cost) of each team's
  effort (share 1 when its cost is 0: no spend tells how far it is). A ``planned`` one needs
  all of it. Opex counts in full.
- Spend is sunk: with ``cost`` set to the remaining cost, §2 gives business value
  A × annual benefit − remaining cost. Cost ranges (``cost_low``/``cost_high``) scale by the
  same share.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import Problem, ScenarioError
from ..models import Scenario
from .actuals import Actuals


@dataclass(frozen=True)
class Commitment:
    """What the actuals commit: ids by status and the remaining cost of each one kept.

    ``remaining_cost`` and ``sunk`` are in the scenario's currency.
    """

    live: tuple[str, ...]
    in_progress: tuple[str, ...]
    cancelled: tuple[str, ...]
    remaining_cost: dict[str, float]
    effort_share: dict[str, float]
    sunk: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "live": list(self.live),
            "in_progress": list(self.in_progress),
            "cancelled": list(self.cancelled),
            "remaining_cost": dict(self.remaining_cost),
            "effort_share": dict(self.effort_share),
            "sunk_spend": self.sunk,
        }


def committed_scenario(
    scenario: Scenario, actuals: Actuals | str | os.PathLike[str]
) -> tuple[Scenario, Commitment]:
    """The scenario of what is left of the cycle, and what was committed.

    ``actuals``: :class:`Actuals` or the path of an actuals CSV/XLSX. Raises ScenarioError
    (naming the actuals file, row and column) for ids the scenario does not know.
    """
    if not isinstance(actuals, Actuals):
        from .actuals import read_actuals

        actuals = read_actuals(Path(actuals))  # ids are checked below, without case
    by_fold = {i.casefold(): i for i in scenario.ids}
    problems = [
        Problem(
            f"{actuals.source} row {row.row}, column 'id'",
            f"unknown initiative {row.id!r}: not in {scenario.name!r}",
        )
        for row in actuals.rows.values()
        if row.id.casefold() not in by_fold
    ]
    if problems:
        raise ScenarioError(problems, source=actuals.source)
    rows = {by_fold[r.id.casefold()]: r for r in actuals.rows.values()}
    live, progress, cancelled = [], [], []
    remaining: dict[str, float] = {}
    shares: dict[str, float] = {}
    sunk = 0.0
    items = []
    for item in scenario.initiatives:
        row = rows.get(item.id)
        status = row.status if row else "planned"
        spent = row.spent if row else 0.0
        if status == "planned":
            items.append(item)
            continue
        sunk += spent
        if status == "cancelled":
            cancelled.append(item.id)
            items.append(item)
            continue
        if status == "live":
            live.append(item.id)
            left, share = 0.0, 0.0
        else:
            progress.append(item.id)
            left = max(0.0, item.cost - spent)
            share = left / item.cost if item.cost > 0 else 1.0
        remaining[item.id] = left
        shares[item.id] = share
        ranges = dict(item.ranges)
        if "cost" in ranges:
            low, high = ranges["cost"]
            ranges["cost"] = (
                None if low is None else low * share,
                None if high is None else high * share,
            )
        items.append(
            item.model_copy(
                update={
                    "cost": left,
                    "effort": {team: days * share for team, days in item.effort.items()},
                    "ranges": ranges,
                }
            )
        )
    mandatory = set(scenario.mandatory_ids())
    stopped = [ident for ident in cancelled if ident in mandatory]
    if stopped:  # said in the actuals' words (the what-if would say "forced out")
        raise ScenarioError(
            [
                Problem(
                    f"{actuals.source} row {rows[ident].row}, column 'status'",
                    f"{ident} is cancelled in the actuals but mandatory in the scenario "
                    "(`mandatory` column or rules.mandatory): re-plan without it only after "
                    "dropping it from the mandatory ones, or correct its status",
                )
                for ident in stopped
            ]
        )
    changed = scenario.with_overrides(
        initiatives=tuple(items), force_in=(*live, *progress), force_out=cancelled
    )
    commitment = Commitment(
        live=tuple(live),
        in_progress=tuple(progress),
        cancelled=tuple(cancelled),
        remaining_cost=remaining,
        effort_share=shares,
        sunk=sunk,
    )
    return changed, commitment
