"""The result of counting a VoC export: :class:`VocCounts`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem
from .spec import OverlapGroup


@dataclass(frozen=True)
class VocCounts:
    """What a VoC export says, counted.

    Attributes
    ----------
    source:
        The export's file name.
    window_from, window_to, days:
        The counting window (calendar days, inclusive); the data's own first and last day
        when no window is given; None without a date column.
    scale:
        Factor from counted items to items per year (365 / days, or 1 without annualizing).
    rows_read, items, rows_outside_window, rows_without_date, items_without_topic:
        Rows in the file; rows counted; rows left out by the window or for a missing date;
        counted rows that name no topic.
    unit:
        ``items`` or ``customers`` (a customer column is mapped): what ``voc_volume`` counts.
    topics:
        One row per topic (index ``topic``, most items first): ``items`` (counted rows naming
        it), ``share`` of counted rows, ``per_year``, ``effort`` (mean score, when mapped) and
        ``addressed_by`` (ids).
    initiatives:
        One row per initiative with ``addresses`` (index ``id``): ``addresses`` (normalized,
        ``;``-joined), ``items`` (counted rows), ``customers`` (when mapped), ``voc_volume``
        (per year, as the value model uses it) and ``unknown_topics``.
    signatures:
        One row per distinct set of addressing initiatives: ``ids`` (tuple) and ``units``
        (rows or customers counted), the base of the no-double-counting rule.
    breakdowns:
        ``segment``/``journey_stage``/``channel`` -> DataFrame of topic x value item counts;
        values grouped as topics are (without case and spaces), named as first written.
    warnings:
        Located warnings (e.g. a topic in ``addresses`` that never occurs in the export).
    engine:
        ``pyarrow`` or ``pandas``.
    traced_rows, traced_lines:
        With a traced initiative: the positions of its counted rows among the rows read
        (0 = the first after the header) and their lines in the file (rows in the sheet).
    hidden_rows:
        Sheet rows hidden in Excel: skipped, not read (a ``hidden-rows`` warning).
    """

    source: str
    window_from: dt.date | None
    window_to: dt.date | None
    days: int | None
    scale: float
    rows_read: int
    items: int
    rows_outside_window: int
    rows_without_date: int
    items_without_topic: int
    unit: str
    topics: pd.DataFrame
    initiatives: pd.DataFrame
    signatures: pd.DataFrame
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    engine: str = "pandas"
    traced_rows: np.ndarray | None = None
    traced_lines: np.ndarray | None = None
    hidden_rows: tuple[int, ...] = ()

    def volume_of(self, initiative_id: str) -> float:
        """Derived ``voc_volume`` of one initiative (per year, or per window)."""
        return float(self.initiatives["voc_volume"].loc[initiative_id])

    def overlap_groups(self) -> tuple[OverlapGroup, ...]:
        """Feedback addressed by two or more initiatives, volume scaled like voc_volume."""
        groups = [
            OverlapGroup(tuple(ids), float(units) * self.scale)
            for ids, units in zip(self.signatures["ids"], self.signatures["units"], strict=True)
            if len(ids) >= 2
        ]
        return tuple(groups)

    def addressed_units(self, ids: Sequence[str]) -> int:
        """Distinct rows (or customers) addressed by at least one of ``ids`` (not scaled)."""
        wanted = set(ids)
        total = 0
        for sig, units in zip(self.signatures["ids"], self.signatures["units"], strict=True):
            if wanted.intersection(sig):
                total += int(units)
        return total

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``prioritizer evidence --format json`` (spec.md §6)."""
        return {
            "source": self.source,
            "window": {
                "from": None if self.window_from is None else self.window_from.isoformat(),
                "to": None if self.window_to is None else self.window_to.isoformat(),
                "days": self.days,
            },
            "annualize_factor": self.scale,
            "rows_read": self.rows_read,
            "rows_hidden": len(self.hidden_rows),
            "items": self.items,
            "rows_outside_window": self.rows_outside_window,
            "rows_without_date": self.rows_without_date,
            "items_without_topic": self.items_without_topic,
            "unit": self.unit,
            "engine": self.engine,
            "topics": [
                {
                    "topic": str(topic),
                    "items": int(row["items"]),
                    "per_year": float(row["per_year"]),
                    **({"effort": _num(row["effort"])} if "effort" in row else {}),
                    "addressed_by": list(row["addressed_by"]),
                }
                for topic, row in self.topics.iterrows()
            ],
        }


def _num(value: Any) -> float | None:
    value = float(value)
    return None if not np.isfinite(value) else value
