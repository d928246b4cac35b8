"""The re-plan mid-cycle: the committed scenario solved, and what changed against the
approved plan (a ``solution.json`` given with ``--plan``, else the scenario solved as it was,
before the actuals)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..models import Scenario
from ..result import json_records
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


@dataclass(frozen=True)
class Calibrated:
    """A scenario calibrated from past cycles, what changed and how the portfolio moved."""

    scenario: Scenario
    calibration: Any
    changes: list[Any]
    before: Any
    """The solve of the uncalibrated scenario."""

    def moved(self, after: Any) -> dict[str, Any]:
        chosen = set(after.selected)
        was = set(self.before.selected)
        from ..value import score_initiatives

        scores = score_initiatives(self.scenario)
        calibrated = scores["business_value"]
        old_cost = float(scores["cost"].loc[list(self.before.selected)].sum())
        return {
            "added": [i for i in after.selected if i not in was],
            "dropped": [i for i in self.before.selected if i not in chosen],
            "business_value_uncalibrated": self.before.business_value,
            "business_value_old_choice_calibrated": float(
                calibrated.loc[list(self.before.selected)].sum()
            ),
            "business_value_after": after.business_value,
            "old_choice_cost_calibrated": old_cost,
            "old_choice_within_budget": old_cost <= self.scenario.budget + 1e-6,
        }

    def to_dict(self, after: Any) -> dict[str, Any]:
        by = self.calibration.by
        return {
            "by": by,
            "prior_weight": self.calibration.prior_weight,
            "factors": json_records(self.calibration.to_frame()),
            "changes": [
                {
                    "id": c.id,
                    "field": c.field,
                    "before": c.before,
                    "after": c.after,
                    "factor": c.factor.factor,
                    "text": c.sentence(by),
                }
                for c in self.changes
            ],
            **self.moved(after),
        }

    def table_rows(self, after: Any) -> list[tuple[str, str]]:
        moved = self.moved(after)
        cur = self.scenario.currency
        by = self.calibration.by
        used: dict[tuple[str, str], tuple[Any, int]] = {}
        for c in self.changes:
            key = (c.factor.klass, c.field)
            used[key] = (c.factor, used.get(key, (c.factor, 0))[1] + 1)
        rows = [
            (
                "Calibrated",
                f"{len(self.changes)} forecasts of {len({c.id for c in self.changes})} "
                f"initiatives scaled by {len(used)} factors ({by}; strongest first):",
            )
        ]
        ranked = sorted(used.values(), key=lambda pair: -abs(pair[0].factor - 1.0))
        for factor, count in ranked[:10]:
            rows.append(
                (
                    "",
                    f"{factor.klass} {factor.field} × {factor.factor:.2f} "
                    f"({factor.range_text()}) from {factor.observations} past "
                    f"initiative{'s' * (factor.observations != 1)}, on {count} here",
                )
            )
        if len(ranked) > 10:
            rows.append(("", f"... and {len(ranked) - 10} more factors (see --format json)"))
        rows.append(
            (
                "Portfolio moved",
                f"added {', '.join(moved['added']) or 'none'}; dropped "
                f"{', '.join(moved['dropped']) or 'none'}; on calibrated forecasts NPV {cur} "
                f"{moved['business_value_old_choice_calibrated']:,.0f} (uncalibrated choice) -> "
                f"{moved['business_value_after']:,.0f} (this one); uncalibrated it promised "
                f"{moved['business_value_uncalibrated']:,.0f}"
                + (
                    ""
                    if moved["old_choice_within_budget"]
                    else f"; the uncalibrated choice would cost {cur} "
                    f"{moved['old_choice_cost_calibrated']:,.0f}, over the budget"
                ),
            )
        )
        return rows


def calibrated_scenario(
    scenario: Scenario, register: Any, options: Any, *, by: str = "pillar"
) -> Calibrated:
    """``scenario`` with its forecasts scaled by the factors of ``register``'s tracked cycles."""
    from ..optimize import optimize
    from .calibrate import apply_calibration, calibration_from_register

    calibration = calibration_from_register(register, by=by)
    changed, changes = apply_calibration(scenario, calibration)
    before = optimize(
        scenario, solver=options.solver, time_limit=options.time_limit, gap=options.gap
    )
    return Calibrated(changed, calibration, changes, before)
