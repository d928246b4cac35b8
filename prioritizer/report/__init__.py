"""The steering pack: files out of results (charts, Excel workbook, PowerPoint deck, Markdown).

``build_pack`` runs the analyses; ``write_pack`` writes everything atomically into a folder:
``deck.pptx``, ``portfolio.xlsx``, ``summary.md``, ``charts/*.png`` (200 dpi) and
``charts/*.svg``, and ``tables/*.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..analysis.registry import REGISTRY
from ..io import OutputDir
from .pack import ANALYSES, Chart, SteeringPack, build_pack, draw_charts, render_charts

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
) -> list[Path]:
    """Write the whole pack into ``out``; returns the paths written. Charts are rendered on
    ``workers`` processes (default: all cores)."""
    from ..render import to_csv
    from .deck import deck_bytes
    from .markdown import summary_markdown
    from .workbook import workbook_bytes

    outdir = out if isinstance(out, OutputDir) else OutputDir(out)
    written: list[Path] = []

    def write(name: str, data: str | bytes) -> None:
        written.append(outdir.write(name, data))

    if progress:
        progress("charts")
    deck_images: list[tuple[str, bytes]] = []
    md_links: list[tuple[str, str]] = []
    for chart in render_charts(pack, workers=workers):
        write(f"charts/{chart.slug}.png", chart.png)
        write(f"charts/{chart.slug}.svg", chart.svg)
        deck_images.append((chart.finding.text, chart.slide_png))
        md_links.append((chart.finding.text, f"charts/{chart.slug}.png"))

    if progress:
        progress("tables")
    for name, result in pack.results.items():
        for table in REGISTRY[name].tables:
            write(f"tables/{table.name}.csv", to_csv(table.frame(result), index=table.index))

    if progress:
        progress("workbook")
    write("portfolio.xlsx", workbook_bytes(pack))
    if progress:
        progress("deck")
    write("deck.pptx", deck_bytes(pack, deck_images))
    write("summary.md", summary_markdown(pack, md_links))
    return written
