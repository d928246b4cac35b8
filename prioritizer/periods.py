"""Periods of a roadmap scenario (spec.md §5): labels, per-period limits and their checks.

Pure helpers over a scenario's ``periods`` settings; imported by :mod:`prioritizer.models` for
its cross-field checks and by :mod:`prioritizer.roadmap`. Period positions are 0-based: the
first label is period 0, the last is ``T - 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Scenario

Loc = tuple[str | int, ...]


def periods_per_horizon(scenario: Scenario) -> float:
    """H / m: benefit periods in ``horizon_years`` (a whole number when the scenario is valid)."""
    return scenario.horizon_years * 12 / scenario.period_length_months


def expand(limit: float | Sequence[float] | None, count: int) -> list[float] | None:
    """A per-period limit as a list of ``count`` numbers (a single number means every period)."""
    if limit is None:
        return None
    if isinstance(limit, int | float):
        return [float(limit)] * count
    return [float(v) for v in limit]


def period_budgets(scenario: Scenario) -> list[float] | None:
    """One-off spend allowed per period (currency), or None when not limited."""
    return expand(scenario.period_budgets, len(scenario.periods or ()))


def budget_released(scenario: Scenario) -> float:
    """The one-off money a roadmap may spend: the total budget, or the sum of the
    per-period budgets when that is smaller (currency)."""
    import math

    budgets = period_budgets(scenario)
    total = float(scenario.budget)
    return min(total, math.fsum(budgets)) if budgets else total


def period_teams(scenario: Scenario) -> dict[str, list[float]]:
    """Person-days per period for each team with a per-period limit."""
    count = len(scenario.periods or ())
    return {team: expand(v, count) or [] for team, v in scenario.period_teams.items()}


def all_teams(scenario: Scenario) -> list[str]:
    """Teams of ``teams`` then those only named in ``period_teams``, in order."""
    return list(dict.fromkeys([*scenario.teams, *scenario.period_teams]))


def label_index(scenario: Scenario, label: str) -> int:
    """Position of a period label (exact match first, then case-insensitive); KeyError if none."""
    labels = list(scenario.periods or ())
    if label in labels:
        return labels.index(label)
    folded = [p.casefold() for p in labels]
    wanted = label.strip().casefold()
    if wanted in folded:
        return folded.index(wanted)
    raise KeyError(label)


def start_window(scenario: Scenario, row: int) -> tuple[int, int]:
    """(first, last) allowed start period of initiative ``row`` (last < first: no start fits).

    The initiative must finish inside the plan (start <= T - duration), not start before its
    ``earliest_start`` and finish no later than its ``deadline`` period.
    """
    item = scenario.initiatives[row]
    count = len(scenario.periods or ())
    first = label_index(scenario, item.earliest_start) if item.earliest_start else 0
    last = count - item.duration
    if item.deadline:
        last = min(last, label_index(scenario, item.deadline) - item.duration + 1)
    return first, last


def _per_period_needs(scenario: Scenario, row: int) -> list[tuple[str | None, float, list[float]]]:
    """(team, or None for money; what initiative ``row`` needs in each period of work, its
    cost or effort spread evenly over them (spec.md §5); the per-period limits) for every
    per-period limit the scenario sets and the initiative uses."""
    item = scenario.initiatives[row]
    out: list[tuple[str | None, float, list[float]]] = []
    budgets = period_budgets(scenario)
    if budgets is not None:
        out.append((None, float(item.cost) / item.duration, budgets))
    for team, limits in period_teams(scenario).items():
        days = float(item.effort.get(team, 0.0) or 0.0) / item.duration
        if limits and days > 0:
            out.append((team, days, limits))
    return out


def _exceeds(need: float, cap: float) -> bool:
    return need > cap * (1 + 1e-9) + 1e-9


def start_overruns(scenario: Scenario, row: int, start: int) -> list[str]:
    """The per-period limits (``period_budgets``, ``period_teams``) that initiative ``row``
    started in period ``start`` breaks on its own: its cost and effort are spread evenly over
    its work periods (spec.md §5), so it needs cost/duration and effort/duration in each, and a
    start is impossible when that exceeds a limit in any of them, whatever else is planned.

    Each limit as a noun phrase (``the contact centre team's capacity of at most 250
    person-days a quarter, less than the 300 it needs a quarter``); empty when the start fits
    them all."""
    from . import formatting as fmt
    from .roadmap.result import period_word

    item = scenario.initiatives[row]
    count = len(scenario.periods or ())
    work = range(max(start, 0), min(start + item.duration, count))
    if not work:
        return []
    word, cur = period_word(scenario, 1), scenario.currency
    out: list[str] = []
    for team, need, limits in _per_period_needs(scenario, row):
        cap = min(limits[p] for p in work)
        if not _exceeds(need, cap):
            continue
        if team is None:
            out.append(
                f"the period budget of at most {cur} {cap:,.0f} a {word}, less than the "
                f"{cur} {need:,.0f} it needs a {word}"
            )
        else:
            out.append(
                f"the {fmt.team(team)} team's capacity of at most {cap:,.0f} person-days a "
                f"{word}, less than the {need:,.0f} it needs a {word}"
            )
    return out


def overrun_text(scenario: Scenario, row: int) -> str:
    """Why no start of initiative ``row`` inside its window fits the per-period limits on its
    own (``needs 300 contact centre person-days a quarter; the team has at most 250 in any
    quarter``), or "" when some start does or its window is empty."""
    from . import formatting as fmt
    from .roadmap.result import period_word

    first, last = start_window(scenario, row)
    if last < first or any(not start_overruns(scenario, row, s) for s in range(first, last + 1)):
        return ""
    item = scenario.initiatives[row]
    word, cur = period_word(scenario, 1), scenario.currency
    work = range(first, last + item.duration)
    reasons: list[str] = []
    for team, need, limits in _per_period_needs(scenario, row):
        cap = max(limits[p] for p in work)
        if not _exceeds(need, cap):
            continue
        if team is None:
            reasons.append(
                f"needs {cur} {need:,.0f} a {word}; the period budget is at most "
                f"{cur} {cap:,.0f} in any {word}"
            )
        else:
            reasons.append(
                f"needs {need:,.0f} {fmt.team(team)} person-days a {word}; the team has "
                f"at most {cap:,.0f} in any {word}"
            )
    if not reasons:  # each start breaks some limit, but no single limit breaks them all
        reasons.append(
            f"its cost and effort spread over {item.duration} "
            f"{period_word(scenario, item.duration)} break a per-period budget or team "
            "capacity from every start"
        )
    return "; ".join(reasons)


def live_by(scenario: Scenario, deadline: str) -> str:
    """The period label an initiative must be live by when ``deadline`` (a label) is its last
    period of work: the next one, or "the end of the plan" after the last."""
    labels = list(scenario.periods or ())
    last = label_index(scenario, deadline)
    return labels[last + 1] if last + 1 < len(labels) else "the end of the plan"


def window_warnings(scenario: Scenario) -> list[tuple[int, str]]:
    """(row, message) for each initiative that no start fits — its earliest start, duration
    and deadline (or the end of the plan) leave no period to start in. Not mandatory: it is
    left out of every roadmap, which the user should hear at load time. Mandatory: every
    roadmap of the scenario is infeasible (the roadmap's diagnosis explains it too), which
    ``validate`` should say before anything is solved. Also each initiative whose own cost or
    effort per period of work (spread evenly, spec.md §5) exceeds a per-period budget or team
    capacity from every start of its window (:func:`overrun_text`)."""
    labels = list(scenario.periods or ())
    mandatory = set(scenario.mandatory_ids())
    out: list[tuple[int, str]] = []
    for row, item in enumerate(scenario.initiatives):
        first, last = start_window(scenario, row)
        if last >= first:
            over = overrun_text(scenario, row)
            if over:
                out.append((row, _overrun_warning(item.id, over, item.id in mandatory)))
            continue
        done_by = (
            f"must be done by {item.deadline}" if item.deadline else f"must end by {labels[-1]}"
        )
        since = f"may not start before {labels[first]}, " if item.earliest_start else ""
        window = f"it {since}needs {item.duration} periods and {done_by}"
        if item.id in mandatory:
            text = (
                f"{item.id} is mandatory but can never be planned: {window}; every roadmap of "
                "this scenario is infeasible (change earliest_start, duration or deadline, or "
                "make it not mandatory)"
            )
        else:
            text = (
                f"{item.id} can never be planned: {window}; it is left out of every roadmap "
                "(change earliest_start, duration or deadline, or make it mandatory to see the "
                "conflict)"
            )
        out.append((row, text))
    return out


def _overrun_warning(ident: str, over: str, mandatory: bool) -> str:
    """The load warning for an initiative that no start fits on its own: ``over`` says which
    per-period limit its evenly spread cost or effort exceeds (:func:`overrun_text`)."""
    if mandatory:
        return (
            f"{ident} is mandatory but can never be planned: it {over}; every roadmap of this "
            "scenario is infeasible (raise the per-period limit, or lengthen its duration so "
            "each period needs less)"
        )
    return (
        f"{ident} can never be planned: it {over}; it is left out of every roadmap (raise the "
        "per-period limit, or lengthen its duration so each period needs less)"
    )


def period_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Located problems of the roadmap settings and columns (empty for a v1 scenario)."""
    problems: list[tuple[Loc, str]] = []
    periods = scenario.periods
    if periods is None:
        for key in ("period_budgets", "period_teams"):
            if getattr(scenario, key):
                problems.append(((key,), "needs `periods`: a list of period labels"))
        return problems
    count = len(periods)
    if count == 0:
        problems.append((("periods",), "the list of periods is empty; give at least one label"))
        return problems
    seen: dict[str, int] = {}
    for k, label in enumerate(periods):
        key = label.casefold()
        if key in seen:
            problems.append((("periods", k), f"duplicate period label {label!r}"))
        seen.setdefault(key, k)
    if len(seen) == count:
        problems += _calendar_order(list(periods))
    ratio = scenario.horizon_years * 12 / scenario.period_length_months
    if abs(ratio - round(ratio)) > 1e-9:
        problems.append(
            (
                ("period_length_months",),
                f"horizon_years × 12 / period_length_months must be a whole number of periods "
                f"(got {scenario.horizon_years} × 12 / {scenario.period_length_months})",
            )
        )
    budgets = scenario.period_budgets
    if budgets is not None and len(budgets) != count:
        problems.append(
            (
                ("period_budgets",),
                f"has {len(budgets)} values but there are {count} periods; give one per period "
                "or a single number for every period",
            )
        )
    for team, limit in scenario.period_teams.items():
        if len(limit) != count:
            problems.append(
                (
                    ("period_teams", team),
                    f"has {len(limit)} values but there are {count} periods; give one per period "
                    "or a single number for every period",
                )
            )
    for row, item in enumerate(scenario.initiatives):
        index: dict[str, int] = {}
        for column in ("earliest_start", "deadline"):
            label = getattr(item, column)
            if not label:
                continue
            try:
                index[column] = label_index(scenario, label)
            except KeyError:
                problems.append(
                    (
                        ("initiatives", row, column),
                        f"unknown period label {label!r}; expected one of {list(periods)}",
                    )
                )
        if item.duration > count:
            problems.append(
                (
                    ("initiatives", row, "duration"),
                    f"duration {item.duration} periods is longer than the plan ({count} periods)",
                )
            )
        early, late = index.get("earliest_start", 0), index.get("deadline", count - 1)
        if late < early:
            problems.append(
                (
                    ("initiatives", row, "deadline"),
                    f"deadline {item.deadline!r} is before the earliest start "
                    f"{item.earliest_start!r}",
                )
            )
    return problems


def _calendar_order(labels: list[str]) -> list[tuple[Loc, str]]:
    """Calendar labels (``2027Q1``, ``2027-01``, ``2027H1``, ``2027``) must be consecutive
    periods of one length, in calendar order: the roadmap counts period k as k periods after
    the first (discounting, go-lives, the cost of delay), so a missing quarter or a label out
    of order puts the plan on the wrong clock. Free labels (``Sprint 1``) are not checked."""
    from .tracking.calendar import calendar_span

    spans = [calendar_span(label) for label in labels]
    if not spans or any(span is None for span in spans):
        return []
    known = [span for span in spans if span is not None]
    months = [(end.year - start.year) * 12 + end.month - start.month for start, end in known]
    if len(set(months)) > 1:
        return [
            (
                ("periods",),
                "the periods mix lengths ("
                + ", ".join(f"{label}: {m} months" for label, m in zip(labels, months, strict=True))
                + "); every period of a roadmap is as long as the others — use one kind of "
                "label (all quarters, all months, ...)",
            )
        ]
    for k in range(1, len(known)):
        before, after = known[k - 1], known[k]
        if after[0] == before[1]:
            continue
        if after[0] < before[1]:
            text = (
                f"{labels[k]!r} comes after {labels[k - 1]!r} but is not later in the "
                "calendar; list the periods in calendar order"
            )
        else:
            text = (
                f"{labels[k]!r} follows {labels[k - 1]!r}, leaving a gap in the calendar; "
                "list every period in order (a period where nothing may be spent gets a "
                "period budget of 0)"
            )
        return [(("periods", k), text)]
    return []


def expand_period_limits(data: Any) -> Any:
    """Raw scenario settings with a single-number ``period_budgets`` or ``period_teams`` entry
    turned into one value per period (a one-value list when ``periods`` is missing)."""
    if not isinstance(data, dict):
        return data
    periods = data.get("periods")
    count = len(periods) if isinstance(periods, list | tuple) else 1

    def spread(value: Any) -> Any:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        return [value] * count if is_number else value

    out = dict(data)
    if "period_budgets" in out:
        out["period_budgets"] = spread(_by_label(out["period_budgets"], periods, "period_budgets"))
    teams = out.get("period_teams")
    if isinstance(teams, dict):
        out["period_teams"] = {
            team: spread(_by_label(v, periods, f"period_teams.{team}")) for team, v in teams.items()
        }
    return out


class PeriodLimitError(ValueError):
    """A per-period limit written by period label that does not match ``periods``; ``key``
    names the setting (``period_budgets``, ``period_teams.digital``)."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def _by_label(value: Any, periods: Any, key: str) -> Any:
    """A per-period limit written as a mapping ``{2027Q1: 350000, ...}`` as the list in the
    order of ``periods`` (labels matched without case); any other value unchanged. Raises
    :class:`PeriodLimitError` naming the unknown labels, or the periods without a value."""
    if not isinstance(value, dict) or not isinstance(periods, list | tuple):
        return value
    labels = [str(coerce_label(label)) for label in periods]
    given = {str(coerce_label(k)).strip().casefold(): v for k, v in value.items()}
    known = {label.casefold() for label in labels}
    unknown = [str(k) for k in value if str(coerce_label(k)).strip().casefold() not in known]
    span = f"{labels[0]}…{labels[-1]}" if labels else "none"
    if unknown:
        raise PeriodLimitError(
            f"unknown period label(s) {', '.join(unknown)}; the keys must be labels of "
            f"`periods` ({span}), or give a list with one value per period in their order",
            key,
        )
    missing = [label for label in labels if label.casefold() not in given]
    if missing:
        raise PeriodLimitError(
            f"no value for {', '.join(missing)}; give every period a value (0 where nothing "
            "may be spent), or a single number for every period",
            key,
        )
    return [given[label.casefold()] for label in labels]


def coerce_label(value: Any) -> Any:
    """Period labels typed as numbers in YAML/CSV (``2027``) are text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value
