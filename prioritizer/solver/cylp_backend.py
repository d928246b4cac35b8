"""CBC in memory through cylp (the ``[fast]`` extra): the model goes to CBC as arrays, with
no MPS file and no solution file. CBC holds the GIL and swallows SIGINT while it runs, so it
runs in a worker process of its own (``_cylp_worker.py``), supervised like the CBC binary.

Measured at N = 20,000 (``make bench``) it is several times faster than the CBC binary
reached through files; the worker's start-up (numpy, scipy, cylp imports) makes it slower on
small models, so :func:`prioritizer.solver.backend_for` uses it from :data:`CYLP_MIN_N`
initiatives, and only without a time limit (CBC through cylp counts CPU seconds, not wall
seconds, and its incumbent is lost when the worker must be stopped).
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..result import SolverOptions
from .model import Model
from .solution import Solution, Status
from .supervise import finish, start, stop_all

CYLP_MIN_N = 2000
"""Smallest model (initiatives) for which CBC through cylp is used when installed."""

_WORKER = Path(__file__).with_name("_cylp_worker.py")
NAME = "cbc (cylp)"


def cylp_available() -> bool:
    """Whether cylp is installed (``pip install 'prioritizer[fast]'``; Linux and macOS)."""
    return importlib.util.find_spec("cylp") is not None


class Worker:
    """A cylp worker process started ahead of its model (its imports take most of a second,
    overlapped with the model build). Bind the Worker, then :meth:`launch` it inside a
    ``try`` whose ``finally`` calls :meth:`discard`; use it once with :func:`solve_cylp`."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.processes: list[subprocess.Popen[bytes]] = []

    def launch(self) -> Worker:
        """Start the worker process (recorded before Ctrl-C can interrupt)."""
        if not self.processes:
            start([sys.executable, "-P", str(_WORKER)], self.processes, stdin=True)
        return self

    def discard(self) -> None:
        """Stop the worker if it is still waiting for a model (or running one)."""
        stop_all(self.processes)


SPARE_MIN_BYTES = 50 * CYLP_MIN_N
"""A table file at least this large (some 50 bytes a row) is likely to hold
:data:`CYLP_MIN_N` initiatives: worth a worker started while it loads (:func:`start_spare`)."""

_spare: list[tuple[int, Worker]] = []  # (process id that started it, the worker)


def start_spare() -> None:
    """Start a worker now for a solve to come in this process (e.g. while a large scenario
    loads, so its start-up is hidden): the next :func:`prioritizer.solver.run.prepare` that
    needs one takes it; :func:`discard_spare` (in a ``finally``) stops it if none did."""
    if _spare or not cylp_available():
        return
    worker = Worker()
    _spare.append((os.getpid(), worker))  # recorded before its process exists
    worker.launch()


def take_spare() -> Worker | None:
    """The worker :func:`start_spare` started in this process, if any (its clock restarted:
    a solve's seconds count from here); None otherwise."""
    while _spare:
        pid, worker = _spare.pop()
        if pid == os.getpid() and worker.processes and worker.processes[0].poll() is None:
            worker.started = time.perf_counter()
            return worker
        if pid == os.getpid():
            worker.discard()
    return None


def discard_spare() -> None:
    """Stop a spare worker no solve took (for a ``finally``)."""
    while _spare:
        pid, worker = _spare.pop()
        if pid == os.getpid():
            worker.discard()


def solve_cylp(model: Model, options: SolverOptions, worker: Worker | None = None) -> Solution:
    """Solve ``model`` with CBC through cylp in a supervised worker process (``worker``, when
    one was started ahead)."""
    own = worker is None
    worker = worker or Worker()
    try:
        return _solve(model, options, worker.launch())
    finally:
        if own:
            worker.discard()


def _solve(model: Model, options: SolverOptions, worker: Worker) -> Solution:
    payload = io.BytesIO()
    np.savez(
        payload,
        objective=model.objective,
        indptr=model.indptr,
        indices=model.indices,
        data=model.data,
        lower=model.lower,
        upper=model.upper,
        gap=np.array(options.gap),
        time_limit=np.array(options.time_limit or 0.0),
        integer=np.ones(model.n, dtype=bool) if model.integer is None else model.integer,
    )
    outcome = finish(worker.processes[0], stdin=payload.getvalue(), started=worker.started)
    if outcome.returncode != 0 or not outcome.stdout:
        return Solution(
            "error",
            np.zeros(model.n),
            None,
            None,
            NAME,
            outcome.seconds,
            f"{NAME} failed (exit code {outcome.returncode})",
            failed=True,
        )
    data = np.load(io.BytesIO(outcome.stdout))
    text = str(data["status"])
    status: Status
    if text in ("relaxation infeasible", "problem proven infeasible"):
        status = "infeasible"
    elif not bool(data["found"]):
        status = "error"
    elif text == "solution":
        status = "optimal"
    else:
        status = "feasible"
    if status in ("infeasible", "error"):
        message = "no portfolio satisfies every rule" if status == "infeasible" else text
        return Solution(status, np.zeros(model.n), None, None, NAME, outcome.seconds, message)
    x = (np.asarray(data["x"]) > 0.5).astype(float)
    bound = float(data["bound"])
    return Solution(
        status,
        x,
        float(model.objective @ x),
        bound if np.isfinite(bound) and abs(bound) < 1e50 else None,
        NAME,
        outcome.seconds,
    )
