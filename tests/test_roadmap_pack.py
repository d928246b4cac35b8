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

    book = openpyxl.load_workbook(out / "portfolio.xlsx")
    sheets = book.sheetnames
    assert "Roadmap" in sheets and "Roadmap by period" in sheets
    # a roadmap's customer value is over the plan and the horizon, not a yearly rate
    headers = [str(c.value) for name in sheets for c in book[name][1] if c.value is not None]
    assert not [h for h in headers if h == "Customer value (effort removed a year)"], headers
    assert any("per horizon year" in h for h in headers), headers
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


def test_roadmap_pack_recommends_its_roadmap(tmp_path: Path) -> None:
    """The headline, the asks, the value bridge and the ranking comparison of a roadmap's
    pack describe the roadmap's plan (its initiatives, its NPV at the planned starts), not
    the one-lump optimum that ignores the periods."""
    import math

    import prioritizer as px
    from prioritizer import formatting as fmt
    from prioritizer.analysis.ranking import ranking_selection
    from prioritizer.report import build_pack
    from prioritizer.report.markdown import summary_markdown
    from prioritizer.roadmap import plan_roadmap, solve_roadmap
    from prioritizer.value import score_initiatives

    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    scenario = px.load_scenario(tmp_path / "scenario.yaml")
    roadmap = plan_roadmap(scenario)
    one_lump = px.optimize(scenario)
    assert not math.isclose(roadmap.business_value, one_lump.business_value, rel_tol=1e-6)

    pack = build_pack(scenario)
    assert pack.base.selected == roadmap.selected
    assert math.isclose(pack.base.business_value, roadmap.business_value, rel_tol=1e-12)
    assert math.isclose(pack.base.cost, roadmap.cost, rel_tol=1e-12)
    # per chosen initiative: its value at the planned start
    frame = roadmap.to_frame()
    chosen = pack.base.portfolio[pack.base.portfolio["selected"]]
    for ident, row in chosen.iterrows():
        assert math.isclose(row["business_value"], frame.loc[ident, "business_value"])
        assert row["start"] == frame.loc[ident, "start"]
    # left out: valued at its best allowed start, as the cost-of-delay table says
    delay = roadmap.cost_of_delay()
    left = pack.base.portfolio[~pack.base.portfolio["selected"]]
    for ident, row in left.iterrows():
        if isinstance(delay.loc[ident, "best_start"], str):
            assert math.isclose(row["business_value"], delay.loc[ident, "best_start_value"])
    # the bridge adds up to the roadmap's NPV
    bridge = pack.get("portfolio").bridge()["value"]
    assert math.isclose(float(bridge.sum()), roadmap.business_value, rel_tol=1e-9)
    assert float(bridge["One-off cost"]) < 0
    # the ranking's list, phased as well as the periods allow, valued at its starts
    ranking = pack.get("ranking")
    scores = score_initiatives(scenario)
    listed = scores.index[ranking_selection(scenario, scores) > 0.5].tolist()
    off = [i for i in scores.index if i not in listed]
    phased = solve_roadmap(scenario.with_overrides(force_out=off))
    assert ranking.listed == listed and ranking.selected == phased.selected
    assert math.isclose(ranking.ranking_objective, phased.objective, rel_tol=1e-9)
    assert ranking.ranking_objective <= roadmap.objective * (1 + 1e-9)
    # the recommendation line quotes the roadmap's NPV
    lines = summary_markdown(pack, []).splitlines()
    first = next(line for line in lines if "Recommendation" in line)
    assert fmt.headline_money(roadmap.business_value, scenario.currency) in first, first


def test_roadmap_pack_says_what_its_npv_spans(tmp_path: Path) -> None:
    """A roadmap's NPV runs over the plan and the horizon after it (§5), not the horizon."""
    import prioritizer as px
    from prioritizer.report import build_pack
    from prioritizer.report.markdown import summary_markdown

    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    scenario = px.load_scenario(tmp_path / "scenario.yaml")
    text = summary_markdown(build_pack(scenario), [])
    periods = len(scenario.periods or ())
    years = scenario.horizon_years
    after = f"{years} year" if years == 1 else f"{years} years"  # "1 year", not "1 years"
    assert f"over the {periods} quarters of the plan and {after} after it" in text
