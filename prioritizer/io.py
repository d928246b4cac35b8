"""Reading scenarios from files and writing results to files: the only module that touches disk.

``load_scenario`` reads a YAML scenario and its initiatives table (CSV with ``,`` or ``;``,
UTF-8 with or without BOM, or the first sheet of an .xlsx, or inline rows), validates all of it
and reports *every* problem at once, each located by file, row and column or key.
"""

from __future__ import annotations

import contextlib
import csv
import io as _io
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .exceptions import Problem, ScenarioError
from .models import NUMERIC_FIELDS, Initiative, Scenario, find_problems

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
DIRECT_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "segment",
    "journey_stage",
    "pillar",
    *NUMERIC_FIELDS,
    "depends_on",
    "exclusive_group",
    "mandatory",
    "addresses",
)
"""Columns of the initiatives table other than ``effort_<team>`` and ``_low/_high`` ranges."""

IGNORED_COLUMNS = frozenset({"description", "notes", "note", "comment", "comments", "owner"})
"""Free-text columns a CX manager keeps beside the data; read and ignored (so are ``x_*``)."""

_DECIMAL_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------
def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario file (YAML) and the initiatives it names.

    Parameters
    ----------
    path:
        The ``scenario.yaml``. Its ``initiatives`` key is a path relative to it (.csv or
        .xlsx) or an inline list of rows.

    Returns
    -------
    Scenario
        The validated, immutable scenario.

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file, row and column or key.
    """
    scenario_path = Path(path)
    data = _read_yaml(scenario_path)
    return scenario_from_mapping(data, base_dir=scenario_path.parent, source=scenario_path.name)


def scenario_from_mapping(
    data: Mapping[str, Any], *, base_dir: str | os.PathLike[str] = ".", source: str = "scenario"
) -> Scenario:
    """Validate a scenario given as a mapping (the parsed YAML); see :func:`load_scenario`."""
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem(source, "the scenario must be a mapping of keys to values")])
    settings = dict(data)
    raw_initiatives = settings.pop("initiatives", None)
    problems: list[Problem] = []
    table: _Table | None = None
    if raw_initiatives is None:
        problems.append(
            Problem(f"{source}: key initiatives", "missing: give a .csv/.xlsx path or a list")
        )
    elif isinstance(raw_initiatives, str):
        table_path = Path(base_dir) / raw_initiatives
        try:
            table = read_table(table_path)
        except ScenarioError as exc:
            problems += exc.problems
    elif isinstance(raw_initiatives, list):
        table = _inline_table(raw_initiatives, source, problems)
    else:
        problems.append(
            Problem(
                f"{source}: key initiatives",
                f"expected a file path or a list of rows, got {type(raw_initiatives).__name__}",
            )
        )

    # 1. settings, validated with an empty initiative list
    try:
        Scenario.model_validate(
            {**settings, "initiatives": []}, context={"skip_cross_checks": True}
        )
    except ValidationError as exc:
        problems += [
            Problem(f"{source}: key {_dotted(err['loc'])}", _message(err))
            for err in exc.errors()
            if err["loc"][:1] != ("initiatives",)
        ]
    teams = settings.get("teams")
    team_names = set(teams) if isinstance(teams, Mapping) else None

    # 2. rows, each validated on its own
    blocking = bool(problems)  # settings or table unreadable: cross checks would mislead
    initiatives: list[Initiative] = []
    if table is not None:
        problems += table.check_header(team_names)  # bad columns are dropped, not blocking
        for index, row in enumerate(table.rows):
            try:
                initiatives.append(Initiative.model_validate(row))
            except ValidationError as exc:
                blocking = True
                problems += [
                    Problem(table.where(index, err["loc"]), _message(err)) for err in exc.errors()
                ]
    if blocking or table is None:
        raise ScenarioError(problems, source=source)

    # 3. cross-field rules on the whole
    scenario = Scenario.model_validate(
        {**settings, "initiatives": initiatives}, context={"skip_cross_checks": True}
    )
    for loc, message in find_problems(scenario):
        if loc[:1] == ("initiatives",) and len(loc) > 1 and isinstance(loc[1], int):
            where = table.where(loc[1], loc[2:])
        else:
            where = f"{source}: key {_dotted(loc)}"
        if not any(p.where == where and p.message == message for p in problems):
            problems.append(Problem(where, message))
    if problems:
        raise ScenarioError(problems, source=source)
    from .evidence.load import apply_evidence  # a no-op without evidence or addresses

    return apply_evidence(
        scenario, base_dir=base_dir, source=source, locate=lambda r, c: table.where(r, (c,))
    )


def read_table(path: str | os.PathLike[str]) -> _Table:
    """Read an initiatives table (.csv or .xlsx) into rows of non-blank cells.

    Raises ScenarioError naming the file when it is missing, a directory, empty, header-only,
    of an unknown type, not UTF-8, or not a readable workbook.
    """
    table_path = Path(path)
    name = table_path.name
    if not table_path.exists():
        raise ScenarioError([Problem(str(table_path), "initiatives file not found")])
    if table_path.is_dir():
        raise ScenarioError([Problem(str(table_path), "is a directory; expected a .csv or .xlsx")])
    suffix = table_path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ScenarioError(
            [Problem(name, f"unsupported file type {suffix!r}; expected .csv or .xlsx")]
        )
    if suffix == ".csv":
        header, rows, numbers = _read_csv(table_path)
        decimal_comma = _csv_delimiter(table_path) == ";"
    else:
        header, rows, numbers = _read_xlsx(table_path)
        decimal_comma = False
    return _Table(name, header, rows, numbers, decimal_comma=decimal_comma)


# --------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------
def _read_yaml(path: Path) -> dict[str, Any]:
    name = path.name
    if not path.exists():
        raise ScenarioError([Problem(str(path), "scenario file not found")])
    if path.is_dir():
        raise ScenarioError([Problem(str(path), "is a directory; expected a scenario .yaml file")])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(name, f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise ScenarioError([Problem(name, f"cannot read: {exc.strerror}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        line = f" line {exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise ScenarioError(
            [
                Problem(
                    f"{name}{line}",
                    f"YAML tag refused ({exc.problem}); only plain values, lists and mappings "
                    "are allowed",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem(f"{name}{line}", f"YAML syntax error: {problem}")]) from None
    if data is None:
        raise ScenarioError([Problem(name, "the file is empty; expected a scenario mapping")])
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(name, f"expected a mapping of keys to values, got a {type(data).__name__}")]
        )
    bad_keys = [key for key in data if not isinstance(key, str)]
    if bad_keys:
        raise ScenarioError([Problem(name, f"key {k!r} is not text") for k in bad_keys])
    return data


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------
class _Table:
    """Rows of an initiatives table, with what is needed to locate a cell in the source."""

    def __init__(
        self,
        source: str,
        header: list[str],
        rows: list[dict[str, Any]],
        row_numbers: list[int],
        *,
        decimal_comma: bool = False,
        inline: bool = False,
    ) -> None:
        self.source = source
        self.inline = inline
        self.problems: list[Problem] = []
        self.original: dict[str, str] = {}
        for column in header:
            key = column.strip().lower()
            if key in self.original:
                self.problems.append(
                    Problem(self._col(column), f"duplicate column (also {self.original[key]!r})")
                )
            self.original.setdefault(key, column)
        self.row_numbers = row_numbers
        self.rows = [self._clean(row, decimal_comma) for row in rows]

    def _col(self, column: str, row: int | None = None) -> str:
        if self.inline:
            where = f"initiatives[{row}]" if row is not None else "initiatives"
            return f"{self.source}: {where}.{column}"
        prefix = f"{self.source} row {row}, " if row is not None else f"{self.source} "
        return f"{prefix}column {column!r}"

    def _clean(self, row: Mapping[str, Any], decimal_comma: bool) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for column, value in row.items():
            key = str(column).strip().lower()
            if key in IGNORED_COLUMNS or key.startswith("x_") or key == "":
                continue
            if isinstance(value, str):
                value = value.strip()
                if value == "":
                    continue
                if decimal_comma and _is_numeric_column(key) and _DECIMAL_COMMA.match(value):
                    value = value.replace(".", "").replace(",", ".")
            if value is None:
                continue
            if isinstance(value, float) and math.isnan(value) and not self.inline:
                continue
            clean[key] = value
        return clean

    def check_header(self, team_names: set[str] | None) -> list[Problem]:
        """Problems with the columns: duplicates, unknown columns, effort for unknown teams."""
        problems = list(self.problems)
        keys = set(self.original)
        if not self.inline and "id" not in keys:
            problems.append(Problem(self.source, "missing required column 'id'"))
        if not self.rows and not self.inline:
            problems.append(Problem(self.source, "no initiative rows below the header"))
        drop: set[str] = set()
        for key in sorted(keys):
            if key in IGNORED_COLUMNS or key.startswith("x_") or key == "":
                continue
            base = key.removesuffix("_low").removesuffix("_high")
            if key in DIRECT_COLUMNS or (base != key and base in NUMERIC_FIELDS):
                continue
            if base.startswith("effort_") and len(base) > len("effort_"):
                team = base.removeprefix("effort_")
                if team_names is not None and team not in team_names:
                    problems.append(
                        Problem(
                            self._col(self.original[key]),
                            f"effort for unknown team {team!r}; add it under `teams` "
                            f"(known: {sorted(team_names)})",
                        )
                    )
                    drop.add(key)
                continue
            if not self.inline:
                problems.append(
                    Problem(
                        self._col(self.original[key]),
                        "unknown column; expected one of "
                        f"{', '.join(DIRECT_COLUMNS)}, effort_<team>, <field>_low/_high "
                        "(prefix a free-text column with x_ to keep it)",
                    )
                )
                drop.add(key)
        if drop:
            self.rows = [{k: v for k, v in row.items() if k not in drop} for row in self.rows]
        return problems

    def where(self, index: int, loc: tuple[str | int, ...]) -> str:
        """Location in words of a pydantic error at ``loc`` within row ``index``."""
        row_number = self.row_numbers[index] if index < len(self.row_numbers) else index
        column = _column_of(loc)
        original = self.original.get(column, column)
        return self._col(original, row_number)


def _column_of(loc: tuple[str | int, ...]) -> str:
    if not loc:
        return "row"
    head = str(loc[0])
    if head == "effort" and len(loc) > 1:
        return f"effort_{loc[1]}"
    if head == "ranges" and len(loc) > 1:
        return f"{loc[1]}_low/_high"
    return head


def _is_numeric_column(key: str) -> bool:
    base = key.removesuffix("_low").removesuffix("_high")
    return base in NUMERIC_FIELDS or base.startswith("effort_")


def _inline_table(rows: list[Any], source: str, problems: list[Problem]) -> _Table | None:
    clean_rows: list[dict[str, Any]] = []
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
        clean_rows.append({str(k): v for k, v in row.items()})
    if problems:
        return None
    if not clean_rows:
        problems.append(Problem(f"{source}: key initiatives", "the list of initiatives is empty"))
        return None
    return _Table(source, header, clean_rows, list(range(len(clean_rows))), inline=True)


def _csv_delimiter(path: Path) -> str:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace")
    return ";" if first.count(";") > first.count(",") else ","


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]], list[int]]:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [
                Problem(
                    f"{name} line {line}",
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                    "the file looks like another encoding (e.g. Windows-1252/Latin-1): "
                    "save it as 'CSV UTF-8'",
                )
            ]
        ) from None
    if not text.strip():
        raise ScenarioError([Problem(name, "the file is empty; expected a header row and rows")])
    delimiter = _csv_delimiter(path)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        rows: list[dict[str, Any]] = []
        numbers: list[int] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise ScenarioError(
                    [
                        Problem(
                            f"{name} row {reader.line_num}",
                            f"{len(cells)} cells but the header has {len(header)} columns",
                        )
                    ]
                )
            rows.append(dict(zip(header, cells, strict=False)))
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise ScenarioError(
            [Problem(f"{name} row {reader.line_num}", f"CSV error: {exc}")]
        ) from None
    return header, rows, numbers


def _read_xlsx(path: Path) -> tuple[list[str], list[dict[str, Any]], list[int]]:
    import openpyxl  # lazy: only .xlsx users pay for it

    name = path.name
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise ScenarioError(
            [Problem(name, f"cannot open as an Excel workbook ({type(exc).__name__}: {exc})")]
        ) from None
    try:
        if not workbook.worksheets:
            raise ScenarioError([Problem(name, "the workbook has no sheet")])
        sheet = workbook.worksheets[0]
        iterator: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if header_cells is None or not any(c is not None for c in header_cells):
            raise ScenarioError([Problem(f"{name} sheet {sheet.title!r}", "the sheet is empty")])
        header = [("" if c is None else str(c)) for c in header_cells]
        while header and header[-1] == "":
            header.pop()
        rows: list[dict[str, Any]] = []
        numbers: list[int] = []
        for number, cells in enumerate(iterator, start=2):
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            rows.append({h: c for h, c in zip(header, cells, strict=False) if h != ""})
            numbers.append(number)
    except ScenarioError:
        raise
    except Exception as exc:
        raise ScenarioError(
            [Problem(name, f"cannot read the first sheet ({type(exc).__name__}: {exc})")]
        ) from None
    finally:
        workbook.close()
    return header, rows, numbers


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------
def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required but missing"
    message = str(err.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if "input" in err and kind not in ("value_error",) and not isinstance(err["input"], dict):
        shown = repr(err["input"])
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message += f" (got {shown})"
    return message


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(text: str) -> str:
    """Make a text cell that a spreadsheet would run as a formula show as text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write a file atomically: a temporary file in the same folder, then a rename over it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return target


class OutputDir:
    """A folder the tool writes results into, atomically, never over its own inputs.

    The folder is created if missing; files the tool did not write are left alone.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, protected: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
        self.path = Path(path)
        self.protected = {Path(p).resolve() for p in protected}
        if self.path.exists() and not self.path.is_dir():
            raise ScenarioError([Problem(str(self.path), "--out must be a folder, not a file")])

    def target(self, name: str) -> Path:
        """The path a result file ``name`` would be written to; refuses input files."""
        target = self.path / name
        if target.resolve() in self.protected:
            raise ScenarioError(
                [Problem(str(target), "refusing to write over an input file; choose another --out")]
            )
        return target

    def write(self, name: str, data: str | bytes) -> Path:
        """Write one file atomically and return its path."""
        return atomic_write(self.target(name), data)


def scenario_inputs(path: str | os.PathLike[str]) -> list[Path]:
    """The files a scenario reads: the YAML and, when it names one, the initiatives table."""
    scenario_path = Path(path)
    inputs = [scenario_path]
    try:
        data = yaml.safe_load(scenario_path.read_text(encoding="utf-8-sig"))
    except Exception:
        return inputs
    if isinstance(data, dict) and isinstance(data.get("initiatives"), str):
        inputs.append(scenario_path.parent / data["initiatives"])
    return inputs
