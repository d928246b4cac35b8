"""Running many independent solves: in-process, on local worker processes, or on any Executor.

One randomness policy (after SALib): a seed becomes a ``numpy.random.SeedSequence``; work is cut
into chunks of a fixed size that does not depend on the number of workers, and chunk k draws
from the k-th spawned child sequence — so results are identical for 1 worker, 2 workers, or a
Dask cluster's ``client.get_executor()``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

SeedLike = int | np.random.SeedSequence | None


def default_workers() -> int:
    """All cores of this machine (at least 1)."""
    return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """``workers`` as a count: ``None`` means all cores (:func:`default_workers`)."""
    return default_workers() if workers is None else max(1, workers)


def seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """A SeedSequence from an int (0 included), a SeedSequence, or None (fresh entropy).

    A given SeedSequence is copied, never used itself: spawning children advances it, and
    the caller's object must give the same draws the next time it is passed.
    """
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            seed.entropy,
            spawn_key=seed.spawn_key,
            pool_size=seed.pool_size,
            n_children_spawned=seed.n_children_spawned,
        )
    return np.random.SeedSequence(seed)


def quiet_when_idle() -> None:
    """Initializer of this package's worker processes: Ctrl-C is ignored while a worker waits
    for work (an idle worker it reached would print a traceback); :func:`interruptible`
    honours it while a task runs, so the task stops and cleans up (its solver included)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def interruptible(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` with Python's Ctrl-C handler on (in a worker's main thread; a
    thread of an executor's, e.g. Dask's, is left as it is)."""
    if threading.current_thread() is not threading.main_thread():
        return function(*args)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return function(*args)
    finally:
        signal.signal(signal.SIGINT, previous)


def new_pool(count: int) -> ProcessPoolExecutor:
    """A pool of ``count`` worker processes that ignore Ctrl-C while idle
    (:func:`quiet_when_idle`); submit tasks through :func:`interruptible`."""
    return ProcessPoolExecutor(max_workers=count, initializer=quiet_when_idle)


@contextlib.contextmanager
def worker_pool(workers: int | None = None) -> Iterator[Executor | None]:
    """One process pool of ``workers`` (default: all cores) for several analyses in a row
    (pass it as their ``executor``; workers ignore Ctrl-C while idle), shut down on leaving
    the block, or None for one worker. Saves each analysis its own pool, and lets work of
    the next analysis queue behind the last tasks of one (the steering pack renders charts
    there)."""
    count = resolve_workers(workers)
    if count <= 1:
        yield None
        return
    pool = new_pool(count)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def chunks(total: int, size: int) -> list[tuple[int, int]]:
    """[start, stop) ranges of at most ``size`` covering ``range(total)``."""
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def run_tasks(
    function: Callable[..., T],
    tasks: Sequence[tuple[Any, ...]],
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[T]:
    """Apply ``function(*task)`` to every task, in order of the tasks.

    ``executor`` wins when given (any ``concurrent.futures.Executor``, e.g. a Dask client's
    ``get_executor()``); otherwise ``workers`` > 1 (default ``None``: all cores) starts a
    local process pool; otherwise the tasks run in this process. ``progress(done, total)`` is
    called as tasks finish.
    """
    total = len(tasks)
    results: list[T] = []
    workers = resolve_workers(workers)
    if (executor is None and workers <= 1) or total <= 1:
        for done, task in enumerate(tasks, start=1):
            results.append(function(*task))
            if progress:
                progress(done, total)
        return results
    own = executor is None
    pool: Executor = executor or new_pool(min(workers, total))
    try:
        futures = [pool.submit(interruptible, function, *task) for task in tasks]
        for done, future in enumerate(futures, start=1):
            results.append(future.result())
            if progress:
                progress(done, total)
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    return results


def flatten(parts: Iterable[list[T]]) -> list[T]:
    """Concatenate lists in order."""
    return [item for part in parts for item in part]
