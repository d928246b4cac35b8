"""Plan vs actual: per initiative and rolled up by pillar, team and journey stage.

For each initiative of the plan (chosen ones; an initiative without an actuals row counts as
``planned`` with nothing spent):

- cost: ``cost_forecast`` (plan), ``spent`` (to date), ``cost_at_completion`` (estimate: spent
  for live and cancelled ones, max(spent, forecast) otherwise), ``cost_variance``
  (cost_at_completion − cost_forecast).
- each impact field f: ``f_forecast``, ``f_actual`` (None: not measured) and
  ``f_realization`` = actual ÷ forecast (None where the forecast is 0 or nothing is measured):
  the factor that scales the forecast to the measurement (what calibration uses), not a
  better/worse score (less opex than forecast is a factor below 1).
- benefit: ``annual_benefit_forecast``, ``annual_benefit_actual`` (measured values in place of
  forecasts; None when no business field is measured) and ``benefit_realization``
  (:func:`benefit_realization`): 1 + (actual − forecast) ÷ |forecast|, so above 1 is always
  better than forecast and below 1 worse, whatever the forecast's sign. For a positive
  forecast it is actual ÷ forecast; for a negative one (an item whose opex outweighs its
  benefit, e.g. a regulatory one) a net cost of 8,000 against 10,000 forecast reads 1.2 and
  one of 12,000 reads 0.8 (a plain ratio would invert them).
- NPV: ``npv_forecast`` = A × annual benefit − cost (§2, the plan's figures); for a roadmap
  plan, the value at its planned start as the roadmap computed it (§5: b × gross − o × opex −
  c × cost, :meth:`~.plan.PlannedInitiative.npv`); ``npv_expected``: the same with measured
  values in place of forecasts and the cost at completion (−spent for a cancelled
  initiative): the NPV the plan is now on track for.
- to date (``as_of``): ``years_live`` (go-live to as-of, years of 365 days),
  ``benefit_to_date`` = measured annual benefit × years live, ``benefit_to_date_forecast`` =
  forecast annual benefit × the same years (what the plan promised for that time, currency).
- late: ``due`` passed and not live by ``as_of``, or live after ``due``: ``days_late``; a
  roadmap initiative still planned (or without an actuals row) once its planned start period
  has ended is late too (``not_started``; ``days_late`` 0 until its due date passes), valued
  as starting in the period after ``as_of`` (``periods_late``).
  ``due`` is the actuals' own (``due_from`` ``actuals``); for a roadmap plan with calendar
  periods an initiative without one is due by the last day of its planned go-live period
  (``planned_go_live``, the period after its last period of work, §5; ``due_from``
  ``plan``). A late roadmap initiative's ``npv_expected`` is valued going live
  ``periods_late`` periods after plan (the period of its go-live date; not live yet, the
  first it can still go live in: the period after ``as_of``, plus its duration when not
  started), with the benefit factors the roadmap would give that later start
  (:attr:`~.plan.PlannedInitiative.later_value`; the cost factor kept). A roadmap
  initiative live for a whole period before its planned go-live period is valued up the same
  way (``periods_early``: live on the first day of the period, or any day of the one before;
  :attr:`~.plan.PlannedInitiative.earlier_value`); live on the last day of its last period of
  work is on time.

Per period (actuals with a ``period`` column): ``by_period`` holds, per period, the spend of
the plan's initiatives in it (``spent``), the plan's spend (``planned_spend``: cost ÷ duration
in each work period of a roadmap plan, NaN for a plan without periods), their difference
(``variance``) and both cumulated (the burn curve); every calendar period of a roadmap plan
that has ended by ``as_of`` counts (spent 0 where no row reports it); later periods after the
last one reported have no actual spend (NaN).

Roll-ups sum these per pillar, journey stage and team (an initiative's money is split over
teams in proportion to its person-days; one without effort counts under ``(no team)``); a
group's ``benefit_realization`` is :func:`benefit_realization` of Σ measured annual benefit
against Σ forecast annual benefit of its initiatives with a measured business field
(``benefit_measured_actual``, ``benefit_measured_forecast``).

The headline (:meth:`Tracking.finding`) says "On track for" only when the expected NPV is at
least the forecast (its share rounds to 100% or more), else "Heading for".
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..analysis.protocol import Finding
from ..exceptions import Problem, ScenarioError
from ..result import json_records, json_value
from . import findings
from .actuals import Actuals
from .plan import IMPACT_FIELDS, Plan, PlannedGoLive

BUSINESS_FIELDS = ("churn_reduction_pp", "cross_sell", "cost_savings", "opex")
_SUMMED = (
    "cost_forecast",
    "spent",
    "cost_at_completion",
    "cost_variance",
    "npv_forecast",
    "npv_expected",
    "benefit_to_date",
    "benefit_to_date_forecast",
)


def realization(actual: float | None, forecast: float) -> float | None:
    """actual ÷ forecast; None where nothing is measured or the forecast is 0."""
    if actual is None or forecast == 0:
        return None
    return actual / forecast


def benefit_realization(actual: float | None, forecast: float) -> float | None:
    """How much of a forecast benefit was realized, read the same way whatever the forecast's
    sign: 1 + (actual − forecast) ÷ |forecast| (1 = as forecast, above 1 = better, below 1 =
    worse); None where nothing is measured or the forecast is 0.

    For a positive forecast this is actual ÷ forecast. For a negative one (a net cost, e.g.
    a regulatory item's opex) the plain ratio would invert: −8,000 against −10,000 would read
    0.8 though it is better than forecast. Here it reads 1.2 (2,000 better, 20% of the
    forecast's size), and −12,000 reads 0.8.

    >>> benefit_realization(40_000, 50_000), benefit_realization(-8_000, -10_000)
    (0.8, 1.2)
    """
    if actual is None or forecast == 0:
        return None
    return 1.0 + (actual - forecast) / abs(forecast)


ON_TRACK = 0.995
"""The expected NPV's share of the forecast from which the headline says "On track" (it
shows as 100% or more)."""


LISTED = 8
"""How many ids a warning lists before "and N more"."""


def listed(ids: list[str], limit: int = LISTED) -> str:
    """``a, b, c`` or, past ``limit`` ids, ``a, b and 2 more``: every id counted."""
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


CHART_KINDS = ("realization", "pillar", "burn", "periods")
"""The charts of :meth:`Tracking.plot`."""


@dataclass(frozen=True)
class Tracking:
    """Plan vs actual of one cycle.

    Attributes
    ----------
    initiatives:
        One row per initiative of the plan (index ``id``), columns as in the module doc.
    by_pillar, by_journey_stage, by_team:
        Roll-ups (index: the pillar, stage or team).
    totals:
        Budget burn and portfolio totals (currency): ``budget``, ``cost_forecast``,
        ``spent``, ``burn_share`` (spent ÷ planned cost), ``cost_at_completion``,
        ``npv_forecast``, ``npv_expected``, counts by status, ``late``;
        ``spent_off_plan`` (spend reported on initiatives outside the plan, ``off_plan_ids``:
        not in ``spent``, but out of ``budget_left``)."""

    plan: Plan
    as_of: _dt.date
    initiatives: pd.DataFrame
    by_pillar: pd.DataFrame
    by_journey_stage: pd.DataFrame
    by_team: pd.DataFrame
    totals: dict[str, Any]
    warnings: tuple[Any, ...] = field(default_factory=tuple)
    by_period: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Burn per period (index ``period``; empty without per-period actuals): module doc."""
    actuals_sha256: str = ""
    """SHA-256 of the actuals as read (rows, values, dates), for the manifest."""

    def manifest(self) -> dict[str, Any]:
        """What produced this tracking, as every JSON result carries it
        (:func:`prioritizer.result.manifest`): tool and solver versions, the plan's solve
        options (None when the plan does not say), the plan's ``scenario_sha256`` and the
        ``actuals_sha256``. Deterministic (no dates)."""
        from .._version import __version__
        from ..result import _package_version

        return {
            "tool": "prioritizer",
            "version": __version__,
            "pulp": _package_version("pulp"),
            "highspy": _package_version("highspy"),
            "cylp": _package_version("cylp"),
            "options": self.plan.extra.get("options"),
            "scenario_sha256": self.plan.scenario_sha256,
            "actuals_sha256": self.actuals_sha256,
        }

    def to_frame(self) -> pd.DataFrame:
        """The per-initiative table (a copy)."""
        return self.initiatives.copy()

    @property
    def late(self) -> pd.DataFrame:
        """Initiatives that are late, most days late first."""
        frame = self.initiatives[self.initiatives["late"]]
        return frame.sort_values("days_late", ascending=False)

    def finding(self) -> Finding:
        """The headline of the cycle as data (the analysis protocol's ``Finding``): the NPV
        the plan is heading for against its forecast — "On track for" only when that is at
        least the forecast (a share that shows as 100% or more, :data:`ON_TRACK`) —, the
        spend and how many are late. ``npv_share`` is :func:`benefit_realization` of the
        expected NPV against the forecast (NaN for a forecast of 0)."""
        t = self.totals
        cur = self.plan.currency
        expected, forecast = float(t["npv_expected"]), float(t["npv_forecast"])
        ratio = benefit_realization(expected, forecast)
        share = float("nan") if ratio is None else ratio
        if forecast > 0:
            lead = "On track for" if share >= ON_TRACK else "Heading for"
            headline = (
                f"{lead} {cur} {expected:,.0f} of the {cur} {forecast:,.0f} NPV forecast "
                f"({share:.0%})"
            )
        else:  # a share of a forecast that is not positive says nothing
            lead = "On track for" if expected >= forecast else "Heading for"
            headline = (
                f"{lead} an NPV of {cur} {expected:,.0f} against {cur} {forecast:,.0f} forecast"
            )
        off_plan = float(t.get("spent_off_plan", 0.0))
        outside = (
            f", plus {cur} {off_plan:,.0f} on initiatives outside the plan "
            f"({', '.join(t.get('off_plan_ids', []))})"
            if off_plan
            else ""
        )
        text = (
            f"{headline}; {cur} {t['spent']:,.0f} spent of {cur} "
            f"{t['cost_forecast']:,.0f} planned{outside}; {t['late']} late"
        )
        numbers = {
            "npv_expected": t["npv_expected"],
            "npv_forecast": t["npv_forecast"],
            "npv_share": share,
            "spent": t["spent"],
            "spent_off_plan": float(t.get("spent_off_plan", 0.0)),
            "cost_forecast": t["cost_forecast"],
            "late": t["late"],
        }
        return Finding(text, numbers)

    def summary(self) -> list[str]:
        """Lines for the terminal above the table: the finding."""
        return [self.finding().text]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``prioritizer track --format json`` (spec.md §7)."""
        frame = self.initiatives.reset_index()
        for column in ("go_live", "due"):
            frame[column] = [
                d.isoformat() if isinstance(d, _dt.date) else None for d in frame[column]
            ]
        return {
            "plan": {
                "scenario": self.plan.scenario,
                "label": self.plan.label,
                "date": self.plan.date.isoformat() if self.plan.date else None,
                "scenario_sha256": self.plan.scenario_sha256,
                "currency": self.plan.currency,
            },
            "as_of": self.as_of.isoformat(),
            "finding": self.finding().to_dict(),
            "totals": {k: json_value(v) for k, v in self.totals.items()},
            "initiatives": json_records(frame),
            "by_pillar": json_records(self.by_pillar.reset_index()),
            "by_journey_stage": json_records(self.by_journey_stage.reset_index()),
            "by_team": json_records(self.by_team.reset_index()),
            "late": list(self.late.index),
            "by_period": json_records(self.by_period.reset_index()) if len(self.by_period) else [],
            "manifest": self.manifest(),
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def plot(self, ax: Any = None, *, kind: str = "realization", title: str | None = None) -> Any:
        """Draw ``realization`` (forecast vs measured annual benefit, diagonal = on forecast),
        ``pillar`` (benefit realization by pillar), ``burn`` (spend vs plan per initiative) or
        ``periods`` (spend per period and cumulated against the plan); the title is the
        chart's finding unless given; returns Axes."""
        from ..plots import tracking as charts

        if kind not in CHART_KINDS:
            raise ValueError(f"kind must be one of {sorted(CHART_KINDS)}; got {kind!r}")
        cur = self.plan.currency
        text = title if title is not None else self.chart_finding(kind).text
        if kind == "realization":
            return charts.plot_realization(self.initiatives, currency=cur, title=text, ax=ax)
        if kind == "pillar":
            return charts.plot_realization_by_pillar(self.by_pillar, title=text, ax=ax)
        if kind == "burn":
            return charts.plot_burn(self.initiatives, currency=cur, title=text, ax=ax)
        planned = float(self.totals["cost_forecast"])
        return charts.plot_burn_over_time(
            self.by_period, currency=cur, planned_total=planned, title=text, ax=ax
        )

    def chart_finding(self, kind: str = "realization") -> Finding:
        """The finding of chart ``kind`` (see :meth:`plot`), its title."""
        cur = self.plan.currency
        if kind == "realization":
            return findings.realization_finding(self.initiatives, cur)
        if kind == "pillar":
            return findings.pillar_finding(self.by_pillar, cur)
        if kind == "burn":
            return findings.burn_finding(self.initiatives, self.totals, cur)
        if kind == "periods":
            return findings.burn_over_time_finding(self.by_period, self.totals, cur)
        raise ValueError(f"kind must be one of {sorted(CHART_KINDS)}; got {kind!r}")


def track(plan: Any, actuals: Any, *, as_of: _dt.date | str | None = None) -> Tracking:
    """Compare a plan with its actuals.

    Parameters
    ----------
    plan:
        A :class:`Plan`, a solved :class:`~prioritizer.result.Result` or
        :class:`~prioritizer.roadmap.Roadmap`, or the path of a ``solution.json`` (``solve
        --out``) or ``roadmap.json`` (``roadmap --out``).
    actuals:
        :class:`Actuals`, a pandas DataFrame with the actuals table's columns (read as the
        file would be, rows numbered from 2), or the path of an actuals CSV/XLSX. Amounts in
        another currency than the plan's (``Spent (USD)``, ``£110000``) are refused.
    as_of:
        The date of the status (a date or ``YYYY-MM-DD``; default: today).

    Examples
    --------
    >>> t = px.track("out/solution.json", "actuals.csv", as_of=date(2027, 9, 30))  # doctest: +SKIP
    >>> t.to_frame()[["status", "cost_savings_realization"]]  # doctest: +SKIP
    """
    from .actuals import check_against, read_actuals

    if not isinstance(plan, Plan):
        from ..roadmap.result import Roadmap

        if isinstance(plan, Roadmap):  # each initiative at its planned start (§5)
            plan = Plan.from_roadmap(plan)
        elif hasattr(plan, "selected"):
            plan = Plan.from_result(plan)
        else:
            plan = Plan.from_file(plan)
    if isinstance(as_of, str):
        try:
            as_of = _dt.date.fromisoformat(as_of)
        except ValueError:
            raise ScenarioError(
                [Problem("as_of", f"expected a date such as 2027-12-31; got {as_of!r}")]
            ) from None
    checks = {
        "known_ids": plan.known_ids,
        "plan_date": plan.date,
        "periods": plan.periods,
        "currency": plan.currency,
    }
    if isinstance(actuals, pd.DataFrame):  # read like a table: rows numbered from 2
        actuals = Actuals.from_frame(actuals)
    if isinstance(actuals, Actuals):
        actuals = check_against(actuals, **checks)
    else:
        actuals = read_actuals(actuals, **checks)
    from ..inputs.warnings import InputWarning

    warnings = list(actuals.warnings)
    said = "" if as_of is not None else " (today: no as-of date was given)"
    as_of = as_of or _dt.date.today()
    warnings += _date_warnings(plan, actuals, as_of, said)
    warnings += _churn_fractions(plan, actuals)
    warnings += _scale_slips(plan, actuals)
    in_plan = set(plan.ids)
    outside = [i for i in actuals.rows if i not in in_plan]
    off_plan = math.fsum(actuals.rows[i].spent for i in outside)
    if outside:
        spend = f" (they spent {plan.currency} {off_plan:,.0f}, counted apart)" if off_plan else ""
        warnings.append(
            InputWarning(
                "not-in-plan",
                f"{len(outside)} initiative(s) not chosen in the plan are left out of the "
                f"tracking{spend}: {listed(outside)}",
                actuals.source,
            )
        )
    missing = [i for i in plan.ids if i not in actuals.rows]
    if missing:
        warnings.append(
            InputWarning(
                "no-actuals",
                f"{len(missing)} initiative(s) of the plan have no actuals row and count as "
                f"planned with nothing spent: {listed(missing)}",
                actuals.source,
            )
        )
    schedule = plan.planned_go_live()
    if plan.planned_spend() is not None and not schedule:
        untyped = [i for i in plan.ids if i not in actuals.rows or actuals.rows[i].due is None]
        if untyped:
            warnings.append(
                InputWarning(
                    "no-planned-dates",
                    f"the roadmap's periods ({listed(list(plan.periods), 4)}) are not "
                    "consecutive calendar periods, so its go-lives give no due dates and "
                    f"nothing can be found late for {len(untyped)} initiative(s) without a "
                    f"`due` date: {listed(untyped)}; add a `due` column to the actuals",
                    actuals.source,
                )
            )
    records = [
        _initiative_record(plan, item, actuals, as_of, schedule.get(item.id))
        for item in plan.initiatives
    ]
    frame = pd.DataFrame.from_records(records).set_index("id") if records else _empty()
    totals = _totals(plan, frame)
    # spend outside the plan is money out of the same budget: said apart, never dropped
    totals["spent_off_plan"] = off_plan
    totals["off_plan_ids"] = [i for i in outside if actuals.rows[i].spent]
    totals["budget_left"] -= off_plan
    by_period = burn_by_period(plan, actuals, as_of)
    if len(by_period):
        reported = by_period["spent"].notna()
        totals["period_reported"] = str(by_period.index[reported][-1])
        totals["planned_to_date"] = (
            float(by_period["cumulative_planned"][reported].iloc[-1]) if plan.periods else None
        )
    return Tracking(
        by_period=by_period,
        plan=plan,
        as_of=as_of,
        initiatives=frame,
        by_pillar=_rollup(frame, "pillar"),
        by_journey_stage=_rollup(frame, "journey_stage"),
        by_team=_team_rollup(plan, frame),
        totals=totals,
        warnings=tuple(warnings),
        actuals_sha256=_actuals_sha256(actuals),
    )


def _actuals_sha256(actuals: Actuals) -> str:
    """SHA-256 of the actuals as read: every row (and period part) with its values."""
    import dataclasses
    import hashlib
    import json

    rows = [dataclasses.asdict(row) for row in actuals.rows.values()]
    text = json.dumps(rows, sort_keys=True, default=str, allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _churn_against_forecast(
    plan: Plan, actuals: Actuals, flagged: Callable[[float, float], bool]
) -> list[tuple[int, str]]:
    """(row, "ID 3 pp against 0.03 pp") of each measured churn (non-zero) that ``flagged``
    (measured, forecast; pp) picks out."""
    found = []
    for item in plan.initiatives:
        row = actuals.rows.get(item.id)
        value = row.measured.get("churn_reduction_pp") if row is not None else None
        forecast = item.forecast["churn_reduction_pp"]
        if row is not None and value and flagged(value, forecast):
            found.append((row.row, f"{item.id} {value:g} pp against {forecast:g} pp"))
    return found


def _churn_fractions(plan: Plan, actuals: Actuals) -> list[Any]:
    """``churn-fractions``: measured churn below the backlog's threshold (0.05 pp) and a
    twentieth of its forecast or less (``0.008`` against 0.8 pp) is most likely a fraction
    written for percentage points. A small measurement near a small forecast (0.04 against
    0.08 pp) is not flagged."""
    from ..inputs.cells import where_text
    from ..inputs.plausibility import Thresholds
    from ..inputs.warnings import InputWarning

    limit = Thresholds().churn_fraction_below
    if limit is None:
        return []
    found = _churn_against_forecast(
        plan,
        actuals,
        lambda value, forecast: abs(value) < limit and abs(forecast) >= 20 * abs(value),
    )
    if not found:
        return []
    return [
        InputWarning(
            "churn-fractions",
            "measured churn a twentieth of its forecast or less ("
            + "; ".join(text for _row, text in found)
            + "): churn is in percentage points (0.4 = 0.4 pp); if these are fractions "
            "(0.004 = 0.4 %), multiply by 100",
            where_text(actuals.source, False, None, sorted(r for r, _t in found)),
        )
    ]


SCALE_SLIP = 200
"""A measured amount this many times smaller than its plan on every initiative (or churn this
many twentieths larger, see :func:`_scale_slips`) is most likely written in another unit."""

_MONEY_MEASURES: tuple[tuple[str, str], ...] = (
    ("spent", "spend to date"),
    ("cost_savings", "measured cost savings"),
    ("cross_sell", "measured cross-/up-sell"),
    ("opex", "measured running cost"),
)


def _scale_slips(plan: Plan, actuals: Actuals) -> list[Any]:
    """Numbers that look written in another unit, kept but said: ``amounts-look-thousands``
    when a money column (spend against the planned cost; savings, cross-sell, running cost
    against their forecasts) is a 200th of the plan or less on every initiative that has a
    positive value (495 against 450,000: thousands written for full amounts; a header in
    thousands is refused, a plain header cannot say it); ``churn-too-large`` when measured
    churn is 20 times its forecast or more (3 pp against 0.03 pp: a percent sign or a
    fraction slipped)."""
    from ..inputs.cells import where_text
    from ..inputs.warnings import InputWarning

    out = []
    cur = plan.currency
    for name, what in _MONEY_MEASURES:
        pairs = []
        for item in plan.initiatives:
            row = actuals.rows.get(item.id)
            if row is None:
                continue
            value = row.spent if name == "spent" else row.measured.get(name)
            planned = item.cost if name == "spent" else item.forecast.get(name, 0.0)
            if value is not None and value > 0 and planned > 0:
                pairs.append((row.row, item.id, float(value), float(planned)))
        if pairs and all(value * SCALE_SLIP <= planned for _r, _i, value, planned in pairs):
            examples = "; ".join(f"{i} {v:,.0f} against {p:,.0f}" for _r, i, v, p in pairs[:3])
            more = f"; {len(pairs) - 3} more" if len(pairs) > 3 else ""
            out.append(
                InputWarning(
                    "amounts-look-thousands",
                    f"the {what} is at most 1/{SCALE_SLIP} of the plan on every initiative "
                    f"that has one ({examples}{more}; {cur}): if the file gives thousands, "
                    "write full amounts (multiply by 1,000); read as given",
                    where_text(actuals.source, False, None, sorted(r for r, *_ in pairs)),
                )
            )
    large = _churn_against_forecast(
        plan, actuals, lambda value, forecast: forecast > 0 and value >= 20 * forecast
    )
    if large:
        out.append(
            InputWarning(
                "churn-too-large",
                "measured churn 20 times its forecast or more ("
                + "; ".join(text for _row, text in large)
                + "): churn is in percentage points (0.4 = 0.4 pp, and 0.4% is 0.4 pp too); "
                "check the value; read as given",
                where_text(actuals.source, False, None, sorted(r for r, _t in large)),
            )
        )
    return out


def _date_warnings(plan: Plan, actuals: Actuals, as_of: _dt.date, said: str) -> list[Any]:
    """A status date before the plan starts (its approval, else its first calendar period)
    and go-live dates after the status date: kept as given, but said."""
    from ..inputs.warnings import InputWarning
    from .actuals import first_period

    out = []
    in_plan = set(plan.ids)
    first = first_period(plan.periods)
    start: tuple[_dt.date, str] | None = None
    if plan.date is not None:
        start = (plan.date, f"the plan's approval on {plan.date.isoformat()}")
    elif first is not None:
        start = (first[1], f"the plan's first period {first[0]} (from {first[1].isoformat()})")
    if start is not None and as_of < start[0]:
        out.append(
            InputWarning(
                "as-of-before-plan",
                f"the status date {as_of.isoformat()}{said} is before {start[1]}: nothing "
                "of the plan can be spent or live yet; give the date of the status (--as-of)",
            )
        )
    if start is None:  # no approval date, no calendar periods: the horizon bounds a go-live
        long_ago = [
            f"{r.id} ({r.go_live.isoformat()})"
            for r in actuals.rows.values()
            if r.go_live is not None
            and r.id in in_plan
            and (as_of - r.go_live).days > 365.25 * plan.horizon_years
        ]
        if long_ago:
            out.append(
                InputWarning(
                    "go-live-long-ago",
                    f"{len(long_ago)} initiative(s) went live more than the plan's "
                    f"{plan.horizon_years}-year horizon before the status date "
                    f"{as_of.isoformat()}{said}: {listed(long_ago)}; check the go_live "
                    "dates (one of this cycle was expected); read as given",
                    actuals.source,
                )
            )
    later = [
        f"{r.id} ({r.go_live.isoformat()})"
        for r in actuals.rows.values()
        if r.go_live is not None and r.go_live > as_of and r.id in in_plan
    ]
    if later:
        out.append(
            InputWarning(
                "go-live-after-as-of",
                f"{len(later)} initiative(s) went live after the status date "
                f"{as_of.isoformat()}{said}, so no benefit to date counts for them: "
                f"{listed(later)}; check the go_live dates or the status date (--as-of)",
                actuals.source,
            )
        )
    return out


def _initiative_record(
    plan: Plan,
    item: Any,
    actuals: Actuals,
    as_of: _dt.date,
    planned: PlannedGoLive | None = None,
) -> dict[str, Any]:
    row = actuals.rows.get(item.id)
    status = row.status if row else "planned"
    spent = row.spent if row else 0.0
    measured = dict(row.measured) if row else {}
    go_live = row.go_live if row else None
    due = row.due if row else None
    due_from = "actuals" if due is not None else None
    if due is None and planned is not None:  # a typed due wins; else the roadmap's go-live
        due, due_from = planned.due, "plan"
    if due is None or status == "cancelled":
        late, days = False, 0
    elif status == "live":
        days = (go_live - due).days if go_live else 0
        late = days > 0
    else:
        days = (as_of - due).days
        late = days > 0
    shift = _shift(plan, planned, item.duration, status, go_live, as_of)
    # not started when its planned start period has ended: it cannot go live as planned
    not_started = status == "planned" and shift > 0
    late = late or not_started
    # late: valued at its later go-live; live in an earlier period than planned: valued up
    slip = shift if (late and shift > 0) or (status == "live" and shift < 0) else 0
    record: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "pillar": item.pillar or "(none)",
        "journey_stage": item.journey_stage or "(none)",
        "status": status,
        "go_live": go_live,
        "due": due,
        "due_from": due_from,
        "planned_go_live": (planned.label or "after the plan") if planned else None,
        "periods_late": max(slip, 0),
        "periods_early": max(-slip, 0),
        "not_started": not_started,
        "spent": spent,
        "cost_forecast": item.cost,
    }
    at_completion = spent if status in ("live", "cancelled") else max(spent, item.cost)
    record["cost_at_completion"] = at_completion
    record["cost_variance"] = at_completion - item.cost
    for name in IMPACT_FIELDS:
        forecast = item.forecast[name]
        actual = measured.get(name)
        record[f"{name}_forecast"] = forecast
        record[f"{name}_actual"] = actual
        record[f"{name}_realization"] = realization(actual, forecast)
    benefit_forecast = item.annual_benefit()
    business_measured = any(f in measured for f in BUSINESS_FIELDS)
    benefit_now = item.annual_benefit(measured)
    record["annual_benefit_forecast"] = benefit_forecast
    record["annual_benefit_actual"] = benefit_now if business_measured else None
    record["benefit_realization"] = (
        benefit_realization(benefit_now, benefit_forecast) if business_measured else None
    )
    record["npv_forecast"] = item.npv(plan.annuity)
    record["npv_expected"] = (
        -spent
        if status == "cancelled"
        else item.npv(plan.annuity, measured, at_completion, delay=slip)
    )
    live_from = go_live if status == "live" else None
    years = max(0.0, (as_of - live_from).days / 365.0) if live_from else 0.0
    record["years_live"] = years
    record["benefit_to_date"] = benefit_now * years
    record["benefit_to_date_forecast"] = benefit_forecast * years
    record["late"] = late
    record["days_late"] = max(days, 0)
    return record


def _shift(
    plan: Plan,
    planned: PlannedGoLive | None,
    item_duration: int,
    status: str,
    go_live: _dt.date | None,
    as_of: _dt.date,
) -> int:
    """Whole periods a roadmap initiative goes live after its planned go-live period: the
    period of its go-live date; not live yet, the first it can still go live in (in
    progress: the one holding the day after ``as_of``; not started: ``item_duration``
    periods of work after that). Negative, periods early: the first period it is live for
    in full (its go-live date's period when that is the period's first day, else the next)
    is before the planned one — the plan counts benefit from the first day of its go-live
    period, so live on the last day of the last period of work is on time. 0 when cancelled
    or for a plan without calendar periods."""
    from .calendar import index_at, regular, span_at

    calendar = regular(plan.periods)
    if planned is None or calendar is None or status == "cancelled":
        return 0
    if status == "live":
        if go_live is None:
            return 0
        live = index_at(go_live, *calendar)
        if live < planned.index and go_live != span_at(*calendar, live)[0]:
            live += 1  # live for part of that period only: its benefit starts with the next
    else:  # in progress: live next at the earliest; planned: after all its work from then
        live = index_at(as_of + _dt.timedelta(days=1), *calendar)
        if status == "planned":
            live += item_duration
        return max(0, live - planned.index)
    return live - planned.index


_ONE_DAY = _dt.timedelta(days=1)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["pillar", "journey_stage", "status", *_SUMMED, "late"]
    ).rename_axis("id")


def _group_table(
    frame: pd.DataFrame, key: pd.Series, weights: pd.Series | None = None
) -> pd.DataFrame:
    w = weights if weights is not None else pd.Series(1.0, index=frame.index)
    data = frame[list(_SUMMED)].mul(w, axis=0)
    measured = frame["annual_benefit_actual"].notna()
    data["benefit_measured_actual"] = (
        frame["annual_benefit_actual"].where(measured, 0.0).astype(float) * w
    )
    data["benefit_measured_forecast"] = (
        frame["annual_benefit_forecast"].where(measured, 0.0).astype(float) * w
    )
    data["initiatives"] = (w > 0).astype(int)
    data["live"] = ((frame["status"] == "live") & (w > 0)).astype(int)
    data["late"] = (frame["late"].astype(bool) & (w > 0)).astype(int)
    table = data.groupby(list(key)).sum()
    table["benefit_realization"] = [
        benefit_realization(a, f)
        for a, f in zip(
            table["benefit_measured_actual"], table["benefit_measured_forecast"], strict=True
        )
    ]
    table["burn_share"] = [
        s / c if c else None for s, c in zip(table["spent"], table["cost_forecast"], strict=True)
    ]
    return table


def _rollup(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame()
    return _group_table(frame, frame[column]).rename_axis(column)


def _team_rollup(plan: Plan, frame: pd.DataFrame) -> pd.DataFrame:
    """Money split over teams in proportion to each initiative's person-days."""
    if frame.empty:
        return pd.DataFrame()
    parts = []
    for item in plan.initiatives:
        days = {t: d for t, d in item.effort.items() if d > 0}
        total = math.fsum(days.values())
        shares = {t: d / total for t, d in days.items()} if total > 0 else {"(no team)": 1.0}
        parts += [(item.id, team, share) for team, share in shares.items()]
    ids = [p[0] for p in parts]
    expanded = frame.loc[ids].reset_index()
    key = pd.Series([p[1] for p in parts])
    weights = pd.Series([p[2] for p in parts])
    table = _group_table(expanded, key, weights)
    return table.rename_axis("team")


def _totals(plan: Plan, frame: pd.DataFrame) -> dict[str, Any]:
    def total(column: str) -> float:
        return math.fsum(frame[column].astype(float).tolist()) if len(frame) else 0.0

    counts = frame["status"].value_counts() if len(frame) else pd.Series(dtype=int)
    spent, planned = total("spent"), total("cost_forecast")
    return {
        "budget": plan.budget,
        "cost_forecast": planned,
        "spent": spent,
        "burn_share": spent / planned if planned else None,
        "budget_left": plan.budget - spent,
        "cost_at_completion": total("cost_at_completion"),
        "cost_variance": total("cost_variance"),
        "npv_forecast": total("npv_forecast"),
        "npv_expected": total("npv_expected"),
        "benefit_to_date": total("benefit_to_date"),
        "benefit_to_date_forecast": total("benefit_to_date_forecast"),
        **{
            status: int(counts.get(status, 0))
            for status in ("planned", "in_progress", "live", "cancelled")
        },
        "late": int(frame["late"].sum()) if len(frame) else 0,
    }


def burn_by_period(plan: Plan, actuals: Actuals, as_of: _dt.date | None = None) -> pd.DataFrame:
    """Spend per period of the plan's initiatives against the plan's (module doc); an empty
    frame without per-period actuals. With ``as_of``, every calendar period of a roadmap
    plan that has ended by then counts as reported (spent 0 where no row reports it), so
    the spend to date compares with the plan's spend to the same period."""
    if not actuals.period_kind:
        return pd.DataFrame()
    in_plan = set(plan.ids)
    spent: dict[str, list[float]] = {}
    for row in actuals.rows.values():
        if row.id in in_plan:
            for period, amount in row.spent_by_period.items():
                spent.setdefault(period, []).append(amount)
    planned = plan.planned_spend()
    labels = list(plan.periods) if planned is not None else list(actuals.periods)
    reported = [k for k, label in enumerate(labels) if label in set(actuals.periods)]
    if as_of is not None and planned is not None:
        from .calendar import calendar_span

        reported += [
            k
            for k, label in enumerate(labels)
            if (span := calendar_span(label)) is not None and span[1] <= as_of + _ONE_DAY
        ]
    last = max(reported, default=-1)
    nan = float("nan")
    rows = []
    for k, label in enumerate(labels):
        done = math.fsum(spent.get(label, [])) if k <= last else nan
        plan_spend = planned[label] if planned is not None else nan
        rows.append({"period": label, "planned_spend": plan_spend, "spent": done})
    frame = pd.DataFrame(rows).set_index("period")
    frame["variance"] = frame["spent"] - frame["planned_spend"]
    frame["cumulative_planned"] = frame["planned_spend"].cumsum(skipna=False)
    frame["cumulative_spent"] = frame["spent"].cumsum(skipna=False)
    frame["cumulative_variance"] = frame["cumulative_spent"] - frame["cumulative_planned"]
    return frame
