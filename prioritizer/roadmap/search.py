"""A time-limited roadmap solve: CBC on the whole program, then a large-neighbourhood search.

On large roadmaps CBC's bound stops moving after the root and its plans improve slowly (200
initiatives × 8 quarters × 5 teams, seed 1: a plan of 0.5112 after 60 s, where this search
reaches 0.5146 in the same 60 s; README, "Roadmap program"). Under a time limit
:func:`solve_with_search` therefore runs three phases:

1. CBC on the whole program for :data:`FIRST_SHARE` of the limit: its root bound and a plan
   (proven optimal: done); then CBC on the same program written in another formulation
   (:func:`other_formulation`) for as long. The better of the two plans goes on. CBC's first
   plans depend on the formulation, and neither wins everywhere: at 200 × 8 × 5 after 6 s,
   ``start`` gave 0.4263 where ``aggregate`` gave 0.4144 (seed 3), 0.4776 against 0.4633
   (seed 2), but 0.5005 against 0.5067 (seed 1); ``aggregate`` has the tighter root bound.
2. :func:`improve`: repeatedly, a set of initiatives (at random, or those at work in two
   adjacent periods) is freed and every other one kept at its start in the plan (or left
   out); that sub-problem (:func:`restrict`: the rules over
   the freed columns, right-hand sides less what the kept part uses) is solved by CBC from
   the plan, and a better plan that keeps every rule of the whole program replaces it.
3. CBC on the whole program again, written as :data:`LAST_FORMULATION`, from the best plan,
   for the rest of the limit (:data:`LAST_SHARE`): it may prove it optimal or find a better
   one, and its bound counts too.

Every plan returned keeps every rule (checked on the whole program) and the bound is CBC's,
on the whole program: the gap stays a proven one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..result import SolverOptions
from ..solver import Solution
from .constraints import RoadmapRule
from .model import RoadmapProgram, build_roadmap_program, solve_program

FIRST_SHARE = 0.1
"""Share of the time limit for each of the two first CBC runs on the whole program (a first
plan, its root bound; at 200 initiatives CBC's root takes some 4 CPU s)."""

LAST_SHARE = 0.4
"""Share of the time limit kept for the last CBC run on the whole program, from the plan: the
time its branching needs to move the bound. At 200 × 8 × 5, 60 s, seeds 3, 1, 2 (one run
each): with 0.4 on ``start`` the gaps were 1.16%, 1.21%, 0.46%; with 0.4 on ``aggregate``
1.33%, 1.24%, 0.46%; with 0.1 on ``aggregate`` 1.36%, 1.24%, 0.45%. On seeds 1 and 3 the
search reached the same plans with 0.4 as with 0.1 (in traced runs its last better plan came
about 16 s into the search)."""

LAST_FORMULATION = "start"
"""Formulation of the last CBC run. The bound that counts is the best of every
whole-program run's, so the tighter root bound of ``aggregate`` is already in from phase 1;
branching on ``start`` moves the bound further: 200 × 8 × 5 seed 3, from the same plan, 0.43321
after 24 s against 0.43393 on ``aggregate`` (README, "Roadmap program")."""

MIN_LIMIT_S = 5.0
"""Time limits shorter than this are given to CBC alone (no search)."""

FREE_START = 40
"""Initiatives freed in the first sub-problems (all of them on a smaller roadmap). The
number grows by :data:`GROW` after :data:`STALL` sub-problems in a row without a better
plan (a local optimum for that size) and shrinks by :data:`SHRINK` after a sub-problem
stopped by its time limit."""

SEARCH_MIN_INITIATIVES = FREE_START + 1
"""Roadmaps with fewer initiatives are given to CBC alone for the whole limit: their first
neighbourhood would be the whole program, so the search could only take CBC's time (the
retail bank's quarterly roadmap, 40 initiatives, proved in 4 s alone, was left at a proven
gap of 2.6% with a 5 s limit and 1.8% with 20 s when the search took the middle)."""

FREE_MIN = 4
GROW = 1.25
SHRINK = 0.7
STALL = 15
SUB_LIMIT_S = 4.0
"""Wall seconds a sub-problem may take at most."""

_MARGIN_S = 0.3  # left for building and reading each CBC run


def restrict(rules: Sequence[RoadmapRule], x: np.ndarray, free: np.ndarray) -> list[RoadmapRule]:
    """The rules over the ``free`` columns alone (renumbered 0..len(free)-1), every other
    column kept at its value in ``x``: each right-hand side less the kept columns' share.
    A rule without a free column is left out, so ``x`` must keep every rule (it then keeps
    those)."""
    position = np.full(len(x), -1, dtype=int)
    position[free] = np.arange(len(free))
    out: list[RoadmapRule] = []
    for rule in rules:
        where = position[rule.columns]
        keep = where >= 0
        if not keep.any():
            continue
        kept = float(np.dot(rule.coef[~keep], x[rule.columns[~keep]]))
        out.append(replace(rule, columns=where[keep], coef=rule.coef[keep], rhs=rule.rhs - kept))
    return out


def improve(
    columns: pd.DataFrame,
    coefficients: np.ndarray,
    rules: Sequence[RoadmapRule],
    x: np.ndarray,
    options: SolverOptions,
    formulation: str,
    *,
    deadline: float | None = None,
    rounds: int | None = None,
    seed: int = 0,
    clock: Callable[[], float] = time.perf_counter,
) -> np.ndarray:
    """A plan at least as good as ``x`` (which must keep every rule) that keeps every rule:
    sub-problems with a random set of initiatives freed, until ``deadline`` (a ``clock``
    time) or after ``rounds`` sub-problems, whichever comes first (one of them is needed),
    or as soon as a sub-problem with every initiative free (the whole program) is solved."""
    if deadline is None and rounds is None:
        raise ValueError("improve needs a deadline or a number of rounds")
    rows = columns["row"].to_numpy(dtype=int)
    starts = columns["start_index"].to_numpy(dtype=int)
    finish = starts + columns["duration"].to_numpy(dtype=int) - 1
    periods = int(finish.max()) + 1 if len(finish) else 1
    initiatives = np.unique(rows)
    if not len(initiatives):
        return x

    rng = np.random.default_rng(seed)
    coefficients = np.asarray(coefficients, dtype=float)
    x = np.asarray(x, dtype=float).copy()
    best = float(coefficients @ x)
    free_count = min(len(initiatives), FREE_START)
    done = stall = 0
    while rounds is None or done < rounds:
        limit: float | None = None
        if deadline is not None:
            left = deadline - clock() - _MARGIN_S
            if left < 0.5:
                break
            limit = min(SUB_LIMIT_S, left)
        done += 1
        chosen = _neighbourhood(rng, initiatives, rows, starts, finish, periods, x, free_count)
        free = np.flatnonzero(np.isin(rows, chosen))
        sub_rules = restrict(rules, x, free)
        program = build_roadmap_program(
            columns.iloc[free].reset_index(drop=True),
            coefficients[free],
            sub_rules,
            formulation=formulation,
        )
        if program.model.empty:
            continue
        solution, y = solve_program(
            program, replace(options, time_limit=limit, tie_break=False), start=x[free]
        )
        if solution.status not in ("optimal", "feasible"):
            free_count, stall = max(FREE_MIN, int(free_count * SHRINK)), 0
            continue
        candidate = x.copy()
        candidate[free] = y
        value = float(coefficients @ candidate)
        stall += 1
        if value > best + 1e-9 * max(1.0, abs(best)) and all(r.holds(candidate) for r in rules):
            x, best, stall = candidate, value, 0
        if solution.status == "optimal" and free_count == len(initiatives):
            break  # every initiative was free: that was the whole program, solved
        if solution.status != "optimal":
            free_count, stall = max(FREE_MIN, int(free_count * SHRINK)), 0
        elif stall >= STALL:
            free_count, stall = min(len(initiatives), math.ceil(free_count * GROW)), 0
    return x


WINDOW_SHARE = 0.5
"""Share of the sub-problems that free the initiatives at work in a window of periods."""


def _neighbourhood(
    rng: np.random.Generator,
    initiatives: np.ndarray,
    rows: np.ndarray,
    starts: np.ndarray,
    finish: np.ndarray,
    periods: int,
    x: np.ndarray,
    size: int,
) -> np.ndarray:
    """Initiatives to free: ``size`` at random or, in :data:`WINDOW_SHARE` of the draws,
    those of the plan at work in two adjacent periods topped up at random (the others at
    random first), so one window's spend and capacity can be re-packed."""
    if periods < 2 or rng.random() >= WINDOW_SHARE:
        return rng.choice(initiatives, size=size, replace=False)
    t = int(rng.integers(0, periods - 1))
    busy = (x > 0.5) & (starts <= t + 1) & (finish >= t)
    window = np.unique(rows[busy])
    if len(window) > size:
        window = rng.choice(window, size=size, replace=False)
    others = np.setdiff1d(initiatives, window)
    extra = rng.choice(others, size=min(len(others), size - len(window)), replace=False)
    return np.concatenate([window, extra])


def other_formulation(formulation: str) -> str:
    """The formulation of the second first run: ``start`` (the rules as written), or
    ``aggregate`` when the program is already ``start``."""
    return "aggregate" if formulation == "start" else "start"


def _in_units_of(program: RoadmapProgram, other: RoadmapProgram, value: float) -> float:
    """A solver value of ``other`` (the same roadmap in another formulation) in ``program``'s
    units (each model's objective is scaled by its own :attr:`Model.scale`, alike in
    practice)."""
    return value * program.model.scale / other.model.scale


def _replaces(solution: Solution, y: np.ndarray, x: np.ndarray, coefficients: np.ndarray) -> bool:
    """Whether a whole-program run's plan ``y`` replaces the plan ``x``: proven optimal, or
    a better plan."""
    better = float(coefficients @ y) > float(coefficients @ x)
    return solution.status == "optimal" or (solution.status == "feasible" and better)


def _first_plans(
    programs: Callable[[str], RoadmapProgram],
    program: RoadmapProgram,
    coefficients: np.ndarray,
    options: SolverOptions,
    start: np.ndarray | None,
) -> tuple[Solution, np.ndarray, list[float]]:
    """Phase 1: CBC on ``program`` and on its :func:`other_formulation` (from ``programs``),
    each for :data:`FIRST_SHARE` of the limit; (the better run, in ``program``'s units; its
    plan over the roadmap columns; the bounds of both, in ``program``'s units). Stops after
    the first run when that proves the optimum, finds the program infeasible or finds no
    plan."""
    assert options.time_limit is not None
    share = replace(options, time_limit=FIRST_SHARE * options.time_limit)
    first, x = solve_program(program, share, start)
    bounds = [] if first.bound is None else [first.bound]
    if first.status != "feasible":
        return first, x, bounds
    other = programs(other_formulation(program.formulation))
    second, y = solve_program(other, share, start)
    if second.bound is not None:
        bounds.append(_in_units_of(program, other, second.bound))
    if _replaces(second, y, x, coefficients):
        x = y
        first = replace(
            second,
            x=program.model.to_canonical(program.encode(y)),
            objective=program.model.scale * float(coefficients @ y),
            bound=bounds[-1] if second.bound is not None else None,
        )
    return first, x, bounds


def solve_with_search(
    program: RoadmapProgram,
    columns: pd.DataFrame,
    coefficients: np.ndarray,
    rules: Sequence[RoadmapRule],
    options: SolverOptions,
    start: np.ndarray | None = None,
) -> tuple[Solution, np.ndarray]:
    """The three phases of the module docstring under ``options.time_limit`` (wall seconds,
    at least :data:`MIN_LIMIT_S`); (the solution in ``program``'s units, 0/1 over the
    roadmap columns). The status is ``optimal`` only when CBC proved it on the whole
    program; the bound is the best of the whole-program runs'."""
    limit = options.time_limit
    if limit is None or limit < MIN_LIMIT_S:
        raise ValueError(f"the search needs a time limit of at least {MIN_LIMIT_S:g} s")
    started = time.perf_counter()
    deadline = started + limit
    coefficients = np.asarray(coefficients, dtype=float)
    built = {program.formulation: program}

    def programs(formulation: str) -> RoadmapProgram:
        """The whole program written as ``formulation``, built once."""
        if formulation not in built:
            built[formulation] = build_roadmap_program(
                columns, coefficients, rules, formulation=formulation
            )
        return built[formulation]

    first, x, bounds = _first_plans(programs, program, coefficients, options, start)
    if first.status in ("optimal", "infeasible"):
        return first, x
    if first.status != "feasible":  # no plan yet: CBC keeps the rest of the time
        rest = max(1.0, deadline - time.perf_counter())
        return solve_program(program, replace(options, time_limit=rest), start)
    x = improve(
        columns,
        coefficients,
        rules,
        x,
        options,
        program.formulation,
        deadline=deadline - LAST_SHARE * limit,
    )
    rest = deadline - time.perf_counter()
    last = Solution("error", x, None, None, first.solver, 0.0)
    if rest >= 1.0:
        closing = programs(LAST_FORMULATION)
        last, y = solve_program(closing, replace(options, time_limit=rest), x)
        if last.bound is not None:
            bounds.append(_in_units_of(program, closing, last.bound))
        if _replaces(last, y, x, coefficients):
            x = y
    scale = program.model.scale
    if last.status == "optimal" and last.bound is None:  # proven, CBC gave no bound: the
        bounds.append(scale * float(coefficients @ x))  # plan's value is the bound
    solution = Solution(
        "optimal" if last.status == "optimal" else "feasible",
        program.model.to_canonical(program.encode(x)),
        scale * float(coefficients @ x),
        min(bounds) if bounds else None,
        f"{first.solver} + neighbourhood search",
        time.perf_counter() - started,
    )
    return solution, x
