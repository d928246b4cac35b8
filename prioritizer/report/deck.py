"""``deck.pptx``: the steering deck in decision order (python-pptx).

Title → the ask (executive summary) → what customers tell us (with evidence) → what we fund,
by customer pain → why (value bridge, customers kept and complaints addressed) → when (roadmap
scenarios) → did we deliver (with actuals) → risks → what more money or people would buy →
what we do not fund and what would get it in → appendix (method, the spreadsheet ranking,
every initiative).

Every slide's title is its layout's title placeholder holding the finding; every chart
picture is placed at 100% of the size it was drawn (``plots.style.CHART_ON_SLIDE``) and carries
alternative text; the value bridge and the impact bars are native PowerPoint charts.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from ..analysis.protocol import Finding
from . import native
from .pack import SteeringPack
from .slides import BODY_PT, TABLE_PT, Box, Deck, paginate, row_heights, text_lines
from .story import MAX_ROWS, Story, Table, build_story

SECTIONS: dict[str, str] = {
    "portfolio_map": "why",
    "pillars": "why",
    "value_bridge": "native",
    "roadmap_gantt": "when",
    "roadmap_spend": "when",
    "roadmap_capacity": "when",
    "roadmap_value": "when",
    "delivery_realization": "delivery",
    "delivery_by_pillar": "delivery",
    "delivery_burn": "delivery",
    "robustness": "risks",
    "npv_distribution": "risks",
    "tornado": "risks",
    "capacity": "risks",
    "frontier": "options",
    "marginal_values": "options",
    "tradeoff": "options",
    "weight_sweep": "options",
    "ranking_vs_optimum": "appendix",
}
"""The section of the deck each registry chart belongs to (others go to the appendix)."""

SHOWS: dict[str, str] = {
    "portfolio_map": "a bubble chart of every initiative, net present value against customer "
    "value, chosen ones filled",
    "pillars": "bars per customer-experience pillar: the share of spend and of customer value",
    "value_bridge": "a bridge from the value of customers kept, cross-sell and savings, minus "
    "running and one-off cost, to the net present value",
    "roadmap_gantt": "a timeline of when each chosen initiative starts and goes live",
    "roadmap_spend": "spend per period against the period budgets",
    "roadmap_capacity": "each team's person-days used per period against what it has",
    "roadmap_value": "value delivered per period as initiatives go live",
    "delivery_realization": "planned against realized value per initiative",
    "delivery_by_pillar": "planned against realized value per pillar",
    "delivery_burn": "cumulative spend against plan over time",
    "robustness": "how often each initiative is chosen across simulated futures",
    "npv_distribution": "the spread of this portfolio's net present value across simulated futures",
    "tornado": "how far the best achievable value moves when each assumption moves from its "
    "low to its high estimate",
    "capacity": "the share of the budget, running-cost budget and each team used",
    "frontier": "the best value reachable at each budget, with this budget marked",
    "marginal_values": "what a little more of each budget or team would add",
    "tradeoff": "portfolios that trade net present value against customer value",
    "weight_sweep": "how the choice changes as the weight on customers rises",
    "ranking_vs_optimum": "the optimized portfolio beside funding down a spreadsheet ranking",
    "evidence_voc_pareto": "customer feedback topics by volume with the cumulative share, "
    "coloured by whether the recommendation addresses them",
    "evidence_key_drivers": "each driver's importance against its current score",
    "evidence_ces_by_stage": "customer effort per journey stage with confidence intervals",
    "evidence_pillar_maturity": "maturity per pillar as customers, employees and the market see it",
}
"""What each chart shows, for its alternative text."""

METHOD: dict[str, str] = {
    "why": "Value model: customers kept × lifetime value + cross-sell + savings − running "
    "cost, discounted over the horizon, − one-off cost.",
    "when": "Roadmap: the same choice over periods, with durations and ramp-up.",
    "delivery": "Plan against actuals as of the status date.",
    "risks": "Robustness: the best set re-chosen in each simulated future; sensitivity: one "
    "assumption moved at a time.",
    "options": "Options: the best set re-chosen at other budgets and team sizes.",
    "appendix": "Spreadsheet ranking: fund down the list by value per unit of cost, same rules.",
    "evidence": "Evidence: customer feedback counted once per item over the export's window.",
}


CHART_METHOD: dict[str, str] = {
    "robustness": "Robustness: the best set re-chosen in each simulated future.",
    "npv_distribution": "Robustness: this portfolio's NPV in each simulated future.",
    "tornado": "Sensitivity: one assumption moved at a time, the best set re-chosen.",
    "capacity": "Capacity: what the chosen initiatives use of the budget, the running-cost "
    "budget and each team's person-days.",
    "frontier": "Options: the best set re-chosen at other budgets.",
    "marginal_values": "Options: the best set re-chosen at other budgets and team sizes.",
    "tradeoff": "Trade-off: the best sets as the weight on customer value moves.",
    "weight_sweep": "Trade-off: the best sets as the weight on customer value moves.",
}
"""The method in a chart's speaker notes, where its section's (:data:`METHOD`) would name
an analysis that did not draw it (the capacity chart sits among the risks)."""


def options_method(results: dict[str, Any]) -> str:
    """The options slide's method: only the analyses that ran (frontier: other budgets;
    marginal values: other team sizes); empty when neither ran."""
    tried = [
        words
        for name, words in (("frontier", "budgets"), ("marginal", "team sizes"))
        if results.get(name) is not None
    ]
    return f"Options: the best set re-chosen at other {' and '.join(tried)}." if tried else ""


@dataclass(frozen=True)
class SlideChart:
    """A chart for the deck: file slug, its finding (the slide title), the PNG drawn without
    a title and the size (inches) it was drawn at — or a call giving (PNG, size) when the
    deck places it (a chart still rendering on a worker process meanwhile)."""

    slug: str
    finding: Finding
    png: bytes | Callable[[], tuple[bytes, tuple[float, float]]]
    size: tuple[float, float] = (0.0, 0.0)

    def picture(self) -> tuple[bytes, tuple[float, float]]:
        """The PNG and its size (inches), waiting for the chart if it is still rendering."""
        return self.png() if callable(self.png) else (self.png, self.size)


def _notes(finding: Finding, extra: Sequence[str] = ()) -> str:
    lines = [finding.text, ""]
    for key, value in finding.numbers.items():
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue  # no number to give (e.g. no best reachable NPV): left out, never "nan"
        if isinstance(value, float):
            value = f"{value:,.4g}" if abs(value) < 100 else f"{value:,.0f}"
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value) or "none"
        lines.append(f"{fmt.words(str(key))}: {value}")
    return "\n".join([*lines, "", *extra]).strip()


def alt_text(finding: Finding, slug: str) -> str:
    """A picture's alternative text: the finding and what the chart shows."""
    shows = SHOWS.get(slug, fmt.words(slug))
    return f"{finding.text.rstrip('.')}. The chart shows {shows}."


class _Builder:
    def __init__(self, pack: SteeringPack, story: Story, template: str | Path | None) -> None:
        self.pack = pack
        self.story = story
        self.deck = Deck(template)
        self.cur = pack.scenario.currency

    def chart(self, chart: SlideChart, section: str) -> None:
        method = CHART_METHOD.get(chart.slug) or METHOD.get(section, "")
        slide = self.deck.slide(chart.finding.text, notes=_notes(chart.finding, [method]))
        self.deck.picture(slide, *chart.picture(), alt_text(chart.finding, chart.slug))

    def table(self, table: Table, numeric: Sequence[int], *, note: str = "") -> None:
        """The table on as many slides as it needs, its footnotes (``table.notes``, 18 pt)
        under it at the foot of the content box on each."""
        rows = table.rows
        content = self.deck.content
        foot = _foot_height(table.notes, content.width)
        box = _table_box(content, table.notes)
        pages = paginate(
            table.header, [r.cells for r in rows], table.widths, box, max_rows=MAX_ROWS
        )
        for page, indices in enumerate(pages):
            part = [rows[i] for i in indices]
            title = table.finding.text + (f" ({page + 1}/{len(pages)})" if len(pages) > 1 else "")
            slide = self.deck.slide(title, notes=_notes(table.finding, [*table.notes, note]))
            self.deck.table(
                slide,
                table.header,
                [r.cells for r in part],
                table.widths,
                box=box,
                numeric=numeric,
                alt=f"Table: {table.finding.text}",
            )
            if table.notes:  # under the table: its rows' heights as paginated, with room for
                # taller rendered lines (LibreOffice's run ~9% taller), within the space kept
                cells = [table.header, *[r.cells for r in part]]
                height = sum(row_heights(cells, table.widths, box.width, TABLE_PT))
                top = box.top + min(box.height, NOTE_ROOM * height)
                under = Box(content.left, top + 0.1, content.width, foot)
                self.deck.text(slide, table.notes, under, size=FOOTNOTE_PT)

    def bullets(
        self,
        finding: Finding,
        lines: Sequence[str],
        *,
        size: int = BODY_PT,
        extra: Sequence[str] = (),
    ) -> None:
        self.deck.bullets(finding.text, lines, notes=_notes(finding, extra), size=size)


def warning_notes(story: Story) -> list[str]:
    """The scenario's load warnings for speaker notes (none: nothing)."""
    if not story.warnings:
        return []
    return ["Check before trusting the numbers (warnings when the scenario was read):"] + [
        f"- {line}" for line in story.warnings
    ]


FOOTNOTE_PT = 18
"""Size of a table's footnotes (the smallest body text)."""


NOTE_ROOM = 1.12
"""A table's footnote sits this many times the table's estimated height below its top (at
most at the foot of the content box): rendered rows run taller than the estimate."""


def _foot_height(notes: Sequence[str], width: float) -> float:
    """Inches the footnotes take at :data:`FOOTNOTE_PT` across ``width`` inches (0 without)."""
    if not notes:
        return 0.0
    lines = sum(text_lines(n, width - 0.2, FOOTNOTE_PT) for n in notes)
    return lines * FOOTNOTE_PT * 1.2 / 72 + 0.25 + 0.1 * len(notes)


def _table_box(content: Box, notes: Sequence[str]) -> Box:
    """Where a table goes: the content box less its footnotes' height."""
    foot = _foot_height(notes, content.width)
    return Box(content.left, content.top, content.width, content.height - foot)


def _summary_lines(story: Story) -> list[str]:
    s = story.summary
    lines = [f.text for f in s.returns]
    lines += [f.text for f in s.uses]
    lines.append("We ask the committee to:")
    lines += [f"\t{f.text}" for f in s.asks]
    return lines


def _impact_finding(story: Story) -> Finding:
    impact = story.impact
    kept = float(impact["customers_kept_per_year"].sum())
    if kept > 0:
        top = str(impact["customers_kept_per_year"].idxmax())
        value = float(impact["customers_kept_per_year"].max())
        most = "most" if value > kept / 2 else "the most"  # "most" only for a majority
        return Finding(
            f"{fmt.sentence(top)} keeps {most} customers: {value:,.0f} of the {kept:,.0f} kept "
            "a year",
            {"pain": top, "customers_kept_per_year": value, "total_kept_per_year": kept},
        )
    return Finding("Customers kept and complaints addressed by customer pain", {})


def deck_bytes(
    pack: SteeringPack,
    charts: Sequence[SlideChart],
    *,
    evidence_charts: Sequence[SlideChart] = (),
    story: Story | None = None,
    template: str | Path | None = None,
    today: _dt.date | None = None,
) -> bytes:
    """Build the deck. ``charts``: the registry's charts drawn without a title, in pack
    order; ``evidence_charts``: the "What customers tell us" charts; ``template``: a
    company's .pptx to build on (default: the built-in 16:9 template)."""
    sc = pack.scenario
    r = pack.result
    cur = sc.currency
    story = story or build_story(
        r, pack.results, evidence=pack.evidence, draws=pack.draws, seed=pack.seed
    )
    b = _Builder(pack, story, template)
    deck = b.deck
    by_section: dict[str, list[SlideChart]] = {}
    for chart in charts:
        by_section.setdefault(SECTIONS.get(chart.slug, "appendix"), []).append(chart)
    date = (today or _dt.date.today()).strftime("%d %B %Y")
    headline = story.summary.headline

    deck.cover(
        sc.name,
        [f"Recommended customer-experience portfolio — {date}", headline.text],
        notes=_notes(headline, [*story.method, *warning_notes(story)]),
    )
    b.bullets(
        headline, _summary_lines(story), size=BODY_PT if len(story.summary.lines) <= 7 else 18
    )

    if pack.evidence is not None:
        for chart in evidence_charts:
            b.chart(chart, "evidence")
        _uncovered(b, pack.evidence)

    b.table(story.funded, numeric=(3, 4, 5), note=METHOD["why"])

    portfolio = pack.get("portfolio")
    if portfolio is not None:
        finding = portfolio.bridge_finding()
        slide = deck.slide(finding.text, notes=_notes(finding, [METHOD["why"]]))
        bridge = portfolio.bridge()
        frame = native.waterfall(
            slide,
            deck.content,
            [(str(k), float(v)) for k, v in bridge["value"].items()],
            "Net present value",
            currency=cur,
            alt=alt_text(finding, "value_bridge"),
        )
        if frame is None:  # a bridge crossing zero: the picture instead
            for chart in charts:
                if chart.slug == "value_bridge":
                    deck.picture(slide, *chart.picture(), alt_text(finding, "value_bridge"))
    _impact(b)
    for section in ("why", "when", "delivery"):
        for chart in by_section.get(section, []):
            b.chart(chart, section)

    if story.risks:
        b.bullets(
            Finding("Risks: what could change the answer", {}),
            [f.text for f in story.risks],
            size=BODY_PT if sum(len(f.text) for f in story.risks) < 600 else 18,
        )
    for chart in by_section.get("risks", []):
        b.chart(chart, "risks")

    options = story.options
    if options.rows:
        b.table(options, numeric=(1, 2, 3), note=options_method(pack.results))
    else:  # no table to show: what the analyses that ran found, or that none ran
        b.bullets(options.finding, options.notes)
    for chart in by_section.get("options", []):
        b.chart(chart, "options")

    not_funded = story.not_funded
    cells = [r.cells for r in not_funded.rows]
    box = _table_box(deck.content, not_funded.notes)
    first_page = paginate(not_funded.header, cells, not_funded.widths, box)[0]
    shown = not_funded.rows[: len(first_page)]
    if shown:
        b.table(
            Table(
                not_funded.finding, not_funded.header, shown, not_funded.widths, not_funded.notes
            ),
            (1, 2),
        )

    b.bullets(
        Finding("Appendix: how the numbers were made", {}),
        story.method,
        size=18,
        extra=warning_notes(story),
    )
    for chart in by_section.get("appendix", []):
        b.chart(chart, "appendix")
    if len(not_funded.rows) > len(shown):
        others = not_funded.rows[len(shown) :]
        rest = Finding(
            f"Appendix: the other {len(others)} initiatives we do not fund",
            {"n": len(others)},
        )
        # the slide keeps the first footnote (what the NPV is); the others, said in full on
        # "What we do not fund", go to the speaker notes so the rows get the room
        b.table(
            Table(rest, not_funded.header, others, not_funded.widths, not_funded.notes[:1]),
            numeric=(1, 2),
            note=" ".join(not_funded.notes[1:]),
        )
    every = story.every_initiative
    b.table(
        Table(
            Finding("Appendix: every initiative", every.finding.numbers),
            every.header,
            every.rows,
            every.widths,
        ),
        numeric=(3, 4),
    )
    return deck.save(title=sc.name, subject="Recommended customer-experience portfolio")


def _impact(b: _Builder) -> None:
    """Customers kept a year and complaints addressed, per customer pain (native bars)."""
    impact = b.story.impact
    if impact.empty:
        return
    finding = _impact_finding(b.story)
    deck = b.deck
    slide = deck.slide(finding.text, notes=_notes(finding, [METHOD["why"]]))
    box = deck.content
    half = box.width / 2
    pains = [fmt.sentence(str(p)) for p in impact.index]
    kept = impact["customers_kept_per_year"].tolist()
    complaints = impact["complaints_per_year"].tolist()
    for k, (name, values) in enumerate(
        (("Customers kept a year", kept), ("Complaints a year about what it fixes", complaints))
    ):
        left = box.left + k * half
        deck.text(slide, [name], Box(left, box.top, half - 0.2, 0.45), size=18)
        native.bar_chart(
            slide,
            Box(left, box.top + 0.5, half - 0.2, box.height - 0.5),
            pains,
            [(name, values)],
            labels=[[f"{v:,.0f}" for v in values]],
            number_format="#,##0",
            alt=f"{finding.text}. Bar chart: {name.lower()} per customer pain.",
        )


def _uncovered(b: _Builder, evidence: Any) -> None:
    """The pain points no initiative addresses, as a table."""
    uncovered = evidence.uncovered
    if uncovered is None or not len(uncovered):
        return
    top = uncovered.head(MAX_ROWS)
    share = float(uncovered["share"].sum())
    finding = Finding(
        f"{len(uncovered)} pain points no initiative addresses: {fmt.share(share)} of all feedback",
        {"uncovered_topics": len(uncovered), "uncovered_share": share},
    )
    has_effort = "effort" in top.columns and top["effort"].notna().any()
    header = ["Topic", "Items a year", "Share of feedback"] + (["Effort"] if has_effort else [])
    rows = []
    for topic, row in top.iterrows():
        cells = [fmt.clip(str(topic), 50), f"{row['per_year']:,.0f}", fmt.share(row["share"], 1)]
        if has_effort:
            effort = row["effort"]
            cells.append(f"{effort:.1f}" if effort == effort else "–")
        rows.append(cells)
    slide = b.deck.slide(finding.text, notes=_notes(finding, [METHOD["evidence"]]))
    b.deck.table(
        slide,
        header,
        rows,
        (5.0, 2.0, 2.4, 1.6)[: len(header)],
        numeric=tuple(range(1, len(header))),
        alt=f"Table: {finding.text}",
    )
