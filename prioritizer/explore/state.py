"""The explorer's update logic, without any widget: settings in, a solved outcome out.

:class:`Explorer` holds the base case (the scenario as loaded, solved once) and the latest
settings asked for. Every change bumps a *generation* counter; an outcome is published as
current only if no newer change arrived while it was being solved, so a slow, stale answer is
never shown as the answer to the latest question. Every solve is kept in a
:class:`~.cover.BudgetCover`, which answers later budget moves it settles without solving, and
walks the frontier (its breakpoints) one solve per step. :class:`Debouncer` coalesces rapid
changes (a dragged slider) into one solve. The widget (:mod:`.widget`) and the served page
(:mod:`.app`) only draw what this module computes.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..diagnose import diagnose_infeasibility
from ..exceptions import ScenarioError
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions
from ..rules import build_rules
from ..solver import SMALL_MODEL
from .cover import BudgetCover, cost_unit
from .debounce import Debouncer
from .whatif import FEASIBLE, MODES, Outcome, Settings


class Explorer:
    """The what-if explorer's state: the base case, the latest settings, the current outcome.

    Every solve is kept in a :class:`~.cover.BudgetCover` per combination of the other
    settings: it settles a whole interval of budgets, so a budget move inside a settled
    interval is answered without solving (exactly what the solver would answer there).

    Parameters
    ----------
    scenario:
        The scenario as loaded (the base case; never changed).
    options:
        How every what-if is solved. Default: CBC, exact, with the tie-break; CBC's cuts off
        up to :data:`~prioritizer.solver.SMALL_MODEL` initiatives, as in every sweep of the
        analyses (the same optimum, faster on small models: speed only).
    frontier_points:
        Budgets on the frontier drawn for the current settings (0 to the top of the slider).
    max_breakpoints:
        At most this many solves for the base frontier's breakpoints, marked on the budget
        slider (each solve settles one step of the frontier).

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
        max_breakpoints: int = 400,
    ) -> None:
        self.scenario = scenario
        self.options = options or SolverOptions(cuts=len(scenario.initiatives) > SMALL_MODEL)
        self.initial = Settings.of(scenario)
        self.frontier_points = frontier_points
        self.max_breakpoints = max_breakpoints
        self.unit = cost_unit([i.cost for i in scenario.initiatives])
        self._lock = threading.RLock()
        self._generation = 0
        self._settings = self.initial
        self._covers: dict[Settings, BudgetCover] = {}
        self._turn = threading.Condition()
        self._foreground = 0  # solves the user waits for: a background walk yields to them
        self.listeners: list[Callable[[Outcome], None]] = []
        self.solves = 0
        self.exact = False
        """Solves are exact and tie-broken: the breakpoints are exact (see :mod:`.cover`)."""
        self.base = solve_portfolio(scenario, self.options)
        self.exact = self.options.gap == 0 and self.options.tie_break and not self._overlap()
        self._keep(self.initial, self.base)
        self.current = self._solve(self.initial, 0, self.base)

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
        """The budgets the frontier chart is sure to know (currency)."""
        n = max(2, self.frontier_points)
        top = self.budget_max
        # denser at the low end, where the frontier climbs
        return [top * (k / (n - 1)) ** 1.5 for k in range(n)]

    @property
    def breakpoints(self) -> list[float]:
        """Budgets where the base case's answer changes (currency, ascending): the exact
        breakpoints of its optimal value when :attr:`exact`. Those found so far (the base
        solve finds one); all of them once :meth:`compute_breakpoints` has run, within
        ``max_breakpoints`` solves (see :attr:`breakpoints_complete`)."""
        cover = self.cover(self.initial)
        return [] if cover is None else cover.breakpoints()

    @property
    def breakpoints_complete(self) -> bool:
        """True when every budget on the slider is settled for the base case."""
        cover = self.cover(self.initial)
        return cover is not None and cover.complete(0.0, self.budget_max)

    def compute_breakpoints(self, progress: Callable[[], None] | None = None) -> list[float]:
        """Walk the base case's frontier (see :mod:`.cover`): first from its budget down to
        0, then from the top of the slider down to its budget; one solve per step, at most
        ``max_breakpoints`` solves; ``progress`` is called after each. Returns
        :attr:`breakpoints`."""
        budget = self.initial.budget
        left = self.max_breakpoints
        for low, high in ((0.0, budget), (budget, self.budget_max)):
            left -= self.walk(self.initial, low, high, max_solves=left, progress=progress)
        return self.breakpoints

    def walk(
        self,
        settings: Settings,
        low: float,
        high: float,
        *,
        max_solves: int | None = None,
        budgets: list[float] | None = None,
        progress: Callable[[], None] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> int:
        """Settle every budget from ``high`` down to ``low`` for ``settings`` (or only
        ``budgets``, when given), yielding to the solves the user waits for, until ``stop()``
        says so; returns the number of solves. Nothing is kept with a time limit (see
        :mod:`.cover`)."""
        cover = self.cover(settings)
        if cover is None:
            return 0
        solves = 0
        targets = iter(sorted(budgets, reverse=True)) if budgets is not None else None
        while max_solves is None or solves < max_solves:
            if targets is None:
                at = cover.next_gap(low, high)
            else:
                at = next((b for b in targets if cover.find(b) is None), None)
            if at is None or (stop is not None and stop()):
                break
            with self._turn:
                self._turn.wait_for(lambda: self._foreground == 0)
            try:
                scenario = settings.changed(budget=max(at, 0.0)).apply(self.scenario)
            except ScenarioError:
                break
            kept = self._keep(
                settings.changed(budget=max(at, 0.0)), solve_portfolio(scenario, self.options)
            )
            solves += 1
            if progress is not None:
                progress()
            if not kept:  # a solver error settles nothing: walking on would ask it again
                break
        return solves

    def cover(self, settings: Settings | None = None) -> BudgetCover | None:
        """What is settled along the budget for ``settings`` (default: the current
        outcome's) apart from its budget; None when solves are not kept (a time limit)."""
        if not BudgetCover.keeps(self.options):
            return None
        key = (settings or self.current.settings).without_budget()
        with self._lock:
            cover = self._covers.get(key)
            if cover is None:
                cover = self._covers[key] = BudgetCover(self.unit, exact=self.exact)
            return cover

    def _overlap(self) -> bool:
        """Whether feedback addressed by several initiatives counts once (then the solver
        breaks no ties, see :func:`~prioritizer.solver.solve_portfolio`)."""
        from ..evidence.coverage import overlap_model

        return overlap_model(self.scenario, self.base.scores) is not None

    def _keep(self, settings: Settings, result: Result) -> bool:
        """Keep a solve in its cover; False when it settles nothing."""
        cover = self.cover(settings)
        return cover is not None and cover.add(settings.budget, result) is not None

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

    def _answer(self, settings: Settings, scenario: Scenario) -> tuple[Result, bool]:
        """The optimum under ``settings`` (``scenario``: them applied) and whether it was
        settled already (no solve)."""
        cover = self.cover(settings)
        step = None if cover is None else cover.find(settings.budget)
        if step is not None:
            result = step.result
            if result.scenario is not scenario:  # the same portfolio, at this budget
                rules = build_rules(scenario, result.scores)
                result = dataclasses.replace(result, scenario=scenario, rules=rules)
            return result, True
        with self._turn:
            self._foreground += 1
        try:
            result = solve_portfolio(scenario, self.options)
        finally:
            with self._turn:
                self._foreground -= 1
                self._turn.notify_all()
        self.solves += 1
        self._keep(settings, result)
        return result, False

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
        reused = False
        if known is not None:
            result = known
        else:
            result, reused = self._answer(settings, scenario)
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
            reused=reused,
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
    def frontier_known(self, settings: Settings | None = None) -> bool:
        """Whether every budget of :meth:`budget_grid` is settled for ``settings`` (default:
        the current outcome's); never solves."""
        cover = self.cover(settings)
        return cover is not None and all(cover.find(b) is not None for b in self.budget_grid())

    def frontier(
        self, settings: Settings | None = None, *, stop: Callable[[], bool] | None = None
    ) -> BudgetCover | None:
        """What is settled along the budget for ``settings`` (default: the current
        outcome's), the budgets of :meth:`budget_grid` solved first when not yet settled
        (until ``stop()`` says so); None when solves are not kept (a time limit)."""
        settings = settings or self.current.settings
        self.walk(settings, 0.0, self.budget_max, budgets=self.budget_grid(), stop=stop)
        return self.cover(settings)

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
        (settings and initiatives inline, the overrides applied, a note of what changed in
        its header; an ``evidence:`` section kept with its files' paths resolving from
        ``folder``, see :mod:`.keep`) and, with ``pack=True``, its steering pack beside it.
        Loading the file gives this what-if's answer. Writes nothing outside ``folder``;
        returns the files written. Refused (ValueError, nothing written) when the current
        settings cannot be combined (status ``error``), and with ``pack=True`` when the
        what-if is infeasible."""
        from ..report import build_pack, write_pack
        from .keep import write_scenario

        outcome = self.current
        if outcome.result.status == "error":  # refused settings: the scenario is the base's
            raise ValueError(
                "nothing kept: these settings cannot be combined, so there is no what-if to "
                "keep (" + outcome.message.strip() + ")"
            )
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        notes = outcome.settings.differences(self.initial, self.scenario.currency)
        title = name or (f"{self.scenario.name} — what-if" if notes else self.scenario.name)
        scenario = outcome.scenario.model_copy(update={"name": title})
        written = [
            write_scenario(
                target,
                scenario,
                notes,
                self.scenario.name,
                force_in=outcome.settings.force_in,
                force_out=outcome.settings.force_out,
            )
        ]
        if pack:
            if not outcome.feasible:
                raise ValueError("no steering pack for an infeasible what-if: " + outcome.message)
            built = build_pack(scenario, draws=draws, seed=seed)
            written += list(write_pack(built, target / "pack"))
        return written


__all__ = ["FEASIBLE", "MODES", "Debouncer", "Explorer", "Outcome", "Settings"]
