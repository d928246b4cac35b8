"""Core commands: validate, solve, init, doctor."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..exceptions import ScenarioError
from ..io import load_scenario
from ..result import SolverOptions
from . import collector_paused
from .options import (
    check_warnings,
    handle_errors,
    output_dir,
    output_options,
    scenario_argument,
    scenario_with_overrides,
    strict_option,
    what_if_options,
)

SOLVE_FILES = ("solution.json", "portfolio.csv", "portfolio.xlsx")
"""What ``solve --out`` writes."""


# --------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------
@click.command()
@scenario_argument
@strict_option
@handle_errors
def validate(scenario: Path, strict: bool) -> None:
    """Check a scenario and its initiatives; list every problem found, then say how the
    table was read (file, sheet, header row, delimiter, number convention, totals, what was
    skipped) and print the warnings.

    \b
    Example:
        prioritizer validate scenarios/retail_bank/scenario.yaml
    """
    with collector_paused():
        loaded = load_scenario(scenario)
    if strict:  # refused before anything says "valid"; each warning once, as the reason
        check_warnings(loaded, strict, scenario.name)

    def many(count: int, noun: str) -> str:
        return f"{count} {noun}{'' if count == 1 else 's'}"

    click.echo(
        f"valid: {scenario} — {many(len(loaded.initiatives), 'initiative')}, "
        f"{many(len(loaded.teams), 'team')}, {many(len(loaded.segments), 'segment')}, "
        f"{len(loaded.mandatory_ids())} mandatory"
    )
    if loaded.load_report is not None:
        for line in loaded.load_report.read_back():
            click.echo(f"  {line}")
    click.echo(f"  warnings:    {len(loaded.warnings)}")
    check_warnings(loaded, False, scenario.name)


@click.command()
@scenario_argument
@what_if_options
@click.option(
    "--committed",
    "committed",
    type=click.Path(path_type=Path),
    default=None,
    help="Re-plan mid-cycle from this actuals table: live and in-progress kept, spend sunk, "
    "cancelled out; the budget and team capacities are what is left (spec §7).",
)
@click.option(
    "--plan",
    "approved",
    type=click.Path(path_type=Path),
    default=None,
    help="With --committed: the approved plan (solution.json) to show changes against.",
)
@click.option(
    "--calibrate",
    "calibrate",
    default=None,
    help="Scale the forecasts by realization factors from the cycles tracked in this register "
    "(path or SQLAlchemy URL); says what changed and how the portfolio moved.",
)
@click.option(
    "--calibrate-by",
    type=click.Choice(["pillar", "type", "owner", "journey_stage", "segment"]),
    default="pillar",
    show_default=True,
    help="Reference class of the calibration: the initiatives' pillar, type (automation, "
    "process, ...), owner, journey stage or segment.",
)
@output_options
@handle_errors
def solve(
    scenario: Path,
    fmt: str,
    out: Path | None,
    committed: Path | None = None,
    approved: Path | None = None,
    calibrate: str | None = None,
    calibrate_by: str = "pillar",
    **kwargs: Any,
) -> None:
    """Solve a scenario and print the recommended portfolio.

    \b
    Examples:
        prioritizer solve scenarios/retail_bank/scenario.yaml
        prioritizer solve scenarios/retail_bank/scenario.yaml --budget 2e6 --team digital=1500
        prioritizer solve scenarios/retail_bank/scenario.yaml --force-in CHATBOT-BUY --format json
    """
    from ..io import scenario_inputs
    from ..solver.run import worker_ahead

    inputs = scenario_inputs(scenario)
    ahead = SolverOptions(solver=kwargs.get("solver", "cbc"), time_limit=kwargs.get("time_limit"))
    with (
        collector_paused(),
        worker_ahead(ahead, inputs[1] if len(inputs) > 1 else None),  # overlaps the load
    ):
        _solve(scenario, fmt, out, committed, approved, calibrate, calibrate_by, kwargs)


def _solve(
    scenario: Path,
    fmt: str,
    out: Path | None,
    committed: Path | None,
    approved: Path | None,
    calibrate: str | None,
    calibrate_by: str,
    kwargs: dict[str, Any],
) -> None:
    import dataclasses
    import time

    import numpy as np

    from ..optimize import optimize
    from ..rules import build_rules
    from ..solver.supervise import meanwhile
    from ..value import score_initiatives

    sc, options = scenario_with_overrides(scenario, kwargs)
    outdir = output_dir(out, scenario, files=SOLVE_FILES)  # refused before the solve
    if sc.periods:  # never silent: the one-lump answer ignores the periods
        click.echo(
            f"note: {scenario} has `periods`; `solve` gives the one-lump answer, which ignores "
            "them (per-period budgets, durations, deadlines). `prioritizer roadmap` plans by "
            "period.",
            err=True,
        )
    replan = None
    calibrated = None
    if calibrate is not None:
        from ..tracking.replan import calibrated_scenario

        calibrated = calibrated_scenario(sc, calibrate, options, by=calibrate_by)
        sc = calibrated.scenario
    hashed: dict[int, str] = {}  # the manifest's hash of the scenario, taken while CBC runs
    ranked: list[np.ndarray] = []  # the spreadsheet ranking's selection, taken then too

    def while_cbc_runs() -> None:
        """What the command needs after the solve and can do before: the scenario's hash,
        the spreadsheet ranking over the same scores and rules, the modules that print."""
        hashed.setdefault(id(solved), solved.fingerprint())
        from .. import render  # noqa: F401
        from ..analysis.ranking import ranking_selection

        ranked.append(ranking_selection(solved, scores, rules))

    if committed is not None:
        from ..tracking.replan import committed_solve

        replan = committed_solve(sc, committed, options, approved=approved)
        sc = replan.scenario
        result = replan.result
    else:
        solved = sc
        started = time.perf_counter()
        scores = score_initiatives(sc)
        rules = build_rules(sc, scores)
        scored_s = time.perf_counter() - started
        with meanwhile(while_cbc_runs):
            result = optimize(
                sc,
                solver=options.solver,
                time_limit=options.time_limit,
                gap=options.gap,
                scores=scores,
                rules=rules,
            )
        # the model build counts the scores and rules, as when the solve computed them
        result = dataclasses.replace(result, build_time_s=result.build_time_s + scored_s)
        same = (
            result.scores is scores
            and len(result.rules) == len(rules)
            and all(a is b for a, b in zip(result.rules, rules, strict=True))
        )  # else the ranking is taken over the optimum's own rules, below
        if not same:
            ranked.clear()
    from ..analysis.ranking import compare_with_ranking
    from ..render import chosen_table, solve_table, to_csv, to_json

    ranking = compare_with_ranking(sc, optimum=result, selection=ranked[0] if ranked else None)
    payload = result.to_dict(scenario_sha256=hashed.get(id(result.scenario)))
    if replan is not None:
        payload["committed"] = replan.to_dict()
    if calibrated is not None:
        payload["calibration"] = calibrated.to_dict(result)
    payload["ranking_value"] = ranking.ranking_objective
    share_of_optimum = ranking.share_of_optimum  # NaN when the optimum is not positive
    payload["ranking_share_of_optimum"] = (
        share_of_optimum if math.isfinite(share_of_optimum) else None
    )
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(chosen_table(result)), nl=False)
    else:
        differ = len(ranking.differences())
        broken = (
            f"; the ranking's portfolio breaks a rule: {ranking.broken[0]}"
            if ranking.broken
            else ("" if ranking.feasible else "; the ranking's list breaks a rule of the scenario")
        )
        if math.isfinite(share_of_optimum):
            note = (
                f"ranking by value/cost, cut at the budget line, reaches "
                f"{share_of_optimum:.1%} of this optimum ({differ} initiatives differ{broken})"
            )
        else:  # a share of an optimum that is not positive says nothing
            from ..render import objective_text

            note = (
                "ranking by value/cost, cut at the budget line, reaches "
                f"{objective_text(sc, ranking.ranking_objective)} against this optimum's "
                f"{objective_text(sc, result.objective)} ({differ} initiatives differ{broken})"
            )
        extra = [("Spreadsheet ranking", note)]
        if replan is not None:
            extra += replan.table_rows()
        if calibrated is not None:
            extra += calibrated.table_rows(result)
        click.echo(solve_table(result, extra=extra))
    if outdir is not None:
        from ..solve_xlsx import portfolio_workbook
        from ..tracking.plan import Plan

        saved = {**payload, "plan": Plan.from_result(result).to_dict()}
        files = (to_json(saved), to_csv(result.portfolio), portfolio_workbook(result))
        outdir.write_all(dict(zip(SOLVE_FILES, files, strict=True)))
        click.echo(
            f"Wrote solution.json, portfolio.csv and portfolio.xlsx to {outdir.path}", err=True
        )


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite existing template files.")
@handle_errors
def init(directory: Path, force: bool) -> None:
    """Write a starter scenario to fill in: scenario.yaml, initiatives.csv/.xlsx, COLUMNS.md.

    \b
    Example:
        prioritizer init my-portfolio && prioritizer validate my-portfolio/scenario.yaml
    """
    from ..template import write_template

    written = write_template(directory, overwrite=force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"Next: edit them, then run  prioritizer validate {directory / 'scenario.yaml'}")


OPTIONAL_EXTRAS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("fast", ("cylp",), "CBC in memory: faster analyses' re-solves"),
    ("highs", ("highspy",), "the HiGHS solver (--solver highs)"),
    ("report", ("python-pptx",), "the steering deck (report: deck.pptx)"),
    ("explore", ("ipywidgets", "voila"), "the what-if panel in Jupyter and app"),
    ("evidence", ("pyarrow",), "faster VoC counting (evidence)"),
    ("postgres", ("psycopg",), "a register on PostgreSQL"),
    ("distributed", ("distributed",), "Monte Carlo on Dask (executor=)"),
)
"""(extra, its packages, what it adds) listed by ``doctor``: the extras of pyproject.toml."""


@click.command()
@handle_errors
def doctor() -> None:
    """Print versions and which solvers work on this machine."""
    import platform

    from ..optimize import cbc_available, highs_available

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
    click.echo("  optional (pip install 'prioritizer[EXTRA]'):")
    for extra, packages, use in OPTIONAL_EXTRAS:
        installed = ", ".join(f"{p} {version(p)}" for p in packages)
        click.echo(f"    [{extra}]{'':<{12 - len(extra)}}{installed:<34} {use}")
    checks = {"cbc": cbc_available(), "highs": highs_available()}
    if checks["cbc"] or checks["highs"]:
        from ..io import scenario_from_mapping
        from ..optimize import solve_portfolio

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
