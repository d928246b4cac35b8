"""Where a row of an evidence file is: the file's line (header = 1, blank lines counted) or the
sheet's row, whatever the reader did on the way (a record that spans lines because a quoted cell
holds a line break, Excel rows hidden by a filter), and the shape check of a CSV (every row has
the header's number of fields).

Both VoC engines (pyarrow and pandas) number the rows they give 0, 1, 2, ... (records, blank
lines included); :class:`LineMap` turns those positions into the numbers people see. Finding
the lines costs nothing for a file without a quoted line break: its lines are counted (bytes,
no parsing) and compared with the records read; only a file whose record count differs is
scanned record by record (Python's ``csv`` reader, which splits records as both engines do).
"""

from __future__ import annotations

import array
import contextlib
import csv
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import Problem, ScenarioError

SCAN_CHUNK = 1 << 18
"""Records per step of the fast shape check (field counts only, no Python loop per row)."""

READ_BYTES = 16 << 20
"""Bytes per read when counting a file's lines."""

MAX_LISTED = 5
"""Rows named in a message; the others are counted."""

SEPARATOR_NAMES = {"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}


@dataclass(frozen=True)
class LineMap:
    """The file line (or sheet row) of every row a reader gave, by its position (0 = the first
    row after the header): position + 2 + the offset of the last ``start`` at or before it."""

    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    offsets: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    @classmethod
    def from_gaps(cls, records: Sequence[int], extra: Sequence[int]) -> LineMap:
        """From the records (0 = header) that span ``extra`` more lines than one: every row
        after such a record starts that many lines further down."""
        after = np.asarray(records, dtype=np.int64)
        more = np.asarray(extra, dtype=np.int64)
        starts = np.concatenate(([0], after))
        return cls(starts, np.concatenate(([0], np.cumsum(more))))

    @classmethod
    def from_numbers(cls, numbers: Sequence[int]) -> LineMap:
        """From the row number of every position (a sheet's own row numbers)."""
        given = np.asarray(numbers, dtype=np.int64)
        delta = given - (np.arange(len(given), dtype=np.int64) + 2)
        if not len(delta):
            return cls()
        change = np.flatnonzero(np.diff(delta, prepend=delta[0] - 1))
        return cls(change.astype(np.int64), delta[change])

    def lines(self, positions: Any) -> np.ndarray:
        """The file lines of ``positions`` (any integer array-like)."""
        where = np.asarray(positions, dtype=np.int64)
        index = np.searchsorted(self.starts, where, side="right") - 1
        return where + 2 + self.offsets[np.maximum(index, 0)]


@dataclass(frozen=True)
class CsvLayout:
    """What a record-by-record look at a CSV found.

    ``rows``: records after the header (blank lines included); ``line_map``: their lines;
    ``ragged``: (line, fields) of the first rows whose number of fields is not the header's
    (blank lines, lines of spaces or of delimiters only excepted); ``ragged_count``: how many.
    """

    rows: int
    line_map: LineMap
    expected: int
    ragged: list[tuple[int, int]]
    ragged_count: int

    def problem(self, path: Path, delimiter: str) -> Problem:
        """The located refusal of the ragged rows (as both engines say it)."""
        return ragged_problem(path, delimiter, self.expected, self.ragged, self.ragged_count)


def ragged_problem(
    path: Path, delimiter: str, expected: int, ragged: Sequence[tuple[int, int]], count: int
) -> Problem:
    """``cannot read as CSV``: rows whose number of fields is not the header's, by line."""
    listed = ", ".join(f"row {line} ({fields} fields)" for line, fields in ragged)
    separator = SEPARATOR_NAMES.get(delimiter, repr(delimiter))
    return Problem(
        path.name,
        f"cannot read as CSV: {count} row(s) with another number of fields than the "
        f"header's {expected}, e.g. {listed}; expected {expected} fields in every row: a cell "
        f'that contains the separator {separator} must be quoted ("..."), a quote inside a '
        'quoted cell doubled (""); or the export uses another separator',
    )


def scan_csv(path: Path, delimiter: str, expected: int) -> CsvLayout:
    """The layout of a CSV: its ragged rows and the lines its records start on.

    A first pass counts fields only (``len`` of each record, in C); a file whose records are
    one line each and all of the header's width stops there. Otherwise a second pass follows
    each record (its lines, its fields)."""
    rows, lines, irregular = _count_fields(path, delimiter, expected)
    if not irregular and lines == rows + 1:
        return CsvLayout(rows, LineMap(), expected, [], 0)
    return _follow_records(path, delimiter, expected)


def csv_line_map(path: Path, delimiter: str, expected: int, rows: int) -> LineMap:
    """The lines of the ``rows`` records an engine read after the header: one a line unless
    the file has more lines than records (a quoted cell holds a line break), when the records
    are followed one by one."""
    if physical_lines(path) == rows + 1:
        return LineMap()
    return scan_csv(path, delimiter, expected).line_map


def physical_lines(path: Path) -> int:
    """Lines of a file: its line feeds, plus one for a last line without one."""
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(READ_BYTES), b""):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


@contextlib.contextmanager
def _records(path: Path, delimiter: str) -> Iterator[Any]:
    """Python's csv reader over the file, read as both engines read it (UTF-8 with or without
    BOM, doubled quotes, a cell of any size)."""
    previous = csv.field_size_limit()
    csv.field_size_limit((1 << 31) - 1)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            yield csv.reader(handle, delimiter=delimiter)
    except UnicodeDecodeError:
        raise ScenarioError(
            [Problem(path.name, "not UTF-8 text; save the export as 'CSV UTF-8'")]
        ) from None
    except csv.Error as exc:
        raise ScenarioError([Problem(path.name, f"cannot read as CSV: {exc}")]) from None
    finally:
        csv.field_size_limit(previous)


def _count_fields(path: Path, delimiter: str, expected: int) -> tuple[int, int, bool]:
    """(records after the header, lines read, whether a record has neither the header's
    number of fields nor none: possibly ragged, or a line of spaces or delimiters)."""
    records = 0
    with _records(path, delimiter) as reader:
        while True:
            sizes = np.fromiter(map(len, itertools.islice(reader, SCAN_CHUNK)), dtype=np.int64)
            if not len(sizes):
                break
            records += len(sizes)
            if ((sizes != expected) & (sizes != 0)).any():
                return records - 1, reader.line_num, True
        return max(records - 1, 0), reader.line_num, False


def _follow_records(path: Path, delimiter: str, expected: int) -> CsvLayout:
    """Every record's first line and fields (a Python loop: only for files that need it)."""
    spans_at = array.array("q")
    spans = array.array("q")
    ragged: list[tuple[int, int]] = []
    count = 0
    end = 0
    records = 0
    with _records(path, delimiter) as reader:
        for records, row in enumerate(reader):
            start = end + 1
            end = reader.line_num
            if end > start:
                spans_at.append(records)
                spans.append(end - start)
            if records and len(row) != expected and any(cell.strip() for cell in row):
                count += 1
                if len(ragged) < MAX_LISTED:
                    ragged.append((start, len(row)))
    return CsvLayout(records, LineMap.from_gaps(spans_at, spans), expected, ragged, count)
