"""Text renderings of results for the terminal, JSON and CSV: strings out, nothing printed."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from . import formatting as fmt
from .formatting import amount as money
from .formatting import neutralize_formula
from .models import Scenario
from .result import Result
from .rules import scenario_limits


def text_table(
    frame: pd.DataFrame, *, formats: dict[str, str] | None = None, index: bool = True
) -> str:
    """A plain aligned text table; numbers right-aligned with thousands separators."""
    formats = formats or {}
    columns = ([str(frame.index.name or "")] if index else []) + [str(c) for c in frame.columns]
    rows: list[list[str]] = []
    numeric = [False] * len(columns)
    for key, record in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells = [str(key)] if index else []
        for position, (name, value) in enumerate(zip(frame.columns, record, strict=True)):
            col = position + (1 if index else 0)
            if isinstance(value, bool):
                cells.append("yes" if value else "")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                numeric[col] = True
                if isinstance(value, float) and math.isnan(value):
                    cells.append("")
                else:
                    cells.append(format(value, formats.get(str(name), ",.0f")))
            else:
                cells.append(str(value))
        rows.append(cells)
    widths = [max([len(columns[k])] + [len(r[k]) for r in rows]) for k in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if numeric[k] else c.ljust(w)
            for k, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def chosen_table(result: Result) -> pd.DataFrame:
    """The chosen initiatives with the columns the terminal and CSV show."""
    sc = result.scenario
    frame = result.portfolio
    frame = frame.loc[frame["selected"]]
    columns = ["name", "segment", "pillar", "business_value", "customer_value", "cost"]
    columns += [f"effort_{team}" for team in sc.teams]
    return frame[columns]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def left_out(result: Result, top: int = 5) -> list[tuple[str, str, str]]:
    """The most valuable initiatives not chosen, with the main reason each was left out.

    Returns (id, name, reason) for up to ``top`` initiatives with a positive objective
    score, most valuable first. The reason is the first that applies: excluded by a rule, a
    dependency not chosen, a group mate chosen, the budget/opex/team capacity left (the
    largest shortfall), or that it would displace more value than it brings.
    """
    sc = result.scenario
    frame = result.portfolio
    chosen = set(result.selected)
    out_frame = frame.loc[~frame["selected"] & (frame["objective_score"] > 0)]
    out_frame = out_frame.sort_values("objective_score", ascending=False, kind="stable")
    excluded = set(sc.rules.excluded)
    groups: dict[str, list[str]] = {}
    for item in sc.initiatives:
        if item.exclusive_group and item.id in chosen:
            groups.setdefault(item.exclusive_group, []).append(item.id)
    cost_left = sc.budget - result.cost
    opex_left = None if sc.opex_budget is None else sc.opex_budget - result.opex
    team_left = {t: cap - result.team_use.get(t, 0.0) for t, cap in sc.teams.items()}
    cur = sc.currency
    rows: list[tuple[str, str, str]] = []
    for ident in out_frame.index[:top]:
        item = sc.initiative(str(ident))
        missing = [d for d in item.depends_on if d not in chosen]
        if item.id in excluded:
            reason = "excluded by rules.excluded"
        elif missing:
            reason = f"needs {missing[0]}, which is not chosen"
        elif item.exclusive_group in groups:
            reason = (
                f"one per group {item.exclusive_group!r}: {groups[item.exclusive_group][0]} "
                "is chosen"
            )
        else:
            shortfalls: list[tuple[float, str]] = []
            if item.cost > cost_left + 1e-9:
                shortfalls.append(
                    (
                        item.cost / max(cost_left, 1e-9),
                        f"budget: needs {money(item.cost, cur)}, {money(cost_left, cur)} left",
                    )
                )
            if opex_left is not None and item.opex > opex_left + 1e-9:
                shortfalls.append(
                    (
                        item.opex / max(opex_left, 1e-9),
                        f"running-cost budget: needs {money(item.opex, cur)} a year, "
                        f"{money(opex_left, cur)} left",
                    )
                )
            for team, left in team_left.items():
                need = item.effort.get(team, 0.0)
                if need > left + 1e-9:
                    shortfalls.append(
                        (
                            need / max(left, 1e-9),
                            f"{fmt.team(team)} team: needs {need:,.0f} days, {left:,.0f} left",
                        )
                    )
            if shortfalls:
                reason = max(shortfalls)[1]
            else:
                reason = (
                    "fits, but a rule (count limit) or a better use of the same money keeps it out"
                )
        rows.append((item.id, item.name, reason))
    return rows


def _terminal_width() -> int:
    import shutil

    return max(60, shutil.get_terminal_size((110, 24)).columns)


def solve_table(
    result: Result, extra: Sequence[tuple[str, str]] = (), *, width: int | None = None
) -> str:
    """The terminal report of ``prioritizer solve``: the portfolio (names clipped to the
    terminal ``width``, mandatory initiatives marked ``*``), totals vs limits, ``extra``
    (label, text) rows, then the most valuable initiatives left out and why."""
    sc = result.scenario
    cur = sc.currency
    width = width or _terminal_width()
    mandatory = set(sc.mandatory_ids())
    table = chosen_table(result).copy()
    table.index = [f"{i} *" if i in mandatory else str(i) for i in table.index]
    table.index.name = "id"
    dropped = False
    if len(table):
        rest = len(text_table(table.assign(name="")).splitlines()[0])
        efforts = [f"effort_{t}" for t in sc.teams]
        if rest + 12 > width and efforts:
            table = table.drop(columns=efforts)  # the team totals follow; csv has them all
            dropped = True
            rest = len(text_table(table.assign(name="")).splitlines()[0])
        room = max(12, width - rest - 1)
        table["name"] = [clip(str(n), room) for n in table["name"]]
    chosen = table.rename(
        columns={
            "business_value": f"NPV ({cur})",
            "customer_value": "customer value",
            "cost": f"one-off cost ({cur})",
            **{f"effort_{t}": f"{fmt.team(t)} (days)" for t in sc.teams},
        }
    )
    lines = [
        f"{sc.name}",
        f"Recommended portfolio: {len(result.selected)} of {len(result.scores)} initiatives",
        "",
        text_table(chosen) if len(chosen) else "(no initiative chosen)",
        "",
        "Totals",
    ]
    limits = result.limits()
    rows: list[tuple[str, str]] = [
        ("Business value (NPV)", money(result.business_value, cur)),
        ("Customer value", f"{result.customer_value:,.0f} effort points a year"),
    ]
    summed = math.fsum(result.scores.loc[result.selected, "customer_value"].tolist())
    if summed - result.customer_value > 0.5:  # evidence: a customer counts once (README)
        rows.append(
            (
                "",
                f"each customer counted once: the initiatives' own values sum to {summed:,.0f}; "
                f"{summed - result.customer_value:,.0f} of that comes from customers more than "
                "one chosen initiative reaches",
            )
        )

    def use(label: str, limit: str, amount: Any) -> None:
        row = limits.loc[limit].to_dict()
        share_used = float(row["share_used"])
        share = f" ({share_used:.0%})" if not math.isnan(share_used) else ""
        flag = "  binding" if row["binding"] else ""
        rows.append((label, f"{amount(row['used'])} of {amount(row['available'])}{share}{flag}"))

    for limit in scenario_limits(sc):
        if limit.kind == "budget":
            use("Cost vs budget", limit.key, lambda v: money(v, cur))
            if sc.opex_budget is None:
                rows.append(
                    ("Running cost", money(result.opex, cur) + " a year (no running-cost budget)")
                )
        elif limit.kind == "opex_budget":
            use("Running cost vs its budget", limit.key, lambda v: money(v, cur) + " a year")
        else:
            use(limit.label, limit.key, fmt.days)
    rows.append(objective_row(sc, result.objective))
    rows.append(("Solver", fmt.sentence(fmt.solver_words(result.solver))))
    rows.append(("Status", fmt.sentence(fmt.status_words(result.status, result.gap))))
    rows.append(
        ("Solve time", f"{result.solve_time_s:.3f} s (model build {result.build_time_s:.3f} s)")
    )
    rows += list(extra)
    label_width = max(len(label) for label, _ in rows)
    lines += [f"  {label.ljust(label_width)}  {value}" for label, value in rows]
    notes = ["* mandatory"] if mandatory & set(result.selected) else []
    if dropped:
        notes.append("team effort per initiative: --format csv")
    if notes:
        lines.insert(4, "; ".join(notes))
    if result.status in ("optimal", "feasible"):
        gone = left_out(result)
        if gone:
            lines += ["", "Left out (most valuable first) and the main reason"]
            id_width = max(len(i) for i, _n, _r in gone)
            for ident, name, reason in gone:
                head = f"  {ident.ljust(id_width)}  "
                name_room = max(12, min(40, width - len(head) - len(reason) - 4))
                lines.append(f"{head}{clip(name, name_room)} — {reason}")
    if result.message:
        lines += ["", result.message]
    return "\n".join(lines)


def objective_row(sc: Scenario, objective: float) -> tuple[str, str]:
    """(label, text) of an optimal ``objective`` in the deck's words: the NPV (business), the
    customer value (customer) or the combined score as a share of all value on the table,
    with its weights (blended)."""
    mode = sc.objective.mode
    if mode == "business":
        return ("Aim", f"the largest NPV: {objective_text(sc, objective)}")
    if mode == "customer":
        return ("Aim", f"the most customer value: {objective_text(sc, objective)}")
    return (
        "Combined score",
        f"{objective_text(sc, objective)} (weights: money "
        f"{fmt.share(sc.objective.business_weight)}, customer value "
        f"{fmt.share(sc.objective.customer_weight)})",
    )


def objective_text(sc: Scenario, objective: float) -> str:
    """An objective value in its unit: NPV (currency), customer value (effort points a year)
    or the combined score (a share of all value on the table)."""
    mode = sc.objective.mode
    if mode == "business":
        return money(objective, sc.currency)
    if mode == "customer":
        return f"{objective:,.0f} effort points a year"
    return f"{fmt.percent(objective, 1)} of all value on the table"


def to_json(payload: Any) -> str:
    """Deterministic JSON: sorted as given, UTF-8, two-space indent, NaN refused."""
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(frame: pd.DataFrame, *, index: bool = True) -> str:
    """CSV text with formula-like text cells neutralized for spreadsheets."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: neutralize_formula(v) if isinstance(v, str) else v
            )
    if (index and safe.index.dtype == object) or pd.api.types.is_string_dtype(safe.index):
        safe.index = safe.index.map(lambda v: neutralize_formula(v) if isinstance(v, str) else v)
    return safe.to_csv(index=index, lineterminator="\n", float_format="%.10g")
