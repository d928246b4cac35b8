"""The steering pack: files out of results (charts, Excel workbook, PowerPoint deck, Markdown).

``build_pack`` runs the analyses; ``write_pack`` writes everything atomically into a folder:
``deck.pptx``, ``portfolio.xlsx``, ``summary.md``, ``charts/*.png`` (200 dpi) and
``charts/*.svg``, and ``tables/*.csv``.
"""

from __future__ import annotations

import dataclasses
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
    written: list[Path] = []

    def write(name: str, data: str | bytes) -> None:
        written.append(outdir.write(name, data))

    if progress:
        progress("charts")
    deck_charts: list[SlideChart] = []
    evidence_charts: list[SlideChart] = []
    md_links: list[tuple[str, str]] = []
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
    except BaseException:
        rendered.cancel()
        raise
    charts = rendered.wait()
    for chart in [*charts, *render_evidence_charts(pack)]:
        write(f"charts/{chart.slug}.png", chart.png)
        write(f"charts/{chart.slug}.svg", chart.svg)
        target = evidence_charts if chart.slug.startswith("evidence_") else deck_charts
        target.append(SlideChart(chart.slug, chart.finding, chart.slide_png, chart.slide_size))
        md_links.append((chart.finding.text, f"charts/{chart.slug}.png"))
    if progress:
        progress("tables")
    for path, text in tables:
        write(path, text)
    if progress:
        progress("deck and workbook")
    deck = deck_bytes(
        pack,
        deck_charts,
        evidence_charts=evidence_charts,
        story=story,
        template=template if template is not None else pack.template,
    )
    write("portfolio.xlsx", workbook())
    write("deck.pptx", deck)
    write("summary.md", summary_markdown(pack, md_links, story))
    return written
