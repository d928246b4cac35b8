"""A solved roadmap: which initiative starts when, what it costs per period, what it is worth."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..models import Scenario
from ..periods import (
    all_teams,
    budget_released,
    period_budgets,
    period_teams,
    periods_per_horizon,
)
from ..result import Result, SolverOptions, json_records, json_value, manifest
from .constraints import RoadmapRule
from .formulations import DEFAULT_FORMULATION
from .values import discount, ramp

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _label(value: Any) -> str | None:
    """A period label, None for a missing one (pandas may hold it as NaN)."""
    return value if isinstance(value, str) else None


def period_word(scenario: Scenario, count: int = 2) -> str:
    """``quarter(s)``, ``month(s)``, ``year(s)`` or ``period(s)`` for the scenario's periods."""
    word = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}.get(
        scenario.period_length_months, "period"
    )
    return word if count == 1 else word + "s"


@dataclass(frozen=True, eq=False)
class Roadmap:
    """A solved roadmap (spec.md §5).

    Attributes
    ----------
    status:
        ``optimal``, ``feasible`` (time limit, not proven), ``infeasible`` or ``error``.
    objective:
        Σ objective score at the chosen starts (currency in ``business`` mode, the customer
        value below in ``customer`` mode, share of the whole opportunity in ``blended`` mode).
    business_value:
        Σ business value at the chosen starts: the NPV (currency) of the plan's cash flows
        over the evaluation window (:meth:`value_window`: the plan's first period to
        ``horizon_years`` after its last), discounted to the start of the first period.
    customer_value:
        Σ customer value at the chosen starts (spec.md §5): the effort points the plan removes
        over the evaluation window (from each go-live, ramp-up included) divided by
        ``horizon_years``. Not a yearly rate: the window is longer than the horizon (see
        :attr:`customer_value_total` and :attr:`customer_value_full_rate`), so it does not
        compare with a one-lump ``Result.customer_value``.
    columns:
        Every (initiative, start) pair with its values (:func:`start_values` plus ``row``).
    x:
        0/1 per column: the chosen starts.
    """

    scenario: Scenario
    status: str
    objective: float
    business_value: float
    customer_value: float
    cost: float
    columns: pd.DataFrame
    x: np.ndarray
    rules: list[RoadmapRule]
    options: SolverOptions
    solver: str = "cbc"
    gap: float | None = None
    best_bound: float | None = None
    solve_time_s: float = 0.0
    build_time_s: float = 0.0
    formulation: str = DEFAULT_FORMULATION
    pins: dict[str, str] = field(default_factory=dict)
    message: str = ""

    def __repr__(self) -> str:
        return (
            f"Roadmap(status={self.status!r}, objective={self.objective:.6g}, "
            f"selected={len(self.selected)} of {len(self.scenario.initiatives)}, "
            f"periods={len(self.labels)}, business_value={self.business_value:,.0f}, "
            f"solver={self.solver!r})"
        )

    # -- plan ----------------------------------------------------------------------------
    @property
    def chosen(self) -> pd.DataFrame:
        """The chosen columns (one per chosen initiative), initiatives in input order."""
        return self.columns[self.x > 0.5].sort_values("row")

    @property
    def selected(self) -> list[str]:
        """Chosen initiative ids in input order."""
        return self.chosen["id"].tolist()

    @property
    def labels(self) -> list[str]:
        return list(self.scenario.periods or ())

    def to_frame(self) -> pd.DataFrame:
        """One row per initiative (input order): chosen or not, start, finish, go-live (labels,
        None when not chosen or after the plan), duration, one-off cost (currency; also for
        an initiative left out), and the value at that start (NaN when not chosen):
        ``business_value`` (NPV over the evaluation window, currency), ``customer_value``
        (the §5 measure: effort points removed over the window / ``horizon_years``),
        ``customer_value_total`` (effort points removed over the window, from go-live,
        ramp-up included) and ``objective_score``; ``customer_value_full`` is the effort
        points a year at full rate (the one-lump measure; also for an initiative left out).
        The window: :meth:`value_window`."""
        chosen = self.chosen.set_index("id")
        # a property of the initiative, not of its start: the same in each of its columns
        full = self.columns.groupby("id", sort=False)["customer_value_full"].first().to_dict()
        rows = []
        for item in self.scenario.initiatives:
            record: dict[str, Any] = {
                "id": item.id,
                "name": item.name,
                "pillar": item.pillar,
                "chosen": item.id in chosen.index,
                "duration": item.duration,
                "ramp_up": item.ramp_up,
            }
            if item.id in chosen.index:
                col: Any = chosen.loc[item.id]
                record.update(
                    start=col["start"],
                    finish=col["finish"],
                    go_live=_label(col["go_live"]),
                    cost=float(col["cost"]),
                    business_value=float(col["business_value"]),
                    customer_value=float(col["customer_value"]),
                    customer_value_total=float(col["customer_value_full"])
                    * float(col["benefit_years"]),
                    customer_value_full=float(col["customer_value_full"]),
                    objective_score=float(col["objective_score"]),
                )
            else:  # no start, so no value at a start; its one-off cost is what it would cost
                record.update(
                    start=None,
                    finish=None,
                    go_live=None,
                    cost=float(item.cost),
                    business_value=float("nan"),
                    customer_value=float("nan"),
                    customer_value_total=float("nan"),
                    customer_value_full=full.get(item.id, float("nan")),
                    objective_score=float("nan"),
                )
            rows.append(record)
        return pd.DataFrame(rows).set_index("id")

    def as_result(self) -> Result:
        """The plan as a portfolio :class:`~prioritizer.result.Result`, so that every page
        of the steering pack that describes "the portfolio" describes this plan: its chosen
        initiatives, its NPV and customer value (at the planned starts), its one-off cost,
        running cost (currency per year) and team use (person-days over the plan).

        ``scores`` is the value model's table with, for each chosen initiative, the values
        at its start in place of the one-lump ones (``business_value``, ``customer_value``
        and the scores) and the start's present values (``start``, ``go_live``,
        ``pv_benefit``, ``pv_opex``, ``pv_cost``: currency; NaN or None when not chosen), so
        the value bridge adds up to the plan's NPV; an initiative left out carries its
        values at its best allowed start after its prerequisites (the one-lump ones when no
        start is allowed)."""
        from ..value import score_initiatives

        scores = score_initiatives(self.scenario).copy()
        chosen = self.chosen.set_index("id")
        ids = list(chosen.index)
        # an initiative left out is valued at its best allowed start (one that keeps its
        # earliest start and deadline and comes after its prerequisites could finish: as
        # :func:`~.delay.best_starts`), so every row is in the roadmap's terms and scale
        from .delay import logical_first_starts

        first = logical_first_starts(self.scenario)
        columns = self.columns
        after = columns["start_index"].to_numpy() >= columns["id"].map(first).to_numpy()
        allowed = columns[columns["allowed"] & after & ~columns["id"].isin(ids)]
        best = allowed.loc[allowed.groupby("id", sort=False)["objective_score"].idxmax()]
        valued = pd.concat([chosen, best.set_index("id")])
        at = list(valued.index)
        for column in ("business_value", "customer_value", "business_score", "customer_score"):
            scores.loc[at, column] = valued[column].to_numpy(dtype=float)
        scores.loc[at, "objective_score"] = valued["objective_score"].to_numpy(dtype=float)
        if "blended_score" in scores.columns and self.scenario.objective.mode == "blended":
            scores.loc[at, "blended_score"] = valued["objective_score"].to_numpy(dtype=float)
        scores["start"] = pd.Series(chosen["start"], dtype=object).reindex(scores.index)
        scores["go_live"] = pd.Series(
            [_label(v) for v in chosen["go_live"]], index=chosen.index, dtype=object
        ).reindex(scores.index)
        for column in ("pv_benefit", "pv_opex", "pv_cost"):
            scores[column] = chosen[column].astype(float).reindex(scores.index)
        picked = scores.loc[ids]
        teams = dict.fromkeys([*self.scenario.teams, *self.scenario.period_teams])
        team_use = {
            team: math.fsum(picked.get(f"effort_{team}", pd.Series(dtype=float)).tolist())
            for team in teams
        }
        status: Any = self.status
        return Result(
            scenario=self.scenario,
            status=status,
            objective=self.objective,
            selected=self.selected,
            business_value=self.business_value,
            customer_value=self.customer_value,
            cost=self.cost,
            opex=math.fsum(picked["opex_per_year"].tolist()),
            team_use=team_use,
            solver=self.solver,
            gap=self.gap,
            best_bound=self.best_bound,
            solve_time_s=self.solve_time_s,
            build_time_s=self.build_time_s,
            scores=scores,
            options=self.options,
            message=self.message,
        )

    def plan(self) -> list[dict[str, Any]]:
        """The §5 ``plan``: one entry per chosen initiative (input order)."""
        return [
            {
                "id": r["id"],
                "start": r["start"],
                "finish": r["finish"],
                "go_live": _label(r["go_live"]),
            }
            for _, r in self.chosen.iterrows()
        ]

    # -- what the totals count and the plan-wide limits ---------------------------------
    def value_window(self) -> dict[str, Any]:
        """The evaluation window the values count (spec.md §5): from the plan's first period
        to the end of evaluation, ``horizon_years`` after the plan's last period.

        Keys: ``first`` and ``last`` (period labels; ``last`` is the label past the plan when
        the labels are quarters, else None), ``plan_last`` (the plan's last label),
        ``periods`` (how many), ``years`` (their length in years), ``horizon_years``."""
        from .findings import extended_labels

        sc = self.scenario
        count = len(self.labels)
        total = count + round(periods_per_horizon(sc))
        names = extended_labels(self.labels, total) if count else []
        last = names[-1] if names else None
        return {
            "first": self.labels[0] if count else None,
            "last": None if last is None or last.startswith("+") else last,
            "plan_last": self.labels[-1] if count else None,
            "periods": total,
            "years": total * sc.period_length_months / 12.0,
            "horizon_years": sc.horizon_years,
        }

    def window_text(self) -> str:
        """The evaluation window in words: ``2027Q1–2031Q4 (the plan and the 3 years after
        it)``, or ``the plan (P1–P8) and the 3 years after it``."""
        window = self.value_window()
        h = self.scenario.horizon_years
        after = f"the {h:g} year{'' if h == 1 else 's'} after it"
        if window["last"] is not None:
            return f"{window['first']}–{window['last']} (the plan and {after})"
        return f"the plan ({window['first']}–{window['plan_last']}) and {after}"

    @property
    def customer_value_total(self) -> float:
        """Effort points the plan removes over the evaluation window (:meth:`value_window`),
        each initiative from its go-live, ramp-up included: ``customer_value`` ×
        ``horizon_years``."""
        chosen = self.chosen
        return math.fsum(
            (chosen["customer_value_full"] * chosen["benefit_years"]).to_numpy(dtype=float)
        )

    @property
    def customer_value_full_rate(self) -> float:
        """Effort points a year the plan removes once every chosen initiative is live at full
        rate: the sum of their yearly customer values (the measure of a one-lump solve)."""
        return math.fsum(self.chosen["customer_value_full"].to_numpy(dtype=float))

    def budget_released(self) -> float:
        """The one-off money the plan may spend (:func:`prioritizer.periods.budget_released`:
        the total budget, or the per-period budgets' sum when smaller; currency)."""
        return budget_released(self.scenario)

    def limits(self) -> pd.DataFrame:
        """Use of every plan-wide limit: the total budget, the running-cost budget and each
        team's capacity over the whole plan (``teams``), with the columns and index of
        :meth:`prioritizer.result.Result.limits` (per-period limits: :meth:`by_period`).

        ``binding`` is :func:`prioritizer.rules.is_binding`, the one definition, over the
        initiatives left out that add value at their best allowed start and that every
        other kind of rule would let in (an initiative that no start fits is not counted)."""
        result = self.as_result()
        startable = set(self.columns.loc[self.columns["allowed"], "id"])
        addable = result.worth_adding() & result.scores.index.isin(list(startable))
        return result.limits_given(np.asarray(addable, dtype=bool))

    # -- per period ----------------------------------------------------------------------
    def by_period(self) -> pd.DataFrame:
        """One row per period of the plan: what starts, is in work, goes live; spend and each
        team's use against its limit (NaN: no per-period limit); net cash flow of the plan."""
        labels = self.labels
        chosen = self.chosen
        spend_limits = period_budgets(self.scenario)
        team_limits = period_teams(self.scenario)
        teams = all_teams(self.scenario)
        flows = self.value_over_time()
        rows = []
        for p, label in enumerate(labels):
            starts = chosen[chosen["start_index"] == p]
            active = chosen[(chosen["start_index"] <= p) & (p < chosen["go_live_index"])]
            live = chosen[chosen["go_live_index"] == p]
            record: dict[str, Any] = {
                "period": label,
                "starts": ", ".join(starts["id"]),
                "work_in_progress": ", ".join(active["id"]),
                "go_lives": ", ".join(live["id"]),
                "spend": math.fsum((active["cost"] / active["duration"]).tolist()),
                "spend_limit": spend_limits[p] if spend_limits else float("nan"),
            }
            for team in teams:
                use = [
                    self.scenario.initiatives[int(r)].effort.get(team, 0.0) / d
                    for r, d in zip(active["row"], active["duration"], strict=True)
                ]
                record[f"{team}_use"] = math.fsum(use)
                limits = team_limits.get(team)
                record[f"{team}_limit"] = limits[p] if limits else float("nan")
            record["cash_flow"] = float(flows["cash_flow"].to_numpy()[p])
            record["cumulative_present_value"] = float(
                flows["cumulative_present_value"].to_numpy()[p]
            )
            rows.append(record)
        return pd.DataFrame(rows).set_index("period")

    def value_over_time(self) -> pd.DataFrame:
        """Net cash flow of the plan per period, from the first period to the end of the
        evaluation (T − 1 + H/m), with its present value and the cumulative present value
        (currency), and the plan's customer value rate (effort points removed per year)."""
        sc = self.scenario
        count = len(self.labels)
        end = count - 1 + round(periods_per_horizon(sc))
        periods = np.arange(end + 1)
        m = sc.period_length_months / 12.0
        flows = np.zeros(end + 1)
        customer = np.zeros(end + 1)
        for _, col in self.chosen.iterrows():
            s, g, d = int(col["start_index"]), int(col["go_live_index"]), int(col["duration"])
            item = sc.initiatives[int(col["row"])]
            flows[s:g] -= float(col["cost"]) / d
            ramps = ramp(periods[g:] - g, item.ramp_up)
            flows[g:] += m * (ramps * float(col["gross_per_year"]) - float(col["opex_per_year"]))
            customer[g:] += ramps * float(col["customer_value_full"])
        present = flows * discount(periods, sc)
        return pd.DataFrame(
            {
                "period": periods,
                "label": [self.labels[p] if p < count else f"+{p - count + 1}" for p in periods],
                "cash_flow": flows,
                "present_value": present,
                "cumulative_present_value": np.cumsum(present),
                "customer_value_rate": customer,
            }
        )

    # -- cost of delay -------------------------------------------------------------------
    def cost_of_delay(self) -> pd.DataFrame:
        """Cost of delay per initiative; see :func:`prioritizer.roadmap.delay.cost_of_delay`."""
        from .delay import cost_of_delay

        return cost_of_delay(self)

    # -- output --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with the §5 fields (status, objective, business_value,
        customer_value, plan) and more (periods, by_period, cost_of_delay, gap, solver).

        What the totals count: ``value_window`` (:meth:`value_window`: ``business_value`` is
        the NPV of the cash flows in it; ``customer_value`` the effort points removed in it
        divided by ``horizon_years``), ``customer_value_total`` (the effort points removed in
        it) and ``customer_value_full_rate`` (effort points a year once every chosen
        initiative is live at full rate, the one-lump measure). ``limits``: the plan-wide
        limits (:meth:`limits`); ``budget_released``: :meth:`budget_released`."""
        frame = self.by_period().reset_index()
        delay = self.cost_of_delay().reset_index()
        limits = self.limits().reset_index()
        payload: dict[str, Any] = {
            "status": self.status,
            "objective": self.objective,
            "objective_mode": self.scenario.objective.mode,
            "business_value": self.business_value,
            "customer_value": self.customer_value,
            "customer_value_total": self.customer_value_total,
            "customer_value_full_rate": self.customer_value_full_rate,
            "value_window": self.value_window(),
            "cost": self.cost,
            "budget": float(self.scenario.budget),
            "budget_released": self.budget_released(),
            "limits": json_records(limits),
            "selected": self.selected,
            "plan": self.plan(),
            "periods": self.labels,
            "period_length_months": self.scenario.period_length_months,
            "by_period": json_records(frame),
            "cost_of_delay": json_records(delay),
            "pinned": dict(self.pins),
            "solver": self.solver,
            "formulation": self.formulation,
            "gap": self.gap,
            "solve_time_s": self.solve_time_s,
            "currency": self.scenario.currency,
            "scenario": self.scenario.name,
        }
        out = {key: json_value(value) for key, value in payload.items()}
        # what produced it, as every JSON result carries (the analysis protocol adds its own)
        out["manifest"] = manifest(
            self.scenario, self.options, formulation=self.formulation, pins=dict(self.pins)
        )
        return out

    def plot(self, *, ax: Axes | None = None) -> Axes:
        """The Gantt chart of the plan (see :mod:`prioritizer.roadmap.charts`)."""
        from .charts import gantt

        return gantt(self, ax=ax)
