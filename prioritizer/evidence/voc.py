"""Count a Voice-of-the-Customer export: topics, their volume, and who addresses them (§6).

The export is read in column batches and counted with array operations, never a Python loop
per row: with ``pyarrow`` installed (``pip install 'prioritizer[evidence]'``) its streaming CSV
reader and string kernels do the work; without it pandas does the same, more slowly. Both
engines give the same numbers (the tests run both).

Counting rules (spec.md §6):

- topics in a cell are split on ``;`` and ``,``, trimmed, inner runs of spaces made one, and
  compared case-insensitively; a topic named twice in one cell counts once for that row;
- a cell that is blank or a null marker (``NULL_MARKERS``: ``N/A``, ``NULL``, ...) is blank in
  both engines; a line whose mapped cells are all blank (an empty line, ``;;;;``) is skipped:
  not read, not counted, but it keeps its place, so row numbers are the file's lines
  (header = 1; a row is numbered by the line it starts on, see :mod:`.lines`);
- a CSV row with more or fewer fields than the header is refused, by both engines alike; a
  row hidden in Excel is skipped (not read) and named in a ``hidden-rows`` warning;
- with a date column mapped, a row whose date is missing or outside the window is not counted;
  dates compare by calendar day (the whole ``to`` day is inside);
- an initiative's volume is the number of distinct counted rows (distinct customers when a
  customer column is mapped) whose topics intersect its ``addresses``, times 365 / window days
  unless ``annualize: false``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError
from .columns import (
    EPOCH,
    arrow_batches,
    blank_rows,
    categories,
    distinct_rows,
    pandas_batches,
    parse_days,
    parse_numbers,
    take_text,
    text_at,
    topic_pairs,
    xlsx_batches,
)
from .counts import VocCounts
from .lines import LineMap
from .spec import VocSpec

log = logging.getLogger(__name__)

MAX_LISTED_ROWS = 5


def normalize_topic(text: str) -> str:
    """A topic as compared: trimmed, inner runs of spaces made one, lower-cased."""
    return " ".join(text.split()).lower()


def split_topics(cell: str) -> list[str]:
    """The distinct topics of one cell, normalized, in order of first mention."""
    parts = (normalize_topic(p) for p in cell.replace(",", ";").split(";"))
    return list(dict.fromkeys(p for p in parts if p))


def has_pyarrow() -> bool:
    """Whether the fast engine (pyarrow) is installed."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------
def count_voc(
    spec: VocSpec,
    addresses: Mapping[str, Sequence[str]],
    *,
    base_dir: str | os.PathLike[str] = ".",
    engine: str | None = None,
    where: str = "evidence.voc",
    trace: str | None = None,
) -> VocCounts:
    """Read and count a VoC export.

    Parameters
    ----------
    spec:
        The ``evidence.voc`` settings (file, column mapping, window, annualize).
    addresses:
        Initiative id -> the topics it fixes (any case/whitespace), input order.
    base_dir:
        Folder that ``spec.file`` is relative to.
    engine:
        ``pyarrow``, ``pandas`` or None: the environment variable ``PRIORITIZER_VOC_ENGINE``,
        else pyarrow when installed.
    where:
        How to name the settings in messages.
    trace:
        An initiative id whose counted rows to keep (``VocCounts.traced_rows``).

    Returns
    -------
    VocCounts

    Raises
    ------
    ScenarioError
        Missing file or mapped column, unparseable dates or scores, each located.
    """
    path = Path(base_dir) / spec.file
    if not path.exists() or path.is_dir():
        raise ScenarioError([Problem(f"{where}.file", f"VoC export not found: {path}")])
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm", ".txt"):
        raise ScenarioError(
            [Problem(f"{where}.file", f"unsupported file type {suffix!r}; expected .csv or .xlsx")]
        )
    chosen = engine or os.environ.get("PRIORITIZER_VOC_ENGINE") or None
    chosen = chosen or ("pyarrow" if has_pyarrow() else "pandas")
    if chosen not in ("pyarrow", "pandas"):
        raise ValueError(f"unknown engine {chosen!r}")
    if suffix != ".csv" and suffix != ".txt":
        chosen = "pandas"
    counter = _Counter(spec, addresses, path.name, where)
    if trace is not None:
        if trace not in counter.ids:
            raise ScenarioError([Problem(trace, "no initiative with addresses has this id")])
        counter.trace = counter.ids.index(trace)
    if suffix in (".xlsx", ".xlsm"):
        batches: Iterator[dict[str, Any]] = xlsx_batches(path, spec, counter)
    elif chosen == "pyarrow":
        batches = arrow_batches(path, counter)
    else:
        batches = pandas_batches(path, counter)
    for batch in batches:
        counter.add(batch, chosen)
    return counter.finish(chosen)


class _Counter:
    """Accumulates batch counts; knows the column mapping, the window and the addresses."""

    def __init__(
        self, spec: VocSpec, addresses: Mapping[str, Sequence[str]], source: str, where: str
    ) -> None:
        self.spec = spec
        self.source = source
        self.where = where
        self.roles = spec.columns.mapped()
        self.ids = list(addresses)
        self.words = max(1, (len(self.ids) + 63) // 64)
        self.by_topic: dict[str, list[int]] = {}
        self.addresses: dict[str, list[str]] = {}
        for index, (ident, topics) in enumerate(addresses.items()):
            clean = list(dict.fromkeys(t for t in (normalize_topic(x) for x in topics) if t))
            self.addresses[ident] = clean
            for topic in clean:
                self.by_topic.setdefault(topic, []).append(index)
        self.header: dict[str, str] = {}  # role -> actual header
        self.trace: int | None = None
        self.traced: list[np.ndarray] = []
        self.rows_read = 0
        self.position = 0  # rows the readers gave, blank lines included
        # the file line (sheet row) of each position: told by the reader, or found on demand
        self.line_map: LineMap | None = None
        self.locate_lines: Callable[[int], LineMap] | None = None
        self.hidden: list[int] = []  # sheet rows hidden in Excel, not read
        self.items = 0
        self.outside = 0
        self.no_date = 0
        self.no_topic = 0
        self.first_day: int | None = None
        self.last_day: int | None = None
        self.topic_items: Counter[str] = Counter()
        self.topic_score_sum: dict[str, float] = {}
        self.topic_score_n: Counter[str] = Counter()
        self.seen_topics: set[str] = set()
        self.signature_masks: list[np.ndarray] = []  # distinct masks per batch ...
        self.signature_counts: list[np.ndarray] = []  # ... and how many rows had each
        self.customer_chunks: list[Any] = []
        self.mask_chunks: list[np.ndarray] = []
        self.breakdown: dict[str, Counter[tuple[str, str]]] = {
            role: Counter()
            for role in ("segment", "journey_stage", "channel")
            if role in self.roles
        }
        # a breakdown value compared as a topic (case, spaces), named as first written
        self.spellings: dict[str, dict[str, str]] = {role: {} for role in self.breakdown}
        self.bad_dates: list[tuple[int, str]] = []
        self.bad_date_count = 0
        self.bad_scores: list[tuple[int, str]] = []
        self.bad_score_count = 0
        window = spec.window
        self.lo = None if window is None else (np.datetime64(window.from_, "D") - EPOCH).astype(int)
        self.hi = None if window is None else (np.datetime64(window.to, "D") - EPOCH).astype(int)
        if window is not None and "date" not in self.roles:
            raise ScenarioError(
                [
                    Problem(
                        f"{where}.window",
                        "a window needs a date column: map one under columns (date: <header>)",
                    )
                ]
            )
        if spec.annualize and window is None and "date" not in self.roles:
            raise ScenarioError(
                [
                    Problem(
                        f"{where}.annualize",
                        "cannot annualize without dates: map a date column, or set "
                        "annualize: false if the export already covers one year",
                    )
                ]
            )

    # -- header --------------------------------------------------------------------------
    def resolve_header(self, header: Sequence[str]) -> list[str]:
        """Map roles to the file's headers (case-insensitive); located error when missing."""
        lookup: dict[str, str] = {}
        for name in header:
            lookup.setdefault(str(name).strip().lower(), str(name))
        problems = []
        for role, wanted in self.roles.items():
            actual = lookup.get(wanted.strip().lower())
            if actual is None:
                problems.append(
                    Problem(
                        f"{self.where}.columns.{role}",
                        f"column {wanted!r} not found in {self.source}; its header has "
                        f"{', '.join(repr(h) for h in header)}",
                    )
                )
            else:
                self.header[role] = actual
        if problems:
            raise ScenarioError(problems)
        return [self.header[role] for role in self.roles]

    # -- one batch -----------------------------------------------------------------------
    def add(self, batch: dict[str, Any], engine: str) -> None:
        """Count one batch: role -> column (pyarrow array or pandas Series of text)."""
        n = int(batch["__rows__"])
        offset = self.position
        self.position += n
        empty = blank_rows(batch, list(self.roles), engine)
        self.rows_read += n - int(empty.sum())
        keep = ~empty
        if "date" in self.roles:
            days, missing, bad = parse_days(batch["date"], self.spec.date_format, engine)
            if bad.any():
                positions = np.flatnonzero(bad)
                self.bad_date_count += len(positions)
                room = MAX_LISTED_ROWS - len(self.bad_dates)
                for pos in positions[: max(room, 0)]:
                    self.bad_dates.append((offset + int(pos), text_at(batch["date"], pos)))
            self.no_date += int((keep & missing).sum())
            keep &= ~missing & ~bad
            if self.lo is not None and self.hi is not None:
                inside = (days >= self.lo) & (days <= self.hi)
                self.outside += int((keep & ~inside).sum())
                keep &= inside
            if keep.any():
                kept_days = days[keep]
                low, high = int(kept_days.min()), int(kept_days.max())
                self.first_day = low if self.first_day is None else min(self.first_day, low)
                self.last_day = high if self.last_day is None else max(self.last_day, high)
        scores: np.ndarray | None = None
        if "score" in self.roles:
            scores, bad = parse_numbers(batch["score"], engine)
            if bad.any():
                positions = np.flatnonzero(bad)
                self.bad_score_count += len(positions)
                room = MAX_LISTED_ROWS - len(self.bad_scores)
                for pos in positions[: max(room, 0)]:
                    self.bad_scores.append((offset + int(pos), text_at(batch["score"], pos)))
        counted = int(keep.sum())
        self.items += counted
        rows, codes, dictionary = topic_pairs(batch["topics"], engine)
        self.seen_topics.update(dictionary)
        empty = np.zeros((0, self.words), dtype=np.uint64)
        if counted == 0 or len(dictionary) == 0:
            self.no_topic += counted
            self._record(batch, keep, offset, np.zeros(0, dtype=np.int64), empty, engine)
            return
        # only counted rows; one pair per (row, topic)
        pair_keep = keep[rows]
        rows, codes = rows[pair_keep], codes[pair_keep]
        width = len(dictionary)
        key = rows.astype(np.int64) * width + codes
        key.sort(kind="stable")  # pairs arrive row by row: nearly sorted, timsort is ~linear
        if len(key) > 1:
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]
        rows, codes = key // width, key % width
        with_topic = int(np.count_nonzero(np.diff(rows, prepend=-1))) if len(rows) else 0
        self.no_topic += counted - with_topic
        per_topic = np.bincount(codes, minlength=width)
        for code in np.flatnonzero(per_topic):
            self.topic_items[dictionary[code]] += int(per_topic[code])
        if scores is not None:
            pair_scores = scores[rows]
            valid = np.isfinite(pair_scores)
            sums = np.bincount(codes[valid], weights=pair_scores[valid], minlength=width)
            ns = np.bincount(codes[valid], minlength=width)
            for code in np.flatnonzero(ns):
                name = dictionary[code]
                self.topic_score_sum[name] = self.topic_score_sum.get(name, 0.0) + float(sums[code])
                self.topic_score_n[dictionary[code]] += int(ns[code])
        for role, counts in self.breakdown.items():
            row_codes, cats = categories(batch[role], engine)
            spellings = self.spellings[role]
            labels = ["(blank)"] + [
                spellings.setdefault(key, cat.strip()) if key else "(blank)"
                for key, cat in zip(map(normalize_topic, cats), cats, strict=True)
            ]
            size = len(cats) + 1
            tally = np.bincount(codes * size + (row_codes[rows] + 1), minlength=width * size)
            for k in np.flatnonzero(tally):
                topic_code, cat = divmod(int(k), size)
                counts[(dictionary[topic_code], labels[cat])] += int(tally[k])
        # signatures: which initiatives address each row
        local_mask = np.zeros((width, self.words), dtype=np.uint64)
        for position, topic in enumerate(dictionary):
            for index in self.by_topic.get(topic, ()):
                local_mask[position, index // 64] |= np.uint64(1) << np.uint64(index % 64)
        pair_mask = local_mask[codes]
        hit = pair_mask.any(axis=1)
        if not hit.any():
            self._record(batch, keep, offset, np.zeros(0, dtype=np.int64), empty, engine)
            return
        rows_hit, mask_hit = rows[hit], pair_mask[hit]
        starts = np.flatnonzero(np.diff(rows_hit, prepend=-1))  # rows_hit is sorted
        row_mask = np.bitwise_or.reduceat(mask_hit, starts, axis=0)
        self._record(batch, keep, offset, rows_hit[starts], row_mask, engine)

    def _record(
        self,
        batch: dict[str, Any],
        keep: np.ndarray,
        offset: int,
        rows_hit: np.ndarray,
        row_mask: np.ndarray,
        engine: str,
    ) -> None:
        """Signatures of the counted rows (all of them: an empty signature is "addressed by
        no initiative"), by row or, with a customer column, kept for the per-customer union."""
        full = np.zeros((len(keep), self.words), dtype=np.uint64)
        if len(rows_hit):
            full[rows_hit] = row_mask
        if self.trace is not None and len(rows_hit):
            word, bit = divmod(self.trace, 64)
            on = (row_mask[:, word] >> np.uint64(bit)) & np.uint64(1)
            self.traced.append(offset + rows_hit[on.astype(bool)])
        kept = np.flatnonzero(keep)
        if "customer" in self.roles:
            self.customer_chunks.append(take_text(batch["customer"], kept, engine))
            self.mask_chunks.append(full[kept])
        else:
            self._add_signatures(full[kept])

    def _add_signatures(self, masks: np.ndarray) -> None:
        uniq, many = distinct_rows(masks)
        self.signature_masks.append(uniq)
        self.signature_counts.append(many)

    # -- the end -------------------------------------------------------------------------
    def file_lines(self, positions: Any) -> np.ndarray:
        """The file lines (sheet rows) of positions the readers gave: header = 1, blank lines
        counted, a record that spans lines numbered by its first."""
        if self.line_map is None:
            locate = self.locate_lines
            self.line_map = LineMap() if locate is None else locate(self.position)
        return self.line_map.lines(positions)

    def _listed(self, found: list[tuple[int, str]]) -> str:
        """``row 12 ('x'), row 40 ('y')``: located values, by the file's lines."""
        lines = self.file_lines([position for position, _ in found])
        return ", ".join(f"row {line} ({v!r})" for line, (_, v) in zip(lines, found, strict=True))

    def finish(self, engine: str) -> VocCounts:
        """Check the located problems, then the counts (scaled to a year)."""
        problems: list[Problem] = []
        if self.bad_date_count:
            listed = self._listed(self.bad_dates)
            if self.spec.date_format:
                advice = (
                    f"expected {self.spec.date_format!r} (evidence.voc.date_format; a time "
                    "after the date is ignored): correct these cells, or the format"
                )
            else:
                advice = (
                    "expected ISO 8601 (YYYY-MM-DD; a time after the date is ignored): set "
                    "evidence.voc.date_format for another format, e.g. '%d/%m/%Y'"
                )
            problems.append(
                Problem(
                    f"{self.source} column {self.header['date']!r}",
                    f"{self.bad_date_count} unparseable date(s), e.g. {listed}; {advice}",
                )
            )
        if self.bad_score_count:
            listed = self._listed(self.bad_scores)
            problems.append(
                Problem(
                    f"{self.source} column {self.header['score']!r}",
                    f"{self.bad_score_count} score(s) that are not numbers, e.g. {listed}",
                )
            )
        if not self.rows_read:
            hidden = len(self.hidden)
            problems.append(
                Problem(
                    self.source,
                    "no feedback rows below the header"
                    + (
                        f": all {hidden} row(s) are hidden in Excel (a filter left on?); "
                        "clear the filter, or export the rows you mean to count"
                        if hidden
                        else "; export the feedback itself, not only its header"
                    ),
                )
            )
        if problems:
            raise ScenarioError(problems)
        if self.customer_chunks:
            self._customers()
        window = self.spec.window
        first: dt.date | None
        last: dt.date | None
        days: int | None
        if window is not None:
            first, last, days = window.from_, window.to, window.days
        elif self.first_day is not None and self.last_day is not None:
            first = (EPOCH + np.timedelta64(self.first_day, "D")).astype(dt.date)
            last = (EPOCH + np.timedelta64(self.last_day, "D")).astype(dt.date)
            days = self.last_day - self.first_day + 1
        else:
            first = last = None
            days = None
        scale = 1.0
        if self.spec.annualize:
            if not days:
                raise ScenarioError(
                    [Problem(f"{self.where}.annualize", "no dated rows to annualize over")]
                )
            scale = 365.0 / days
        return self._result(first, last, days, scale, engine)

    def _customers(self) -> None:
        masks = np.concatenate(self.mask_chunks, axis=0)
        if any(not isinstance(c, np.ndarray) for c in self.customer_chunks):
            import pyarrow as pa
            import pyarrow.compute as pc

            chunks = [c.cast(pa.string()) for c in self.customer_chunks]
            joined = pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())
            encoded = pc.dictionary_encode(joined)
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
            codes = codes.astype(np.int64)
        else:
            codes, _ = pd.factorize(np.concatenate(self.customer_chunks), use_na_sentinel=True)
        self.customer_chunks.clear()
        # a row without a customer id is its own customer
        blank = codes < 0
        if blank.any():
            codes = codes.astype(np.int64)
            codes[blank] = codes.max(initial=-1) + 1 + np.arange(int(blank.sum()))
        per_customer = np.zeros((int(codes.max(initial=-1)) + 1, self.words), dtype=np.uint64)
        for word in range(self.words):  # OR of each customer's rows, no sorting
            np.bitwise_or.at(per_customer[:, word], codes, masks[:, word])
        self._add_signatures(per_customer)

    def _result(
        self,
        first: dt.date | None,
        last: dt.date | None,
        days: int | None,
        scale: float,
        engine: str,
    ) -> VocCounts:
        topics = sorted(self.topic_items.items(), key=lambda kv: (-kv[1], kv[0]))
        addressed_by: dict[str, list[str]] = {}
        for ident, wanted in self.addresses.items():
            for topic in wanted:
                addressed_by.setdefault(topic, []).append(ident)
        topic_frame = pd.DataFrame(
            {
                "items": [c for _, c in topics],
                "share": [c / self.items if self.items else 0.0 for _, c in topics],
                "per_year": [c * scale for _, c in topics],
            },
            index=pd.Index([t for t, _ in topics], name="topic", dtype=object),
        )
        if "score" in self.roles:
            topic_frame["effort"] = [
                self.topic_score_sum[t] / self.topic_score_n[t] if self.topic_score_n[t] else np.nan
                for t, _ in topics
            ]
        topic_frame["addressed_by"] = [tuple(addressed_by.get(t, ())) for t, _ in topics]

        if self.signature_masks:
            masks, where = distinct_rows(np.concatenate(self.signature_masks), inverse=True)
            counts_arr = np.bincount(where, weights=np.concatenate(self.signature_counts))
            counts_arr = counts_arr.astype(np.int64)
        else:
            masks = np.zeros((0, self.words), dtype=np.uint64)
            counts_arr = np.zeros(0, dtype=np.int64)
        packed = np.ascontiguousarray(masks).view(np.uint8).reshape(len(masks), self.words * 8)
        bits = np.unpackbits(packed, axis=1, bitorder="little")[:, : len(self.ids)].astype(bool)
        units = bits.T.astype(np.int64) @ counts_arr
        order = np.lexsort((*masks.T[::-1], -bits.sum(axis=1)))  # larger groups first
        bits, counts_arr = bits[order], counts_arr[order]
        rows_of, cols_of = np.nonzero(bits)
        bounds = np.searchsorted(rows_of, np.arange(len(bits) + 1)).tolist()
        members = cols_of.tolist()
        ids = self.ids
        pick = ids.__getitem__
        signatures = [
            (tuple(map(pick, members[bounds[s] : bounds[s + 1]])), c)
            for s, c in enumerate(counts_arr.tolist())
        ]
        signature_frame = pd.DataFrame(
            {"ids": [s for s, _ in signatures], "units": [c for _, c in signatures]}
        )
        warnings: list[Problem] = []
        unknown: list[str] = []
        seen = sorted(self.seen_topics)
        for ident, wanted in self.addresses.items():
            missing = [t for t in wanted if t not in self.seen_topics]
            unknown.append(";".join(missing))
            for topic in missing:
                close = difflib.get_close_matches(topic, seen, n=1, cutoff=0.8)
                hint = f"did you mean {close[0]!r}?" if close else "check its spelling"
                warnings.append(
                    Problem(
                        f"initiative {ident!r} column 'addresses'",
                        f"topic {topic!r} never occurs in {self.source}; {hint}",
                    )
                )
        unit = "customers" if "customer" in self.roles else "items"
        initiative_frame = pd.DataFrame(
            {
                "addresses": [";".join(self.addresses[i]) for i in self.ids],
                unit: units,
                "voc_volume": units * scale,
                "unknown_topics": unknown,
            },
            index=pd.Index(self.ids, name="id", dtype=object),
        )
        traced = (
            None
            if self.trace is None
            else np.sort(np.concatenate([np.zeros(0, dtype=np.int64), *self.traced]))
        )
        breakdowns = {}
        for role, counts in self.breakdown.items():
            if counts:
                frame = pd.Series(counts).unstack(fill_value=0)
                frame.index.name, frame.columns.name = "topic", role
                breakdowns[role] = frame.reindex(topic_frame.index).fillna(0).astype(int)
        return VocCounts(
            source=self.source,
            window_from=first,
            window_to=last,
            days=days,
            scale=scale,
            rows_read=self.rows_read,
            items=self.items,
            rows_outside_window=self.outside,
            rows_without_date=self.no_date,
            items_without_topic=self.no_topic,
            unit=unit,
            topics=topic_frame,
            initiatives=initiative_frame,
            signatures=signature_frame,
            breakdowns=breakdowns,
            warnings=warnings,
            engine=engine,
            traced_rows=traced,
            traced_lines=None if traced is None else self.file_lines(traced),
            hidden_rows=tuple(self.hidden),
        )
