"""The uncertain inputs of a scenario: which fields vary, between which bounds, and how to
evaluate the value model with some of them replaced.

Used by the tornado (one input at a time) and the Monte Carlo (all inputs at once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..models import IMPACT_FIELDS, NUMERIC_FIELDS, Scenario


@dataclass(frozen=True)
class FieldRange:
    """(low, base, high) of one numeric field, one entry per initiative (input order)."""

    field: str
    low: np.ndarray
    base: np.ndarray
    high: np.ndarray

    @property
    def uncertain(self) -> np.ndarray:
        """Boolean mask of the initiatives whose field has a non-zero width."""
        return self.high > self.low


def field_ranges(scenario: Scenario) -> dict[str, FieldRange]:
    """Ranges of every numeric initiative field that varies for at least one initiative.

    An explicit ``<field>_low/_high`` wins; otherwise the impact fields (VoC volume, CES delta,
    churn reduction, cross-sell, savings) take ``base × (1 ± uncertainty.default_relative)``.
    Cost, opex and effort vary only where a range is given.
    """
    relative = scenario.uncertainty.default_relative
    fields = list(NUMERIC_FIELDS) + [f"effort_{team}" for team in scenario.teams]
    out: dict[str, FieldRange] = {}
    for field in fields:
        base = np.array([i.base_value(field) for i in scenario.initiatives], dtype=float)
        low, high = base.copy(), base.copy()
        for k, item in enumerate(scenario.initiatives):
            if field in item.ranges:
                low[k], high[k] = item.range_of(field)
            elif field in IMPACT_FIELDS and relative > 0:
                a, b = base[k] * (1 - relative), base[k] * (1 + relative)
                low[k], high[k] = min(a, b), max(a, b)
        if np.any(high > low):
            out[field] = FieldRange(field, low, base, high)
    return out
