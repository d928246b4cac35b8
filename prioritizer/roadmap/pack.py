"""What a roadmap adds to the steering pack: its charts, tables and workbook sheets.

The pack (``prioritizer.report``) calls these when the scenario has ``periods``; the one-lump
analyses (frontier, Monte Carlo, ...) are left out of such a pack because they would ignore the
periods.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .result import Roadmap


def roadmap_table(roadmap: Roadmap) -> pd.DataFrame:
    """One row per initiative: the plan and the cost of delay side by side."""
    delay = roadmap.cost_of_delay().drop(columns=["chosen", "start"])
    return roadmap.to_frame().join(delay)


def pack_tables(roadmap: Roadmap) -> dict[str, pd.DataFrame]:
    """Tables for ``tables/*.csv``: the plan per initiative, per period, values per start."""
    return {
        "roadmap": roadmap_table(roadmap),
        "roadmap_by_period": roadmap.by_period(),
        "roadmap_start_values": roadmap.columns.set_index(["id", "start"]),
    }


def pack_charts(roadmap: Roadmap) -> list[tuple[str, Callable[[], Any]]]:
    """(slug, draw) for the Gantt, spend, capacity heat map and cumulative value charts."""
    from . import charts

    return [
        ("roadmap_gantt", lambda: charts.gantt(roadmap)),
        ("roadmap_spend", lambda: charts.spend(roadmap)),
        ("roadmap_capacity", lambda: charts.capacity(roadmap)),
        ("roadmap_value", lambda: charts.cumulative_value(roadmap)),
    ]


def add_sheets(
    workbook: Any,
    roadmap: Roadmap,
    sheet: Callable[..., None],
    formats: Callable[[pd.DataFrame], dict[str, str]],
) -> None:
    """The Roadmap and Roadmap by period sheets, written with the pack's sheet helper."""
    table = roadmap_table(roadmap)
    sheet(workbook, "Roadmap", table, formats(table))
    periods = roadmap.by_period()
    sheet(workbook, "Roadmap by period", periods, formats(periods))
