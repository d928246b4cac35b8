"""The steering pack's story in decision order, as plain data (no python-pptx, no matplotlib).

Every sentence is a :class:`~prioritizer.analysis.protocol.Finding`: the text and the numbers
it states, taken from the result objects of the pack (the base optimum and the analyses), so a
test can re-derive each number. The deck, the workbook and ``summary.md`` render this data.

Definitions used everywhere in the pack:

- *customers kept a year*: Σ ``retained_customers_per_year`` of the chosen initiatives
  (segment customers × churn reduction);
- *complaints addressed a year*: Σ ``voc_volume`` of the chosen initiatives (with evidence,
  the share of all feedback the portfolio addresses, each item counted once);
- *at full capacity*: a team whose chosen work uses ≥ 98% of its person-days
  (:data:`prioritizer.rules.FULL`, the roadmap's full periods too);
- *fragile pick*: a chosen initiative that the Monte Carlo draws choose less often than the
  core threshold.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..analysis.protocol import Finding
from ..models import Scenario
from ..result import Result
from .asks import (
    ExecutiveSummary,
    budget_ask,
    capacity_ask,
    dependency_ask,
    executive_summary,
    more_budget_ask,
)
from .story_facts import (
    FULL,
    MAX_ROWS,
    Row,
    Table,
    _and,
    _count,
    _ids,
    _name,
    _names,
    _team,
    chosen_frame,
    complaints_addressed,
    customers_kept,
    full_teams,
    value_span,
)

__all__ = [
    "FULL",
    "MAX_ROWS",
    "ExecutiveSummary",
    "Row",
    "Story",
    "Table",
    "budget_ask",
    "build_story",
    "capacity_ask",
    "chosen_frame",
    "complaints_addressed",
    "customers_kept",
    "dependency_ask",
    "executive_summary",
    "full_teams",
    "more_budget_ask",
]


@dataclass(frozen=True)
class Story:
    """Everything the pack says, in decision order."""

    summary: ExecutiveSummary
    funded: Table
    impact: pd.DataFrame
    """Per customer pain (pillar) of the chosen initiatives: ``cost``, ``business_value``,
    ``customers_kept_per_year``, ``complaints_per_year``, ``initiatives``."""
    risks: list[Finding]
    options: Table
    not_funded: Table
    every_initiative: Table
    method: list[str]
    warnings: list[str] = field(default_factory=list)
    """The scenario's load warnings (:attr:`~prioritizer.models.Scenario.warnings`, e.g.
    ``no-start-fits``: an initiative no start fits), in words: what to check before trusting
    the recommendation."""


NO_START = "No start fits"
"""What the pack shows for an initiative of a roadmap that no start fits (never an NPV)."""


def warning_lines(scenario: Scenario) -> list[str]:
    """The scenario's load warnings as lines (``where: message``), in the order read."""
    return [str(w) for w in scenario.warnings]


# -- the story ---------------------------------------------------------------------------------
def impact_by_pain(result: Result) -> pd.DataFrame:
    """The chosen initiatives per customer pain (pillar; "other" without one), most NPV
    first: ``initiatives``, ``cost``, ``business_value``, ``customers_kept_per_year``,
    ``complaints_per_year``, ``customer_value``."""
    chosen = chosen_frame(result).copy()
    chosen["pain"] = [str(p) if p else "other" for p in chosen["pillar"].fillna("")]
    grouped = chosen.groupby("pain").agg(
        initiatives=("name", "size"),
        cost=("cost", "sum"),
        business_value=("business_value", "sum"),
        customers_kept_per_year=("retained_customers_per_year", "sum"),
        complaints_per_year=("voc_volume", "sum"),
        customer_value=("customer_value", "sum"),
    )
    return grouped.sort_values("business_value", ascending=False)


def funded_table(result: Result) -> Table:
    """What we fund, grouped by the customer pain it fixes (most NPV first), names not ids,
    mandatory items flagged."""
    sc = result.scenario
    cur = sc.currency
    chosen = chosen_frame(result).copy()
    chosen["pain"] = [str(p) if p else "other" for p in chosen["pillar"].fillna("")]
    order = impact_by_pain(result).index
    mandatory = set(sc.mandatory_ids())
    rows: list[Row] = []
    for pain in order:
        group = chosen[chosen["pain"] == pain].sort_values("business_value", ascending=False)
        for k, (ident, row) in enumerate(group.iterrows()):
            flag = " (mandatory)" if ident in mandatory else ""
            rows.append(
                Row(
                    (
                        fmt.sentence(pain) if k == 0 else "",
                        str(row["name"]) + flag,
                        str(row["journey_stage"] or "–"),
                        fmt.money(row["cost"], cur),
                        fmt.money(row["business_value"], cur),
                        f"{row['retained_customers_per_year']:,.0f}",
                    ),
                    {"id": ident, "pain": pain, "mandatory": ident in mandatory},
                )
            )
    finding = Finding(
        f"What we fund: {_count(len(rows), 'initiative')} across "
        f"{_count(len(order), 'customer pain')}",
        {"n_selected": len(rows), "pains": list(order)},
    )
    return Table(
        finding,
        ("Customer pain", "Initiative", "Journey stage", "Cost", "NPV", "Customers kept a year"),
        rows,
        (2.3, 3.9, 1.9, 1.0, 1.25, 1.98),
    )


def risk_findings(result: Result, results: dict[str, Any]) -> list[Finding]:
    """Fragile picks by name, the assumption that changes the portfolio, what the ranges
    do and do not cover, teams at full capacity."""
    sc = result.scenario
    cur = sc.currency
    out: list[Finding] = []
    mc = results.get("montecarlo")
    if mc is not None:
        frame = mc.to_frame()
        fragile = frame[frame["in_base_portfolio"] & (frame["class"] != "core")]
        fragile = fragile.sort_values("selection_frequency")
        if len(fragile):
            shown = 4
            parts = [
                f"{row['name']} ({fmt.share(row['selection_frequency'])})"
                for _i, row in fragile.head(shown).iterrows()
            ]
            if len(fragile) > shown:
                parts[-1] += f" and {len(fragile) - shown} more"
            out.append(
                Finding(
                    f"{len(fragile)} of {len(result.selected)} picks "
                    f"{'is' if len(fragile) == 1 else 'are'} fragile, chosen in "
                    f"fewer than {fmt.share(mc.core_threshold)} of the simulated futures: "
                    + "; ".join(parts),
                    {"fragile": list(fragile.index), "core_threshold": mc.core_threshold},
                )
            )
        else:
            out.append(
                Finding(
                    f"Every pick is chosen in at least {fmt.share(mc.core_threshold)} of the "
                    "simulated futures",
                    {"fragile": [], "core_threshold": mc.core_threshold},
                )
            )
        dist = mc.portfolio_distribution()
        if "business_value" in dist.index:
            p10, p90 = (
                float(dist.loc["business_value", "p10"]),
                float(dist.loc["business_value", "p90"]),
            )
            out.append(
                Finding(
                    f"NPV of this portfolio: {fmt.money(p10, cur)} to {fmt.money(p90, cur)} "
                    f"in 80% of the {mc.feasible_draws:,} simulated futures",
                    {"p10": p10, "p90": p90, "draws": mc.feasible_draws},
                )
            )
    tornado = results.get("tornado")
    if tornado is not None:
        table = tornado.to_frame()
        changing = table[table["portfolio_changes"]]
        if len(changing):
            top = changing.iloc[0]
            out.append(
                Finding(
                    f"The choice is most sensitive to {_assumption(sc, str(top['assumption']))} "
                    f"({_number(top['low'])} to {_number(top['high'])}): within that range the "
                    "portfolio changes",
                    {"assumption": str(top["assumption"])},
                )
            )
    ranged = _ranged_fields(sc) if mc is not None or tornado is not None else []
    if ranged:  # what the simulated futures and the sensitivity cover (neither ran: nothing)
        out.append(
            Finding(
                "The ranges cover each initiative's "
                + ", ".join(ranged)
                + "; they do not cover delays, an initiative failing outright, or shocks "
                "that hit many initiatives at once",
                {"ranged_fields": ranged},
            )
        )
    full = full_teams(result)
    if full:
        out.append(
            Finding(
                "No slack: "
                + _and([f"{_team(t)} ({fmt.share(u)} used)" for t, u in full.items()])
                + (" are" if len(full) > 1 else " is")
                + " at full capacity, so any overrun delays other work",
                {"full_teams": list(full), "share_used": full},
            )
        )
    missing = not_analysed(results, ("montecarlo", "tornado"))
    if missing:
        out.append(
            Finding(
                "Not analysed in this pack: " + _and([ANALYSIS_WORDS[n] for n in missing]),
                {"not_analysed": missing},
            )
        )
    return out


ANALYSIS_WORDS = {
    "frontier": "what a larger budget would buy",
    "marginal": "what more people would buy",
    "tornado": "which assumption would change the choice",
    "montecarlo": "how the choice holds across simulated futures",
    "pareto": "the trade-off between NPV and customer value",
    "explain": "why each initiative is left out",
}
"""What each analysis the pack can leave out tells, in words (for "Not analysed in this
pack: ..."). The pack never states an analysis's conclusion when it did not run."""


def not_analysed(
    results: dict[str, Any], names: Sequence[str] = tuple(ANALYSIS_WORDS)
) -> list[str]:
    """The analyses of ``names`` that did not run in this pack (skipped, or not run on a
    roadmap), in the order given."""
    return [name for name in names if results.get(name) is None]


def not_analysed_line(scenario: Scenario, missing: Sequence[str]) -> str:
    """``Not analysed in this pack: ...`` for the analyses ``missing``; on a roadmap, with
    why: the one-set analyses ignore the plan's periods, and the ones that re-plan the whole
    roadmap per draw or per initiative run only when asked. Empty when nothing is missing."""
    if not missing:
        return ""
    if not scenario.periods:
        return "Not analysed in this pack: " + _and([ANALYSIS_WORDS[n] for n in missing]) + "."
    from ..analysis.registry import ROADMAP_ON_REQUEST

    one_set = [ANALYSIS_WORDS[n] for n in missing if n not in ROADMAP_ON_REQUEST]
    replan = [ANALYSIS_WORDS[n] for n in missing if n in ROADMAP_ON_REQUEST]
    parts = []
    if one_set:
        parts.append(
            _and(one_set) + " (these analyses choose one set at a time and ignore the plan's "
            "periods)"
        )
    if replan:
        parts.append(
            _and(replan) + " (each re-plans the whole roadmap many times, so it runs only "
            "when asked for)"
        )
    return "Not analysed in this pack: " + "; ".join(parts) + "."


def _assumption(scenario: Scenario, text: str) -> str:
    """A tornado assumption in words: ``PREMIUM-TIER churn_reduction_pp`` -> the
    initiative's name and the field's words."""
    head, _, rest = text.partition(" ")
    if head in scenario.ids and rest:
        return f"the {FIELD_WORDS.get(rest, fmt.words(rest))} of {_name(scenario, head)}"
    return text


FIELD_WORDS = {
    "voc_volume": "complaint volume",
    "ces_delta": "effort reduction",
    "churn_reduction_pp": "churn reduction",
    "cross_sell": "cross-sell",
    "cost_savings": "cost savings",
    "cost": "one-off cost",
    "opex": "running cost",
}


def _ranged_fields(scenario: Scenario) -> list[str]:
    from ..analysis.uncertainty import field_ranges

    return [FIELD_WORDS.get(f, fmt.words(f)) for f in field_ranges(scenario)]


def options_table(result: Result, results: dict[str, Any]) -> Table:
    """What more money or people would buy: the next budgets on the frontier above the
    scenario's budget and the least extra capacity per team that improves the optimum."""
    sc = result.scenario
    cur = sc.currency
    rows: list[Row] = []
    frontier = results.get("frontier")
    if frontier is not None:
        seen = {tuple(sorted(result.selected))}
        for point in frontier.points:
            if point.budget <= sc.budget + 1e-6 or point.status not in ("optimal", "feasible"):
                continue
            key = tuple(sorted(point.selected))
            if key in seen:
                continue
            seen.add(key)
            entered = [i for i in point.selected if i not in result.selected]
            left = [i for i in result.selected if i not in point.selected]
            rows.append(
                Row(
                    (
                        f"Budget {fmt.money(point.budget, cur)}",
                        f"+{fmt.money(point.cost - result.cost, cur)}",
                        _signed_money(point.business_value - result.business_value, cur),
                        _signed(point.customer_value - result.customer_value),
                        _brings_in(sc, entered, left),
                    ),
                    {
                        "kind": "budget",
                        "budget": point.budget,
                        "extra_cost": point.cost - result.cost,
                        "business_value_change": point.business_value - result.business_value,
                        "customer_value_change": point.customer_value - result.customer_value,
                    },
                )
            )
            if len(rows) >= 4:
                break
    marginal = results.get("marginal")
    if marginal is not None:
        table = marginal.to_frame()
        for key, row in table.iterrows():
            if not str(key).startswith("team:"):
                continue
            # priced by the marginal analysis' re-solve with the team at exactly this size
            extra = float(row["next_improvement_at"]) - float(row["available"])
            gain = float(row.get("objective_gain_next", math.nan))
            enters = _ids(row.get("enters_next", ""))
            leaves = _ids(row.get("leaves_next", ""))
            if not (math.isfinite(extra) and extra > 0 and gain > 0 and enters):
                continue
            business = float(row["business_value_gain_next"])
            customer = float(row["customer_value_gain_next"])
            rows.append(
                Row(
                    (
                        f"More people: {_team(str(key).removeprefix('team:'))} team",
                        f"{extra:,.0f} person-days",
                        _signed_money(business, cur),
                        _signed(customer),
                        _brings_in(sc, enters, leaves),
                    ),
                    {
                        "kind": "team",
                        "limit": str(key),
                        "extra_person_days": extra,
                        "business_value_change": business,
                        "customer_value_change": customer,
                        "enters": enters,
                        "leaves": leaves,
                    },
                )
            )
    # only what was analysed: a larger budget (frontier), more people (marginal values)
    missing = not_analysed(results, ("frontier", "marginal"))
    what = {
        (): "more money or people",
        ("marginal",): "more money",
        ("frontier",): "more people",
    }.get(tuple(missing), "")
    if not what:  # neither ran: no conclusion, only that it was not analysed
        finding = Finding(
            "What more money or people would buy: not analysed in this pack",
            {"options": 0, "not_analysed": missing},
        )
    else:
        numbers: dict[str, Any] = {"options": len(rows)}
        if missing:
            numbers["not_analysed"] = missing
        finding = (
            Finding(f"What {what} would buy: {_count(len(rows), 'priced option')}", numbers)
            if rows
            else Finding(f"{fmt.sentence(what)} would not buy more value", numbers)
        )
    shown = rows[:MAX_ROWS]
    npv_down = any(r.numbers["business_value_change"] < 0 for r in shown)
    customer_down = any(r.numbers["customer_value_change"] < 0 for r in shown)
    note = less_value_note(sc, npv_down=npv_down, customer_down=customer_down)
    # one of the two ran: the other is said not analysed under the options; neither ran: the
    # title says it, and on a roadmap why
    roadmap_why = ROADMAP_NO_OPTIONS if sc.periods else ""
    skipped = (
        "The options are priced by the efficient frontier (larger budgets) and the marginal "
        "values (more of each limit), both skipped in this pack: build it without --skip "
        "frontier,marginal, or run `prioritizer frontier` and `prioritizer marginal`."
    )
    gap = not_analysed_line(sc, missing) if what else (roadmap_why or skipped)
    notes = tuple(n for n in (note, gap) if n)
    return Table(
        finding,
        ("Option", "Extra cost", "NPV change", "Customer value change", "Brings in"),
        shown,
        (2.4, 2.0, 1.5, 2.1, 4.3),
        notes,
    )


ROADMAP_NO_OPTIONS = (
    "Larger budgets and more people are tried by analyses that choose one set at a time; "
    "they ignore a roadmap's periods, so a roadmap's pack leaves them out."
)
"""Why a roadmap's pack says nothing about what more money or people would buy."""


def _brings_in(scenario: Scenario, entered: list[str], left: list[str]) -> str:
    """What an option brings in by name, and how many of today's picks it drops."""
    text = _names(scenario, entered, 2) or "a different mix"
    return text + (f" (drops {_count(len(left), 'pick')})" if left else "")


def less_value_note(scenario: Scenario, *, npv_down: bool, customer_down: bool) -> str:
    """Why an option can add money or people and lower the NPV (or the customer value): the
    choice weighs both (``blended``) or aims at customer value (``customer``), so the extra
    can buy one at the expense of the other. Empty when no option lowers either, or when the
    choice weighs NPV alone (more money or people then never lowers it)."""
    objective = scenario.objective
    if objective.mode == "customer":
        weighs = "aims at the most customer value, not the most NPV"
        customer_down = False  # the optimum's customer value never falls with more room
    else:
        weighs = (
            f"weighs customer value ({fmt.share(objective.customer_weight)} of the combined "
            f"score) beside NPV ({fmt.share(objective.business_weight)})"
        )
    if objective.mode == "business" or not (npv_down or customer_down):
        return ""
    if npv_down and customer_down:
        what, trade = "NPV or customer value", "buy one at the expense of the other"
    elif npv_down:
        what, trade = "the NPV", "buy customer value at the expense of NPV"
    else:
        what, trade = "the customer value", "buy NPV at the expense of customer value"
    return f"Why {what} can fall: the choice {weighs}, so more money or people can {trade}."


def _number(value: Any) -> str:
    """A tornado bound as people read it: ``405,000``, ``0.3``, ``4,160`` (never ``4e+05``)."""
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return str(value)
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:,.3g}"


def _signed_money(value: float, currency: str) -> str:
    return ("+" if value >= 0 else "") + fmt.money(value, currency)


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value):,.0f}"


def not_funded_table(result: Result, results: dict[str, Any]) -> Table:
    """What we do not fund, most NPV first, why, and what would get it in.

    On a roadmap each is valued (NPV, currency) at its best start without budget or capacity
    limits, never before its earliest start or before its prerequisites could finish
    (:func:`~prioritizer.roadmap.delay.best_starts`); the reason names what blocks it beside
    the plan, a prerequisite not funded (with that one's NPV) before any limit."""
    sc = result.scenario
    cur = sc.currency
    explained = results.get("explain")
    rows: list[Row] = []
    out = result.portfolio[~result.portfolio["selected"]].copy()
    funded = set(result.selected)
    never: set[str] = set()  # a roadmap's initiatives no start fits: no NPV to show
    if sc.periods:  # at the best start its prerequisites allow, not its best start alone
        from ..roadmap.delay import best_starts, never_plannable
        from ..roadmap.values import start_values

        best = best_starts(sc, start_values(sc))
        never = never_plannable(sc, best)
        at = best["best_start_value"].astype(float).reindex(out.index)
        at[at.index.isin(list(never))] = math.nan
        out["business_value"] = at  # NaN: no start fits (never its one-lump NPV)
    out = out.sort_values("business_value", ascending=False, kind="stable", na_position="last")
    npv = {str(i): float(v) for i, v in out["business_value"].items()}

    def unfunded(ident: str) -> str:
        """``CRM-UPGRADE (not funded, NPV −€257k)``: a prerequisite left out, priced (or
        ``(not funded: no start fits)``)."""
        if ident in never or not math.isfinite(npv.get(ident, math.nan)):
            return f"{ident} (not funded: no start fits)"
        return f"{ident} (not funded, NPV {fmt.money(npv[ident], cur)})"

    items = {e.id: e for e in explained.items} if explained is not None else {}
    needs: dict[str, list[str]] = {}  # left out for a prerequisite not funded (roadmap)
    for ident, row in out.iterrows():
        item = items.get(str(ident))
        why, gets_in = "", ""
        missing = [d for d in sc.initiative(str(ident)).depends_on if d not in funded]
        if sc.periods and missing:
            needs[str(ident)] = missing
        if item is not None:
            why = "Less value than what it would replace"
            blocked = str(getattr(item, "blocked_by", "") or "")
            if item.forced_status == "excluded":
                why, gets_in = "Excluded by the scenario's rules", "A change of rules"
            elif not math.isfinite(item.value_margin):
                why, gets_in = "Cannot enter under the rules", "A change of rules"
            elif str(ident) in never and str(ident) not in needs:
                why, gets_in = "No start fits in the plan", "A later deadline or earlier start"
            else:
                if str(ident) in needs:
                    why = "Needs " + ", ".join(unfunded(d) for d in missing)
                elif blocked:  # a roadmap's reason beside the plan
                    logical = blocked.startswith(("its ", "at most", "at least"))
                    why = fmt.sentence(blocked) if logical else f"No room: {blocked}"
                elif item.blocking_texts or item.blocking_rules:
                    why = "No room in the " + _blocking_words(item.blocking_rules)
                if item.cost_to_enter is not None and item.cost_to_enter > 0:
                    gets_in = f"Cost down to {fmt.money(item.cost_to_enter, cur)}"
                elif math.isfinite(item.business_value_margin):
                    gets_in = f"{fmt.money(item.business_value_margin, cur)} more value"
        value = float(row["business_value"])
        cells: tuple[str, ...] = (
            str(row["name"]),
            fmt.money(value, cur) if math.isfinite(value) else NO_START,
            fmt.money(row["cost"], cur),
        )
        if explained is None:  # why not: not analysed; the pain it would fix instead
            cells += (fmt.sentence(str(row["pillar"] or "–")), str(row["journey_stage"] or "–"))
        else:
            cells += (why, gets_in)
        rows.append(Row(cells, {"id": ident, "business_value": value}))
    notes: tuple[str, ...] = ()
    if sc.periods:
        notes += (
            "NPV at the best start each could have without budget or capacity limits, never "
            "before its earliest start or before its prerequisites could finish.",
        )
        shown = [str(i) for i in out.index if str(i) in never]
        if shown:
            one = len(shown) == 1
            which = shown[0] if one else ", ".join(shown[:-1]) + " or " + shown[-1]
            notes += (
                f"No start fits {which}: {'its' if one else 'their'} window (earliest start, "
                "duration, deadline), prerequisites or cost and effort per period against "
                f"the per-period limits leave no start, so {'it is' if one else 'they are'} "
                f"left out of every roadmap and {'has' if one else 'have'} no NPV.",
            )
        if needs and explained is None:  # the reason column is not there to say it
            by_prerequisite: dict[str, list[str]] = {}
            for ident, missing in needs.items():
                for d in missing:
                    by_prerequisite.setdefault(d, []).append(ident)
            parts = []
            for d, dependents in by_prerequisite.items():
                named = dependents[:3] + (
                    [f"{len(dependents) - 3} more"] if len(dependents) > 3 else []
                )
                verb = "needs" if len(dependents) == 1 else "need"
                parts.append(f"{_and(named)} {verb} {unfunded(d)} too")
            notes += (fmt.sentence("; ".join(parts)) + ".",)
    if explained is None:
        return Table(
            Finding(
                f"What we do not fund: {_count(len(rows), 'initiative')}",
                {"n_not_selected": len(rows), "not_analysed": ["explain"]},
            ),
            ("Initiative", "NPV", "Cost", "Customer pain", "Journey stage"),
            rows,
            (4.4, 1.2, 1.2, 2.2, 2.5),
            (*notes, not_analysed_line(sc, ["explain"])),
        )
    finding = Finding(
        f"What we do not fund: {_count(len(rows), 'initiative')}, and what would get "
        f"{'it' if len(rows) == 1 else 'them'} in",
        {"n_not_selected": len(rows)},
    )
    return Table(
        finding,
        ("Initiative", "NPV", "Cost", "Why not", "What would get it in"),
        rows,
        (3.5, 1.2, 1.2, 3.6, 2.8),
        notes,
    )


def _blocking_words(rules: list[str]) -> str:
    words = []
    for rule in rules:
        if rule == "budget":
            words.append("budget")
        elif rule == "opex_budget":
            words.append("running-cost budget")
        elif rule.startswith("capacity["):
            words.append(_team(rule[len("capacity[") : -1]) + " team")
        elif rule.startswith("requires["):
            words.append("plan (needs another)")
        elif rule.startswith("exclusive"):
            words.append("alternative chosen")
        else:
            words.append(fmt.words(rule))
    unique = list(dict.fromkeys(words))
    if len(unique) <= 2:
        return " and ".join(unique)
    if len(unique) == 3:
        return f"{unique[0]}, {unique[1]} and {unique[2]}"
    more = len(unique) - 2  # said as a count, never a dangling "…"
    return f"{unique[0]}, {unique[1]} and {more} more limits"


def every_initiative_table(result: Result) -> Table:
    """Every initiative, chosen first then most NPV first."""
    sc = result.scenario
    cur = sc.currency
    frame = result.portfolio.sort_values(["selected", "business_value"], ascending=False)
    from ..roadmap.delay import never_plannable

    never = never_plannable(sc)
    if never:  # no start fits: no NPV (the one-lump one would not be the roadmap's)
        last = frame.index.isin(list(never)) & ~frame["selected"].to_numpy(dtype=bool)
        frame = pd.concat([frame[~last], frame[last]])
    mandatory = set(sc.mandatory_ids())
    rows = [
        Row(
            (
                str(row["name"]) + (" (mandatory)" if ident in mandatory else ""),
                fmt.sentence(str(row["pillar"] or "–")),
                str(row["journey_stage"] or "–"),
                fmt.money(row["cost"], cur),
                NO_START
                if str(ident) in never and not row["selected"]
                else fmt.money(row["business_value"], cur),
                "yes" if row["selected"] else "no",
            ),
            {"id": ident},
        )
        for ident, row in frame.iterrows()
    ]
    return Table(
        Finding("Every initiative", {"n": len(rows)}),
        ("Initiative", "Customer pain", "Journey stage", "Cost", "NPV", "Funded"),
        rows,
        (4.2, 2.3, 1.9, 1.0, 1.25, 1.3),
    )


def method_lines(
    result: Result, draws: int, seed: int, results: dict[str, Any] | None = None
) -> list[str]:
    """How the numbers were made, in plain words: only the analyses that ran in this pack
    (``results``; None: every analysis of the pack), then those that did not."""
    sc = result.scenario
    mode = sc.objective.mode
    weights = sc.objective.weights
    goal = {
        "business": "the largest net present value",
        "customer": "the most customer effort removed",
        "blended": (
            f"a mix of {fmt.share(weights.get('business', 0.0))} net present value and "
            f"{fmt.share(weights.get('customer', 0.0))} customer effort removed"
        ),
    }.get(mode, mode)
    status = fmt.status_words(result.status, result.gap)
    proof = (
        "and proved no other set does better"
        if status == "proven optimal"
        else f"and it is {status}"
    )
    span = value_span(sc)
    lines = [
        f"We chose the set of initiatives with {goal} that fits the budget, the running-cost "
        "budget, each team's person-days and every rule (dependencies, alternatives, "
        f"mandatory items), {proof}.",
        f"Value: customers kept × their lifetime value, plus cross-sell and savings, minus "
        f"running cost, over {span} at {fmt.share(sc.discount_rate, 1)} a year, minus the "
        "one-off cost.",
    ]
    ran = results if results is not None else dict.fromkeys(ANALYSIS_WORDS, True)
    if ran.get("montecarlo") is not None:
        lines.append(
            f"Robustness: {draws:,} simulated futures drawn within each estimate's range "
            f"(seed {seed}), the best set re-chosen in each."
        )
    larger = _and(
        [
            words
            for name, words in (("frontier", "budgets"), ("marginal", "team sizes"))
            if ran.get(name) is not None
        ]
    )
    if larger:
        lines.append(f"Options: the same choice repeated at larger {larger}.")
    missing = not_analysed(ran)
    if missing:
        lines.append(not_analysed_line(sc, missing))
    return lines


def build_story(
    result: Result,
    results: dict[str, Any],
    *,
    evidence: Any = None,
    draws: int = 0,
    seed: int = 0,
) -> Story:
    """The whole story of a pack from its base optimum and analyses' results."""
    return Story(
        summary=executive_summary(result, results, evidence),
        funded=funded_table(result),
        impact=impact_by_pain(result),
        risks=risk_findings(result, results),
        options=options_table(result, results),
        not_funded=not_funded_table(result, results),
        every_initiative=every_initiative_table(result),
        method=method_lines(result, draws, seed, results),
        warnings=warning_lines(result.scenario),
    )
