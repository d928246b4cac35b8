"""Analysis commands: frontier, marginal, tornado, pareto, montecarlo, explain, compare.

Each loads the scenario, applies the same what-if overrides as ``solve``, calls one library
function and renders its result (table, JSON or CSV); ``--out DIR`` also writes the JSON, the
CSV and the chart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..io import OutputDir
from ..result import manifest
from .options import (
    handle_errors,
    load_checked,
    output_dir,
    output_options,
    prepare,
    scenario_argument,
    strict_option,
    what_if_options,
    with_warnings,
    workers_option,
)


def _emit(
    name: str,
    result: Any,
    frame: pd.DataFrame,
    fmt: str,
    outdir: OutputDir | None,
    summary: list[str],
    *,
    index: bool = True,
    manifest: dict[str, Any] | None = None,
) -> None:
    from ..render import text_table, to_csv, to_json

    payload = with_warnings(result.to_dict())
    if manifest is not None:
        payload["manifest"] = manifest
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(frame, index=index), nl=False)
    else:
        for line in summary:
            click.echo(line)
        if summary:
            click.echo()
        click.echo(text_table(frame, formats=_formats(frame), index=index))
    if outdir is not None:
        outdir.write(f"{name}.json", to_json(payload))
        outdir.write(f"{name}.csv", to_csv(frame, index=index))
        _write_chart(outdir, name, result)
        click.echo(f"Wrote {name}.json, {name}.csv and {name}.png to {outdir.path}", err=True)


def _formats(frame: pd.DataFrame) -> dict[str, str]:
    formats = {}
    for column in frame.columns:
        name = str(column)
        if any(
            k in name
            for k in (
                "objective",
                "frequency",
                "swing",
                "fixed_",
                "margin_score",
                "value_per_unit",
                "weight",
            )
        ) or name in ("value_margin",):
            formats[name] = ".4g"
    return formats


def _write_chart(outdir: OutputDir, name: str, result: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = result.plot()
    target = outdir.target(f"{name}.png")
    import io

    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=200)
    plt.close(ax.figure)
    outdir.write(target.name, buffer.getvalue())


def _budgets(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        if ":" in text:
            start, stop, count = text.split(":")
            n = int(count)
            if n < 2:
                raise ValueError
            step = (float(stop) - float(start)) / (n - 1)
            return [float(start) + k * step for k in range(n)]
        values = [float(v) for v in text.split(",") if v.strip()]
        if not values:
            raise ValueError
        return values
    except ValueError:
        raise click.BadParameter(
            f"expected START:STOP:N (N >= 2) or B1,B2,..., got {text!r}", param_hint="--budgets"
        ) from None


@click.command()
@scenario_argument
@click.option("--budgets", help="START:STOP:N or B1,B2,... (default: 0 to the cost of all, 25).")
@click.option(
    "--breakpoints", is_flag=True, help="Also find the exact budgets where the optimal value rises."
)
@what_if_options
@workers_option
@output_options
@handle_errors
def frontier(
    scenario: Path,
    budgets: str | None,
    breakpoints: bool,
    workers: int | None,
    quiet: bool,
    fmt: str,
    out: Path | None,
    **kwargs: Any,
) -> None:
    """Optimal value over a range of budgets (the efficient frontier).

    \b
    Examples:
        prioritizer frontier scenarios/retail_bank/scenario.yaml
        prioritizer frontier scenarios/retail_bank/scenario.yaml --budgets 1e6:5e6:41 --breakpoints
    """
    from ..analysis.frontier import efficient_frontier

    grid = _budgets(budgets)
    outdir, sc, options, progress = prepare("frontier", scenario, out, quiet, kwargs)
    result = efficient_frontier(
        sc, grid, options=options, breakpoints=breakpoints, workers=workers, progress=progress
    )
    progress.close()
    frame = result.to_frame().drop(columns=["selected"])
    knee = result.knee
    summary = [f"{sc.name} — efficient frontier, {len(frame)} budgets ({result.solves} solves)"]
    if knee is not None:
        summary.append(
            f"Knee: {knee.budget:,.0f} {sc.currency}; marginal value of the last "
            f"step {result.last_step_marginal_value:.4g} per {sc.currency}"
        )
    if breakpoints:
        summary.append(
            f"Exact breakpoints: {len(result.breakpoints)}"
            + ("" if result.complete else " (stopped at the limit)")
        )
    _emit(
        "frontier", result, frame, fmt, outdir, summary, index=False, manifest=manifest(sc, options)
    )


@click.command()
@scenario_argument
@click.option(
    "--step",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.1,
    show_default=True,
    help="Relative move of each limit.",
)
@what_if_options
@workers_option
@output_options
@handle_errors
def marginal(
    scenario: Path,
    step: float,
    workers: int | None,
    quiet: bool,
    fmt: str,
    out: Path | None,
    **kwargs: Any,
) -> None:
    """What ±10% of each limit (budget, opex budget, team capacity) would change.

    \b
    Example:
        prioritizer marginal scenarios/retail_bank/scenario.yaml
    """
    from ..analysis.marginal import marginal_values

    outdir, sc, options, progress = prepare("marginal", scenario, out, quiet, kwargs)
    result = marginal_values(sc, step=step, options=options, workers=workers, progress=progress)
    progress.close()
    frame = result.to_frame()
    binding = [str(i) for i in frame.index[frame["binding"]]]
    summary = [
        f"{sc.name} — marginal values (±{step:.0%})",
        f"Binding (relaxing them improves the optimum): {', '.join(binding) or 'none'}",
    ]
    _emit("marginal", result, frame, fmt, outdir, summary, manifest=manifest(sc, options))


@click.command()
@scenario_argument
@click.option(
    "--relative",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="± share for segment LTV, customers and complaint rate.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=25,
    show_default=True,
    help="Rows shown in the table.",
)
@what_if_options
@workers_option
@output_options
@handle_errors
def tornado(
    scenario: Path,
    relative: float | None,
    top: int,
    workers: int | None,
    quiet: bool,
    fmt: str,
    out: Path | None,
    **kwargs: Any,
) -> None:
    """One-way sensitivity of the optimum to each assumption, largest swing first.

    \b
    Example:
        prioritizer tornado scenarios/retail_bank/scenario.yaml --top 15
    """
    from ..analysis.tornado import tornado as run

    outdir, sc, options, progress = prepare("tornado", scenario, out, quiet, kwargs)
    result = run(sc, relative=relative, options=options, workers=workers, progress=progress)
    progress.close()
    frame = result.to_frame()
    shown = frame if fmt != "table" else frame.head(top).drop(columns=["group"])
    changing = int(frame["portfolio_changes"].sum())
    summary = [
        f"{sc.name} — tornado over {len(frame)} assumptions; {changing} change the "
        f"portfolio itself (base objective {result.base_objective:.4g})"
    ]
    _emit(
        "tornado",
        result,
        shown,
        fmt,
        outdir,
        summary,
        index=False,
        manifest=manifest(sc, options, relative=relative),
    )


@click.command()
@scenario_argument
@click.option(
    "--points",
    type=click.IntRange(min=2),
    default=15,
    show_default=True,
    help="Most non-dominated portfolios to find.",
)
@click.option(
    "--steps",
    type=click.IntRange(min=2),
    default=21,
    show_default=True,
    help="Business weights tried in the weight sweep.",
)
@what_if_options
@workers_option
@output_options
@handle_errors
def pareto(
    scenario: Path,
    points: int,
    steps: int,
    workers: int | None,
    quiet: bool,
    fmt: str,
    out: Path | None,
    **kwargs: Any,
) -> None:
    """Trade-off between business and customer value: the Pareto front and a weight sweep.

    \b
    Example:
        prioritizer pareto scenarios/retail_bank/scenario.yaml --points 10
    """
    from ..analysis.pareto import pareto_front, weight_sweep

    outdir, sc, options, progress = prepare("pareto", scenario, out, quiet, kwargs)
    front = pareto_front(sc, max_points=points, options=options, workers=workers, progress=progress)
    progress.close()
    sweep = weight_sweep(sc, steps=steps, options=options, workers=workers)
    frame = front.to_frame().drop(columns=["selected"])
    summary = [f"{sc.name} — {len(frame)} non-dominated portfolios (business vs customer value)"]
    _emit("pareto", front, frame, fmt, outdir, summary, index=False, manifest=manifest(sc, options))
    if fmt == "table":
        from ..render import text_table

        click.echo()
        click.echo("Weight sweep (business weight → chosen portfolio)")
        table = sweep.to_frame().drop(columns=["selected"])
        click.echo(
            text_table(table, formats={"business_weight": ".2f", "objective": ".4g"}, index=False)
        )
    if outdir is not None:
        from ..render import to_csv, to_json

        outdir.write("weight_sweep.json", to_json(with_warnings(sweep.to_dict())))
        outdir.write("weight_sweep.csv", to_csv(sweep.to_frame(), index=False))
        _write_chart(outdir, "weight_sweep", sweep)


@click.command()
@scenario_argument
@click.option("--draws", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--distribution", type=click.Choice(["pert", "triangular"]), default="pert", show_default=True
)
@click.option(
    "--core",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="Selection frequency at or above which an initiative is core.",
)
@click.option(
    "--exterior",
    type=click.FloatRange(0, 1),
    default=0.1,
    show_default=True,
    help="Selection frequency at or below which an initiative is exterior.",
)
@what_if_options
@workers_option
@output_options
@handle_errors
def montecarlo(
    scenario: Path,
    draws: int,
    seed: int,
    distribution: str,
    core: float,
    exterior: float,
    workers: int | None,
    quiet: bool,
    fmt: str,
    out: Path | None,
    **kwargs: Any,
) -> None:
    """Robustness: re-optimize under random draws of every uncertain input.

    \b
    Example:
        prioritizer montecarlo scenarios/retail_bank/scenario.yaml --draws 500 --seed 7
    """
    from ..analysis.montecarlo import monte_carlo

    if not exterior < core:
        raise click.BadParameter("--exterior must be below --core", param_hint="--exterior")
    outdir, sc, options, progress = prepare("montecarlo", scenario, out, quiet, kwargs)
    result = monte_carlo(
        sc,
        draws=draws,
        seed=seed,
        distribution=distribution,  # type: ignore[arg-type]
        core_threshold=core,
        exterior_threshold=exterior,
        options=options,
        workers=workers,
        progress=progress,
    )
    progress.close()
    frame = result.to_frame().sort_values("selection_frequency", ascending=False, kind="stable")
    dist = result.portfolio_distribution()
    cur = sc.currency
    row = dist.loc["business_value"]
    counts = frame["class"].value_counts()
    summary = [
        f"{sc.name} — Monte Carlo, {draws} draws (seed {seed}, {distribution}); "
        f"{result.feasible_draws} feasible",
        f"Core {counts.get('core', 0)}, borderline {counts.get('borderline', 0)}, exterior "
        f"{counts.get('exterior', 0)}",
        f"Recommended portfolio NPV: base {row['base']:,.0f} {cur}, mean {row['mean']:,.0f}, "
        f"P10 {row['p10']:,.0f}, P50 {row['p50']:,.0f}, P90 {row['p90']:,.0f}, "
        f"P(NPV<0) {row['probability_negative']:.1%}",
        f"Optimizer's curse: the base case overstates the mean NPV by "
        f"{result.optimizers_curse:,.0f} {cur}",
    ]
    _emit(
        "montecarlo",
        result,
        frame,
        fmt,
        outdir,
        summary,
        manifest=manifest(sc, options, seed=seed, draws=draws, distribution=distribution),
    )


@click.command()
@scenario_argument
@click.argument("ids", nargs=-1)
@what_if_options
@workers_option
@output_options
@handle_errors
def explain(
    scenario: Path,
    ids: tuple[str, ...],
    workers: int | None,
    quiet: bool,
    fmt: str,
    out: Path | None,
    **kwargs: Any,
) -> None:
    """Why an initiative is in or out, and what it would take to change that.

    \b
    Examples:
        prioritizer explain scenarios/retail_bank/scenario.yaml CHATBOT-BUY
        prioritizer explain scenarios/retail_bank/scenario.yaml        # every initiative
    """
    from ..analysis.explain import explain as run

    outdir, sc, options, progress = prepare("explain", scenario, out, quiet, kwargs)
    result = run(sc, list(ids) or None, options=options, workers=workers, progress=progress)
    progress.close()
    frame = result.to_frame()
    summary = (
        [e.sentence(sc.currency) for e in result.items]
        if len(ids)
        else [f"{sc.name} — why each initiative is in or out"]
    )
    if fmt == "table" and len(ids):
        for line in summary:
            click.echo(line)
        if outdir is not None:
            _emit("explain", result, frame, "none", outdir, [], manifest=manifest(sc, options))
        return
    _emit("explain", result, frame, fmt, outdir, summary, manifest=manifest(sc, options))


@click.command()
@click.argument(
    "scenarios",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, dir_okay=True, exists=False),
)
@click.option(
    "--budget",
    "budgets",
    type=float,
    multiple=True,
    help="Compare the (single) scenario at several budgets (repeatable).",
)
@click.option("--solver", type=click.Choice(["cbc", "highs"]), default="cbc", show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True))
@click.option("--gap", type=click.FloatRange(min=0), default=0.0, show_default=True)
@strict_option
@output_options
@handle_errors
def compare(
    scenarios: tuple[Path, ...],
    budgets: tuple[float, ...],
    solver: str,
    time_limit: float | None,
    gap: float,
    strict: bool,
    fmt: str,
    out: Path | None,
) -> None:
    """Solve several scenarios (or one at several budgets) and line them up.

    \b
    Examples:
        prioritizer compare base.yaml lean.yaml stretch.yaml
        prioritizer compare scenarios/retail_bank/scenario.yaml \\
            --budget 2.4e6 --budget 3e6 --budget 3.6e6
    """
    from ..analysis.compare import compare as run
    from ..result import SolverOptions

    loaded = [load_checked(p, strict) for p in scenarios]
    names = [p.parent.name + "/" + p.name if len(scenarios) > 1 else p.name for p in scenarios]
    if budgets:
        if len(loaded) != 1:
            raise click.UsageError("--budget compares one scenario at several budgets")
        loaded = [loaded[0].with_overrides(budget=b) for b in budgets]
        names = [f"budget {b:,.0f}" for b in budgets]
    outdir = output_dir(out, scenarios[0])
    result = run(loaded, names, options=SolverOptions(solver, time_limit, gap))
    totals = result.to_frame()
    differ = result.differences()
    if fmt == "table":
        from ..render import text_table

        click.echo(totals.to_string())
        click.echo()
        click.echo(
            f"In all scenarios: {int(result.initiatives()['in_all'].sum())} initiatives; "
            f"in some only: {len(differ)}"
        )
        if len(differ):
            click.echo(text_table(differ.drop(columns=["in_all", "in_some"])))
        if outdir is not None:
            _emit("compare", result, result.initiatives(), "none", outdir, [])
        return
    _emit("compare", result, result.initiatives(), fmt, outdir, [])
