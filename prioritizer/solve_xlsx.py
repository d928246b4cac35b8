"""``solve --out``'s ``portfolio.xlsx``: the portfolio as a formatted workbook.

Currency columns get a thousands format, the header row is frozen, columns are sized to their
content, and text a spreadsheet would run as a formula is stored as text.
"""

from __future__ import annotations

import io

import pandas as pd

from .inputs.columns import COLUMNS
from .report.workbook import MONEY, MONEY_COLUMNS, _formats_for, _sheet
from .result import Result


def portfolio_workbook(result: Result) -> bytes:
    """Sheets ``Portfolio`` (every initiative, chosen first) and ``Totals``; xlsx bytes."""
    import openpyxl

    workbook = openpyxl.Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    frame = result.portfolio.sort_values("selected", ascending=False, kind="stable")
    money = set(MONEY_COLUMNS) | {c.name for c in COLUMNS if c.excel_format == "#,##0"}
    formats = _formats_for(frame, money)
    for column in frame.columns:
        if str(column) in money:
            formats[str(column)] = MONEY
    _sheet(workbook, "Portfolio", frame, formats)
    limits = result.limits()
    if isinstance(limits, pd.DataFrame) and len(limits):
        _sheet(workbook, "Totals", limits, _formats_for(limits, MONEY_COLUMNS, {"share_used"}))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
