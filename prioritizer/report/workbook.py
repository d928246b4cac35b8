"""``portfolio.xlsx``: the pack's tables as a formatted Excel workbook (openpyxl)."""

from __future__ import annotations

import io
import math
from collections.abc import Collection
from typing import Any

import pandas as pd

from .. import formatting as fmt
from ..analysis.registry import REGISTRY
from ..io import FORMULA_PREFIXES
from .pack import SteeringPack

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


def _sheet(
    workbook: Any, title: str, frame: pd.DataFrame, formats: dict[str, str], *, index: bool = True
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    table = frame.reset_index() if index else frame
    columns = [str(c) for c in table.columns]
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for j, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=j)
        _safe_cell(cell, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, record in enumerate(table.itertuples(index=False), start=2):
        for j, value in enumerate(record, start=1):
            cell = sheet.cell(row=i, column=j)
            _safe_cell(cell, value)
            fmt = formats.get(columns[j - 1])
            if fmt:
                cell.number_format = fmt
    for j, name in enumerate(columns, start=1):
        values = [len(str(v)) for v in table.iloc[:200, j - 1].tolist()]
        width = min(48, max([len(name), *values]) + 2)
        sheet.column_dimensions[get_column_letter(j)].width = max(10, width)
    sheet.freeze_panes = "B2" if index else "A2"
    if len(table):
        sheet.auto_filter.ref = sheet.dimensions


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
    "business_value_margin",
    "cost_to_enter",
    "mean",
    "p10",
    "p50",
    "p90",
    "base",
}


def workbook_bytes(pack: SteeringPack) -> bytes:
    """The workbook: Summary, then every analysis table that has a sheet (Portfolio,
    Frontier, Marginal values, Robustness, Robustness NPV), then Assumptions."""
    import openpyxl

    workbook = openpyxl.Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    _sheet(workbook, "Summary", summary_table(pack), {}, index=False)
    for name, result in pack.results.items():
        for table in REGISTRY[name].tables:
            if table.sheet is None:
                continue
            frame = table.frame(result)
            formats = _formats_for(frame, MONEY_COLUMNS, table.shares)
            _sheet(workbook, table.sheet, frame, formats, index=table.index)
    _sheet(workbook, "Assumptions", assumptions_table(pack), {}, index=False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def summary_table(pack: SteeringPack) -> pd.DataFrame:
    """Key figures of the recommendation as (measure, value, unit) rows."""
    r = pack.result
    sc = pack.scenario
    cur = sc.currency
    rows: list[tuple[str, Any, str]] = [
        ("Scenario", sc.name, ""),
        ("Status", r.status, f"gap {r.gap if r.gap is not None else 'n/a'}"),
        ("Solver", r.solver, ""),
        ("Initiatives chosen", len(r.selected), f"of {len(sc.initiatives)}"),
        ("Business value (NPV)", round(r.business_value), cur),
        ("Customer value", round(r.customer_value), "effort points per year"),
        ("One-off cost", round(r.cost), cur),
        ("Budget", sc.budget, cur),
        ("Opex", round(r.opex), f"{cur} per year"),
        (
            "Opex budget",
            sc.opex_budget if sc.opex_budget is not None else "none",
            f"{cur} per year",
        ),
    ]
    for team, used in r.team_use.items():
        rows.append((f"Team {team}", round(used), f"of {fmt.days(sc.teams[team])}"))
    rows.append(
        (
            "Spreadsheet ranking reaches",
            round(pack.ranking.share_of_optimum, 4),
            "share of the optimum",
        )
    )
    return pd.DataFrame(rows, columns=["measure", "value", "unit"])


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
    rows.append(("analyses.montecarlo", f"{pack.draws} draws, seed {pack.seed}"))
    return pd.DataFrame(rows, columns=["setting", "value"])
