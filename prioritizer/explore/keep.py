"""'Keep this what-if': a scenario written back as a loadable YAML file.

The file is written the way a user types a scenario, so that ``prioritizer solve`` on it gives
the answer the explorer showed:

- initiatives inline, defaults left out, except the columns whose absence the loader warns
  about (``segment``, ``cost``, ``effort_<team>``): written unless the scenario they came from
  lacked them too, so the kept file warns about nothing its origin did not;
- settings the sliders produce (weights, budget, team capacities) rounded to 12 significant
  digits (``1 - 0.7`` is written ``0.3``, not ``0.30000000000000004``): at most 5e-12 of the
  value, far below the solver's tolerances;
- a force-in (force-out) is a ``rules.mandatory`` (``rules.excluded``) entry, said so in a
  comment above ``rules:``;
- the scenario's ``plausibility:`` thresholds are kept, so that a warning switched off or
  moved there stays so.

With ``evidence:`` the numbers derived from the customer's files (``voc_volume``,
``evidence.overlap``, ``from_evidence``/``from_maturity`` weights) are not written but derived
again at load from the same files: the ``evidence`` section is kept with each file's path made
to resolve from the kept folder (see :func:`relative_path`), and the initiatives keep their
``addresses``. Deriving is deterministic, so the same files give the same numbers to the last
bit, hence the same selection, NPV and customer value (counted once over shared feedback); the
file stays small (the bank example's 1,016 overlap groups alone are 103 KB) and ``prioritizer
evidence`` still works on it. Once written, the file is loaded back as ``prioritizer solve``
loads it (:func:`write_scenario`): when the files no longer give the numbers the explorer used
(an export changed or moved since the scenario was loaded, or a scenario edited in Python), it
is written again with the derived numbers (typed ``voc_volume``, no ``addresses`` nor VoC
export, ``evidence.overlap`` typed so that shared feedback still counts once) and a comment
saying why.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..exceptions import ScenarioError
from ..models import Initiative, Scenario

SIGNIFICANT_DIGITS = 12
"""Digits a slider's number is written with (see :func:`tidy`)."""


def tidy(value: float) -> float:
    """``value`` rounded to 12 significant digits: ``0.30000000000000004`` -> ``0.3``."""
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def tidied(scenario: Scenario) -> Scenario:
    """The scenario with the numbers the explorer's controls set rounded by :func:`tidy`:
    the blended weights, the budgets and the team capacities."""
    objective = scenario.objective
    weights = {key: tidy(value) for key, value in objective.weights.items()}
    update: dict[str, Any] = {
        "budget": tidy(scenario.budget),
        "teams": {team: tidy(days) for team, days in scenario.teams.items()},
        "objective": objective.model_copy(update={"weights": weights}),
    }
    if scenario.opex_budget is not None:
        update["opex_budget"] = tidy(scenario.opex_budget)
    return scenario.model_copy(update=update)


def _row(item: Initiative, always: Iterable[str] = (), derived: bool = False) -> dict[str, Any]:
    """An initiative as a table row (``effort_<team>`` and ``<field>_low/_high`` columns),
    the form :func:`prioritizer.scenario_from_mapping` reads back; defaults left out except
    the columns in ``always``. ``derived=False``: an initiative with ``addresses`` is written
    without its ``voc_volume`` (derived again at load); ``derived=True``: with its
    ``voc_volume`` and without ``addresses``."""
    data = item.model_dump(mode="json")
    defaults = Initiative(id=item.id).model_dump(mode="json")
    row: dict[str, Any] = {"id": item.id}
    for key, value in data.items():
        if key in ("id", "effort", "ranges") or (value == defaults.get(key) and key not in always):
            continue
        if key == "name" and value == item.id:
            continue
        if key == "addresses" and derived:
            continue
        if key == "voc_volume" and item.addresses and not derived:
            continue
        row[key] = ";".join(value) if key in ("depends_on", "addresses") else value
    for team, days in item.effort.items():
        row[f"effort_{team}"] = days
    for column in always:
        if column.startswith("effort_"):
            row.setdefault(column, 0.0)
    for field, (low, high) in item.ranges.items():
        row[f"{field}_low"], row[f"{field}_high"] = low, high
    return row


def _warned(scenario: Scenario, code: str, where_end: str = "") -> bool:
    """True when the scenario, as loaded, had warning ``code`` (located at ``...where_end``)."""
    return any(w.code == code and w.where.endswith(where_end) for w in scenario.warnings)


def _always(scenario: Scenario) -> tuple[list[str], list[str]]:
    """Columns written on every row and on the first row only: those whose absence makes
    the loader warn, unless the scenario they came from warned about them too."""
    every: list[str] = []
    if not _warned(scenario, "no-cost-column"):
        every.append("cost")
    if len(scenario.segments) > 1 and not _warned(scenario, "no-segment-column"):
        every.append("segment")
    asked = {team for item in scenario.initiatives for team in item.effort}
    first = [
        f"effort_{team}"
        for team in scenario.teams
        if team not in asked and not _warned(scenario, "no-effort-column", f"teams.{team}")
    ]
    return every, first


def relative_path(file: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str:
    """``file`` as a path that resolves from ``folder``: relative when the two share a folder
    below the file system's root (the usual ``what-ifs/`` inside a project, which can then be
    moved or checked out elsewhere as a whole), else absolute."""
    target = os.path.abspath(file)
    start = os.path.abspath(folder)
    try:
        common = os.path.commonpath([target, start])
        relative = os.path.relpath(target, start)
    except ValueError:  # another drive (Windows)
        return Path(target).as_posix()
    if os.path.dirname(common) == common:  # only the root in common
        return Path(target).as_posix()
    return Path(relative).as_posix()


def _evidence(scenario: Scenario, folder: str | os.PathLike[str], derived: bool) -> Any:
    """The ``evidence:`` section with every file's path resolving from ``folder``; with
    ``derived`` the VoC export is left out and the shared feedback written instead."""
    evidence = scenario.evidence
    if evidence is None:
        return None
    data = evidence.model_dump(mode="json", by_alias=True, exclude={"overlap"}, exclude_none=True)
    for key in ("voc", "survey", "maturity", "benchmarks"):
        spec = data.get(key)
        if spec is not None:
            spec["file"] = relative_path(Path(evidence.base_dir) / spec["file"], folder)
    if derived:
        data.pop("voc", None)
        if evidence.overlap:
            data["overlap"] = [[list(g.ids), g.volume] for g in evidence.overlap]
    return data or None


def _derivable_weights(scenario: Scenario) -> dict[str, str]:
    """``stage_weights``/``pillar_weights`` that deriving from the evidence gives exactly
    (``from_evidence``/``from_maturity``); the others stay typed."""
    from ..evidence.maturity import analyse_maturity
    from ..evidence.survey import analyse_survey

    evidence, objective = scenario.evidence, scenario.objective
    out: dict[str, str] = {}
    if evidence is None:
        return out
    try:
        if evidence.survey is not None and evidence.survey.journey_stage:
            survey = analyse_survey(evidence.survey, base_dir=evidence.base_dir)
            if objective.stage_weights and survey.stage_weights == objective.stage_weights:
                out["stage_weights"] = "from_evidence"
        if evidence.maturity is not None:
            maturity = analyse_maturity(evidence, base_dir=evidence.base_dir)
            if objective.pillar_weights and maturity.pillar_weights == objective.pillar_weights:
                out["pillar_weights"] = "from_maturity"
    except (ScenarioError, OSError, ValueError, KeyError):  # files gone or changed: typed
        return out
    return out


def scenario_mapping(
    scenario: Scenario, folder: str | os.PathLike[str] = ".", *, derived: bool = False
) -> dict[str, Any]:
    """The scenario as the mapping a scenario file in ``folder`` holds, initiatives inline.

    ``derived=False`` writes the evidence as given (files, ``addresses``), ``True`` the
    numbers derived from it (see the module docstring).
    """
    data = scenario.model_dump(mode="json", exclude={"initiatives", "evidence"})
    evidence = _evidence(scenario, folder, derived)
    if evidence is not None:
        data["evidence"] = evidence
        if not derived:
            data["objective"].update(_derivable_weights(scenario))
    report = scenario.load_report
    if report is not None and report.plausibility:  # its warnings, no more, in the kept file
        data["plausibility"] = dict(report.plausibility)
    every, first = _always(scenario)
    rows = [_row(item, every, derived) for item in scenario.initiatives]
    if rows and first:
        rows[0] = _row(scenario.initiatives[0], [*every, *first], derived)
    data["initiatives"] = rows
    return data


def _numbers(scenario: Scenario) -> Any:
    """What the answer depends on, evidence files aside: every setting and initiative as
    derived (``voc_volume``, weights) and the shared feedback."""
    data = scenario.model_dump(mode="json", exclude={"name", "evidence"})
    overlap = scenario.evidence.overlap if scenario.evidence is not None else ()
    return data, [(tuple(g.ids), g.volume) for g in overlap]


def reproduces(path: str | os.PathLike[str], scenario: Scenario) -> bool:
    """True when the scenario file at ``path`` loads (as ``prioritizer solve`` loads it) into
    exactly ``scenario``'s numbers: settings, initiatives with the derived ``voc_volume``,
    weights and shared feedback (the name and the evidence files' paths aside)."""
    from ..io import load_scenario

    try:
        loaded = load_scenario(path)
    except (ScenarioError, OSError, ValueError, KeyError):
        return False
    return _numbers(loaded) == _numbers(scenario)


def scenario_yaml(
    scenario: Scenario,
    notes: list[str],
    based_on: str,
    *,
    folder: str | os.PathLike[str] = ".",
    force_in: Iterable[str] = (),
    force_out: Iterable[str] = (),
    derived: bool = False,
) -> str:
    """The text of ``folder``/scenario.yaml: a header saying what it is based on and what
    changed, then the settings and the initiatives inline, loadable with
    :func:`prioritizer.load_scenario` (see the module docstring; ``derived``: the evidence's
    numbers written as derived). ``force_in``/``force_out``: the ids forced in (out) by the
    explorer, noted above ``rules:``."""
    scenario = tidied(scenario)
    header = [f"# What-if kept from the explorer, based on: {based_on}"]
    header += ["# Changed: " + note for note in notes] or ["# Changed: nothing (the base case)"]
    if derived:
        header += [
            "# The evidence files no longer give the numbers this what-if was solved with (a",
            "# file changed or moved since the scenario was loaded, or the scenario was edited",
            "# in Python): voc_volume and the feedback several initiatives share",
            "# (evidence.overlap) are written as derived, without addresses and the VoC export.",
        ]
    forced: list[str] = []
    for key, ids, verb, what in (
        ("mandatory", force_in, "forced in", "force-in"),
        ("excluded", force_out, "forced out", "force-out"),
    ):
        listed = scenario.canonical_ids(ids)
        if listed:
            forced.append(
                f"# rules.{key}: {', '.join(listed)} {verb} with the explorer "
                f"(a {what} is kept as a rules.{key} entry)"
            )
    body = yaml.safe_dump(
        scenario_mapping(scenario, folder, derived=derived),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    if forced:
        lines = body.splitlines(keepends=True)
        at = next((k for k, line in enumerate(lines) if line.startswith("rules:")), len(lines))
        body = "".join(lines[:at] + [line + "\n" for line in forced] + lines[at:])
    return "\n".join(header) + "\n" + body


def write_scenario(
    folder: str | os.PathLike[str],
    scenario: Scenario,
    notes: list[str],
    based_on: str,
    *,
    force_in: Iterable[str] = (),
    force_out: Iterable[str] = (),
) -> Path:
    """Write ``folder``/scenario.yaml (see :func:`scenario_yaml`) and return its path. With
    evidence the file is loaded back: when it does not give ``scenario``'s numbers exactly
    (the files changed since loading), it is written again with the derived numbers."""
    from ..io import atomic_write

    path = Path(folder) / "scenario.yaml"
    kwargs: dict[str, Any] = {"folder": folder, "force_in": force_in, "force_out": force_out}
    atomic_write(path, scenario_yaml(scenario, notes, based_on, **kwargs))
    if scenario.evidence is not None and not reproduces(path, tidied(scenario)):
        atomic_write(path, scenario_yaml(scenario, notes, based_on, derived=True, **kwargs))
    return path
