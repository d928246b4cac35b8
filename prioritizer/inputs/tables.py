"""Tables as people make them: CSV in any common encoding and delimiter, XLSX with sheets.

This module only reads cells; it does not interpret columns. A CSV is decoded (UTF-8 with or
without BOM, UTF-16, or a Windows code page it can tell apart), an Excel ``sep=`` line is
honoured, the delimiter (``,`` ``;`` tab) is found. An XLSX sheet is chosen (the ``sheet``
setting, or the one sheet that holds an initiatives table), hidden rows are marked, and
cells that are not plain values are marked with the types below so the column reader can
refuse them in words.
"""

from __future__ import annotations

import csv
import io as _io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import Problem, ScenarioError
from .warnings import InputWarning

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
""".txt is Excel's "Text (Tab delimited)" and "Unicode Text" (UTF-16) export: read like .tsv."""
HEADER_SEARCH_ROWS = 30
"""How many rows from the top are searched for the header row."""


class Percent(float):
    """A number stored with an Excel percentage format (0.004 shown as 0.40%)."""


class Scaled(float):
    """A number stored with an Excel format that shows it in thousands or millions without
    dividing it (250 formatted ``#,##0 "k€"``, shown as "250 k€"): ``number_format`` the
    format, ``literal`` the scale text it shows, ``factor`` what makes it a full amount."""

    number_format: str = ""
    literal: str = ""
    factor: int = 1


def _scaled(value: float, number_format: str, literal: str, factor: int) -> Scaled:
    out = Scaled(value)
    out.number_format, out.literal, out.factor = number_format, literal, factor
    return out


class ExcelError(str):
    """An Excel error value such as ``#DIV/0!``."""


class Formula(str):
    """A formula saved without its value (the workbook was never calculated)."""


@dataclass
class RawTable:
    """The cells of a table, with where they came from.

    ``rows`` are (row number in the file, cells); ``hidden`` the row numbers hidden in Excel.
    """

    source: str
    rows: list[tuple[int, list[Any]]]
    delimiter: str = ""
    encoding: str = ""
    sheet: str = ""
    sheet_index: int = 0
    sheet_count: int = 0
    hidden: set[int] = field(default_factory=set)
    warnings: list[InputWarning] = field(default_factory=list)
    inline: bool = False
    column_letters: bool = False


def read_raw(
    path: Path,
    *,
    sheet: str | None = None,
    looks_like_header: Callable[[list[Any]], bool],
    what: str = "initiatives",
) -> RawTable:
    """Read the cells of a .csv/.tsv/.txt or .xlsx file; ScenarioError naming the file (and
    ``what`` it holds, e.g. ``actuals``, when it is missing)."""
    name = path.name
    if not path.exists():
        raise ScenarioError([Problem(str(path), f"{what} file not found")])
    if path.is_dir():
        raise ScenarioError([Problem(str(path), "is a directory; expected a .csv or .xlsx")])
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        hint = " (save it as .xlsx)" if suffix in (".xls", ".ods", ".numbers") else ""
        raise ScenarioError(
            [Problem(name, f"unsupported file type {suffix!r}; expected .csv or .xlsx{hint}")]
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, looks_like_header)
    if sheet:
        raise ScenarioError(
            [Problem(name, f"`sheet: {sheet}` is set but a {suffix} file has no sheets")]
        )
    return _read_csv(path)


# --------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------
_CODE_PAGES = (
    ("cp1252", "Windows-1252 (Western European)"),
    ("cp1250", "Windows-1250 (Central European)"),
)


def _decode(raw: bytes, name: str) -> tuple[str, str, list[InputWarning]]:
    """(text, encoding in words, warnings)."""
    if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), "UTF-16 (Excel 'Unicode text')", []
        except UnicodeDecodeError:
            pass
    elif len(raw) >= 4 and raw[1:4:2] == b"\x00\x00" and raw[0] != 0:
        try:
            return raw.decode("utf-16-le"), "UTF-16 LE without BOM", []
        except UnicodeDecodeError:
            pass
    try:
        text = raw.decode("utf-8-sig")
        return text, ("UTF-8 with BOM" if raw.startswith(b"\xef\xbb\xbf") else "UTF-8"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    candidates: list[tuple[int, str, str]] = []
    for codec, label in _CODE_PAGES:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_letter_score(text), codec, label))
    texts = {raw.decode(codec) for _s, codec, _l in candidates}
    if candidates:
        candidates.sort(reverse=True)
        best = candidates[0]
        clear = len(texts) == 1 or len(candidates) == 1 or best[0] > candidates[1][0]
        if clear:
            warning = InputWarning(
                "encoding",
                f"not UTF-8: read as {best[2]} text; check accented names, or save it as "
                "'CSV UTF-8'",
                name,
            )
            return raw.decode(best[1]), best[2], [warning]
    line = raw[:first_bad].count(b"\n") + 1
    raise ScenarioError(
        [
            Problem(
                f"{name} line {line}",
                f"not UTF-8 text (byte 0x{raw[first_bad]:02x} at offset {first_bad}) and not "
                "a Windows code page that can be told apart: save it as 'CSV UTF-8'",
            )
        ]
    )


def _letter_score(text: str) -> int:
    """How many non-ASCII characters read as letters inside words (higher: more plausible)."""
    return sum(1 if char.isalpha() else -1 for char in text if ord(char) > 127)


_SEP_LINE = re.compile(r"^\s*\"?sep=(.)\"?\s*$", re.IGNORECASE)


def _read_csv(path: Path) -> RawTable:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, f"cannot read: {exc.strerror}")]) from None
    text, encoding, warnings = _decode(raw, name)
    if not text.strip():
        raise ScenarioError([Problem(name, "the file is empty; expected a header row and rows")])
    lines = text.splitlines()
    delimiter = ""
    if lines:
        sep = _SEP_LINE.match(lines[0])
        if sep:
            delimiter = sep.group(1)
            newline = text.find("\n")
            text = "\n" + text[newline + 1 :] if newline >= 0 else ""
    if not delimiter:
        delimiter = _delimiter(lines, path.suffix.lower())
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise ScenarioError(
            [Problem(f"{name} row {reader.line_num}", f"CSV error: {exc}")]
        ) from None
    return RawTable(name, rows, delimiter=delimiter, encoding=encoding, warnings=warnings)


def _delimiter(lines: list[str], suffix: str) -> str:
    """The delimiter of the line with the most candidate delimiters among the first lines."""
    best = ""
    best_count = 0
    for line in lines[:HEADER_SEARCH_ROWS]:
        for candidate in ("\t", ";", ","):
            count = line.count(candidate)
            if count > best_count:
                best, best_count = candidate, count
    if not best:
        return "\t" if suffix in (".tsv", ".txt") else ","
    return best


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------
def _read_xlsx(
    path: Path, wanted: str | None, looks_like_header: Callable[[list[Any]], bool]
) -> RawTable:
    import openpyxl  # lazy: only .xlsx users pay for it

    name = path.name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise ScenarioError(
            [Problem(name, f"cannot open as an Excel workbook ({type(exc).__name__}: {exc})")]
        ) from None
    try:
        return _pick_and_read(workbook, name, wanted, looks_like_header)
    except ScenarioError:
        raise
    except Exception as exc:
        raise ScenarioError(
            [Problem(name, f"cannot read the workbook ({type(exc).__name__}: {exc})")]
        ) from None
    finally:
        workbook.close()


def _pick_and_read(
    workbook: Any, name: str, wanted: str | None, looks_like_header: Callable[[list[Any]], bool]
) -> RawTable:
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "_get_source")]
    if not sheets:
        raise ScenarioError([Problem(name, "the workbook has no sheet")])
    titles = [ws.title for ws in sheets]
    if wanted is not None:
        chosen = [
            ws for ws in sheets if ws.title.strip().casefold() == str(wanted).strip().casefold()
        ]
        if not chosen:
            raise ScenarioError(
                [Problem(name, f"no sheet named {wanted!r}; the sheets are {titles}")]
            )
        sheet = chosen[0]
    else:
        visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
        pool = visible or sheets
        if len(pool) == 1:
            sheet = pool[0]
        else:
            tables = [
                ws
                for ws in pool
                if any(
                    looks_like_header(cells)
                    for _n, cells, _h in _sheet_rows(workbook, ws, HEADER_SEARCH_ROWS)
                )
            ]
            if len(tables) > 1:
                raise ScenarioError(
                    [
                        Problem(
                            name,
                            f"{len(tables)} sheets hold an initiatives table "
                            f"({', '.join(repr(ws.title) for ws in tables)}); say which one "
                            "with `initiatives: {file: "
                            f"{name}, sheet: {tables[-1].title}}}` in the scenario",
                        )
                    ]
                )
            sheet = tables[0] if tables else pool[0]
    rows: list[tuple[int, list[Any]]] = []
    hidden: set[int] = set()
    for number, cells, is_hidden in _sheet_rows(workbook, sheet, None):
        rows.append((number, cells))
        if is_hidden:
            hidden.add(number)
    if not any(any(c is not None and str(c).strip() for c in cells) for _n, cells in rows):
        raise ScenarioError([Problem(f"{name} sheet {sheet.title!r}", "the sheet is empty")])
    return RawTable(
        name,
        rows,
        sheet=sheet.title,
        sheet_index=titles.index(sheet.title) + 1,
        sheet_count=len(titles),
        hidden=hidden,
        column_letters=True,
    )


def _sheet_rows(
    workbook: Any, sheet: Any, limit: int | None
) -> Iterator[tuple[int, list[Any], bool]]:
    """(row number, cell values, hidden) of a read-only sheet, cells typed as above."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    from .scale import format_scale

    percent_styles = set()
    scaled_styles: dict[int, tuple[str, str, int]] = {}
    for index, style in enumerate(workbook._cell_styles):
        code = style.numFmtId
        text = str(
            BUILTIN_FORMATS.get(code, "General")
            if code < 164
            else workbook._number_formats[code - 164]
        )
        if "%" in text:
            percent_styles.add(index)
        elif (shown := format_scale(text)) is not None:
            scaled_styles[index] = (text, *shown)

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell: dict[str, Any] = super().parse_cell(element)
            value = cell["value"]
            if value is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = Formula("=" + (formula.text or ""))
            elif cell["data_type"] == "e":
                cell["value"] = ExcelError(value)
            elif cell["data_type"] == "n" and cell["style_id"] in percent_styles:
                cell["value"] = Percent(value)
            elif cell["data_type"] == "n" and cell["style_id"] in scaled_styles:
                cell["value"] = _scaled(value, *scaled_styles[cell["style_id"]])
            return cell

    source = sheet._get_source()
    try:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for count, (number, cells) in enumerate(parser.parse(), start=1):
            if limit is not None and count > limit:
                break
            width = max((c["column"] for c in cells), default=0)
            values: list[Any] = [None] * width
            for c in cells:
                values[c["column"] - 1] = c["value"]
            attrs = parser.row_dimensions.get(str(number))
            hidden = bool(attrs) and str(attrs.get("hidden", "0")).lower() in ("1", "true")
            yield number, values, hidden
    finally:
        source.close()


def inline_raw(rows: list[Any], source: str) -> tuple[RawTable | None, list[Problem]]:
    """An inline YAML list of rows as a table (row numbers are list positions)."""
    problems: list[Problem] = []
    header: list[str] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            problems.append(
                Problem(f"{source}: initiatives[{index}]", "expected a mapping of column: value")
            )
            continue
        for key in row:
            if str(key) not in header:
                header.append(str(key))
    if problems:
        return None, problems
    if not rows:
        return None, [Problem(f"{source}: key initiatives", "the list of initiatives is empty")]
    table_rows: list[tuple[int, list[Any]]] = [(-1, list(header))]
    for index, row in enumerate(rows):
        by_key = {str(k): v for k, v in row.items()}
        table_rows.append((index, [_inline_cell(by_key.get(h)) for h in header]))
    return RawTable(source, table_rows, inline=True), []


def _inline_cell(value: Any) -> Any:
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, dict | list | tuple):
        return _Unreadable(value)
    return value


class _Unreadable:
    """A nested YAML value where a cell was expected."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)
