"""PuLP's solvers: its bundled CBC binary (the portable default) and HiGHS (highspy,
in-process). The only module of prioritizer that imports PuLP.

CBC is run by :mod:`.supervise` (its own process group, stopped on every exit path), not by
PuLP's ``solve``, on the files :mod:`.mps` writes from the arrays (what PuLP would write):
with ``timeMode elapsed`` it stops itself at the wall-clock limit and writes its incumbent,
and a feasible start (``-mips``) gives it one from the first second.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..result import SolverOptions
from .cbc_options import cbc_options
from .model import Model
from .mps import read_values, write_mps, write_start
from .solution import Solution, Status
from .supervise import DEADLINE_GRACE_S, run_supervised, sigint_deferred

with sigint_deferred():
    # ``import pulp`` tries every optional solver package (cylp, hence scipy; highspy; ...)
    # inside a bare ``except:``, which would swallow a Ctrl-C arriving meanwhile (for a
    # second, on a busy machine): the interrupt is held and delivered once PuLP is imported
    import pulp


def _cbc(**options: Any) -> Any:
    """PuLP's bundled CBC (deprecated only in PuLP 4, which this project does not use)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


def cbc_available() -> bool:
    """Whether PuLP's CBC binary is present and executable."""
    try:
        return bool(_cbc(msg=False).available())
    except Exception:  # pragma: no cover - broken installs raise odd errors
        return False


def highs_available() -> bool:
    """Whether HiGHS can be used in-process (the highspy package is installed)."""
    try:
        return bool(pulp.HiGHS(msg=False).available())
    except Exception:  # pragma: no cover
        return False


def to_pulp(
    model: Model, *, minimize: bool = False
) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
    """The PuLP problem of ``model``; variables in canonical order. ``minimize``: written as
    "minimize −c·x" (same optimum; how CBC is given it, see :func:`solve_cbc`)."""
    problem = pulp.LpProblem("portfolio", pulp.LpMinimize if minimize else pulp.LpMaximize)
    sign = -1.0 if minimize else 1.0
    variables = [
        problem.add_variable(
            f"x_{r}", 0, 1, cat=pulp.LpBinary if model.is_integer(r) else pulp.LpContinuous
        )
        for r in range(model.n)
    ]
    nonzero = np.flatnonzero(model.objective).tolist()
    problem.setObjective(
        pulp.LpAffineExpression([(variables[j], sign * float(model.objective[j])) for j in nonzero])
    )
    indices, data = model.indices.tolist(), model.data.tolist()
    for row in range(model.rows):
        a, b = int(model.indptr[row]), int(model.indptr[row + 1])
        expression = pulp.LpAffineExpression(
            [(variables[j], c) for j, c in zip(indices[a:b], data[a:b], strict=True)]
        )
        if math.isfinite(model.upper[row]):
            constraint = pulp.LpConstraint(expression, pulp.LpConstraintLE, rhs=model.upper[row])
        else:
            constraint = pulp.LpConstraint(expression, pulp.LpConstraintGE, rhs=model.lower[row])
        problem.addConstraint(constraint, name=model.row_names[row])
    return problem, variables


def solve_cbc(model: Model, options: SolverOptions, start: np.ndarray | None = None) -> Solution:
    """CBC binary on an MPS file in a private folder; ``start`` (canonical 0/1) as MIP start.

    The model is given as "minimize −c·x": CBC's ``-max`` negates the objective but not the
    cost of a MIP start, so a start given with ``-max`` counts as the worst solution and
    is useless. Given a start and no time limit (the re-solves of a sweep, started from a
    portfolio already found), CBC's primal heuristics are switched off: they only look for a
    first solution, and the start is one (telecom example: 45 -> 9 CPU ms per re-solve when
    the start is optimal). Both tolerances explicit: the relative gap (CBC's default is not
    0) and ``increment`` 1e-9 of the objective's scale, below which CBC would otherwise skip
    improvements.
    """
    backend = _cbc(msg=False)
    with tempfile.TemporaryDirectory(prefix="prioritizer-") as scratch:
        folder = Path(scratch)
        mps, sol, mst = folder / "model.mps", folder / "model.sol", folder / "start.mst"
        columns = write_mps(model, mps)  # what PuLP's writeMPS writes, from the arrays
        args = [backend.path, str(mps)]
        if start is not None:
            write_start(columns, start, mst)
            args += ["-mips", str(mst)]
        for name, value in cbc_options(model, options, start is not None):
            args += [f"-{name}", value]
        args += ["-solve", "-printingOptions", "all", "-solution", str(sol)]
        deadline = None if options.time_limit is None else options.time_limit + DEADLINE_GRACE_S
        outcome = run_supervised(args, deadline_s=deadline)
        name = "cbc (PuLP bundled)"
        if not sol.exists():
            return _nothing(model, options, name, outcome.seconds, outcome.timed_out)
        status, sol_status = backend.get_status(str(sol))
        x = read_values(columns, sol, model.n)
    mapped = _status(status, sol_status)
    log = outcome.stdout.decode(errors="replace")
    lower = _cbc_bound(log) if mapped in ("optimal", "feasible") else None
    bound = None if lower is None else -lower  # of "minimize −c·x": the bound on c·x
    x = (x > 0.5).astype(float)
    return Solution(mapped, x, float(model.objective @ x), bound, name, outcome.seconds)


def solve_highs(model: Model, options: SolverOptions) -> Solution:
    """HiGHS in-process through PuLP, with explicit zero tolerances (its default relative gap
    is 1e-4). Its time limit is its own (HiGHS checks the clock itself)."""
    problem, variables = to_pulp(model)
    _absorb_highs_banner()
    backend = pulp.HiGHS(msg=False, timeLimit=options.time_limit, gapRel=options.gap, gapAbs=0)
    started = time.perf_counter()
    try:
        problem.solve(backend)
    except pulp.PulpSolverError as exc:
        return Solution(
            "error", np.zeros(model.n), None, None, "highs (highspy)", 0.0, f"highs failed: {exc}"
        )
    seconds = time.perf_counter() - started
    mapped = _status(problem.status, problem.sol_status)
    x = np.array([1.0 if (v.varValue or 0.0) > 0.5 else 0.0 for v in variables])
    if mapped not in ("optimal", "feasible"):
        return _nothing(model, options, "highs (highspy)", seconds, False, mapped)
    bound = _highs_bound(problem)
    return Solution(mapped, x, float(model.objective @ x), bound, "highs (highspy)", seconds)


def _nothing(
    model: Model,
    options: SolverOptions,
    name: str,
    seconds: float,
    timed_out: bool,
    status: Status = "error",
) -> Solution:
    if status == "infeasible":
        message = "no portfolio satisfies every rule"
    elif options.time_limit is not None:
        message = (
            f"no portfolio found within {options.time_limit:g} s (the solver was stopped at "
            f"the limit); raise --time-limit or allow a --gap"
        )
    else:
        message = f"{name} ended without a solution" + (" (stopped)" if timed_out else "")
    return Solution(status, np.zeros(model.n), None, None, name, seconds, message)


def _status(status: int, sol_status: int) -> Status:
    """Map PuLP's model status *and* solution status to our four words (a run stopped by a
    time limit is never reported as optimal)."""
    if status == pulp.LpStatusInfeasible:
        return "infeasible"
    if sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    if sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    return "error"


def _cbc_bound(log: str) -> float | None:
    """The proven bound CBC's log prints (its "Lower bound" of a minimization, "Upper bound"
    of a maximization; None when not printed)."""
    match = re.search(r"^(?:Upper|Lower) bound:\s+(-?[0-9.eE+-]+)", log, re.MULTILINE)
    if match:
        try:
            return float(match.group(1))
        except ValueError:
            return None
    return None


def _highs_bound(problem: pulp.LpProblem) -> float | None:
    """HiGHS's proven bound, in the orientation of our objective.

    PuLP hands a maximization to HiGHS as "minimize −c·x", so HiGHS's dual bound is negated;
    the orientation is read off by comparing HiGHS's objective value with PuLP's.
    """
    model = getattr(problem, "solverModel", None)
    if model is None:
        return None
    try:
        info = model.getInfo()
        bound = float(info.mip_dual_bound)
        theirs = float(info.objective_function_value)
    except Exception:  # pragma: no cover
        return None
    ours = float(pulp.value(problem.objective) or 0.0)
    if abs(theirs + ours) < abs(theirs - ours):
        bound = -bound
    return bound if math.isfinite(bound) else None


_highs_banner_absorbed = False


def _absorb_highs_banner() -> None:
    """HiGHS prints a banner to stdout on its first construction in a process, whatever its
    options; swallow it once so that ``--format json`` output stays clean."""
    global _highs_banner_absorbed
    if _highs_banner_absorbed:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _highs_banner_absorbed = True
