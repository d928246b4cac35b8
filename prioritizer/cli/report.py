"""``prioritizer report``: the steering pack."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from ..analysis.registry import SKIPPABLE
from .options import (
    handle_errors,
    output_dir,
    scenario_argument,
    scenario_with_overrides,
    what_if_options,
    workers_option,
)


@click.command()
@scenario_argument
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pack (created if missing).",
)
@click.option(
    "--draws",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Monte Carlo draws.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
@click.option(
    "--skip",
    default="",
    metavar="A,B",
    help="Analyses to leave out: " + ", ".join(SKIPPABLE) + ".",
)
@what_if_options
@workers_option
@handle_errors
def report(
    scenario: Path,
    out: Path,
    draws: int,
    seed: int,
    skip: str,
    workers: int | None,
    quiet: bool,
    **kwargs: Any,
) -> None:
    """Write the steering pack: deck.pptx, portfolio.xlsx, summary.md, charts and tables.

    \b
    Examples:
        prioritizer report scenarios/retail_bank/scenario.yaml --out pack
        prioritizer report scenarios/telecom/scenario.yaml --out quick --skip montecarlo,tornado
    """
    from ..report import ANALYSES, build_pack, write_pack

    skipped = [s.strip() for s in skip.split(",") if s.strip()]
    unknown = sorted(set(skipped) - set(ANALYSES))
    if unknown:
        raise click.BadParameter(
            f"unknown {unknown}; expected some of {', '.join(ANALYSES)}", param_hint="--skip"
        )
    outdir = output_dir(out, scenario)
    assert outdir is not None
    sc, options = scenario_with_overrides(scenario, kwargs)
    started = time.perf_counter()
    show = not quiet and sys.stderr.isatty()

    def progress(step: str) -> None:
        if show:
            click.echo(f"  {time.perf_counter() - started:6.1f} s  {step}", err=True)

    pack = build_pack(
        sc,
        draws=draws,
        seed=seed,
        workers=workers,
        skip=skipped,
        options=options,
        progress=progress,
    )
    written = write_pack(pack, outdir, workers=workers, progress=progress)
    total = time.perf_counter() - started
    click.echo(f"Wrote {len(written)} files to {outdir.path} in {total:.1f} s:")
    for name in ("deck.pptx", "portfolio.xlsx", "summary.md"):
        click.echo(f"  {outdir.path / name}")
    click.echo(
        f"  {outdir.path / 'charts'}/ ({sum(p.suffix == '.png' for p in written)} charts "
        f"as PNG and SVG), {outdir.path / 'tables'}/"
    )
