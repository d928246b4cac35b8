"""The explorer's outputs as HTML fragments (pure functions of an :class:`Outcome`): the KPI
strip, the portfolio table against the base case, the diagnosis in words, the breakpoint
marks under the budget slider. No widgets here; the widget sets these strings."""

from __future__ import annotations

import html
import math
from collections.abc import Collection, Sequence

from .. import formatting as fmt
from ..models import Scenario
from .state import Outcome
from .whatif import team_labels

CSS = """
<style>
.px-kpis{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0}
.px-kpi{border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:120px;background:#fafafa}
.px-kpi .px-label{font-size:11px;color:#555}
.px-kpi .px-value{font-size:18px;font-weight:bold}
.px-kpi .px-base{font-size:11px;color:#777}
.px-kpi.px-over .px-value{color:#D55E00}
.px-bar{height:5px;background:#e8e8e8;border-radius:3px;margin-top:3px}
.px-bar>div{height:5px;background:#0072B2;border-radius:3px}
.px-status{font-weight:bold;padding:2px 6px;border-radius:4px;color:white}
.px-status-optimal,.px-status-feasible{background:#009E73}
.px-status-infeasible,.px-status-error{background:#D55E00}
.px-table{border-collapse:collapse;font-size:13px}
.px-table th,.px-table td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}
.px-table td.px-text,.px-table th.px-text{text-align:left}
.px-row-entered{background:#d9f2e6}
.px-row-left{background:#fbe3d6;color:#8a3b12;text-decoration:line-through}
.px-diagnosis{border-left:4px solid #D55E00;padding:6px 12px;background:#fff4ee;
  white-space:pre-wrap}
.px-note{border-left:4px solid #E69F00;padding:4px 10px;background:#fff8e6;margin:4px 0;
  font-size:13px}
.px-note ul{margin:2px 0 2px 18px;padding:0}
.px-ticks{position:relative;height:14px}
.px-ticks span{position:absolute;top:0;width:2px;margin-left:-1px;height:10px;
  background:#D55E00}
</style>
"""


def kpi_html(outcome: Outcome) -> str:
    """The KPI strip: status, NPV, customer value, cost and each team's use against its
    limit (a bar), the spreadsheet ranking's share of the optimum; base values beneath."""
    frame = outcome.kpis()
    teams = set(team_labels(team for team, _days in outcome.settings.teams).values())
    status = outcome.result.status
    cards = [
        f'<div class="px-kpi" data-kpi="status"><div class="px-label">Status</div>'
        f'<div class="px-value"><span class="px-status px-status-{status}">{status}</span></div>'
        f'<div class="px-base">what-if #{outcome.generation}</div></div>'
    ]
    for name, row in frame.iterrows():
        limit = float(row["limit"])
        value = float(row["value"])
        text = html.escape(str(row["text"]))
        extra, over = "", False
        if math.isfinite(limit):
            share = value / limit if limit > 0 and math.isfinite(value) else float("nan")
            over = math.isfinite(share) and share > 1 + 1e-9
            width = 0.0 if not math.isfinite(share) else max(0.0, min(share, 1.0)) * 100
            extra = (
                f'<div class="px-bar"><div style="width:{width:.0f}%"></div></div>'
                f'<div class="px-base">{fmt.share(share)} of '
                f"{html.escape(_limit(row, limit, teams))}</div>"
            )
        base = str(row["base_text"])
        sep = ": " if base == "infeasible" else " "
        base_line = (
            f'<div class="px-base">base{sep}{html.escape(base)}</div>' if base != "n/a" else ""
        )
        if base.startswith("rule: "):  # the ranking breaks this rule: said, not a base
            rule = html.escape(fmt.clip(base.removeprefix("rule: "), 60))
            base_line = f'<div class="px-base">{rule}</div>'
        cards.append(
            f'<div class="px-kpi{" px-over" if over else ""}" data-kpi="{html.escape(str(name))}">'
            f'<div class="px-label">{html.escape(str(name))}</div>'
            f'<div class="px-value">{text}</div>{extra}{base_line}</div>'
        )
    headline = html.escape(outcome.headline())
    return (
        CSS
        + f'<div class="px-headline" data-generation="{outcome.generation}"><b>{headline}</b></div>'
        + '<div class="px-kpis">'
        + "".join(cards)
        + "</div>"
    )


PERIODS_NOTE = (
    "this scenario has <code>periods</code>; the panel gives the one-lump answer, which "
    "ignores them (per-period budgets, durations, deadlines). "
    "<code>prioritizer roadmap</code> plans by period."
)
"""The note above a roadmap scenario's panel: ``prioritizer solve``'s own note."""


def notes_html(scenario: Scenario, shown: int = 3) -> str:
    """What the panel must say before any number: that a roadmap scenario (with
    ``periods``) is answered as one lump budget (``prioritizer solve``'s note), and the
    scenario's load warnings (the first ``shown`` in full, the rest behind a click); '' when
    there is nothing to say."""
    parts: list[str] = []
    if scenario.periods:
        parts.append(f'<div class="px-note" data-note="periods"><b>Note:</b> {PERIODS_NOTE}</div>')
    warnings = list(scenario.warnings)
    if warnings:

        def item(warning: object) -> str:
            where = str(getattr(warning, "where", "") or "")
            text = html.escape(str(getattr(warning, "message", warning)))
            return f"<li>{text}{f' <small>({html.escape(where)})</small>' if where else ''}</li>"

        count = len(warnings)
        head = f"{count} warning{'' if count == 1 else 's'} from loading the scenario"
        more = ""
        if count > shown:
            more = (
                f"<details><summary>{count - shown} more</summary><ul>"
                + "".join(item(x) for x in warnings[shown:])
                + "</ul></details>"
            )
        parts.append(
            f'<div class="px-note px-warnings" data-note="warnings"><b>{head}:</b><ul>'
            + "".join(item(x) for x in warnings[:shown])
            + "</ul>"
            + more
            + "</div>"
        )
    return CSS + "".join(parts) if parts else ""


def _limit(row: object, limit: float, teams: Collection[str]) -> str:
    if str(getattr(row, "name", "")) in teams:
        return f"{limit:,.0f} d"
    return f"{limit:,.0f}"


def table_html(outcome: Outcome) -> str:
    """The portfolio table (entered rows green, left rows struck through), or the diagnosis
    in words when no portfolio satisfies every rule."""
    if not outcome.feasible:
        return diagnosis_html(outcome)
    cur = outcome.scenario.currency
    frame = outcome.table()
    head = (
        '<table class="px-table"><thead><tr><th class="px-text">Change</th>'
        '<th class="px-text">Initiative</th><th class="px-text">Name</th>'
        f"<th>NPV ({html.escape(cur)})</th><th>Customer value (pts/yr)</th>"
        f"<th>One-off cost ({html.escape(cur)})</th></tr></thead><tbody>"
    )
    rows = []
    for ident, row in frame.iterrows():
        change = str(row["change"])
        mark = {"entered": "+ entered", "left": "− left", "kept": ""}[change]
        rows.append(
            f'<tr class="px-row-{change}" data-id="{html.escape(str(ident))}">'
            f'<td class="px-text">{mark}</td><td class="px-text">{html.escape(str(ident))}</td>'
            f'<td class="px-text">{html.escape(fmt.clip(str(row["name"]), 48))}</td>'
            f"<td>{row['business_value']:,.0f}</td><td>{row['customer_value']:,.0f}</td>"
            f"<td>{row['cost']:,.0f}</td></tr>"
        )
    chosen = len(outcome.result.selected)
    caption = (
        f"<div>{chosen} chosen; {len(outcome.entered)} entered and {len(outcome.left)} left "
        "against the base case</div>"
    )
    return CSS + caption + head + "".join(rows) + "</tbody></table>"


def diagnosis_html(outcome: Outcome) -> str:
    """Why no portfolio exists under these settings, in words."""
    return CSS + f'<div class="px-diagnosis">{html.escape(outcome.message)}</div>'


def ticks_html(
    breakpoints: Sequence[float],
    top: float,
    currency: str,
    label_width: str = "130px",
    exact: bool = True,
) -> str:
    """Marks for the frontier's breakpoints under the budget slider, each at its budget's
    place on the slider's track (its budget as a tooltip). ``exact``: they are the exact
    breakpoints of the optimal value (else where the portfolio found, within the solver's
    gap, changes).

    The row copies the geometry of an ipywidgets horizontal slider of the same width and
    ``label_width`` (description width): the label's right margin (2 × the inline margin)
    and the track's margins (half a handle less two borders), with ipywidgets' own CSS
    variables, so a mark at budget b sits where the handle's centre does at b. Checked in a
    real browser by the app test."""
    marks = "".join(
        f'<span style="left:{100 * b / top:.4f}%" data-budget="{b:.10g}" '
        f'title="{html.escape(fmt.money(b, currency))}"></span>'
        for b in breakpoints
        if top > 0 and 0 <= b <= top
    )
    label = (
        f"flex:0 0 {html.escape(label_width)};"
        "margin-right:calc(var(--jp-widgets-inline-margin, 4px) * 2)"
    )
    track = (
        "flex:1 1 auto;margin:0 calc(var(--jp-widgets-slider-handle-size, 16px) / 2 - "
        "2 * var(--jp-widgets-slider-border-width, 1px))"
    )
    meaning = (
        "budgets where the optimal value rises"
        if exact
        else "budgets where the portfolio found (within the gap) changes"
    )
    return (
        CSS
        + '<div class="px-ticks-row" style="display:flex">'
        + f'<div style="{label}"></div>'
        + f'<div class="px-ticks" style="{track}" title="{meaning}">{marks}</div></div>'
    )
