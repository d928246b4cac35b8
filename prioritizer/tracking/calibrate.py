"""Calibration: realization factors per reference class from tracked cycles, applied to a new
scenario's forecasts (reference-class forecasting; the Green Book's optimism-bias uplifts).

Method
------
An observation is one measured field of one initiative of a tracked plan: ratio
r = actual ÷ forecast (fields with a forecast of 0 are skipped); for ``cost`` the spend of an
initiative that is live (finished) ÷ its planned cost. Observations are grouped by reference
class and field. The class is a column of the initiatives table (:data:`CLASS_COLUMNS`): the
``pillar`` by default, or the initiative's ``type`` (automation, process, ...), its ``owner``,
its ``journey_stage`` or ``segment``; classes match without case, an initiative with a blank
class falls in ``(none)``.

Few observations say little, so each class's mean ratio m (over n observations) is shrunk
toward 1 (the forecast taken at its word) by credibility weighting:

    Z = n / (n + k),    factor = 1 + Z · (m − 1)

k is the weight of the prior "forecasts are right", counted in observations (default
:data:`PRIOR_WEIGHT` = 4: a class with 4 observations moves half-way to its mean). This is the
posterior mean of a normal model whose prior at 1 is worth k observations. The uncertainty
shown is ±1.96 · Z · s / √n. The spread s is the class's own sample standard deviation s_c
blended with the one pooled over every class, s_p, as variances weighted by degrees of
freedom, the pooled one worth :data:`POOLED_SPREAD_WEIGHT` of them:

    s² = ((n − 1) · s_c² + w · s_p²) / ((n − 1) + w)

so a class with one observation takes the pooled spread, two identical observations do not
claim a range of zero width, and many observations speak for themselves. A factor of a field that
cannot be negative is floored at 0. Actuals equal to forecasts give ratios of exactly 1, so
factors of exactly 1 and an unchanged scenario.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..models import Scenario
from .plan import IMPACT_FIELDS, Plan

PRIOR_WEIGHT = 4.0
POOLED_SPREAD_WEIGHT = 2.0
"""Degrees of freedom the spread pooled over every class is worth in a class's own spread."""
CLASS_COLUMNS = ("pillar", "type", "owner", "journey_stage", "segment")
"""Reference classes calibration can group by (columns of the initiatives table)."""
DEFAULT_CLASS = "pillar"
CALIBRATED_FIELDS = (*IMPACT_FIELDS, "cost")
_NON_NEGATIVE = ("churn_reduction_pp", "voc_volume", "ces_delta", "opex", "cost")


@dataclass(frozen=True)
class Factor:
    """The realization factor of one (reference class, field)."""

    klass: str
    field: str
    observations: int
    mean_ratio: float
    credibility: float
    factor: float
    low: float
    high: float

    def range_text(self) -> str:
        """The 95% range in words ("range 0.86–0.91", or why there is none)."""
        if math.isnan(self.low):
            return "no range: a single observation and no spread to pool"
        return f"range {self.low:.2f}–{self.high:.2f}"


@dataclass(frozen=True)
class Calibration:
    """Factors per reference class; ``by`` names the class column."""

    by: str
    prior_weight: float
    factors: tuple[Factor, ...]
    observations: pd.DataFrame

    def factor(self, klass: str, field: str) -> Factor | None:
        """The factor of a class (matched without case) and field; None when not observed."""
        wanted = klass.strip().casefold()
        for f in self.factors:
            if f.klass.casefold() == wanted and f.field == field:
                return f
        return None

    def to_frame(self) -> pd.DataFrame:
        """One row per (class, field): observations, mean ratio, credibility Z, factor, and
        its 95% range."""
        columns = [
            "klass",
            "field",
            "observations",
            "mean_ratio",
            "credibility",
            "factor",
            "low",
            "high",
        ]
        frame = pd.DataFrame([f.__dict__ for f in self.factors], columns=columns)
        return frame.rename(columns={"klass": self.by})


def class_of(item: Any, by: str) -> str:
    """The reference class of an initiative (planned or in a scenario): its ``by`` column,
    stripped, ``(none)`` when blank."""
    return str(getattr(item, by) or "").strip() or "(none)"


def observations(
    cycles: Iterable[tuple[Plan, Sequence[dict[str, Any]]]], by: str = DEFAULT_CLASS
) -> pd.DataFrame:
    """Ratios actual ÷ forecast of every measured field of every tracked plan.

    ``cycles``: (plan, actuals rows with ``id``, ``status``, ``spent``, ``measured``).
    """
    if by not in CLASS_COLUMNS:
        raise ValueError(f"by must be one of {CLASS_COLUMNS}; got {by!r}")
    records = []
    for plan, rows in cycles:
        items = {item.id: item for item in plan.initiatives}
        for row in rows:
            item = items.get(str(row["id"]))
            if item is None:
                continue
            klass = class_of(item, by)
            for name, actual in dict(row.get("measured") or {}).items():
                forecast = item.forecast.get(name, 0.0)
                if forecast != 0 and actual is not None:
                    records.append((klass, name, item.id, actual / forecast))
            if row.get("status") == "live" and item.cost > 0:
                records.append((klass, "cost", item.id, float(row.get("spent") or 0.0) / item.cost))
    frame = pd.DataFrame.from_records(records, columns=[by, "field", "id", "ratio"])
    # one spelling per class (the first met), so "Automation" and "automation" pool
    spelling: dict[str, str] = {}
    frame[by] = [spelling.setdefault(str(k).casefold(), str(k)) for k in frame[by]]
    return frame


def calibrate(
    cycles: Iterable[tuple[Plan, Sequence[dict[str, Any]]]],
    *,
    by: str = DEFAULT_CLASS,
    prior_weight: float = PRIOR_WEIGHT,
) -> Calibration:
    """Realization factors per reference class and field, shrunk toward 1 (module doc)."""
    obs = observations(cycles, by)
    pooled = _pooled_sd(obs, by)
    factors = []
    for (klass, name), group in obs.groupby([by, "field"], sort=True):
        ratios = group["ratio"].astype(float).tolist()
        n = len(ratios)
        mean = math.fsum(ratios) / n
        z = n / (n + prior_weight)
        factor = 1.0 + z * (mean - 1.0)
        sd = _blended_sd(ratios, pooled)
        half = 1.96 * z * sd / math.sqrt(n) if sd is not None else float("nan")
        if name in _NON_NEGATIVE:
            factor = max(factor, 0.0)
        factors.append(
            Factor(str(klass), str(name), n, mean, z, factor, factor - half, factor + half)
        )
    return Calibration(by, prior_weight, tuple(factors), obs)


def _blended_sd(values: list[float], pooled: float | None) -> float | None:
    """The class's spread blended with the pooled one (module doc); None without either."""
    own_dof = len(values) - 1
    if pooled is None:
        return _sd(values) if own_dof else None
    own = _sd(values) ** 2 * own_dof if own_dof else 0.0
    weight = POOLED_SPREAD_WEIGHT
    return math.sqrt((own + weight * pooled**2) / (own_dof + weight))


def _sd(values: list[float]) -> float:
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


def _pooled_sd(obs: pd.DataFrame, by: str) -> float | None:
    squares, dof = 0.0, 0
    for _key, group in obs.groupby([by, "field"]):
        values = group["ratio"].astype(float).tolist()
        if len(values) > 1:
            mean = math.fsum(values) / len(values)
            squares += math.fsum((v - mean) ** 2 for v in values)
            dof += len(values) - 1
    return math.sqrt(squares / dof) if dof else None


@dataclass(frozen=True)
class Change:
    """One forecast changed by calibration."""

    id: str
    field: str
    before: float
    after: float
    factor: Factor

    def sentence(self, by: str) -> str:
        f = self.factor
        return (
            f"{self.id} {self.field} × {f.factor:.2f} from {past(f, by)} ({by}; credibility "
            f"{f.credibility:.0%}, {f.range_text()})"
        )


def past(factor: Factor, by: str) -> str:
    """ "4 past automation initiatives" / "3 past initiatives owned by Digital Sales"."""
    n = factor.observations
    noun = f"initiative{'s' * (n != 1)}"
    if by == "owner":
        return f"{n} past {noun} owned by {factor.klass}"
    return f"{n} past {factor.klass} {noun}"


def apply_calibration(
    scenario: Scenario, calibration: Calibration
) -> tuple[Scenario, list[Change]]:
    """The scenario with every calibrated forecast (and its ``_low``/``_high`` range) scaled
    by its class's factor; the input scenario is untouched."""
    changes: list[Change] = []
    items = []
    for item in scenario.initiatives:
        klass = class_of(item, calibration.by)
        update: dict[str, Any] = {}
        ranges = dict(item.ranges)
        for name in CALIBRATED_FIELDS:
            found = calibration.factor(klass, name)
            before = float(getattr(item, name))
            if found is None or found.factor == 1.0 or before == 0:
                continue
            update[name] = before * found.factor
            if name in ranges:
                low, high = ranges[name]
                ranges[name] = (
                    None if low is None else low * found.factor,
                    None if high is None else high * found.factor,
                )
            changes.append(Change(item.id, name, before, update[name], found))
        if update:
            update["ranges"] = ranges
            items.append(item.model_copy(update=update))
        else:
            items.append(item)
    if not changes:
        return scenario, []
    return scenario.with_overrides(initiatives=tuple(items)), changes


def calibration_from_register(
    target: Any, *, by: str = DEFAULT_CLASS, prior_weight: float = PRIOR_WEIGHT
) -> Calibration:
    """Factors from every tracking recorded in a register (path or URL); a SQLite register
    file that does not exist is refused, never created."""
    from .register import open_register

    book = open_register(target, create=False, option="--calibrate")
    return calibrate(book.trackings_of(), by=by, prior_weight=prior_weight)
