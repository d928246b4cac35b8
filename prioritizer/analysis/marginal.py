"""Marginal value of every limit: what ±10% of the budget, the opex budget or a team's
capacity would change, and what one more unit is worth.

Integer programs have no meaningful duals, so every figure is a re-solve: the optimum with the
limit moved up and down by ``step``, and the exact least amount of the limit at which the
optimum improves at all (with the initiatives that would enter first).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import formatting as fmt
from ..models import Scenario
from ..optimize import solve_portfolio
from ..result import Result, SolverOptions, json_records
from ..rules import Limit, scenario_limits
from ._common import FEASIBLE, least_use_beating, prefer_base, sweep_options
from ._parallel import run_tasks
from .protocol import AnalysisResult, Finding, base_result

if TYPE_CHECKING:
    from matplotlib.axes import Axes


@dataclass(frozen=True, eq=False)
class MarginalValues(AnalysisResult):
    """Marginal values of the scenario's limits around the base optimum; ``step`` is the
    relative move of each limit (0.10 = ±10%).

    ``to_frame()``: one row per limit (index ``limit``: the :class:`~prioritizer.rules.Limit` key,
    ``budget``, ``opex_budget`` or ``team:<name>``).

    Columns: ``label`` (business words), ``unit``; ``available``, ``used``; ``binding``
    (the one definition, :func:`prioritizer.rules.is_binding`, as ``Result.limits()``);
    ``worth_relaxing`` (relaxing it by ``step`` improves the optimum); ``objective_gain_up`` /
    ``objective_loss_down`` (objective units, limit ×(1 ± step)); ``business_value_gain_up``
    (currency); ``value_per_unit`` (objective per currency unit or person-day over the +step
    move); ``business_value_per_unit``;
    ``status_down``; ``next_improvement_at`` (least amount of the limit that improves the
    optimum, same unit); ``enters_first`` (ids that enter there, ``;``-separated);
    the optimum re-solved with the limit at exactly ``next_improvement_at`` (the priced
    option "this much more"), against the base optimum: ``objective_gain_next``
    (objective units), ``business_value_gain_next`` (currency),
    ``customer_value_gain_next`` (effort points a year), ``enters_next`` and
    ``leaves_next`` (ids, ``;``-separated); NaN / empty when nothing improves.
    """

    scenario: Scenario
    base: Result
    options: SolverOptions
    table: pd.DataFrame
    step: float = 0.10

    def _table(self) -> pd.DataFrame:
        """The table of ``to_frame()``: see the class docstring."""
        return self.table

    def binding(self) -> list[str]:
        """Labels of the binding limits (:func:`prioritizer.rules.is_binding`)."""
        return [str(label) for label in self.table.loc[self.table["binding"], "label"]]

    def finding(self) -> Finding:
        """Which limit is worth most when relaxed by ``step``, and what that buys (the same
        number as its bar on the chart)."""
        gain = self.table["objective_gain_up"].fillna(0)
        numbers: dict[str, Any] = {"step": self.step}
        if len(gain) and gain.max() > 0:
            top = gain.idxmax()
            row: pd.Series = self.table.loc[str(top)]  # type: ignore[assignment]
            cur, mode = self.scenario.currency, self.scenario.objective.mode
            delta = float(row["available"]) * self.step
            numbers.update(
                limit=str(top),
                objective_gain_up=float(gain.max()),
                extra=delta,
                binding=bool(row["binding"]),
            )
            return Finding(
                f"{fmt.sentence(str(row['label']))} is worth most: "
                f"{fmt.share(self.step)} more "
                f"({fmt.limit_amount(delta, str(row['unit']), cur)}) adds "
                f"{fmt.objective_change(float(gain.max()), mode, cur)}",
                numbers,
            )
        return Finding(f"No single limit is worth relaxing by {fmt.share(self.step)}", numbers)

    def summary(self) -> list[str]:
        """Terminal lines: the step, the finding and the binding limits."""
        table, step = self.table, fmt.share(self.step)
        gain = table["objective_gain_up"].fillna(0) > 0

        def names(mask: pd.Series) -> str:
            return ", ".join(str(label) for label in table.loc[mask, "label"])

        lines = [
            f"{self.scenario.name} — marginal values (±{step})",
            self.finding().text,
            "Binding (used up: the next value-adding initiative does not fit): "
            f"{names(table['binding']) or 'none'}",
        ]
        cur = self.scenario.currency
        for _key, row in table[table["binding"] & ~gain].iterrows():
            label = str(row["label"])
            at = row.get("next_improvement_at")
            if isinstance(at, int | float) and math.isfinite(at):
                more = fmt.limit_amount(float(at) - float(row["used"]), str(row["unit"]), cur)
                lines.append(
                    f"  {label}: {step} more brings nothing in; the next improvement needs "
                    f"{more} more"
                )
            else:
                lines.append(
                    f"  {label}: more of it alone brings nothing in (other limits or rules "
                    "stop the next initiative)"
                )
        swap = ~table["binding"] & gain
        if swap.any():
            lines.append(
                f"  Not binding, yet worth relaxing: {names(swap)} ({step} more lets the "
                "portfolio swap for better initiatives)"
            )
        return lines

    def text_frame(self) -> pd.DataFrame:
        """The table as the terminal prints it: ``value_per_unit`` and
        ``business_value_per_unit`` per round amount of money (:func:`money_step`: €100k for
        a €3M budget) or per 100 person-days, in the objective's words (points of combined
        score, effort points, currency), the unit named in the header (``points per €100k or
        100 person-days``); ``attrs["formats"]`` says how to print them."""
        cur, mode = self.scenario.currency, self.scenario.objective.mode
        money, days = money_step(self.scenario.budget), 100.0
        per = f"per {fmt.money(money, cur)} or {days:.0f} person-days"
        scale = [money if str(u).startswith(cur) else days for u in self.table["unit"]]
        objective = {"blended": "points", "customer": "effort points"}.get(mode, "objective")
        names = {
            "value_per_unit": f"{objective} {per}",
            "business_value_per_unit": f"NPV {per}",
        }
        frame = self.table.assign(
            value_per_unit=self.table["value_per_unit"] * scale * (100 if mode == "blended" else 1),
            business_value_per_unit=self.table["business_value_per_unit"] * scale,
        ).rename(columns=names)
        frame.attrs["formats"] = {
            names["value_per_unit"]: ",.2f" if mode == "blended" else ",.0f",
            names["business_value_per_unit"]: ",.0f",
        }
        return frame

    def _payload(self) -> dict[str, Any]:
        """The base objective, the step and one record per limit."""
        return {
            "objective": self.base.objective,
            "step": self.step,
            "limits": json_records(self.table.reset_index()),
        }

    def _manifest_extra(self) -> dict[str, Any]:
        return {"step": self.step}

    def plot(self, ax: Axes | None = None, *, title: str | None = None) -> Axes:
        """Bar chart of the gain and loss per limit (see plots.plot_marginal)."""
        from ..plots import plot_marginal

        return plot_marginal(
            self._table(),
            currency=self.scenario.currency,
            mode=self.scenario.objective.mode,
            step=self.step,
            title=self.finding().text if title is None else title,
            ax=ax,
        )


def money_step(budget: float) -> float:
    """A round amount of money to price limits per: the power of ten a digit below the
    budget's (€100k for €3M, €1M for €20M); 1 for a budget under 10."""
    return 10.0 ** max(0, math.floor(math.log10(budget)) - 1) if budget >= 10 else 1.0


def _one_limit(
    scenario: Scenario,
    limit: Limit,
    step: float,
    options: SolverOptions,
    scores: pd.DataFrame,
    base_objective: float,
    base_selected: tuple[str, ...],
    base_values: tuple[float, float] = (float("nan"), float("nan")),
) -> dict[str, Any]:
    """One row of the table (see :meth:`MarginalValues._table`); ``base_values`` is the base
    optimum's (business value, customer value)."""
    available = limit.available
    sweep = sweep_options(options, len(scores))
    base_selection = scores.index.isin(base_selected).astype(float)
    up = solve_portfolio(
        limit.moved(scenario, available * (1 + step)), sweep, scores=scores, start=base_selection
    )
    down = solve_portfolio(
        limit.moved(scenario, available * (1 - step)), sweep, scores=scores, start=base_selection
    )
    use = limit.use(scores)
    # the recommendation still fits a relaxed limit: ties with it report it (no NPV change)
    business = scores["business_value"].to_numpy(dtype=float)
    up_business = float(business @ prefer_base(up, base_selection))
    base_business = float(business @ base_selection)  # same sum as up_business: exact 0 gain
    nxt = least_use_beating(  # cuts off for small models: 3x faster on the telecom, same answer
        scenario,
        scores,
        sweep,
        use=use,
        threshold=base_objective,
        disabled_rules=[limit.rule],
    )
    priced = _priced_next(
        scenario, limit, sweep, scores, use, nxt, base_objective, base_selected, base_values
    )
    delta = available * step
    gain = up.objective - base_objective if up.status in FEASIBLE else float("nan")
    business_gain = up_business - base_business if up.status in FEASIBLE else float("nan")
    loss = base_objective - down.objective if down.status in FEASIBLE else float("nan")
    chosen = set(base_selected)
    return {
        "limit": limit.key,
        "label": limit.label,
        "unit": limit.unit,
        "available": available,
        "used": float(use @ scores.index.isin(base_selected)),
        "binding": False,  # set from Result.limits(): the one definition
        "worth_relaxing": bool(gain > 1e-9 * max(1.0, abs(base_objective))),
        "objective_gain_up": gain,
        "objective_loss_down": loss,
        "business_value_gain_up": business_gain,
        "value_per_unit": gain / delta if delta > 0 else float("nan"),
        "business_value_per_unit": business_gain / delta if delta > 0 else float("nan"),
        "status_down": down.status,
        "next_improvement_at": float(use @ nxt.selection) if nxt is not None else float("nan"),
        "enters_first": ";".join(i for i in nxt.selected if i not in chosen) if nxt else "",
        **priced,
    }


def _priced_next(
    scenario: Scenario,
    limit: Limit,
    options: SolverOptions,
    scores: pd.DataFrame,
    use: Any,
    nxt: Result | None,
    base_objective: float,
    base_selected: tuple[str, ...],
    base_values: tuple[float, float],
) -> dict[str, Any]:
    """The optimum re-solved with ``limit`` at exactly the least amount that improves it
    (``nxt``'s use): its gains over the base and the initiatives entering and leaving."""
    empty = {
        "objective_gain_next": float("nan"),
        "business_value_gain_next": float("nan"),
        "customer_value_gain_next": float("nan"),
        "enters_next": "",
        "leaves_next": "",
    }
    if nxt is None:
        return empty
    at = float(use @ nxt.selection)
    # nxt fits every rule at exactly this amount: a feasible start for the re-solve
    moved = solve_portfolio(limit.moved(scenario, at), options, scores=scores, start=nxt.selection)
    if moved.status not in FEASIBLE:
        return empty
    base_business, base_customer = base_values
    before, after = set(base_selected), set(moved.selected)
    return {
        "objective_gain_next": moved.objective - base_objective,
        "business_value_gain_next": moved.business_value - base_business,
        "customer_value_gain_next": moved.customer_value - base_customer,
        "enters_next": ";".join(i for i in moved.selected if i not in before),
        "leaves_next": ";".join(i for i in base_selected if i not in after),
    }


def marginal_values(
    scenario: Scenario,
    *,
    step: float = 0.10,
    options: SolverOptions | None = None,
    base: Result | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MarginalValues:
    """What each limit is worth at the margin.

    Parameters
    ----------
    scenario:
        The scenario (must be feasible).
    step:
        Relative move of each limit (0.10 = ±10%).

    Returns
    -------
    MarginalValues
        ``to_frame()`` has one row per limit; its columns and units are in the docstring of
        :class:`MarginalValues` (``help(px.MarginalValues)``).
    """
    if not 0 < step < 1:
        raise ValueError("step must be between 0 and 1")
    options = options or SolverOptions()
    base = base_result(scenario, options, base)
    b = base
    tasks = [
        (
            scenario,
            limit,
            step,
            options,
            b.scores,
            b.objective,
            tuple(b.selected),
            (b.business_value, b.customer_value),
        )
        for limit in scenario_limits(scenario)
    ]
    rows = run_tasks(_one_limit, tasks, workers=workers, executor=executor, progress=progress)
    table = pd.DataFrame.from_records(rows).set_index("limit")
    table["binding"] = base.limits()["binding"].reindex(table.index).fillna(False).astype(bool)
    return MarginalValues(scenario, base, options, table, step)
