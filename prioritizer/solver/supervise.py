"""Run a solver process under supervision: its own process group, a wall-clock deadline, and
on every exit path (done, deadline, Ctrl-C, error) that group and nothing else is stopped.

No fork of the calling process: the solver is started with ``subprocess`` (fork + exec of a
fresh program), so a notebook kernel or a Dask worker is never duplicated, and stopping a
solve never touches the caller's other children.

Ctrl-C is never lost while waiting: the wait is cut in slices of :data:`POLL_S` and pending
signal handlers are run between them. A SIGINT the kernel hands to another thread (OpenBLAS's,
a notebook's) only marks the signal as pending; Python would run its handler at the main
thread's next bytecode, which a wait blocked in ``read()`` until the solver ends never reaches.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

DEADLINE_GRACE_S = 2.0
"""Seconds a solver may run past its ``time_limit`` before its process is stopped."""

STOP_GRACE_S = 1.0
"""Seconds a stopped solver gets between SIGTERM and SIGKILL."""

POLL_S = 0.1
"""Longest wall time (s) between two checks for a pending Ctrl-C while a solver runs."""

_MEANWHILE: contextvars.ContextVar[list[Callable[[], object]] | None] = contextvars.ContextVar(
    "prioritizer_meanwhile", default=None
)


@contextlib.contextmanager
def meanwhile(work: Callable[[], object]) -> Iterator[None]:
    """Run ``work`` in this thread while the first solver process started in the block
    solves (its model handed over, this thread would only wait), or on leaving the block
    when none did; never twice. For work whose result the caller needs after the solve
    anyway: ``prioritizer solve`` hashes the scenario for its manifest while CBC runs.

    An exception in ``work`` propagates (a solver running is stopped); when the block
    raises, ``work`` not yet run is dropped.
    """
    pending = [work]
    token = _MEANWHILE.set(pending)
    try:
        yield
    finally:
        _MEANWHILE.reset(token)
    while pending:
        pending.pop()()


def _run_meanwhile() -> None:
    """The work :func:`meanwhile` left for this thread's next solver process, if any."""
    pending = _MEANWHILE.get()
    while pending:
        pending.pop()()


@dataclass(frozen=True)
class Outcome:
    """How a supervised process ended: exit code (None when it was stopped at the deadline),
    its standard output, whether the deadline stopped it, wall seconds."""

    returncode: int | None
    stdout: bytes
    timed_out: bool
    seconds: float


def start(
    args: Sequence[str], into: list[subprocess.Popen[bytes]], *, stdin: bool = False
) -> subprocess.Popen[bytes]:
    """Start ``args`` in a process group of its own (standard output piped, standard error
    discarded) and append it to ``into`` — a list the caller stops in a ``finally``.

    Ctrl-C is held back until the process is in ``into``: an interrupt delivered when it is
    released (while this function returns) can then never orphan the process.
    """
    with sigint_deferred():
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=sys.platform != "win32",
        )
        into.append(proc)
    return proc


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    """Stop every process of ``processes`` still running (their groups); for ``finally``."""
    for proc in processes:
        if proc.poll() is None:
            stop_group(proc)


def finish(
    proc: subprocess.Popen[bytes],
    *,
    stdin: bytes | None = None,
    deadline_s: float | None = None,
    started: float | None = None,
) -> Outcome:
    """Feed ``stdin`` to a process from :func:`start` and wait for it; stop its group at
    ``deadline_s`` (wall seconds from now) or when the caller is interrupted (the exception
    is re-raised after the stop). The group is never left running.

    ``stdin`` is written whole before the output is read (a blocking write: the process must
    read all its input before it writes); the deadline counts from then on.
    """
    started = time.perf_counter() if started is None else started
    try:
        if sys.platform == "win32":  # no select() on pipes: a plain wait
            try:
                out, _err = proc.communicate(stdin, timeout=deadline_s)
            except subprocess.TimeoutExpired:
                stop_group(proc)
                out, _err = proc.communicate()
                return Outcome(None, out or b"", True, time.perf_counter() - started)
            return Outcome(proc.returncode, out, False, time.perf_counter() - started)
        if stdin is not None and proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.write(stdin)
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
        _run_meanwhile()  # the solver has all it needs: this thread's other work
        out, timed_out = _wait(proc, deadline_s)
        if timed_out:
            stop_group(proc)
            out += _drain(proc, STOP_GRACE_S)
            return Outcome(None, out, True, time.perf_counter() - started)
        return Outcome(proc.returncode, out, False, time.perf_counter() - started)
    finally:
        if proc.poll() is None:  # interrupted or failed: leave nothing
            stop_group(proc)


def _wait(proc: subprocess.Popen[bytes], timeout: float | None) -> tuple[bytes, bool]:
    """(standard output, timed out) of ``proc``: read to the end, then its exit awaited, in
    slices of :data:`POLL_S` with pending signal handlers run between slices (Ctrl-C raises
    KeyboardInterrupt there); stops waiting after ``timeout`` seconds (None: no limit)."""
    deadline = None if timeout is None else time.monotonic() + timeout

    def left() -> float:
        return POLL_S if deadline is None else min(POLL_S, deadline - time.monotonic())

    chunks: list[bytes] = []
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            wait = left()
            if wait <= 0:
                return b"".join(chunks), True
            if selector.select(wait):
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            check_signals()
    proc.stdout.close()
    while True:
        wait = left()
        if wait <= 0:
            return b"".join(chunks), True
        try:
            proc.wait(timeout=wait)
            return b"".join(chunks), False
        except subprocess.TimeoutExpired:
            check_signals()


def _drain(proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    """What a stopped process still had in its output pipe (at most ``timeout`` s)."""
    if proc.stdout is None or proc.stdout.closed:
        return b""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while time.monotonic() < deadline and selector.select(deadline - time.monotonic()):
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def check_signals() -> None:
    """Run the handlers of signals received since the main thread last ran Python code (in
    the main thread; a no-op elsewhere): Ctrl-C raises KeyboardInterrupt here."""
    if threading.current_thread() is threading.main_thread():
        import ctypes

        ctypes.pythonapi.PyErr_CheckSignals()  # raises the handler's exception, if any


def run_supervised(
    args: Sequence[str], *, stdin: bytes | None = None, deadline_s: float | None = None
) -> Outcome:
    """:func:`start` then :func:`finish`: run ``args`` to the end, the deadline or Ctrl-C."""
    started = time.perf_counter()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        proc = start(args, processes, stdin=stdin is not None)
        return finish(proc, stdin=stdin, deadline_s=deadline_s, started=started)
    finally:
        stop_all(processes)


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C back for the duration of the block and deliver it after (KeyboardInterrupt
    on leaving the block). Also for code that would swallow it, e.g. an ``except:``.

    Done with a recording handler rather than a signal mask: with other threads alive (a
    notebook kernel, Dask) the kernel hands a masked SIGINT to another thread and Python
    would still raise KeyboardInterrupt in the main thread mid-block. Only the main thread
    receives KeyboardInterrupt, so other threads need no deferral.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        if received:
            if callable(previous):
                previous(signal.SIGINT, None)  # e.g. default_int_handler: KeyboardInterrupt
            elif previous == signal.SIG_DFL:
                raise KeyboardInterrupt


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Terminate (then kill) ``proc`` and its process group; wait for it. Never signals a
    process outside that group."""
    pgid: int | None = None
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            pgid = os.getpgid(proc.pid)
        if pgid is not None and pgid == os.getpgrp():
            pgid = None  # not in a group of its own: signal the process alone
    for sig in (signal.SIGTERM, signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM):
        with contextlib.suppress(OSError):
            if pgid is not None:
                os.killpg(pgid, sig)
            else:
                proc.send_signal(sig)
        try:
            proc.wait(timeout=STOP_GRACE_S)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=STOP_GRACE_S)
