"""The plan a tracking compares against: the chosen initiatives with every forecast term.

A plan comes from a solve (:meth:`Plan.from_result`) or from the ``solution.json`` that
``prioritizer solve --out DIR`` writes (:meth:`Plan.from_file`; its ``plan`` block holds the
forecast of every chosen initiative, so the plan stands on its own once the scenario moves on).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import Problem, ScenarioError
from ..models import Scenario
from ..value import annuity_factor, segment_table

IMPACT_FIELDS: tuple[str, ...] = (
    "churn_reduction_pp",
    "voc_volume",
    "ces_delta",
    "cross_sell",
    "cost_savings",
    "opex",
)
"""Impact fields an actuals table may measure (spec.md §7), annualized."""


_MAX_SLIP = 400
"""Periods of slip a roadmap plan values at most (a bound: the valuation ends sooner)."""


@dataclass(frozen=True)
class PlannedInitiative:
    """One chosen initiative as forecast: the §2 inputs and what they give.

    Money in the plan's currency; ``effort`` in person-days per team.
    """

    id: str
    name: str
    pillar: str
    journey_stage: str
    segment: str
    segment_customers: float
    segment_ltv: float
    stage_weight: float
    cost: float
    effort: dict[str, float]
    forecast: dict[str, float]
    """The impact fields (:data:`IMPACT_FIELDS`) as forecast."""
    type: str = ""
    owner: str = ""
    start: str = ""
    """Roadmap plans: the period label work starts in ("" for a plan without periods)."""
    duration: int = 1
    """Roadmap plans: whole periods of work; the cost is spent evenly over them (§5)."""
    present_value: tuple[float, float, float] | None = None
    """Roadmap plans: (b, o, c) of :func:`~prioritizer.roadmap.values.present_value_factors`
    at the planned start, so the NPV is valued as the roadmap valued it (§5: discounted from
    the start, ramp-up); None: the §2 lump-sum NPV (annuity × annual benefit − cost)."""
    later_value: tuple[tuple[float, float], ...] = ()
    """Roadmap plans: (b, o) of :attr:`present_value` were it to go live 1, 2, ... periods
    after its planned go-live (started that much later; the cost factor c is kept: the spend
    is what it is), up to the first slip that goes live after the valuation ends, (0, 0).
    Empty for a plan written before it was kept: a slip is then flagged, not valued."""
    earlier_value: tuple[tuple[float, float], ...] = ()
    """Roadmap plans: (b, o) were it to go live 1, 2, ... periods before its planned go-live
    (down to the plan's first period; c kept), so an early go-live is valued up. Empty for a
    plan without periods, one going live in the first period, or one written before it was
    kept (an early go-live is then valued as planned)."""

    def annual_benefit(self, values: dict[str, float] | None = None) -> float:
        """retained × ltv + cross_sell + cost_savings − opex (currency per year), from the
        forecast with ``values`` replacing any of its fields."""
        v = {**self.forecast, **(values or {})}
        retained = self.segment_customers * v["churn_reduction_pp"] / 100.0
        return retained * self.segment_ltv + v["cross_sell"] + v["cost_savings"] - v["opex"]

    def npv(
        self,
        annuity: float,
        values: dict[str, float] | None = None,
        cost: float | None = None,
        delay: int = 0,
    ) -> float:
        """NPV (currency) from the forecast with ``values`` replacing any of its fields and
        ``cost`` the one-off cost (default: the planned one): §5 at the planned start with
        :attr:`present_value` (going live ``delay`` periods after the planned go-live:
        :attr:`later_value`; ``delay`` < 0, going live earlier: :attr:`earlier_value`;
        ignored for a plan without them), else §2 (``annuity`` × annual
        benefit − cost)."""
        cost = self.cost if cost is None else cost
        if self.present_value is None:
            return annuity * self.annual_benefit(values) - cost
        b, o, c = self.present_value
        if delay > 0 and self.later_value:  # past the list: as its last, (0, 0)
            b, o = self.later_value[min(delay, len(self.later_value)) - 1]
        elif delay < 0 and self.earlier_value:  # before the first period: as the first
            b, o = self.earlier_value[min(-delay, len(self.earlier_value)) - 1]
        opex = {**self.forecast, **(values or {})}["opex"]
        gross = self.annual_benefit(values) + opex
        return b * gross - o * opex - c * cost

    def customer_value(
        self, complaint_rate: float, values: dict[str, float] | None = None
    ) -> float:
        """min(voc / complaint_rate, customers) × ces_delta × stage weight (points per year)."""
        v = {**self.forecast, **(values or {})}
        affected = min(max(v["voc_volume"], 0.0) / complaint_rate, self.segment_customers)
        return affected * v["ces_delta"] * self.stage_weight

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "pillar": self.pillar,
            "journey_stage": self.journey_stage,
            "type": self.type,
            "owner": self.owner,
            "start": self.start,
            "duration": self.duration,
            "segment": self.segment,
            "segment_customers": self.segment_customers,
            "segment_ltv": self.segment_ltv,
            "stage_weight": self.stage_weight,
            "cost": self.cost,
            "effort": dict(self.effort),
            **{name: self.forecast[name] for name in IMPACT_FIELDS},
            **(
                {"present_value_factors": list(self.present_value)}
                if self.present_value is not None
                else {}
            ),
            **(
                {"present_value_later": [list(pair) for pair in self.later_value]}
                if self.later_value
                else {}
            ),
            **(
                {"present_value_earlier": [list(pair) for pair in self.earlier_value]}
                if self.earlier_value
                else {}
            ),
        }


@dataclass(frozen=True)
class PlannedGoLive:
    """When a roadmap plan has an initiative go live (:meth:`Plan.planned_go_live`)."""

    label: str | None
    """The go-live period's label; None when it falls after the plan's last period."""
    index: int
    """Its 0-based index among the plan's periods (past the last one: ``len(periods)`` on)."""
    due: _dt.date
    """The last day of the go-live period: live after it (or not live by then) is late."""


@dataclass(frozen=True)
class Plan:
    """An approved (or simply solved) portfolio with its forecasts.

    Attributes
    ----------
    initiatives:
        The chosen initiatives, input order.
    known_ids:
        Every initiative id of the scenario (chosen or not).
    annuity:
        A of §2 (years).
    date:
        When the plan was approved (None for a plain ``solution.json``): actuals dated
        before it are refused.
    """

    scenario: str
    currency: str
    budget: float
    teams: dict[str, float]
    horizon_years: int
    discount_rate: float
    complaint_rate: float
    annuity: float
    initiatives: tuple[PlannedInitiative, ...]
    known_ids: tuple[str, ...]
    scenario_sha256: str = ""
    date: _dt.date | None = None
    label: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    periods: tuple[str, ...] = ()
    """The scenario's period labels (empty without ``periods``): per-period actuals must use
    them; a roadmap plan also has each initiative's ``start``."""
    period_length_months: int = 3

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.initiatives]

    @property
    def cost(self) -> float:
        """Planned one-off cost of the portfolio (currency)."""
        return sum(item.cost for item in self.initiatives)

    def planned_spend(self) -> dict[str, float] | None:
        """Roadmap plans: one-off spend planned per period label (currency; cost ÷ duration in
        each work period, spec.md §5); None for a plan without starts (not a roadmap)."""
        if not self.periods or not any(item.start for item in self.initiatives):
            return None
        spend = dict.fromkeys(self.periods, 0.0)
        index = {p: k for k, p in enumerate(self.periods)}
        for item in self.initiatives:
            first = index.get(item.start)
            if first is None:
                continue
            for p in self.periods[first : first + item.duration]:
                spend[p] += item.cost / item.duration
        return spend

    def planned_go_live(self) -> dict[str, PlannedGoLive]:
        """Roadmap plans whose periods are consecutive calendar periods (:mod:`.calendar`):
        per initiative with a start, its planned go-live period (the period after its last
        period of work, §5) and the last day of that period, by which it is due. Empty for
        a plan without starts or with free period labels."""
        from .calendar import regular, span_at

        calendar = regular(self.periods)
        if calendar is None or not any(item.start for item in self.initiatives):
            return {}
        first, months = calendar
        index = {label: k for k, label in enumerate(self.periods)}
        out = {}
        for item in self.initiatives:
            if item.start not in index:
                continue
            live = index[item.start] + item.duration
            label = self.periods[live] if live < len(self.periods) else None
            ends = span_at(first, months, live)[1] - _dt.timedelta(days=1)
            out[item.id] = PlannedGoLive(label, live, ends)
        return out

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        selected: list[str],
        *,
        date: _dt.date | None = None,
        label: str = "",
    ) -> Plan:
        """The plan of choosing ``selected`` in ``scenario``."""
        segments = segment_table(scenario)
        chosen = set(selected)
        items = []
        for item in scenario.initiatives:
            if item.id not in chosen:
                continue
            customers, ltv = segments[item.segment]
            items.append(
                PlannedInitiative(
                    id=item.id,
                    name=item.name or item.id,
                    pillar=item.pillar,
                    journey_stage=item.journey_stage,
                    segment=item.segment,
                    segment_customers=float(customers),
                    segment_ltv=float(ltv),
                    stage_weight=scenario.objective.stage_weight(item.journey_stage),
                    cost=float(item.cost),
                    effort={t: float(item.effort.get(t, 0.0)) for t in scenario.teams},
                    forecast={name: float(getattr(item, name)) for name in IMPACT_FIELDS},
                    type=item.type,
                    owner=item.owner,
                )
            )
        return cls(
            scenario=scenario.name,
            currency=scenario.currency,
            budget=float(scenario.budget),
            teams={k: float(v) for k, v in scenario.teams.items()},
            horizon_years=scenario.horizon_years,
            discount_rate=scenario.discount_rate,
            complaint_rate=scenario.complaint_rate,
            annuity=annuity_factor(scenario.horizon_years, scenario.discount_rate),
            initiatives=tuple(items),
            known_ids=tuple(scenario.ids),
            scenario_sha256=scenario.fingerprint(),
            date=date,
            label=label,
            periods=tuple(scenario.periods or ()),
            period_length_months=scenario.period_length_months,
        )

    @classmethod
    def from_roadmap(cls, roadmap: Any, *, date: _dt.date | None = None, label: str = "") -> Plan:
        """The plan of a solved roadmap (:class:`~prioritizer.roadmap.result.Roadmap`): the
        chosen initiatives with their start period, so spend can be tracked per period."""
        base = cls.from_scenario(roadmap.scenario, list(roadmap.selected), date=date, label=label)
        from ..roadmap.values import benefit_factors, present_value_factors

        scenario = roadmap.scenario
        chosen = roadmap.chosen.set_index("id")

        def later(row: int, start: int) -> tuple[tuple[float, float], ...]:
            """(b, o) started 1, 2, ... periods later, up to the first that goes live too
            late to count (0, 0)."""
            out = []
            for k in range(1, _MAX_SLIP + 1):
                b, o, _c = present_value_factors(scenario, row, start + k)
                out.append((b, o))
                if o <= 0:
                    break
            return tuple(out)

        def earlier(row: int, start: int) -> tuple[tuple[float, float], ...]:
            """(b, o) going live 1, 2, ... periods before plan, down to the first period."""
            go_live = start + scenario.initiatives[row].duration
            return tuple(benefit_factors(scenario, row, go_live - k) for k in range(1, go_live + 1))

        items = tuple(
            dataclasses.replace(
                item,
                start=str(chosen.loc[item.id, "start"]),
                duration=scenario.initiative(item.id).duration,
                present_value=present_value_factors(
                    scenario,
                    int(chosen.loc[item.id, "row"]),
                    int(chosen.loc[item.id, "start_index"]),
                ),
                later_value=later(
                    int(chosen.loc[item.id, "row"]), int(chosen.loc[item.id, "start_index"])
                ),
                earlier_value=earlier(
                    int(chosen.loc[item.id, "row"]), int(chosen.loc[item.id, "start_index"])
                ),
            )
            for item in base.initiatives
        )
        return dataclasses.replace(
            base,
            initiatives=items,
            periods=tuple(roadmap.labels),
            period_length_months=roadmap.scenario.period_length_months,
        )

    @classmethod
    def from_result(cls, result: Any, *, date: _dt.date | None = None, label: str = "") -> Plan:
        """The plan of a solved :class:`~prioritizer.result.Result`."""
        return cls.from_scenario(result.scenario, list(result.selected), date=date, label=label)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``plan`` block of ``solution.json``)."""
        return {
            "scenario": self.scenario,
            "currency": self.currency,
            "budget": self.budget,
            "teams": dict(self.teams),
            "horizon_years": self.horizon_years,
            "discount_rate": self.discount_rate,
            "complaint_rate": self.complaint_rate,
            "annuity_factor": self.annuity,
            "scenario_sha256": self.scenario_sha256,
            "date": self.date.isoformat() if self.date else None,
            "label": self.label,
            "known_ids": list(self.known_ids),
            "periods": list(self.periods),
            "period_length_months": self.period_length_months,
            "initiatives": [item.to_dict() for item in self.initiatives],
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "plan") -> Plan:
        """Read back :meth:`to_dict`; ScenarioError naming the key when something is missing."""
        if not isinstance(data, dict):
            raise ScenarioError([Problem(source, "expected a JSON object with a plan")])
        try:
            items = tuple(
                PlannedInitiative(
                    id=str(row["id"]),
                    name=str(row.get("name") or row["id"]),
                    pillar=str(row.get("pillar") or ""),
                    journey_stage=str(row.get("journey_stage") or ""),
                    segment=str(row.get("segment") or "all"),
                    segment_customers=float(row["segment_customers"]),
                    segment_ltv=float(row["segment_ltv"]),
                    stage_weight=float(row.get("stage_weight", 1.0)),
                    cost=float(row["cost"]),
                    effort={str(k): float(v) for k, v in dict(row.get("effort") or {}).items()},
                    forecast={name: float(row.get(name) or 0.0) for name in IMPACT_FIELDS},
                    type=str(row.get("type") or ""),
                    owner=str(row.get("owner") or ""),
                    start=str(row.get("start") or ""),
                    duration=int(row.get("duration") or 1),
                    present_value=_factors(row.get("present_value_factors")),
                    later_value=tuple(
                        (float(b), float(o)) for b, o in row.get("present_value_later") or ()
                    ),
                    earlier_value=tuple(
                        (float(b), float(o)) for b, o in row.get("present_value_earlier") or ()
                    ),
                )
                for row in data["initiatives"]
            )
            date = data.get("date")
            return cls(
                scenario=str(data.get("scenario", "")),
                currency=str(data.get("currency", "EUR")),
                budget=float(data["budget"]),
                teams={str(k): float(v) for k, v in dict(data.get("teams") or {}).items()},
                horizon_years=int(data["horizon_years"]),
                discount_rate=float(data.get("discount_rate", 0.0)),
                complaint_rate=float(data.get("complaint_rate", 0.1)),
                annuity=float(data["annuity_factor"]),
                initiatives=items,
                known_ids=tuple(str(i) for i in data.get("known_ids") or [i.id for i in items]),
                scenario_sha256=str(data.get("scenario_sha256", "")),
                date=_dt.date.fromisoformat(date) if date else None,
                label=str(data.get("label") or ""),
                source=source,
                periods=tuple(str(p) for p in data.get("periods") or ()),
                period_length_months=int(data.get("period_length_months") or 3),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ScenarioError(
                [
                    Problem(
                        source, f"the plan is incomplete or malformed ({type(exc).__name__}: {exc})"
                    )
                ]
            ) from None

    @classmethod
    def from_file(cls, path: str | Path) -> Plan:
        """A plan from a ``solution.json`` written by ``prioritizer solve --out DIR`` or a
        ``roadmap.json`` written by ``prioritizer roadmap --out DIR`` (a folder: either)."""
        path = Path(path)
        if path.is_dir():
            roadmap = path / "roadmap.json"
            path = (
                roadmap
                if roadmap.exists() and not (path / "solution.json").exists()
                else (path / "solution.json")
            )
        if not path.exists():
            raise ScenarioError([Problem(str(path), "plan file not found")])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ScenarioError([Problem(path.name, f"not a readable JSON plan ({exc})")]) from None
        if isinstance(data, dict) and isinstance(data.get("tracking_plan"), dict):
            # a roadmap.json (its `plan` is §5's); its manifest says how it was solved
            data = {"plan": data["tracking_plan"], "manifest": data.get("manifest")}
        if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
            raise ScenarioError(
                [
                    Problem(
                        path.name,
                        "no `plan` block: expected a solution.json written by "
                        "`prioritizer solve SCENARIO --out DIR` or a roadmap.json written by "
                        "`prioritizer roadmap SCENARIO --out DIR` (re-run it with this version)",
                    )
                ]
            )
        plan = cls.from_dict(data["plan"], path.name)
        solved = data.get("manifest")
        if isinstance(solved, dict) and isinstance(solved.get("options"), dict):
            plan = dataclasses.replace(plan, extra={**plan.extra, "options": solved["options"]})
        return plan


def _factors(value: Any) -> tuple[float, float, float] | None:
    """Present-value factors read back from JSON (three numbers), None when absent."""
    if value is None:
        return None
    b, o, c = (float(v) for v in value)
    return (b, o, c)
