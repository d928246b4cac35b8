"""Plan vs actual commands: track (and the register's approve/history when present)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import click

from ..io import OutputDir
from .options import handle_errors

CHARTS = ("realization", "pillar", "burn")
"""The charts ``track --out`` always writes (``tracking_<kind>.png``); plus ``periods`` when
the actuals are by period."""


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2027-09-30; got {value!r}") from None


@click.command()
@click.argument("plan", type=click.Path(path_type=Path))
@click.argument("actuals", type=click.Path(path_type=Path))
@click.option(
    "--as-of", "as_of", callback=_date, default=None, help="Date of the status (default: today)."
)
@click.option("--sheet", default=None, help="Sheet of an .xlsx actuals workbook.")
@click.option(
    "--decimal",
    type=click.Choice([",", "."]),
    default=None,
    help="The actuals' decimal mark (default: settled by the file's own numbers).",
)
@click.option(
    "--register",
    "register",
    default=None,
    help="Read PLAN (an id, a label or 'latest') from this register (path or SQLAlchemy URL).",
)
@click.option(
    "--record",
    is_flag=True,
    help="With --register: record these actuals as a tracked cycle (for --calibrate).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="What to print on standard output.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write tracking.json, tracking.csv and the charts (PNG) into this folder.",
)
@handle_errors
def track(
    plan: Path,
    actuals: Path,
    as_of: _dt.date | None,
    sheet: str | None,
    decimal: str | None,
    register: str | None,
    record: bool,
    fmt: str,
    out: Path | None,
) -> None:
    """Compare a plan with its actuals: cost, each impact and NPV against the forecast,
    budget burn, what is late; rolled up by pillar, team and journey stage.

    PLAN is a solution.json written by `prioritizer solve SCENARIO --out DIR` (or DIR), a
    roadmap.json written by `prioritizer roadmap SCENARIO --out DIR`, or with --register a
    plan recorded by `prioritizer approve` (its id, label or 'latest'). ACTUALS may have a
    `period` column (a label such as 2027Q1, or a date): one row per initiative and period,
    `spent` the spend in that period; the burn is then shown per period against the plan's.

    \b
    Example:
        prioritizer solve scenarios/retail_bank/scenario.yaml --out plan
        prioritizer track plan/solution.json scenarios/retail_bank/past_cycle/actuals.csv \\
            --as-of 2027-12-31
    """
    from ..render import to_csv, to_json
    from ..tracking.actuals import read_actuals
    from ..tracking.plan import Plan
    from ..tracking.track import track as run_track

    outdir = OutputDir(out, protected=[plan, actuals]) if out else None
    if outdir is not None:  # every file it always writes, refused before any work
        outdir.check(["tracking.json", "tracking.csv", *(f"tracking_{k}.png" for k in CHARTS)])
    book = None
    if register is not None:
        from ..tracking.register import open_register

        book = open_register(register, create=False)  # reads: a missing file is a typo
        ref = None if str(plan) == "latest" else str(plan)
        loaded = book.plan(ref)
    else:
        if record:
            raise click.UsageError("--record needs --register")
        loaded = Plan.from_file(plan)
    read = read_actuals(
        actuals,
        known_ids=loaded.known_ids,
        plan_date=loaded.date,
        sheet=sheet,
        periods=loaded.periods,
        decimal=decimal,
    )
    result = run_track(loaded, read, as_of=as_of)
    if book is not None and record:
        plan_id = int(loaded.extra["plan_id"])
        tracking_id = book.record_tracking(plan_id, read, result.as_of)
        click.echo(f"Recorded tracking {tracking_id} of plan {plan_id} in {register}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    payload = result.to_dict()
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(result.to_frame()), nl=False)
    else:
        click.echo(tracking_table(result))
    if outdir is not None:
        kinds = [*CHARTS, *(["periods"] if len(result.by_period) else [])]
        outdir.write_all(
            {
                "tracking.json": to_json(payload),
                "tracking.csv": to_csv(result.to_frame()),
                **{f"tracking_{kind}.png": _png(result, kind) for kind in kinds},
            }
        )
        click.echo(
            f"Wrote tracking.json, tracking.csv and {len(kinds)} charts to {outdir.path}", err=True
        )


def _png(result: Any, kind: str) -> bytes:
    from ..plots import close, figure_bytes, headless

    headless()
    ax = result.plot(kind=kind)
    data = figure_bytes(ax.figure, "png", dpi=110)
    close(ax.figure)
    return data


def _late_text(r: Any) -> str:
    """``95 d`` late, with the roadmap's go-live period when the due date is the plan's
    (``95 d, plan 2027Q4``) and the periods it slips when it costs value; a roadmap
    initiative live before its planned go-live period: ``1 period early``; one still planned
    after its planned start, before its due date: ``not started, plan 2028Q3, ...``."""
    if not r["late"]:
        early = int(r.get("periods_early") or 0)
        return f"{early} period{'s' * (early != 1)} early" if early else ""
    text = f"{r['days_late']} d"
    if r.get("not_started") and not r["days_late"]:  # its start has passed, its due not yet
        text = "not started"
    if r.get("due_from") == "plan":
        text += f", plan {r['planned_go_live']}"
        slip = int(r.get("periods_late") or 0)
        if slip:
            text += f", {slip} period{'s' * (slip != 1)} later"
    return text


def tracking_table(result: Any) -> str:
    """The terminal report of ``prioritizer track``."""
    cur = result.plan.currency
    t = result.totals
    lines = [result.finding().text + ".", ""]
    frame = result.initiatives
    rows = []
    for ident, r in frame.iterrows():
        real = r["benefit_realization"]
        rows.append(
            (
                str(ident),
                str(r["status"]),
                f"{r['spent']:,.0f}",
                f"{r['cost_forecast']:,.0f}",
                f"{r['npv_forecast']:,.0f}",
                f"{r['npv_expected']:,.0f}",
                "" if real is None or real != real else f"{real:.0%}",
                _late_text(r),
            )
        )
    head = ("id", "status", f"spent {cur}", f"plan {cur}", "NPV plan", "NPV now", "benefit", "late")
    widths = [max(len(h), *(len(row[k]) for row in rows)) for k, h in enumerate(head)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    lines.append("")
    burn = t["burn_share"]
    lines.append(
        f"Budget burn: {cur} {t['spent']:,.0f} spent of {cur} {t['cost_forecast']:,.0f} planned"
        + (f" ({burn:.0%})" if burn is not None else "")
        + f"; estimate at completion {cur} {t['cost_at_completion']:,.0f}"
        + (
            f", {cur} {t['cost_at_completion'] + off_plan:,.0f} with the {cur} {off_plan:,.0f} "
            "spent outside the plan"
            if (off_plan := float(t.get("spent_off_plan", 0.0)))
            else ""
        )
        + f"; budget {cur} {t['budget']:,.0f}"
    )
    if len(result.by_period):
        parts = []
        for period, r in result.by_period.iterrows():
            if r["spent"] != r["spent"]:
                continue  # not reported yet
            planned = r["planned_spend"]
            parts.append(
                f"{period} {r['spent']:,.0f}"
                + (f" of {planned:,.0f}" if planned == planned else "")
            )
        finding = result.chart_finding("periods").text
        lines.append(f"Burn by period: {'; '.join(parts)} ({finding})")
    for name, table in (
        ("pillar", result.by_pillar),
        ("team", result.by_team),
        ("journey stage", result.by_journey_stage),
    ):
        if table.empty:
            continue
        parts = []
        for key, r in table.iterrows():
            real = r["benefit_realization"]
            shown = "" if real is None or real != real else f", benefit {real:.0%}"
            parts.append(f"{key}: spent {r['spent']:,.0f} of {r['cost_forecast']:,.0f}{shown}")
        lines.append(f"By {name}: " + "; ".join(parts))
    return "\n".join(lines)


register_option = click.option(
    "--register",
    "register",
    default=None,
    help="Register path or SQLAlchemy URL (default: prioritizer-register.sqlite here).",
)


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--label", default="", help='e.g. "FY2027 as approved 2027-01-15".')
@click.option(
    "--date", "date", callback=_date, default=None, help="Approval date (default: today)."
)
@click.option(
    "--roadmap",
    "as_roadmap",
    is_flag=True,
    help="Plan the roadmap (the scenario needs `periods`) and record it with each start, so "
    "actuals can be tracked per period.",
)
@click.option(
    "--period-budget",
    "period_budget",
    multiple=True,
    metavar="LABEL=X",
    help="With --roadmap: override one period's one-off budget (repeatable), as `prioritizer "
    "roadmap` and `report` do.",
)
@click.option(
    "--start",
    "starts",
    multiple=True,
    metavar="ID=LABEL",
    help="With --roadmap: pin an initiative to start in this period (repeatable), as "
    "`prioritizer roadmap` and `report` do.",
)
@register_option
@handle_errors
def approve(
    scenario: Path,
    label: str,
    date: _dt.date | None,
    as_roadmap: bool,
    register: str | None,
    period_budget: tuple[str, ...] = (),
    starts: tuple[str, ...] = (),
) -> None:
    """Solve a scenario and record the result as the approved plan: the scenario's hash and
    content, the manifest, the portfolio with every forecast term, the date and the label.

    \b
    Examples:
        prioritizer approve scenarios/retail_bank/scenario.yaml --label "FY2027 as approved"
        prioritizer approve scenarios/retail_bank_quarterly/scenario.yaml --roadmap
        prioritizer approve scenarios/retail_bank_quarterly/scenario.yaml --roadmap \\
            --start COMPLAINT-HUB=2028Q1
    """
    from ..exceptions import Problem, ScenarioError
    from ..optimize import optimize
    from ..tracking.register import open_register
    from .options import load_checked

    loaded = load_checked(scenario)
    if loaded.periods and not as_roadmap:  # never silent: the one-lump plan ignores periods
        click.echo(
            f"note: {scenario} has `periods`; without --roadmap the approved plan is the "
            "one-lump portfolio, which ignores them. Add --roadmap to approve the plan by period.",
            err=True,
        )
    if as_roadmap and not loaded.periods:
        raise ScenarioError(
            [Problem(scenario.name, "--roadmap needs `periods` in the scenario (spec §5)")]
        )
    if (period_budget or starts) and not as_roadmap:
        option = "--start" if starts else "--period-budget"
        raise ScenarioError(
            [Problem(option, f"{option} sets the roadmap's plan: give --roadmap with it")]
        )
    if as_roadmap:
        from .roadmap import roadmap_overrides

        loaded = roadmap_overrides(loaded, scenario, period_budget, starts)
    result: Any
    if as_roadmap:
        from ..roadmap import plan_roadmap

        result = plan_roadmap(loaded)
    else:
        result = optimize(loaded)
    if result.status not in ("optimal", "feasible"):
        raise ScenarioError(
            [
                Problem(
                    scenario.name,
                    f"the {'roadmap' if as_roadmap else 'portfolio'} is {result.status}: there "
                    "is no plan to approve (see `prioritizer "
                    f"{'roadmap' if as_roadmap else 'solve'}` for why)",
                )
            ]
        )
    book = open_register(register)
    plan_id = book.approve(result, label=label, date=date)
    click.echo(
        f"approved plan {plan_id}: {len(result.selected)} initiatives, cost "
        f"{result.scenario.currency} {result.cost:,.0f}, NPV {result.business_value:,.0f}"
        + (f", over {len(result.labels)} periods" if as_roadmap else "")
        + f" -> {book.where}"
    )


@click.command()
@register_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@handle_errors
def history(register: str | None, fmt: str) -> None:
    """List the approved plans of a register, oldest first.

    \b
    Example:
        prioritizer history --register plans.sqlite
    """
    from ..render import to_json
    from ..tracking.register import open_register

    records = open_register(register, create=False).history()  # reads only
    if fmt == "json":
        click.echo(to_json({"plans": [r.to_dict() for r in records]}), nl=False)
        return
    if not records:
        click.echo("no plans approved yet")
    for r in records:
        kind = "roadmap" if r.roadmap else "one-lump"
        tracked = {0: "not tracked", 1: "tracked once"}.get(r.trackings, f"tracked {r.trackings}×")
        click.echo(
            f"{r.plan_id:>4}  {r.plan_date}  {r.label}  ({kind}, {r.selected} initiatives, cost "
            f"{r.cost:,.0f}, NPV {r.business_value:,.0f}, {tracked}, scenario "
            f"{r.scenario_sha256[:12]})"
        )
