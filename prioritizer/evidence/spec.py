"""The ``evidence:`` section of a scenario (spec.md §6): what files to read and how.

Only configuration lives here (validated, frozen pydantic models); reading and counting are in
:mod:`prioritizer.evidence.voc`, :mod:`~prioritizer.evidence.survey` and
:mod:`~prioritizer.evidence.maturity`. The one derived part a scenario carries is
:attr:`Evidence.overlap`: the feedback volume that several initiatives address at once, which
the optimizer needs so that the same feedback item counts once (see
:mod:`prioritizer.evidence.coverage`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True
    )


VOC_ROLES: tuple[str, ...] = (
    "topics",
    "date",
    "customer",
    "segment",
    "journey_stage",
    "channel",
    "score",
)
"""Roles a VoC export's columns can be mapped to (``topics`` is required)."""


class VocColumns(_Frozen):
    """Role -> the export's column header (matched case-insensitively after trimming)."""

    topics: str = Field(min_length=1, description="topics of the item, several per cell")
    date: str | None = Field(default=None, description="when the item was given")
    customer: str | None = Field(default=None, description="customer id: count customers once")
    segment: str | None = None
    journey_stage: str | None = None
    channel: str | None = None
    score: str | None = Field(
        default=None, description="effort score of the item (higher = more effort)"
    )

    def mapped(self) -> dict[str, str]:
        """Role -> header, for the roles that are mapped."""
        return {role: getattr(self, role) for role in VOC_ROLES if getattr(self, role)}


class Window(_Frozen):
    """An inclusive range of calendar days."""

    from_: dt.date = Field(alias="from")
    to: dt.date

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, str_strip_whitespace=True
    )

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.to < self.from_:
            raise ValueError(f"window 'to' ({self.to}) is before 'from' ({self.from_})")
        return self

    @property
    def days(self) -> int:
        """Days in the window, both ends included."""
        return (self.to - self.from_).days + 1


class VocSpec(_Frozen):
    """A VoC export: one row per feedback item (spec.md §6)."""

    file: str = Field(min_length=1)
    sheet: str | None = None
    columns: VocColumns
    window: Window | None = None
    annualize: bool = True
    date_format: str | None = Field(
        default=None, description="strptime format of the date column; default ISO 8601"
    )


class SurveySpec(_Frozen):
    """A survey export: one row per response; an outcome and driver/touchpoint ratings."""

    file: str = Field(min_length=1)
    sheet: str | None = None
    outcome: str = Field(min_length=1, description="column of the outcome (CES, NPS, CSAT)")
    drivers: tuple[str, ...] = Field(default=(), description="columns of driver ratings")
    journey_stage: str | None = Field(default=None, description="column of the journey stage")
    higher_is_better: bool = Field(
        default=False, description="False for effort (CES: lower is better)"
    )
    confidence: float = Field(default=0.95, gt=0, lt=1)


class MaturitySpec(_Frozen):
    """A maturity sheet: rows of (kind, name, rater, rating)."""

    file: str = Field(min_length=1)
    sheet: str | None = None
    scale_max: float = Field(default=5.0, gt=0)


class BenchmarkSpec(_Frozen):
    """Market scores per pillar or touchpoint: rows of (name, score, source)."""

    file: str = Field(min_length=1)
    sheet: str | None = None


class OverlapGroup(NamedTuple):
    """Feedback addressed by more than one initiative: derived at load, never typed.

    A named tuple, not a model: a large export can give 10^5 groups.
    """

    ids: tuple[str, ...]
    volume: float  # items (or customers) per year, as voc_volume


class Evidence(_Frozen):
    """The ``evidence:`` section of a scenario."""

    voc: VocSpec | None = None
    survey: SurveySpec | None = None
    maturity: MaturitySpec | None = None
    benchmarks: BenchmarkSpec | None = None
    base_dir: str = Field(  # set by the loader; left out of dumps and the fingerprint
        default=".", description="folder the file paths are relative to", exclude=True
    )
    overlap: tuple[OverlapGroup, ...] = ()
    notes: tuple[tuple[str, str, str], ...] = Field(  # set by the loader, like base_dir
        default=(),
        description="(code, message, where) of warnings found while deriving weights",
        exclude=True,
    )

    @field_validator("overlap", mode="before")
    @classmethod
    def _tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value
