"""Command line: a thin shell over the library (the only package that imports click).

Exit codes: 0 solved, 1 infeasible or solver failure, 2 bad input or usage, 130 interrupted.
No traceback for any user error, nor for Ctrl-C at any moment: while this package imports
click, and while :class:`LazyGroup` imports a command's module (and the library it needs)
when the command is used, Ctrl-C ends the process at once ("Interrupted.", 130; nothing has
started yet, and no library's bare ``except:`` can swallow it); otherwise, from :func:`main`
on, it raises KeyboardInterrupt, which stops the solver's process group and unwinds the
atomic writers before "Interrupted." is printed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

INTERRUPTED_EXIT = 130


def _exit_at_once(_signum: int, _frame: Any) -> None:
    """SIGINT while importing: nothing to clean up yet."""
    try:
        os.write(2, b"\nInterrupted.\n")
    finally:
        os._exit(INTERRUPTED_EXIT)


def _guard_imports() -> Any:
    """Install :func:`_exit_at_once` (main thread only); return the handler to restore."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _exit_at_once)


_previous_handler = _guard_imports()

import importlib  # noqa: E402

import click  # noqa: E402  (after the guard: these imports take most of the start-up)

from .. import __version__  # noqa: E402

if _previous_handler is not None:
    signal.signal(signal.SIGINT, _previous_handler)


COMMAND_MODULES: dict[str, str] = {
    "validate": "core",
    "solve": "core",
    "init": "core",
    "doctor": "core",
    "frontier": "analyses",
    "marginal": "analyses",
    "tornado": "analyses",
    "montecarlo": "analyses",
    "pareto": "analyses",
    "explain": "analyses",
    "compare": "analyses",
    "report": "report",
    "roadmap": "roadmap",
    "track": "track",
    "approve": "track",
    "history": "track",
    "evidence": "evidence",
    "app": "app",
}
"""Each command and the module of this package that defines it (the analysis commands are
built from the registry of analyses, in ``analyses.COMMANDS``)."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (as it was after): while a command's
    module and the library it needs are imported (what an import creates stays), and for a
    command that reads one scenario, solves it once and ends (``solve``, ``validate``).
    Loading 20,000 initiatives creates some 10^6 objects that all stay alive until the
    command ends; each collection re-scanned them and freed nothing (0 objects in every
    collection of a ``prioritizer solve`` at that size; the same peak memory with the
    collector off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used (or listed in
    ``--help``): ``prioritizer solve`` does not pay for the analyses, the pack or the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            previous = _guard_imports()  # Ctrl-C while the library imports: exit at once
            try:
                with collector_paused():
                    module = importlib.import_module(f".{COMMAND_MODULES[cmd_name]}", __name__)
            finally:
                if previous is not None:
                    signal.signal(signal.SIGINT, previous)
            command = getattr(module, "COMMANDS", {}).get(cmd_name) or getattr(module, cmd_name)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prioritizer")
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does to stderr.")
def cli(verbose: bool) -> None:
    """Choose the best portfolio of customer-experience initiatives.

    \b
    Example:
        prioritizer validate scenarios/retail_bank/scenario.yaml
        prioritizer solve scenarios/retail_bank/scenario.yaml --budget 2000000
    """
    import logging

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


YOUNG_OBJECTS_PER_COLLECTION = 100_000
"""The command's cyclic garbage collector runs after this many new objects (Python's default
is 700). A command builds its scenario once and keeps it (20,000 initiatives are some 10^5
objects): at the default the collector re-scans them again and again (about 0.5 s of a
`prioritizer solve` at that size, about 0.1 s with this setting). Set by :func:`main` only,
for the process it runs; the library leaves the collector alone."""


def caused_by_ctrl_c(error: BaseException) -> bool:
    """Whether a KeyboardInterrupt is in ``error``'s chain (its causes and the exceptions it
    was raised while handling). Python 3.11 wraps a KeyboardInterrupt raised in a
    ``__set_name__`` into RuntimeError: a Ctrl-C landing while a class with dataclass
    fields is defined, e.g. in a module imported while CBC runs."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


BROKEN_PIPE_EXIT = 141
"""Exit code when the reader of standard output has gone (``prioritizer validate | head -1``):
128 + SIGPIPE, as a Unix tool killed by the signal; not 1, which means infeasible."""


def _end_interrupted() -> None:
    """Say "Interrupted." and end the process with 130 at once. Everything to clean up (the
    solver's process group, scratch files, half-written outputs) was undone while the
    interruption unwound; ending here leaves the interpreter's shutdown no chance to turn a
    late Ctrl-C into a death by the signal (exit -2, seen once under load in CI, with
    "Interrupted." already printed). Further Ctrl-C are ignored from here on."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    click.echo("Interrupted.", err=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(INTERRUPTED_EXIT)


def main(args: list[str] | None = None) -> None:
    """Entry point of the ``prioritizer`` command: run it and exit with its code."""
    code: int | Any = 0
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, older, oldest)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = cli.main(args=args, prog_name="prioritizer", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except SystemExit:  # click ends a write to a closed pipe (`| head`) with exit 1
        if not type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):  # click's, on EPIPE
            raise
        code = BROKEN_PIPE_EXIT
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        _end_interrupted()
    except Exception as error:
        if not caused_by_ctrl_c(error):
            raise
        _end_interrupted()
    finally:
        signal.signal(signal.SIGINT, _exit_at_once)  # from here on, exit at once
    # the process ends: what is alive stays alive until then, so the interpreter's last
    # collections need not scan it (0.1-0.2 s after a 20,000-initiative solve)
    gc.freeze()
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["COMMAND_MODULES", "LazyGroup", "caused_by_ctrl_c", "cli", "collector_paused", "main"]
