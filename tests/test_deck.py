"""The steering deck as a board reads it (issue 11): the story's numbers re-derived from the
result objects for both examples; python-pptx checks (a real title on every slide, alt text,
font sizes, everything on the slide, slide numbers, notes, metadata, pictures at 100%); the
``--template`` option; the workbook's order, formats and print setup; the evidence section."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.cli import cli
from prioritizer.plots.style import CHART_ON_SLIDE
from prioritizer.report import build_pack, write_pack
from prioritizer.report.slides import CHART_PT, TABLE_PT, paginate, row_heights, text_lines
from prioritizer.report.story import FULL, build_story, less_value_note

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER  # noqa: E402
from pptx.util import Emu, Pt  # noqa: E402

EXAMPLES = {
    "bank": SCENARIOS / "retail_bank" / "scenario.yaml",
    "telecom": SCENARIOS / "telecom" / "scenario.yaml",
}
EMU = 914400


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Path]]:
    """Both examples' packs (small Monte Carlo), built and written once."""
    out: dict[str, tuple[Any, Path]] = {}
    for name, path in EXAMPLES.items():
        pack = build_pack(px.load_scenario(path), draws=30, workers=1)
        folder = tmp_path_factory.mktemp(name)
        write_pack(pack, folder, workers=1)
        out[name] = (pack, folder)
    return out


@pytest.fixture(params=list(EXAMPLES))
def example(request: pytest.FixtureRequest, packs: dict[str, tuple[Any, Path]]) -> Any:
    return packs[request.param]


# -- the story's numbers, re-derived from the result objects ---------------------------------
def test_executive_summary_rederived(example: tuple[Any, Path]) -> None:
    pack, _folder = example
    r = pack.base
    sc = pack.scenario
    cur = sc.currency
    story = build_story(r, pack.results, draws=pack.draws, seed=pack.seed)
    summary = story.summary
    chosen = [i for i in sc.initiatives if i.id in r.selected]
    kept = math.fsum(float(r.scores.loc[i.id, "retained_customers_per_year"]) for i in chosen)
    complaints = math.fsum(i.voc_volume for i in chosen)
    # independent: retained = segment customers × churn reduction (pp) / 100
    by_formula = 0.0
    for i in chosen:
        customers = (
            sum(s.customers for s in sc.segments.values())
            if i.segment == "all"
            else sc.segments[i.segment].customers
        )
        by_formula += customers * i.churn_reduction_pp / 100
    assert kept == pytest.approx(by_formula, rel=1e-9)

    head = summary.headline
    assert head.numbers["n_selected"] == len(r.selected)
    assert head.numbers["cost"] == pytest.approx(math.fsum(i.cost for i in chosen))
    assert head.numbers["business_value"] == pytest.approx(
        math.fsum(float(r.scores.loc[i.id, "business_value"]) for i in chosen)
    )
    assert head.numbers["customers_kept_per_year"] == pytest.approx(kept)
    for text in (
        f"Approve {len(r.selected)} initiatives",
        fmt.headline_money(r.cost, cur),
        fmt.headline_money(r.business_value, cur),
        f"{kept:,.0f} customers kept a year",
    ):
        assert text in head.text
    lines = {f.text: f for f in summary.lines}
    texts = " | ".join(lines)
    assert f"fixes what {complaints:,.0f} complaints a year" in texts
    assert f"over {sc.horizon_years} years" in texts
    share = r.cost / sc.budget
    assert f"of the {fmt.headline_money(sc.budget, cur)} budget ({fmt.share(share)})" in texts
    ranking = pack.ranking
    assert (
        f"{fmt.share(ranking.ranking_objective / r.objective)} of this value" in texts
    )  # the ranking's objective over the optimum's, computed here
    limits = r.limits()
    full = {
        str(k).removeprefix("team:").replace("_", " "): row["used"] / row["available"]
        for k, row in limits.iterrows()
        if row["kind"] == "capacity" and row["used"] >= FULL * row["available"]
    }
    for team, used in full.items():
        assert f"{fmt.share(used)} of the {team} team's" in texts
    if not full:
        assert "person-days" not in texts
    unused = sc.budget - r.cost
    release = [f for f in summary.asks if f.text.startswith("Release")]
    assert bool(release) == (unused > 0.01 * sc.budget)
    if release:
        assert fmt.money(unused, cur) in release[0].text
    more = [f for f in summary.asks if f.text.startswith("Decide whether")]
    for ask in more:  # the next frontier budget with a different portfolio, re-derived
        point = next(
            p
            for p in pack.get("frontier").points
            if p.budget > sc.budget and sorted(p.selected) != sorted(r.selected)
        )
        assert fmt.money(point.cost - r.cost, cur) in ask.text
        assert fmt.money(point.business_value - r.business_value, cur) in ask.text
    team_asks = [f for f in summary.asks if f.text.startswith("Add ")]
    for ask in team_asks:  # the least extra capacity that improves the optimum
        table = pack.get("marginal").to_frame()
        row = table.loc[f"team:{ask.numbers['team']}"]
        extra = row["next_improvement_at"] - row["available"]
        assert f"Add {extra:,.0f} person-days" in ask.text
        assert (
            row["objective_gain_up"]
            == table.filter(like="team:", axis=0)["objective_gain_up"].max()
        )
        for ident in str(row["enters_first"]).split(";")[:3]:
            assert sc.initiative(ident).name in ask.text


def test_funded_table_groups_by_pain_and_flags_mandatory(example: tuple[Any, Path]) -> None:
    pack, _folder = example
    r = pack.base
    sc = pack.scenario
    story = build_story(r, pack.results)
    rows = story.funded.rows
    assert sorted(row.numbers["id"] for row in rows) == sorted(r.selected)
    for row in rows:  # names, never ids; mandatory ones flagged
        item = sc.initiative(row.numbers["id"])
        assert row.cells[1].startswith(item.name)
        assert row.cells[1].endswith("(mandatory)") == (item.id in sc.mandatory_ids())
        assert item.id not in " ".join(row.cells)
    pains = [row.numbers["pain"] for row in rows]
    assert pains == sorted(pains, key=pains.index)  # each pain's rows together
    impact = story.impact
    assert impact["cost"].sum() == pytest.approx(r.cost)
    assert impact["business_value"].sum() == pytest.approx(r.business_value)


def test_not_funded_covers_every_left_out_initiative(example: tuple[Any, Path]) -> None:
    pack, _folder = example
    r = pack.base
    story = build_story(r, pack.results)
    ids = [row.numbers["id"] for row in story.not_funded.rows]
    assert sorted(ids) == sorted(set(pack.scenario.ids) - set(r.selected))
    npv = [float(r.scores.loc[i, "business_value"]) for i in ids]
    assert npv == sorted(npv, reverse=True)


# -- python-pptx checks ------------------------------------------------------------------------
def _title(slide: Any) -> Any:
    for ph in slide.placeholders:
        if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return ph
    return None


def test_every_slide_has_a_real_title_number_and_notes(example: tuple[Any, Path]) -> None:
    pack, folder = example
    deck = Presentation(str(folder / "deck.pptx"))
    assert deck.slide_width == Emu(round(13.333 * EMU)) and deck.slide_height == Emu(7.5 * EMU)
    titles = []
    for k, slide in enumerate(deck.slides, start=1):
        title = _title(slide)
        assert title is not None and title.text_frame.text.strip(), f"slide {k}"
        titles.append(title.text_frame.text)
        assert slide.slide_layout.name != "Blank"
        if k > 1:
            xml = slide._element.xml
            assert 'type="slidenum"' in xml, f"slide {k} has no slide number"
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    assert titles[0] == pack.scenario.name
    assert titles[1].startswith(f"Approve {len(pack.base.selected)} initiatives")
    order = [
        next(k for k, t in enumerate(titles) if t.startswith(prefix))
        for prefix in ("Approve", "What we fund", "Risks", "What more money", "What we do not")
    ]
    assert order == sorted(order)  # decision order
    assert titles[-1].startswith("Appendix: every initiative")


def test_pictures_have_alt_text_and_sit_at_full_scale(example: tuple[Any, Path]) -> None:
    _pack, folder = example
    deck = Presentation(str(folder / "deck.pptx"))
    pictures = 0
    for slide in deck.slides:
        title = _title(slide).text_frame.text
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                pictures += 1
                descr = shape._element.nvPicPr.cNvPr.get("descr", "")
                assert descr.startswith(title.rstrip(".")) and "The chart shows" in descr
                assert not descr.lower().endswith((".png", ".jpg", ".svg"))
                assert shape.width == pytest.approx(CHART_ON_SLIDE[0] * EMU, abs=2)
                assert shape.height == pytest.approx(CHART_ON_SLIDE[1] * EMU, abs=2)
            if shape.has_chart:
                descr = shape._element.nvGraphicFramePr.cNvPr.get("descr", "")
                assert len(descr) > 20 and title.rstrip(".")[:20] in descr
    assert pictures >= 8


def test_shapes_stay_on_the_slide_and_text_is_large(example: tuple[Any, Path]) -> None:
    _pack, folder = example
    deck = Presentation(str(folder / "deck.pptx"))
    width, height = deck.slide_width, deck.slide_height
    for k, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (k, shape.name)
            assert shape.left + shape.width <= width + 1, (k, shape.name)
            assert shape.top + shape.height <= height + 1, (k, shape.name)
            sizes = []
            if shape.has_text_frame:
                kind = shape.placeholder_format.type if shape.is_placeholder else None
                minimum = CHART_PT if kind == PP_PLACEHOLDER.SLIDE_NUMBER else 18
                for paragraph in shape.text_frame.paragraphs:
                    sizes += [(r.font.size, minimum) for r in paragraph.runs]
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        for paragraph in cell.text_frame.paragraphs:
                            sizes += [(r.font.size, TABLE_PT) for r in paragraph.runs]
            if shape.has_chart:
                assert shape.chart.font.size >= Pt(CHART_PT)
            for size, minimum in sizes:
                assert size is not None and size >= Pt(minimum), (k, shape.name, size)


def test_one_typeface_and_clean_properties(example: tuple[Any, Path]) -> None:
    pack, folder = example
    deck = Presentation(str(folder / "deck.pptx"))
    for slide in deck.slides:  # no run names a font: the theme's one typeface everywhere
        assert "typeface=" not in slide._element.xml.replace('typeface="+mn-lt"', "")
    props = deck.core_properties
    assert props.author == "prioritizer" and props.last_modified_by == "prioritizer"
    assert props.title == pack.scenario.name
    assert "Canny" not in (props.author + props.last_modified_by + props.comments)


def test_value_bridge_is_a_native_chart_that_adds_up(example: tuple[Any, Path]) -> None:
    pack, folder = example
    deck = Presentation(str(folder / "deck.pptx"))
    charts = [s.chart for slide in deck.slides for s in slide.shapes if s.has_chart]
    bridge = next(c for c in charts if "Net present value" in list(c.plots[0].categories))
    base, shown = (list(s.values) for s in bridge.plots[0].series)
    steps = pack.get("portfolio").bridge()["value"].tolist()
    assert shown[:-1] == pytest.approx([abs(v) for v in steps])
    assert shown[-1] == pytest.approx(pack.base.business_value)
    running = 0.0
    for k, value in enumerate(steps):  # each step floats from the running total
        assert base[k] == pytest.approx(min(running, running + value))
        running += value


# -- tables and pagination ------------------------------------------------------------------
def test_text_lines_wraps_whole_words() -> None:
    assert text_lines("short", 3.0, 18) == 1
    wide = text_lines("word " * 40, 3.0, 18)
    assert wide >= 5
    assert text_lines("x" * 100, 1.0, 18) >= 8  # a word longer than the line


def test_paginate_respects_height_and_rows() -> None:
    from prioritizer.report.slides import Box

    box = Box(0.5, 1.45, 12.33, 5.6)
    rows = [(f"initiative {k}", "a long description " * (k % 3 + 1)) for k in range(30)]
    pages = paginate(("a", "b"), rows, (4, 4), box, max_rows=12)
    assert sorted(i for page in pages for i in page) == list(range(30))
    head = row_heights([("a", "b")], (4, 4), box.width, 18)[0]
    heights = row_heights(rows, (4, 4), box.width, 18)
    for page in pages:
        assert len(page) <= 12
        assert head + sum(heights[i] for i in page) <= box.height


def test_paginate_never_leaves_a_near_empty_last_page() -> None:
    """Tall rows first, short rows after: filling pages in order leaves one row on the last
    page (the telecom's 'every initiative (7/7)'); the balanced pages use as many pages, all
    fit, and none is near-empty."""
    from prioritizer.report.slides import Box, _fill

    box = Box(0.5, 1.45, 12.33, 5.6)
    rows = [(f"initiative {k}", "a long description " * (5 if k < 6 else 1)) for k in range(30)]
    head = row_heights([("a", "b")], (4, 4), box.width, 18)[0]
    heights = row_heights(rows, (4, 4), box.width, 18)
    greedy = _fill(heights, head, box.height, 12)
    assert len(greedy[-1]) == 1  # the case this test is about
    pages = paginate(("a", "b"), rows, (4, 4), box, max_rows=12)
    assert [i for page in pages for i in page] == list(range(30))
    assert len(pages) == len(greedy)
    for page in pages:
        assert 3 <= len(page) <= 12
        assert head + sum(heights[i] for i in page) <= box.height


def test_impact_finding_says_most_only_for_a_majority() -> None:
    """The bank's 'Ease keeps most customers: 2,264 of the 5,194' was 44%, not most."""
    from types import SimpleNamespace

    from prioritizer.report.deck import _impact_finding

    def text(kept: dict[str, float]) -> str:
        import pandas as pd

        impact = pd.DataFrame({"customers_kept_per_year": kept})
        return _impact_finding(SimpleNamespace(impact=impact)).text  # type: ignore[arg-type]

    assert text({"Ease": 2264, "Trust": 770, "Empathy": 2160}).startswith(
        "Ease keeps the most customers: 2,264 of the 5,194"
    )
    assert text({"Ease": 600, "Trust": 400}).startswith("Ease keeps most customers: 600 of")


# -- --template --------------------------------------------------------------------------------
def _company_template(path: Path) -> None:
    """A 16:9 company master: distinctive layout names, a green background, one stray slide."""
    from pptx.dml.color import RGBColor

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(round(13.333 * EMU)), Emu(round(7.5 * EMU))
    fill = prs.slide_master.background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor(0x00, 0x80, 0x40)
    for layout in prs.slide_layouts:
        layout.name = f"ACME {layout.name}"
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "ACME sample slide"
    prs.save(str(path))


def test_template_applies_a_company_master(tmp_path: Path) -> None:
    template = tmp_path / "company.pptx"
    _company_template(template)
    before = template.read_bytes()
    out = tmp_path / "pack"
    skip = "frontier,marginal,tornado,montecarlo,pareto,explain"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(EXAMPLES["bank"]),
            "--out",
            str(out),
            "--skip",
            skip,
            "--template",
            str(template),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out / "deck.pptx"))
    assert all(s.slide_layout.name.startswith("ACME ") for s in deck.slides)
    assert 'srgbClr val="008040"' in deck.slide_master._element.xml
    titles = [_title(s).text_frame.text for s in deck.slides]
    assert "ACME sample slide" not in titles and titles[0].startswith("Retail bank")
    assert all(t.strip() for t in titles)
    assert template.read_bytes() == before  # the company's file is not changed


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_bad_template_is_a_clean_exit_2(tmp_path: Path, content: bytes | None) -> None:
    template = tmp_path / "company.pptx"
    if content is not None:
        template.write_bytes(content)
    out = tmp_path / "pack"
    result = CliRunner().invoke(
        cli, ["report", str(EXAMPLES["bank"]), "--out", str(out), "--template", str(template)]
    )
    assert result.exit_code == 2, result.output
    assert "company.pptx" in result.stderr and "Traceback" not in result.output
    assert not (out / "deck.pptx").exists()


def test_template_without_a_title_layout_is_refused(tmp_path: Path) -> None:
    prs = Presentation()
    for layout in prs.slide_layouts:  # strip every title placeholder
        for ph in list(layout.placeholders):
            if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                ph._element.getparent().remove(ph._element)
    path = tmp_path / "notitle.pptx"
    prs.save(str(path))
    with pytest.raises(px.ScenarioError, match="no slide layout has a title"):
        build_pack(px.load_scenario(EXAMPLES["bank"]), template=path, skip=["montecarlo"])


# -- workbook and summary ----------------------------------------------------------------------
def test_workbook_summary_first_formatted_and_printable(example: tuple[Any, Path]) -> None:
    pack, folder = example
    workbook = openpyxl.load_workbook(folder / "portfolio.xlsx")
    assert workbook.sheetnames[:2] == ["Summary", "Options and Risks"]
    summary = workbook["Summary"]
    assert summary["A1"].value == pack.scenario.name
    assert summary["A2"].value.startswith("Approve")
    cells = {row[0].value: row[1] for row in summary.iter_rows() if row[0].value}
    npv = cells["Net present value (NPV)"]
    assert npv.value == round(pack.base.business_value)
    assert fmt.symbol(pack.scenario.currency).strip() in npv.number_format
    assert cells["Spreadsheet ranking reaches"].number_format == "0%"
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape" and setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows
    header = [c.value for c in workbook["Portfolio"][1]]
    assert "NPV (EUR)" in header or f"NPV ({pack.scenario.currency})" in header
    assert not any("_" in str(h) for h in header)


def test_summary_markdown_states_the_ask(example: tuple[Any, Path]) -> None:
    pack, folder = example
    text = (folder / "summary.md").read_text(encoding="utf-8")
    story = build_story(pack.base, pack.results)
    assert story.summary.headline.text in text
    for finding in story.summary.asks:
        assert finding.text in text


def test_summary_markdown_states_the_ranking_once(example: tuple[Any, Path]) -> None:
    """The spreadsheet-ranking share is said once (it was said twice), with how the ranking
    is made."""
    pack, folder = example
    text = (folder / "summary.md").read_text(encoding="utf-8")
    share = fmt.share(pack.ranking.share_of_optimum)
    lines = [line for line in text.splitlines() if f"{share} of this value" in line]
    assert len(lines) == 1, lines
    assert "spreadsheet ranking" in lines[0] and "funding down the list" in lines[0]


def test_every_initiative_says_funded_yes_or_no(example: tuple[Any, Path]) -> None:
    """The appendix's "Funded" column reads "yes" or "no", never blank."""
    pack, folder = example
    story = build_story(pack.base, pack.results)
    chosen = set(pack.base.selected)
    cells = {row.numbers["id"]: row.cells[-1] for row in story.every_initiative.rows}
    assert story.every_initiative.header[-1] == "Funded"
    assert cells == {i: "yes" if i in chosen else "no" for i in pack.scenario.ids}
    deck = Presentation(str(folder / "deck.pptx"))
    funded = [
        row.cells[len(row.cells) - 1].text
        for slide in deck.slides
        if slide.shapes.title is not None and "every initiative" in slide.shapes.title.text
        for shape in slide.shapes
        if shape.has_table
        for row in list(shape.table.rows)[1:]
    ]
    assert sorted(funded) == sorted(cells.values())


def test_workbook_summary_uses_the_decks_words(example: tuple[Any, Path]) -> None:
    """The Summary sheet says "proven optimal" and names the optimizer as the deck does, never
    "gap 0.0" or "cbc (PuLP bundled)"."""
    _pack, folder = example
    summary = openpyxl.load_workbook(folder / "portfolio.xlsx")["Summary"]
    rows = list(summary.iter_rows(values_only=True))
    cells = {row[0]: list(row[1:]) for row in rows if row[0]}
    assert cells["Status"][0] == "Proven optimal"
    assert cells["Solver"][0] == "The open-source CBC optimizer"
    text = " ".join(str(v) for row in rows for v in row if v)
    for jargon in ("gap", "PuLP", "cbc"):
        assert jargon not in text, jargon
    options = openpyxl.load_workbook(folder / "portfolio.xlsx")["Options and Risks"]
    cells = [str(v) for row in options.iter_rows(values_only=True) for v in row if v]
    assert "IT team" in cells and not any(v.startswith("Team ") for v in cells)


def test_people_options_are_priced_by_a_re_solve(example: tuple[Any, Path]) -> None:
    """Each "more people" option shows the NPV and customer value change of the optimum
    solved with that team at exactly the offered size (it showed "–")."""
    pack, _folder = example
    sc, base = pack.scenario, pack.base
    cur = sc.currency
    story = build_story(base, pack.results)
    teams = [r for r in story.options.rows if r.numbers["kind"] == "team"]
    assert teams
    for row in teams:
        team = row.numbers["limit"].removeprefix("team:")
        extra = row.numbers["extra_person_days"]
        assert row.cells[1] == f"{extra:,.0f} person-days"
        moved = px.optimize(sc.with_overrides(teams={team: sc.teams[team] + extra}))
        assert moved.objective > base.objective + 1e-9
        npv = moved.business_value - base.business_value
        customers = moved.customer_value - base.customer_value
        assert row.cells[2] == ("+" if npv >= 0 else "") + fmt.money(npv, cur), row.cells
        assert row.cells[3] == ("+" if customers >= 0 else "−") + f"{abs(customers):,.0f}"
        entered = [i for i in moved.selected if i not in base.selected]
        assert row.cells[4].startswith(sc.initiative(entered[0]).name)
        left = [i for i in base.selected if i not in moved.selected]
        if left:
            assert f"(drops {len(left)} pick" in row.cells[4]


def test_options_explain_why_the_npv_can_fall(example: tuple[Any, Path]) -> None:
    """With customer value weighed, an option can add money or people and lower the NPV: a
    footnote on the slide, the sheet and in summary.md says why."""
    pack, folder = example
    sc = pack.scenario
    story = build_story(pack.base, pack.results)
    changes = [r.numbers["business_value_change"] for r in story.options.rows]
    assert min(changes) < 0  # both examples have one (blended objective)
    (note,) = story.options.notes
    assert "at the expense of NPV" in note or "at the expense of the other" in note
    assert f"customer value ({fmt.share(sc.objective.customer_weight)} of the combined" in note
    deck = Presentation(str(folder / "deck.pptx"))
    slides = [s for s in deck.slides if s.shapes.title.text.startswith("What more money")]
    assert slides
    for slide in slides:
        table = next(s for s in slide.shapes if s.has_table)
        boxes = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text == note]
        assert len(boxes) == 1 and boxes[0].top >= table.top + table.height
    sheet = openpyxl.load_workbook(folder / "portfolio.xlsx")["Options and Risks"]
    assert note in [c.value for c in sheet["A"]]
    assert note in (folder / "summary.md").read_text(encoding="utf-8")


def test_less_value_note_follows_the_objective() -> None:
    sc = px.load_scenario(EXAMPLES["bank"])
    blended = less_value_note(sc, npv_down=True, customer_down=False)
    assert blended.startswith("Why the NPV can fall") and "(30% of the combined score)" in blended
    both = less_value_note(sc, npv_down=True, customer_down=True)
    assert "NPV or customer value" in both
    assert less_value_note(sc, npv_down=False, customer_down=False) == ""
    business = sc.with_overrides(objective="business")
    assert less_value_note(business, npv_down=True, customer_down=True) == ""
    customer = less_value_note(
        sc.with_overrides(objective="customer"), npv_down=True, customer_down=False
    )
    assert "aims at the most customer value" in customer


# -- what customers tell us (issue 12) -------------------------------------------------------
def test_evidence_section_and_sheets(tmp_path: Path) -> None:
    scenario = px.load_scenario(SCENARIOS / "retail_bank" / "scenario_evidence.yaml")
    pack = build_pack(
        scenario, skip=["frontier", "marginal", "tornado", "montecarlo", "pareto"], workers=1
    )
    write_pack(pack, tmp_path, workers=1)
    deck = Presentation(str(tmp_path / "deck.pptx"))
    titles = [_title(s).text_frame.text for s in deck.slides]
    evidence = pack.evidence
    share = float(evidence.uncovered["share"].sum())
    uncovered = f"{len(evidence.uncovered)} pain points no initiative addresses"
    assert any(t.startswith(uncovered) and fmt.share(share) in t for t in titles)
    first_fund = next(k for k, t in enumerate(titles) if t.startswith("What we fund"))
    assert titles.index(next(t for t in titles if t.startswith(uncovered))) < first_fund
    for slug in ("evidence_voc_pareto", "evidence_ces_by_stage", "evidence_pillar_maturity"):
        assert (tmp_path / "charts" / f"{slug}.png").exists()
    sheets = openpyxl.load_workbook(tmp_path / "portfolio.xlsx").sheetnames
    for sheet in (
        "Evidence topics",
        "Evidence coverage",
        "Evidence CES by stage",
        "Evidence drivers",
        "Evidence maturity",
    ):
        assert sheet in sheets
    topics = openpyxl.load_workbook(tmp_path / "portfolio.xlsx")["Evidence topics"]
    assert topics.max_row - 1 == len(evidence.voc.topics)
    assert "Addresses" in " ".join(
        f.text for f in build_story(pack.base, pack.results, evidence=evidence).summary.lines
    )


def test_ci_installs_libreoffice() -> None:
    """The CI script installs LibreOffice for the rendering test (issue 11)."""
    script = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "libreoffice-impress" in script and "libreoffice-calc" in script


def test_default_template_uses_the_charts_typeface() -> None:
    """One typeface: the default template's theme fonts are the charts' (baked into PNGs)."""
    import re

    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from prioritizer.plots.style import FONT
    from prioritizer.report.slides import TYPEFACE, default_template

    assert TYPEFACE == FONT
    prs = default_template()
    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode("utf-8")
    faces = set(re.findall(r'<a:latin typeface="([^"]*)"', theme))
    assert faces == {FONT}


def test_asks_name_teams_and_agree_in_number() -> None:
    """'IT team' (not 'it team'); '1 chosen initiative ... depends on it' (the telecom ask
    read 'depend')."""
    from prioritizer.report.story import _team, dependency_ask

    assert _team("it") == "IT" and _team("contact_centre") == "contact centre"
    result = px.optimize(px.load_scenario(SCENARIOS / "telecom" / "scenario.yaml"))
    ask = dependency_ask(result)
    assert ask is not None
    count = len(ask.numbers["dependents"])
    verb = "depend on it" if count > 1 else "depends on it"
    assert ask.text.endswith(verb) and f" {count} chosen initiative" in ask.text


def test_why_not_names_the_limits_without_a_dangling_ellipsis() -> None:
    """'No room in the budget and running-cost budget …' left the board guessing."""
    from prioritizer.report.story import _blocking_words

    assert _blocking_words(["budget"]) == "budget"
    assert _blocking_words(["budget", "capacity[it]"]) == "budget and IT team"
    three = _blocking_words(["budget", "opex_budget", "capacity[digital]"])
    assert three == "budget, running-cost budget and digital team"
    four = _blocking_words(["budget", "opex_budget", "capacity[digital]", "capacity[care]"])
    assert four.endswith("and 2 more limits") and "…" not in four
