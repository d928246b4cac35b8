"""The steering pack: charts checked on their data and labels, deck and workbook contents,
the formula-injection guard, and (where LibreOffice is installed) that the files open."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.analysis.frontier import efficient_frontier
from prioritizer.analysis.portfolio import portfolio_view
from prioritizer.cli import cli
from prioritizer.plots.style import CHART_ON_SLIDE
from prioritizer.report import build_pack, write_pack

BANK = SCENARIOS / "retail_bank" / "scenario.yaml"


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full pack for the bank with a small Monte Carlo, written once for these tests."""
    out = tmp_path_factory.mktemp("pack")
    result = CliRunner().invoke(
        cli, ["report", str(BANK), "--out", str(out), "--draws", "40", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_frontier_line_is_the_frontier_table(bank: px.Scenario) -> None:
    frontier = efficient_frontier(bank, [1e6, 2e6, 3e6, 4e6])
    ax = frontier.plot()
    line = ax.get_lines()[0]
    assert np.allclose(line.get_ydata(), frontier.to_frame()["objective"])
    assert np.allclose(line.get_xdata(), frontier.to_frame()["budget"])
    assert ax.get_xlabel().startswith("Budget") and "EUR" in ax.get_xlabel()
    assert "buys" in ax.get_title(loc="left")
    plt.close(ax.figure)


def test_portfolio_map_has_one_bubble_per_initiative(bank: px.Scenario) -> None:
    view = portfolio_view(bank)
    result = view.base
    ax = view.plot()
    offsets = sum(len(c.get_offsets()) for c in ax.collections)
    assert offsets == len(bank.initiatives)
    filled = ax.collections[1]
    assert len(filled.get_offsets()) == len(result.selected)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title(loc="left")
    assert ax.figure.get_size_inches() == pytest.approx(CHART_ON_SLIDE)  # as on the slide
    plt.close(ax.figure)


def test_value_bridge_adds_up_to_npv(bank: px.Scenario) -> None:
    view = portfolio_view(bank)
    result = view.base
    ax = view.plot_bridge()
    bars = ax.patches
    steps = [b.get_height() for b in bars[:5]]
    assert sum(steps) == pytest.approx(result.business_value, rel=1e-9)
    assert bars[5].get_height() == pytest.approx(result.business_value, rel=1e-9)
    plt.close(ax.figure)


def test_capacity_chart_flags_binding_limits(bank: px.Scenario) -> None:
    view = portfolio_view(bank)
    result = view.base
    ax = view.plot_capacity()
    limits = result.limits()
    binding = list(limits.loc[limits["binding"], "label"])
    for name in binding:
        assert fmt.limit_label(name) in ax.get_title(loc="left")
    plt.close(ax.figure)


def test_pack_files(pack_dir: Path) -> None:
    for name in ("deck.pptx", "portfolio.xlsx", "summary.md"):
        assert (pack_dir / name).stat().st_size > 1000
    pngs = sorted((pack_dir / "charts").glob("*.png"))
    svgs = sorted((pack_dir / "charts").glob("*.svg"))
    assert len(pngs) == len(svgs) >= 9
    from PIL import Image

    with Image.open(pngs[0]) as image:  # CHART_ON_SLIDE, 12.33 x 5.6 in at 200 dpi
        assert image.size == (2466, 1120)
    for table in ("portfolio", "frontier", "tornado", "robustness", "marginal_values"):
        assert (pack_dir / "tables" / f"{table}.csv").exists()
    summary = (pack_dir / "summary.md").read_text()
    assert "**Recommendation:**" in summary and "](charts/frontier.png)" in summary


def test_deck_slides(pack_dir: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation(str(pack_dir / "deck.pptx"))
    assert deck.slide_width == Inches(13.333) and deck.slide_height == Inches(7.5)
    titles = []
    pictures = 0
    for slide in deck.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]
        titles.append(texts[0] if texts else "")
        pictures += sum(1 for s in slide.shapes if s.shape_type == 13)  # PICTURE
        for shape in slide.shapes:  # everything stays on the slide
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= deck.slide_width + 1
            assert shape.top + shape.height <= deck.slide_height + 1
    assert "Retail bank" in titles[0]
    assert titles[1].startswith("Fund 14 initiatives")
    assert pictures == len(list((pack_dir / "charts").glob("*.png")))
    assert any(t.startswith("Why not?") for t in titles)
    assert any(t.startswith("Appendix") for t in titles)
    assert any("buys" in t for t in titles)  # the frontier's finding is a slide title


def test_workbook_sheets(pack_dir: Path) -> None:
    workbook = openpyxl.load_workbook(pack_dir / "portfolio.xlsx")
    for sheet in (
        "Portfolio",
        "Summary",
        "Frontier",
        "Robustness",
        "Marginal values",
        "Assumptions",
    ):
        assert sheet in workbook.sheetnames
    portfolio = workbook["Portfolio"]
    assert portfolio.freeze_panes == "B2" and portfolio.auto_filter.ref
    header = [c.value for c in portfolio[1]]
    assert header[:2] == ["id", "selected"] and "business_value" in header
    column = header.index("business_value") + 1
    assert portfolio.cell(row=2, column=column).number_format.startswith("#,##0")
    assert portfolio.max_row == 41


def test_formula_injection_is_neutralized(tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    shutil.copytree(SCENARIOS / "retail_bank", folder)
    table = folder / "initiatives.csv"
    text = table.read_text().replace(
        "Complaint hub with single case view", '"=HYPERLINK(""http://evil"",""click"")"'
    )
    table.write_text(text)
    sc = px.load_scenario(folder / "scenario.yaml")
    pack = build_pack(
        sc, skip=["frontier", "marginal", "tornado", "montecarlo", "pareto", "explain"]
    )
    write_pack(pack, tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "portfolio.xlsx")["Portfolio"]
    names = [c for c in sheet["C"] if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names and all(c.data_type == "s" and c.quotePrefix for c in names)
    csv_text = (tmp_path / "out" / "tables" / "portfolio.csv").read_text()
    assert "'=HYPERLINK" in csv_text


def test_report_skip_and_bad_skip(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(BANK),
            "--out",
            str(tmp_path / "q"),
            "--skip",
            "montecarlo,tornado,pareto,explain,frontier,marginal",
        ],
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "q" / "charts" / "robustness.png").exists()
    bad = CliRunner().invoke(
        cli, ["report", str(BANK), "--out", str(tmp_path / "r"), "--skip", "everything"]
    )
    assert bad.exit_code == 2 and "unknown" in bad.stderr


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed",
)
def test_deck_and_workbook_open_in_libreoffice(pack_dir: Path, tmp_path: Path) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    for name in ("deck.pptx", "portfolio.xlsx"):
        done = subprocess.run(
            [
                office,
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(pack_dir / name),
            ],
            capture_output=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        assert (tmp_path / name.replace(Path(name).suffix, ".pdf")).stat().st_size > 1000
