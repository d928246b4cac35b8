"""One-way sensitivity (tornado): swing each assumption between low and high, one at a time.

For every assumption the optimum is re-solved at its low and at its high value; the
recommended base-case portfolio is also valued there as it stands. Assumptions: each segment's
LTV and customer count, the complaint rate, the discount rate, the horizon, the objective
weights, and every initiative's uncertain fields (their ``_low/_high`` ranges or
± ``uncertainty.default_relative``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import formatting as fmt
from ..evidence.coverage import overlap_model, own_objective
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions, json_records
from ..rules import build_rules
from ..value import score_initiatives
from ._common import FEASIBLE, prefer_base, sweep_options
from ._parallel import chunks, flatten, resolve_workers, run_tasks
from .protocol import AnalysisResult, Finding, base_result, normalizers_of
from .uncertainty import field_ranges

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True)
class Assumption:
    """One assumption to swing: scenario-level overrides or initiative field values."""

    name: str
    group: str
    low_label: str
    high_label: str
    low: dict[str, Any]
    high: dict[str, Any]
    kind: str  # "settings" (with_overrides keywords) or "values" ({field: array})
    initiative: int = -1  # input position of the one initiative a "values" swing moves
    label: str = ""  # the assumption in plain words (names, field labels), for charts


@dataclass(frozen=True, eq=False)
class Tornado(AnalysisResult):
    """Result of :func:`tornado`."""

    scenario: Scenario
    base: Result
    options: SolverOptions
    table: pd.DataFrame
    relative: float | None = None

    @property
    def base_objective(self) -> float:
        """The base optimum's objective (mode units): the centre line of the chart."""
        return self.base.objective

    def _table(self) -> pd.DataFrame:
        """One row per assumption, sorted by swing (largest first).

        Columns: ``assumption`` (stable key: ids and field names), ``label`` (the same in
        plain words: names, field labels), ``group``, ``low``, ``high`` (the values tried, as
        text people read: ``€420k``, ``10,720``, ``8%``);
        ``objective_low`` / ``objective_high`` (re-optimized, objective units); ``swing``
        (|high − low|); ``fixed_low`` / ``fixed_high`` (the base portfolio's objective value
        kept fixed); ``portfolio_changes`` (the optimum differs from the base portfolio at low
        or high); ``entered``, ``left`` (ids, ``;``-separated, at low and high together).
        """
        return self.table

    def finding(self) -> Finding:
        """The assumption that moves the optimum most."""
        changing = int(self.table["portfolio_changes"].sum())
        if not len(self.table):
            return Finding("No assumption to swing", {"changing": 0})
        top = self.table.iloc[0]
        mode, cur = self.scenario.objective.mode, self.scenario.currency
        swing = float(top["swing"])
        moved = fmt.objective_change(swing, mode, cur).lstrip("+")
        return Finding(
            f"{fmt.sentence(str(top['label']))} matters most: from {top['low']} to "
            f"{top['high']} moves the result by {moved}",
            {
                "assumption": top["assumption"],
                "low": top["low"],
                "high": top["high"],
                "swing": swing,
                "changing": changing,
            },
        )

    def summary(self) -> list[str]:
        """Terminal lines: how many assumptions, how many change the portfolio, the finding."""
        changing = int(self.table["portfolio_changes"].sum())
        return [
            f"{self.scenario.name} — tornado over {len(self.table)} assumptions; {changing} "
            f"change the portfolio itself (base objective {self.base_objective:.4g})",
            self.finding().text,
        ]

    def _payload(self) -> dict[str, Any]:
        return {"base_objective": self.base_objective, "assumptions": json_records(self.table)}

    def _manifest_extra(self) -> dict[str, Any]:
        return {"relative": self.relative}

    def plot(self, ax: Axes | None = None, *, title: str | None = None, top: int = 12) -> Axes:
        """Tornado chart (see plots.plot_tornado)."""
        from ..plots import plot_tornado

        return plot_tornado(
            self._table(),
            base_objective=self.base_objective,
            currency=self.scenario.currency,
            mode=self.scenario.objective.mode,
            title=self.finding().text if title is None else title,
            top=top,
            ax=ax,
        )


def assumptions(scenario: Scenario, *, relative: float | None = None) -> list[Assumption]:
    """Every assumption the tornado swings, with its low and high settings.

    ``relative`` sets the ± share for scenario-level numbers (LTV, customers, complaint rate);
    default ``uncertainty.default_relative`` or 0.2 when that is 0.
    """
    rel = relative if relative is not None else (scenario.uncertainty.default_relative or 0.2)
    cur = scenario.currency
    out: list[Assumption] = []
    for key, seg in scenario.segments.items():
        for attr, label in (("ltv", "LTV"), ("customers", "customers")):
            base = getattr(seg, attr)
            lo, hi = base * (1 - rel), base * (1 + rel)
            segs_lo = {**scenario.segments, key: seg.model_copy(update={attr: lo})}
            segs_hi = {**scenario.segments, key: seg.model_copy(update={attr: hi})}
            words = (
                f"{fmt.sentence(fmt.words(key))} customers' lifetime value"
                if attr == "ltv"
                else f"{fmt.sentence(fmt.words(key))} customers (number)"
            )
            out.append(
                Assumption(
                    f"segment {key} {label}",
                    "segments",
                    fmt.field_value(attr, lo, cur),
                    fmt.field_value(attr, hi, cur),
                    {"segments": segs_lo},
                    {"segments": segs_hi},
                    "settings",
                    label=words,
                )
            )
    cr = scenario.complaint_rate
    cr_lo, cr_hi = cr * (1 - rel), min(1.0, cr * (1 + rel))
    out.append(
        Assumption(
            "complaint rate",
            "settings",
            fmt.field_value("complaint_rate", cr_lo, cur),
            fmt.field_value("complaint_rate", cr_hi, cur),
            {"complaint_rate": cr_lo},
            {"complaint_rate": cr_hi},
            "settings",
            label=fmt.field_label("complaint_rate"),
        )
    )
    r = scenario.discount_rate
    r_lo, r_hi = max(0.0, r - 0.02), r + 0.02
    out.append(
        Assumption(
            "discount rate",
            "settings",
            fmt.field_value("discount_rate", r_lo, cur),
            fmt.field_value("discount_rate", r_hi, cur),
            {"discount_rate": r_lo},
            {"discount_rate": r_hi},
            "settings",
            label=fmt.field_label("discount_rate"),
        )
    )
    h = scenario.horizon_years
    out.append(
        Assumption(
            "horizon (years)",
            "settings",
            str(max(1, h - 1)),
            str(h + 1),
            {"horizon_years": max(1, h - 1)},
            {"horizon_years": h + 1},
            "settings",
            label=fmt.field_label("horizon_years"),
        )
    )
    if scenario.objective.mode == "blended":
        w = scenario.objective.business_weight
        w_lo, w_hi = max(0.0, w - 0.1), min(1.0, w + 0.1)
        out.append(
            Assumption(
                "business weight",
                "objective",
                fmt.field_value("business_weight", w_lo, cur),
                fmt.field_value("business_weight", w_hi, cur),
                {"weights": {"business": w_lo, "customer": 1 - w_lo}},
                {"weights": {"business": w_hi, "customer": 1 - w_hi}},
                "settings",
                label=fmt.field_label("business_weight"),
            )
        )
    ranges = field_ranges(scenario)
    for field, fr in ranges.items():
        for k in np.flatnonzero(fr.uncertain):
            ident = scenario.initiatives[int(k)].id
            lo, hi = fr.base.copy(), fr.base.copy()
            lo[k], hi[k] = fr.low[k], fr.high[k]
            out.append(
                Assumption(
                    f"{ident} {field}",
                    "initiatives",
                    fmt.field_value(field, float(fr.low[k]), cur),
                    fmt.field_value(field, float(fr.high[k]), cur),
                    {field: lo},
                    {field: hi},
                    "values",
                    int(k),
                    label=f"{scenario.initiatives[int(k)].name}: {fmt.field_short(field)}",
                )
            )
    return out


def _number(value: float) -> str:
    """Readable number for labels: thousands separators, few decimals for small values."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


RESOURCE_FIELDS = ("cost", "opex")


Forced = Callable[[int], tuple[float, np.ndarray]]
"""The best portfolio (objective, selection) with initiative k forced to the other side of
the recommendation (out when it is in, in when it is out), under the base scores."""


def _swing_without_solve(
    field: str,
    base_scores: pd.DataFrame,
    scores: pd.DataFrame,
    base_selection: np.ndarray,
    forced: Forced | None = None,
    fits: Callable[[], bool] | None = None,
) -> tuple[float, np.ndarray] | None:
    """The optimum (objective, selection) of a one-initiative swing when it follows without
    re-solving the swung scenario, else None.

    With the normalizers fixed, swinging initiative k changes only k's score (by Δs) and its
    use of a limit (Δuse). If k is out of the recommendation, Δs ≤ 0 and Δuse ≥ 0, no
    portfolio gets better or fits where it did not: the recommendation stays optimal with the
    same value. If k is in it, Δs ≥ 0 and Δuse = 0, the feasible set is unchanged and no
    portfolio gains more than the recommendation, whose value rises by Δs.

    When only the score moves (Δuse = 0) in the other direction, every portfolio with k moves
    by Δs and every other one stays: the optimum is the better of the best portfolio with k
    and the best without it. One of the two is the recommendation (moved by Δs if it holds
    k); the other is ``forced(k)``, the same for every swing of k — so one solve per
    initiative serves all its swings. Ties favour the recommendation (1e-9, relative).

    The same holds when k is in the recommendation, Δs ≤ 0 and Δuse ≥ 0 (k costs more and is
    worth less), provided the recommendation still keeps every rule (``fits()``): no
    portfolio with k gains or newly fits, so the best with k is the recommendation moved by
    Δs, and the best without k is ``forced(k)``, untouched by k's numbers.
    """
    delta_score = scores["objective_score"].to_numpy() - base_scores["objective_score"].to_numpy()
    if field in RESOURCE_FIELDS or field.startswith("effort_"):
        column = {"cost": "cost", "opex": "opex_per_year"}.get(field, field)
        delta_use = scores[column].to_numpy() - base_scores[column].to_numpy()
    else:
        delta_use = np.zeros(len(delta_score))
    moved = np.flatnonzero((delta_score != 0) | (delta_use != 0))
    if len(moved) > 1:
        return None
    base_objective = float(base_scores["objective_score"].to_numpy() @ base_selection)
    if len(moved) == 0:
        return base_objective, base_selection
    k = int(moved[0])
    shift, inside = float(delta_score[k]), base_selection[k] > 0.5
    if not inside and shift <= 0 and delta_use[k] >= 0:
        return base_objective, base_selection
    if inside and shift >= 0 and delta_use[k] == 0:
        return base_objective + shift, base_selection
    if forced is None:
        return None
    if delta_use[k] != 0:  # only k in it, worth less, using more, and it still fits
        if not (inside and shift <= 0 and delta_use[k] > 0 and fits is not None and fits()):
            return None
        if shift == 0:  # no portfolio gains, and the recommendation still fits
            return base_objective, base_selection
    rival, rival_selection = forced(k)
    keep = base_objective + shift if inside else base_objective
    rival = rival if inside else rival + shift
    best = max(keep, rival)
    if keep >= best - 1e-9 * max(1.0, abs(best)):
        return keep, base_selection
    return rival, rival_selection


def _evaluate(
    scenario: Scenario,
    items: list[Assumption],
    options: SolverOptions,
    base_scores: pd.DataFrame,
    norm: tuple[float, float],
    base_selection: np.ndarray,
    skip_provable: bool = True,
    solved_elsewhere: dict[int, tuple[float, np.ndarray]] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    ids = np.array(scenario.ids)
    order = {i: k for k, i in enumerate(ids)}
    base_set = set(ids[base_selection > 0.5])
    sweep = sweep_options(options, len(scenario.initiatives))
    fixed = set(scenario.mandatory_ids()) | set(scenario.rules.excluded)
    cache: dict[int, tuple[float, np.ndarray]] = dict(solved_elsewhere or {})
    forced_solves = 0
    # the shortcut's argument holds for an objective that sums the initiatives' scores; with
    # feedback several initiatives address (counted once) it does not: solve every swing
    provable = skip_provable and overlap_model(scenario, base_scores) is None

    def forced(k: int) -> tuple[float, np.ndarray]:
        nonlocal forced_solves
        if k not in cache:
            ident = str(ids[k])
            inside = base_selection[k] > 0.5
            cache[k] = (-np.inf, base_selection)  # mandatory or excluded: no other side
            if ident not in fixed:
                other = (
                    scenario.with_overrides(force_out=[ident])
                    if inside
                    else scenario.with_overrides(force_in=[ident])
                )
                toggled = base_selection.copy()
                toggled[k] = 0.0 if inside else 1.0
                result = solve_portfolio(other, sweep, scores=base_scores, start=toggled)
                forced_solves += 1
                if result.status in FEASIBLE:
                    cache[k] = (result.objective, result.selection)
        return cache[k]

    for item in items:
        row: dict[str, Any] = {
            "assumption": item.name,
            "label": item.label or item.name,
            "group": item.group,
            "low": item.low_label,
            "high": item.high_label,
        }
        entered: set[str] = set()
        left: set[str] = set()
        changed = False
        solves = 0
        for side, setting in (("low", item.low), ("high", item.high)):
            before = forced_solves
            if item.kind == "settings":
                variant = scenario.with_overrides(**_settings(setting))
                scores = score_initiatives(variant, normalizers=norm)
            else:
                variant = scenario
                scores = score_initiatives(scenario, values=setting, normalizers=norm)
            row[f"fixed_{side}"] = own_objective(variant, scores, base_selection)
            known = (
                _swing_without_solve(
                    next(iter(setting)),
                    base_scores,
                    scores,
                    base_selection,
                    forced,
                    functools.partial(_fits, variant, scores, base_selection),
                )
                if provable and item.kind == "values" and len(setting) == 1
                else None
            )
            solves += forced_solves - before
            if known is not None:
                ok = True
                row[f"objective_{side}"], selection = known
            else:
                result = solve_portfolio(variant, sweep, scores=scores, start=base_selection)
                solves += 1
                ok = result.status in FEASIBLE
                row[f"objective_{side}"] = result.objective if ok else float("nan")
                selection = prefer_base(result, base_selection)
            chosen = set(ids[selection > 0.5]) if ok else set()
            if ok and chosen != base_set:
                changed = True
                entered |= chosen - base_set
                left |= base_set - chosen
        row["swing"] = abs(row["objective_high"] - row["objective_low"])
        row["portfolio_changes"] = changed
        row["solves"] = solves
        row["entered"] = ";".join(sorted(entered, key=order.__getitem__))
        row["left"] = ";".join(sorted(left, key=order.__getitem__))
        rows.append(row)
    return rows


def _fits(scenario: Scenario, scores: pd.DataFrame, selection: np.ndarray) -> bool:
    """Whether ``selection`` keeps every rule of ``scenario`` with these ``scores``' costs and
    efforts, exactly (no tolerance: a tie goes to a re-solve)."""
    return all(rule.holds(selection, tolerance=0.0) for rule in build_rules(scenario, scores))


def _settings(setting: dict[str, Any]) -> dict[str, Any]:
    if "weights" in setting:
        return {"weights": setting["weights"]}
    return setting


def tornado(
    scenario: Scenario,
    *,
    relative: float | None = None,
    options: SolverOptions | None = None,
    base: Result | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    skip_provable: bool = True,
    toggled: Mapping[str, tuple[float, np.ndarray]] | None = None,
) -> Tornado:
    """One-way sensitivity of the optimum to every assumption.

    Swings of one initiative whose optimum follows without re-solving the swung scenario
    (see ``_swing_without_solve``: at most one solve per initiative) are not re-solved unless
    ``skip_provable`` is false; the ``solves`` column counts solves.

    ``toggled``: per initiative id, the best portfolio (objective, 0/1 selection in input
    order) with it forced to the other side of ``base``, under the base scores, as
    :meth:`~prioritizer.analysis.explain.Explanations.toggled` gives (the steering pack passes
    its explain's): used instead of solving it again.

    Blended scores keep the base case's normalizers S_b and S_c, so every objective value is
    a share of the *base-case* opportunity and comparable across assumptions.

    Parameters
    ----------
    scenario:
        The scenario (must be feasible in its base case).
    relative:
        ± share for segment LTV, customer counts and the complaint rate (default
        ``uncertainty.default_relative``, or 0.2 when that is 0). The discount rate moves
        ± 2 points, the horizon ± 1 year, the business weight ± 0.1.

    Returns
    -------
    Tornado
        ``to_frame()`` sorted by swing; an assumption that affects nothing has swing 0.
    """
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    items = assumptions(scenario, relative=relative)
    norm = normalizers_of(base.scores)
    # one task per swung initiative (its swings share one forced solve), the rest in chunks
    general = [i for i, item in enumerate(items) if item.initiative < 0]
    size = max(1, -(-len(general) // (resolve_workers(workers) * 4)))
    groups: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        if item.initiative >= 0:
            groups.setdefault(item.initiative, []).append(i)
    batches = [general[a:b] for a, b in chunks(len(general), size)] + list(groups.values())
    position = {ident: k for k, ident in enumerate(scenario.ids)}
    known = {position[i]: value for i, value in (toggled or {}).items() if i in position}

    def solved(batch: list[int]) -> dict[int, tuple[float, np.ndarray]]:
        swung = {items[i].initiative for i in batch}
        return {k: value for k, value in known.items() if k in swung}

    tasks = [
        (
            scenario,
            [items[i] for i in b],
            options,
            base.scores,
            norm,
            base.selection,
            skip_provable,
            solved(b),
        )
        for b in batches
    ]
    parts = run_tasks(_evaluate, tasks, workers=workers, executor=executor, progress=progress)
    by_position = dict(zip(flatten(batches), flatten(parts), strict=True))
    rows = [by_position[i] for i in range(len(items))]
    columns = [
        "assumption",
        "label",
        "group",
        "low",
        "high",
        "objective_low",
        "objective_high",
        "swing",
        "fixed_low",
        "fixed_high",
        "portfolio_changes",
        "entered",
        "left",
        "solves",
    ]
    table = pd.DataFrame.from_records(rows, columns=columns)
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    return Tornado(scenario, base, options, table, relative)
