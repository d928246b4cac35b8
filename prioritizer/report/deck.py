"""``deck.pptx``: a widescreen deck a CX manager can present as is (python-pptx).

Slides: title; the recommendation (chosen initiatives, totals vs limits, the spreadsheet
ranking's shortfall); one slide per chart with its finding as the title; "why not" for the most
valuable initiatives left out; an appendix with every initiative.
"""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Sequence
from typing import Any

from .. import formatting as fmt
from .pack import SteeringPack

WIDTH_IN, HEIGHT_IN = 13.333, 7.5
NAVY = (0x1F, 0x3A, 0x5F)
ROW_HEIGHT_IN = 0.27
MAX_TABLE_ROWS = 18  # rows of data that fit under a title at 10 pt
GREY = (0x59, 0x59, 0x59)


def _pptx() -> Any:
    try:
        import pptx
    except ImportError:  # pragma: no cover - exercised only without the extra
        from ..exceptions import PrioritizerError

        raise PrioritizerError(
            "the PowerPoint deck needs python-pptx: pip install 'prioritizer[report]'"
        ) from None
    return pptx


class _Deck:
    def __init__(self) -> None:
        pptx = _pptx()
        from pptx.util import Inches

        self.Inches = Inches
        self.Pt = pptx.util.Pt
        self.RGB = pptx.dml.color.RGBColor
        self.prs = pptx.Presentation()
        self.prs.slide_width = Inches(WIDTH_IN)
        self.prs.slide_height = Inches(HEIGHT_IN)
        self.blank = self.prs.slide_layouts[6]

    def slide(self, title: str, *, size: int = 26) -> Any:
        slide = self.prs.slides.add_slide(self.blank)
        self.text(slide, title, 0.5, 0.3, WIDTH_IN - 1.0, 0.9, size=size, bold=True, colour=NAVY)
        return slide

    def text(
        self,
        slide: Any,
        text: str | Sequence[str],
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        size: int = 14,
        bold: bool = False,
        colour: tuple[int, int, int] = GREY,
        spacing: int = 0,
    ) -> Any:
        box = slide.shapes.add_textbox(
            self.Inches(left), self.Inches(top), self.Inches(width), self.Inches(height)
        )
        frame = box.text_frame
        frame.word_wrap = True
        lines = [text] if isinstance(text, str) else list(text)
        for k, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = self.Pt(size)
            paragraph.font.bold = bold
            paragraph.font.color.rgb = self.RGB(*colour)
            if spacing:
                paragraph.space_after = self.Pt(spacing)
        return box

    def table(
        self,
        slide: Any,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        left: float,
        top: float,
        width: float,
        widths: Sequence[float],
        *,
        size: int = 11,
    ) -> Any:
        height = ROW_HEIGHT_IN * (len(rows) + 1)
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(header),
            self.Inches(left),
            self.Inches(top),
            self.Inches(width),
            self.Inches(height),
        )
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = self.Inches(w)
        for row in table.rows:  # explicit heights: renderers otherwise grow rows off the slide
            row.height = self.Inches(ROW_HEIGHT_IN)
        for i, row in enumerate([list(header), *[list(r) for r in rows]]):
            for j, value in enumerate(row):
                cell = table.cell(i, j)
                cell.text = str(value)
                paragraph = cell.text_frame.paragraphs[0]
                paragraph.font.size = self.Pt(size)
                paragraph.font.bold = i == 0
                if j > 0 and i > 0 and _is_number(str(value)):
                    from pptx.enum.text import PP_ALIGN

                    paragraph.alignment = PP_ALIGN.RIGHT
                cell.margin_top = cell.margin_bottom = self.Inches(0.02)
        return table

    def picture(self, slide: Any, png: bytes, top: float = 1.15) -> None:
        height = HEIGHT_IN - top - 0.2
        width = height * WIDTH_IN / HEIGHT_IN
        left = (WIDTH_IN - width) / 2
        slide.shapes.add_picture(
            io.BytesIO(png), self.Inches(left), self.Inches(top), height=self.Inches(height)
        )

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").replace(" ", "").isdigit()


def deck_bytes(
    pack: SteeringPack, charts: Sequence[tuple[str, bytes]], *, today: _dt.date | None = None
) -> bytes:
    """Build the deck; ``charts`` are (finding, PNG without its own title) in deck order."""
    deck = _Deck()
    sc = pack.scenario
    r = pack.result
    cur = sc.currency
    date = (today or _dt.date.today()).strftime("%d %B %Y")

    title = deck.prs.slides.add_slide(deck.blank)
    deck.text(title, sc.name, 0.8, 2.4, WIDTH_IN - 1.6, 1.4, size=36, bold=True, colour=NAVY)
    deck.text(
        title,
        [
            f"Recommended CX portfolio — {date}",
            f"{len(r.selected)} of {len(sc.initiatives)} initiatives · NPV "
            f"{fmt.amount(r.business_value, cur)} · cost {fmt.amount(r.cost, cur)} of "
            f"{fmt.amount(sc.budget, cur)}",
        ],
        0.8,
        3.9,
        WIDTH_IN - 1.6,
        1.2,
        size=18,
    )

    slide = deck.slide(
        f"Fund {len(r.selected)} initiatives: NPV {fmt.amount(r.business_value, cur)}"
        f" for {fmt.amount(r.cost, cur)}"
    )
    chosen = r.portfolio[r.portfolio["selected"]]
    rows = [
        (
            ident,
            fmt.clip(row["name"], 38),
            f"{row['business_value']:,.0f}",
            f"{row['customer_value']:,.0f}",
            f"{row['cost']:,.0f}",
        )
        for ident, row in chosen.iterrows()
    ]
    size = 11 if len(rows) <= 14 else 10
    shown = rows[:MAX_TABLE_ROWS]
    deck.table(
        slide,
        ["id", "initiative", f"NPV ({cur})", "customer value", f"cost ({cur})"],
        shown,
        0.4,
        1.2,
        8.4,
        [1.7, 3.3, 1.25, 1.15, 1.0],
        size=size,
    )
    limits = r.limits()
    facts = [
        f"Business value (NPV): {fmt.amount(r.business_value, cur)}",
        f"Customer value: {r.customer_value:,.0f} effort points / year",
    ]
    for _key, row in limits.iterrows():
        flag = " — binding" if row["binding"] else ""
        unit = "" if str(row["unit"]).startswith(cur) else " days"
        facts.append(f"{row['label']}: {row['used']:,.0f} of {row['available']:,.0f}{unit}{flag}")
    facts += [
        "",
        f"Ranking by value per {cur} of cost (spreadsheet practice) would reach "
        f"{pack.ranking.share_of_optimum:.0%} of this value with the same rules.",
        f"Status: {r.status} (gap {r.gap if r.gap is not None else 'n/a'}), {r.solver}.",
    ]
    if len(rows) > len(shown):
        facts.append(
            f"{len(rows) - len(shown)} more chosen initiatives are listed in the appendix."
        )
    deck.text(slide, facts, 9.1, 1.2, 3.9, 5.8, size=12)

    for finding, png in charts:
        slide = deck.slide(finding, size=24 if len(finding) < 80 else 20)
        deck.picture(slide, png)

    explained = pack.get("explain")
    if explained is not None:
        frame = explained.to_frame()
        out = frame[~frame["selected"]].copy()
        out["npv"] = [r.scores.loc[i, "business_value"] for i in out.index]
        top = out.sort_values("npv", ascending=False).head(6)
        sentences = explained.sentences()
        lines = [sentences[i] for i in top.index]
        slide = deck.slide("Why not? The most valuable initiatives left out")
        deck.text(
            slide,
            [f"• {line}" for line in lines],
            0.6,
            1.2,
            WIDTH_IN - 1.2,
            5.9,
            size=14 if len(" ".join(lines)) < 1100 else 12,
            spacing=8,
        )

    everything = r.portfolio
    all_rows = [
        (
            ident,
            fmt.clip(row["name"], 34),
            row["segment"],
            row["pillar"] or "–",
            f"{row['business_value']:,.0f}",
            f"{row['customer_value']:,.0f}",
            f"{row['cost']:,.0f}",
            "yes" if row["selected"] else "",
        )
        for ident, row in everything.iterrows()
    ]
    per_slide = MAX_TABLE_ROWS
    pages = max(1, -(-len(all_rows) // per_slide))
    for page in range(pages):
        part = all_rows[page * per_slide : (page + 1) * per_slide]
        slide = deck.slide(f"Appendix — every initiative ({page + 1}/{pages})", size=22)
        deck.table(
            slide,
            [
                "id",
                "initiative",
                "segment",
                "pillar",
                f"NPV ({cur})",
                "customer value",
                f"cost ({cur})",
                "chosen",
            ],
            part,
            0.4,
            1.1,
            WIDTH_IN - 0.8,
            [1.9, 3.4, 1.0, 1.5, 1.3, 1.35, 1.1, 0.9],
            size=10,
        )
    return deck.save()
