"""``prioritizer roadmap``: the plan by period (starts, work in progress, go-lives), spend and
team use per period against their limits, NPV, customer value and the cost of delay."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..exceptions import Problem, ScenarioError
from ..models import Scenario
from .options import (
    check_budgets,
    handle_errors,
    output_dir,
    output_options,
    scenario_argument,
    scenario_with_overrides,
    what_if_options,
    with_warnings,
)

CHARTS = ("roadmap_gantt", "roadmap_spend", "roadmap_capacity", "roadmap_value")
FILES = ("roadmap.json", "roadmap.csv", "by_period.csv", "start_values.csv")
SWEEP_FILES = ("roadmap_frontier.json", "roadmap_frontier.csv")
"""What ``roadmap --out`` writes: FILES and the CHARTS (PNG); with ``--budgets`` SWEEP_FILES."""


def _pairs(values: tuple[str, ...], option: str, what: str) -> list[tuple[str, str]]:
    """``NAME=VALUE`` options, in order, as typed (stripped)."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip() or not rest.strip():
            raise click.BadParameter(f"expected {what}, got {value!r}", param_hint=option)
        pairs.append((name.strip(), rest.strip()))
    return pairs


def _twice(
    option: str, first: tuple[str, str], second: tuple[str, str], what: str
) -> ScenarioError:
    """One name (an initiative, a period) given twice with different values."""
    return ScenarioError(
        [Problem(f"{option} {'='.join(first)} and {option} {'='.join(second)}", what)]
    )


def _pins(sc: Scenario, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """``--start ID=LABEL`` pins by the table's ids (typed without case); one initiative
    pinned to two different periods, or pinned though it is kept out (``--force-out``,
    ``rules.excluded``), is refused (the same pin repeated is fine)."""
    from ..periods import label_index

    def period(label: str) -> int | str:
        try:
            return label_index(sc, label)
        except KeyError:
            return label  # unknown: refused by the roadmap, naming it

    pins: dict[str, str] = {}
    first: dict[str, tuple[str, str]] = {}
    ids = sc.canonical_ids(name for name, _ in pairs)
    for ident, pair in zip(ids, pairs, strict=True):
        if ident in pins and period(pins[ident]) != period(pair[1]):
            raise _twice(
                "--start",
                first[ident],
                pair,
                f"{ident} is pinned to two different periods; give one --start per initiative",
            )
        pins.setdefault(ident, pair[1])
        first.setdefault(ident, pair)
    excluded = set(sc.rules.excluded)
    out = [Problem(f"--start {'='.join(first[i])}", _out_of_plan(i)) for i in pins if i in excluded]
    if out:
        raise ScenarioError(out)
    return pins


def roadmap_overrides(
    sc: Any, path: Path, period_budget: tuple[str, ...], starts: tuple[str, ...]
) -> Any:
    """The scenario with ``--period-budget`` and ``--start`` applied as `roadmap` applies
    them, for `report` and `approve --roadmap`: the pins kept in the scenario
    (:attr:`~prioritizer.models.Scenario.pinned_starts`), so every re-plan keeps them;
    refused on a scenario without periods, where they would be ignored."""
    if not (period_budget or starts):
        return sc
    if not sc.periods:
        option = "--start" if starts else "--period-budget"
        raise ScenarioError(
            [
                Problem(
                    option,
                    f"{path} has no `periods`: {option} applies to a roadmap only; leave it out",
                )
            ]
        )
    sc = with_period_budgets(sc, _pairs(period_budget, "--period-budget", "LABEL=X"))
    pins = _pins(sc, _pairs(starts, "--start", "ID=LABEL"))
    return sc.with_overrides(pin_starts=pins) if pins else sc


def _out_of_plan(ident: str) -> str:
    return (
        f"{ident} is kept out of the plan (--force-out or rules.excluded), so it cannot be "
        "pinned to a start; drop one of the two"
    )


def with_period_budgets(scenario: Scenario, overrides: list[tuple[str, str]]) -> Scenario:
    """The scenario with some periods' one-off budgets changed (``--period-budget L=X``);
    periods without a limit before get the total budget (no tighter limit). A period given
    two different budgets, or a budget below 0, is refused naming the option as typed."""
    from ..periods import label_index, period_budgets

    if not overrides:
        return scenario
    if not scenario.periods:
        raise ScenarioError([Problem("--period-budget", "the scenario has no `periods`")])
    budgets = period_budgets(scenario) or [scenario.budget] * len(scenario.periods)
    problems = []
    given: dict[int, tuple[tuple[str, str], float]] = {}
    for label, text in overrides:
        try:
            index = label_index(scenario, label)
        except KeyError:
            problems.append(
                Problem(
                    f"--period-budget {label}={text}",
                    f"unknown period label {label!r}; expected one of {list(scenario.periods)}",
                )
            )
            continue
        try:
            value = float(text)
        except ValueError:
            problems.append(Problem(f"--period-budget {label}={text}", f"{text!r} is not a number"))
            continue
        if not math.isfinite(value) or value < 0:
            problems.append(
                Problem(
                    f"--period-budget {label}={text}",
                    "must be a finite number" if not math.isfinite(value) else "must be at least 0",
                )
            )
            continue
        if index in given and given[index][1] != value:
            raise _twice(
                "--period-budget",
                given[index][0],
                (label, text),
                f"period {scenario.periods[index]} is given two different budgets; give one "
                "--period-budget per period",
            )
        given.setdefault(index, ((label, text), value))
        budgets[index] = value
    if problems:
        raise ScenarioError(problems)
    return scenario.with_overrides(period_budgets=tuple(budgets))


PLAN_WIDE_HELP = {
    "budget": "Override the total one-off budget over the whole plan (currency; the "
    "per-period budgets stay: --period-budget).",
    "teams": "Override a team's capacity over the whole plan, in person-days (its per-period "
    "limits stay; repeatable, each team once).",
}
"""Help of the what-if options whose meaning on a roadmap is plan-wide."""


def _plan_wide_help(command: click.Command) -> click.Command:
    """The roadmap's ``--budget`` and ``--team`` help: they set plan-wide totals."""
    for param in command.params:
        if isinstance(param, click.Option) and param.name in PLAN_WIDE_HELP:
            param.help = PLAN_WIDE_HELP[param.name]
    return command


@_plan_wide_help
@click.command()
@scenario_argument
@what_if_options
@click.option(
    "--period-budget",
    "period_budget",
    multiple=True,
    metavar="LABEL=X",
    help="Override one period's one-off budget (currency; repeatable, each period once).",
)
@click.option(
    "--start",
    "starts",
    multiple=True,
    metavar="ID=LABEL",
    help="Pin an initiative to start in this period (repeatable, each initiative once).",
)
@click.option(
    "--formulation",
    # roadmap.formulations.FORMULATIONS and DEFAULT_FORMULATION, written out so that the CLI
    # starts without importing the roadmap package (a test keeps them equal)
    type=click.Choice(["start", "started_by", "select", "aggregate"]),
    default="aggregate",
    show_default=True,
    help="Integer-program formulation (same optimum; speed differs).",
)
@click.option(
    "--budgets",
    "budget_sweep",
    metavar="B1,B2,...",
    help="Instead of one roadmap, sweep the total budget: one roadmap per value (currency).",
)
@output_options
@handle_errors
def roadmap(
    scenario: Path,
    fmt: str,
    out: Path | None,
    period_budget: tuple[str, ...],
    starts: tuple[str, ...],
    formulation: str,
    budget_sweep: str | None,
    **kwargs: Any,
) -> None:
    """Plan when each initiative starts: a roadmap by period (needs `periods` in the scenario).

    \b
    Examples:
        prioritizer roadmap scenarios/retail_bank_quarterly/scenario.yaml
        prioritizer roadmap scenarios/retail_bank_quarterly/scenario.yaml \\
            --period-budget 2027Q1=500000 --start COMPLAINT-HUB=2027Q1 --format json
    """
    from ..render import to_csv, to_json
    from ..roadmap import plan_roadmap

    files = SWEEP_FILES if budget_sweep is not None else (*FILES, *(f"{c}.png" for c in CHARTS))
    outdir = output_dir(out, scenario, files=files)  # refused before any work
    budgets = _pairs(period_budget, "--period-budget", "LABEL=X")
    starts_typed = _pairs(starts, "--start", "ID=LABEL")
    sc, options = scenario_with_overrides(scenario, kwargs)
    sc = with_period_budgets(sc, budgets)
    pins = _pins(sc, starts_typed)  # ids without case; one period each
    if budget_sweep is not None:
        _sweep(sc, options, pins, formulation, budget_sweep, fmt, outdir)
        return
    result = plan_roadmap(
        sc,
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        pins=pins,
        formulation=formulation,
    )
    payload = with_warnings(result.to_dict())
    table = initiative_table(result)
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(table), nl=False)
    else:
        click.echo(roadmap_text(result))
    if outdir is not None:
        from ..tracking.plan import Plan

        # the plan with every forecast term, for `prioritizer track` (spec §7)
        saved = {**payload, "tracking_plan": Plan.from_roadmap(result).to_dict()}
        charts = _charts(result)
        outdir.write_all(
            {
                "roadmap.json": to_json(saved),
                "roadmap.csv": to_csv(table),
                "by_period.csv": to_csv(result.by_period()),
                "start_values.csv": to_csv(result.columns, index=False),
                **charts,
            }
        )
        names = list(charts)
        click.echo(
            "Wrote roadmap.json, roadmap.csv, by_period.csv, start_values.csv and "
            f"{', '.join(names)} to {outdir.path}",
            err=True,
        )


def _sweep(
    sc: Scenario,
    options: Any,
    pins: dict[str, str],
    formulation: str,
    text: str,
    fmt: str,
    outdir: Any,
) -> None:
    from ..render import text_table, to_csv, to_json
    from ..result import json_records
    from ..roadmap.frontier import roadmap_frontier

    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(
            f"expected numbers separated by commas, got {text!r}", param_hint="--budgets"
        ) from None
    if not values:
        raise click.BadParameter("give at least one budget", param_hint="--budgets")
    check_budgets(text, values)
    frame = with_customer_totals(
        sc, roadmap_frontier(sc, values, options=options, pins=pins, formulation=formulation)
    )
    payload = with_warnings(
        {"points": json_records(frame), "currency": sc.currency, "scenario": sc.name}
    )
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    elif fmt == "csv":
        click.echo(to_csv(frame, index=False), nl=False)
    else:
        click.echo(f"{sc.name}: the roadmap at each total budget (per-period limits kept)")
        shown = frame.drop(columns=["selected", "customer_value"]).rename(
            columns={
                "customer_value_total": "customer value (points over the window)",
                "customer_value_full_rate": "customer value (points a year at full rate)",
            }
        )
        click.echo(text_table(shown, formats={"objective": ".4f", "gap": ".2%"}, index=False))
        click.echo(
            "  customer value as in the roadmap's totals: effort points removed over the "
            "evaluation window (each initiative from its go-live, ramp-up included), and "
            "effort points a year once all chosen are live at full rate"
        )
    if outdir is not None:
        outdir.write_all(
            {
                "roadmap_frontier.json": to_json(payload),
                "roadmap_frontier.csv": to_csv(frame, index=False),
            }
        )


def with_customer_totals(sc: Scenario, frame: pd.DataFrame) -> pd.DataFrame:
    """The budget sweep with the customer value in the roadmap's totals' terms: after
    ``customer_value`` (effort points over the window ÷ ``horizon_years``: not a yearly rate),
    ``customer_value_total`` (effort points removed over the evaluation window) and
    ``customer_value_full_rate`` (effort points a year once every chosen one is live)."""
    from ..roadmap.values import start_values

    full = start_values(sc).groupby("id", sort=False)["customer_value_full"].first().to_dict()
    out = frame.copy()
    total = out["customer_value"] * float(sc.horizon_years)
    rate = [
        math.fsum(full[i] for i in str(ids).split(";") if i)
        if status in ("optimal", "feasible")
        else float("nan")
        for ids, status in zip(out["selected"], out["status"], strict=True)
    ]
    at = list(out.columns).index("customer_value") + 1
    out.insert(at, "customer_value_total", total)
    out.insert(at + 1, "customer_value_full_rate", rate)
    return out


def initiative_table(result: Any) -> pd.DataFrame:
    """One row per initiative: the plan and the cost of delay side by side."""
    frame = result.to_frame()
    delay = result.cost_of_delay().drop(columns=["chosen", "start"])
    return frame.join(delay)


def roadmap_text(result: Any) -> str:
    """The terminal report: plan by period, limits, totals, the plan and the cost of delay."""
    from .. import formatting as fmt
    from ..render import money, objective_row, text_table

    sc = result.scenario
    cur = sc.currency
    periods = result.by_period()
    lines = [
        sc.name,
        f"Roadmap: {len(result.selected)} of {len(sc.initiatives)} initiatives over "
        f"{len(result.labels)} periods ({result.labels[0]}–{result.labels[-1]})",
        "",
        "By period",
    ]
    show = pd.DataFrame(index=periods.index)
    show["starts"] = periods["starts"]
    show["in work"] = periods["work_in_progress"]
    show["go-lives"] = periods["go_lives"]
    show[f"spend ({cur})"] = [
        _use(v, lim, lambda x: f"{x:,.0f}", spend=True)
        for v, lim in zip(periods["spend"], periods["spend_limit"], strict=True)
    ]
    for column in periods.columns:
        if column.endswith("_use"):
            team = column.removesuffix("_use")
            show[f"{fmt.team(team)} (days)"] = [
                _use(v, lim, lambda x: f"{x:,.0f}")
                for v, lim in zip(periods[column], periods[f"{team}_limit"], strict=True)
            ]
    lines.append(text_table(_wrap(show)))
    if periods["spend_limit"].notna().any() or any(
        periods[c].notna().any() for c in periods.columns if c.endswith("_limit")
    ):
        lines.append(f"  * full: {_full_share()} or more of the {_period(sc)}'s limit used")
    lines += ["", "Plan"]
    frame = initiative_table(result)
    chosen = frame[frame["chosen"]]
    marks: dict[str, str] = {}  # delay note -> its footnote mark
    plan = pd.DataFrame(
        {
            "name": chosen["name"].map(lambda t: t if len(t) <= 36 else t[:35] + "…"),
            "start": [
                f"{start} (pinned)" if ident in result.pins else start
                for ident, start in zip(chosen.index, chosen["start"], strict=True)
            ],
            "finish": chosen["finish"],
            "go-live": chosen["go_live"].map(lambda v: v if isinstance(v, str) else "after plan"),
            f"NPV at start ({cur})": chosen["business_value"],
            "customer value (points)": chosen["customer_value_total"],
            f"own NPV lost if 1 {_period(sc)} later ({cur})": [
                _delay_cell(value, note, marks)
                for value, note in zip(
                    chosen["npv_lost_one_period_later"], chosen["delay_note"], strict=True
                )
            ],
            "best start (no limits)": chosen["best_start"],
        },
        index=chosen.index,
    )
    lines.append(text_table(plan) if len(plan) else "(no initiative chosen)")
    lines += [f"  {mark} {note}" for note, mark in marks.items()]
    if len(plan):
        lines.append(
            f"  own NPV lost: how much the initiative's own NPV falls if it starts a "
            f"{_period(sc)} later, the rest of the plan as it is (not a re-plan)"
        )
        lines.append(
            f"  NPV and customer value (effort points removed) over {result.window_text()}"
        )
    out = frame[~frame["chosen"]]
    if len(out):
        lines += ["", 'Not in the plan ("not yet": earliest start that fits beside the plan)']
        rows = pd.DataFrame(
            {
                "name": out["name"].map(lambda t: t if len(t) <= 36 else t[:35] + "…"),
                "fits from": out["fits_from"].map(lambda v: v if isinstance(v, str) else "—"),
                "blocked at its earliest start by": out["blocked_by"],
            },
            index=out.index,
        )
        lines.append(text_table(rows))
    lines += ["", "Limits over the plan (per-period limits: the table above)"]
    lines += [f"  {row}" for row in limit_rows(result)]
    status = fmt.status_words(result.status, result.gap)
    window = result.window_text()
    planned = len(result.selected)
    totals = [
        (
            "Business value (NPV)",
            f"{money(result.business_value, cur)}: the plan's cash flows over {window}, "
            f"discounted to the start of {result.labels[0]}",
        ),
        (
            "Customer value",
            f"{result.customer_value_total:,.0f} effort points removed over {window}, each "
            "initiative from its go-live, ramp-up included",
        ),
        (
            "",
            f"{result.customer_value_full_rate:,.0f} effort points a year once "
            f"{'it is' if planned == 1 else f'all {planned} are'} live at full rate",
        ),
        objective_row(sc, result.objective),
        (
            "Status",
            f"{fmt.sentence(status)}, {fmt.solver_words(result.solver)}, "
            f"{result.solve_time_s:.2f} s",
        ),
    ]
    h = f"{sc.horizon_years:g} year{'' if sc.horizon_years == 1 else 's'}"
    if sc.objective.mode == "customer":  # the objective is the §5 measure: say what it is
        totals[3] = (
            "Aim",
            f"the most customer value: {result.objective:,.0f} (effort points removed over the "
            f"window / {h})",
        )
    width = max(len(k) for k, _ in totals)
    lines += ["", "Totals"] + [f"  {k.ljust(width)}  {v}" for k, v in totals]
    lines += [
        "",
        "Not comparable with `prioritizer solve`: it counts every initiative live at once, at "
        f"full benefit for {h} (NPV) and at its full yearly rate (customer value); the "
        f"roadmap counts each from its go-live to {_window_end(result)}.",
    ]
    return "\n".join(lines)


def limit_rows(result: Any) -> list[str]:
    """The plan-wide limits (total budget, running-cost budget, each team's capacity over
    the plan) as ``label  used of available (share)  binding`` lines, as ``solve`` shows
    them; with per-period budgets that add up to less than the total budget, what they
    release (:meth:`~prioritizer.roadmap.Roadmap.budget_released`)."""
    from .. import formatting as fmt
    from ..render import money
    from ..roadmap.result import period_word

    sc = result.scenario
    cur = sc.currency
    released = result.budget_released()
    rows: list[tuple[str, str]] = []
    for _key, row in result.limits().iterrows():
        if row["kind"] == "budget":
            label, amount = "Budget (total)", lambda v: money(v, cur)
        elif row["kind"] == "opex_budget":
            label, amount = str(row["label"]), lambda v: money(v, cur) + " a year"
        else:
            label, amount = f"{row['label']} (plan total)", fmt.days
        share = float(row["share_used"])
        text = f"{amount(row['used'])} of {amount(row['available'])}"
        text += f" ({share:.0%})" if not math.isnan(share) else ""
        rows.append((label, text + ("  binding" if row["binding"] else "")))
        if row["kind"] == "budget" and released < sc.budget:
            rows.append(
                (
                    "",
                    f"the {period_word(sc)}' budgets add up to only {money(released, cur)}, so "
                    f"at most {money(released - result.cost, cur)} more could be spent",
                )
            )
        if row["kind"] == "budget" and sc.opex_budget is None:
            opex = result.as_result().opex
            rows.append(("Running cost", money(opex, cur) + " a year (no running-cost budget)"))
    width = max(len(k) for k, _ in rows)
    return [f"{k.ljust(width)}  {v}" for k, v in rows]


def _full_share() -> str:
    from .. import formatting as fmt
    from ..roadmap.findings import FULL

    return fmt.percent(FULL)


def _window_end(result: Any) -> str:
    """Where the evaluation window ends: ``the end of 2031Q4``, else ``3 years after the
    plan``."""
    window = result.value_window()
    if window["last"] is not None:
        return f"the end of {window['last']}"
    h = window["horizon_years"]
    return f"{h:g} year{'' if h == 1 else 's'} after the plan"


def _period(sc: Scenario) -> str:
    from ..roadmap.result import period_word

    return period_word(sc, 1)


def _delay_cell(value: float, note: Any, marks: dict[str, str]) -> str:
    """The NPV lost by a period's delay, with a footnote mark when a note qualifies it (its
    whole value: it would not finish inside the plan; none: past its deadline)."""
    text = "—" if value is None or math.isnan(value) else f"{value:,.0f}"
    if isinstance(note, str) and note:
        mark = marks.setdefault(note, "*" * (len(marks) + 1))
        text += f" {mark}"
    return text


def _use(value: float, limit: float, fmt: Any, *, spend: bool = False) -> str:
    """``use/limit``, with `` *`` when the limit is full, as the roadmap charts' titles and
    frames say it (:mod:`prioritizer.roadmap.findings`): :data:`~.findings.FULL` of it used;
    a period's budget of 0 is full (nothing can be spent in it), a team's limit of 0 is not
    counted."""
    from ..roadmap.findings import FULL

    if math.isnan(limit):
        return fmt(value)
    flag = " *" if (limit > 0 or spend) and value >= FULL * limit else ""
    return f"{fmt(value)}/{fmt(limit)}{flag}"


def _wrap(frame: pd.DataFrame, width: int = 34) -> pd.DataFrame:
    """Shorten long id lists so the by-period table stays readable."""
    out = frame.copy()
    for column in ("starts", "in work", "go-lives"):
        out[column] = out[column].map(lambda t: t if len(t) <= width else t[: width - 1] + "…")
    return out


def _charts(result: Any) -> dict[str, bytes]:
    """The roadmap's charts as PNG files by name."""
    from ..plots import close, figure_bytes, headless
    from ..roadmap import charts

    headless()
    pngs = {}
    draws = (charts.gantt, charts.spend, charts.capacity, charts.cumulative_value)
    for name, draw in zip(CHARTS, draws, strict=True):
        figure: Any = draw(result).figure
        pngs[f"{name}.png"] = figure_bytes(figure, "png", 200)
        close(figure)
    return pngs
