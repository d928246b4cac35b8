"""Survey diagnosis: effort (or outcome) per journey stage, and key-driver analysis.

- **Per stage**: n, mean outcome, standard deviation and a two-sided Student-t confidence
  interval of the mean (``confidence``, default 95%). For an effort outcome (CES, lower is
  better) the stage with the highest mean effort is the sharpest moment of truth.
- **Key drivers**: Johnson's relative weights (Johnson 2000, *Multivariate Behavioral
  Research* 35(1)): the drivers are replaced by their closest orthogonal counterparts
  Z = R^{1/2} (R the drivers' correlation matrix), the outcome is regressed on Z (β), and each
  driver's share of R² is ε_j = Σ_k (R^{1/2})_{jk}² β_k². Reported as % of R², summing to 100.
  For uncorrelated drivers it equals the squared standardized regression coefficients.
- **Stage weights** (``objective.stage_weights: from_evidence``): weight_s = pain_s / mean
  pain over all responses, where pain is the outcome itself for effort (``higher_is_better:
  false``) and (best + worst − outcome) otherwise, best/worst being the observed extremes. A
  stage whose customers report 20% more effort than the average response weighs 1.2.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import Problem, ScenarioError
from .sheets import is_workbook, read_sheet_table
from .spec import SurveySpec


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t (Abramowitz & Stegun 26.7.5 expansion; |error| < 1e-4 for
    df >= 3, exact normal limit); ``df`` <= 0 gives NaN."""
    if df <= 0:
        return math.nan
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def stage_summary(
    outcome: pd.Series, stage: pd.Series, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Per stage: ``n``, ``mean``, ``std``, ``ci_low``, ``ci_high`` (t interval of the mean)."""
    frame = pd.DataFrame({"outcome": outcome.to_numpy(float), "stage": stage.to_numpy()})
    grouped = frame.groupby("stage", sort=True)["outcome"]
    table = pd.DataFrame(grouped.agg(n="count", mean="mean", std="std"))
    quantile = np.array([t_quantile(0.5 + confidence / 2, n - 1) for n in table["n"]])
    half = quantile * table["std"].to_numpy() / np.sqrt(table["n"].to_numpy())
    table["ci_low"] = table["mean"] - half
    table["ci_high"] = table["mean"] + half
    table.index.name = "journey_stage"
    return table


def relative_weights(drivers: pd.DataFrame, outcome: pd.Series) -> pd.DataFrame:
    """Johnson's relative weights of the drivers on the outcome.

    Returns one row per driver: ``raw_weight`` (share of variance explained, sums to R²),
    ``importance_pct`` (sums to 100), ``std_coefficient`` (standardized OLS coefficient) and
    ``correlation`` with the outcome; ``attrs['r_squared']`` holds R².
    """
    x = drivers.to_numpy(dtype=float)
    y = outcome.to_numpy(dtype=float)
    keep = np.isfinite(x).all(axis=1) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(y) < x.shape[1] + 2:
        raise ScenarioError(
            [Problem("survey", f"{len(y)} complete responses: too few for {x.shape[1]} drivers")]
        )
    xs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    n = len(y)
    corr_xx = xs.T @ xs / (n - 1)
    corr_xy = xs.T @ ys / (n - 1)
    values, vectors = np.linalg.eigh(corr_xx)
    values = np.clip(values, 0.0, None)
    root = vectors @ np.diag(np.sqrt(values)) @ vectors.T  # R^{1/2}
    beta = np.linalg.pinv(root) @ corr_xy
    raw = (root**2) @ (beta**2)
    r_squared = float(np.sum(beta**2))
    coefficients = np.linalg.pinv(corr_xx) @ corr_xy
    table = pd.DataFrame(
        {
            "raw_weight": raw,
            "importance_pct": raw / r_squared * 100 if r_squared > 0 else np.zeros(len(raw)),
            "std_coefficient": coefficients,
            "correlation": corr_xy,
        },
        index=pd.Index(list(drivers.columns), name="driver"),
    )
    table.attrs["r_squared"] = r_squared
    return table


def derived_stage_weights(
    outcome: pd.Series, stage: pd.Series, *, higher_is_better: bool
) -> dict[str, float]:
    """Stage weights from the survey: pain per stage / mean pain (see module docstring)."""
    values = outcome.to_numpy(dtype=float)
    keep = np.isfinite(values) & stage.notna().to_numpy()
    values, stages = values[keep], stage.to_numpy()[keep]
    pain = values if not higher_is_better else values.max() + values.min() - values
    mean = float(pain.mean()) if len(pain) else 0.0
    if mean <= 0:
        return {}
    frame = pd.DataFrame({"pain": pain, "stage": stages})
    return {str(s): float(v) / mean for s, v in frame.groupby("stage")["pain"].mean().items()}


@dataclass(frozen=True)
class SurveyAnalysis:
    """A survey export, analysed: per stage, key drivers, derived stage weights."""

    source: str
    responses: int
    outcome: str
    higher_is_better: bool
    confidence: float
    stages: pd.DataFrame
    drivers: pd.DataFrame
    stage_weights: dict[str, float]

    def findings(self) -> list[str]:
        """Headline findings, one sentence each."""
        lines = []
        if len(self.stages):
            worst = str(
                self.stages["mean"].idxmin()
                if self.higher_is_better
                else self.stages["mean"].idxmax()
            )
            row = {str(k): float(self.stages[k][worst]) for k in self.stages.columns}
            lines.append(
                f"'{worst}' is the hardest stage: {self.outcome} {row['mean']:.2f} "
                f"({self.confidence:.0%} CI {row['ci_low']:.2f}-{row['ci_high']:.2f}, "
                f"n={int(row['n'])})."
            )
        if len(self.drivers):
            top = str(self.drivers["importance_pct"].idxmax())
            lines.append(
                f"'{top}' drives {float(self.drivers['importance_pct'][top]):.0f}% of the "
                "explained "
                f"{self.outcome} (R² {self.drivers.attrs.get('r_squared', float('nan')):.2f})."
            )
        return lines

    def tables(self) -> dict[str, pd.DataFrame]:
        """The survey's tables by name."""
        weights = pd.DataFrame(
            {"stage_weight": pd.Series(self.stage_weights, dtype=float)}
        ).rename_axis("journey_stage")
        return {
            "survey_stages": self.stages,
            "survey_key_drivers": self.drivers,
            "survey_stage_weights": weights,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "source": self.source,
            "responses": self.responses,
            "outcome": self.outcome,
            "higher_is_better": self.higher_is_better,
            "confidence": self.confidence,
            "stages": [
                {"journey_stage": str(s), **{k: _f(v) for k, v in row.items()}}
                for s, row in self.stages.iterrows()
            ],
            "key_drivers": [
                {"driver": str(d), **{k: _f(v) for k, v in row.items()}}
                for d, row in self.drivers.iterrows()
            ],
            "r_squared": _f(self.drivers.attrs.get("r_squared")),
            "stage_weights": self.stage_weights,
        }

    def text(self) -> str:
        """Terminal rendering."""
        from ..render import text_table

        formats = {c: ".2f" for c in ("mean", "std", "ci_low", "ci_high")}
        drivers = self.drivers.copy()
        return "\n".join(
            [
                f"Survey {self.source}: {self.responses:,} responses; {self.outcome} by journey "
                f"stage ({self.confidence:.0%} confidence interval)",
                text_table(self.stages, formats={**formats, "n": ",.0f"}),
                "",
                "Key drivers (Johnson's relative weights, % of R²)",
                text_table(
                    drivers,
                    formats={
                        "raw_weight": ".3f",
                        "importance_pct": ".1f",
                        "std_coefficient": ".3f",
                        "correlation": ".3f",
                    },
                ),
            ]
        )


def _f(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def read_sheet(path: Path, sheet: str | None, where: str) -> pd.DataFrame:
    """A small table (CSV with , or ;, or an XLSX sheet) as text cells.

    The null markers of the VoC export (``N/A``, ``NULL``, ...) are blank here too. Rows whose
    cells are all blank (empty lines, ``;;;;``) are dropped, the others keep their place: the
    index + 2 is the row's line in the file where it starts (header = 1, blank lines counted),
    or its row in the sheet. Rows hidden in Excel are not read (the load warns,
    ``hidden-rows``); a CSV row with more or fewer fields than the header is refused."""
    from .columns import NULL_MARKERS

    if not path.exists() or path.is_dir():
        raise ScenarioError([Problem(f"{where}.file", f"file not found: {path}")])
    if is_workbook(path):
        frame = read_sheet_table(path, sheet).frame()
        frame = frame.map(lambda v: None if isinstance(v, str) and v in NULL_MARKERS else v)
    else:
        frame = _read_csv(path, list(NULL_MARKERS))
    return frame[frame.notna().any(axis=1)]


def _read_csv(path: Path, nulls: list[str]) -> pd.DataFrame:
    """A CSV's cells as text, indexed by the line each row starts on − 2."""
    from .columns import csv_header
    from .lines import scan_csv

    header, sep = csv_header(path)
    layout = scan_csv(path, sep, len(header))
    if layout.ragged_count:
        raise ScenarioError([layout.problem(path, sep)])
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            encoding="utf-8-sig",
            keep_default_na=False,
            na_values=nulls,
            skip_blank_lines=False,
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ScenarioError([Problem(path.name, f"cannot read: {exc}")]) from None
    frame.index = pd.Index(layout.line_map.lines(np.arange(len(frame))) - 2)
    return frame


def row_list(mask: pd.Series, values: pd.Series | None = None, limit: int = 5) -> str:
    """``row 12 ('seven'), row 40 ('x')``: the file's lines (index + 2) where ``mask`` holds."""
    labels = list(mask.index[mask.to_numpy(dtype=bool)])[:limit]
    if values is None:
        return ", ".join(f"row {int(i) + 2}" for i in labels)
    return ", ".join(f"row {int(i) + 2} ({str(values[i])!r})" for i in labels)


def stage_key(text: str) -> str:
    """A journey stage as compared: without case, surrounding or repeated spaces."""
    return " ".join(str(text).split()).casefold()


def _column(frame: pd.DataFrame, wanted: str, source: str, where: str) -> str:
    lookup = {str(c).strip().lower(): str(c) for c in frame.columns}
    found = lookup.get(wanted.strip().lower())
    if found is None:
        raise ScenarioError(
            [
                Problem(
                    where,
                    f"column {wanted!r} not found in {source}; its header has "
                    f"{', '.join(repr(str(c)) for c in frame.columns)}",
                )
            ]
        )
    return found


def _numbers(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    text = frame[column].astype(str).str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(frame[column].notna(), ""), errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
    if bad.any():
        rows = row_list(bad, frame[column])
        raise ScenarioError(
            [
                Problem(
                    f"{source} column {column!r}",
                    f"{int(bad.sum())} value(s) that are not numbers, e.g. {rows}",
                )
            ]
        )
    return values


def analyse_survey(
    spec: SurveySpec, *, base_dir: str | os.PathLike[str] = ".", source: str = "scenario"
) -> SurveyAnalysis:
    """Read and analyse a survey export (see the module docstring for the method)."""
    where = f"{source}: key evidence.survey"
    path = Path(base_dir) / spec.file
    frame = read_sheet(path, spec.sheet, where)
    outcome_col = _column(frame, spec.outcome, path.name, f"{where}.outcome")
    outcome = _numbers(frame, outcome_col, path.name)
    driver_cols = [_column(frame, d, path.name, f"{where}.drivers") for d in spec.drivers]
    drivers = pd.DataFrame({c: _numbers(frame, c, path.name) for c in driver_cols})
    if spec.journey_stage:
        stage_col = _column(frame, spec.journey_stage, path.name, f"{where}.journey_stage")
        stage = frame[stage_col].astype(str).str.strip().where(frame[stage_col].notna())
        # one stage whatever its case and spacing, named as first written
        keys = stage.map(lambda v: stage_key(v) if isinstance(v, str) else None)
        first = {k: v for k, v in zip(keys[::-1], stage[::-1], strict=True) if k is not None}
        stage = keys.map(lambda k: first.get(k) if k is not None else None)
    else:
        stage = pd.Series(["all"] * len(frame), index=frame.index)
    valid = outcome.notna() & stage.notna()
    stages = stage_summary(outcome[valid], stage[valid], confidence=spec.confidence)
    key = (
        relative_weights(drivers, outcome)
        if driver_cols
        else pd.DataFrame(index=pd.Index([], name="driver"))
    )
    if driver_cols:  # performance: mean rating, and as % of the observed scale
        low, high = float(np.nanmin(drivers.to_numpy())), float(np.nanmax(drivers.to_numpy()))
        means = drivers.mean().to_numpy()
        key["mean_rating"] = means
        key["performance_pct"] = (means - low) / (high - low) * 100 if high > low else 50.0
    weights = derived_stage_weights(
        outcome[valid], stage[valid], higher_is_better=spec.higher_is_better
    )
    return SurveyAnalysis(
        source=path.name,
        responses=int(valid.sum()),
        outcome=spec.outcome,
        higher_is_better=spec.higher_is_better,
        confidence=spec.confidence,
        stages=stages,
        drivers=key,
        stage_weights=weights,
    )
