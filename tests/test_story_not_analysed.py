"""The steering pack never states the conclusion of an analysis that did not run (user
review): with ``--skip`` (or on a roadmap, whose pack leaves the one-set analyses out and runs
Monte Carlo and explain only when asked) the deck, summary.md and the workbook say "not
analysed in this pack" instead of "more money or people would not buy more value", a "why
not" for every initiative left out, or the method of a robustness run and of options that
were never computed. Also: summary.md's risks agree in number and say the NPV range once;
its totals against the limits read as a table in business words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import SCENARIOS

import prioritizer as px
from prioritizer.report import build_pack, write_pack
from prioritizer.report.story import (
    build_story,
    method_lines,
    not_funded_table,
    options_table,
    risk_findings,
)

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402

BANK = SCENARIOS / "retail_bank" / "scenario.yaml"
ALL = ["frontier", "marginal", "tornado", "montecarlo", "pareto", "explain"]
NO_MORE_VALUE = re.compile(r"would not buy more value|would not help", re.IGNORECASE)
OPTION_CLAIM = re.compile(r"(money|people)[^.]*would not buy", re.IGNORECASE)


def _deck_text(path: Path) -> list[str]:
    """Every text of the deck: titles, bodies, table cells and speaker notes, one per item."""
    out: list[str] = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out += [p.text for p in shape.text_frame.paragraphs if p.text]
            if getattr(shape, "has_table", False) and shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
        if slide.has_notes_slide:
            out += slide.notes_slide.notes_text_frame.text.splitlines()
    return out


def _slides(path: Path) -> list[tuple[str, list[str]]]:
    """(title, the other texts) of every slide."""
    out = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        texts = [
            p.text
            for shape in slide.shapes
            if shape.has_text_frame and shape != slide.shapes.title
            for p in shape.text_frame.paragraphs
            if p.text
        ]
        out.append((title, texts))
    return out


def _written(pack: Any, folder: Path) -> Path:
    write_pack(pack, folder, workers=1)
    return folder


@pytest.fixture(scope="module")
def bank() -> px.Scenario:
    return px.load_scenario(BANK)


@pytest.fixture(scope="module")
def skipped(bank: px.Scenario, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The bank's pack with every skippable analysis left out (the user's first command)."""
    pack = build_pack(bank, skip=ALL, workers=1)
    return pack, _written(pack, tmp_path_factory.mktemp("skipped"))


@pytest.fixture(scope="module")
def no_marginal(bank: px.Scenario, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """``--skip marginal`` (and the slow ones): the frontier ran, the marginal values did not."""
    pack = build_pack(
        bank, skip=["marginal", "tornado", "montecarlo", "pareto", "explain"], workers=1
    )
    return pack, _written(pack, tmp_path_factory.mktemp("no_marginal"))


# -- what more money or people would buy --------------------------------------------------------
def test_nothing_analysed_says_so_and_claims_nothing(skipped: tuple[Any, Path]) -> None:
    pack, folder = skipped
    story = build_story(pack.base, pack.results, draws=pack.draws, seed=pack.seed)
    assert story.options.finding.text == (
        "What more money or people would buy: not analysed in this pack"
    )
    assert not story.options.rows
    # and says how to get them, so the slide is not a bare title
    assert any("run `prioritizer frontier`" in note for note in story.options.notes)
    deck = _deck_text(folder / "deck.pptx")
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert not [t for t in deck if NO_MORE_VALUE.search(t)]
    assert not NO_MORE_VALUE.search(summary)
    titles = [title for title, _ in _slides(folder / "deck.pptx")]
    assert "What more money or people would buy: not analysed in this pack" in titles
    assert "What more money or people would buy: not analysed in this pack." in summary
    # the options slide is not an empty table under a conclusion
    for slide in Presentation(str(folder / "deck.pptx")).slides:
        if slide.shapes.title.text.startswith("What more money"):
            assert not any(shape.has_table for shape in slide.shapes)
    sheet = openpyxl.load_workbook(folder / "portfolio.xlsx")["Options and Risks"]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert not [c for c in cells if NO_MORE_VALUE.search(c)]


def test_skip_marginal_never_says_more_people_would_not_help(
    no_marginal: tuple[Any, Path],
) -> None:
    pack, folder = no_marginal
    story = build_story(pack.base, pack.results)
    title = story.options.finding.text
    assert "people" not in title  # only a larger budget was tried
    assert title.startswith(("What more money would buy", "More money would not buy"))
    assert "Not analysed in this pack: what more people would buy." in story.options.notes
    assert all(row.numbers["kind"] == "budget" for row in story.options.rows)
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    deck = _deck_text(folder / "deck.pptx")
    for text in [*deck, *summary.splitlines()]:
        assert not re.search(r"people[^.]*would not buy|more money or people would not", text)
    assert "Not analysed in this pack: what more people would buy." in summary
    assert any("Not analysed in this pack: what more people would buy." in t for t in deck)


def test_options_say_which_analysis_each_conclusion_comes_from(bank: px.Scenario) -> None:
    """Each combination of the two option analyses: the title names only what was tried, and a
    conclusion "would not buy more value" only for what was tried."""

    class Nothing:  # a frontier / marginal values that find no better portfolio
        points: tuple[Any, ...] = ()

        def to_frame(self) -> pd.DataFrame:
            return pd.DataFrame()

    base = px.optimize(bank)
    both = options_table(base, {"frontier": Nothing(), "marginal": Nothing()})
    assert both.finding.text == "More money or people would not buy more value"  # unchanged
    assert both.notes == ()
    money = options_table(base, {"frontier": Nothing()})
    assert money.finding.text == "More money would not buy more value"
    assert money.notes == ("Not analysed in this pack: what more people would buy.",)
    people = options_table(base, {"marginal": Nothing()})
    assert people.finding.text == "More people would not buy more value"
    assert people.notes == ("Not analysed in this pack: what a larger budget would buy.",)
    neither = options_table(base, {})
    assert "not analysed" in neither.finding.text and not OPTION_CLAIM.search(neither.finding.text)


# -- what we do not fund ------------------------------------------------------------------------
def test_why_not_is_not_invented_without_explain(skipped: tuple[Any, Path]) -> None:
    pack, folder = skipped
    table = build_story(pack.base, pack.results).not_funded
    assert "Why not" not in table.header and "What would get it in" not in table.header
    assert "Less value than what it would replace" not in [c for r in table.rows for c in r.cells]
    assert table.notes == ("Not analysed in this pack: why each initiative is left out.",)
    assert table.finding.text == f"What we do not fund: {len(table.rows)} initiatives"
    deck = _deck_text(folder / "deck.pptx")
    assert not [t for t in deck if "Less value than what it would replace" in t or t == "Why not"]
    slides = [texts for title, texts in _slides(folder / "deck.pptx") if "do not fund" in title]
    assert slides and all(
        "Not analysed in this pack: why each initiative is left out." in texts for texts in slides
    )


def test_why_not_only_for_the_initiatives_explained(bank: px.Scenario) -> None:
    """With explain, its reasons (a blocking limit, a dependency) are kept as they were; an
    initiative it did not explain gets no reason by default."""
    base = px.optimize(bank)
    left_out = [i for i in base.portfolio.sort_values("business_value", ascending=False).index]
    left_out = [str(i) for i in left_out if i not in base.selected][:3]
    explained = px.explain(bank, left_out[:2], base=base)
    table = not_funded_table(base, {"explain": explained})
    assert table.header[3] == "Why not" and not table.notes
    reasons = {row.numbers["id"]: row.cells[3] for row in table.rows}
    assert all(reasons[i] for i in left_out[:2])
    items = {e.id: e for e in explained.items}
    for ident in left_out[:2]:
        if items[ident].blocking_rules:
            assert reasons[ident].startswith("No room in the ")
    assert reasons[left_out[2]] == ""  # not explained: no reason made up


# -- risks and the appendix -------------------------------------------------------------------
def test_appendix_lists_only_the_analyses_that_ran(
    skipped: tuple[Any, Path], no_marginal: tuple[Any, Path]
) -> None:
    pack, folder = skipped
    method = build_story(pack.base, pack.results, draws=pack.draws, seed=pack.seed).method
    assert not [m for m in method if m.startswith(("Robustness:", "Options:"))]
    assert method[-1].startswith("Not analysed in this pack: what a larger budget would buy")
    appendix = next(t for title, t in _slides(folder / "deck.pptx") if "how the numbers" in title)
    assert not [t for t in appendix if "simulated futures drawn" in t or "larger budgets" in t]
    assert method[-1] in appendix
    assumptions = openpyxl.load_workbook(folder / "portfolio.xlsx")["Assumptions"]
    rows = dict(assumptions.iter_rows(min_row=2, values_only=True))
    assert rows["analyses.montecarlo"] == "not analysed in this pack"
    assert not any("draws" in str(v) for v in rows.values())

    pack, _folder = no_marginal
    method = build_story(pack.base, pack.results, draws=pack.draws, seed=pack.seed).method
    assert "Options: the same choice repeated at larger budgets." in method
    assert not [m for m in method if "team sizes" in m or m.startswith("Robustness:")]
    # with every analysis the appendix is as it was
    full = method_lines(pack.base, 500, 0)
    assert "Options: the same choice repeated at larger budgets and team sizes." in full
    assert full[2].startswith("Robustness: 500 simulated futures drawn")
    assert not [m for m in full if "Not analysed" in m]


def test_risks_say_what_was_not_analysed(skipped: tuple[Any, Path]) -> None:
    pack, folder = skipped
    risks = [f.text for f in build_story(pack.base, pack.results).risks]
    assert risks[-1] == (
        "Not analysed in this pack: how the choice holds across simulated futures and which "
        "assumption would change the choice"
    )
    # what the (unused) ranges cover qualifies no analysis here
    assert not [r for r in risks if r.startswith("The ranges cover")]
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert f"- {risks[-1]}." in summary


class _Run:
    """A Monte Carlo stand-in: the first ``fragile`` of ``ids`` fragile, the rest core."""

    core_threshold = 0.9
    feasible_draws = 200

    def __init__(self, ids: list[str], fragile: int) -> None:
        self.ids, self.fragile = ids, fragile

    def to_frame(self) -> pd.DataFrame:
        n = len(self.ids)
        return pd.DataFrame(
            {
                "name": [f"Name {i}" for i in self.ids],
                "in_base_portfolio": True,
                "class": ["borderline"] * self.fragile + ["core"] * (n - self.fragile),
                "selection_frequency": [0.5] * self.fragile + [1.0] * (n - self.fragile),
            },
            index=self.ids,
        )

    def portfolio_distribution(self) -> pd.DataFrame:
        return pd.DataFrame({"p10": [900.0], "p90": [1500.0]}, index=["business_value"])


def test_risks_agree_in_number_and_say_the_npv_range_once(tiny: px.Scenario) -> None:
    result = px.optimize(tiny)
    picks = list(result.selected)
    one = risk_findings(result, {"montecarlo": _Run(picks, 1)})
    assert one[0].text.startswith(f"1 of {len(picks)} picks is fragile, chosen in fewer than 90%")
    if len(picks) > 2:
        two = risk_findings(result, {"montecarlo": _Run(picks, 2)})
        assert two[0].text.startswith(f"2 of {len(picks)} picks are fragile")
    npv = next(f.text for f in one if f.text.startswith("NPV of this portfolio"))
    assert npv.endswith("in 80% of the 200 simulated futures"), npv
    assert "of 10 of" not in npv and npv.count("simulated futures") == 1


# -- summary.md: the totals against the limits --------------------------------------------------
def test_summary_limits_are_a_readable_table(skipped: tuple[Any, Path]) -> None:
    pack, folder = skipped
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    section = summary.split("## Totals against the limits", 1)[1].split("##", 1)[0]
    lines = [line for line in section.strip().splitlines() if line.startswith("|")]
    assert lines[0] == "| Limit | Used | Available | Share used | Used up |"
    for raw in ("team:", "share_used", "binding", "opex_budget", "capacity", "EUR/year"):
        assert raw not in section, raw
    limits = pack.base.limits()
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    assert [r[0] for r in rows] == list(limits["label"])
    for row, (_key, limit) in zip(rows, limits.iterrows(), strict=True):
        assert row[3] == f"{limit['share_used'] * 100:.0f}%"
        assert row[4] == ("yes" if limit["binding"] else "no")
        assert row[1].startswith("€") or row[1].endswith("person-days")
    assert "| Digital team | 1,570 person-days | 1,800 person-days | 87% | no |" in lines


# -- a roadmap ----------------------------------------------------------------------------------
def test_roadmap_pack_states_no_one_set_conclusion(tmp_path: Path) -> None:
    """A roadmap's pack leaves the one-set analyses out (more people per quarter can raise a
    roadmap's NPV) and re-plans with Monte Carlo and explain only when asked: it says so."""
    from test_roadmap_cli import CSV, YAML

    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    scenario = px.load_scenario(tmp_path / "scenario.yaml")
    pack = build_pack(scenario, workers=1)
    folder = _written(pack, tmp_path / "pack")
    story = build_story(pack.base, pack.results, draws=pack.draws, seed=pack.seed)
    assert story.options.finding.text.endswith("not analysed in this pack")
    assert any("ignore a roadmap's periods" in n for n in story.options.notes)
    deck = _deck_text(folder / "deck.pptx")
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert not [t for t in deck if NO_MORE_VALUE.search(t)]
    assert not NO_MORE_VALUE.search(summary)
    assert not [t for t in deck if "Less value than what it would replace" in t]
    method = story.method
    assert not [m for m in method if m.startswith(("Robustness:", "Options:"))]
    assert "ignore the plan's periods" in method[-1] and "only when asked for" in method[-1]
    periods = len(scenario.periods or [])
    value = next(m for m in method if m.startswith("Value:"))
    assert f"over the {periods} quarters of the plan and 1 year after it" in value
