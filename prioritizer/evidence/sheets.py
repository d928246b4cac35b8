"""An evidence workbook's sheet as the reader of the initiatives table reads it: cells typed
(dates as dates), every row with its own row number, rows hidden in Excel (by a filter, or by
hand) set apart and not read. A warning names them (``hidden-rows``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class SheetTable:
    """The rows of one sheet under its header row (the first row with a filled cell).

    ``header``: column names (a repeated name gets ``.1``, ``.2`` as pandas names it);
    ``rows``: the visible rows' cells, as wide as the header; ``numbers``: their row numbers
    in the sheet; ``hidden``: the row numbers hidden in Excel, not in ``rows``."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    numbers: list[int]
    hidden: list[int]

    def frame(self) -> pd.DataFrame:
        """The visible rows as a frame of objects (index: the row number − 2, so that
        index + 2 is the sheet's row, as for a CSV read with its header on line 1)."""
        index = pd.Index(np.asarray(self.numbers, dtype=np.int64) - 2)
        if not self.rows:
            return pd.DataFrame(columns=self.header, index=index, dtype=object)
        return pd.DataFrame(self.rows, columns=self.header, index=index, dtype=object)


def is_workbook(path: Path) -> bool:
    """Whether ``path`` names an Excel workbook (read as a sheet, not as CSV)."""
    return path.suffix.lower() in XLSX_SUFFIXES


def read_sheet_table(path: Path, sheet: str | None) -> SheetTable:
    """One sheet of a workbook (``sheet`` by name, without case; default the first), read
    once per file version: the VoC counter, the trace and the load warnings share it."""
    try:
        stat = path.stat()
        key: tuple[object, ...] | None = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and (key, sheet) in _CACHE:
        return _CACHE[(key, sheet)]
    table = _read(path, sheet)
    if key is not None:
        _CACHE[(key, sheet)] = table
        while len(_CACHE) > 8:
            _CACHE.pop(next(iter(_CACHE)))
    return table


_CACHE: dict[tuple[object, ...], SheetTable] = {}


def _read(path: Path, sheet: str | None) -> SheetTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise ScenarioError(
            [Problem(path.name, f"cannot open as an Excel workbook ({type(exc).__name__})")]
        ) from None
    try:
        return _read_sheet(workbook, path.name, sheet)
    except ScenarioError:
        raise
    except Exception as exc:
        raise ScenarioError(
            [Problem(path.name, f"cannot read the workbook ({type(exc).__name__}: {exc})")]
        ) from None
    finally:
        workbook.close()


def _read_sheet(workbook: Any, name: str, wanted: str | None) -> SheetTable:
    from ..inputs.tables import _sheet_rows

    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "_get_source")]
    titles = [ws.title for ws in sheets]
    if wanted is None:
        chosen = sheets[:1]
    else:
        chosen = [ws for ws in sheets if ws.title == wanted] or [
            ws for ws in sheets if ws.title.strip().casefold() == wanted.strip().casefold()
        ]
    if not chosen:
        what = f"no sheet named {wanted!r}" if wanted is not None else "no sheet"
        raise ScenarioError([Problem(name, f"cannot read sheet: {what}; the sheets are {titles}")])
    header: list[str] | None = None
    rows: list[list[Any]] = []
    numbers: list[int] = []
    hidden: list[int] = []
    for number, cells, is_hidden in _sheet_rows(workbook, chosen[0], None):
        if header is None:
            if any(_filled(c) for c in cells):
                header = _header(cells)
            continue
        if is_hidden:
            if any(_filled(c) for c in cells):  # an empty hidden row hides nothing
                hidden.append(number)
            continue
        width = len(header)
        rows.append((list(cells) + [None] * width)[:width])
        numbers.append(number)
    return SheetTable(name, chosen[0].title, header or [], rows, numbers, hidden)


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _header(cells: list[Any]) -> list[str]:
    """Column names: text of the header cells (``Unnamed: i`` for an empty one), a repeated
    name numbered ``.1``, ``.2``."""
    names: list[str] = []
    seen: dict[str, int] = {}
    last = max((i for i, c in enumerate(cells) if _filled(c)), default=-1)
    for index, cell in enumerate(cells[: last + 1]):
        text = str(cell).strip() if _filled(cell) else f"Unnamed: {index}"
        count = seen.get(text, 0)
        seen[text] = count + 1
        names.append(text if count == 0 else f"{text}.{count}")
    return names


def hidden_rows_message(table: SheetTable, what: str) -> tuple[str, str]:
    """(message, where) of the ``hidden-rows`` warning of a sheet whose hidden rows were
    skipped; ``what`` names its rows (``feedback``, ``survey responses``)."""
    from ..inputs.cells import rows_text

    count = len(table.hidden)
    rows = f"row {table.hidden[0]}" if count == 1 else f"rows {rows_text(table.hidden)}"
    return (
        f"{count} row(s) hidden in Excel (a filter, or hidden by hand) were skipped, not read "
        f"as {what}; unhide them (clear the filter) if they count",
        f"{table.name} sheet {table.title!r} {rows}",
    )
