"""From the cells of a table to the rows of initiatives: columns matched, values read.

Works column by column (the per-row work is one small loop per column), gathers every problem
of one kind in one column into one message listing the file's own row numbers, and records
what it skipped (hidden, total, heading and note rows) and why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import Problem
from ..models import PILLARS, FoldedRow
from . import columns as schema
from .cells import (
    BAD,
    Errors,
    as_text,
    is_blank,
    read_bools,
    read_numbers,
    read_texts,
    rows_text,
    where_text,
)
from .numbers import Decimal, settle
from .scale import declares_scale, scaled_header_message
from .tables import RawTable
from .totals import is_total_label, may_be_total, sum_rows
from .warnings import InputWarning


@dataclass
class TableOptions:
    """What the scenario says about its table (all optional)."""

    columns: dict[str, str] = field(default_factory=dict)
    """canonical column -> the header used in the file"""
    ignore: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    decimal: Decimal | None = None
    teams: tuple[str, ...] | None = None
    segments: tuple[str, ...] | None = None


@dataclass
class Built:
    """The rows read from a table, ready for :class:`~prioritizer.models.Initiative`."""

    row_numbers: list[int]
    original: dict[str, str]
    problems: list[Problem]
    warnings: list[InputWarning]
    skipped: list[str]
    notices: list[str]
    header_row: int = 0
    number_convention: str = ""
    present: frozenset[str] = frozenset()
    cross: list[Problem] = field(default_factory=list)
    header_problems: list[Problem] = field(default_factory=list)
    source: str = ""
    inline: bool = False
    columns: dict[str, list[Any]] = field(default_factory=dict)
    """each canonical column as read (None: blank, no default), the source of ``rows``"""
    folded: list[dict[str, Any]] | None = field(default=None, repr=False, compare=False)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One :class:`~prioritizer.models.FoldedRow` per initiative row (effort and ranges
        folded, blanks and refused cells left out), folded from :attr:`columns` when first
        asked for: a table whose columns build the initiatives directly never needs them."""
        if self.folded is None:
            self.folded = fold_rows(self.columns, len(self.row_numbers))
        return self.folded

    def where(self, index: int, loc: tuple[str | int, ...]) -> str:
        """Location in words of a problem at ``loc`` within row ``index``."""
        number = self.row_numbers[index] if index < len(self.row_numbers) else index
        column = _column_of(loc)
        return where_text(self.source, self.inline, self.original.get(column, column), [number])


def _column_of(loc: tuple[str | int, ...]) -> str:
    if not loc:
        return "row"
    head = str(loc[0])
    if head == "effort" and len(loc) > 1:
        return f"effort_{loc[1]}"
    if head == "ranges" and len(loc) > 1:
        return f"{loc[1]}_low/_high"
    return head


class Header:
    """Resolves header cells to canonical column names."""

    def __init__(self, options: TableOptions) -> None:
        self.mapped = {schema.normalise(h): c for c, h in options.columns.items()}
        self.ignore = {schema.normalise(h) for h in options.ignore}

    def resolve(self, cell: Any) -> str | None:
        key = schema.normalise(as_text(cell))
        if key in self.mapped:
            return self.mapped[key]
        if key in self.ignore:
            return None
        return schema.match(as_text(cell))

    def looks_like_header(self, cells: list[Any]) -> bool:
        """A row naming the id column and at least one other known column."""
        names = [self.resolve(c) for c in cells if not is_blank(c)]
        return "id" in names and sum(1 for n in names if n) >= 2


def build(raw: RawTable, options: TableOptions) -> Built:
    """Read the initiatives of a table: header, skipped rows, every value of every column."""
    source, inline = raw.source, raw.inline
    errors = Errors(source, inline)
    problems: list[Problem] = []
    warnings = list(raw.warnings)
    skipped: list[str] = []
    notices: list[str] = []
    header = Header(options)
    header_problems: list[Problem] = []  # columns dropped: not blocking the cross checks

    # 1. the header row
    # the first non-blank rows: the header is among them (the rest are read in step 3)
    nonblank = list(
        itertools.islice(
            ((n, cells) for n, cells in raw.rows if any(not is_blank(c) for c in cells)),
            max(schema_rows(), 1),
        )
    )
    if not nonblank:
        problems.append(Problem(source, "no initiative rows below the header"))
        return Built([], {}, problems, warnings, skipped, notices, source=source)
    position = 0
    if not inline:
        for index, (_n, cells) in enumerate(nonblank[: schema_rows()]):
            if header.looks_like_header(cells):
                position = index
                break
    header_number, header_cells = nonblank[position]
    if position:
        titles = ", ".join(str(n) for n, _c in nonblank[:position])
        skipped.append(f"title row{'s' * (position > 1)} {titles} above the header")
    body = [(n, cells) for n, cells in raw.rows if n > header_number]

    # 2. the columns
    team_keys = {t.casefold(): t for t in options.teams} if options.teams is not None else None
    used: dict[str, int] = {}
    original: dict[str, str] = {}
    names: list[str | None] = []
    ignored: list[str] = []
    blank_headers: list[int] = []
    for position_in_row, cell in enumerate(header_cells):
        label = as_text(cell) if not is_blank(cell) else ""
        if not label:
            names.append(None)
            blank_headers.append(position_in_row)
            continue
        name = header.resolve(cell)
        key = schema.normalise(label)
        if name is None:
            names.append(None)
            if key in schema.IGNORED or key.startswith("x_") or key in header.ignore:
                ignored.append(label)
                continue
            hint = schema.suggest(label)
            did_you_mean = f"did you mean {hint!r}? " if hint else ""
            field = hint or "<column>"  # the mapping example maps it to the suggestion
            header_problems.append(
                Problem(
                    where_text(source, inline, label, []),
                    f"unknown column; {did_you_mean}name it as one of "
                    f"{', '.join(c.name for c in schema.COLUMNS)}, effort_<team>, "
                    f"<field>_low/_high, map it with `initiatives: {{columns: {{{field}: "
                    f"{label!r}}}}}`, or prefix it with x_ to keep it unread",
                )
            )
            continue
        base = name.removesuffix("_low").removesuffix("_high")
        if base.startswith("effort_") and team_keys is not None:
            team = base.removeprefix("effort_")
            if team.casefold() not in team_keys:
                header_problems.append(
                    Problem(
                        where_text(source, inline, label, []),
                        f"effort for unknown team {team!r}; add it under `teams` "
                        f"(known: {sorted(team_keys.values())})",
                    )
                )
                names.append(None)
                continue
            name = "effort_" + team_keys[team.casefold()] + name[len(base) :]
        if name in used:
            header_problems.append(
                Problem(
                    where_text(source, inline, label, []),
                    f"duplicate column (also {original[name]!r}, both read as {name!r})",
                )
            )
            names.append(None)
            continue
        scale = declares_scale(label, name) if schema.is_number_column(name) else None
        if scale:
            problems.append(
                Problem(where_text(source, inline, label, []), scaled_header_message(scale, label))
            )
        used[name] = position_in_row
        original[name] = label
        names.append(name)
    if ignored:
        notices.append(f"columns not read: {', '.join(ignored)}")
    if "id" not in used and not inline:
        problems.append(Problem(source, "missing required column 'id'"))

    # 3. the rows: skip blank, hidden, total, heading and note rows
    id_at = used.get("id")
    kept: list[tuple[int, list[Any]]] = []
    hidden_rows: list[int] = []
    totals: list[int] = []
    headings: list[tuple[int, list[Any]]] = []
    every_row = _all_initiatives(body, id_at, raw.hidden)
    for number, cells in () if every_row else body:
        filled_count = len(cells) - cells.count("") - cells.count(None)
        if filled_count <= 1 and not any(not is_blank(c) for c in cells):
            continue
        if number in raw.hidden:
            hidden_rows.append(number)
            continue
        id_value = cells[id_at] if id_at is not None and id_at < len(cells) else None
        unnamed = is_blank(id_value) or (isinstance(id_value, str) and is_total_label(id_value))
        if unnamed or filled_count <= 1:
            filled = [c for c in cells if not is_blank(c)]
            texts = [as_text(c) for c in filled if isinstance(c, str)]
            if unnamed and any(is_total_label(t) for t in texts):
                totals.append(number)
                continue
            if len(filled) == 1 and isinstance(filled[0], str) and len(used) > 1:
                headings.append((number, cells))  # a lone label: heading or note
                continue
        kept.append((number, cells))
    if every_row:
        kept = list(body)
    if not kept:  # lone labels and nothing else: rows with only an id, not headings
        kept, headings = headings, []
    last_data = kept[-1][0] if kept else 0
    if hidden_rows:
        skipped.append(f"{len(hidden_rows)} hidden row(s): {rows_text(hidden_rows)}")
        warnings.append(
            InputWarning(
                "hidden-rows",
                f"{len(hidden_rows)} row(s) hidden in Excel were not read as initiatives; "
                "unhide them if they are candidates",
                where_text(source, inline, None, hidden_rows),
            )
        )
    if totals:
        skipped.append(f"total row(s): {rows_text(totals)}")
        warnings.append(
            InputWarning(
                "total-rows",
                "read as a total/subtotal line, not an initiative, and skipped",
                where_text(source, inline, None, totals),
            )
        )
    group_rows = [n for n, _t in headings if n < last_data]
    note_rows = [n for n, _t in headings if n > last_data]
    if group_rows:
        skipped.append(f"group heading row(s): {rows_text(group_rows)}")
        warnings.append(
            InputWarning(
                "heading-rows",
                "a row holding only a label (a group heading) was skipped; give it a cost "
                "and a segment if it is an initiative",
                where_text(source, inline, None, group_rows),
            )
        )
    if note_rows:
        skipped.append(f"note row(s) under the table: {rows_text(note_rows)}")
    if blank_headers:
        for column_index in blank_headers:
            with_data = [
                n
                for n, cells in kept
                if column_index < len(cells) and not is_blank(cells[column_index])
            ]
            if with_data:
                label = _letter(column_index) if raw.column_letters else f"#{column_index + 1}"
                problems.append(
                    Problem(
                        where_text(source, inline, None, with_data[:1]).rstrip(",")
                        + f", column {label}",
                        "this column has values but no header; name it (or delete the column)",
                    )
                )
    if not kept and not problems:
        problems.append(Problem(source, "no initiative rows below the header"))
    width = len(header_cells)
    for number, cells in kept:
        extra = [c for c in cells[width:] if not is_blank(c)]
        if extra:
            problems.append(
                Problem(
                    where_text(source, inline, None, [number]),
                    f"{width + len(extra)} cells but the header has {width} columns",
                )
            )

    # 4. the values, column by column
    numbers = [n for n, _c in kept]
    count = len(kept)
    transposed = list(itertools.zip_longest(*(cells for _n, cells in kept)))
    columns: dict[str, list[Any]] = {
        name: list(transposed[position_in_row])
        if position_in_row < len(transposed)
        else [None] * count
        for name, position_in_row in used.items()
    }
    tokens = (
        v
        for name, values in columns.items()
        if schema.is_number_column(name)
        for v in values
        if isinstance(v, str) and ("." in v or "," in v)
    )
    decimal, convention = settle(tokens, raw.delimiter, options.decimal)
    if raw.column_letters and decimal is None:
        convention = "Excel number cells (no text numbers to interpret)"
    read: dict[str, list[Any]] = {}
    for name, values in columns.items():
        label = original[name]
        spec = schema.column_of(name)
        default = options.defaults.get(name.removesuffix("_low").removesuffix("_high"))
        if spec.kind == "number":
            read[name] = read_numbers(
                values, numbers, name, label, spec, decimal, errors, default, how=convention
            )
        elif spec.kind == "bool":
            read[name] = read_bools(values, numbers, label, errors, default)
        else:
            read[name] = read_texts(values, numbers, name, label, errors, default)
    if not inline:
        numbers = _drop_sum_rows(read, columns, numbers, errors, original, warnings, skipped)

    # 5. blanks that would change the answer, names matched without case
    for column in schema.COLUMNS:
        name = column.name
        if not column.blank_refused or name not in read or (inline and name != "id"):
            continue  # an inline row leaving a key out means the default
        blanks = [numbers[k] for k, v in enumerate(read[name]) if v is None]
        if blanks and name == "id":
            for row in blanks:
                errors.add(
                    original[name], "blank", row, "id is blank: every initiative needs an id"
                )
        elif blanks:
            example = {"segment": "all", "cost": "0"}.get(name, column.example)
            for row in blanks:
                errors.add(
                    original[name],
                    "blank",
                    row,
                    f"{name} is blank ({column.blank}); write it, or set "
                    f"`defaults: {{{name}: {example}}}` in the scenario to say what a blank means",
                )
    if "segment" in read and options.segments is not None:
        known = {s.casefold(): s for s in options.segments}
        known.setdefault("all", "all")
        values = read["segment"]
        for k, value in enumerate(values):
            if isinstance(value, str):
                values[k] = known.get(value.casefold(), value)  # unknown: a cross check
    if "pillar" in read:
        for k, value in enumerate(read["pillar"]):
            if not isinstance(value, str):
                continue
            lowered = value.strip().casefold()
            if lowered not in PILLARS:
                errors.add(
                    original["pillar"],
                    f"pillar {lowered}",
                    numbers[k],
                    f"unknown pillar {value!r}; expected one of {', '.join(PILLARS)} (or blank)",
                )
            read["pillar"][k] = lowered
    problems += errors.problems()
    errors = Errors(source, inline)  # duplicates are cross checks: reported with the others
    if "id" in read:
        distinct = _distinct_ids(read["id"])
        first: dict[str, int] = distinct or {}
        for k, value in enumerate(() if distinct is not None else read["id"]):
            if not isinstance(value, str):
                continue
            key = value.casefold()
            if key in first:
                j = first[key]
                same = all(read[c][j] == read[c][k] for c in read)
                other = read["id"][j]
                if same:
                    message = (
                        f"row {numbers[k]} repeats row {numbers[j]} exactly (pasted twice?); "
                        "delete one"
                    )
                elif other == value:
                    message = f"duplicate id {value!r} (also in row {numbers[j]})"
                else:
                    message = (
                        f"ids {value!r} and {other!r} (row {numbers[j]}) differ only by case; "
                        "ids are compared without case, so give them different ids"
                    )
                errors.add(original["id"], f"dup {k}", numbers[k], message)
            else:
                first[key] = k
        if "depends_on" in read:
            for k, value in enumerate(read["depends_on"]):
                if isinstance(value, str) and value:
                    parts = [p.strip() for p in value.replace(",", ";").split(";") if p.strip()]
                    read["depends_on"][k] = tuple(
                        read["id"][first[p.casefold()]] if p.casefold() in first else p
                        for p in parts
                    )
    cross = errors.problems()

    return Built(
        numbers,
        original,
        problems,
        warnings,
        skipped,
        notices,
        header_row=header_number if not inline else 0,
        number_convention=convention,
        present=frozenset(used),
        cross=cross,
        header_problems=header_problems,
        source=source,
        inline=inline,
        columns=read,
    )


def _drop_sum_rows(
    read: dict[str, list[Any]],
    raw: dict[str, list[Any]],
    numbers: list[int],
    errors: Errors,
    original: dict[str, str],
    warnings: list[InputWarning],
    skipped: list[str],
) -> list[int]:
    """Take the rows whose numbers add up the rows above (:func:`sum_rows`) and whose id is
    blank or a total label (:func:`may_be_total`) out of ``read`` (in place) with a warning
    each; such a row with an initiative's id stays, with a warning. The row numbers left."""
    found = sum_rows(read, raw)
    if not found:
        return numbers
    ids = raw.get("id") or [None] * len(numbers)
    source = errors.source
    drop = {s.index for s in found if may_be_total(ids[s.index])}
    left_out = " (the total rows among them left out)"
    for row in found:
        shown = ", ".join(repr(original.get(c, c)) for c in row.columns)
        adds_up = (
            f"its numbers ({shown}) are the sums of rows {numbers[row.first]}-"
            f"{numbers[row.index - 1]} above{left_out * row.past_totals}"
        )
        if row.index in drop:
            code, text = (
                "total-rows",
                f"{adds_up}: read as a total/subtotal line, not an initiative, and skipped; "
                "if it is an initiative, give it an id of its own",
            )
        else:
            code, text = (
                "sum-row",
                f"{adds_up}: read as the initiative {as_text(ids[row.index])!r}; if it is a "
                "total/subtotal line, delete it (or blank its id) so it is not counted twice",
            )
        warnings.append(
            InputWarning(code, text, where_text(source, False, None, [numbers[row.index]]))
        )
    if not drop:
        return numbers
    totals = [numbers[k] for k in sorted(drop)]
    skipped.append(f"total row(s) adding up the rows above: {rows_text(totals)}")
    errors.drop(set(totals))
    for name, values in read.items():
        read[name] = [v for k, v in enumerate(values) if k not in drop]
    return [n for k, n in enumerate(numbers) if k not in drop]


def _distinct_ids(ids: list[Any]) -> dict[str, int] | None:
    """Each id's case-folded form -> its row index, when every id is a text and no two are
    alike without case (the common case, seen at once); None: the loop of :func:`build`
    finds the duplicates and says what they are."""
    if not set(map(type, ids)) <= {str}:
        return None
    keys = list(map(str.casefold, ids))
    first = dict(zip(keys, range(len(keys)), strict=True))
    return first if len(first) == len(keys) else None


def _all_initiatives(
    body: list[tuple[int, list[Any]]], id_at: int | None, hidden: set[int]
) -> bool:
    """Whether the row loop of :func:`build` would keep every row of ``body`` (the common
    case, checked column-wise): none hidden, every id a written text that is no total
    label, every row with more than one filled cell."""
    if id_at is None or hidden:
        return False
    ids: list[Any] = [cells[id_at] if id_at < len(cells) else None for _n, cells in body]
    return (
        set(map(type, ids)) <= {str}
        and all(map(str.strip, ids))
        and not any(map(is_total_label, ids))
        and all(len(c) - c.count("") - c.count(None) > 1 for _n, c in body)
    )


def fold_rows(read: dict[str, list[Any]], count: int) -> list[dict[str, Any]]:
    """The ``count`` rows of the columns ``read`` (canonical name -> values), each a
    :class:`~prioritizer.models.FoldedRow`: ``effort_<team>`` folded into ``effort``,
    ``<field>_low/_high`` into ``ranges``; blank (None) and refused (BAD) cells left out."""
    rows: list[dict[str, Any]] = [FoldedRow() for _ in range(count)]
    for name, values in read.items():
        base = name.removesuffix("_low").removesuffix("_high")
        if base != name:
            side = 0 if name.endswith("_low") else 1
            for k, value in enumerate(values):
                if value is not None and value is not BAD:
                    pair = rows[k].setdefault("ranges", {}).setdefault(base, [None, None])
                    pair[side] = value
        elif name.startswith("effort_"):
            team = name.removeprefix("effort_")
            for target, value in zip(rows, values, strict=True):
                if value is not None and value is not BAD:
                    if "effort" in target:
                        target["effort"][team] = value
                    else:
                        target["effort"] = {team: value}
        else:
            for target, value in zip(rows, values, strict=True):
                if value is not None and value is not BAD:
                    target[name] = value
    for folded in rows:
        if "ranges" in folded:
            folded["ranges"] = {f: tuple(v) for f, v in folded["ranges"].items()}
    return rows


def schema_rows() -> int:
    from .tables import HEADER_SEARCH_ROWS

    return HEADER_SEARCH_ROWS


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))
