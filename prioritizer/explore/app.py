"""The explorer served as a local web page: Voilà running one bundled notebook.

The server is a separate process (``python -m voila``) serving only
``assets/explorer.ipynb``, which shows :func:`page` — the same widget as ``px.explore`` —
on the scenario named in its environment. Bound to 127.0.0.1 unless a wider address is asked
for explicitly; no file is served (the notebook's folder holds nothing else, and the file
handler's allow-list is empty); "Keep this what-if" writes only into the folder given.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import Problem, ScenarioError

if TYPE_CHECKING:
    from .widget import ExplorerWidget

NOTEBOOK = Path(__file__).resolve().parent / "assets" / "explorer.ipynb"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8866


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def page(
    scenario_path: str | os.PathLike[str], out: str | os.PathLike[str] | None
) -> ExplorerWidget:
    """The served page's content: the explorer on the scenario file, keeping what-ifs in
    ``out`` (None: no keep button). Runs in the page's kernel."""
    from ..io import load_scenario
    from ..plots import headless
    from .widget import explore

    headless()
    return explore(load_scenario(scenario_path), keep_folder=None if out is None else Path(out))


@dataclass(frozen=True)
class App:
    """How to start the server: the command, its environment and the page's address."""

    argv: list[str]
    env: dict[str, str]
    url: str
    host: str
    port: int
    out: Path | None


def plan(
    scenario: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    out: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
) -> App:
    """Check the request and say how the server starts (nothing is started or written).

    Raises ScenarioError (a user error) when the scenario does not load, the port is out of
    range, or ``host`` is not a loopback address and ``allow_remote`` is False (the command
    line sets it only when ``--host`` is given explicitly).
    """
    from ..io import load_scenario

    path = Path(scenario)
    load_scenario(path)  # fail here, with the file's own messages, not in the page
    if not is_loopback(host) and not allow_remote:
        raise ScenarioError(
            [
                Problem(
                    "--host",
                    f"refusing to serve on {host!r}, which is not a loopback address; "
                    "give --host explicitly to open the page to the network",
                )
            ]
        )
    if not 0 < port < 65536:
        raise ScenarioError([Problem("--port", f"expected 1-65535, got {port}")])
    target = None if out is None else Path(out).resolve()
    if target is not None and target.exists() and not target.is_dir():
        raise ScenarioError([Problem(str(target), "--out must be a folder, not a file")])
    env = {
        **os.environ,
        "PRIORITIZER_APP_SCENARIO": str(path.resolve()),
        "PRIORITIZER_APP_OUT": "" if target is None else str(target),
        "MPLBACKEND": "Agg",
    }
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOK),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        # serve no file at all: an allow-list matching nothing ("a^": no text has a start of
        # the text after an "a"; not "(?!)", which traitlets reads as a tuple and warns about),
        # a deny-list matching all
        "--VoilaConfiguration.file_allowlist",
        "a^",
        "--VoilaConfiguration.file_denylist",
        ".*",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.template=lab",
    ]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    return App(argv, env, url, host, port, target)


def start(app: App) -> subprocess.Popen[bytes]:
    """Start the server process (its output goes to this process' stderr)."""
    return subprocess.Popen(app.argv, env=app.env, stdout=sys.stderr, stderr=sys.stderr)


def wait_ready(app: App, process: subprocess.Popen[bytes], timeout_s: float = 120.0) -> bool:
    """Wait until the server accepts connections (True) or the process ends / time runs out
    (False)."""
    deadline = time.monotonic() + timeout_s
    host = "127.0.0.1" if app.host in ("0.0.0.0", "localhost") else app.host
    if host == "::":
        host = "::1"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host.strip("[]"), app.port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def port_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port`` yet."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True
