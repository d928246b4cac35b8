"""``summary.md``: the recommendation in prose and tables, pasteable into a wiki or an email."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import formatting as fmt
from ..result import Result
from .pack import SteeringPack
from .story import Story, build_story


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


def limits_table(result: Result) -> pd.DataFrame:
    """The totals against the limits as people read them: the limit in business words, what
    the portfolio uses and what is available in the limit's unit (money or person-days), the
    share used as a percentage, and whether it is used up (the next initiative worth doing
    does not fit: :meth:`~prioritizer.result.Result.limits`' ``binding``)."""
    currency = result.scenario.currency
    rows = [
        (
            str(row["label"]),
            fmt.limit_amount(float(row["used"]), str(row["unit"]), currency),
            fmt.limit_amount(float(row["available"]), str(row["unit"]), currency),
            fmt.percent(float(row["share_used"])),
            "yes" if bool(row["binding"]) else "no",
        )
        for _key, row in result.limits().iterrows()
    ]
    return pd.DataFrame(rows, columns=["Limit", "Used", "Available", "Share used", "Used up"])


def summary_markdown(
    pack: SteeringPack, charts: Sequence[tuple[str, str]], story: Story | None = None
) -> str:
    """The summary; ``charts`` are (finding, relative PNG path)."""
    sc = pack.scenario
    r = pack.base
    story = story or build_story(
        r, pack.results, evidence=pack.evidence, draws=pack.draws, seed=pack.seed
    )
    out = [f"# {sc.name}", ""]
    out.append(f"**Recommendation:** {story.summary.headline.text}.")
    how = (  # the ranking is stated once: the ask's line, with how the ranking was made
        f" (ranking the initiatives by value per {sc.currency} of one-off cost and funding down "
        "the list, the usual spreadsheet practice, with the same rules)"
    )
    for heading, findings in (
        ("What it returns", story.summary.returns),
        ("What it uses", story.summary.uses),
        ("What we ask", story.summary.asks),
    ):
        out += ["", f"**{heading}**", ""]
        out += [
            f"- {f.text}{how if 'ranking_share_of_optimum' in f.numbers else ''}." for f in findings
        ]
    if story.risks:
        out += ["", "## Risks", ""]
        out += [f"- {f.text}." for f in story.risks]
    if story.warnings:  # the scenario's load warnings (e.g. an initiative no start fits)
        out += ["", "## Check before trusting the numbers", ""]
        out += [f"- {line.replace('|', '/')}" for line in story.warnings]
    out += ["", "## What more money or people would buy", ""]
    if story.options.rows:
        out.append(
            _table(
                pd.DataFrame([r.cells for r in story.options.rows], columns=story.options.header)
            )
        )
    else:  # what the analyses that ran found, or that none ran
        out.append(f"{story.options.finding.text}.")
    for note in story.options.notes:  # why more money can lower the NPV; what was not analysed
        out += ["", f"*{note}*"]
    out += ["", "## What we fund, by customer pain", ""]
    out.append(
        _table(pd.DataFrame([r.cells for r in story.funded.rows], columns=story.funded.header))
    )
    if pack.evidence is not None:
        out += ["", "## What customers tell us", ""]
        out += [f"- {line}" for line in pack.evidence.findings()]
    out += ["", "## Totals against the limits", ""]
    out.append(_table(limits_table(r)))
    explained = pack.get("explain")
    if explained is not None:
        sentences = explained.sentences()
        left_out = (
            r.portfolio[~r.portfolio["selected"]]
            .sort_values("business_value", ascending=False)
            .head(5)
        )
        out += ["", "## What we do not fund: why not?", ""]
        out += [f"- {sentences[i]}" for i in left_out.index]
    out += ["", "## Charts", ""]
    for finding, path in charts:
        out += [f"### {finding}", "", f"![{finding}]({path})", ""]
    return "\n".join(out).rstrip() + "\n"
