"""Why an initiative is in or out of the roadmap, and when it would come in ("not yet").

As for portfolios (:mod:`prioritizer.analysis.explain`), the true price of a decision is found
by re-planning with the initiative forced in (or out): the difference to the best roadmap is
its value margin, and the re-plan's NPV less the plan's is what the decision really does to the
NPV (``npv_change``). On a roadmap the answer also says *when*: the start the best plan with it
would give it (``forced_start``: "not yet, it would enter starting 2028Q1"), the earliest start
at which it fits beside the plan unchanged (``fits_from``), what blocks it at its earliest
start (a missing prerequisite or a chosen alternative before any limit), which initiatives
join, leave or move; and for one in the plan, its start and how much its own NPV falls if it
starts one period later (the rest of the plan as it is, not a re-plan).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis._parallel import run_tasks
from ..analysis.explain import Explanation, Explanations, and_list
from ..analysis.protocol import base_result
from ..models import Scenario
from ..result import Result, SolverOptions, json_value
from .formulations import DEFAULT_FORMULATION
from .plan import base_roadmap
from .result import Roadmap, period_word
from .solve import solve_roadmap
from .values import START_COLUMNS, roadmap_normalizers

_FEASIBLE = ("optimal", "feasible")


@dataclass(frozen=True, kw_only=True)
class RoadmapExplanation(Explanation):
    """:class:`~prioritizer.analysis.explain.Explanation` on a roadmap, with the timing.

    start:
        Its start in the plan (label; None when out).
    forced_start:
        Out: the start the best plan with it forced in gives it (None: it cannot enter).
    fits_from, fits_from_value:
        Out: the earliest start at which it fits beside the plan unchanged, and its NPV there.
    blocked_by:
        Out: what keeps it out beside the plan at its earliest start: a logical rule first
        (a prerequisite not in the plan, an alternative in it, ...), else the limit it breaks
        (:func:`~prioritizer.roadmap.delay.cost_of_delay`).
    npv_lost_one_period_later, delay_note:
        In: how much its own NPV falls if it starts one period later, the rest of the plan as
        it is (currency; not a re-plan); NaN with a note when that start is not possible.
    moves:
        Initiatives whose start changes when it is forced in (out): ``ID 2027Q2→2027Q4``.
    """

    start: str | None = None
    forced_start: str | None = None
    fits_from: str | None = None
    fits_from_value: float = float("nan")
    blocked_by: str = ""
    npv_lost_one_period_later: float = float("nan")
    delay_note: str = ""
    moves: list[str] = field(default_factory=list)
    period: str = "period"

    def sentence(self, currency: str) -> str:
        """The explanation in business words, with when. The score margin is said in the
        score's units; the NPV quoted is the real change of the re-plan (``npv_change``)."""
        if self.forced_status in ("mandatory", "excluded"):
            text = f"{self.id} is {self.forced_status} by the scenario's rules"
            return text + (f"; it starts in {self.start}." if self.start else ".")
        amount = self.amount(currency)
        if self.selected:
            if not np.isfinite(self.value_margin):
                text = (
                    f"{self.id} is in, starting {self.start}, and cannot leave the roadmap "
                    f"under the rules ({self.forced_status} when forced out)."
                )
            else:
                text = (
                    f"{self.id} is in, starting {self.start}: its {self.score_name} could fall "
                    f"by {amount} before it would leave{self.without_it(currency)}."
                )
            if self.delay_note:
                text += f" A {self.period} later {self.delay_note}."
            elif np.isfinite(self.npv_lost_one_period_later):
                lost = self.npv_lost_one_period_later
                change = (
                    f"falls by {currency} {lost:,.0f}"
                    if lost >= 0
                    else f"rises by {currency} {-lost:,.0f}"
                )
                text += (
                    f" Its own NPV {change} if it starts a {self.period} later "
                    "(the rest of the plan as it is; a re-plan may lose more or less)."
                )
            return text
        if self.forced_start is None:
            reason = self.blocked_by or self.forced_status
            return f"{self.id} is out and cannot enter the roadmap under the rules ({reason})."
        text = f"{self.id} is out — not yet: it would enter starting {self.forced_start}"
        if self.joins:
            text += f" together with {and_list(self.joins)}"
        npv = self.npv_words(currency)
        text += f", lowering the {self.score_name} by {amount}{npv}"
        if self.displaces:
            text += f"{',' if npv else ''} and displacing {and_list(self.displaces)}"
        if self.moves:
            text += f" (moving {', '.join(self.moves)})"
        text += "."
        if self.fits_from is not None:
            text += (
                f" It fits beside this plan unchanged from {self.fits_from}, where it is worth "
                f"{currency} {self.fits_from_value:,.0f}."
            )
        elif self.blocked_by:
            text += f" Beside this plan unchanged it is blocked by {self.blocked_by}."
        return text


@dataclass(frozen=True, eq=False, kw_only=True)
class RoadmapExplanations(Explanations):
    """:class:`~prioritizer.analysis.explain.Explanations` of a roadmap (``roadmap``: the plan
    explained)."""

    roadmap: Roadmap

    def _table(self) -> pd.DataFrame:
        """The portfolio columns plus ``start``, ``forced_start``, ``fits_from`` (labels),
        ``npv_lost_one_period_later`` (currency) and ``moves``."""
        frame = super()._table()
        items = {e.id: e for e in self.items if isinstance(e, RoadmapExplanation)}
        for column in ("start", "forced_start", "fits_from", "npv_lost_one_period_later"):
            frame[column] = [getattr(items[i], column) if i in items else None for i in frame.index]
        frame["moves"] = [";".join(items[i].moves) if i in items else "" for i in frame.index]
        return frame

    def _payload(self) -> dict[str, Any]:
        payload = super()._payload()
        for record in payload["initiatives"]:
            for key, value in record.items():
                record[key] = json_value(value) if isinstance(value, float) else value
        payload["objective"] = self.roadmap.objective
        payload["roadmap"] = True
        return payload


def _explain_one(
    scenario: Scenario,
    roadmap: Roadmap,
    values: pd.DataFrame,
    delay: dict[str, Any],
    ident: str,
    options: SolverOptions,
) -> RoadmapExplanation:
    k = scenario.ids.index(ident)
    item = scenario.initiatives[k]
    chosen = ident in roadmap.selected
    plan = roadmap.chosen.set_index("id")
    start = str(plan.loc[ident, "start"]) if chosen else None
    word = period_word(scenario, 1)
    score_name = {"business": "NPV", "customer": "customer value", "blended": "blended score"}[
        scenario.objective.mode
    ]
    common: dict[str, Any] = {
        "id": ident,
        "name": item.name,
        "selected": chosen,
        "objective": roadmap.objective,
        "cost": item.cost,
        "cost_to_enter": None,
        "start": start,
        "period": word,
        "score_name": score_name,
    }
    fixed = (
        "mandatory"
        if ident in scenario.mandatory_ids()
        else "excluded"
        if ident in scenario.rules.excluded
        else ""
    )
    if fixed:
        return RoadmapExplanation(
            **common,
            objective_forced=float("nan"),
            value_margin=float("inf"),
            business_value_margin=float("inf"),
            forced_status=fixed,
        )
    forced_scenario = (
        scenario.with_overrides(force_out=[ident])
        if chosen
        else scenario.with_overrides(force_in=[ident])
    )
    forced = solve_roadmap(
        forced_scenario, _replan_options(options), values=values, formulation=DEFAULT_FORMULATION
    )
    ok = forced.status in _FEASIBLE
    margin = max(roadmap.objective - forced.objective, 0.0) if ok else float("inf")
    mode = scenario.objective
    if mode.mode == "business":
        business_margin = margin
    elif mode.mode == "blended" and mode.business_weight > 0:
        s_b, _ = roadmap_normalizers(roadmap.columns)
        business_margin = margin * s_b / mode.business_weight
    else:
        business_margin = float("nan")
    order = {i: n for n, i in enumerate(scenario.ids)}
    base_starts = dict(zip(plan.index, plan["start"], strict=True))
    forced_plan = forced.chosen.set_index("id") if ok else plan.iloc[:0]
    forced_starts = dict(zip(forced_plan.index, forced_plan["start"], strict=True))
    displaces = sorted(set(base_starts) - set(forced_starts) - {ident}, key=order.__getitem__)
    joins = sorted(set(forced_starts) - set(base_starts) - {ident}, key=order.__getitem__)
    moves = [
        f"{i} {base_starts[i]}→{forced_starts[i]}"
        for i in sorted(set(base_starts) & set(forced_starts) - {ident}, key=order.__getitem__)
        if base_starts[i] != forced_starts[i]
    ]
    npv_change = forced.business_value - roadmap.business_value if ok else None
    fits = delay.get("fits_from")  # a label, or None/NaN when it fits nowhere
    fits_value = delay.get("fits_from_value", float("nan"))
    lost = delay.get("npv_lost_one_period_later", float("nan"))
    return RoadmapExplanation(
        **common,
        objective_forced=forced.objective if ok else float("-inf"),
        value_margin=margin,
        business_value_margin=business_margin,
        displaces=[] if chosen else displaces,
        leaves_with=displaces if chosen else [],
        joins=joins,
        npv_change=npv_change,
        forced_status=forced.status,
        forced_start=None if chosen or not ok else str(forced_starts.get(ident)),
        fits_from=fits if isinstance(fits, str) and not chosen else None,
        fits_from_value=float(fits_value) if fits_value is not None else float("nan"),
        blocked_by="" if chosen else str(delay.get("blocked_by") or ""),
        npv_lost_one_period_later=float(lost) if lost is not None else float("nan"),
        delay_note=str(delay.get("delay_note") or ""),
        moves=moves,
    )


def _replan_options(options: SolverOptions) -> SolverOptions:
    """The options of a re-plan: as given, without the tie-break solve."""
    import dataclasses

    return dataclasses.replace(options, tie_break=False)


def explain_roadmap(
    scenario: Scenario,
    ids: list[str] | str | None = None,
    *,
    options: SolverOptions | None = None,
    base: Result | None = None,
    roadmap: Roadmap | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    **_ignored: Any,
) -> RoadmapExplanations:
    """Explain why initiatives are in or out of the best roadmap, and when they would enter.

    ``ids``: one id, a list, or None for every initiative; ``roadmap``: the plan to explain
    (planned here with ``options`` when omitted); ``base``: the one-lump optimum (kept for the
    analysis protocol). One re-plan per initiative (forced in or out).
    """
    options = options or SolverOptions()
    roadmap = roadmap if roadmap is not None else base_roadmap(scenario, options)
    base = base_result(scenario, options, base)
    wanted = [ids] if isinstance(ids, str) else (list(ids) if ids is not None else scenario.ids)
    for ident in wanted:
        scenario.initiative(ident)  # ScenarioError for an unknown id
    delay = roadmap.cost_of_delay()
    values = roadmap.columns[list(START_COLUMNS)]
    values.attrs["normalizers"] = roadmap_normalizers(roadmap.columns)
    tasks = [
        (scenario, roadmap, values, delay.loc[ident].to_dict(), ident, options) for ident in wanted
    ]
    items = run_tasks(_explain_one, tasks, workers=workers, executor=executor, progress=progress)
    return RoadmapExplanations(scenario, base, options, list(items), roadmap=roadmap)
