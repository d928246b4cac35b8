"""Review 6 of the explorer (a fresh user's review of the panel), driven without a browser:

1. the panel opens exactly on the base case (no what-if made by the browser's slider snapping
   an odd budget, team capacity or weight to its step), every breakpoint of the jump list is
   reached exactly, and an exact budget can be typed;
2. keeping a refused what-if (settings that cannot be combined) writes nothing;
3. a roadmap scenario's panel says it answers one lump budget, and shows the load warnings;
4. an infeasible base case reads "base: infeasible", no delta against it;
5. the widget follows programmatic updates of its explorer, and Keep saves what is shown;
6. clear errors for a misspelt call (one id for force_in, a budget as text);
7. cosmetics: the jump list's placeholder, the pickers' width, one rounding of money,
   "writing…" while Keep runs.

The browser's slider is simulated by :func:`browser_snaps`: noUiSlider snaps the value it is
given to ``min + k·step`` (``Math.round``) and ipywidgets sends the snapped value back.
"""

from __future__ import annotations

import html
import math
import re
import shutil
from pathlib import Path

import pytest
from conftest import SCENARIOS
from test_explore import ManualTimer

import prioritizer as px
from prioritizer.explore import Explorer
from prioritizer.explore.html import kpi_html

pytest.importorskip("ipywidgets", reason="install the [explore] extra")
from prioritizer.explore.widget import ExplorerWidget

PLACEHOLDER = "jump to a breakpoint…"


def odd_bank(folder: Path, budget: str = "850000") -> px.Scenario:
    """The retail bank with a budget, a team capacity and weights off any round step."""
    shutil.copytree(SCENARIOS / "retail_bank", folder)
    path = folder / "scenario.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^budget: 3000000", f"budget: {budget}", text)
    text = re.sub(r"(?m)^  digital: 1800", "  digital: 1235", text)
    text = text.replace(
        "weights: {business: 0.7, customer: 0.3}", "weights: {business: 2, customer: 1}"
    )
    path.write_text(text, encoding="utf-8")
    return px.load_scenario(path)


@pytest.fixture(scope="module")
def odd_explorer(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    """An explorer on the odd bank with every breakpoint walked (shared: read-only use, each
    test makes its own widget and resets the settings)."""
    sc = odd_bank(tmp_path_factory.mktemp("odd") / "bank")
    assert sc.budget == 850000 and sc.teams["digital"] == 1235
    assert sc.objective.business_weight == pytest.approx(2 / 3)
    explorer = Explorer(sc)
    explorer.compute_breakpoints()
    return explorer


def make_widget(explorer: Explorer, keep: Path | None = None) -> ExplorerWidget:
    ManualTimer.made = []
    return ExplorerWidget(
        explorer,
        timer_factory=ManualTimer,
        charts=False,
        keep_folder=keep,
        background=False,
        walk=False,
    )


@pytest.fixture
def odd_widget(odd_explorer: Explorer, tmp_path: Path) -> ExplorerWidget:
    odd_explorer.listeners.clear()  # earlier tests' widgets
    if odd_explorer.settings != odd_explorer.initial:
        odd_explorer.reset()
        odd_explorer.refresh()
    return make_widget(odd_explorer, tmp_path / "kept")


def js_snap(value: float, step: float, low: float, high: float) -> float:
    """What noUiSlider makes of ``value``: the nearest grid point (a tie rounds up)."""
    return min(max(low + math.floor((value - low) / step + 0.5) * step, low), high)


def browser_snaps(widget: ExplorerWidget) -> None:
    """Each slider's value as the browser sends it back once drawn."""
    sliders = [widget.budget_slider, widget.weight_slider, *widget.team_sliders.values()]
    for slider in sliders:
        slider.value = js_snap(slider.value, slider.step, slider.min, slider.max)


# -- 1. the base case as set; breakpoints and typed budgets exactly --------------------------


def test_panel_opens_exactly_on_the_base_case(odd_widget: ExplorerWidget) -> None:
    ex = odd_widget.explorer
    generation = ex.generation
    browser_snaps(odd_widget)
    assert ex.generation == generation and ManualTimer.made == []  # no what-if asked for
    assert ex.settings == ex.initial and ex.current.settings == ex.initial
    assert "the base case" in odd_widget.status_html.value
    assert odd_widget.budget_text.value == 850000 and "850,000" in odd_widget.budget_readout.value
    assert odd_widget.team_texts["digital"].value == 1235
    assert odd_widget.weight_readout.value.startswith("67%")
    # the odd budget and capacity sit on their slider's grid: the handle shows them
    assert odd_widget.budget_slider.value == 850000
    assert odd_widget.team_sliders["digital"].value == 1235
    # a real move still counts, and moving back to the base asks for the base again
    odd_widget.team_sliders["digital"].value = 1500.0
    assert ex.settings.team_capacity["digital"] == 1500.0
    odd_widget.team_texts["digital"].value = 1235.0
    assert ex.settings == ex.initial


def test_every_breakpoint_is_reached_exactly(odd_widget: ExplorerWidget) -> None:
    ex = odd_widget.explorer
    listed = [b for _label, b in odd_widget.breakpoint_picker.options if b is not None]
    assert listed == ex.breakpoints and len(listed) > 5
    for budget in listed:
        odd_widget.breakpoint_picker.value = budget
        browser_snaps(odd_widget)
        assert ex.settings.budget == budget, budget
        assert odd_widget.budget_text.value == budget
    odd_widget.flush()
    assert ex.current.settings.budget == listed[-1]


def test_an_exact_budget_can_be_typed(odd_widget: ExplorerWidget) -> None:
    ex = odd_widget.explorer
    odd_widget.budget_text.value = 1_234_567.0
    browser_snaps(odd_widget)
    assert ex.settings.budget == 1_234_567.0
    odd_widget.flush()
    assert ex.current.settings.budget == 1_234_567.0
    assert "1,234,567" in odd_widget.budget_readout.value
    # and the slider, moved by hand, is followed by the box
    odd_widget.budget_slider.value = 2_000_000.0
    assert ex.settings.budget == 2_000_000.0 and odd_widget.budget_text.value == 2_000_000.0


def test_slider_steps_put_odd_base_values_on_their_grid() -> None:
    from prioritizer.explore.widget import _step, is_snap_of

    assert _step(10_300_000) == 20_000  # as before for round budgets
    assert _step(10_300_000, [850_000]) == 10_000
    assert _step(10_300_000, [690_000, 850_000]) == 10_000
    assert _step(5_000, [1235]) == 5
    assert is_snap_of(860_000, 850_000, 20_000, 0, 10_300_000)  # the browser's echo
    assert is_snap_of(840_000, 845_000, 20_000, 0, 10_300_000)
    assert not is_snap_of(860_000, 845_000, 20_000, 0, 10_300_000)  # a real move
    assert is_snap_of(0.65, 2 / 3, 0.05, 0, 1) and not is_snap_of(0.7, 2 / 3, 0.05, 0, 1)


# -- 2. keep refuses a refused what-if ---------------------------------------------------


def test_keep_refuses_settings_that_cannot_be_combined(bank: px.Scenario, tmp_path: Path) -> None:
    ex = Explorer(bank)
    out = ex.update(budget=2e6, force_in=["CHATBOT-BUY"], force_out=["CHATBOT-BUY"])
    assert out.result.status == "error"
    with pytest.raises(ValueError, match="cannot be combined"):
        ex.keep(tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
    widget = make_widget(ex, tmp_path / "kept")
    widget.keep_button.click()
    assert "cannot be combined" in widget.keep_message.value
    assert not (tmp_path / "kept").exists() or not any((tmp_path / "kept").rglob("*.yaml"))


# -- 3. a roadmap scenario's panel says what it answers; load warnings shown --------------


def test_roadmap_scenario_panel_says_one_lump_and_shows_warnings() -> None:
    sc = px.load_scenario(SCENARIOS / "retail_bank_quarterly" / "scenario.yaml")
    assert sc.periods and sc.warnings
    widget = make_widget(Explorer(sc))
    notes = widget.notes_html.value
    from prioritizer.explore.html import PERIODS_NOTE

    assert 'data-note="periods"' in notes and PERIODS_NOTE in notes
    assert "one-lump answer" in notes and "prioritizer roadmap" in notes
    assert 'data-note="warnings"' in notes
    for warning in sc.warnings:
        assert html.escape(warning.message) in notes
    assert widget.notes_html in widget.children[0].children  # drawn in the panel


def test_one_lump_scenario_without_warnings_has_no_note(tiny: px.Scenario) -> None:
    widget = make_widget(Explorer(tiny))
    assert widget.notes_html.value == ""


# -- 4. an infeasible base case -----------------------------------------------------------


def test_infeasible_base_reads_infeasible_not_zero(bank: px.Scenario) -> None:
    ex = Explorer(bank.model_copy(update={"budget": 500_000.0}))
    assert ex.base.status == "infeasible"
    strip = kpi_html(ex.current)
    assert "base: infeasible" in strip
    assert "base €0" not in strip and "base 0 pts/yr" not in strip and "base 0 d" not in strip
    out = ex.update(budget=3e6)
    assert out.feasible
    assert "vs base" not in out.headline() and "base case is infeasible" in out.headline()
    strip = kpi_html(out)
    assert "base: infeasible" in strip and "base €0" not in strip
    frame = out.kpis()
    assert frame["base"].isna().all() and set(frame["base_text"]) == {"infeasible"}


# -- 5. the widget follows its explorer ---------------------------------------------------


def test_widget_follows_programmatic_updates_and_keeps_what_is_shown(
    tiny: px.Scenario, tmp_path: Path
) -> None:
    widget = make_widget(Explorer(tiny), tmp_path / "kept")
    out = widget.explorer.update(budget=60.0, force_out=["A"])
    assert widget.shown_generation == out.generation
    assert widget.budget_slider.value == 60.0 and widget.budget_text.value == 60.0
    assert widget.force_out_picker.value == ("A",)
    assert f'data-generation="{out.generation}"' in widget.kpi_html.value
    widget.keep_name.value = "programmatic"
    widget.keep_button.click()
    kept = px.load_scenario(tmp_path / "kept" / "programmatic" / "scenario.yaml")
    assert kept.budget == 60.0 and "A" in kept.rules.excluded
    # wd.update does the same
    out = widget.update(budget=90.0)
    assert widget.budget_text.value == 90.0 and widget.shown_generation == out.generation


def test_keep_solves_a_waiting_change_first(tiny: px.Scenario, tmp_path: Path) -> None:
    widget = make_widget(Explorer(tiny), tmp_path / "kept")
    widget.budget_slider.value = 60.0  # debounce not fired yet
    widget.keep_name.value = "waiting"
    widget.keep_button.click()
    kept = px.load_scenario(tmp_path / "kept" / "waiting" / "scenario.yaml")
    assert kept.budget == 60.0


# -- 6. clear errors ----------------------------------------------------------------------


def test_single_id_and_numeric_strings_are_understood(tiny: px.Scenario) -> None:
    ex = Explorer(tiny)
    out = ex.update(force_in="A")
    assert out.settings.force_in == ("A",) and "A" in out.result.selected
    out = ex.update(force_in=[], budget="95")
    assert out.settings.budget == 95.0 and isinstance(out.settings.budget, float)
    assert out.settings.differences(ex.initial, "EUR")  # no TypeError on the number
    with pytest.raises(ValueError, match="budget must be a number"):
        ex.update(budget="lots")
    with pytest.raises(ValueError, match="force_out must be a list of initiative ids"):
        ex.update(force_out=3)
    with pytest.raises(ValueError, match=r"teams\['digital'\] must be a number"):
        ex.update(teams={"digital": "many"})


def test_same_id_forced_in_and_out_says_so(tiny: px.Scenario) -> None:
    out = Explorer(tiny).update(force_in=["A"], force_out=["A"])
    assert out.result.status == "error"
    assert "A is both forced in and forced out" in out.message


# -- 7. cosmetics -------------------------------------------------------------------------


def test_breakpoint_list_shows_its_placeholder(odd_widget: ExplorerWidget) -> None:
    picker = odd_widget.breakpoint_picker
    assert picker.index == 0 and picker.label == PLACEHOLDER and picker.value is None
    picker.value = odd_widget.explorer.breakpoints[0]
    odd_widget.budget_text.value = 2_000_000.0  # a budget elsewhere: the placeholder again
    assert picker.label == PLACEHOLDER
    odd_widget.reset()
    assert picker.label == PLACEHOLDER


def test_force_pickers_show_ids_whole(odd_widget: ExplorerWidget) -> None:
    longest = max(len(i) for i in odd_widget.explorer.ids)
    for picker in (odd_widget.force_in_picker, odd_widget.force_out_picker):
        width = int(str(picker.layout.width).removesuffix("px"))
        label = int(str(picker.style.description_width).removesuffix("px"))
        assert width - label >= 9 * longest  # ~9 px a character in the select box


def test_headline_and_cost_card_round_alike(bank: px.Scenario) -> None:
    out = Explorer(bank).current
    cost = out.kpis().loc["Cost", "text"]
    assert f"for {cost}:" in out.headline()


def test_keep_says_writing_while_it_runs(tiny: px.Scenario, tmp_path: Path) -> None:
    widget = make_widget(Explorer(tiny), tmp_path / "kept")
    seen: list[str] = []
    widget.keep_message.observe(lambda c: seen.append(c["new"]), names="value")
    widget.keep_button.click()
    assert seen[0].startswith("<i>writing") and seen[-1].startswith("Kept in")
