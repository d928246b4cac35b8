"""The re-plan mid-cycle: the committed scenario solved, and what changed against the
approved plan (a ``solution.json`` given with ``--plan``, else the scenario solved as it was,
before the actuals)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Scenario
from .actuals import Actuals, read_actuals
from .committed import Commitment, committed_scenario


@dataclass(frozen=True)
class Replan:
    """A committed solve and its changes against the approved plan (ids, input order)."""

    scenario: Scenario
    result: Any
    commitment: Commitment
    approved: tuple[str, ...]
    approved_source: str

    @property
    def added(self) -> list[str]:
        return [i for i in self.result.selected if i not in self.approved]

    @property
    def dropped(self) -> list[str]:
        chosen = set(self.result.selected)
        return [i for i in self.approved if i not in chosen]

    @property
    def kept(self) -> list[str]:
        return [i for i in self.result.selected if i in self.approved]

    def reason(self, initiative_id: str) -> str:
        """Why an initiative of the approved plan is out now."""
        if initiative_id in self.commitment.cancelled:
            return "cancelled"
        return "re-optimized out"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.commitment.to_dict(),
            "approved_plan": self.approved_source,
            "approved": list(self.approved),
            "added": self.added,
            "dropped": [{"id": i, "reason": self.reason(i)} for i in self.dropped],
            "kept": self.kept,
        }

    def table_rows(self) -> list[tuple[str, str]]:
        c = self.commitment
        cur = self.scenario.currency
        dropped = ", ".join(f"{i} ({self.reason(i)})" for i in self.dropped) or "none"
        return [
            (
                "Committed",
                f"{len(c.live)} live, {len(c.in_progress)} in progress kept; "
                f"{len(c.cancelled)} cancelled; {cur} {c.sunk:,.0f} spent is sunk",
            ),
            ("Against the plan", f"vs {self.approved_source}"),
            ("  added", ", ".join(self.added) or "none"),
            ("  dropped", dropped),
        ]


def committed_solve(
    scenario: Scenario,
    actuals: str | Path | Actuals,
    options: Any,
    *,
    approved: str | Path | None = None,
) -> Replan:
    """Solve ``scenario`` as what is left of its cycle given ``actuals`` (spec.md §7)."""
    from ..optimize import optimize
    from .plan import Plan

    if not isinstance(actuals, Actuals):
        actuals = read_actuals(actuals, known_ids=scenario.ids)
    changed, commitment = committed_scenario(scenario, actuals)
    if approved is not None:
        plan = Plan.from_file(approved)
        before, source = tuple(plan.ids), str(approved)
    else:
        base = optimize(
            scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap
        )
        before, source = tuple(base.selected), "the scenario solved without actuals"
    result = optimize(
        changed, solver=options.solver, time_limit=options.time_limit, gap=options.gap
    )
    return Replan(changed, result, commitment, before, source)
