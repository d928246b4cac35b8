"""Analysis commands, built from the registry of analyses (``prioritizer.analysis.registry``):
frontier, marginal, tornado, pareto, montecarlo, explain; and ``compare``.

Each loads the scenario, applies the same what-if overrides as ``solve``, solves the base
optimum once, runs the analysis around it and renders its result (table, JSON or CSV);
``--out DIR`` also writes the JSON, the CSV and the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..analysis.registry import REGISTRY, Param, Spec
from ..io import OutputDir
from .options import (
    AMOUNT,
    check_budgets,
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

NUMBER_COLUMNS = ("objective", "frequency", "swing", "fixed_", "margin_score", "value_per_unit")
"""Columns shown with 4 significant digits instead of whole units."""


def _emit(
    name: str,
    result: Any,
    frame: pd.DataFrame,
    fmt: str,
    outdir: OutputDir | None,
    *,
    index: bool = True,
    text: pd.DataFrame | None = None,
) -> None:
    """Print ``result`` as ``fmt`` (the table mode prints its summary and ``text``, default
    ``frame``); with ``outdir`` also write ``name``.json, .csv and .png."""
    from ..render import text_table, to_csv, to_json

    files = [f"{name}.json", f"{name}.csv", f"{name}.png"]
    if outdir is not None:
        for file in files:  # refuse an input file before printing or writing anything
            outdir.target(file)
    payload = with_warnings(result.to_dict())  # the warnings of every scenario loaded
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(frame, index=index), nl=False)
    elif fmt == "table":
        for line in result.summary():
            click.echo(line)
        if text is not None:
            click.echo()
            click.echo(text_table(text, formats=_formats(text), index=index))
    if outdir is not None:
        from .. import plots

        plots.headless()
        outdir.write(files[0], to_json(payload))
        outdir.write(files[1], to_csv(frame, index=index))
        figure = result.plot().figure
        outdir.write(files[2], plots.figure_bytes(figure, "png", 200))
        plots.close(figure)
        click.echo(f"Wrote {', '.join(files)} to {outdir.path}", err=True)


def _formats(frame: pd.DataFrame) -> dict[str, str]:
    """Format specs by column: 4 significant digits for :data:`NUMBER_COLUMNS`, then the
    frame's own (``frame.attrs["formats"]``)."""
    return {
        **{
            str(c): ".4g"
            for c in frame.columns
            if any(k in str(c) for k in NUMBER_COLUMNS)
            or str(c) in ("value_margin", "business_weight")
        },
        **frame.attrs.get("formats", {}),
    }


def _click_param(param: Param) -> Callable[[Any], Any]:
    """The click option (or argument) a registry :class:`Param` describes."""
    if param.kind == "ids":
        return click.argument(param.name, nargs=-1)
    types: dict[str, Any] = {
        "share": click.FloatRange(0, 1, min_open=True, max_open=True),
        "unit": click.FloatRange(0, 1),
        "count": click.IntRange(min=param.minimum),
        "integer": int,
        "choice": click.Choice(list(param.choices)),
        "text": str,
    }
    if param.kind == "flag":
        return click.option(param.flag, is_flag=True, help=param.help)
    callback = None
    if param.parse is not None:
        parse = param.parse

        def callback(_ctx: click.Context, _p: click.Parameter, value: Any) -> Any:
            try:
                parsed = None if value is None else parse(value)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint=param.flag) from None
            if param.flag == "--budgets" and parsed is not None:
                check_budgets(value, parsed)  # named as typed: --budgets -1,2e6: ...
            return parsed

    return click.option(
        param.flag,
        type=types[param.kind],
        default=param.default,
        show_default=param.default is not None,
        help=param.help,
        callback=callback,
    )


def _keywords(spec: Spec, params: Mapping[str, Any], target: str) -> dict[str, Any]:
    """The analysis function's keywords for ``target`` from the command's option values."""
    return {
        p.keyword: params[p.name]
        for p in spec.params
        if p.keyword is not None and (p.target or spec.name) == target
    }


def analysis_command(spec: Spec) -> click.Command:
    """The click command of a registry entry: options from its params, output from its result."""

    def run(
        scenario: Path,
        workers: int | None,
        quiet: bool,
        fmt: str,
        out: Path | None,
        **kwargs: Any,
    ) -> None:
        from ..analysis.protocol import base_result

        params = {p.name: kwargs.pop(p.name) for p in spec.params}
        problem = spec.check(params) if spec.check else None
        if problem:
            raise click.BadParameter(problem[0], param_hint=problem[1])
        outdir, sc, options, progress = prepare(spec.name, scenario, out, quiet, kwargs)
        base = base_result(sc, options, None)
        for k, name in enumerate((spec.name, *spec.also)):
            entry = REGISTRY[name]
            result = entry(
                sc,
                base=base,
                options=options,
                workers=workers,
                progress=progress if k == 0 else None,
                **_keywords(spec, params, name),
            )
            progress.close()
            if k and fmt != "table" and outdir is None:
                continue
            frame = entry.cli_table(result)
            text = entry.text_table(result, params) if entry.text_table else frame
            if k:
                click.echo()
            shown = fmt if k == 0 else ("table" if fmt == "table" else "none")
            _emit(name, result, frame, shown, outdir, index=entry.cli_index, text=text)

    command = handle_errors(run)
    for decorate in (output_options, workers_option, what_if_options):
        command = decorate(command)
    for param in reversed(spec.params):
        command = _click_param(param)(command)
    command = scenario_argument(command)
    return click.command(name=spec.command, help=spec.help)(command)


COMMANDS = {spec.command: analysis_command(spec) for spec in REGISTRY.values() if spec.command}
"""One command per registry entry that names one, in registry order."""

frontier, marginal, tornado, montecarlo, pareto, explain = (
    COMMANDS[name]
    for name in ("frontier", "marginal", "tornado", "montecarlo", "pareto", "explain")
)


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
    type=AMOUNT,
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
    from ..analysis.compare import currency_problem
    from ..result import SolverOptions

    outdir = output_dir(out, *scenarios)  # checked before any work, every input protected
    loaded = [load_checked(p, strict) for p in scenarios]
    roadmaps = [str(p) for p, sc in zip(scenarios, loaded, strict=True) if sc.periods]
    if roadmaps:
        from ..exceptions import ScenarioError

        raise ScenarioError(
            f"`compare` does not work on a roadmap yet: {', '.join(roadmaps)} has `periods`, "
            "which it would ignore. Use `prioritizer roadmap --budgets` to compare budgets, "
            "or compare copies of the scenarios without `periods` for the one-lump view"
        )
    problem = currency_problem([(str(p), sc) for p, sc in zip(scenarios, loaded, strict=True)])
    if problem:
        from ..exceptions import ScenarioError

        raise ScenarioError(problem)
    names = [p.parent.name + "/" + p.name if len(scenarios) > 1 else p.name for p in scenarios]
    if budgets:
        if len(loaded) != 1:
            raise click.UsageError("--budget compares one scenario at several budgets")
        loaded = [loaded[0].with_overrides(budget=b) for b in budgets]
        names = [f"budget {b:,.0f}" for b in budgets]
    result = run(loaded, names, options=SolverOptions(solver, time_limit, gap))
    differ = result.differences().drop(columns=["in_all", "in_some"])
    _emit(
        "compare",
        result,
        result.initiatives(),
        fmt,
        outdir,
        text=differ if len(differ) else None,
    )
