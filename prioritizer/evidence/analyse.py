"""What the evidence says, in one object: ``px.analyse_evidence(scenario)``.

Joins the VoC counts (:mod:`.voc`) with the scenario's initiatives and the recommended
portfolio: the uncovered pain points (topics no initiative addresses, by volume and by
volume × effort) and the share of all feedback the recommendation addresses; plus, when the
scenario has them, the survey diagnosis (:mod:`.survey`) and the maturity audit
(:mod:`.maturity`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import PrioritizerError, Problem, ScenarioError
from ..models import Scenario
from .load import voc_counts
from .sheets import is_workbook, read_sheet_table
from .voc import VocCounts

TOP_UNCOVERED = 10


@dataclass(frozen=True)
class EvidenceReport:
    """The evidence of a scenario, analysed.

    Attributes
    ----------
    scenario:
        The scenario (with derived ``voc_volume``).
    voc:
        The VoC counts, or None without ``evidence.voc``.
    initiatives:
        One row per initiative (index ``id``): ``voc_volume`` as the value model uses it,
        ``source`` (``derived`` or ``typed``), ``addresses``, ``units`` counted.
    uncovered:
        Topics no initiative addresses (index ``topic``), most items first: ``items``,
        ``per_year``, ``share``, ``effort`` and ``volume_x_effort`` (when effort is known),
        ``rank_by_volume`` and ``rank_by_volume_x_effort``.
    recommended:
        Ids of the recommended portfolio (empty when not solved).
    addressed_units, total_units, addressed_share:
        Feedback rows (customers, with a customer column) the recommendation addresses, all
        counted, and the share (0-1); None when not solved.
    survey, maturity:
        Survey diagnosis and maturity audit, when the scenario has them.
    notes:
        Why a part is missing (e.g. the recommendation could not be solved).
    """

    scenario: Scenario
    voc: VocCounts | None
    initiatives: pd.DataFrame
    uncovered: pd.DataFrame
    recommended: list[str] = field(default_factory=list)
    addressed_units: int | None = None
    total_units: int | None = None
    survey: Any = None
    maturity: Any = None
    notes: list[str] = field(default_factory=list)
    options: Any = None
    """The :class:`~prioritizer.result.SolverOptions` of the recommendation (None: not
    solved)."""

    def manifest(self) -> dict[str, Any]:
        """What produced the report, as every JSON result carries it
        (:func:`prioritizer.result.manifest`); ``options`` None when nothing was solved."""
        from ..result import SolverOptions, manifest

        payload = manifest(self.scenario, self.options or SolverOptions())
        if self.options is None:
            payload["options"] = None
        return payload

    @property
    def addressed_share(self) -> float | None:
        """Share (0-1) of all counted feedback the recommended portfolio addresses."""
        if self.addressed_units is None or not self.total_units:
            return None
        return self.addressed_units / self.total_units

    def findings(self) -> list[str]:
        """The evidence's headline findings, one sentence each."""
        lines: list[str] = []
        voc = self.voc
        if voc is not None and len(voc.topics):
            top = voc.topics.index[0]
            lines.append(
                f"'{top}' is the most frequent pain point: {voc.topics['items'].iloc[0]:,} of "
                f"{voc.items:,} feedback items ({voc.topics['share'].iloc[0]:.0%})."
            )
            if len(self.uncovered):
                worst = self.uncovered.index[0]
                lines.append(
                    f"{len(self.uncovered)} topics are addressed by no initiative; the largest, "
                    f"'{worst}', is {self.uncovered['share'].iloc[0]:.1%} of all feedback."
                )
        share = self.addressed_share
        if share is not None:
            lines.append(
                f"The recommended portfolio addresses {share:.0%} of all feedback "
                f"({self.addressed_units:,} of {self.total_units:,} {voc.unit if voc else ''})."
            )
        if self.survey is not None:
            lines += self.survey.findings()
        if self.maturity is not None:
            lines += self.maturity.findings()
        return lines

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``prioritizer evidence --format json`` (spec.md §6 fields)."""
        payload: dict[str, Any] = {"scenario": self.scenario.name}
        if self.voc is not None:
            voc = self.voc.to_dict()
            payload["window"] = voc.pop("window")
            payload["items"] = voc.pop("items")
            payload["topics"] = voc.pop("topics")
            payload["voc"] = voc
        else:
            payload.update({"window": None, "items": 0, "topics": []})
        payload["initiatives"] = [
            {
                "id": str(ident),
                "voc_volume": float(row["voc_volume"]),
                "source": row["source"],
                "addresses": [t for t in str(row["addresses"]).split(";") if t],
                "units": None if pd.isna(row["units"]) else int(row["units"]),
            }
            for ident, row in self.initiatives.iterrows()
        ]
        payload["uncovered"] = [
            {
                "topic": str(topic),
                "items": int(row["items"]),
                "per_year": float(row["per_year"]),
                "share": float(row["share"]),
                "effort": _clean(row.get("effort")),
                "volume_x_effort": _clean(row.get("volume_x_effort")),
            }
            for topic, row in self.uncovered.iterrows()
        ]
        payload["recommendation"] = {
            "selected": list(self.recommended),
            "addressed_units": self.addressed_units,
            "total_units": self.total_units,
            "addressed_share": self.addressed_share,
        }
        if self.survey is not None:
            payload["survey"] = self.survey.to_dict()
        if self.maturity is not None:
            payload["maturity"] = self.maturity.to_dict()
        payload["findings"] = self.findings()
        payload["notes"] = list(self.notes)
        payload["manifest"] = self.manifest()
        return payload

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the report by name (what ``--out`` writes as CSV)."""
        out: dict[str, pd.DataFrame] = {"evidence_initiatives": self.initiatives}
        if self.voc is not None:
            out["voc_topics"] = self.voc.topics.assign(
                addressed_by=[";".join(a) for a in self.voc.topics["addressed_by"]]
            )
            out["voc_uncovered"] = self.uncovered
            sig = self.voc.signatures
            many = sig[[len(ids) >= 2 for ids in sig["ids"]]]
            out["voc_overlap"] = pd.DataFrame(  # the groups the no-double-counting rule uses
                {
                    "initiatives": [";".join(ids) for ids in many["ids"]],
                    self.voc.unit: many["units"].to_numpy(),
                    "per_year": many["units"].to_numpy() * self.voc.scale,
                }
            ).set_index("initiatives")
            for role, frame in self.voc.breakdowns.items():
                out[f"voc_topics_by_{role}"] = frame
        if self.survey is not None:
            out.update(self.survey.tables())
        if self.maturity is not None:
            out.update(self.maturity.tables())
        return out


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def load_evidence(
    scenario: Scenario | str | os.PathLike[str], *, engine: str | None = None
) -> VocCounts:
    """Count a scenario's VoC export (a loaded scenario or a path to its YAML)."""
    if not isinstance(scenario, Scenario):
        from ..io import load_scenario

        scenario = load_scenario(Path(scenario))
    return voc_counts(scenario, engine=engine)


def uncovered_topics(voc: VocCounts, *, top: int | None = None) -> pd.DataFrame:
    """Topics that no initiative addresses, most items first, with volume × effort."""
    topics = voc.topics
    frame = topics[[len(a) == 0 for a in topics["addressed_by"]]].drop(columns="addressed_by")
    frame = frame.copy()
    if "effort" in frame:
        frame["volume_x_effort"] = frame["per_year"] * frame["effort"]
        frame["rank_by_volume_x_effort"] = (
            frame["volume_x_effort"].rank(ascending=False, method="min").astype("Int64")
        )
    frame["rank_by_volume"] = frame["items"].rank(ascending=False, method="min").astype(int)
    return frame if top is None else frame.head(top)


def analyse_evidence(
    scenario: Scenario,
    *,
    result: Any = None,
    solve: bool = True,
    engine: str | None = None,
) -> EvidenceReport:
    """Analyse a scenario's evidence.

    Parameters
    ----------
    scenario:
        A loaded scenario with an ``evidence`` section.
    result:
        The recommended portfolio (a :class:`~prioritizer.Result`); solved here when omitted
        and ``solve`` is true.
    solve:
        Whether to solve the scenario for the coverage of the recommendation.
    engine:
        VoC counting engine (``pyarrow``/``pandas``; default: pyarrow when installed).

    Returns
    -------
    EvidenceReport
    """
    evidence = scenario.evidence
    if evidence is None:
        raise ScenarioError([Problem("evidence", "the scenario has no evidence section")])
    notes: list[str] = []
    voc = voc_counts(scenario, engine=engine) if evidence.voc is not None else None
    derived = {i.id for i in scenario.initiatives if i.addresses}
    initiatives = pd.DataFrame(
        {
            "voc_volume": [i.voc_volume for i in scenario.initiatives],
            "source": ["derived" if i.id in derived else "typed" for i in scenario.initiatives],
            "addresses": [";".join(i.addresses) for i in scenario.initiatives],
            "units": [
                voc.initiatives[voc.unit].loc[i.id] if voc is not None and i.id in derived else None
                for i in scenario.initiatives
            ],
        },
        index=pd.Index(scenario.ids, name="id", dtype=object),
    )
    uncovered = (
        uncovered_topics(voc) if voc is not None else pd.DataFrame(index=pd.Index([], name="topic"))
    )
    recommended: list[str] = []
    addressed = total = None
    if voc is not None and (result is not None or solve):
        if result is None:
            from ..optimize import optimize

            try:
                result = optimize(scenario)
            except PrioritizerError as exc:
                notes.append(f"no recommendation to measure coverage against: {exc}")
        if result is not None:
            recommended = list(result.selected)
            addressed = voc.addressed_units(recommended)
            total = int(voc.signatures["units"].sum())
    survey = maturity = None
    if evidence.survey is not None:
        from .survey import analyse_survey

        survey = analyse_survey(evidence.survey, base_dir=evidence.base_dir)
    if evidence.maturity is not None or evidence.benchmarks is not None:
        from .maturity import analyse_maturity

        maturity = analyse_maturity(evidence, base_dir=evidence.base_dir)
    return EvidenceReport(
        scenario=scenario,
        voc=voc,
        initiatives=initiatives,
        uncovered=uncovered,
        recommended=recommended,
        addressed_units=addressed,
        total_units=total,
        survey=survey,
        maturity=maturity,
        notes=notes,
        options=getattr(result, "options", None),
    )


def trace_rows(scenario: Scenario, initiative_id: str) -> pd.DataFrame:
    """The export's rows counted in an initiative's ``voc_volume`` (traceability).

    Returns one row per counted feedback row: ``row`` (the line in the file where the row
    starts, header = 1, blank lines counted; or the row in the sheet) and the mapped columns as
    read.
    """
    from .voc import count_voc

    evidence = scenario.evidence
    if evidence is None or evidence.voc is None:
        raise ScenarioError([Problem("evidence.voc", "no VoC export configured")])
    item = scenario.initiative(initiative_id)
    if not item.addresses:
        raise ScenarioError(
            [Problem(initiative_id, "has no addresses: its voc_volume is typed, not counted")]
        )
    addresses = {i.id: list(i.addresses) for i in scenario.initiatives if i.addresses}
    spec = evidence.voc
    counts = count_voc(spec, addresses, base_dir=evidence.base_dir, trace=initiative_id)
    positions = np.asarray(counts.traced_rows, dtype=np.int64)
    path = Path(evidence.base_dir) / spec.file
    columns = list(spec.columns.mapped().values())
    if is_workbook(path):  # the rows the counter read: hidden rows skipped
        frame = read_sheet_table(path, spec.sheet).frame()
    else:
        from .columns import csv_header

        header, delimiter = csv_header(path)
        width = len(header)
        options: dict[str, Any] = {  # blank lines kept, as the counter reads them: row = record
            "sep": delimiter,
            "dtype": str,
            "keep_default_na": False,
            "skip_blank_lines": False,
        }
        try:
            frame = pd.read_csv(path, **options)
        except pd.errors.ParserError:
            # a line of separators wider than the header, blank to the counter (a wider row
            # with content is refused before): its first cells stand for it
            frame = pd.read_csv(
                path,
                **options,
                engine="python",
                index_col=False,
                on_bad_lines=lambda fields: fields[:width],
            )
    lookup = {str(c).strip().lower(): c for c in frame.columns}
    picked = frame.iloc[positions][[lookup[c.strip().lower()] for c in columns]]
    picked.insert(0, "row", np.asarray(counts.traced_lines, dtype=np.int64))
    return picked.reset_index(drop=True)
