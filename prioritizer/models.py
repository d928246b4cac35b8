"""Validated, immutable data models of a scenario (spec.md §1).

The models are frozen pydantic v2 models that reject unknown keys. A :class:`Scenario` is built
by :func:`prioritizer.io.load_scenario` from files, or directly from Python objects; either way
the cross-field rules (unique ids, known segments and teams, dependencies without cycles, ...)
are checked by :func:`prioritizer.scenario_checks.find_problems` before anything downstream
sees it. The domain's fixed vocabulary (pillars, impact fields) is in
:mod:`prioritizer.vocabulary` and re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .evidence.spec import Evidence
from .exceptions import Problem, ScenarioError
from .periods import PeriodLimitError, coerce_label, expand_period_limits
from .scenario_checks import (
    Loc,
    canonical_id,
    dependency_cycle,
    find_problems,
    id_spellings,
    loc_text,
    match_names_without_case,
)
from .vocabulary import (
    ALL_SEGMENTS,
    COST_FIELDS,
    COUNT_ATTRIBUTES,
    IMPACT_FIELDS,
    NUMERIC_FIELDS,
    PILLARS,
)

NonNegative = Annotated[float, Field(ge=0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, str_strip_whitespace=True
    )


class Segment(_Frozen):
    """An LTV segment: how many customers it has and what one is worth."""

    customers: NonNegative = Field(description="number of customers in the segment")
    ltv: NonNegative = Field(description="lifetime value of one customer, currency")


def _equal_weights() -> dict[Literal["business", "customer"], float]:
    return {"business": 0.5, "customer": 0.5}


class Objective(_Frozen):
    """What the optimizer maximizes (spec.md §2)."""

    mode: Literal["business", "customer", "blended"] = "blended"
    weights: dict[Literal["business", "customer"], NonNegative] = Field(
        default_factory=_equal_weights
    )
    stage_weights: dict[str, NonNegative] | Literal["from_evidence"] = Field(default_factory=dict)
    pillar_weights: dict[str, NonNegative] | Literal["from_maturity"] = Field(default_factory=dict)

    @field_validator("mode", mode="before")
    @classmethod
    def _lower_mode(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("weights")
    @classmethod
    def _weights_sum_positive(cls, value: dict[str, float]) -> dict[str, float]:
        if sum(value.values()) <= 0:
            raise ValueError("weights must not all be zero (they are normalized to sum to 1)")
        return value

    @property
    def business_weight(self) -> float:
        """Normalized weight of business value in the blended objective (0-1)."""
        total = sum(self.weights.values())
        return self.weights.get("business", 0.0) / total

    @property
    def customer_weight(self) -> float:
        """Normalized weight of customer value in the blended objective (0-1)."""
        total = sum(self.weights.values())
        return self.weights.get("customer", 0.0) / total

    def stage_weight(self, journey_stage: str) -> float:
        """Weight of a moment of truth; matched case-insensitively, 1.0 when not listed."""
        if isinstance(self.stage_weights, str):
            raise ScenarioError("stage_weights: from_evidence is resolved by load_scenario")
        wanted = journey_stage.strip().casefold()
        for stage, weight in self.stage_weights.items():
            if stage.strip().casefold() == wanted:
                return weight
        return 1.0

    def pillar_weight(self, pillar: str) -> float:
        """Weight of a CX pillar in customer value (evidence.maturity); 1.0 when not listed."""
        if isinstance(self.pillar_weights, str):
            raise ScenarioError("pillar_weights: from_maturity is resolved by load_scenario")
        return self.pillar_weights.get(pillar.strip().lower(), 1.0) if pillar else 1.0


CountRule = dict[
    Literal["pillar", "journey_stage", "segment"], dict[str, Annotated[int, Field(ge=0)]]
]


class Rules(_Frozen):
    """Portfolio rules beyond budget and capacity."""

    mandatory: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    min_count: CountRule = Field(default_factory=dict)
    max_count: CountRule = Field(default_factory=dict)


class Uncertainty(_Frozen):
    """How uncertain the impact fields are when they carry no explicit range."""

    default_relative: float = Field(default=0.0, ge=0, lt=1)


class ColumnError(ValueError):
    """A whole-row check that fails because of one column (``column``, e.g.
    ``churn_reduction_pp_low``): the loader names that column rather than the row."""

    def __init__(self, message: str, column: str) -> None:
        super().__init__(message)
        self.column = column


class FoldedRow(dict[str, Any]):
    """A row whose ``effort`` and ``ranges`` are already folded (the table reader's output)."""


class Initiative(_Frozen):
    """One candidate initiative: a row of the initiatives table (spec.md §1)."""

    id: str = Field(min_length=1)
    name: str = ""
    segment: str = ALL_SEGMENTS
    journey_stage: str = ""
    pillar: Literal[
        "", "trust", "empathy", "delivery", "personalization", "ease", "responsiveness"
    ] = ""
    type: str = Field(default="", description="kind of initiative (a calibration class)")
    owner: str = Field(default="", description="who delivers it (a calibration class)")
    voc_volume: NonNegative = 0.0
    ces_delta: NonNegative = 0.0
    churn_reduction_pp: NonNegative = 0.0
    cross_sell: float = 0.0
    cost_savings: float = 0.0
    cost: NonNegative = 0.0
    opex: NonNegative = 0.0
    effort: dict[str, NonNegative] = Field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    exclusive_group: str = ""
    mandatory: bool = False
    addresses: tuple[str, ...] = ()  # VoC topics it fixes (spec.md §6); voc_volume derived
    ranges: dict[str, tuple[float | None, float | None]] = Field(default_factory=dict)
    # roadmap columns (spec.md §5); ignored when the scenario has no `periods`
    duration: int = Field(default=1, ge=1, description="whole periods of work")
    earliest_start: str = Field(default="", description="period label; default the first")
    deadline: str = Field(default="", description="period label: last period of work")
    ramp_up: int = Field(default=0, ge=0, description="periods from go-live to full benefit")

    @field_validator("earliest_start", "deadline", mode="before")
    @classmethod
    def _label_text(cls, value: Any) -> Any:
        return coerce_label(value)

    @model_validator(mode="before")
    @classmethod
    def _fold_columns(cls, data: Any) -> Any:
        """Fold table columns ``effort_<team>`` and ``<field>_low/_high`` into fields."""
        if not isinstance(data, Mapping) or isinstance(data, FoldedRow):
            return data
        folded: dict[str, Any] = {}
        effort: dict[str, Any] = dict(data.get("effort") or {})
        ranges: dict[str, list[Any]] = {k: list(v) for k, v in (data.get("ranges") or {}).items()}
        for raw_key, value in data.items():
            key = str(raw_key).strip().lower()
            if key in ("effort", "ranges"):
                continue
            for suffix, side in (("_low", 0), ("_high", 1)):
                base = key.removesuffix(suffix)
                if base != key and (base in NUMERIC_FIELDS or base.startswith("effort_")):
                    ranges.setdefault(base, [None, None])[side] = value
                    break
            else:
                if key.startswith("effort_"):
                    effort[key.removeprefix("effort_")] = value
                else:
                    folded[key] = value
        if effort:
            folded["effort"] = effort
        if ranges:
            folded["ranges"] = {k: tuple(v) for k, v in ranges.items()}
        return folded

    @field_validator("id", mode="before")
    @classmethod
    def _id_text(cls, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("pillar", mode="before")
    @classmethod
    def _lower_pillar(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("depends_on", "addresses", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            parts = value.replace(",", ";").split(";")
            return tuple(p.strip() for p in parts if p.strip())
        return value

    @model_validator(mode="after")
    def _complete(self) -> Initiative:
        if not self.name:
            object.__setattr__(self, "name", self.id)
        filled: dict[str, tuple[float | None, float | None]] = {}
        for field, (low, high) in self.ranges.items():
            if field not in NUMERIC_FIELDS and not field.startswith("effort_"):
                raise ValueError(f"no range can be given for {field!r}")
            base = self.base_value(field)
            given_low = low is not None
            low = base if low is None else low
            high = base if high is None else high
            if low > high:
                raise ColumnError(
                    f"{field}_low ({low:g}) is above {field}_high ({high:g})", f"{field}_low"
                )
            if not low <= base <= high:
                side = "_low" if base < low and given_low else "_high"
                raise ColumnError(
                    f"{field} ({base:g}) lies outside its range [{low:g}, {high:g}]; "
                    f"the base value must lie between {field}_low and {field}_high",
                    f"{field}{side}",
                )
            if field in NUMERIC_FIELDS and field not in ("cross_sell", "cost_savings") and low < 0:
                raise ColumnError(f"{field}_low ({low:g}) must be >= 0", f"{field}_low")
            filled[field] = (low, high)
        object.__setattr__(self, "ranges", filled)
        return self

    def range_of(self, field: str) -> tuple[float, float]:
        """Plausible (low, high) of a numeric field; (base, base) when no range was given."""
        low, high = self.ranges.get(field, (None, None))
        base = self.base_value(field)
        return (base if low is None else low, base if high is None else high)

    def base_value(self, field: str) -> float:
        """The base value of a numeric field (``effort_<team>`` included)."""
        if field.startswith("effort_"):
            return self.effort.get(field.removeprefix("effort_"), 0.0)
        return float(getattr(self, field))


class Scenario(_Frozen):
    """A complete, validated planning scenario: settings plus initiatives.

    Immutable: derive what-if variants with :meth:`with_overrides`.
    """

    name: str = "Unnamed scenario"
    currency: str = "EUR"
    initiatives: tuple[Initiative, ...]
    horizon_years: int = Field(default=3, ge=1, le=100)
    discount_rate: float = Field(default=0.0, ge=0, lt=1)
    complaint_rate: float = Field(default=0.10, gt=0, le=1)
    budget: NonNegative
    opex_budget: NonNegative | None = None
    segments: dict[str, Segment] = Field(min_length=1)
    teams: dict[str, NonNegative] = Field(default_factory=dict)
    objective: Objective = Field(default_factory=Objective)
    rules: Rules = Field(default_factory=Rules)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    evidence: Evidence | None = None  # spec.md §6; applied by prioritizer.evidence.load
    _load_report: Any = PrivateAttr(default=None)
    _forced_in: tuple[str, ...] = PrivateAttr(default=())
    _pinned_starts: tuple[tuple[str, str], ...] = PrivateAttr(default=())
    # roadmap settings (spec.md §5); a scenario without `periods` is solved as in v1
    periods: tuple[str, ...] | None = None
    period_length_months: int = Field(default=3, ge=1, le=120)
    period_budgets: tuple[NonNegative, ...] | None = None
    period_teams: dict[str, tuple[NonNegative, ...]] = Field(default_factory=dict)

    @field_validator("periods", mode="before")
    @classmethod
    def _period_labels(cls, value: Any) -> Any:
        return [coerce_label(v) for v in value] if isinstance(value, list | tuple) else value

    @model_validator(mode="before")
    @classmethod
    def _expand_period_limits(cls, data: Any) -> Any:
        """A single number for a per-period limit means that number in every period; a
        mapping by period label, the values in the order of ``periods``."""
        try:
            return expand_period_limits(data)
        except PeriodLimitError as exc:
            raise ColumnError(str(exc), exc.key) from None

    @field_validator("initiatives", mode="before")
    @classmethod
    def _list_to_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Scenario:
        match_names_without_case(self)
        if info.context and info.context.get("skip_cross_checks"):
            return self
        problems = find_problems(self)
        if problems:
            raise ValueError("; ".join(f"{loc_text(p[0])}: {p[1]}" for p in problems))
        return self

    # -- how it was read --------------------------------------------------------------
    @property
    def load_report(self) -> Any:
        """How the files were read (:class:`prioritizer.inputs.LoadReport`), or None when
        the scenario was built in Python."""
        return self._load_report

    @property
    def warnings(self) -> tuple[Any, ...]:
        """Values accepted with a caveat (:class:`prioritizer.inputs.InputWarning`), as read."""
        return tuple(self._load_report.warnings) if self._load_report is not None else ()

    def with_load_report(self, report: Any) -> Scenario:
        """This scenario carrying ``report`` (used by the loader)."""
        copy = self.model_copy()
        copy._load_report = report
        return copy

    # -- convenience -------------------------------------------------------------------
    def fingerprint(self) -> str:
        """SHA-256 of the validated scenario in a canonical form: initiatives sorted by id,
        every mapping's keys sorted (YAML keys, effort per team, ranges), so identical data
        hashes the same whatever the order of the input rows, of the table's columns or of
        the YAML keys (the manifest's ``scenario_sha256``)."""
        import hashlib
        import json

        import numpy as np

        items = tuple(sorted(self.initiatives, key=lambda item: item.id))
        teams = sorted(self.teams)
        settings = self.model_dump(mode="json", exclude={"initiatives"})
        rows = self.model_copy(update={"initiatives": items}).model_dump_json(
            include={"initiatives"}, exclude={"initiatives": {"__all__": {"effort", "ranges"}}}
        )
        efforts = [item.effort for item in items]  # built team by team: one pass per team
        effort = np.array([[e.get(team, 0.0) for e in efforts] for team in teams], dtype=float).T
        ranges = [[item.id, sorted(item.ranges.items())] for item in items if item.ranges]
        digest = hashlib.sha256()
        for part in (settings, teams, ranges):
            digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(rows.encode("utf-8"))
        digest.update(effort.astype("<f8").tobytes())  # person-days, initiatives x sorted teams
        return digest.hexdigest()

    @property
    def ids(self) -> list[str]:
        """Initiative ids in input order."""
        return [i.id for i in self.initiatives]

    def initiative(self, initiative_id: str) -> Initiative:
        """The initiative with this id; ScenarioError if there is none."""
        for item in self.initiatives:
            if item.id == initiative_id:
                return item
        raise ScenarioError(f"unknown initiative id {initiative_id!r}")

    def canonical_ids(self, idents: Iterable[str]) -> list[str]:
        """``idents`` as the table spells them, matched without case as in ``rules`` (for ids
        typed on the command line); an id matching none is kept as given, to be refused."""
        spellings = id_spellings(self.ids)
        return [canonical_id(str(ident), spellings) for ident in idents]

    @property
    def forced_in(self) -> tuple[str, ...]:
        """Ids made mandatory by :meth:`with_overrides` (``force_in``, the CLI's ``--force-in``),
        not by the scenario itself (the ``mandatory`` column or ``rules.mandatory``)."""
        return self._forced_in

    @property
    def pinned_starts(self) -> dict[str, str]:
        """Initiative id → the period label it must start in, set by :meth:`with_overrides`
        (``pin_starts``, the CLI's ``--start``): every roadmap of this scenario keeps them —
        the plan, explain's and Monte Carlo's re-plans, a budget sweep."""
        return dict(self._pinned_starts)

    def mandatory_ids(self) -> list[str]:
        """Ids that must be chosen (the `mandatory` column and `rules.mandatory`), input order."""
        wanted = set(self.rules.mandatory)
        return [i.id for i in self.initiatives if i.mandatory or i.id in wanted]

    def with_overrides(
        self,
        *,
        budget: float | None = None,
        opex_budget: float | None = None,
        teams: Mapping[str, float] | None = None,
        objective: str | None = None,
        weights: Mapping[str, float] | None = None,
        force_in: Iterable[str] = (),
        force_out: Iterable[str] = (),
        pin_starts: Mapping[str, str] | None = None,
        **settings: Any,
    ) -> Scenario:
        """Return a new scenario with some assumptions changed; this one stays untouched.

        Parameters
        ----------
        budget, opex_budget:
            New caps, currency (one-off and per year).
        teams:
            Team capacities to change, person-days; teams not named keep theirs.
        objective:
            ``business``, ``customer`` or ``blended``.
        weights:
            Blended weights, e.g. ``{"business": 0.7, "customer": 0.3}``; a weight not given
            keeps the scenario's (as ``--weights``); they are normalized to sum to 1.
        force_in, force_out:
            Initiative ids (or one id) that must (must not) be chosen in this what-if; an id
            in both, or a mandatory one forced out, is refused; the ones forced
            in are in ``rules.mandatory`` and, unless the scenario made them mandatory
            already, in :attr:`forced_in`.
        pin_starts:
            Roadmaps only: initiative id → period label it must start in (added to
            :attr:`pinned_starts`; checked when a roadmap is planned).
        **settings:
            Any other top-level scenario field (``horizon_years``, ``discount_rate``,
            ``complaint_rate``, ``segments``, ``initiatives``, ``name``, ...).

        Examples
        --------
        >>> lean = sc.with_overrides(budget=2_000_000, teams={"digital": 1500})  # doctest: +SKIP

        With nothing to change it returns this (frozen) scenario itself, not revalidated
        (0.2-0.4 s at N = 20,000).
        """
        # one id given as a string is that id (``tuple("CHAT")`` would be four ids)
        force_in = (force_in,) if isinstance(force_in, str) else tuple(force_in)
        force_out = (force_out,) if isinstance(force_out, str) else tuple(force_out)
        present = set(self.ids) if force_in or force_out else set()
        if not present.issuperset((*force_in, *force_out)):  # ids match without case, as in rules
            force_in, force_out = (tuple(self.canonical_ids(ids)) for ids in (force_in, force_out))
            strangers = [
                Problem(key, f"unknown initiative id {ident!r}")
                for key, ids in (("force_in", force_in), ("force_out", force_out))
                for ident in ids
                if ident not in present
            ]
            if strangers:
                raise ScenarioError(strangers)
        mandatory = set(self.mandatory_ids())
        clashes = [
            Problem(
                "force_in/force_out",
                f"{ident} is both forced in and forced out: the same initiative cannot be "
                "forced in and out; drop one",
            )
            for ident in dict.fromkeys(force_in)
            if ident in force_out
        ] + [
            Problem(
                "force_out",
                f"{ident} is mandatory in the scenario (`mandatory` column or "
                "rules.mandatory); it cannot be forced out",
            )
            for ident in dict.fromkeys(force_out)
            if ident in mandatory and ident not in force_in
        ]
        if clashes:
            raise ScenarioError(clashes)
        nothing = (budget, opex_budget, objective, weights) == (None,) * 4
        if nothing and not (teams or force_in or force_out or settings or pin_starts):
            return self
        data: dict[str, Any] = {name: getattr(self, name) for name in type(self).model_fields}
        data.update(settings)
        if budget is not None:
            data["budget"] = budget
        if opex_budget is not None:
            data["opex_budget"] = opex_budget
        if teams:
            known = {t.casefold(): t for t in self.teams}
            teams = {known.get(str(k).casefold(), k): v for k, v in teams.items()}
            unknown = sorted(set(teams) - set(self.teams))
            if unknown:
                raise ScenarioError(
                    [
                        Problem(
                            "teams",
                            f"unknown team {name!r}; expected one of {sorted(self.teams)}",
                        )
                        for name in unknown
                    ]
                )
            data["teams"] = {**self.teams, **dict(teams)}
        if objective is not None or weights is not None:
            obj = self.objective.model_dump()
            if objective is not None:
                obj["mode"] = objective
            if weights is not None:  # a weight not given keeps the scenario's (as --weights)
                obj["weights"] = {**obj["weights"], **dict(weights)}
            data["objective"] = obj
        if force_in or force_out:
            rules = self.rules.model_dump()
            rules["mandatory"] = tuple(dict.fromkeys((*rules["mandatory"], *force_in)))
            rules["excluded"] = tuple(dict.fromkeys((*rules["excluded"], *force_out)))
            data["rules"] = rules
        try:
            changed = type(self).model_validate(data)
        except ValidationError as exc:
            raise ScenarioError(
                [
                    Problem(loc_text(err["loc"]), err["msg"].removeprefix("Value error, "))
                    for err in exc.errors()
                ]
            ) from None
        changed._load_report = self._load_report
        own = set(self.mandatory_ids()).difference(self._forced_in)
        forced = dict.fromkeys((*self._forced_in, *force_in))
        changed._forced_in = tuple(ident for ident in forced if ident not in own)
        changed._pinned_starts = tuple({**self.pinned_starts, **dict(pin_starts or {})}.items())
        return changed


__all__ = [
    "ALL_SEGMENTS",
    "COST_FIELDS",
    "COUNT_ATTRIBUTES",
    "IMPACT_FIELDS",
    "NUMERIC_FIELDS",
    "PILLARS",
    "FoldedRow",
    "Initiative",
    "Loc",
    "NonNegative",
    "Objective",
    "Rules",
    "Scenario",
    "Segment",
    "Uncertainty",
    "dependency_cycle",
    "find_problems",
]
