"""The domain's fixed vocabulary: CX pillars, impact and cost fields, countable attributes
(domain.md, spec.md §1). Shared by the models and their cross-field checks."""

from __future__ import annotations

PILLARS: tuple[str, ...] = (
    "trust",
    "empathy",
    "delivery",
    "personalization",
    "ease",
    "responsiveness",
)
"""The six CX pillars of a maturity audit (domain.md)."""

IMPACT_FIELDS: tuple[str, ...] = (
    "voc_volume",
    "ces_delta",
    "churn_reduction_pp",
    "cross_sell",
    "cost_savings",
)
"""Initiative fields that describe customer or business impact."""

COST_FIELDS: tuple[str, ...] = ("cost", "opex")
"""Initiative fields that describe money spent."""

NUMERIC_FIELDS: tuple[str, ...] = IMPACT_FIELDS + COST_FIELDS
"""Numeric initiative fields that may carry a ``_low``/``_high`` range."""

COUNT_ATTRIBUTES: tuple[str, ...] = ("pillar", "journey_stage", "segment")
"""Attributes that ``rules.min_count`` and ``rules.max_count`` may count by."""

ALL_SEGMENTS = "all"
