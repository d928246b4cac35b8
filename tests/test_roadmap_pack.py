"""The steering pack of a roadmap scenario: roadmap slides, Roadmap sheets and tables."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_roadmap_cli import CSV, YAML

from prioritizer.cli import cli


def test_pack_has_roadmap_slides_and_sheets(tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "pack"
    args = ["report", str(tmp_path / "scenario.yaml"), "--out", str(out)]
    result = CliRunner().invoke(cli, [*args, "--with", "montecarlo,explain", "--draws", "30"])
    assert result.exit_code == 0, result.output
    import openpyxl
    from pptx import Presentation

    sheets = openpyxl.load_workbook(out / "portfolio.xlsx").sheetnames
    assert "Roadmap" in sheets and "Roadmap by period" in sheets
    for slug in ("roadmap_gantt", "roadmap_spend", "roadmap_capacity", "roadmap_value"):
        assert (out / "charts" / f"{slug}.png").stat().st_size > 10_000
    titles = [
        next((s.text_frame.text for s in slide.shapes if s.has_text_frame), "")
        for slide in Presentation(str(out / "deck.pptx")).slides
    ]
    assert any("live by" in t and "the plan is worth" in t for t in titles), titles
    roadmap_csv = (out / "tables" / "roadmap.csv").read_text()
    assert roadmap_csv.startswith("id,") and "npv_lost_one_period_later" in roadmap_csv
    # the one-lump analyses are left out of a roadmap pack (they would ignore the periods)
    assert not (out / "charts" / "frontier.png").exists()
    # Monte Carlo and explain re-plan the roadmap: risk charts and the why-not slide
    for slug in ("robustness", "npv_distribution"):
        assert (out / "charts" / f"{slug}.png").stat().st_size > 10_000
    assert any(t.startswith("What we do not fund") for t in titles), titles
    assert "forced_start" in (out / "tables" / "explain.csv").read_text().splitlines()[0]


def test_roadmap_pack_replans_only_when_asked(tmp_path: Path) -> None:
    """Monte Carlo and explain re-plan the whole roadmap per draw or initiative (hours with
    1,000 draws on a quarterly example): a roadmap's pack runs them only with --with."""
    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "pack"
    args = ["report", str(tmp_path / "scenario.yaml"), "--out", str(out)]
    bad = CliRunner().invoke(cli, [*args, "--with", "tornado"])
    assert bad.exit_code == 2 and "--with" in bad.output and "montecarlo, explain" in bad.output
    assert not out.exists()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (out / "charts" / "roadmap_gantt.png").exists()
    assert not (out / "charts" / "robustness.png").exists()
    assert not (out / "tables" / "explain.csv").exists()
