"""CBC in this process, through CBC's own C interface (``Cbc_C_Interface``) of the CBC
library that cylp's wheel bundles (the ``[fast]`` extra): no process, no files.

For the many small re-solves of the analyses (a Monte Carlo draw, a tornado swing, a frontier
step) the CBC binary's cost is mostly around the search: a process started, an MPS file
written and parsed, a solution file written and read (telecom example, 60 initiatives: some
20 CPU ms a re-solve, of which CBC's own search is about half; see ``make bench``). Here the
same driver (CBC's command-line driver, ``CbcMain1``, with the options
:func:`~.pulp_backend.solve_cbc` gives the binary) runs on arrays in memory. It is CBC 2.10.13
(cylp's), the binary 2.10.3 (PuLP's): the same optimum, but among tied optima either may
return a different portfolio (the analyses prefer the recommendation among ties).

Used by :func:`prioritizer.solver.run.backend_for` for the re-solves of sweeps
(``SolverOptions.in_process``) of models of at most :data:`LIBRARY_MAX_N` initiatives
without a time limit: those take milliseconds, and
the library cannot be stopped from outside, so a search that runs long is ended by a
watchdog and handed to the binary, which can. Safe in a notebook: no fork. Ctrl-C raises
KeyboardInterrupt at once, with one exception: while CBC's LP solver (Clp) solves an LP it
installs its own SIGINT handler for the whole process, and a Ctrl-C landing then only cuts
that LP short (about 3% of the time of back-to-back re-solves; a Ctrl-C in 20 to 30 is lost
and must be pressed again). One solve at a time per process (CBC's driver keeps state in
globals): a second thread meanwhile gets the binary.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import sys
import threading
import time
from pathlib import Path

import numpy as np

from ..result import SolverOptions
from .cbc_options import cbc_options
from .model import Model
from .solution import Solution, Status
from .supervise import POLL_S, sigint_deferred

NAME = "cbc (in-process)"

LIBRARY_MAX_N = 500
"""Largest model (initiatives) solved with CBC's library in this process."""

_LOCK = threading.Lock()
_BIG = sys.float_info.max  # CBC's "no bound" (COIN_DBL_MAX)
_STOPPED = (4, 5)  # Cbc_secondaryStatus: stopped on time (the watchdog), on a user event

_doubles = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
_ints = np.ctypeslib.ndpointer(dtype=np.int32, flags="C_CONTIGUOUS")
_SIGNATURES: dict[str, tuple[list[object], object]] = {
    "Cbc_newModel": ([], ctypes.c_void_p),
    "Cbc_deleteModel": ([ctypes.c_void_p], None),
    "Cbc_loadProblem": (
        [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, _ints, _ints, _doubles] + [_doubles] * 5,
        None,
    ),
    "Cbc_setInteger": ([ctypes.c_void_p, ctypes.c_int], None),
    "Cbc_setParameter": ([ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p], None),
    "Cbc_setMIPStartI": ([ctypes.c_void_p, ctypes.c_int, _ints, _doubles], None),
    "Cbc_solve": ([ctypes.c_void_p], ctypes.c_int),
    "Cbc_isProvenOptimal": ([ctypes.c_void_p], ctypes.c_int),
    "Cbc_isProvenInfeasible": ([ctypes.c_void_p], ctypes.c_int),
    "Cbc_isInitialSolveProvenPrimalInfeasible": ([ctypes.c_void_p], ctypes.c_int),
    "Cbc_secondaryStatus": ([ctypes.c_void_p], ctypes.c_int),
    "Cbc_numberSavedSolutions": ([ctypes.c_void_p], ctypes.c_int),
    "Cbc_bestSolution": ([ctypes.c_void_p], ctypes.POINTER(ctypes.c_double)),
    "Cbc_getBestPossibleObjValue": ([ctypes.c_void_p], ctypes.c_double),
}


def _library_file() -> Path | None:
    """cylp's bundled ``libCbcSolver`` (auditwheel's ``cylp.libs`` on Linux, delocate's
    ``cylp/.dylibs`` on macOS), found without importing cylp; None when absent."""
    spec = importlib.util.find_spec("cylp")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    for folder, pattern in (
        (package.parent / "cylp.libs", "libCbcSolver*.so*"),
        (package / ".dylibs", "libCbcSolver*.dylib"),
    ):
        found = sorted(folder.glob(pattern)) if folder.is_dir() else []
        if found:
            return found[0]
    return None


@functools.cache
def _library() -> ctypes.CDLL | None:
    file = _library_file()
    if file is None:
        return None
    try:
        library = ctypes.CDLL(str(file))
        for name, (arguments, result) in _SIGNATURES.items():
            function = getattr(library, name)
            function.argtypes = arguments
            function.restype = result
    except (OSError, AttributeError):
        return None
    return library


def library_available() -> bool:
    """Whether CBC's library can be used in this process (cylp installed: Linux, macOS)."""
    return _library() is not None


def solve_in_process(
    model: Model, options: SolverOptions, start: np.ndarray | None = None
) -> Solution:
    """Solve ``model`` with CBC's library in this process, with the options the CBC binary
    gets from :func:`~.pulp_backend.solve_cbc` (``start``: canonical 0/1, a MIP start).

    For models solved without a time limit that take milliseconds (see the module's
    docstring). CBC runs in a thread of its own while this thread waits in slices of
    :data:`~.supervise.POLL_S`, so Ctrl-C raises KeyboardInterrupt here (but see the
    module's docstring on Clp); CBC itself cannot be stopped from outside, so it runs under
    a watchdog of :data:`WATCHDOG_S` wall seconds, which CBC checks between its steps (its
    thread ended 3.2 s after a 10 s watchdog, 1.8 s after a 3 s one, on a hard model).
    ``failed`` (the caller then solves with the CBC binary, which can be stopped) when the
    library is missing, busy in another thread, or the search reached the watchdog.
    """
    library = _library()
    if library is None:
        return _failed(model, "CBC's library is missing")
    outcome: list[Solution | BaseException] = []
    # Ctrl-C held back until the thread that releases the lock runs (else a Ctrl-C in
    # between could leave the lock held for good, or have it released twice)
    with sigint_deferred():
        if not _LOCK.acquire(blocking=False):
            return _failed(model, "CBC's library is solving in another thread")
        thread = threading.Thread(
            target=_solve_then_release,
            args=(library, model, options, start, outcome),
            name="prioritizer-cbc",
            daemon=True,
        )
        try:
            thread.start()
        except BaseException:  # no thread: nobody else releases it
            _LOCK.release()
            raise
    while thread.is_alive():
        thread.join(POLL_S)  # a Ctrl-C is raised here, between two slices
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


WATCHDOG_S = 10.0
"""Wall seconds after which an in-process CBC search is ended, at CBC's next check of its
clock (it is then re-solved by the CBC binary, which can be stopped from outside): what
bounds the work left running after a Ctrl-C, which cannot stop the library."""


def _failed(model: Model, message: str) -> Solution:
    return Solution("error", np.zeros(model.n), None, None, NAME, 0.0, message, failed=True)


def _solve_then_release(
    library: ctypes.CDLL,
    model: Model,
    options: SolverOptions,
    start: np.ndarray | None,
    outcome: list[Solution | BaseException],
) -> None:
    started = time.perf_counter()
    try:
        handle = library.Cbc_newModel()
        try:
            _load(library, handle, model)
            for name, value in _parameters(model, options, start is not None):
                library.Cbc_setParameter(handle, name.encode(), value.encode())
            if start is not None:
                library.Cbc_setMIPStartI(
                    handle,
                    model.n,
                    np.arange(model.n, dtype=np.int32),
                    np.ascontiguousarray(start, dtype=np.float64),
                )
            library.Cbc_solve(handle)
            outcome.append(_outcome(library, handle, model, time.perf_counter() - started))
        finally:
            library.Cbc_deleteModel(handle)
    except BaseException as error:  # handed to the waiting thread
        outcome.append(error)
    finally:
        _LOCK.release()


def _load(library: ctypes.CDLL, handle: int, model: Model) -> None:
    """Hand "minimize −c·x subject to the rows" to CBC, by columns."""
    rows_of = np.repeat(np.arange(model.rows, dtype=np.int64), np.diff(model.indptr))
    order = np.lexsort((rows_of, model.indices))  # by column, then row
    starts = np.zeros(model.n + 1, dtype=np.int32)
    np.cumsum(np.bincount(model.indices, minlength=model.n), out=starts[1:])
    library.Cbc_loadProblem(
        handle,
        model.n,
        model.rows,
        starts,
        np.ascontiguousarray(rows_of[order], dtype=np.int32),
        np.ascontiguousarray(model.data[order], dtype=np.float64),
        np.zeros(model.n),
        np.ones(model.n),
        np.ascontiguousarray(-model.objective, dtype=np.float64),
        np.where(np.isfinite(model.lower), model.lower, -_BIG).astype(np.float64),
        np.where(np.isfinite(model.upper), model.upper, _BIG).astype(np.float64),
    )
    integer = range(model.n) if model.integer is None else np.flatnonzero(model.integer).tolist()
    for column in integer:
        library.Cbc_setInteger(handle, int(column))


def _parameters(model: Model, options: SolverOptions, started: bool) -> list[tuple[str, str]]:
    """CBC's options as the binary gets them (:func:`~.cbc_options.cbc_options`), silent and
    under the watchdog."""
    watchdog = [("log", "0"), ("sec", f"{WATCHDOG_S:g}"), ("timeMode", "elapsed")]
    return watchdog + cbc_options(model, options, started)


def _outcome(library: ctypes.CDLL, handle: int, model: Model, seconds: float) -> Solution:
    """The solution CBC kept. A solution found (or the start) is the answer, proven optimal
    or not; "infeasible" only without one: with a start, CBC searches for something better
    than it and may report that search's relaxation as infeasible."""
    pointer = library.Cbc_bestSolution(handle)
    # stopped by the watchdog (or reached it: stopped during its root, CBC may even call the
    # model infeasible): the binary decides, from the best portfolio found
    if library.Cbc_secondaryStatus(handle) in _STOPPED or seconds >= WATCHDOG_S:
        found = _selection(pointer, model.n) if pointer else np.zeros(model.n)
        message = f"{NAME} was stopped by its watchdog ({WATCHDOG_S:g} s)"
        return Solution("error", found, None, None, NAME, seconds, message, failed=True)
    if not pointer:
        infeasible = library.Cbc_isProvenInfeasible(
            handle
        ) or library.Cbc_isInitialSolveProvenPrimalInfeasible(handle)
        if infeasible:
            message = "no portfolio satisfies every rule"
            return Solution("infeasible", np.zeros(model.n), None, None, NAME, seconds, message)
        message = f"{NAME} ended without a solution"
        return Solution("error", np.zeros(model.n), None, None, NAME, seconds, message)
    status: Status = "optimal" if library.Cbc_isProvenOptimal(handle) else "feasible"
    x = _selection(pointer, model.n)
    lower = float(library.Cbc_getBestPossibleObjValue(handle))
    bound = -lower if np.isfinite(lower) and abs(lower) < 1e50 else None
    return Solution(status, x, float(model.objective @ x), bound, NAME, seconds)


def _selection(pointer: object, n: int) -> np.ndarray:
    """CBC's solution vector (``n`` doubles at ``pointer``) as 0/1, copied."""
    return (np.ctypeslib.as_array(pointer, shape=(n,)) > 0.5).astype(float)
