"""Apply a scenario's evidence: derive ``voc_volume`` from the VoC export (spec.md §6).

Called by the scenario loader once the scenario is valid; returns a new scenario whose
initiatives with ``addresses`` carry the derived ``voc_volume`` and whose ``evidence.overlap``
lists the feedback several initiatives address (for the no-double-counting rule).
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..exceptions import Problem, ScenarioError
from ..models import Scenario
from .sheets import hidden_rows_message, is_workbook, read_sheet_table
from .spec import Evidence
from .voc import VocCounts, count_voc

log = logging.getLogger(__name__)

Locate = Callable[[int, str], str]


def _default_locate(row: int, column: str) -> str:
    return f"initiatives[{row}].{column}"


def check_addresses(scenario: Scenario, locate: Locate = _default_locate) -> list[Problem]:
    """Located problems of ``addresses``: a typed ``voc_volume`` (or its range) beside it,
    or addresses without a VoC export to count them in."""
    problems: list[Problem] = []
    has_voc = scenario.evidence is not None and scenario.evidence.voc is not None
    for row, item in enumerate(scenario.initiatives):
        if not item.addresses:
            continue
        if "voc_volume" in item.model_fields_set and item.voc_volume != 0:
            problems.append(
                Problem(
                    locate(row, "voc_volume"),
                    f"{item.id!r} has both addresses and a typed voc_volume "
                    f"({item.voc_volume:g}); voc_volume is derived from the VoC export when "
                    "addresses are given: leave it blank",
                )
            )
        elif "voc_volume" in item.ranges:
            problems.append(
                Problem(
                    locate(row, "voc_volume_low/_high"),
                    f"{item.id!r} has addresses and a typed voc_volume range; the volume is "
                    "derived from the VoC export: leave voc_volume_low/_high blank",
                )
            )
        if not has_voc:
            problems.append(
                Problem(
                    locate(row, "addresses"),
                    f"{item.id!r} names topics in addresses but the scenario has no "
                    "evidence.voc export to count them in",
                )
            )
    return problems


def apply_evidence(
    scenario: Scenario,
    *,
    base_dir: str | os.PathLike[str] = ".",
    source: str = "scenario",
    locate: Locate = _default_locate,
    engine: str | None = None,
) -> Scenario:
    """The scenario with ``voc_volume`` derived for every initiative that has ``addresses``.

    Raises
    ------
    ScenarioError
        Located problems: typed ``voc_volume`` beside ``addresses``, a missing export or
        mapped column, unparseable dates.
    """
    problems = check_addresses(scenario, locate) + check_derived_weights(scenario, source)
    if problems:
        raise ScenarioError(problems, source=source)
    evidence = scenario.evidence
    if evidence is None:
        return scenario
    evidence = evidence.model_copy(update={"base_dir": str(base_dir)})
    scenario = scenario.model_copy(update={"evidence": evidence})
    scenario = _derive_weights(scenario, source)
    evidence = scenario.evidence or evidence  # with the notes of deriving the weights
    if evidence.voc is None:
        return scenario
    counts = voc_counts(scenario, base_dir=base_dir, engine=engine, source=source)
    for warning in counts.warnings:  # returned as load warnings: see evidence_warnings
        log.info("%s", warning)
    initiatives = tuple(
        item.model_copy(update={"voc_volume": counts.volume_of(item.id)})
        if item.addresses
        else item
        for item in scenario.initiatives
    )
    evidence = evidence.model_copy(update={"overlap": counts.overlap_groups()})
    return scenario.model_copy(update={"initiatives": initiatives, "evidence": evidence})


def evidence_warnings(scenario: Scenario) -> list[Any]:
    """The evidence's input warnings (a topic in ``addresses`` that never occurs in the
    export, rows hidden in Excel that were skipped, ...), as
    :class:`~prioritizer.inputs.warnings.InputWarning` for the load report."""
    from ..inputs.warnings import InputWarning

    evidence = scenario.evidence
    if evidence is None:
        return []
    found = [InputWarning(code, message, where) for code, message, where in evidence.notes]
    found += [InputWarning("hidden-rows", m, w) for m, w in hidden_row_notes(evidence)]
    if evidence.voc is None:
        return found
    counts = voc_counts(scenario)  # cached: counted once per load
    found += [InputWarning("voc-topic-unknown", w.message, w.where) for w in counts.warnings]
    if scenario.periods and evidence.overlap:
        shared = sorted({i for group in evidence.overlap for i in group.ids})
        found.append(
            InputWarning(
                "roadmap-feedback-summed",
                "the roadmap (periods) sums each initiative's customer value: feedback that "
                f"several chosen initiatives address ({len(shared)} initiatives share "
                "feedback) is counted once by solve and the other one-lump analyses, but once "
                "per initiative in the roadmap's plan, its cost of delay and its Monte Carlo",
                f"scenario: key periods, initiatives {', '.join(shared[:5])}"
                + (" ..." if len(shared) > 5 else ""),
            )
        )
    return found


HIDDEN_WHAT = {
    "voc": "feedback",
    "survey": "survey responses",
    "maturity": "maturity ratings",
    "benchmarks": "benchmarks",
}
"""What the rows of each evidence sheet are, for the ``hidden-rows`` warning."""


def hidden_row_notes(evidence: Evidence) -> list[tuple[str, str]]:
    """(message, where) for every evidence workbook whose sheet has rows hidden in Excel:
    they were skipped, so a filter left on in the export changes no number silently. A file
    that cannot be read is left to the reader's own located error."""
    notes = []
    for key, what in HIDDEN_WHAT.items():
        spec = getattr(evidence, key)
        if spec is None:
            continue
        path = Path(evidence.base_dir) / spec.file
        if not is_workbook(path) or not path.is_file():
            continue
        try:
            table = read_sheet_table(path, spec.sheet)
        except ScenarioError:
            continue
        if table.hidden:
            notes.append(hidden_rows_message(table, what))
    return notes


def check_derived_weights(scenario: Scenario, source: str = "scenario") -> list[Problem]:
    """``from_evidence``/``from_maturity`` need the evidence they are derived from."""
    problems = []
    evidence = scenario.evidence
    objective = scenario.objective
    if objective.stage_weights == "from_evidence" and (
        evidence is None or evidence.survey is None or not evidence.survey.journey_stage
    ):
        problems.append(
            Problem(
                f"{source}: key objective.stage_weights",
                "from_evidence needs evidence.survey with a journey_stage column",
            )
        )
    if objective.pillar_weights == "from_maturity" and (
        evidence is None or evidence.maturity is None
    ):
        problems.append(
            Problem(
                f"{source}: key objective.pillar_weights",
                "from_maturity needs evidence.maturity (customer ratings of the pillars)",
            )
        )
    return problems


def _derive_weights(scenario: Scenario, source: str) -> Scenario:
    """Replace ``from_evidence``/``from_maturity`` by the weights derived (visible in the
    scenario, in ``prioritizer evidence`` and in the value table)."""
    evidence = scenario.evidence
    objective = scenario.objective
    update: dict[str, object] = {}
    if evidence is not None and objective.stage_weights == "from_evidence" and evidence.survey:
        from .survey import analyse_survey

        survey = analyse_survey(evidence.survey, base_dir=evidence.base_dir, source=source)
        update["stage_weights"] = survey.stage_weights
        notes = survey_stage_notes(scenario, survey.stage_weights, survey.source, source)
        if notes:
            evidence = evidence.model_copy(update={"notes": evidence.notes + tuple(notes)})
            scenario = scenario.model_copy(update={"evidence": evidence})
    if evidence is not None and objective.pillar_weights == "from_maturity":
        from .maturity import analyse_maturity

        maturity = analyse_maturity(evidence, base_dir=evidence.base_dir, source=source)
        update["pillar_weights"] = maturity.pillar_weights
    if not update:
        return scenario
    return scenario.model_copy(update={"objective": objective.model_copy(update=update)})


def survey_stage_notes(
    scenario: Scenario, weights: dict[str, float], survey_file: str, source: str
) -> list[tuple[str, str, str]]:
    """Warnings (code, message, where) for derived stage weights that meet no initiative:
    a survey stage no initiative has (its weight applies to nothing), and the initiatives'
    stages the survey has no responses for (they keep weight 1)."""
    from .survey import stage_key

    known: dict[str, str] = {}
    for item in scenario.initiatives:
        if item.journey_stage.strip():
            known.setdefault(stage_key(item.journey_stage), item.journey_stage.strip())
    listed = (
        f"stages in the initiatives table: {sorted(known.values(), key=str.casefold)}"
        if known
        else "no initiative has a journey_stage"
    )
    where = f"{source}: key evidence.survey.journey_stage ({survey_file})"
    notes = []
    surveyed = {stage_key(s) for s in weights}
    for stage, weight in weights.items():
        if stage_key(stage) in known:
            continue
        close = difflib.get_close_matches(stage_key(stage), list(known), n=1, cutoff=0.75)
        hint = f"did you mean {known[close[0]]!r}? " if close else ""
        notes.append(
            (
                "unknown-stage",
                f"no initiative has survey stage {stage!r}, so its derived weight "
                f"{weight:.2f} applies to nothing; {hint}{listed}",
                where,
            )
        )
    unweighted = [s for k, s in known.items() if k not in surveyed]
    if notes and unweighted:
        notes.append(
            (
                "unknown-stage",
                f"the survey has no responses for journey stage(s) {unweighted}: their "
                "initiatives keep stage weight 1",
                where,
            )
        )
    return notes


def voc_counts(
    scenario: Scenario,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    engine: str | None = None,
    source: str = "scenario",
) -> VocCounts:
    """Count the scenario's VoC export against its initiatives' ``addresses``."""
    evidence = scenario.evidence
    if evidence is None or evidence.voc is None:
        raise ScenarioError([Problem(f"{source}: key evidence.voc", "no VoC export configured")])
    folder = Path(evidence.base_dir if base_dir is None else base_dir)
    addresses = {i.id: list(i.addresses) for i in scenario.initiatives if i.addresses}
    path = folder / evidence.voc.file
    try:
        stat = path.stat()
        key: tuple[object, ...] | None = (
            str(path.resolve()),
            stat.st_mtime_ns,
            stat.st_size,
            evidence.voc.model_dump_json(),
            tuple((k, tuple(v)) for k, v in addresses.items()),
            engine or os.environ.get("PRIORITIZER_VOC_ENGINE"),  # each engine counts anew
        )
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    try:
        counts = count_voc(
            evidence.voc,
            addresses,
            base_dir=folder,
            engine=engine,
            where=f"{source}: key evidence.voc",
        )
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, source=source) from None
    if key is not None:
        _CACHE[key] = counts
        while len(_CACHE) > 4:
            _CACHE.pop(next(iter(_CACHE)))
    return counts


_CACHE: dict[tuple[object, ...], VocCounts] = {}
"""The last few counts, by file (path, mtime, size), settings and addresses: loading a
scenario and analysing its evidence read a large export once."""
