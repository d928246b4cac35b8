"""The steering pack: files out of results (charts, Excel workbook, PowerPoint deck, Markdown).

``build_pack`` runs the analyses; ``write_pack`` writes everything atomically into a folder:
``deck.pptx``, ``portfolio.xlsx``, ``summary.md``, ``charts/*.png`` (200 dpi) and
``charts/*.svg``, and ``tables/*.csv``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path

from ..analysis.registry import REGISTRY
from ..io import OutputDir
from .pack import (
    ANALYSES,
    Chart,
    SteeringPack,
    build_pack,
    draw_charts,
    render_charts,
    start_rendering,
)

__all__ = [
    "ANALYSES",
    "Chart",
    "SteeringPack",
    "build_pack",
    "draw_charts",
    "render_charts",
    "write_pack",
]


def write_pack(
    pack: SteeringPack,
    out: OutputDir | str | Path,
    *,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    template: str | Path | None = None,
) -> list[Path]:
    """Write the whole pack into ``out``; returns the paths written. Charts are rendered on
    ``workers`` processes (default: all cores). ``template``: a company's .pptx for the deck
    (default: the one given to :func:`build_pack`, else the built-in 16:9 template)."""
    from ..render import to_csv
    from .deck import SlideChart, deck_bytes
    from .markdown import summary_markdown
    from .pack import render_evidence_charts
    from .story import build_story
    from .workbook import workbook_bytes

    outdir = out if isinstance(out, OutputDir) else OutputDir(out)
    files: dict[str, str | bytes] = {}  # written together at the end: all refused, or none

    if progress:
        progress("charts")
    rendered = start_rendering(pack, workers=workers)  # on worker processes, meanwhile:
    try:
        story = build_story(
            pack.base, pack.results, evidence=pack.evidence, draws=pack.draws, seed=pack.seed
        )
        tables = [
            (f"tables/{table.name}.csv", to_csv(table.frame(result), index=table.index))
            for name, result in pack.results.items()
            for table in REGISTRY[name].tables
        ]
        # on a worker beside the charts: it is built while this process builds the deck
        workbook = rendered.beside(workbook_bytes, dataclasses.replace(pack, rendering=None), story)
        evidence = render_evidence_charts(pack)
        # the deck waits for each chart only when it places it: the last ones render meanwhile
        slides = [
            SlideChart(slug, finding, functools.partial(rendered.slide_picture, position))
            for position, (slug, finding) in enumerate(rendered.planned())
        ] + [SlideChart(c.slug, c.finding, c.slide_png, c.slide_size) for c in evidence]
        if progress:
            progress("deck and workbook")
        deck = deck_bytes(
            pack,
            [c for c in slides if not c.slug.startswith("evidence_")],
            evidence_charts=[c for c in slides if c.slug.startswith("evidence_")],
            story=story,
            template=template if template is not None else pack.template,
        )
        charts = rendered.wait()
    except BaseException:
        rendered.cancel()
        raise
    md_links: list[tuple[str, str]] = []
    for chart in [*charts, *evidence]:
        files[f"charts/{chart.slug}.png"] = chart.png
        files[f"charts/{chart.slug}.svg"] = chart.svg
        md_links.append((chart.finding.text, f"charts/{chart.slug}.png"))
    files.update(tables)
    files["portfolio.xlsx"] = workbook()
    files["deck.pptx"] = deck
    files["summary.md"] = summary_markdown(pack, md_links, story)
    return outdir.write_all(files)
