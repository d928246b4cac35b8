"""The roadmap's findings as data, computed from the roadmap's own tables (never read back
from a chart): the titles of the four roadmap charts and the slides that show them."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np

from .. import formatting as fmt
from ..analysis.protocol import Finding
from ..rules import FULL

if TYPE_CHECKING:
    from .result import Roadmap


def live_by(roadmap: Roadmap) -> tuple[str, int]:
    """Halfway through the plan: the go-live period that ends its first half and how many
    chosen initiatives are live by it (go-live in it or before: work done by the end of the
    first half). "Live by" names a go-live period, as in a deadline's wording
    (:func:`prioritizer.periods.live_by`): work through 2027Q2 is live by 2027Q3."""
    count = len(roadmap.labels)
    half = max(1, count // 2)  # go-live index that ends the first half
    chosen = roadmap.chosen
    early = int((chosen["go_live_index"] <= half).sum())
    label = roadmap.labels[half] if half < count else "the end of the plan"
    return label, early


def gantt_finding(roadmap: Roadmap) -> Finding:
    """How many planned initiatives are live halfway through the plan, and the plan's NPV."""
    cur = roadmap.scenario.currency
    label, early = live_by(roadmap)
    planned = len(roadmap.chosen)
    return Finding(
        f"{early} of {planned} planned initiative{'' if planned == 1 else 's'} "
        f"{'is' if early == 1 else 'are'} live by {label}; "
        f"the plan is worth {fmt.money(roadmap.business_value, cur)} (NPV)",
        {
            "live_by": label,
            "live": early,
            "planned": planned,
            "business_value": roadmap.business_value,
        },
    )


def spend_finding(roadmap: Roadmap) -> Finding:
    """Where spend fills the per-period budget (or peaks), and the share of the released
    money used."""
    sc = roadmap.scenario
    cur = sc.currency
    table = roadmap.by_period()
    spend = table["spend"].to_numpy(dtype=float)
    limit = table["spend_limit"].to_numpy(dtype=float)
    peak = int(np.argmax(spend)) if len(spend) else 0
    numbers: dict[str, object] = {"total_spend": float(spend.sum())}
    if not np.isnan(limit).all():
        released = roadmap.budget_released()  # capped by the total budget
        used = float(spend.sum()) / released if released > 0 else math.nan
        full = [
            str(table.index[k])
            for k in range(len(table))
            if not math.isnan(limit[k]) and spend[k] >= FULL * limit[k]
        ]
        numbers.update(full=";".join(full), share_used=used)
        head = (
            f"Spend fills the budget in {_listing(full, 3)}"
            if full
            else f"Spend peaks in {table.index[peak]} at {fmt.money(spend[peak], cur)}"
        )
        return Finding(f"{head}; {fmt.share(used)} of the money released is used", numbers)
    numbers.update(peak=str(table.index[peak]), peak_spend=float(spend[peak]))
    return Finding(
        f"Spend peaks in {table.index[peak]} at {fmt.money(spend[peak], cur)} "
        f"(total {fmt.money(spend.sum(), cur)} of {fmt.money(sc.budget, cur)})",
        numbers,
    )


def team_shares(roadmap: Roadmap) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Teams, and per team and period: use, limit (the per-period limit, else an even share
    of the plan capacity) and the share used."""
    sc = roadmap.scenario
    table = roadmap.by_period()
    teams = [c.removesuffix("_use") for c in table.columns if c.endswith("_use")]
    count = len(table)
    uses = np.zeros((len(teams), count))
    limits = np.zeros((len(teams), count))
    for r, team in enumerate(teams):
        use = table[f"{team}_use"].to_numpy(dtype=float)
        limit = table[f"{team}_limit"].to_numpy(dtype=float)
        if np.isnan(limit).all():
            even = sc.teams.get(team, 0.0) / count if count else 0.0
            limit = np.full(count, even if even > 0 else max(use.max(), 1.0))
        uses[r], limits[r] = use, limit
    share = np.divide(uses, limits, out=np.zeros_like(uses), where=limits > 0)
    return teams, uses, limits, share


def team_name(team: str) -> str:
    """A team key in plain words: ``contact_centre`` -> ``Contact centre team``."""
    return fmt.limit_label(f"Team {team}")


def capacity_finding(roadmap: Roadmap) -> Finding:
    """The team that is full in most periods (the bottleneck), or the busiest one."""
    teams, _uses, _limits, share = team_shares(roadmap)
    periods = [str(p) for p in roadmap.by_period().index]
    if not teams:
        return Finding("No team capacities in this scenario", {})
    fulls = (share >= FULL).sum(axis=1)
    r = int(np.argmax(fulls)) if fulls.max() > 0 else int(np.argmax(share.max(axis=1)))
    c = int(np.argmax(share[r]))
    full = [periods[k] for k in range(len(periods)) if share[r, k] >= FULL]
    numbers = {"team": teams[r], "full": ";".join(full), "share": float(share[r, c])}
    if full:
        return Finding(
            f"The {team_name(teams[r])[:1].lower()}{team_name(teams[r])[1:]} is the "
            f"bottleneck: full in {_listing(full, 4)}",
            numbers,
        )
    return Finding(
        f"No team is full; the busiest is the {team_name(teams[r]).lower()} in {periods[c]} "
        f"({fmt.share(float(share[r, c]))})",
        numbers,
    )


def payback(cumulative: np.ndarray) -> int | None:
    """The first period the cumulative NPV is back at or above 0 after its low, or None."""
    positive = np.flatnonzero(cumulative >= 0)
    if len(positive) and cumulative.min() < 0:
        after = positive[positive > int(np.argmin(cumulative))]
        return int(after[0]) if len(after) else None
    return None


def value_finding(roadmap: Roadmap) -> Finding:
    """When the plan pays back and what it is worth at the end of the evaluation."""
    flows = roadmap.value_over_time()
    names = extended_labels(roadmap.labels, len(flows))
    cumulative = flows["cumulative_present_value"].to_numpy(dtype=float)
    back = payback(cumulative)
    final = float(cumulative[-1])
    money = fmt.money(final, roadmap.scenario.currency)
    numbers = {"final_value": final, "payback": None if back is None else names[back]}
    if back is not None:
        return Finding(
            f"The plan pays back in {names[back]} and is worth {money} by {names[-1]}", numbers
        )
    return Finding(f"The plan is worth {money} by {names[-1]}", numbers)


def _listing(items: list[str], most: int) -> str:
    """``a, b and c`` (``a, b, c and 4 more`` past ``most``)."""
    shown = items[:most]
    rest = len(items) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


_CALENDAR_KINDS: tuple[tuple[re.Pattern[str], int], ...] = (
    # (pattern, periods a year); groups "y" (year) and "n" (the period in the year)
    (re.compile(r"^(?:fy)?(?P<y>\d{4})\s*[-_/ ]?\s*q(?P<n>[1-4])$", re.IGNORECASE), 4),
    (re.compile(r"^q(?P<n>[1-4])\s*[-_/ ]?\s*(?:fy)?(?P<y>\d{4})$", re.IGNORECASE), 4),
    (re.compile(r"^(?:fy)?(?P<y>\d{4})\s*[-_/ ]?\s*h(?P<n>[12])$", re.IGNORECASE), 2),
    (re.compile(r"^h(?P<n>[12])\s*[-_/ ]?\s*(?:fy)?(?P<y>\d{4})$", re.IGNORECASE), 2),
    (re.compile(r"^(?P<y>\d{4})\s*[-_/ mM]\s*(?P<n>\d{1,2})$"), 12),
    (re.compile(r"^(?:fy)?\s*(?P<y>\d{4})$", re.IGNORECASE), 1),
)
"""The calendar labels :func:`prioritizer.tracking.calendar.calendar_span` reads: quarters
(``2027Q1``, ``2027-Q1``, ``Q1 2027``), half-years (``2027H1``, ``H2 2027``), months
(``2027-03``, ``2027M03``) and years (``2027``, ``FY2027``)."""


def next_labels(label: str, count: int) -> list[str] | None:
    """The ``count`` calendar labels after ``label``, in its own spelling (``2027H2`` →
    ``2028H1``, ``2028H2``; ``2027-12`` → ``2028-01``; ``Q4 2027`` → ``Q1 2028``), or None
    when ``label`` is not a calendar label."""
    text = str(label).strip()
    for pattern, per_year in _CALENDAR_KINDS:
        found = pattern.match(text)
        if found is None:
            continue
        year, sub = int(found["y"]), int(found["n"]) if found.groupdict().get("n") else 1
        if not 1 <= sub <= per_year:
            continue
        width = len(found["n"]) if found.groupdict().get("n") else 0
        (y0, y1), n_span = found.span("y"), found.span("n") if width else (0, 0)
        out = []
        index = year * per_year + sub - 1
        for step in range(1, count + 1):
            y, n = divmod(index + step, per_year)
            pieces = [(y0, y1, f"{y:04d}")]
            if width:
                pieces.append((n_span[0], n_span[1], f"{n + 1:0{width}d}"))
            spelled = text
            for start, end, value in sorted(pieces, reverse=True):  # right to left
                spelled = spelled[:start] + value + spelled[end:]
            out.append(spelled)
        return out
    return None


def extended_labels(labels: list[str], total: int) -> list[str]:
    """Period labels continued past the plan in the last label's own spelling (``2028Q4`` →
    ``2029Q1``; ``2028H2`` → ``2029H1``; ``2027-12`` → ``2028-01``; ``2028`` → ``2029``:
    :func:`next_labels`); free labels (``Sprint 8``) go on as ``+1``, ``+2`` ..."""
    out = list(labels)
    extra = max(0, total - len(labels))
    following = next_labels(labels[-1], extra) if labels and extra else None
    if following is not None:
        return out + following
    return out + [f"+{k}" for k in range(1, extra + 1)]
