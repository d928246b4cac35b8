"""One what-if: the settings the explorer's controls say (:class:`Settings`) and the answer to
them against the base case (:class:`Outcome`: KPI strip, portfolio table, headline)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import formatting as fmt
from ..diagnose import Diagnosis
from ..models import Scenario
from ..result import Result

if TYPE_CHECKING:
    from ..analysis.ranking import RankingComparison

FEASIBLE = ("optimal", "feasible")
MODES = ("business", "customer", "blended")


def team_labels(teams: Iterable[str]) -> dict[str, str]:
    """Each team's label as the rest of the tool writes it (:func:`prioritizer.formatting.
    limit_label`): ``contact_centre`` -> ``Contact centre team``, ``it`` -> ``IT team``;
    two teams that would read the same get their key in brackets."""
    names = list(teams)
    labels = {team: fmt.limit_label(f"Team {team}") for team in names}
    seen = Counter(labels.values())
    return {t: label if seen[label] == 1 else f"{label} ({t})" for t, label in labels.items()}


def _number(key: str, value: Any) -> float:
    """A setting's number: a float, or a string that reads as one (``"3e6"``); anything
    else is refused with a message naming the setting."""
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, got {value!r}") from None
    if math.isnan(number):
        raise ValueError(f"{key} must be a number, got {value!r}")
    return number


@dataclass(frozen=True)
class Settings:
    """What the explorer's controls say: one what-if.

    Attributes
    ----------
    budget:
        One-off budget (currency).
    teams:
        Each team's capacity (person-days), as ``(name, days)`` pairs in the scenario's order.
    mode:
        Objective mode: ``business``, ``customer`` or ``blended``.
    business_weight:
        Weight of business value in the blended objective (0-1; customer gets the rest).
    force_in, force_out:
        Initiative ids that must (must not) be chosen.
    """

    budget: float
    teams: tuple[tuple[str, float], ...]
    mode: str
    business_weight: float
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()

    @classmethod
    def of(cls, scenario: Scenario) -> Settings:
        """The settings of a scenario as it is (the base case)."""
        return cls(
            budget=float(scenario.budget),
            teams=tuple((name, float(days)) for name, days in scenario.teams.items()),
            mode=scenario.objective.mode,
            business_weight=float(scenario.objective.business_weight),
        )

    @property
    def team_capacity(self) -> dict[str, float]:
        """Team capacities as a dict (person-days)."""
        return dict(self.teams)

    def changed(self, **changes: Any) -> Settings:
        """These settings with some changed; ``teams`` may name only the teams that move."""
        for key in ("budget", "business_weight"):
            if key in changes:
                changes[key] = _number(key, changes[key])
        if "teams" in changes:
            if not isinstance(changes["teams"], dict):
                raise ValueError(
                    "teams must map a team to its capacity in person-days, e.g. "
                    f"{{'{self.teams[0][0] if self.teams else 'digital'}': 1200}}; "
                    f"got {changes['teams']!r}"
                )
            changes["teams"] = {k: _number(f"teams[{k!r}]", v) for k, v in changes["teams"].items()}
            teams = dict(self.teams)
            unknown = sorted(set(changes["teams"]) - set(teams))
            if unknown:
                raise ValueError(f"unknown team(s) {unknown}; expected one of {sorted(teams)}")
            teams.update({k: float(v) for k, v in changes["teams"].items()})
            changes["teams"] = tuple((name, teams[name]) for name, _ in self.teams)
        for key in ("force_in", "force_out"):
            if key in changes:
                ids = changes[key]
                if ids is None:
                    ids = ()
                elif isinstance(ids, str):  # one id, not its letters
                    ids = (ids,)
                elif not isinstance(ids, Iterable):
                    raise ValueError(
                        f"{key} must be a list of initiative ids (or one id), got {ids!r}"
                    )
                changes[key] = tuple(dict.fromkeys(str(i) for i in ids))
        if "mode" in changes and changes["mode"] not in MODES:
            raise ValueError(f"mode must be one of {list(MODES)}, got {changes['mode']!r}")
        if "business_weight" in changes and not 0.0 <= float(changes["business_weight"]) <= 1.0:
            raise ValueError("business_weight must lie between 0 and 1")
        if "budget" in changes and not changes["budget"] >= 0:
            raise ValueError(f"budget must be a number >= 0, got {changes['budget']!r}")
        if "teams" in changes and not all(days >= 0 for _team, days in changes["teams"]):
            raise ValueError("a team's capacity must be a number >= 0 (person-days)")
        return replace(self, **changes)

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario with these settings (the scenario itself stays untouched)."""
        return scenario.with_overrides(
            budget=self.budget,
            teams=self.team_capacity or None,
            objective=self.mode,
            weights={"business": self.business_weight, "customer": 1.0 - self.business_weight},
            force_in=self.force_in,
            force_out=self.force_out,
        )

    def differences(self, base: Settings, currency: str) -> list[str]:
        """What these settings change against ``base``, in words (empty when nothing)."""
        notes: list[str] = []
        if self.budget != base.budget:
            notes.append(
                f"budget {fmt.amount(base.budget, currency)} -> {fmt.amount(self.budget, currency)}"
            )
        old = base.team_capacity
        for name, days in self.teams:
            if days != old.get(name):
                notes.append(f"team {name} {old.get(name, 0):,.0f} -> {days:,.0f} person-days")
        if self.mode != base.mode:
            notes.append(f"objective {base.mode} -> {self.mode}")
        if self.mode == "blended" and abs(self.business_weight - base.business_weight) > 1e-12:
            notes.append(
                f"business weight {base.business_weight:.0%} -> {self.business_weight:.0%}"
            )
        if self.force_in:
            notes.append("forced in: " + ", ".join(self.force_in))
        if self.force_out:
            notes.append("forced out: " + ", ".join(self.force_out))
        return notes

    def snapped(self, base: Settings, rel: float = 1e-9) -> Settings:
        """These settings with each number within ``rel`` (relative) of ``base``'s replaced by
        ``base``'s: a slider that rounds its value to its step (0.6 -> 0.6000000000000001)
        does not make a new what-if."""

        def near(value: float, target: float) -> float:
            return target if abs(value - target) <= rel * max(1.0, abs(target)) else value

        old = base.team_capacity
        return replace(
            self,
            budget=near(self.budget, base.budget),
            teams=tuple((name, near(days, old.get(name, days))) for name, days in self.teams),
            business_weight=near(self.business_weight, base.business_weight),
        )

    def as_changes(self) -> dict[str, Any]:
        """These settings as keyword arguments of :meth:`changed`."""
        return {
            "budget": self.budget,
            "teams": self.team_capacity,
            "mode": self.mode,
            "business_weight": self.business_weight,
            "force_in": self.force_in,
            "force_out": self.force_out,
        }

    def without_budget(self) -> Settings:
        """The settings that shape the frontier (everything but the budget)."""
        return replace(self, budget=0.0)


@dataclass(frozen=True, eq=False)
class Outcome:
    """The answer to one what-if: the solve, against the base case.

    ``result.status`` is ``optimal``/``feasible`` or ``infeasible`` (then ``diagnosis`` says
    why in words) or ``error``. ``entered``/``left`` list ids (input order) chosen now but not
    in the base case, and the reverse. ``reused``: answered from an earlier solve that settles
    this budget too (see :mod:`.cover`), not solved again; ``elapsed_s``: seconds to answer.
    """

    generation: int
    settings: Settings
    scenario: Scenario
    result: Result
    base: Result
    diagnosis: Diagnosis | None = None
    ranking: RankingComparison | None = None
    entered: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    reused: bool = False

    @property
    def feasible(self) -> bool:
        """True when a portfolio satisfies every rule under these settings."""
        return self.result.status in FEASIBLE

    @property
    def message(self) -> str:
        """The infeasibility diagnosis or solver message in words ('' when feasible)."""
        if self.feasible:
            return ""
        if self.diagnosis is not None and self.diagnosis.message:
            return self.diagnosis.message
        return self.result.message or f"no portfolio: status {self.result.status}"

    def kpis(self) -> pd.DataFrame:
        """The KPI strip: one row per figure (index ``kpi``: ``NPV``, ``Customer value``,
        ``Cost``, one row per team labelled as :func:`team_labels` says, e.g. ``Digital
        team``, and ``Ranking reaches``) with ``value`` and ``base`` (numbers; NaN when
        infeasible), ``text`` and ``base_text`` (formatted) and ``limit`` (the cap for the
        cost and team rows, else NaN). When the base case is infeasible, ``base`` is NaN and
        ``base_text`` says ``infeasible``."""
        cur = self.scenario.currency
        ok = self.feasible
        base_ok = self.base.status in FEASIBLE
        nan = float("nan")
        rows: list[tuple[str, float, float, float, str, str]] = []

        def row(
            key: str, now: float, then: float, cap: float, show: Callable[[float], str]
        ) -> None:
            then = then if base_ok else nan  # an infeasible base has no numbers to compare
            then_text = show(then) if base_ok else "infeasible"
            rows.append((key, now, then, cap, show(now) if ok else "n/a", then_text))

        row(
            "NPV",
            self.result.business_value if ok else nan,
            self.base.business_value,
            nan,
            lambda v: fmt.headline_money(v, cur),
        )
        row(
            "Customer value",
            self.result.customer_value if ok else nan,
            self.base.customer_value,
            nan,
            lambda v: f"{v:,.0f} pts/yr",
        )
        row(
            "Cost",
            self.result.cost if ok else nan,
            self.base.cost,
            self.settings.budget,
            lambda v: fmt.headline_money(v, cur),
        )
        labels = team_labels(team for team, _cap in self.settings.teams)
        for team, cap in self.settings.teams:
            row(
                labels[team],
                self.result.team_use.get(team, 0.0) if ok else nan,
                self.base.team_use.get(team, 0.0),
                cap,
                lambda v: f"{v:,.0f} d",
            )
        share = self.ranking.share_of_optimum if (ok and self.ranking is not None) else nan
        base_share = nan
        row("Ranking reaches", share, base_share, nan, fmt.share)
        frame = pd.DataFrame.from_records(
            rows, columns=["kpi", "value", "base", "limit", "text", "base_text"]
        ).set_index("kpi")
        if ok and self.ranking is not None and self.ranking.broken:  # no fair comparison
            frame.loc["Ranking reaches", "text"] = "breaks a rule"
            frame.loc["Ranking reaches", "base_text"] = f"rule: {self.ranking.broken[0]}"
        return frame

    def table(self) -> pd.DataFrame:
        """The portfolio against the base case (index ``id``): every initiative chosen now or
        in the base case, with ``change`` (``entered``, ``left`` or ``kept``), ``name``,
        ``business_value`` (currency), ``customer_value`` (points/yr) and ``cost`` (currency).
        Empty when infeasible (see :attr:`message`)."""
        columns = ["change", "name", "business_value", "customer_value", "cost"]
        if not self.feasible:
            return pd.DataFrame(columns=columns, index=pd.Index([], name="id"))
        scores = self.result.scores
        now = set(self.result.selected)
        then = set(self.base.selected)
        keep = [i for i in scores.index if i in now or i in then]
        frame = scores.loc[keep, ["name", "business_value", "customer_value", "cost"]].copy()
        frame.insert(
            0,
            "change",
            ["kept" if i in now and i in then else "entered" if i in now else "left" for i in keep],
        )
        frame.index.name = "id"
        order = {"entered": 0, "kept": 1, "left": 2}
        frame = frame.sort_values(
            ["change", "business_value"],
            key=lambda s: s.map(order) if s.name == "change" else -s,
            kind="stable",
        )
        return frame

    def headline(self) -> str:
        """One sentence: what this what-if funds, or why nothing can be funded."""
        if self.result.status == "error":
            return "These settings cannot be combined."
        if not self.feasible:
            return "No portfolio satisfies every rule under these settings."
        cur = self.scenario.currency
        count = len(self.result.selected)
        text = (
            f"{count} initiative{'' if count == 1 else 's'} for "
            f"{fmt.headline_money(self.result.cost, cur)}: "
            f"NPV {fmt.headline_money(self.result.business_value, cur)}"
        )
        delta = self.result.business_value - self.base.business_value
        if self.base.status not in FEASIBLE:
            text += " (the base case is infeasible: nothing to compare with)"
        elif self.entered or self.left:
            text += (
                f" ({'+' if delta >= 0 else '−'}{fmt.headline_money(abs(delta), cur)} vs base; "
                f"{len(self.entered)} in, {len(self.left)} out)"
            )
        else:
            text += " (same portfolio as the base case)"
        return text


__all__ = ["FEASIBLE", "MODES", "Outcome", "Settings", "team_labels"]
