"""Standard output read by a reader that has gone (``prioritizer validate | head -1``): the
command stops quietly with 141 (128 + SIGPIPE, as a Unix tool), not 1 (infeasible)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import SCENARIOS


def _run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before the command starts: its first write fails, every time
    try:
        return subprocess.run(
            [sys.executable, "-m", "prioritizer", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            check=False,
            timeout=300,
        )
    finally:
        os.close(write_end)


def test_a_closed_pipe_exits_141_without_a_traceback() -> None:
    done = _run_into_closed_pipe("validate", str(SCENARIOS / "telecom" / "scenario.yaml"))
    assert done.returncode == 141
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr


def test_other_exit_codes_are_unchanged_with_a_closed_pipe() -> None:
    done = _run_into_closed_pipe("validate", "no-such-scenario.yaml")  # error on stderr only
    assert done.returncode == 2 and b"scenario file not found" in done.stderr
