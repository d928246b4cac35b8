"""The explorer's update logic, without any widget: settings in, a solved outcome out.

:class:`Explorer` holds the base case (the scenario as loaded, solved once) and the latest
settings asked for. Every change bumps a *generation* counter; an outcome is published as
current only if no newer change arrived while it was being solved, so a slow, stale answer is
never shown as the answer to the latest question. :class:`Debouncer` coalesces rapid changes
(a dragged slider) into one solve. The widget (:mod:`.widget`) and the served page
(:mod:`.app`) only draw what this module computes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import formatting as fmt
from ..diagnose import Diagnosis, diagnose_infeasibility
from ..exceptions import ScenarioError
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions
from .debounce import Debouncer

if TYPE_CHECKING:
    from ..analysis.frontier import Frontier
    from ..analysis.ranking import RankingComparison

FEASIBLE = ("optimal", "feasible")
MODES = ("business", "customer", "blended")


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
        if "teams" in changes:
            teams = dict(self.teams)
            unknown = sorted(set(changes["teams"]) - set(teams))
            if unknown:
                raise ValueError(f"unknown team(s) {unknown}; expected one of {sorted(teams)}")
            teams.update({k: float(v) for k, v in changes["teams"].items()})
            changes["teams"] = tuple((name, teams[name]) for name, _ in self.teams)
        for key in ("force_in", "force_out"):
            if key in changes:
                changes[key] = tuple(dict.fromkeys(str(i) for i in changes[key]))
        if "mode" in changes and changes["mode"] not in MODES:
            raise ValueError(f"mode must be one of {list(MODES)}, got {changes['mode']!r}")
        if "business_weight" in changes and not 0.0 <= float(changes["business_weight"]) <= 1.0:
            raise ValueError("business_weight must lie between 0 and 1")
        if "budget" in changes and not float(changes["budget"]) >= 0:
            raise ValueError("budget must be >= 0")
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

    def without_budget(self) -> Settings:
        """The settings that shape the frontier (everything but the budget)."""
        return replace(self, budget=0.0)


@dataclass(frozen=True, eq=False)
class Outcome:
    """The answer to one what-if: the solve, against the base case.

    ``result.status`` is ``optimal``/``feasible`` or ``infeasible`` (then ``diagnosis`` says
    why in words) or ``error``. ``entered``/``left`` list ids (input order) chosen now but not
    in the base case, and the reverse.
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
        """The KPI strip: one row per figure (index ``kpi``) with ``value`` and ``base``
        (numbers; NaN when infeasible), ``text`` and ``base_text`` (formatted) and ``limit``
        (the cap for the cost and team rows, else NaN)."""
        cur = self.scenario.currency
        ok = self.feasible
        nan = float("nan")
        rows: list[tuple[str, float, float, float, str, str]] = []

        def row(
            key: str, now: float, then: float, cap: float, show: Callable[[float], str]
        ) -> None:
            rows.append((key, now, then, cap, show(now) if ok else "n/a", show(then)))

        row(
            "NPV",
            self.result.business_value if ok else nan,
            self.base.business_value,
            nan,
            lambda v: fmt.money(v, cur),
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
            lambda v: fmt.money(v, cur),
        )
        for team, cap in self.settings.teams:
            row(
                f"Team {team}",
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
            f"{fmt.money(self.result.cost, cur)}: "
            f"NPV {fmt.money(self.result.business_value, cur)}"
        )
        delta = self.result.business_value - self.base.business_value
        if self.entered or self.left:
            text += (
                f" ({'+' if delta >= 0 else '−'}{fmt.money(abs(delta), cur)} vs base; "
                f"{len(self.entered)} in, {len(self.left)} out)"
            )
        else:
            text += " (same portfolio as the base case)"
        return text


class Explorer:
    """The what-if explorer's state: the base case, the latest settings, the current outcome.

    Parameters
    ----------
    scenario:
        The scenario as loaded (the base case; never changed).
    options:
        How every what-if is solved (default: CBC, exact, with the tie-break).
    frontier_points:
        Budgets on the frontier drawn for the current settings (0 to the cost of everything).
    max_breakpoints:
        At most this many exact breakpoints of the base frontier, marked on the budget slider.

    Examples
    --------
    >>> ex = Explorer(sc)                         # doctest: +SKIP
    >>> out = ex.update(budget=sc.budget * 0.9)   # doctest: +SKIP
    >>> out.kpis(), out.table()                   # doctest: +SKIP
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        options: SolverOptions | None = None,
        frontier_points: int = 13,
        max_breakpoints: int = 60,
    ) -> None:
        self.scenario = scenario
        self.options = options or SolverOptions()
        self.initial = Settings.of(scenario)
        self.frontier_points = frontier_points
        self._lock = threading.RLock()
        self._generation = 0
        self._settings = self.initial
        self._frontiers: dict[Settings, Frontier] = {}
        self.listeners: list[Callable[[Outcome], None]] = []
        self.solves = 0
        self.max_breakpoints = max_breakpoints
        self.base = solve_portfolio(scenario, self.options)
        self.current = self._solve(self.initial, 0, self.base)
        self._breakpoints: list[float] | None = None

    # -- what the controls need ----------------------------------------------------------
    @property
    def budget_max(self) -> float:
        """The top of the budget slider: the cost of every initiative, or twice the base
        budget if that is more (currency)."""
        total = float(sum(i.cost for i in self.scenario.initiatives))
        return max(total, 2.0 * float(self.scenario.budget), 1.0)

    def team_max(self, team: str) -> float:
        """The top of a team's slider: what every initiative would need, or twice the base
        capacity if that is more (person-days)."""
        need = sum(i.effort.get(team, 0.0) for i in self.scenario.initiatives)
        return max(float(need), 2.0 * float(self.scenario.teams[team]), 1.0)

    def budget_grid(self) -> list[float]:
        """The budgets the frontier is solved at (currency)."""
        n = max(2, self.frontier_points)
        top = self.budget_max
        # denser at the low end, where the frontier climbs
        return [top * (k / (n - 1)) ** 1.5 for k in range(n)]

    @property
    def breakpoints(self) -> list[float]:
        """Budgets where the base case's optimal value rises (currency, ascending); empty
        until :meth:`compute_breakpoints` has run."""
        return list(self._breakpoints or [])

    def compute_breakpoints(self) -> list[float]:
        """Solve the base case's exact frontier breakpoints (at most ``max_breakpoints``, up
        to :attr:`budget_max`; two solves each) and keep its frontier for the charts."""
        from ..analysis.frontier import efficient_frontier

        if self._breakpoints is None:
            key = self.initial.without_budget()
            base = self._frontier_base(self.initial)
            if base is None:
                self._breakpoints = []
                return []
            frontier = efficient_frontier(
                self.scenario,
                self.budget_grid(),
                options=self.options,
                base=base,
                breakpoints=True,
                max_breakpoints=self.max_breakpoints,
                workers=1,
            )
            self._frontiers.setdefault(key, frontier)
            self._breakpoints = [p.budget for p in frontier.breakpoints]
        return self.breakpoints

    @property
    def ids(self) -> list[str]:
        """Initiative ids, input order (the choices of the force-in / force-out pickers)."""
        return self.scenario.ids

    @property
    def settings(self) -> Settings:
        """The latest settings asked for (perhaps not solved yet)."""
        return self._settings

    @property
    def generation(self) -> int:
        """How many changes have been asked for (the current outcome may be older)."""
        return self._generation

    # -- changes -------------------------------------------------------------------------
    def request(self, **changes: Any) -> int:
        """Ask for a change of settings (see :meth:`Settings.changed`) without solving;
        returns its generation. :meth:`refresh` solves the latest one."""
        with self._lock:
            self._settings = self._settings.changed(**changes)
            self._generation += 1
            return self._generation

    def reset(self) -> int:
        """Ask for the base case's settings again; returns the generation."""
        with self._lock:
            self._settings = self.initial
            self._generation += 1
            return self._generation

    def refresh(self) -> Outcome | None:
        """Solve the latest settings and publish the outcome as :attr:`current`, unless a newer
        change arrived meanwhile: then return None and publish nothing (that change's own
        refresh will). Listeners are called with each published outcome."""
        with self._lock:
            settings, generation = self._settings, self._generation
            if generation == self.current.generation:
                return self.current
        outcome = self._solve(settings, generation, None)
        with self._lock:
            if generation != self._generation or generation < self.current.generation:
                return None
            self.current = outcome
        for listener in list(self.listeners):
            listener(outcome)
        return outcome

    def update(self, **changes: Any) -> Outcome:
        """Change settings and solve now (synchronous: what the benchmark times)."""
        self.request(**changes)
        outcome = self.refresh()
        return outcome if outcome is not None else self.current

    def _solve(self, settings: Settings, generation: int, known: Result | None) -> Outcome:
        from ..analysis.ranking import compare_with_ranking

        started = time.perf_counter()
        try:
            scenario = settings.apply(self.scenario) if settings != self.initial else self.scenario
        except ScenarioError as exc:  # e.g. one initiative both forced in and forced out
            return Outcome(
                generation,
                settings,
                self.scenario,
                self._refused(str(exc)),
                self.base,
                elapsed_s=time.perf_counter() - started,
            )
        result = known if known is not None else solve_portfolio(scenario, self.options)
        self.solves += known is None
        diagnosis = ranking = None
        entered: tuple[str, ...] = ()
        left: tuple[str, ...] = ()
        if result.status in FEASIBLE:
            ranking = compare_with_ranking(scenario, options=self.options, base=result)
            base = set(self.base.selected) if self.base.status in FEASIBLE else set()
            now = set(result.selected)
            entered = tuple(i for i in scenario.ids if i in now and i not in base)
            left = tuple(i for i in scenario.ids if i in base and i not in now)
        elif result.status == "infeasible":
            diagnosis = diagnose_infeasibility(scenario, options=self.options)
        return Outcome(
            generation=generation,
            settings=settings,
            scenario=scenario,
            result=result,
            base=self.base,
            diagnosis=diagnosis,
            ranking=ranking,
            entered=entered,
            left=left,
            elapsed_s=time.perf_counter() - started,
        )

    def _refused(self, message: str) -> Result:
        """A result with status ``error`` for settings that cannot be combined."""
        nan = float("nan")
        return Result(
            scenario=self.scenario,
            status="error",
            objective=nan,
            selected=[],
            business_value=nan,
            customer_value=nan,
            cost=nan,
            opex=nan,
            team_use={},
            solver=self.options.solver,
            gap=None,
            best_bound=None,
            solve_time_s=0.0,
            build_time_s=0.0,
            scores=self.base.scores,
            options=self.options,
            message=message,
        )

    # -- the frontier --------------------------------------------------------------------
    def _frontier_base(self, settings: Settings) -> Result | None:
        """An optimum with these settings at the top budget (its value table is what the
        frontier solves with); None when even then no portfolio satisfies every rule."""
        try:
            scenario = settings.changed(budget=self.budget_max).apply(self.scenario)
        except ScenarioError:
            return None
        result = solve_portfolio(scenario, self.options)
        return result if result.status in FEASIBLE else None

    def cached_frontier(self, settings: Settings | None = None) -> Frontier | None:
        """The frontier for ``settings`` if already solved, else None (never solves)."""
        settings = settings or self.current.settings
        return self._frontiers.get(settings.without_budget())

    def frontier(self, settings: Settings | None = None) -> Frontier | None:
        """The frontier for ``settings`` (default: the current outcome's) with everything but
        the budget as set, on :meth:`budget_grid`; solved once per such combination and kept.
        None when no budget on the slider lets any portfolio satisfy every rule."""
        from ..analysis.frontier import efficient_frontier

        settings = settings or self.current.settings
        key = settings.without_budget()
        if key not in self._frontiers:
            base = self._frontier_base(settings)
            if base is None:
                return None
            self._frontiers[key] = efficient_frontier(
                base.scenario, self.budget_grid(), options=self.options, base=base, workers=1
            )
        return self._frontiers[key]

    # -- keep this what-if ---------------------------------------------------------------
    def keep(
        self,
        folder: str | Path,
        *,
        name: str | None = None,
        pack: bool = False,
        draws: int = 200,
        seed: int = 7,
    ) -> list[Path]:
        """Save the current what-if into ``folder`` (created if missing): ``scenario.yaml``
        (self-contained: settings and initiatives inline, the overrides applied, a note of
        what changed in its header) and, with ``pack=True``, its steering pack beside it.
        Writes nothing outside ``folder``; returns the files written."""
        from ..report import build_pack, write_pack
        from .keep import scenario_yaml

        outcome = self.current
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        notes = outcome.settings.differences(self.initial, self.scenario.currency)
        title = name or (f"{self.scenario.name} — what-if" if notes else self.scenario.name)
        scenario = outcome.scenario.model_copy(update={"name": title})
        from ..io import atomic_write

        written = [
            atomic_write(
                target / "scenario.yaml", scenario_yaml(scenario, notes, self.scenario.name)
            )
        ]
        if pack:
            if not outcome.feasible:
                raise ValueError("no steering pack for an infeasible what-if: " + outcome.message)
            built = build_pack(scenario, draws=draws, seed=seed)
            written += list(write_pack(built, target / "pack"))
        return written


__all__ = ["Debouncer", "Explorer", "Outcome", "Settings"]
