"""The steering pack: files out of results (charts, Excel workbook, PowerPoint deck, Markdown).

``build_pack`` runs the analyses; ``write_pack`` writes everything atomically into a folder:
``deck.pptx``, ``portfolio.xlsx``, ``summary.md``, ``charts/*.png`` (200 dpi) and
``charts/*.svg``, and ``tables/*.csv``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..io import OutputDir
from .pack import ANALYSES, Chart, SteeringPack, build_pack, draw_charts

__all__ = ["ANALYSES", "Chart", "SteeringPack", "build_pack", "write_pack"]


def _figure_bytes(figure: Any, fmt: str, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


def write_pack(
    pack: SteeringPack,
    out: OutputDir | str | Path,
    *,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the whole pack into ``out``; returns the paths written."""
    import matplotlib.pyplot as plt

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
    charts = draw_charts(pack)
    deck_images: list[tuple[str, bytes]] = []
    md_links: list[tuple[str, str]] = []
    for chart in charts:
        write(f"charts/{chart.slug}.png", _figure_bytes(chart.figure, "png", 200))
        write(f"charts/{chart.slug}.svg", _figure_bytes(chart.figure, "svg", 100))
        chart.figure.axes[0].set_title("", loc="left")  # the slide title carries the finding
        deck_images.append((chart.finding, _figure_bytes(chart.figure, "png", 150)))
        md_links.append((chart.finding, f"charts/{chart.slug}.png"))
        plt.close(chart.figure)

    if progress:
        progress("tables")
    tables: dict[str, Any] = {
        "portfolio": pack.result.portfolio,
        "ranking_vs_optimum": pack.ranking.differences(),
    }
    if pack.frontier is not None:
        tables["frontier"] = pack.frontier.to_frame()
    if pack.marginal is not None:
        tables["marginal_values"] = pack.marginal.to_frame()
    if pack.tornado is not None:
        tables["tornado"] = pack.tornado.to_frame()
    if pack.montecarlo is not None:
        tables["robustness"] = pack.montecarlo.to_frame()
        tables["npv_distribution"] = pack.montecarlo.portfolio_distribution()
    if pack.pareto is not None:
        tables["pareto"] = pack.pareto.to_frame()
    if pack.explain is not None:
        tables["explain"] = pack.explain.to_frame()
    if pack.roadmap is not None:
        from ..roadmap.pack import pack_tables

        tables.update(pack_tables(pack.roadmap))
    for name, frame in tables.items():
        index = name not in ("frontier", "tornado", "pareto")
        write(f"tables/{name}.csv", to_csv(frame, index=index))

    if progress:
        progress("workbook")
    write("portfolio.xlsx", workbook_bytes(pack))
    if progress:
        progress("deck")
    write("deck.pptx", deck_bytes(pack, deck_images))
    write("summary.md", summary_markdown(pack, md_links))
    return written
