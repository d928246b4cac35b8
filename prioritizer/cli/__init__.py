"""Command line: a thin shell over the library (the only package that imports click).

Exit codes: 0 solved, 1 infeasible or solver failure, 2 bad input or usage. No traceback for
any user error.
"""

from __future__ import annotations

import logging
import sys

import click

from .. import __version__
from .analyses import compare, explain, frontier, marginal, montecarlo, pareto, tornado
from .app import app
from .core import doctor, init, solve, validate
from .report import report


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


for command in (
    validate,
    solve,
    init,
    doctor,
    frontier,
    marginal,
    tornado,
    pareto,
    montecarlo,
    explain,
    compare,
    report,
    app,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``prioritizer`` command."""
    cli(prog_name="prioritizer")


__all__ = ["cli", "main"]
