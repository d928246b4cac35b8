"""``prioritizer app``: the what-if explorer as a local web page."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import click

from ..exceptions import Problem, ScenarioError
from ..io import folder_problem
from .options import handle_errors, scenario_argument


@click.command()
@scenario_argument
@click.option(
    "--port",
    type=int,
    default=8866,
    show_default=True,
    help="Port to serve on.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but a loopback address must be given here explicitly "
    "and opens the page to the network.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help='Folder "Keep this what-if" writes into (created when first used); '
    "without it the page keeps nothing.",
)
@click.pass_context
@handle_errors
def app(ctx: click.Context, scenario: Path, port: int, host: str, out: Path | None) -> None:
    """Serve the what-if explorer for SCENARIO as a local web page (Voilà).

    Sliders for the budget and each team, the objective, force-in / force-out and reset;
    every change re-solves and redraws the KPIs, the portfolio, the map and the frontier.
    Stop with Ctrl+C.

    \b
    Example:
        prioritizer app scenarios/telecom/scenario.yaml --out what-ifs
    """
    problem = folder_problem(out) if out is not None else None
    if problem is not None:  # before the page serves: "Keep this what-if" would fail
        raise ScenarioError([Problem(f"--out {out}", problem)])
    try:
        from ..explore import app as served
    except ImportError as exc:  # ipywidgets/voila missing
        raise ScenarioError(
            [Problem("prioritizer app", f"needs the [explore] extra ({exc})")]
        ) from None
    try:
        import voila  # noqa: F401
    except ImportError:
        raise ScenarioError(
            [Problem("prioritizer app", "needs Voilà: pip install 'prioritizer[explore]'")]
        ) from None
    explicit = ctx.get_parameter_source("host") == click.core.ParameterSource.COMMANDLINE
    plan = served.plan(scenario, host=host, port=port, out=out, allow_remote=explicit)
    if not served.port_free(plan.host if plan.host != "localhost" else "127.0.0.1", port):
        raise ScenarioError([Problem("--port", f"port {port} is in use; choose another")])
    if not served.is_loopback(host):
        click.echo(
            f"Warning: serving on {host}: anyone who can reach this machine can open the page.",
            err=True,
        )
    # a SIGTERM (a service manager, a test) must stop the page server too, not orphan it
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    process = served.start(plan)
    try:
        if not served.wait_ready(plan, process):
            raise ScenarioError([Problem("prioritizer app", "the page server did not start")])
        keep = f"; what-ifs kept in {plan.out}" if plan.out is not None else ""
        click.echo(f"prioritizer app: serving {scenario} at {plan.url}{keep} (Ctrl+C to stop)")
        sys.stdout.flush()
        code = process.wait()
        if code not in (0, -2, -15, 130, 143):
            sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
