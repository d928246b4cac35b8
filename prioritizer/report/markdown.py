"""``summary.md``: the recommendation in prose and tables, pasteable into a wiki or an email."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import formatting as fmt
from .pack import SteeringPack


def _table(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    columns = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in frame.itertuples(index=False):
        cells = []
        for name, value in zip(columns, record, strict=True):
            if isinstance(value, float):
                cells.append(format(value, formats.get(name, ",.0f")))
            else:
                cells.append(str(value).replace("|", "/"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary_markdown(pack: SteeringPack, charts: Sequence[tuple[str, str]]) -> str:
    """The summary; ``charts`` are (finding, relative PNG path)."""
    sc = pack.scenario
    r = pack.base
    cur = sc.currency
    out = [f"# {sc.name}", ""]
    out.append(
        f"**Recommendation:** fund {len(r.selected)} of {len(sc.initiatives)} initiatives for "
        f"{fmt.amount(r.cost, cur)} of the {fmt.amount(sc.budget, cur)} budget. Their net "
        f"present value is {fmt.amount(r.business_value, cur)} over {sc.horizon_years} years "
        "and they remove "
        f"{r.customer_value:,.0f} customer-effort points a year. The portfolio is {r.status} "
        f"(solver {r.solver}, gap {r.gap if r.gap is not None else 'n/a'})."
    )
    out.append("")
    out.append(
        f"Ranking the initiatives by value per {cur} of one-off cost and funding down the list "
        "— the usual spreadsheet practice, with the same rules — would reach "
        f"{pack.ranking.share_of_optimum:.0%} of this value."
    )
    mc = pack.get("montecarlo")
    if mc is not None:
        dist = mc.portfolio_distribution().loc["business_value"]
        counts = mc.to_frame()["class"].value_counts()
        out.append("")
        out.append(
            f"Under {mc.feasible_draws:,} draws of the uncertain assumptions the portfolio's "
            f"NPV lies between {fmt.amount(dist['p10'], cur)} (P10) and "
            f"{fmt.amount(dist['p90'], cur)} (P90); "
            f"{counts.get('core', 0)} initiatives are chosen in at least "
            f"{fmt.share(mc.core_threshold)} of the draws and "
            f"{counts.get('borderline', 0)} are borderline."
        )
    out += ["", "## Chosen initiatives", ""]
    chosen = r.portfolio[r.portfolio["selected"]].reset_index()
    out.append(
        _table(
            chosen[["id", "name", "segment", "pillar", "business_value", "customer_value", "cost"]]
        )
    )
    out += ["", "## Totals against the limits", ""]
    limits = r.limits().reset_index()
    limits["binding"] = limits["binding"].map({True: "yes", False: ""})
    out.append(_table(limits, {"share_used": ".0%"}))
    explained = pack.get("explain")
    if explained is not None:
        sentences = explained.sentences()
        left_out = (
            r.portfolio[~r.portfolio["selected"]]
            .sort_values("business_value", ascending=False)
            .head(5)
        )
        out += ["", "## Why not?", ""]
        out += [f"- {sentences[i]}" for i in left_out.index]
    out += ["", "## Charts", ""]
    for finding, path in charts:
        out += [f"### {finding}", "", f"![{finding}]({path})", ""]
    return "\n".join(out).rstrip() + "\n"
