"""The ask: the executive summary's headline, what the portfolio returns and uses, and the
decisions asked (release or add budget, commission what others depend on, add people where
the marginal value is highest), each a :class:`~prioritizer.analysis.protocol.Finding`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .. import formatting as fmt
from ..analysis.protocol import Finding
from ..result import Result
from .story_facts import (
    _and,
    _count,
    _ids,
    _name,
    _names,
    _team,
    complaints_addressed,
    customers_kept,
    full_teams,
    value_span,
)


@dataclass(frozen=True)
class ExecutiveSummary:
    """The ask on one slide: the headline, what it returns, what it uses, the decisions."""

    headline: Finding
    returns: list[Finding]
    uses: list[Finding]
    asks: list[Finding]

    @property
    def lines(self) -> list[Finding]:
        """Every statement in reading order (headline excluded)."""
        return [*self.returns, *self.uses, *self.asks]


# -- the asks ---------------------------------------------------------------------------------
def released_budget(result: Result) -> float:
    """The one-off money the recommendation may spend: the total budget; for a roadmap's
    plan (:meth:`~prioritizer.roadmap.Roadmap.as_result`, whose value table carries the
    planned ``start``) with per-period budgets, their sum when that is smaller — money the
    periods never release cannot be spent, so it cannot be released either."""
    from ..periods import budget_released

    sc = result.scenario
    return budget_released(sc) if "start" in result.scores.columns else float(sc.budget)


def budget_ask(result: Result) -> Finding | None:
    """Release the budget the portfolio does not use (when more than 1% of it is unused): of
    a roadmap's plan with per-period budgets, what they release and it does not spend."""
    sc = result.scenario
    released = released_budget(result)
    unused = released - result.cost
    if unused <= 0.01 * released:
        return None
    periods = ""
    if released < sc.budget:
        from ..roadmap.result import period_word

        periods = (
            f" (the {period_word(sc)}' budgets add up to only "
            f"{fmt.headline_money(released, sc.currency)} of the "
            f"{fmt.headline_money(sc.budget, sc.currency)} total)"
        )
    return Finding(
        f"Release {fmt.money(unused, sc.currency)} of unused budget{periods}: nothing else "
        "worth funding fits the rules and teams",
        {
            "unused_budget": unused,
            "budget": sc.budget,
            "budget_released": released,
            "cost": result.cost,
        },
    )


def more_budget_ask(result: Result, frontier: Any) -> Finding | None:
    """When the whole budget is used: the next budget on the frontier that buys a different
    portfolio, what it costs and what it adds in NPV (only when it adds NPV)."""
    sc = result.scenario
    released = released_budget(result)
    if frontier is None or released - result.cost > 0.01 * released:
        return None
    for point in frontier.points:
        if point.budget <= sc.budget + 1e-6 or point.status not in ("optimal", "feasible"):
            continue
        if sorted(point.selected) == sorted(result.selected):
            continue
        extra = point.cost - result.cost
        gain = point.business_value - result.business_value
        if extra <= 0 or gain <= 0:
            return None
        return Finding(
            f"Decide whether {fmt.money(extra, sc.currency)} more would be worth "
            f"{fmt.money(gain, sc.currency)} more NPV (a budget of "
            f"{fmt.money(point.budget, sc.currency)})",
            {"extra_cost": extra, "business_value_gain": gain, "budget": point.budget},
        )
    return None


def dependency_ask(result: Result) -> Finding | None:
    """Commission first the chosen initiative that the most chosen value depends on."""
    sc = result.scenario
    chosen = set(result.selected)
    best: tuple[float, str, list[str]] | None = None
    for ident in result.selected:
        dependents = [i.id for i in sc.initiatives if i.id in chosen and ident in i.depends_on]
        if not dependents:
            continue
        value = float(result.scores.loc[dependents, "business_value"].sum())
        if best is None or value > best[0]:
            best = (value, ident, dependents)
    if best is None or best[0] <= 0:
        return None
    value, ident, dependents = best
    return Finding(
        f"Commission {_name(sc, ident)} first: {len(dependents)} chosen "
        f"initiative{'s' if len(dependents) > 1 else ''} worth "
        f"{fmt.money(value, sc.currency)} of NPV "
        f"{'depend' if len(dependents) > 1 else 'depends'} on it",
        {"initiative": ident, "dependents": dependents, "dependents_business_value": value},
    )


def capacity_ask(result: Result, marginal: Any) -> Finding | None:
    """Add people to the team whose extra capacity is worth most (marginal values): the
    least capacity that improves the optimum and what it brings in."""
    if marginal is None:
        return None
    table = marginal.to_frame()
    teams = table[[str(k).startswith("team:") for k in table.index]]
    teams = teams[teams["objective_gain_up"].fillna(0) > 0]
    if teams.empty:
        return None
    key = str(teams["objective_gain_up"].idxmax())
    row = teams.loc[key]
    team = key.removeprefix("team:")
    sc = result.scenario
    extra = float(row["next_improvement_at"]) - float(row["available"])
    enters = _ids(row["enters_first"])
    numbers: dict[str, Any] = {
        "team": team,
        "extra_person_days": extra,
        "enters": enters,
        "business_value_gain_up": float(row["business_value_gain_up"]),
    }
    if not math.isfinite(extra) or extra <= 0 or not enters:
        return None
    return Finding(
        f"Add {extra:,.0f} person-days to the {_team(team)} team: it brings in "
        f"{_names(sc, enters)}",
        numbers,
    )


def executive_summary(
    result: Result, results: dict[str, Any], evidence: Any = None
) -> ExecutiveSummary:
    """The ask in one slide, every number from ``result`` and the analyses' results."""
    sc = result.scenario
    cur = sc.currency
    n = len(result.selected)
    kept = customers_kept(result)
    complaints = complaints_addressed(result)
    headline = Finding(
        f"Approve {_count(n, 'initiative')} for {fmt.headline_money(result.cost, cur)}: "
        f"{fmt.headline_money(result.business_value, cur)} NPV and {kept:,.0f} customers kept "
        "a year",
        {
            "n_selected": n,
            "cost": result.cost,
            "business_value": result.business_value,
            "customers_kept_per_year": kept,
        },
    )
    span = value_span(sc)
    returns = [
        Finding(
            f"Returns {fmt.headline_money(result.business_value, cur)} net present value over "
            f"{span}, after all costs",
            {"business_value": result.business_value, "horizon_years": sc.horizon_years},
        ),
        Finding(
            f"Keeps {kept:,.0f} customers a year and fixes what {complaints:,.0f} complaints "
            "a year are about",
            {"customers_kept_per_year": kept, "complaints_per_year": complaints},
        ),
    ]
    if evidence is not None and evidence.addressed_share is not None:
        returns.append(
            Finding(
                f"Addresses {fmt.share(evidence.addressed_share)} of all customer feedback",
                {"addressed_share": evidence.addressed_share},
            )
        )
    ranking = results.get("ranking")
    if ranking is not None and ranking.feasible:
        returns.append(
            Finding(
                "Funding down a spreadsheet ranking would reach only "
                f"{fmt.share(ranking.share_of_optimum)} of this value",
                {"ranking_share_of_optimum": ranking.share_of_optimum},
            )
        )
    released = released_budget(result)
    if released < sc.budget:
        from ..roadmap.result import period_word

        of_budget = (
            f"of the {fmt.headline_money(released, cur)} the {period_word(sc)}' budgets "
            f"release (the total budget is {fmt.headline_money(sc.budget, cur)}; "
            f"{fmt.share(result.cost / released if released else math.nan)})"
        )
    else:
        of_budget = (
            f"of the {fmt.headline_money(sc.budget, cur)} budget "
            f"({fmt.share(result.cost / sc.budget if sc.budget else math.nan)})"
        )
    uses = [
        Finding(
            f"Uses {fmt.headline_money(result.cost, cur)} {of_budget}"
            + (
                f" and {fmt.headline_money(result.opex, cur)} a year of running cost"
                if result.opex
                else ""
            ),
            {
                "cost": result.cost,
                "budget": sc.budget,
                "budget_released": released,
                "opex_per_year": result.opex,
            },
        )
    ]
    full = full_teams(result)
    if full:
        uses.append(
            Finding(
                "Takes "
                + _and([f"{fmt.share(u)} of the {_team(t)} team's" for t, u in full.items()])
                + " person-days",
                {"full_teams": list(full), "share_used": full},
            )
        )
    asks = [
        Finding(
            f"Approve the {_count(n, 'initiative')} and {fmt.headline_money(result.cost, cur)} of "
            "one-off spend",
            {"n_selected": n, "cost": result.cost},
        )
    ]
    for ask in (
        budget_ask(result),
        more_budget_ask(result, results.get("frontier")),
        dependency_ask(result),
        capacity_ask(result, results.get("marginal")),
    ):
        if ask is not None:
            asks.append(ask)
    return ExecutiveSummary(headline, returns, uses, asks[:4])
