"""CX maturity (six pillars; 20 practices of six competencies) and market benchmarks.

The maturity sheet has one row per rating: ``kind`` (``pillar`` or ``practice``),
``competency`` (practices only), ``name`` (the pillar or practice), ``rater`` (``customer``,
``employee`` or anything for practices) and ``rating`` (1..``scale_max``, a mean where many
people rated).

- **Pillar %** = (rating − 1) / (scale_max − 1) × 100: the share of the scale above its
  bottom (0% = everyone gave the lowest rating, 100% = the highest), per rater.
- **Stage**: the practices' ratings are averaged per competency; the six averages are summed
  (6–30) and read against domain.md: 6–14 Investigate, 15–18 Initiate, 19–22 Mobilize, 23–26
  Scale, 27–30 Embed (a fractional sum belongs to the stage whose range it reaches: 14.5 is
  still Investigate, 15 Initiate).
- **Pillar weights** (``objective.pillar_weights: from_maturity``): weight_p = (100 − m_p) /
  mean over the six pillars of (100 − m_q), m = the customers' pillar %. The weakest pillar
  weighs most; the six weights average 1; an initiative without a pillar weighs 1. Its
  customer value is multiplied by its pillar's weight.
- **Benchmarks**: a table of ``name`` (pillar or touchpoint) and ``score`` (market score on the
  same 0–100 scale); gap = own customer % − market score.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError
from ..models import PILLARS
from .spec import Evidence
from .survey import _column, _f, _numbers, read_sheet, row_list, stage_key

COMPETENCIES: tuple[str, ...] = (
    "Organization",
    "Planning",
    "Activation",
    "Responding",
    "Improving",
    "Innovation",
)
"""The XM Institute model's six competencies (domain.md)."""

STAGES: tuple[tuple[float, str], ...] = (
    (15, "Investigate"),
    (19, "Initiate"),
    (23, "Mobilize"),
    (27, "Scale"),
    (float("inf"), "Embed"),
)
"""Upper bounds (exclusive) of the sum of competency averages for each stage."""


def maturity_stage(total: float) -> str:
    """The stage of a sum of the six competency averages (6–30)."""
    for bound, name in STAGES:
        if total < bound:
            return name
    return STAGES[-1][1]


def pillar_percent(rating: float | np.ndarray, scale_max: float) -> Any:
    """(rating − 1) / (scale_max − 1) × 100."""
    return (np.asarray(rating, dtype=float) - 1.0) / (scale_max - 1.0) * 100.0


def weights_from_maturity(percent: dict[str, float]) -> dict[str, float]:
    """Pillar weights: gap to 100% over the mean gap (see module docstring)."""
    gaps = {p: max(0.0, 100.0 - v) for p, v in percent.items()}
    mean = float(np.mean(list(gaps.values()))) if gaps else 0.0
    if mean <= 0:
        return {p: 1.0 for p in percent}
    return {p: g / mean for p, g in gaps.items()}


@dataclass(frozen=True)
class MaturityAnalysis:
    """Pillar % per rater with benchmark gaps, and the maturity stage."""

    pillars: pd.DataFrame
    competencies: pd.DataFrame
    total: float | None
    stage: str | None
    benchmarks: pd.DataFrame
    pillar_weights: dict[str, float]

    def findings(self) -> list[str]:
        """Headline findings, one sentence each."""
        lines = []
        if "customer" in self.pillars and self.pillars["customer"].notna().any():
            weakest = str(self.pillars["customer"].idxmin())
            lines.append(
                f"Customers rate '{weakest}' weakest: "
                f"{float(self.pillars['customer'][weakest]):.0f}%."
            )
            if "employee" in self.pillars:
                gap = (self.pillars["employee"] - self.pillars["customer"]).mean()
                if np.isfinite(gap):
                    lines.append(
                        f"Employees see the experience {abs(gap):.0f} points "
                        f"{'better' if gap > 0 else 'worse'} than customers on average."
                    )
        if "gap" in self.pillars and self.pillars["gap"].notna().any():
            worst = str(self.pillars["gap"].idxmin())
            lines.append(
                f"Largest gap to the market: '{worst}', {float(self.pillars['gap'][worst]):+.0f} "
                "points."
            )
        if self.stage is not None and self.total is not None:
            lines.append(
                f"Maturity stage: {self.stage} (sum of competency averages {self.total:.1f})."
            )
        return lines

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        out = {"maturity_pillars": self.pillars}
        if len(self.competencies):
            out["maturity_competencies"] = self.competencies
        if len(self.benchmarks):
            out["benchmarks"] = self.benchmarks
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "pillars": [
                {"pillar": str(p), **{k: _f(v) for k, v in row.items()}}
                for p, row in self.pillars.iterrows()
            ],
            "competencies": [
                {"competency": str(c), "average": _f(row["average"]), "practices": int(row["n"])}
                for c, row in self.competencies.iterrows()
            ],
            "total": self.total,
            "stage": self.stage,
            "pillar_weights": self.pillar_weights,
            "benchmarks": [
                {
                    "name": str(n),
                    "score": _f(row["score"]),
                    **({"source": str(row["source"])} if "source" in row else {}),
                }
                for n, row in self.benchmarks.iterrows()
            ],
        }

    def text(self) -> str:
        """Terminal rendering."""
        from ..render import text_table

        lines = ["Pillar maturity (% of the scale; gap = customers − market)"]
        lines.append(text_table(self.pillars, formats={c: ".0f" for c in self.pillars.columns}))
        if self.stage is not None:
            lines.append(
                f"Stage: {self.stage} (sum of the six competency averages {self.total:.1f}; "
                "6-14 Investigate, 15-18 Initiate, 19-22 Mobilize, 23-26 Scale, 27-30 Embed)"
            )
        return "\n".join(lines)


def _competencies(frame: pd.DataFrame, column: str, practices: pd.Series, source: str) -> pd.Series:
    """The practices' competencies, matched without case and spaces to the six known names;
    a located error for any other name (with a did-you-mean)."""
    known = {stage_key(c): c for c in COMPETENCIES}
    text = frame[column].where(frame[column].notna(), "").astype(str)
    keys = text.map(stage_key)
    problems = []
    unknown = practices & ~keys.isin(list(known))
    for key in dict.fromkeys(keys[unknown]):
        rows = unknown & (keys == key)
        written = str(text[rows].iloc[0]).strip()
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
        hint = f"did you mean {known[close[0]]!r}? " if close else ""
        what = f"unknown competency {written!r}" if key else "no competency named"
        problems.append(
            Problem(
                f"{source} {row_list(rows, limit=5)}, column {column!r}",
                f"{what} for a practice; {hint}expected one of {', '.join(COMPETENCIES)}",
            )
        )
    if problems:
        raise ScenarioError(problems)
    return keys.map(lambda k: known.get(k, k))


def analyse_maturity(
    evidence: Evidence, *, base_dir: str | os.PathLike[str] = ".", source: str = "scenario"
) -> MaturityAnalysis:
    """Read and analyse the maturity sheet and the benchmark table (either may be absent)."""
    pillars = pd.DataFrame(index=pd.Index(list(PILLARS), name="pillar"))
    competencies = pd.DataFrame(columns=["average", "n"])
    total = stage = None
    scale_max = 5.0
    if evidence.maturity is not None:
        spec = evidence.maturity
        scale_max = spec.scale_max
        where = f"{source}: key evidence.maturity"
        path = Path(base_dir) / spec.file
        frame = read_sheet(path, spec.sheet, where)
        cols = {
            role: _column(frame, role, path.name, where)
            for role in ("kind", "competency", "name", "rater", "rating")
        }
        rating = _numbers(frame, cols["rating"], path.name)
        bad = (rating < 1) | (rating > scale_max)
        if bad.any():
            rows = row_list(bad, frame[cols["rating"]])
            raise ScenarioError(
                [
                    Problem(
                        f"{path.name} column {cols['rating']!r}",
                        f"ratings must lie in 1..{scale_max:g}; {int(bad.sum())} do not, "
                        f"e.g. {rows}",
                    )
                ]
            )
        kind = frame[cols["kind"]].astype(str).str.strip().str.lower()
        name = frame[cols["name"]].astype(str).str.strip()
        rater = frame[cols["rater"]].astype(str).str.strip().str.lower()
        is_pillar = kind == "pillar"
        unknown = sorted(set(name[is_pillar].str.lower()) - set(PILLARS))
        if unknown:
            raise ScenarioError(
                [
                    Problem(
                        f"{path.name} column {cols['name']!r}",
                        f"unknown pillar(s) {unknown}; expected one of {list(PILLARS)}",
                    )
                ]
            )
        ratings = pd.DataFrame(
            {
                "pillar": name[is_pillar].str.lower(),
                "rater": rater[is_pillar],
                "r": rating[is_pillar],
            }
        )
        if len(ratings):
            means = ratings.groupby(["pillar", "rater"])["r"].mean().unstack()
            percent = pillar_percent(means.to_numpy(), scale_max)
            pillars = pillars.join(
                pd.DataFrame(percent, index=means.index, columns=list(means.columns))
            )
        practices = kind == "practice"
        if practices.any():
            comp = _competencies(frame, cols["competency"], practices, path.name)
            table = pd.DataFrame({"competency": comp[practices], "r": rating[practices]})
            competencies = pd.DataFrame(
                table.groupby("competency")["r"].agg(average="mean", n="count")
            )
            missing = [
                c for c in COMPETENCIES if c.lower() not in {x.lower() for x in competencies.index}
            ]
            if missing:
                raise ScenarioError(
                    [
                        Problem(
                            f"{path.name} column {cols['competency']!r}",
                            f"no practice rated for {missing}; the stage needs all six "
                            f"competencies ({', '.join(COMPETENCIES)})",
                        )
                    ]
                )
            total = float(competencies["average"].sum())
            stage = maturity_stage(total)
    bench = pd.DataFrame(columns=["score"])
    if evidence.benchmarks is not None:
        spec_b = evidence.benchmarks
        where = f"{source}: key evidence.benchmarks"
        path = Path(base_dir) / spec_b.file
        frame = read_sheet(path, spec_b.sheet, where)
        name_col = _column(frame, "name", path.name, where)
        score_col = _column(frame, "score", path.name, where)
        bench = pd.DataFrame(
            {"score": _numbers(frame, score_col, path.name).to_numpy()},
            index=pd.Index(frame[name_col].astype(str).str.strip().str.lower(), name="name"),
        )
        if "source" in {str(c).lower() for c in frame.columns}:
            bench["source"] = frame[_column(frame, "source", path.name, where)].to_numpy()
        pillars["benchmark"] = bench["score"].reindex(pillars.index).to_numpy()
        if "customer" in pillars:
            pillars["gap"] = pillars["customer"] - pillars["benchmark"]
    weights = (
        weights_from_maturity({str(p): float(v) for p, v in pillars["customer"].dropna().items()})
        if "customer" in pillars
        else {}
    )
    return MaturityAnalysis(
        pillars=pillars,
        competencies=competencies,
        total=total,
        stage=stage,
        benchmarks=bench,
        pillar_weights=weights,
    )
