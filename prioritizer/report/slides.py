"""The deck's building blocks on python-pptx: the 16:9 template (or a company's own), layouts
picked by their placeholder types, slides whose title is the layout's real title placeholder,
tables, pictures with alt text, native charts, slide numbers, speaker notes, clean metadata.

Nothing here knows about portfolios: :mod:`.deck` says what goes on which slide.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import Problem, ScenarioError

EMU_PER_INCH = 914400
WIDTH_IN, HEIGHT_IN = 13.333, 7.5
MARGIN_IN = 0.5
TITLE_TOP_IN, TITLE_HEIGHT_IN = 0.3, 1.05
CONTENT_TOP_IN = 1.45
"""The default template's content box: 12.33 x 5.6 in under the title (``CHART_ON_SLIDE``)."""

TITLE_PT, LONG_TITLE_PT = 28, 24
BODY_PT = 20
TABLE_PT = 18
CHART_PT = 14
NAVY = (0x1F, 0x3A, 0x5F)
HEADER_FILL = (0xDD, 0xE7, 0xF0)


def _pptx() -> Any:
    try:
        import pptx
    except ImportError:  # pragma: no cover - exercised only without the extra
        from ..exceptions import PrioritizerError

        raise PrioritizerError(
            "the PowerPoint deck needs python-pptx: pip install 'prioritizer[report]'"
        ) from None
    return pptx


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, inches."""

    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height


def pick_layouts(prs: Any) -> dict[str, Any]:
    """The layouts the deck uses, chosen by their placeholder types (never by position):
    ``title`` (a centred title and a subtitle), ``content`` (a title and one body),
    ``title_only`` (a title and no body; falls back to ``content``).

    Raises ValueError when no layout has a title placeholder.
    """
    from pptx.enum.shapes import PP_PLACEHOLDER

    def kinds(layout: Any) -> list[Any]:
        return [ph.placeholder_format.type for ph in layout.placeholders]

    title_types = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}
    body_types = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
    with_title = [lay for lay in prs.slide_layouts if set(kinds(lay)) & title_types]
    if not with_title:
        raise ValueError("no slide layout has a title placeholder")

    def bodies(layout: Any) -> int:
        return sum(1 for k in kinds(layout) if k in body_types)

    content = [lay for lay in with_title if bodies(lay) == 1 and PP_PLACEHOLDER.TITLE in kinds(lay)]
    content = content or [lay for lay in with_title if bodies(lay) >= 1]
    only = [lay for lay in with_title if bodies(lay) == 0 and PP_PLACEHOLDER.TITLE in kinds(lay)]
    cover = [
        lay
        for lay in with_title
        if PP_PLACEHOLDER.CENTER_TITLE in kinds(lay) and PP_PLACEHOLDER.SUBTITLE in kinds(lay)
    ]
    main = content[0] if content else with_title[0]
    return {
        "content": main,
        "title_only": only[0] if only else main,
        "title": cover[0] if cover else main,
    }


def _emu(inches: float) -> int:
    return round(inches * EMU_PER_INCH)


def _place(shape: Any, box: Box) -> None:
    shape.left, shape.top = _emu(box.left), _emu(box.top)
    shape.width, shape.height = _emu(box.width), _emu(box.height)


def default_template() -> Any:
    """python-pptx's default template made 16:9 (13.333 x 7.5 in): every master and layout
    placeholder stretched to the new width, the title and body of the content layouts
    placed on the deck's grid (title 0.3 in from the top, a 12.33 x 5.6 in content box), one
    typeface (the theme's) and slide numbers bottom right."""
    pptx = _pptx()
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = pptx.Presentation()
    old_width = prs.slide_width
    prs.slide_width, prs.slide_height = _emu(WIDTH_IN), _emu(HEIGHT_IN)
    scale = prs.slide_width / old_width
    title_box = Box(MARGIN_IN, TITLE_TOP_IN, WIDTH_IN - 2 * MARGIN_IN, TITLE_HEIGHT_IN)
    body_box = Box(MARGIN_IN, CONTENT_TOP_IN, WIDTH_IN - 2 * MARGIN_IN, 5.6)
    number_box = Box(WIDTH_IN - MARGIN_IN - 2.0, 7.08, 2.0, 0.36)
    for owner in [prs.slide_master, *prs.slide_layouts]:
        for ph in owner.placeholders:
            ph.left, ph.width = round(ph.left * scale), round(ph.width * scale)
            kind = ph.placeholder_format.type
            if kind == PP_PLACEHOLDER.SLIDE_NUMBER:
                _place(ph, number_box)
            elif kind in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER):
                ph.top = _emu(7.08)
                ph.height = _emu(0.36)
        names = [ph.placeholder_format.type for ph in owner.placeholders]
        plain = owner is prs.slide_master or owner.name in (
            "Title and Content",
            "Title Only",
        )
        if plain:
            for ph in owner.placeholders:
                kind = ph.placeholder_format.type
                if kind == PP_PLACEHOLDER.TITLE:
                    _place(ph, title_box)
                elif kind in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT) and len(names) <= 5:
                    _place(ph, body_box)
    _set_theme_typeface(prs, TYPEFACE)
    return prs


TYPEFACE = "DejaVu Sans"
"""The default template's one typeface, the charts' (``prioritizer.plots.style.FONT``, baked
into their pictures), so text and charts read alike; a ``--template`` keeps its own."""


def _set_theme_typeface(prs: Any, typeface: str) -> None:
    """Set the theme's heading and body (latin) typeface of ``prs`` to ``typeface``."""
    import re

    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{typeface}"', xml)
    theme._blob = xml.encode("utf-8")


def open_template(path: str | Path | None) -> Any:
    """The deck's template: ``path`` (a company's .pptx or .potx, its slides removed) or
    :func:`default_template`. Raises :class:`~prioritizer.exceptions.ScenarioError` naming
    the file when it is not a usable PowerPoint file (missing, unreadable, or no layout with
    a title)."""
    if path is None:
        return default_template()
    pptx = _pptx()
    path = Path(path)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "template file not found")])
    try:
        prs = pptx.Presentation(str(path))
    except Exception as exc:  # python-pptx raises several kinds for a bad package
        message = f"not a PowerPoint file (.pptx) that can be opened ({type(exc).__name__})"
        raise ScenarioError([Problem(str(path), message)]) from None
    try:
        pick_layouts(prs)
    except ValueError as exc:
        raise ScenarioError(
            [Problem(str(path), f"{exc}; expected a template with a title layout")]
        ) from None
    slides = prs.slides._sldIdLst
    for slide_id in list(slides):  # the template's own slides are not part of the deck
        prs.part.drop_rel(slide_id.rId)
        slides.remove(slide_id)
    return prs


class Deck:
    """A presentation being built: slides on the template's layouts."""

    def __init__(self, template: str | Path | None = None) -> None:
        pptx = _pptx()
        self.pptx = pptx
        self.Pt = pptx.util.Pt
        self.RGB = pptx.dml.color.RGBColor
        self.prs = open_template(template)
        self.layouts = pick_layouts(self.prs)
        self.width = self.prs.slide_width / EMU_PER_INCH
        self.height = self.prs.slide_height / EMU_PER_INCH
        self.content = self._content_box()

    # -- geometry -----------------------------------------------------------------------------
    def _content_box(self) -> Box:
        """The body placeholder of the content layout, kept below its title and on the slide."""
        from pptx.enum.shapes import PP_PLACEHOLDER

        layout = self.layouts["content"]
        title_bottom = TITLE_TOP_IN + TITLE_HEIGHT_IN
        body: Box | None = None
        for ph in layout.placeholders:
            kind = ph.placeholder_format.type
            box = Box(*(v / EMU_PER_INCH for v in (ph.left, ph.top, ph.width, ph.height)))
            if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                title_bottom = box.bottom
            elif kind in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT) and body is None:
                body = box
        if body is None or body.width < 0.5 * self.width:
            top = title_bottom + 0.1
            body = Box(MARGIN_IN, top, self.width - 2 * MARGIN_IN, self.height - top - 0.45)
        top = max(body.top, title_bottom)
        bottom = min(body.bottom, self.height - 0.3)
        return Box(body.left, top, body.width, bottom - top)

    def fit(self, width: float, height: float) -> Box:
        """A ``width`` x ``height`` box (inches) centred at the top of the content box,
        scaled down only when it does not fit."""
        scale = min(1.0, self.content.width / width, self.content.height / height)
        w, h = width * scale, height * scale
        left = self.content.left + (self.content.width - w) / 2
        return Box(left, self.content.top, w, h)

    # -- slides -------------------------------------------------------------------------------
    def _title(self, slide: Any, text: str, size: int) -> Any:
        from pptx.enum.shapes import PP_PLACEHOLDER

        title = next(
            ph
            for ph in slide.placeholders
            if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        )
        title.text = text
        for paragraph in title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = self.Pt(size)
        return title

    def _number(self, slide: Any) -> None:
        """A slide-number field, in the layout's slide-number placeholder when it has one."""
        from pptx.enum.shapes import PP_PLACEHOLDER
        from pptx.oxml.ns import qn

        source = next(
            (
                ph
                for ph in slide.slide_layout.placeholders
                if ph.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER
            ),
            None,
        )
        if source is not None:
            element = copy.deepcopy(source._element)
            slide.shapes._spTree.append(element)
            shape = slide.shapes[-1]
        else:
            shape = slide.shapes.add_textbox(
                _emu(self.width - MARGIN_IN - 1.5), _emu(self.height - 0.42), _emu(1.5), _emu(0.36)
            )
        frame = shape.text_frame
        paragraph = frame.paragraphs[0]
        for r in list(paragraph._p):
            if r.tag in (qn("a:r"), qn("a:fld"), qn("a:br")):
                paragraph._p.remove(r)
        for extra in frame.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        from lxml import etree

        fld = etree.SubElement(paragraph._p, qn("a:fld"))
        fld.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
        fld.set("type", "slidenum")
        rpr = etree.SubElement(fld, qn("a:rPr"))
        rpr.set("lang", "en-GB")
        rpr.set("sz", "1400")
        text = etree.SubElement(fld, qn("a:t"))
        text.text = str(len(self.prs.slides))
        end = paragraph._p.find(qn("a:endParaRPr"))
        if end is not None:  # endParaRPr must stay last
            paragraph._p.remove(end)
            paragraph._p.append(end)

    def slide(self, title: str, *, layout: str = "title_only", notes: str = "") -> Any:
        """A new slide on ``layout`` with ``title`` in its title placeholder, a slide number
        and ``notes`` as speaker notes; empty placeholders other than the body are removed."""
        slide = self.prs.slides.add_slide(self.layouts[layout])
        self._title(slide, title, TITLE_PT if len(title) <= 70 else LONG_TITLE_PT)
        if layout != "content":
            self._drop_empty(slide)
        self._number(slide)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    @staticmethod
    def _drop_empty(slide: Any) -> None:
        from pptx.enum.shapes import PP_PLACEHOLDER

        for ph in list(slide.placeholders):
            if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                continue
            if ph.has_text_frame and ph.text_frame.text:
                continue
            ph._element.getparent().remove(ph._element)

    def cover(self, title: str, subtitle: Sequence[str], *, notes: str = "") -> Any:
        """The title slide: the scenario's name and a subtitle."""
        from pptx.enum.shapes import PP_PLACEHOLDER

        slide = self.prs.slides.add_slide(self.layouts["title"])
        self._title(slide, title, 36)
        sub = next(
            (
                ph
                for ph in slide.placeholders
                if ph.placeholder_format.type in (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY)
            ),
            None,
        )
        if sub is not None:
            self.fill(sub.text_frame, subtitle, size=BODY_PT, bullets=False)
        else:
            box = slide.shapes.add_textbox(
                _emu(self.content.left), _emu(4.2), _emu(self.content.width), _emu(1.5)
            )
            self.fill(box.text_frame, subtitle, size=BODY_PT, bullets=False)
        self._drop_empty(slide)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        return slide

    def fill(
        self,
        frame: Any,
        lines: Sequence[str],
        *,
        size: int = BODY_PT,
        bullets: bool = True,
        bold_first: bool = False,
    ) -> None:
        """``lines`` as paragraphs of ``frame`` at ``size`` pt (a line starting with ``"\\t"``
        is indented one level)."""
        frame.word_wrap = True
        for k, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            level = 1 if line.startswith("\t") else 0
            paragraph.text = line.lstrip("\t")
            paragraph.level = level
            paragraph.space_after = self.Pt(6)
            for run in paragraph.runs:
                run.font.size = self.Pt(size)
                run.font.bold = bold_first and k == 0
            if not bullets:
                _no_bullet(paragraph)

    def bullets(
        self, title: str, lines: Sequence[str], *, notes: str = "", size: int = BODY_PT
    ) -> Any:
        """A title-and-content slide: ``lines`` in the layout's body placeholder."""
        from pptx.enum.shapes import PP_PLACEHOLDER

        slide = self.slide(title, layout="content", notes=notes)
        body = next(
            ph
            for ph in slide.placeholders
            if ph.placeholder_format.type in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT)
        )
        _place(body, self.content)
        self.fill(body.text_frame, lines, size=size)
        self._drop_empty(slide)
        return slide

    def table(
        self,
        slide: Any,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        box: Box | None = None,
        numeric: Sequence[int] = (),
        size: int = TABLE_PT,
        alt: str = "",
    ) -> Any:
        """A table in ``box`` (default: the content box), column widths proportional to
        ``widths``, right-aligned ``numeric`` columns, ``size`` pt text."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        box = box or self.content
        heights = row_heights([header, *rows], widths, box.width, size)
        height = sum(heights)
        shape = slide.shapes.add_table(
            len(rows) + 1, len(header), _emu(box.left), _emu(box.top), _emu(box.width), _emu(height)
        )
        if alt:
            shape._element.nvGraphicFramePr.cNvPr.set("descr", alt)
        table = shape.table
        total = sum(widths)
        for j, w in enumerate(widths):
            table.columns[j].width = _emu(box.width * w / total)
        for row, h in zip(table.rows, heights, strict=True):
            row.height = _emu(h)
        for i, record in enumerate([list(header), *[list(r) for r in rows]]):
            for j, value in enumerate(record):
                cell = table.cell(i, j)
                cell.text = str(value)
                cell.margin_top = cell.margin_bottom = Pt(2)
                paragraph = cell.text_frame.paragraphs[0]
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.bold = i == 0
                if j in numeric:
                    paragraph.alignment = PP_ALIGN.RIGHT
        return table

    def picture(self, slide: Any, png: bytes, size: tuple[float, float], alt: str) -> Any:
        """A chart picture drawn at ``size`` inches, placed at 100% scale (scaled down only
        when the template's content box is smaller), with ``alt`` as its alternative text."""
        box = self.fit(*size)
        pic = slide.shapes.add_picture(
            io.BytesIO(png), _emu(box.left), _emu(box.top), _emu(box.width), _emu(box.height)
        )
        set_alt_text(pic, alt)
        return pic

    def text(self, slide: Any, lines: Sequence[str], box: Box, *, size: int = BODY_PT) -> Any:
        """A text box (for text beside a chart)."""
        shape = slide.shapes.add_textbox(
            _emu(box.left), _emu(box.top), _emu(box.width), _emu(box.height)
        )
        self.fill(shape.text_frame, lines, size=size, bullets=False)
        return shape

    def save(self, *, title: str, subject: str = "", today: _dt.date | None = None) -> bytes:
        """The file's bytes with clean document properties: author and last editor
        ``prioritizer``, ``title``, no template leftovers."""
        props = self.prs.core_properties
        when = _dt.datetime.combine(today or _dt.date.today(), _dt.time())
        props.author = "prioritizer"
        props.last_modified_by = "prioritizer"
        props.title = title
        props.subject = subject
        props.keywords = "customer experience; portfolio; steering committee"
        props.comments = "Generated by prioritizer"
        props.category = ""
        props.revision = 1
        props.created = props.modified = when
        props.last_printed = when
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


def text_lines(text: str, width_in: float, size: int) -> int:
    """Lines ``text`` takes in a ``width_in``-inch cell at ``size`` pt (a generous estimate:
    an average character is taken as 0.52 em wide, words wrap whole)."""
    per_line = max(1, int((width_in - 0.15) / (0.52 * size / 72)))
    lines, used = 1, 0
    for word in str(text).split():
        need = len(word) + (1 if used else 0)
        if used and used + need > per_line:
            lines, used = lines + 1, len(word)
        else:
            used += need
        while used > per_line:  # a word longer than the line
            lines, used = lines + 1, used - per_line
    return lines


def row_heights(
    rows: Sequence[Sequence[str]], widths: Sequence[float], total_in: float, size: int
) -> list[float]:
    """Height (inches) of each row of a table ``total_in`` wide with column ``widths``."""
    scale = total_in / sum(widths)
    line = size * 1.08 / 72
    return [
        max(text_lines(cell, w * scale, size) for cell, w in zip(row, widths, strict=True)) * line
        + 0.1
        for row in rows
    ]


def paginate(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    box: Box,
    *,
    size: int = TABLE_PT,
    max_rows: int = 12,
) -> list[list[int]]:
    """Row indices per page so that each page's table fits ``box`` and has at most
    ``max_rows`` rows; pages balanced (as even as the heights allow: never a last page
    with one or two rows when the others could give some up)."""
    head = row_heights([header], widths, box.width, size)[0]
    heights = row_heights(rows, widths, box.width, size)
    if not heights:
        return [[]]
    pages = _fill(heights, head, box.height, max_rows)
    if len(pages) > 1:  # balance: the same number of rows per page where it fits
        per = -(-len(heights) // len(pages))
        even = [list(range(i, min(i + per, len(heights)))) for i in range(0, len(heights), per)]
        if all(head + sum(heights[i] for i in page) <= box.height for page in even):
            return even
        # otherwise the lowest page height (inches) that still needs no extra page
        low = max(head + sum(heights) / len(pages), head + max(heights))
        high = box.height
        if low < high:
            for _ in range(40):
                mid = (low + high) / 2
                if len(_fill(heights, head, mid, max_rows)) <= len(pages):
                    high = mid
                else:
                    low = mid
            pages = _fill(heights, head, high, max_rows)
    return pages


def _fill(heights: Sequence[float], head: float, cap: float, max_rows: int) -> list[list[int]]:
    """Rows in order onto pages of at most ``cap`` inches (header ``head`` included) and
    ``max_rows`` rows; a row taller than ``cap`` gets a page of its own."""
    pages: list[list[int]] = [[]]
    used = head
    for k, h in enumerate(heights):
        if pages[-1] and (used + h > cap + 1e-9 or len(pages[-1]) >= max_rows):
            pages.append([])
            used = head
        pages[-1].append(k)
        used += h
    return pages


def _no_bullet(paragraph: Any) -> None:
    from lxml import etree
    from pptx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    for child in ppr.findall(qn("a:buNone")):
        ppr.remove(child)
    etree.SubElement(ppr, qn("a:buNone"))
    ppr.set("marL", "0")
    ppr.set("indent", "0")


def set_alt_text(shape: Any, text: str) -> None:
    """The shape's alternative text (``descr`` of its non-visual properties)."""
    element = shape._element
    for path in ("nvPicPr", "nvGraphicFramePr", "nvSpPr"):
        nv = getattr(element, path, None)
        if nv is not None:
            nv.cNvPr.set("descr", text)
            return
