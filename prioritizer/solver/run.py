"""Choose a backend for a model and run it: the one entry point from model to solution."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np

from ..exceptions import SolverError
from ..result import SolverOptions
from . import cbc_library, cylp_backend
from .model import Model
from .solution import Solution

log = logging.getLogger(__name__)

SOLVERS = ("cbc", "highs")
Backend = Literal["library", "cylp", "cbc", "highs"]


def cbc_available() -> bool:
    """Whether PuLP's CBC binary is present and executable."""
    from . import pulp_backend  # PuLP is imported only when a PuLP backend may run

    return pulp_backend.cbc_available()


def highs_available() -> bool:
    """Whether HiGHS can be used in-process (the highspy package is installed)."""
    from . import pulp_backend

    return pulp_backend.highs_available()


def backend_for(options: SolverOptions, n: int) -> Backend:
    """The backend that runs ``options.solver`` on a model of ``n`` variables.

    ``cbc``, solved without a time limit, when cylp is installed: CBC's library in this
    process when ``options.in_process`` (the re-solves of sweeps), up to
    :data:`~.cbc_library.LIBRARY_MAX_N` initiatives (no process or files per solve, see
    :mod:`.cbc_library`); CBC through cylp in a worker process from
    :data:`~.cylp_backend.CYLP_MIN_N` on (faster there, see ``make bench``); otherwise
    PuLP's CBC binary; HiGHS when CBC is missing. ``highs``: HiGHS.
    """
    if options.solver not in SOLVERS:
        raise SolverError(f"unknown solver {options.solver!r}; expected one of {list(SOLVERS)}")
    if options.solver == "cbc":
        if options.time_limit is None and cylp_backend.cylp_available():
            if n >= cylp_backend.CYLP_MIN_N:
                return "cylp"
            if (
                options.in_process
                and n <= cbc_library.LIBRARY_MAX_N
                and cbc_library.library_available()
            ):
                return "library"
        if cbc_available():
            return "cbc"
        if highs_available():
            log.warning("CBC is missing or not executable; falling back to HiGHS")
            return "highs"
        raise SolverError(
            "the CBC solver bundled with PuLP is missing or not executable, and HiGHS is "
            "not installed; reinstall PuLP (pip install --force-reinstall 'pulp>=3.3,<4') "
            "or install HiGHS (pip install 'prioritizer[highs]')"
        )
    if not highs_available():
        raise SolverError(
            "HiGHS is not installed; install it with pip install 'prioritizer[highs]' "
            "or use --solver cbc"
        )
    return "highs"


@contextlib.contextmanager
def worker_ahead(options: SolverOptions, table: Path | None) -> Iterator[None]:
    """Around loading a scenario and solving it: when ``options`` would run CBC through cylp
    on a large model and the initiatives ``table`` file is at least
    :data:`~.cylp_backend.SPARE_MIN_BYTES`, a cylp worker is started at once, so its start-up
    overlaps the loading instead of following it; the solve takes it (:func:`prepare`), and
    it is stopped on leaving the block if no solve did (a small table: never started)."""
    try:
        with contextlib.suppress(OSError, SolverError):  # the solve itself will say so
            if (
                table is not None
                and table.stat().st_size >= cylp_backend.SPARE_MIN_BYTES
                and backend_for(options, cylp_backend.CYLP_MIN_N) == "cylp"
            ):
                cylp_backend.start_spare()
        yield
    finally:
        cylp_backend.discard_spare()


def prepare(options: SolverOptions, n: int) -> cylp_backend.Worker | None:
    """A worker to start ahead of the model when the backend for ``n`` variables runs in a
    process of its own (cylp), else None. The caller binds it, calls ``launch()`` inside a
    ``try`` whose ``finally`` calls ``discard()``, and passes it to :func:`solve_model`."""
    if backend_for(options, n) != "cylp":
        return None
    return cylp_backend.take_spare() or cylp_backend.Worker()


def solve_model(
    model: Model,
    options: SolverOptions,
    *,
    start: np.ndarray | None = None,
    worker: cylp_backend.Worker | None = None,
) -> Solution:
    """Solve ``model`` (canonical order) with the backend :func:`backend_for` picks.

    ``start``: a feasible 0/1 selection in canonical order, handed to CBC as a MIP start.
    ``worker``: from :func:`prepare`.
    """
    decisions = model.n if model.integer is None else int(model.integer.sum())
    backend = backend_for(options, decisions)  # the 0/1 variables: the initiatives
    if backend == "cylp" and not model.preprocess:
        # cylp runs CBC's fixed defaults, preprocessing included (see Model.preprocess)
        if cbc_available():
            backend = "cbc"
        elif highs_available():
            backend = "highs"
        else:
            log.warning(
                "CBC's preprocessing cannot be switched off through cylp; this model may be "
                "solved wrongly (install HiGHS: pip install 'prioritizer[highs]')"
            )
    if backend == "library":
        solution = cbc_library.solve_in_process(model, options, start)
        if not solution.failed:
            return solution
        if cbc_available():
            log.info("%s; solving with PuLP's CBC binary instead", solution.message)
            if start is None and solution.x.any():
                start = solution.x  # the best portfolio the stopped search found
            backend = "cbc"
        elif highs_available():
            log.info("%s; solving with HiGHS instead", solution.message)
            backend = "highs"
        else:
            return solution
    if backend == "cylp":
        solution = cylp_backend.solve_cylp(model, options, worker)
        if not solution.failed or not cbc_available():
            return solution
        log.warning("%s; solving with PuLP's CBC instead", solution.message)
        backend = "cbc"
    from . import pulp_backend

    if backend == "cbc":
        return pulp_backend.solve_cbc(model, options, start)
    return pulp_backend.solve_highs(model, options)
