"""The roadmap's four charts for a :class:`~prioritizer.roadmap.result.Roadmap`: its tables and
its findings (:mod:`.findings`, the titles unless given) handed to the drawing functions of
:mod:`prioritizer.plots.roadmap`, which know nothing of a roadmap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..plots import roadmap as draw
from ..plots import style
from . import findings
from .result import period_word

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .result import Roadmap


def gantt_bars(roadmap: Roadmap, rows: int = 0) -> pd.DataFrame:
    """The initiatives the Gantt shows, top to bottom: up to ``rows`` planned ones (default
    :data:`~prioritizer.plots.style.MAX_ROWS`) in start order — first those with a deadline
    or mandatory (what the committee must see placed), then the most valuable — with what a
    bar needs (see :func:`prioritizer.plots.roadmap.plot_gantt`)."""
    sc = roadmap.scenario
    labels = roadmap.labels
    planned = roadmap.chosen
    mandatory = set(sc.mandatory_ids())
    committed = [
        bool(sc.initiatives[int(r)].deadline) or sc.initiatives[int(r)].id in mandatory
        for r in planned["row"]
    ]
    top = planned.assign(_committed=committed).sort_values(
        ["_committed", "business_value"], ascending=[False, False], kind="stable"
    )
    shown = top.head(rows or style.MAX_ROWS).drop(columns="_committed")
    shown = shown.sort_values(["start_index", "row"])
    records = []
    for _, col in shown.iterrows():
        item = sc.initiatives[int(col["row"])]
        deadline = labels.index(item.deadline) if item.deadline in labels else math.nan
        records.append(
            {
                "id": item.id,
                "name": item.name,
                "pillar": item.pillar,
                "start_index": int(col["start_index"]),
                "go_live_index": int(col["go_live_index"]),
                "ramp_up": int(item.ramp_up),
                "deadline_index": deadline,
                "depends_on": tuple(item.depends_on),
                "mandatory": item.id in mandatory,
            }
        )
    columns = ["id", "name", "pillar", "start_index", "go_live_index", "ramp_up"]
    columns += ["deadline_index", "depends_on", "mandatory"]
    return pd.DataFrame.from_records(records, columns=columns)


def gantt(
    roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None, rows: int = 0
) -> Axes:
    """The plan as a Gantt chart (at most ``rows`` initiatives; the rest are counted under
    it); the title is the finding unless given."""
    bars = gantt_bars(roadmap, rows)
    return draw.plot_gantt(
        bars,
        labels=roadmap.labels,
        title=findings.gantt_finding(roadmap).text if title is None else title,
        more=len(roadmap.chosen) - len(bars),
        ax=ax,
    )


def spend(roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """One-off spend per period against the per-period budget."""
    sc = roadmap.scenario
    return draw.plot_spend(
        roadmap.by_period(),
        currency=sc.currency,
        period=period_word(sc, 1),
        title=findings.spend_finding(roadmap).text if title is None else title,
        ax=ax,
    )


def capacity(roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Each team's use per period as a share of its limit, full cells framed."""
    teams, _uses, _limits, share = findings.team_shares(roadmap)
    return draw.plot_capacity_heatmap(
        share,
        full=share >= findings.FULL,
        teams=[findings.team_name(t) for t in teams],
        periods=[str(p) for p in roadmap.by_period().index],
        period=period_word(roadmap.scenario, 1),
        title=findings.capacity_finding(roadmap).text if title is None else title,
        ax=ax,
    )


def cumulative_value(roadmap: Roadmap, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Cumulative present value of the plan's cash flows to the end of the evaluation."""
    sc = roadmap.scenario
    flows = roadmap.value_over_time()
    cumulative = flows["cumulative_present_value"].to_numpy(dtype=float)
    return draw.plot_cumulative_value(
        flows,
        names=findings.extended_labels(roadmap.labels, len(flows)),
        plan_periods=len(roadmap.labels),
        payback=findings.payback(np.asarray(cumulative)),
        currency=sc.currency,
        period=period_word(sc, 1),
        horizon_years=sc.horizon_years,
        title=findings.value_finding(roadmap).text if title is None else title,
        ax=ax,
    )


__all__ = ["capacity", "cumulative_value", "gantt", "gantt_bars", "spend"]
