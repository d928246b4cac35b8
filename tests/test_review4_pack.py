"""Review 4 of the steering pack of a roadmap: the workbook's customer value and NPV columns,
period labels past the plan of every calendar kind, initiatives no start fits, and speaker
notes without "nan"."""

from __future__ import annotations

import io
import math
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml

from prioritizer.io import load_scenario
from prioritizer.report.deck import _notes, deck_bytes
from prioritizer.report.markdown import summary_markdown
from prioritizer.report.pack import SteeringPack, build_pack
from prioritizer.report.story import Story, build_story
from prioritizer.report.workbook import summary_table, workbook_bytes
from prioritizer.roadmap.findings import extended_labels, value_finding

REPO = Path(__file__).resolve().parents[1]
QUARTERLY = REPO / "scenarios" / "retail_bank_quarterly"
ONE_LUMP = REPO / "scenarios" / "retail_bank"


def _copy(target: Path) -> Path:
    shutil.copytree(QUARTERLY, target)
    return target


def _edit_table(folder: Path, edit: Any) -> None:
    path = folder / "initiatives.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)


def _no_start_scenario(folder: Path) -> Path:
    """The quarterly bank with COMPLAINT-HUB (3 quarters) allowed to start only in 2028Q3."""
    _copy(folder)

    def edit(frame: pd.DataFrame) -> None:
        frame.loc[frame["id"] == "COMPLAINT-HUB", "earliest_start"] = "2028Q3"

    _edit_table(folder, edit)
    return folder / "scenario.yaml"


def _halves_scenario(folder: Path) -> Path:
    """The quarterly bank planned in half-years: limits per half, durations halved."""
    _copy(folder)
    path = folder / "scenario.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["periods"] = ["2027H1", "2027H2", "2028H1", "2028H2"]
    data["period_length_months"] = 6
    budgets = data["period_budgets"]
    data["period_budgets"] = [budgets[k] + budgets[k + 1] for k in range(0, len(budgets), 2)]
    data["period_teams"] = {team: 2 * days for team, days in data["period_teams"].items()}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def half(label: str) -> str:
        if not label:
            return label
        return f"{label[:4]}H{1 if label[-1] in '12' else 2}"

    def edit(frame: pd.DataFrame) -> None:
        for column in ("duration", "ramp_up"):
            frame[column] = [str(math.ceil(int(v) / 2)) if v.strip() else v for v in frame[column]]
        for column in ("earliest_start", "deadline"):
            frame[column] = [half(v) for v in frame[column]]

    _edit_table(folder, edit)
    return path


@pytest.fixture(scope="module")
def bank_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[SteeringPack, Story]:
    folder = _copy(tmp_path_factory.mktemp("rb") / "rb")
    pack = build_pack(load_scenario(folder / "scenario.yaml"), workers=1)
    return pack, build_story(pack.base, pack.results, draws=pack.draws, seed=pack.seed)


@pytest.fixture(scope="module")
def no_start_pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[SteeringPack, Story]:
    path = _no_start_scenario(tmp_path_factory.mktemp("ns") / "ns")
    pack = build_pack(load_scenario(path), workers=1)
    return pack, build_story(pack.base, pack.results, draws=pack.draws, seed=pack.seed)


def _workbook(pack: SteeringPack, story: Story) -> Any:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(pack, story)))


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(values_only=True))


# -- 1. the workbook's customer value and the Portfolio sheet of a roadmap ------------------
def test_summary_states_the_full_rate_and_the_window_total(
    bank_pack: tuple[SteeringPack, Story],
) -> None:
    pack, _story = bank_pack
    roadmap = pack.get("roadmap").roadmap
    rows = {m: (v, u) for m, v, u in summary_table(pack).itertuples(index=False)}
    # the window total / horizon years is not a yearly rate: never labelled "a year"
    assert "Customer effort removed a year" not in rows
    assert round(pack.result.customer_value) not in [v for v, _ in rows.values()]
    full = rows["Customer effort removed a year once all are live at full rate"]
    assert full == (round(roadmap.customer_value_full_rate), "effort points a year")
    total, unit = rows["Customer effort removed over the evaluation window"]
    assert total == round(roadmap.customer_value_total)
    assert "2027Q1–2031Q4" in unit


def test_roadmap_portfolio_sheet_has_no_one_lump_annuity(
    bank_pack: tuple[SteeringPack, Story],
) -> None:
    pack, story = bank_pack
    sheet = _workbook(pack, story)["Portfolio"]
    rows = _rows(sheet)
    header = [str(h) for h in rows[0]]
    assert not [h for h in header if "Annuity" in h], header
    assert "Annual benefit (EUR)" not in header  # named as the rate once live at full rate
    npv = next(h for h in header if h.startswith("NPV"))
    assert "planned start" in npv
    assert "Start" in header and "Go live" in header
    record = dict(zip(header, next(r for r in rows[1:] if r[0] == "COMPLAINT-HUB"), strict=True))
    assert record["Start"] and record["Go live"]
    plan = pack.get("roadmap").roadmap.to_frame()
    plan = plan.set_index("id") if "id" in plan.columns else plan
    assert record[npv] == pytest.approx(float(plan.loc["COMPLAINT-HUB", "business_value"]))


def test_one_lump_summary_and_portfolio_unchanged() -> None:
    from prioritizer.analysis.registry import SKIPPABLE

    scenario = load_scenario(ONE_LUMP / "scenario.yaml")
    pack = build_pack(scenario, workers=1, skip=[s for s in SKIPPABLE if s != "portfolio"])
    rows = {m: (v, u) for m, v, u in summary_table(pack).itertuples(index=False)}
    assert rows["Customer effort removed a year"] == (
        round(pack.result.customer_value),
        "effort points",
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(pack)))
    header = [str(h) for h in _rows(book["Portfolio"])[0]]
    assert "Annuity factor" in header and "NPV (EUR)" in header


# -- 2. period labels past the plan, of every calendar kind ---------------------------------
@pytest.mark.parametrize(
    ("last", "after"),
    [
        ("2028Q4", ["2029Q1", "2029Q2"]),
        ("2028-Q4", ["2029-Q1", "2029-Q2"]),
        ("Q4 2028", ["Q1 2029", "Q2 2029"]),
        ("2028H2", ["2029H1", "2029H2"]),
        ("H1 2028", ["H2 2028", "H1 2029"]),
        ("2027-12", ["2028-01", "2028-02"]),
        ("2027M11", ["2027M12", "2028M01"]),
        ("2028", ["2029", "2030"]),
        ("FY2028", ["FY2029", "FY2030"]),
        ("Sprint 8", ["+1", "+2"]),
    ],
)
def test_labels_continue_in_their_own_spelling(last: str, after: list[str]) -> None:
    assert extended_labels(["first", last], 4) == ["first", last, *after]


def test_half_year_roadmap_names_its_window(tmp_path: Path) -> None:
    from prioritizer.roadmap.plan import plan_roadmap

    roadmap = plan_roadmap(load_scenario(_halves_scenario(tmp_path / "halves")))
    window = roadmap.value_window()
    assert window["last"] == "2031H2"  # the plan's last half-year and 3 years after it
    assert roadmap.window_text().startswith("2027H1–2031H2")
    text = value_finding(roadmap).text
    assert "+" not in text and "2031H2" in text, text


# -- 3. an initiative no start fits ---------------------------------------------------------
def test_no_start_shows_no_npv_anywhere(no_start_pack: tuple[SteeringPack, Story]) -> None:
    pack, story = no_start_pack
    one_lump = "€942k"
    rows = {row.numbers["id"]: row for row in story.not_funded.rows}
    hub = rows["COMPLAINT-HUB"]
    assert hub.cells[1] == "No start fits" and math.isnan(hub.numbers["business_value"])
    everything = [
        c for t in (story.not_funded, story.every_initiative) for r in t.rows for c in r.cells
    ]
    everything += list(story.not_funded.notes)
    assert not [c for c in everything if one_lump in c], everything
    assert any("COMPLAINT-HUB (not funded: no start fits)" in n for n in story.not_funded.notes)
    assert any(n.startswith("No start fits COMPLAINT-HUB") for n in story.not_funded.notes)
    every = {r.numbers["id"]: r for r in story.every_initiative.rows}
    assert every["COMPLAINT-HUB"].cells[4] == "No start fits"
    # the workbook: no NPV for it, its start reads "no start fits"
    sheet = _workbook(pack, story)["Portfolio"]
    rows_ = _rows(sheet)
    header = [str(h) for h in rows_[0]]
    record = dict(zip(header, next(r for r in rows_[1:] if r[0] == "COMPLAINT-HUB"), strict=True))
    npv = next(h for h in header if h.startswith("NPV"))
    assert record[npv] is None and record["Start"] == "no start fits"


def test_load_warnings_reach_the_pack(no_start_pack: tuple[SteeringPack, Story]) -> None:
    pack, story = no_start_pack
    assert any("COMPLAINT-HUB can never be planned" in w for w in story.warnings)
    text = summary_markdown(pack, [], story)
    assert "## Check before trusting the numbers" in text
    assert "COMPLAINT-HUB can never be planned" in text
    summary = _rows(_workbook(pack, story)["Summary"])
    cells = [str(c) for row in summary for c in row if c is not None]
    assert "Check before trusting the numbers" in cells
    assert any("COMPLAINT-HUB can never be planned" in c for c in cells)
    from pptx import Presentation

    deck = Presentation(io.BytesIO(deck_bytes(pack, [], story=story)))
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide]
    assert any("COMPLAINT-HUB can never be planned" in n for n in notes)


# -- 4. speaker notes without "nan" ---------------------------------------------------------
def test_notes_leave_out_numbers_that_are_not_there(
    bank_pack: tuple[SteeringPack, Story],
) -> None:
    pack, story = bank_pack
    finding = pack.get("portfolio").finding()
    assert math.isnan(finding.numbers["best_reachable_npv"])  # a roadmap's: not computed
    notes = _notes(finding)
    assert "nan" not in notes.lower().split(": ")[-1] and ": nan" not in notes, notes
    assert "best reachable npv" not in notes.lower()
    charts = [(c.slug, c.finding) for c in _planned(pack)]
    for _slug, chart_finding in charts:
        assert ": nan" not in _notes(chart_finding), _notes(chart_finding)
    from pptx import Presentation

    deck = Presentation(io.BytesIO(deck_bytes(pack, [], story=story)))
    for slide in deck.slides:
        if slide.has_notes_slide:
            assert ": nan" not in slide.notes_slide.notes_text_frame.text


def _planned(pack: SteeringPack) -> list[Any]:
    from types import SimpleNamespace

    from prioritizer.analysis.registry import REGISTRY

    return [
        SimpleNamespace(slug=chart.slug, finding=chart.finding(result))
        for name, result in pack.results.items()
        for chart in REGISTRY[name].charts
    ]


def test_appendix_of_what_we_do_not_fund_keeps_its_rows_room(
    bank_pack: tuple[SteeringPack, Story],
) -> None:
    """The continuation slides carry the first footnote (what the NPV is) and move the others
    to the speaker notes: the quarterly bank's 15 others fit on 2 slides, not 5."""
    from pptx import Presentation

    pack, story = bank_pack
    notes = story.not_funded.notes
    assert len(notes) > 1
    deck = Presentation(io.BytesIO(deck_bytes(pack, [], story=story)))
    appendix = [
        s for s in deck.slides if s.shapes.title is not None and "the other" in s.shapes.title.text
    ]
    assert 1 <= len(appendix) <= 2
    for slide in appendix:
        text = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        assert notes[0] in text and not any(n in text for n in notes[1:])
        speaker = slide.notes_slide.notes_text_frame.text
        assert all(n in speaker for n in notes[1:])
