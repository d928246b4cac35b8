"""Debounce: run an action once, after a burst of calls has ended (a dragged slider)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol


class Timer(Protocol):
    """What :class:`Debouncer` needs of a timer (``threading.Timer`` has it)."""

    def start(self) -> None: ...

    def cancel(self) -> None: ...


class Debouncer:
    """Run ``action`` once, ``delay_s`` seconds after the last of a burst of calls.

    ``timer_factory(delay_s, action)`` makes the timer (``threading.Timer`` by default; tests
    pass one they fire by hand, so nothing depends on the clock).
    """

    def __init__(
        self,
        action: Callable[[], Any],
        delay_s: float = 0.25,
        timer_factory: Callable[[float, Callable[[], Any]], Timer] | None = None,
    ) -> None:
        self.action = action
        self.delay_s = delay_s
        self._factory = timer_factory or _daemon_timer
        self._timer: Timer | None = None
        self._lock = threading.Lock()

    def __call__(self) -> None:
        """A change arrived: (re)start the wait."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self._factory(self.delay_s, self._fire)
            self._timer.start()

    @property
    def pending(self) -> bool:
        """True while a change waits for its timer."""
        return self._timer is not None

    def _fire(self) -> None:
        with self._lock:
            self._timer = None
        self.action()

    def flush(self) -> None:
        """Run the waiting action now (nothing when none waits)."""
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            self.action()


def _daemon_timer(delay_s: float, action: Callable[[], Any]) -> Timer:
    timer = threading.Timer(delay_s, action)
    timer.daemon = True
    return timer
