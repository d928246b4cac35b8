"""Column work for VoC counting: the readers (batches of role -> column) and the kernels that
turn text columns into arrays, for both engines (pyarrow and pandas). No per-row Python loop.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError
from .lines import LineMap, csv_line_map, scan_csv
from .sheets import read_sheet_table
from .spec import VocSpec

BATCH_ROWS = 1 << 20
"""Rows per batch of the pandas engine (the pyarrow engine reads 64 MiB blocks)."""

EPOCH = np.datetime64("1970-01-01", "D")

NULL_MARKERS: tuple[str, ...] = ("", "N/A", "n/a", "NA", "NULL", "null", "#N/A")
"""Cells read as blank in every evidence file and by both engines (exact cell text)."""

TIME_SUFFIX = (
    r"[ T]+\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?"  # 12:41, 12:41:07, 12:41:07.250
    r"\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?\s*$"  # 1:05 PM, Z, +01:00
)
"""A time part after a date (``12:41``, ``T12:41:00.5Z``, ``1:05 PM``): cut before parsing with a
``date_format`` that has no time directive."""

TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%p", "%f", "%z", "%X", "%c", "%T", "%R")


class HeaderMap(Protocol):
    """What a reader needs from the counter: the mapped roles and their headers, and where it
    is told the lines of the rows given (``line_map``, or ``locate_lines`` to find them from
    the number of rows read, only when a row is named) and the rows hidden in Excel."""

    roles: dict[str, str]
    line_map: LineMap | None
    locate_lines: Callable[[int], LineMap] | None
    hidden: list[int]

    def resolve_header(self, header: Sequence[str]) -> list[str]:
        """The file's headers of the mapped roles, in role order."""
        ...


# --------------------------------------------------------------------------------------
# Column kernels (both engines)
# --------------------------------------------------------------------------------------
def topic_pairs(column: Any, engine: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(row index, topic code) of every topic mention, and the codes' topics."""
    if engine == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        low = pc.replace_substring(pc.utf8_lower(column), ",", ";")
        lists = pc.split_pattern(low, ";")
        parents = pc.list_parent_indices(lists)
        flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
        flat = pc.replace_substring_regex(flat, r"\s+", " ")  # inner runs of spaces: one
        nonempty = pc.greater(pc.utf8_length(flat), 0)
        flat = pc.filter(flat, nonempty)
        parents = pc.filter(parents, nonempty)
        encoded = pc.dictionary_encode(flat)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        rows = parents.to_numpy(zero_copy_only=False).astype(np.int64)
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return rows, codes, [str(t) for t in encoded.dictionary.to_pylist()]
    series = pd.Series(column, dtype=object).reset_index(drop=True)
    series = series[series.notna()].astype(str)
    exploded = series.str.lower().str.replace(",", ";", regex=False).str.split(";").explode()
    exploded = exploded.str.strip().str.replace(r"\s+", " ", regex=True)
    exploded = exploded[exploded.notna() & (exploded != "")]
    codes, uniques = pd.factorize(exploded.to_numpy(dtype=object))
    return (
        exploded.index.to_numpy(dtype=np.int64),
        codes.astype(np.int64),
        [str(u) for u in uniques],
    )


def parse_days(
    column: Any, date_format: str | None, engine: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days since 1970-01-01, missing, unparseable) per row."""
    if engine == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        text = pc.utf8_trim_whitespace(column)
        missing_arr = pc.or_kleene(pc.is_null(text), pc.equal(pc.utf8_length(text), 0))
        missing = missing_arr.to_numpy(zero_copy_only=False).astype(bool)
        if date_format is None:
            text = pc.utf8_slice_codeunits(text, 0, 10)
            fmt = "%Y-%m-%d"
        else:
            fmt = date_format
            if not _has_time(date_format):
                text = pc.replace_substring_regex(text, TIME_SUFFIX, "")
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        days_arr = pc.cast(parsed, pa.date32())
        valid = pc.is_valid(days_arr).to_numpy(zero_copy_only=False).astype(bool)
        days = pc.fill_null(pc.cast(days_arr, pa.int32()), 0).to_numpy(zero_copy_only=False)
        bad = ~valid & ~missing
        return days.astype(np.int64), missing, bad
    series = pd.Series(column, dtype=object).reset_index(drop=True)
    text = series.where(series.notna(), "").astype(str).str.strip()
    missing = (text == "").to_numpy()
    if date_format is None:
        parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    else:
        if not _has_time(date_format):
            text = text.str.replace(TIME_SUFFIX, "", regex=True)
        parsed = pd.to_datetime(text, format=date_format, errors="coerce")
    valid = parsed.notna().to_numpy()
    days = (parsed.dt.floor("D").to_numpy(dtype="datetime64[D]", na_value=EPOCH) - EPOCH).astype(
        np.int64
    )
    return days, missing, ~valid & ~missing


def _has_time(date_format: str) -> bool:
    return any(d in date_format for d in TIME_DIRECTIVES)


def blank_rows(batch: dict[str, Any], roles: Sequence[str], engine: str) -> np.ndarray:
    """Rows whose mapped cells are all blank (or spaces only): an empty line, a line of
    spaces or tabs, or a line of delimiters only."""
    n = int(batch["__rows__"])
    empty = np.ones(n, dtype=bool)
    for role in roles:
        column = batch[role]
        if engine == "pyarrow":
            import pyarrow.compute as pc

            length = pc.utf8_length(pc.utf8_trim_whitespace(column))
            filled = pc.fill_null(pc.greater(length, 0), False)
            empty &= ~np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)
        else:
            series = pd.Series(column, dtype=object)
            empty &= (series.isna() | (series.astype(str).str.strip() == "")).to_numpy()
        if not empty.any():
            break
    return empty


def parse_numbers(column: Any, engine: str) -> tuple[np.ndarray, np.ndarray]:
    """(value or NaN, not-a-number-but-not-blank) per row; a decimal comma is accepted."""
    if engine == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            text = pc.replace_substring(pc.utf8_trim_whitespace(column), ",", ".")
            text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
            values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
            return np.asarray(values, dtype=float), np.zeros(len(values), dtype=bool)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # some cell is not a number: find which, below
    series = text_values(column, engine)
    text = pd.Series(series, dtype=object).where(pd.notna(series), "").astype(str).str.strip()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    blank = (text == "").to_numpy()
    numbers = values.to_numpy(dtype=float)
    return numbers, np.isnan(numbers) & ~blank


def categories(column: Any, engine: str) -> tuple[np.ndarray, list[str]]:
    """(code per row, -1 for blank; the categories) of a text column."""
    if engine == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        return codes.astype(np.int64), [str(c) for c in encoded.dictionary.to_pylist()]
    codes, cats = pd.factorize(pd.Series(column, dtype=object).to_numpy(), use_na_sentinel=True)
    return codes.astype(np.int64), [str(c) for c in cats]


def distinct_rows(masks: np.ndarray, *, inverse: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a 2-d uint64 array, with how often each occurs (or, with
    ``inverse``, the distinct row of every input row). One word: hash-based and fast."""
    if masks.shape[1] == 1:
        codes, uniq = pd.factorize(masks[:, 0], sort=False)
        distinct = np.asarray(uniq, dtype=np.uint64).reshape(-1, 1)
        if inverse:
            return distinct, codes
        return distinct, np.bincount(codes, minlength=len(distinct))
    distinct, where, many = np.unique(masks, axis=0, return_inverse=True, return_counts=True)
    return distinct, (where.reshape(-1) if inverse else many)


def text_values(column: Any, engine: str) -> np.ndarray:
    if engine == "pyarrow":
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
    return pd.Series(column, dtype=object).to_numpy()


def take_text(column: Any, positions: np.ndarray, engine: str) -> Any:
    if engine == "pyarrow":  # stays a compact arrow array until the end
        return column.take(positions)
    return pd.Series(column, dtype=object).to_numpy()[positions]


def text_at(column: Any, position: int) -> str:
    if hasattr(column, "iloc"):
        return str(column.iloc[int(position)])
    return str(column[int(position)])


# --------------------------------------------------------------------------------------
# Readers: batches of role -> column
# --------------------------------------------------------------------------------------
def csv_header(path: Path) -> tuple[list[str], str]:
    """The header of a CSV and its delimiter (``;`` when the first line has more of them than
    of ``,``)."""
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError:
        raise ScenarioError(
            [Problem(path.name, "not UTF-8 text; save the export as 'CSV UTF-8'")]
        ) from None
    if not first.strip():
        raise ScenarioError([Problem(path.name, "the file is empty; expected a header row")])
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter))
    return header, delimiter


def arrow_batches(path: Path, counter: HeaderMap) -> Iterator[dict[str, Any]]:
    """Batches of role -> pyarrow string array; a row with more or fewer fields than the
    header is refused (located by :func:`~.lines.scan_csv`, as the pandas engine does)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header, delimiter = csv_header(path)
    wanted = counter.resolve_header(header)
    roles = list(counter.roles)
    spaces: deque[int] = deque()  # records of spaces only, not yet given back as blank rows
    ragged: list[int] = []

    def blank_or_refused(row: Any) -> str:
        """pyarrow refuses a line of spaces or delimiters only (too few or too many cells):
        skipped here, given back as a blank row below; any other short or long row is an
        error."""
        if str(row.text).replace(delimiter, "").replace('"', "").strip():
            ragged.append(int(row.number))
            return "error"
        spaces.append(int(row.number))
        return "skip"

    counter.locate_lines = functools.partial(csv_line_map, path, delimiter, len(header))
    open_csv = functools.partial(
        pacsv.open_csv,
        path,
        # one thread: the records handed to blank_or_refused are numbered (and in order)
        read_options=pacsv.ReadOptions(block_size=64 << 20, use_threads=False),
        # empty lines are kept (as blank rows, skipped by the counter): row i is record i + 2
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,  # a quoted line break across a block's end stays in
            ignore_empty_lines=False,
            invalid_row_handler=blank_or_refused,
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=list(dict.fromkeys(wanted)),
            column_types={name: pa.string() for name in wanted},
            null_values=list(NULL_MARKERS),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    try:
        reader = open_csv()
        line = 2  # the record number of the batch's first row
        for batch in reader:
            batch = _with_blank_rows(batch, line, spaces)
            line += batch.num_rows
            out: dict[str, Any] = {"__rows__": batch.num_rows}
            for role, name in zip(roles, wanted, strict=True):
                out[role] = batch.column(batch.schema.get_field_index(name))
            yield out
    except pa.ArrowInvalid as exc:
        if ragged:
            layout = scan_csv(path, delimiter, len(header))
            if layout.ragged_count:
                raise ScenarioError([layout.problem(path, delimiter)]) from None
        elif not scan_csv(path, delimiter, len(header)).rows:
            return  # a header without a line break and nothing below: no rows, as in pandas
        raise ScenarioError([Problem(path.name, f"cannot read as CSV: {exc}")]) from None


def _with_blank_rows(batch: Any, line: int, spaces: deque[int]) -> Any:
    """``batch`` (its first row the file's record ``line``) with a blank (null) row put back for
    each line of spaces the reader skipped among its rows, so that row i stays record i + 2."""
    import pyarrow as pa

    gaps: list[int] = []  # positions of those lines in the batch given back
    while spaces and spaces[0] - line - len(gaps) < batch.num_rows:
        gaps.append(spaces.popleft() - line)
    if not gaps:
        return batch
    given = np.ones(batch.num_rows + len(gaps), dtype=bool)
    given[gaps] = False
    rows = np.zeros(len(given), dtype=np.int64)
    rows[given] = np.arange(batch.num_rows)
    return batch.take(pa.array(rows, mask=~given))


def pandas_batches(path: Path, counter: HeaderMap) -> Iterator[dict[str, Any]]:
    """Batches of role -> pandas Series of text. pandas reads only the mapped columns, which
    would drop a long row's extra cells and pad a short row without a word: every row's
    fields are counted first (:func:`~.lines.scan_csv`) and a ragged row is refused."""
    header, delimiter = csv_header(path)
    wanted = counter.resolve_header(header)
    roles = list(counter.roles)
    layout = scan_csv(path, delimiter, len(header))
    if layout.ragged_count:
        raise ScenarioError([layout.problem(path, delimiter)])
    counter.line_map = layout.line_map
    try:
        chunks = pd.read_csv(
            path,
            sep=delimiter,
            usecols=list(dict.fromkeys(wanted)),
            dtype=str,
            keep_default_na=False,
            na_values=list(NULL_MARKERS),
            skip_blank_lines=False,  # as the pyarrow engine: row i is record i + 2
            chunksize=BATCH_ROWS,
            encoding="utf-8-sig",
        )
        for chunk in chunks:
            out: dict[str, Any] = {"__rows__": len(chunk)}
            for role, name in zip(roles, wanted, strict=True):
                out[role] = chunk[name].reset_index(drop=True)
            yield out
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(path.name, f"cannot read as CSV: {exc}")]) from None


def xlsx_batches(path: Path, spec: VocSpec, counter: HeaderMap) -> Iterator[dict[str, Any]]:
    """One batch of role -> pandas Series: the sheet's visible rows (rows hidden in Excel are
    skipped and told to the counter), numbered as in the sheet."""
    table = read_sheet_table(path, spec.sheet)
    wanted = counter.resolve_header(table.header)
    counter.line_map = LineMap.from_numbers(table.numbers)
    counter.hidden = list(table.hidden)
    frame = table.frame()
    out: dict[str, Any] = {"__rows__": len(frame)}
    for role, name in zip(counter.roles, wanted, strict=True):
        column = frame[name]
        if role == "date":  # a real date cell is a date whatever date_format says
            column = column.map(functools.partial(_date_text, fmt=spec.date_format))
        out[role] = column.map(_cell_text).reset_index(drop=True)
    yield out


def _date_text(value: Any, fmt: str | None) -> Any:
    """An Excel date cell as the text the date parser reads back as the same day."""
    if isinstance(value, dt.date | dt.datetime):
        if fmt is None:
            return value.isoformat()
        return value.strftime(fmt)
    return value


def _cell_text(value: Any) -> str | None:
    """An Excel cell as text; blank (None) for an empty cell or a null marker."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value)
    return None if text in NULL_MARKERS else text
