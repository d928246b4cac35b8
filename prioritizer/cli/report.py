"""``prioritizer report``: the steering pack."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from ..analysis.registry import PACK_DRAWS, ROADMAP_ON_REQUEST, SKIPPABLE
from ..exceptions import Problem, ScenarioError
from .options import (
    handle_errors,
    output_dir,
    scenario_argument,
    scenario_with_overrides,
    what_if_options,
    workers_option,
)
from .roadmap import roadmap_overrides


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
    default=PACK_DRAWS,
    show_default=True,
    help="Monte Carlo draws (the montecarlo command's default is 1,000).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
@click.option(
    "--skip",
    default="",
    metavar="A,B",
    help="Analyses to leave out: " + ", ".join(SKIPPABLE) + ".",
)
@click.option(
    "--with",
    "include",
    default="",
    metavar="A,B",
    help="On a roadmap (a scenario with periods), also run these analyses, each re-planning "
    "the whole roadmap per draw or per initiative (slow: lower --draws): "
    + ", ".join(ROADMAP_ON_REQUEST)
    + ". Refused on a scenario without periods, whose pack runs them already.",
)
@click.option(
    "--actuals",
    type=click.Path(path_type=Path),
    default=None,
    help='Add "Did we deliver?": the plan tracked against this actuals table (spec §7).',
)
@click.option(
    "--plan",
    "plan",
    type=click.Path(path_type=Path),
    default=None,
    help="With --actuals (refused without it): the approved plan (solution.json); default: "
    "this optimum.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="With --actuals (refused without it): status date (YYYY-MM-DD).",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    default=None,
    help="Build the deck on this PowerPoint file's slide master and layouts (e.g. "
    "company.pptx); default: the built-in 16:9 template.",
)
@click.option(
    "--period-budget",
    "period_budget",
    multiple=True,
    metavar="LABEL=X",
    help="Roadmaps: override one period's one-off budget (currency; repeatable), as "
    "`prioritizer roadmap` does.",
)
@click.option(
    "--start",
    "starts",
    multiple=True,
    metavar="ID=LABEL",
    help="Roadmaps: pin an initiative to start in this period (repeatable), as `prioritizer "
    "roadmap` does; explain and Monte Carlo re-plan around the pins too.",
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
    include: str,
    workers: int | None,
    quiet: bool,
    actuals: Path | None = None,
    plan: Path | None = None,
    as_of: str | None = None,
    template: Path | None = None,
    period_budget: tuple[str, ...] = (),
    starts: tuple[str, ...] = (),
    **kwargs: Any,
) -> None:
    """Write the steering pack: deck.pptx, portfolio.xlsx, summary.md, charts and tables.

    \b
    Examples:
        prioritizer report scenarios/retail_bank/scenario.yaml --out pack
        prioritizer report scenarios/telecom/scenario.yaml --out quick --skip montecarlo,tornado
        prioritizer report scenarios/retail_bank/scenario.yaml --out pack --template company.pptx
    """
    from ..report import ANALYSES, build_pack, write_pack

    skipped = [s.strip() for s in skip.split(",") if s.strip()]
    unknown = sorted(set(skipped) - set(ANALYSES))
    if unknown:
        raise click.BadParameter(
            f"unknown {unknown}; expected some of {', '.join(ANALYSES)}", param_hint="--skip"
        )
    included = [s.strip() for s in include.split(",") if s.strip()]
    if sorted(set(included) - set(ROADMAP_ON_REQUEST)):
        raise click.BadParameter(
            f"unknown {sorted(set(included) - set(ROADMAP_ON_REQUEST))}; expected some of "
            f"{', '.join(ROADMAP_ON_REQUEST)}",
            param_hint="--with",
        )
    _check_options(included, skipped, actuals, plan, as_of)
    # refused before any work; charts/ and tables/ are checked with the rest before writing
    outdir = output_dir(out, scenario, files=("deck.pptx", "portfolio.xlsx", "summary.md"))
    assert outdir is not None
    sc, options = scenario_with_overrides(scenario, kwargs)
    sc = roadmap_overrides(sc, scenario, period_budget, starts)
    if included and not sc.periods:
        names = ",".join(included)
        raise ScenarioError(
            [
                Problem(
                    f"--with {names}",
                    f"only the pack of a roadmap (a scenario with `periods`) runs {names} on "
                    f"request; {scenario} has no `periods`, and its pack runs "
                    f"{', '.join(ROADMAP_ON_REQUEST)} already (--skip leaves them out): "
                    "leave --with out",
                )
            ]
        )
    if skipped and sc.periods:  # a roadmap's pack never runs the one-lump analyses
        from ..analysis.registry import ROADMAP_PACK

        runs = {*ROADMAP_PACK, *included}
        idle = [name for name in skipped if name not in runs]
        if idle:
            raise ScenarioError(
                [
                    Problem(
                        f"--skip {','.join(idle)}",
                        f"the pack of a roadmap does not run {', '.join(idle)} (they would "
                        f"ignore the periods of {scenario}); leave them out of --skip",
                    )
                ]
            )
    started = time.perf_counter()
    show = not quiet and sys.stderr.isatty()

    def progress(step: str) -> None:
        if show:
            click.echo(f"  {time.perf_counter() - started:6.1f} s  {step}", err=True)

    tracked_plan: Any = None
    as_of_date = None
    if as_of is not None:
        import datetime as _dt

        try:
            as_of_date = _dt.date.fromisoformat(as_of)
        except ValueError:
            raise click.BadParameter(
                f"expected a date such as 2027-12-31; got {as_of!r}", param_hint="--as-of"
            ) from None
    if actuals is not None and plan is not None:
        from ..tracking.plan import Plan

        tracked_plan = Plan.from_file(plan)
    from ..analysis._parallel import worker_pool

    with worker_pool(workers) as pool:  # one pool: analyses, and charts as each one ends
        pack = build_pack(
            sc,
            actuals=actuals,
            plan=tracked_plan,
            as_of=as_of_date,
            draws=draws,
            seed=seed,
            workers=workers,
            skip=skipped,
            include=included,
            options=options,
            progress=progress,
            template=template,
            executor=pool,
            render=pool is not None,
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


def _check_options(
    included: list[str],
    skipped: list[str],
    actuals: Path | None,
    plan: Path | None,
    as_of: str | None,
) -> None:
    """Refuse options the pack would ignore or could not use (before any work): ``--plan``
    or ``--as-of`` without ``--actuals``, an ``--actuals`` file that does not exist, an
    analysis both asked for (``--with``) and left out (``--skip``)."""
    needs = (
        ("--plan", plan, "the approved plan is tracked against an actuals table"),
        ("--as-of", as_of, "it is the status date of the actuals"),
    )
    problems = [
        Problem(
            f"{option} {value}",
            f"needs --actuals ({why}); add --actuals FILE or leave {option} out",
        )
        for option, value, why in needs
        if value is not None and actuals is None
    ]
    if actuals is not None and not actuals.is_file():  # before minutes of analyses
        problems.append(Problem(str(actuals), "actuals file not found"))
    both = [name for name in included if name in skipped]
    if both:
        problems.append(
            Problem(
                f"--with {','.join(both)} and --skip {','.join(both)}",
                "an analysis cannot be both asked for and left out; give one of them",
            )
        )
    if problems:
        raise ScenarioError(problems)
