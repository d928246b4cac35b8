"""``portfolio.xlsx``: the pack's tables as a formatted Excel workbook (openpyxl)."""

from __future__ import annotations

import io
import math
from collections.abc import Collection
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..analysis.registry import REGISTRY
from ..formatting import FORMULA_PREFIXES
from .pack import SteeringPack
from .story import Story, build_story, not_analysed

MONEY = "#,##0;[Red]-#,##0"
NUMBER = "#,##0.00"
SHARE = "0.0%"


def _safe_cell(cell: Any, value: Any) -> None:
    """Write a value; text that a spreadsheet would run as a formula is stored as text."""
    if isinstance(value, float) and not math.isfinite(value):
        cell.value = None
        return
    if hasattr(value, "item"):
        value = value.item()
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


HEADERS = {
    "id": "ID",
    "business_value": "NPV",
    "customer_value": "Customer value (effort removed a year)",
    "roadmap_customer_value": "Customer value (effort removed over the plan and horizon, per "
    "horizon year)",
    "retained_customers_per_year": "Customers kept a year",
    "voc_volume": "Complaints a year",
    "cost": "One-off cost",
    "opex_per_year": "Running cost a year",
    "opex": "Running cost a year",
    "churn_value_per_year": "Value of customers kept a year",
    "segment_ltv": "Customer lifetime value",
    "ces_delta": "Effort reduction (CES points)",
    "churn_reduction_pp": "Churn reduction (percentage points)",
    "n_selected": "Initiatives chosen",
    "share_used": "Share used",
    "selection_frequency": "Chosen in share of futures",
    "p10": "P10",
    "p50": "P50",
    "p90": "P90",
    "next_improvement_at": "Least amount that improves the choice",
    "objective_gain_next": "Objective gain at that amount",
    "business_value_gain_next": "NPV change at that amount",
    "customer_value_gain_next": "Customer value change at that amount",
    "enters_next": "Enters at that amount",
    "leaves_next": "Leaves at that amount",
    "roadmap_npv": "NPV at the planned start (not chosen: at its best start)",
    "annual_benefit_full_rate": "Annual benefit once live at full rate",
    "start": "Start",
    "go_live": "Go live",
    "pv_benefit": "Benefit (present value at the start)",
    "pv_opex": "Running cost (present value at the start)",
    "pv_cost": "One-off cost (present value at the start)",
}
"""Column headers in words (others: the key with spaces, first letter upper case)."""


def header_words(column: str, currency: str) -> str:
    """A column key as a readable header, money columns with their currency."""
    words = HEADERS.get(column) or fmt.sentence(fmt.words(column))
    if column in MONEY_COLUMNS:
        words += f" ({currency})"
    return words


MAX_ONE_PAGE_ROWS = 80
"""Sheets up to this many rows print on one page (longer ones: one page wide, as tall as
needed), so the examples' workbooks print on six pages."""


def print_setup(sheet: Any, *, title_rows: str = "1:1") -> None:
    """Landscape A4, fit to one page wide (and tall, up to :data:`MAX_ONE_PAGE_ROWS` rows),
    the header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if sheet.max_row <= MAX_ONE_PAGE_ROWS else 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "&A — page &P"


def _sheet(
    workbook: Any,
    title: str,
    frame: pd.DataFrame,
    formats: dict[str, str],
    *,
    index: bool = True,
    currency: str = "",
    readable: bool = False,
) -> Any:
    """A sheet holding one table (header row 1, frozen, filtered, printable); ``readable``
    writes the headers in words (the pack) instead of the column keys (``solve --out``)."""
    sheet = workbook.create_sheet(title[:31])
    _table(sheet, frame, formats, index=index, currency=currency, top=1, readable=readable)
    sheet.freeze_panes = "B2" if index else "A2"
    if len(frame):
        sheet.auto_filter.ref = sheet.dimensions
    print_setup(sheet)
    return sheet


def _table(
    sheet: Any,
    frame: pd.DataFrame,
    formats: dict[str, str],
    *,
    index: bool,
    currency: str,
    top: int,
    readable: bool = True,
) -> int:
    """Write ``frame`` with its header at row ``top`` (in words when ``readable``); returns
    the last row written."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    table = frame.reset_index() if index else frame
    keys = [str(c) for c in table.columns]
    if readable:
        formats = {header_words(k, currency): f for k, f in formats.items()} | formats
        table = table.set_axis([header_words(k, currency) for k in keys], axis=1)
    columns = [str(c) for c in table.columns]
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for j, name in enumerate(columns, start=1):
        cell = sheet.cell(row=top, column=j)
        _safe_cell(cell, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, record in enumerate(table.itertuples(index=False), start=top + 1):
        for j, value in enumerate(record, start=1):
            cell = sheet.cell(row=i, column=j)
            _safe_cell(cell, value)
            number_format = formats.get(columns[j - 1])
            if number_format:
                cell.number_format = number_format
    for j, name in enumerate(columns, start=1):
        values = [len(str(v)) for v in table.iloc[:200, j - 1].tolist()]
        width = min(40, max([min(len(name), 18), *values]) + 2)
        letter = get_column_letter(j)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(10, width, current)
        if width >= 40:  # long lists of ids wrap instead of widening the page
            for row in sheet.iter_rows(min_row=top + 1, min_col=j, max_col=j):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return top + len(table)


ON_OPTIONS_SHEET = {"Marginal values", "Robustness NPV"}
"""Small analysis tables written under the options and risks (not on sheets of their own,
so the workbook prints on a few pages)."""


def _formats_for(
    frame: pd.DataFrame, currency_columns: set[str], share_columns: Collection[str] = ()
) -> dict[str, str]:
    formats: dict[str, str] = {}
    for column in frame.columns:
        name = str(column)
        if name in currency_columns:
            formats[name] = MONEY
        elif name in share_columns:
            formats[name] = SHARE
        elif pd.api.types.is_float_dtype(frame[column]):
            formats[name] = NUMBER
    return formats


MONEY_COLUMNS = {
    "segment_ltv",
    "churn_value_per_year",
    "cross_sell_per_year",
    "cost_savings_per_year",
    "opex_per_year",
    "annual_benefit",
    "cost",
    "business_value",
    "budget",
    "used",
    "available",
    "business_value_gain_up",
    "business_value_gain_next",
    "business_value_margin",
    "cost_to_enter",
    "mean",
    "p10",
    "p50",
    "p90",
    "base",
    "roadmap_npv",
    "annual_benefit_full_rate",
    "pv_benefit",
    "pv_opex",
    "pv_cost",
}


def roadmap_portfolio(frame: pd.DataFrame, scenario: Any) -> pd.DataFrame:
    """The Portfolio sheet of a roadmap: each NPV at the initiative's planned start (not
    chosen: at its best allowed start) beside that start, never with the one-lump annuity
    factor, which did not make it; the annual benefit named as the rate once live at full
    rate. An initiative no start fits has no NPV (blank) and its start reads "no start
    fits"."""
    from ..roadmap.delay import never_plannable

    out = frame.drop(columns=["annuity_factor"], errors="ignore").rename(
        columns={"business_value": "roadmap_npv", "annual_benefit": "annual_benefit_full_rate"}
    )
    never = never_plannable(scenario)
    ids = out["id"] if "id" in out.columns else pd.Series(out.index, index=out.index)
    blank = ids.astype(str).isin(never).to_numpy(dtype=bool, copy=True)
    if "selected" in out.columns:
        blank = blank & ~out["selected"].astype(bool).to_numpy(dtype=bool)
    if blank.any():
        out = out.copy()
        if "roadmap_npv" in out.columns:
            out.loc[blank, "roadmap_npv"] = float("nan")
        if "start" not in out.columns:
            out["start"] = None
        out["start"] = out["start"].astype(object)
        out.loc[blank, "start"] = "no start fits"
    return out


def workbook_bytes(pack: SteeringPack, story: Story | None = None) -> bytes:
    """The workbook: Summary (the ask and the key figures), Options and Risks, every
    analysis table that has a sheet (Portfolio, Frontier, Marginal values, Robustness, ...),
    the Evidence sheets when the scenario has evidence, then Assumptions. Every sheet prints
    landscape, one page wide, its header row repeated."""
    import openpyxl

    story = story or build_story(
        pack.base, pack.results, evidence=pack.evidence, draws=pack.draws, seed=pack.seed
    )
    cur = pack.scenario.currency
    workbook = openpyxl.Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    _summary_sheet(workbook, pack, story)
    options = _options_sheet(workbook, story)
    for name, result in pack.results.items():
        for table in REGISTRY[name].tables:
            if table.sheet is None:
                continue
            frame = table.frame(result)
            if pack.scenario.periods:  # a roadmap's customer value is not a yearly rate
                frame = frame.rename(columns={"customer_value": "roadmap_customer_value"})
                if table.sheet == "Portfolio":
                    frame = roadmap_portfolio(frame, pack.scenario)
            formats = _formats_for(frame, MONEY_COLUMNS, table.shares)
            if table.sheet in ON_OPTIONS_SHEET:
                from openpyxl.styles import Font

                options.append([])
                options.append([table.sheet])
                options.cell(row=options.max_row, column=1).font = Font(bold=True)
                _table(
                    options,
                    frame,
                    formats,
                    index=table.index,
                    currency=cur,
                    top=options.max_row + 1,
                )
                continue
            _sheet(
                workbook,
                table.sheet,
                frame,
                formats,
                index=table.index,
                currency=cur,
                readable=True,
            )
    if pack.evidence is not None:
        for title, frame in evidence_tables(pack.evidence).items():
            shares = [c for c in frame.columns if "share" in str(c) or str(c).endswith("_pct")]
            formats = _formats_for(frame, set(), [c for c in shares if "pct" not in str(c)])
            _sheet(workbook, title, frame, formats, currency=cur, readable=True)
    _sheet(workbook, "Assumptions", assumptions_table(pack), {}, index=False, readable=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EVIDENCE_SHEETS = {
    "voc_topics": "Evidence topics",
    "voc_uncovered": "Evidence uncovered",
    "evidence_initiatives": "Evidence coverage",
    "survey_stages": "Evidence CES by stage",
    "survey_key_drivers": "Evidence drivers",
    "maturity_pillars": "Evidence maturity",
    "benchmarks": "Evidence benchmarks",
}
"""The evidence tables the workbook shows, by sheet name."""


def evidence_tables(report: Any) -> dict[str, pd.DataFrame]:
    """The Evidence sheets (topic counts, uncovered topics, coverage per initiative, CES by
    journey stage, key drivers, pillar maturity, benchmarks) that the report has."""
    tables = report.tables()
    return {title: tables[key] for key, title in EVIDENCE_SHEETS.items() if key in tables}


def _money_format(currency: str) -> str:
    symbol = fmt.symbol(currency).strip()
    quoted = f'"{symbol}"' if len(symbol) == 1 else f'"{symbol} "'
    return f"{quoted}#,##0;[Red]-{quoted}#,##0"


def _summary_sheet(workbook: Any, pack: SteeringPack, story: Story) -> None:
    """The ask (headline, returns, uses, decisions) and the key figures, formatted."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet("Summary")
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 60
    sheet.append([pack.scenario.name])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([story.summary.headline.text])
    sheet["A2"].font = Font(bold=True)
    sheet.append([])
    for heading, findings in (
        ("What it returns", story.summary.returns),
        ("What it uses", story.summary.uses),
        ("What we ask", story.summary.asks),
    ):
        sheet.append([heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for finding in findings:
            sheet.append(["", "", finding.text])
            sheet.cell(row=sheet.max_row, column=3).alignment = Alignment(wrap_text=True)
    if story.warnings:  # the scenario's load warnings (e.g. an initiative no start fits)
        sheet.append(["Check before trusting the numbers"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for line in story.warnings:
            sheet.append(["", "", line])
            sheet.cell(row=sheet.max_row, column=3).alignment = Alignment(wrap_text=True)
    sheet.append([])
    sheet.append(["Measure", "Value", "Unit"])
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
    money = _money_format(pack.scenario.currency)
    for measure, value, unit in summary_table(pack).itertuples(index=False):
        sheet.append([measure, value, unit])
        cell = sheet.cell(row=sheet.max_row, column=2)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if unit.startswith(pack.scenario.currency):
                cell.number_format = money
            elif "share" in unit:
                cell.number_format = "0%"
            else:
                cell.number_format = "#,##0"
    print_setup(sheet, title_rows=f"{header}:{header}")


def _options_sheet(workbook: Any, story: Story) -> Any:
    """What more money or people would buy, and the risks, as text tables."""
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet("Options and Risks")
    sheet.append([story.options.finding.text])
    sheet["A1"].font = Font(bold=True)
    if story.options.rows:  # no header over nothing (nothing priced, or not analysed)
        sheet.append(list(story.options.header))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
    for row in story.options.rows:
        sheet.append(list(row.cells))
    for note in story.options.notes:  # e.g. why more money can lower the NPV
        sheet.append([note])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=5
        )
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
        sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True)
        sheet.row_dimensions[sheet.max_row].height = 15 * (1 + len(note) // 110)
    sheet.append([])
    sheet.append(["Risks: what could change the answer"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for finding in story.risks:
        sheet.append([finding.text])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=5
        )
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True)
        sheet.row_dimensions[sheet.max_row].height = 15 * (1 + len(finding.text) // 110)
    for letter, width in zip("ABCDE", (30, 16, 14, 22, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    print_setup(sheet, title_rows="2:2" if story.options.rows else "1:1")
    return sheet


def summary_table(pack: SteeringPack) -> pd.DataFrame:
    """Key figures of the recommendation as (measure, value, unit) rows."""
    from .story import complaints_addressed, customers_kept

    r = pack.result
    sc = pack.scenario
    cur = sc.currency
    rows: list[tuple[str, Any, str]] = [
        ("Status", fmt.sentence(fmt.status_words(r.status, r.gap)), ""),
        ("Solver", fmt.sentence(fmt.solver_words(r.solver)), ""),
        ("Initiatives chosen", len(r.selected), f"of {len(sc.initiatives)}"),
        ("Net present value (NPV)", round(r.business_value), cur),
        ("Customers kept a year", round(customers_kept(r)), "customers"),
        ("Complaints a year about what it fixes", round(complaints_addressed(r)), "complaints"),
        *_effort_rows(pack),
        ("One-off cost", round(r.cost), cur),
        ("Budget", sc.budget, cur),
        ("Running cost", round(r.opex), f"{cur} a year"),
    ]
    if sc.opex_budget is not None:
        rows.append(("Running-cost budget", sc.opex_budget, f"{cur} a year"))
    for team, used in r.team_use.items():
        rows.append(
            (fmt.limit_label(f"Team {team}"), round(used), f"of {fmt.days(sc.teams[team])}")
        )
    rows.append(
        (
            "Spreadsheet ranking reaches",
            round(pack.ranking.share_of_optimum, 4),
            "share of the optimum",
        )
    )
    return pd.DataFrame(rows, columns=["measure", "value", "unit"])


def _effort_rows(pack: SteeringPack) -> list[tuple[str, Any, str]]:
    """The customer effort the recommendation removes. One lump: a yearly rate. A roadmap:
    the rate a year once every planned initiative is live at full rate, and the total over
    the evaluation window (the plan and the horizon after it), never the window's total per
    horizon year called "a year"."""
    r = pack.result
    analysis = pack.get("roadmap")
    roadmap = getattr(analysis, "roadmap", None)
    if not pack.scenario.periods:
        return [("Customer effort removed a year", round(r.customer_value), "effort points")]
    if roadmap is None:
        from ..roadmap.plan import base_roadmap

        roadmap = base_roadmap(pack.scenario, pack.options)
    return [
        (
            "Customer effort removed a year once all are live at full rate",
            round(roadmap.customer_value_full_rate),
            "effort points a year",
        ),
        (
            "Customer effort removed over the evaluation window",
            round(roadmap.customer_value_total),
            f"effort points over {roadmap.window_text()}",
        ),
    ]


def assumptions_table(pack: SteeringPack) -> pd.DataFrame:
    """The scenario's settings echoed as (key, value) rows."""
    data = pack.scenario.model_dump(exclude={"initiatives"})
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            rows.append((prefix, str(value)))

    walk("", data)
    if pack.get("montecarlo") is not None:  # the draws only of a Monte Carlo that ran
        rows.append(("analyses.montecarlo", f"{pack.draws} draws, seed {pack.seed}"))
    for name in not_analysed(pack.results):
        rows.append((f"analyses.{name}", "not analysed in this pack"))
    return pd.DataFrame(rows, columns=["setting", "value"])
