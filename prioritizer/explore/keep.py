"""'Keep this what-if': a scenario written back as a self-contained YAML file."""

from __future__ import annotations

from typing import Any

import yaml

from ..models import Initiative, Scenario


def _row(item: Initiative) -> dict[str, Any]:
    """An initiative as a table row (``effort_<team>`` and ``<field>_low/_high`` columns),
    the form :func:`prioritizer.scenario_from_mapping` reads back; defaults left out."""
    data = item.model_dump(mode="json")
    defaults = Initiative(id=item.id).model_dump(mode="json")
    row: dict[str, Any] = {"id": item.id}
    for key, value in data.items():
        if key in ("id", "effort", "ranges") or value == defaults.get(key):
            continue
        if key == "name" and value == item.id:
            continue
        row[key] = ";".join(value) if key == "depends_on" else value
    for team, days in item.effort.items():
        row[f"effort_{team}"] = days
    for field, (low, high) in item.ranges.items():
        row[f"{field}_low"], row[f"{field}_high"] = low, high
    return row


def scenario_mapping(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the mapping a scenario file holds, initiatives inline."""
    data = scenario.model_dump(mode="json", exclude={"initiatives"})
    data["initiatives"] = [_row(i) for i in scenario.initiatives]
    return data


def scenario_yaml(scenario: Scenario, notes: list[str], based_on: str) -> str:
    """The scenario file's text: a header saying what it is based on and what changed, then
    the settings and the initiatives inline (loadable with :func:`prioritizer.load_scenario`)."""
    header = [f"# What-if kept from the explorer, based on: {based_on}"]
    header += ["# Changed: " + note for note in notes] or ["# Changed: nothing (the base case)"]
    body = yaml.safe_dump(
        scenario_mapping(scenario), sort_keys=False, allow_unicode=True, width=100
    )
    return "\n".join(header) + "\n" + body
