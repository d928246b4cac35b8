"""Cost of delay: what waiting a period costs each chosen initiative, and when each one left
out could still start ("not yet" instead of "no")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..periods import live_by

if TYPE_CHECKING:
    from .result import Roadmap


def cost_of_delay(roadmap: Roadmap) -> pd.DataFrame:
    """One row per initiative (input order).

    For a chosen initiative: ``npv_lost_one_period_later`` = business value at its start minus
    at the next start (currency; when the next start would not finish inside the plan, its whole
    value at the start is lost; NaN when its deadline forbids the next start; ``delay_note``
    says either), the customer value lost likewise, and ``best_start`` /
    ``best_start_value``: its best allowed start if budgets, capacities and other initiatives
    did not constrain it (largest objective score; earliest on ties).

    For an initiative left out: ``fits_from`` = the earliest allowed start at which it fits
    beside the chosen plan without moving anything (every rule still holds), its business value
    there, and ``blocked_by`` = the rule it breaks at its earliest allowed start.
    """
    columns = roadmap.columns
    x = roadmap.x
    rules = [r for r in roadmap.rules if r.kind != "one_start"]
    chosen_ids = set(roadmap.selected)
    rows: list[dict[str, Any]] = []
    for item in roadmap.scenario.initiatives:
        mine = columns[columns["id"] == item.id]
        allowed = mine[mine["allowed"]]
        record: dict[str, Any] = {"id": item.id, "chosen": item.id in chosen_ids}
        if len(allowed):
            best = allowed.iloc[int(np.argmax(allowed["objective_score"].to_numpy()))]
            record["best_start"] = best["start"]
            record["best_start_value"] = float(best["business_value"])
        else:
            record["best_start"], record["best_start_value"] = None, float("nan")
        if item.id in chosen_ids:
            here = mine[x[mine.index] > 0.5].iloc[0]
            later = mine[mine["start_index"] == here["start_index"] + 1]
            record["start"] = here["start"]
            if len(later) and not bool(later["allowed"].iat[0]):  # past its deadline
                record["npv_lost_one_period_later"] = float("nan")
                record["customer_value_lost_one_period_later"] = float("nan")
                live = live_by(roadmap.scenario, item.deadline)
                record["delay_note"] = f"a period later it would miss its deadline (live by {live})"
            elif len(later):
                record["npv_lost_one_period_later"] = float(
                    here["business_value"] - later["business_value"].iat[0]
                )
                record["customer_value_lost_one_period_later"] = float(
                    here["customer_value"] - later["customer_value"].iat[0]
                )
                record["delay_note"] = ""
            else:
                record["npv_lost_one_period_later"] = float(here["business_value"])
                record["customer_value_lost_one_period_later"] = float(here["customer_value"])
                record["delay_note"] = "a period later it would not finish inside the plan"
            record.update(fits_from=None, fits_from_value=float("nan"), blocked_by="")
        else:
            record.update(
                start=None,
                npv_lost_one_period_later=float("nan"),
                customer_value_lost_one_period_later=float("nan"),
                delay_note="",
            )
            fits, value, blocked = None, float("nan"), ""
            positions = allowed.index.to_numpy(dtype=int)
            for k, j in enumerate(positions):
                trial = x.copy()
                trial[j] = 1.0
                broken = [r for r in rules if not r.holds(trial)]
                if not broken:
                    fits = str(allowed["start"].iat[k])
                    value = float(allowed["business_value"].to_numpy()[k])
                    break
                if not blocked:
                    blocked = broken[0].text
            if not len(allowed):
                blocked = (
                    "no start fits its earliest start, duration and deadline"
                    if item.earliest_start or item.deadline
                    else "it would not finish inside the plan from any start"
                )
            record.update(fits_from=fits, fits_from_value=value, blocked_by=blocked)
        rows.append(record)
    order = [
        "chosen",
        "start",
        "npv_lost_one_period_later",
        "customer_value_lost_one_period_later",
        "delay_note",
        "best_start",
        "best_start_value",
        "fits_from",
        "fits_from_value",
        "blocked_by",
    ]
    frame = pd.DataFrame(rows).set_index("id")
    return frame[order].astype({"chosen": bool}).replace({np.nan: np.nan})
