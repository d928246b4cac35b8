"""Command line: a thin shell over the library (the only module that imports click).

Exit codes: 0 solved, 1 infeasible or solver failure, 2 bad input or usage. No traceback for
any user error.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .exceptions import InfeasibleError, PrioritizerError, ScenarioError
from .io import OutputDir, load_scenario, scenario_inputs
from .models import Scenario
from .result import SolverOptions

F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------------------
# Error handling and shared options
# --------------------------------------------------------------------------------------
def _handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InfeasibleError as exc:
            click.echo(f"Infeasible: {exc}", err=True)
            sys.exit(1)
        except PrioritizerError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _parse_pairs(text: str, what: str, param: str) -> dict[str, float]:
    pairs: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected {what}, got {part!r}", param_hint=param)
        try:
            pairs[name.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{value.strip()!r} is not a number in {part!r}", param_hint=param
            ) from None
    return pairs


def _teams_callback(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, float]:
    teams: dict[str, float] = {}
    for value in values:
        teams.update(_parse_pairs(value, "NAME=DAYS", "--team"))
    return teams


def _weights_callback(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> dict[str, float] | None:
    if value is None:
        return None
    weights = _parse_pairs(value, "business=W,customer=W", "--weights")
    unknown = set(weights) - {"business", "customer"}
    if unknown:
        raise click.BadParameter(
            f"unknown weight(s) {sorted(unknown)}; expected business and customer",
            param_hint="--weights",
        )
    return weights


def what_if_options(func: F) -> F:
    """The what-if overrides every analysis command accepts (same as ``solve``)."""
    options = [
        click.option("--budget", type=float, help="Override the one-off budget (currency)."),
        click.option("--opex-budget", type=float, help="Override the opex budget (currency/yr)."),
        click.option(
            "--team",
            "teams",
            multiple=True,
            callback=_teams_callback,
            metavar="NAME=DAYS",
            help="Override a team's capacity in person-days (repeatable).",
        ),
        click.option(
            "--objective",
            type=click.Choice(["business", "customer", "blended"]),
            help="Objective mode.",
        ),
        click.option(
            "--weights",
            callback=_weights_callback,
            metavar="business=W,customer=W",
            help="Blended objective weights (normalized to sum to 1).",
        ),
        click.option(
            "--force-in",
            multiple=True,
            metavar="ID",
            help="Initiative that must be chosen (repeatable).",
        ),
        click.option(
            "--force-out",
            multiple=True,
            metavar="ID",
            help="Initiative that must not be chosen (repeatable).",
        ),
        click.option(
            "--solver", type=click.Choice(["cbc", "highs"]), default="cbc", show_default=True
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            help="Solver time limit, seconds.",
        ),
        click.option(
            "--gap",
            type=click.FloatRange(min=0),
            default=0.0,
            show_default=True,
            help="Relative optimality gap at which the solver may stop.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def output_options(func: F) -> F:
    func = click.option(
        "--out",
        "out",
        type=click.Path(file_okay=False, path_type=Path),
        help="Also write the results into this folder (created if missing).",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="What to print on standard output.",
    )(func)
    return func


def _scenario_with_overrides(path: Path, kwargs: dict[str, Any]) -> tuple[Scenario, SolverOptions]:
    scenario = load_scenario(path)
    scenario = scenario.with_overrides(
        budget=kwargs.pop("budget", None),
        opex_budget=kwargs.pop("opex_budget", None),
        teams=kwargs.pop("teams", None) or None,
        objective=kwargs.pop("objective", None),
        weights=kwargs.pop("weights", None),
        force_in=kwargs.pop("force_in", ()),
        force_out=kwargs.pop("force_out", ()),
    )
    options = SolverOptions(
        solver=kwargs.pop("solver", "cbc"),
        time_limit=kwargs.pop("time_limit", None),
        gap=kwargs.pop("gap", 0.0),
    )
    return scenario, options


scenario_argument = click.argument(
    "scenario", type=click.Path(path_type=Path, dir_okay=True, exists=False)
)


# --------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prioritizer")
@click.option("-v", "--verbose", is_flag=True, help="Log what the library does to stderr.")
def cli(verbose: bool) -> None:
    """Choose the best portfolio of customer-experience initiatives.

    \b
    Example:
        prioritizer validate scenarios/retail_bank/scenario.yaml
        prioritizer solve scenarios/retail_bank/scenario.yaml --budget 2000000
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@cli.command()
@scenario_argument
@_handle_errors
def validate(scenario: Path) -> None:
    """Check a scenario and its initiatives; list every problem found.

    \b
    Example:
        prioritizer validate scenarios/retail_bank/scenario.yaml
    """
    loaded = load_scenario(scenario)
    click.echo(
        f"valid: {scenario} — {len(loaded.initiatives)} initiatives, {len(loaded.teams)} teams, "
        f"{len(loaded.segments)} segments, {len(loaded.mandatory_ids())} mandatory"
    )


@cli.command()
@scenario_argument
@what_if_options
@output_options
@_handle_errors
def solve(scenario: Path, fmt: str, out: Path | None, **kwargs: Any) -> None:
    """Solve a scenario and print the recommended portfolio.

    \b
    Examples:
        prioritizer solve scenarios/retail_bank/scenario.yaml
        prioritizer solve scenarios/retail_bank/scenario.yaml --budget 2e6 --team digital=1500
        prioritizer solve scenarios/retail_bank/scenario.yaml --force-in CHATBOT-BUY --format json
    """
    from .optimize import optimize
    from .render import chosen_table, solve_table, to_csv, to_json

    outdir = OutputDir(out, protected=scenario_inputs(scenario)) if out else None
    sc, options = _scenario_with_overrides(scenario, kwargs)
    result = optimize(sc, solver=options.solver, time_limit=options.time_limit, gap=options.gap)
    if fmt == "json":
        click.echo(to_json(result.to_dict()), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(chosen_table(result)), nl=False)
    else:
        click.echo(solve_table(result))
    if outdir is not None:
        outdir.write("solution.json", to_json(result.to_dict()))
        outdir.write("portfolio.csv", to_csv(result.portfolio))
        click.echo(f"Wrote solution.json and portfolio.csv to {outdir.path}", err=True)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite existing template files.")
@_handle_errors
def init(directory: Path, force: bool) -> None:
    """Write a starter scenario to fill in: scenario.yaml, initiatives.csv/.xlsx, COLUMNS.md.

    \b
    Example:
        prioritizer init my-portfolio && prioritizer validate my-portfolio/scenario.yaml
    """
    from .template import write_template

    written = write_template(directory, overwrite=force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"Next: edit them, then run  prioritizer validate {directory / 'scenario.yaml'}")


@cli.command()
@_handle_errors
def doctor() -> None:
    """Print versions and which solvers work on this machine."""
    import platform

    from .optimize import cbc_available, highs_available

    def version(module: str) -> str:
        try:
            from importlib.metadata import version as v

            return v(module)
        except Exception:
            return "not installed"

    click.echo(
        f"prioritizer {__version__} on Python {platform.python_version()} ({platform.platform()})"
    )
    for package in (
        "pulp",
        "highspy",
        "pandas",
        "numpy",
        "pydantic",
        "click",
        "matplotlib",
        "openpyxl",
    ):
        click.echo(f"  {package:<11} {version(package)}")
    checks = {"cbc": cbc_available(), "highs": highs_available()}
    if checks["cbc"] or checks["highs"]:
        from .io import scenario_from_mapping
        from .optimize import solve_portfolio

        probe = scenario_from_mapping(
            {
                "budget": 1,
                "segments": {"all_customers": {"customers": 1, "ltv": 1}},
                "initiatives": [
                    {"id": "A", "cost": 1, "cost_savings": 2},
                    {"id": "B", "cost": 1, "cost_savings": 1},
                ],
            }
        )
        for name, present in checks.items():
            if present:
                res = solve_portfolio(probe, SolverOptions(solver=name))
                checks[name] = res.status == "optimal" and res.selected == ["A"]
    for name, works in checks.items():
        click.echo(f"  solver {name:<6} {'works' if works else 'NOT available'}")
    if not any(checks.values()):
        raise ScenarioError("no working solver: reinstall pulp or pip install 'prioritizer[highs]'")


def main() -> None:
    """Entry point of the ``prioritizer`` command."""
    cli(prog_name="prioritizer")
