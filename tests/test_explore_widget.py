"""The explorer widget driven without a browser: set control values, fire the debounce timer
by hand, read the outputs (KPI strip, table or diagnosis, charts)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_explore import ManualTimer

import prioritizer as px
from prioritizer.explore import Explorer

pytest.importorskip("ipywidgets", reason="install the [explore] extra")
from prioritizer.explore.widget import ExplorerWidget, explore


def rows(widget: ExplorerWidget) -> dict[str, str]:
    """The table's rows: id -> change (entered/left/kept)."""
    return dict(
        (ident, change)
        for change, ident in re.findall(
            r'<tr class="px-row-(\w+)" data-id="([^"]+)"', widget.table_html.value
        )
    )


def kpi(widget: ExplorerWidget, name: str) -> str:
    match = re.search(
        rf'data-kpi="{re.escape(name)}"><div class="px-label">[^<]*</div>'
        r'<div class="px-value">(.*?)</div>',
        widget.kpi_html.value,
    )
    assert match, name
    return match.group(1)


@pytest.fixture
def widget(tiny: px.Scenario, tmp_path: Path) -> ExplorerWidget:
    ManualTimer.made = []
    return ExplorerWidget(
        Explorer(tiny, frontier_points=5),
        timer_factory=ManualTimer,
        charts=False,
        keep_folder=tmp_path / "kept",
        background=False,
    )


def test_shows_the_recommended_portfolio_at_once(widget: ExplorerWidget) -> None:
    assert rows(widget) == {"B": "kept", "C": "kept"}
    assert kpi(widget, "Cost") == "€90"
    assert "optimal" in widget.kpi_html.value
    assert widget.shown_generation == 0 and ManualTimer.made == []


def test_budget_slider_updates_table_and_kpis(widget: ExplorerWidget) -> None:
    widget.budget_slider.value = 60.0
    assert rows(widget) == {"B": "kept", "C": "kept"}  # nothing redrawn before the timer
    assert "updating" in widget.status_html.value
    ManualTimer.made[-1].fire()
    assert rows(widget) == {"B": "kept", "C": "left"}
    assert kpi(widget, "Cost") == "€50" and kpi(widget, "NPV") == "€40"
    # the breakpoints were walked (inline here): this budget is answered without a solve
    assert widget.shown_generation == 1
    assert "what-if #1 answered from the frontier" in widget.status_html.value


def test_rapid_changes_solve_once(widget: ExplorerWidget) -> None:
    solves = widget.explorer.solves
    for budget in (95.0, 90.0, 80.0, 70.0, 60.0):
        widget.budget_slider.value = budget
    widget.team_sliders["digital"].value = 20.0
    assert widget.explorer.solves == solves and widget.renders == 1
    assert sum(not t.cancelled for t in ManualTimer.made) == 1
    ManualTimer.made[-1].fire()
    assert widget.explorer.solves == solves + 1 and widget.renders == 2
    assert widget.explorer.current.settings.budget == 60.0
    assert widget.explorer.current.settings.team_capacity == {"digital": 20.0}


def test_stale_outcome_is_not_drawn(widget: ExplorerWidget) -> None:
    widget.budget_slider.value = 60.0
    stale = widget.explorer.refresh()  # generation 1 solved ...
    assert stale is not None
    widget.budget_slider.value = 200.0  # ... but generation 2 arrived before it was drawn
    widget.show(stale)
    assert rows(widget) == {"B": "kept", "C": "kept"} and widget.shown_generation == 0
    widget.flush()
    assert widget.shown_generation == 2


def test_infeasible_setting_shows_the_diagnosis(widget: ExplorerWidget) -> None:
    widget.force_in_picker.value = ("A", "B")
    widget.flush()
    assert "px-diagnosis" in widget.table_html.value and "<table" not in widget.table_html.value
    assert "budget" in widget.table_html.value.lower()
    assert "infeasible" in widget.kpi_html.value and kpi(widget, "NPV") == "n/a"
    widget.force_in_picker.value = ()
    widget.flush()
    assert rows(widget) == {"B": "kept", "C": "kept"}


def test_mode_picker_enables_the_weight(widget: ExplorerWidget) -> None:
    assert widget.weight_slider.disabled  # the tiny scenario is in business mode
    widget.mode_picker.value = "blended"
    assert not widget.weight_slider.disabled
    widget.weight_slider.value = 0.3
    widget.flush()
    objective = widget.explorer.current.scenario.objective
    assert objective.mode == "blended" and objective.business_weight == pytest.approx(0.3)


def test_reset_restores_controls_and_outputs(widget: ExplorerWidget) -> None:
    widget.budget_slider.value = 60.0
    widget.force_out_picker.value = ("B",)
    widget.flush()
    assert rows(widget) != {"B": "kept", "C": "kept"}
    widget.reset_button.click()
    assert widget.budget_slider.value == 100.0 and widget.force_out_picker.value == ()
    widget.flush()
    assert rows(widget) == {"B": "kept", "C": "kept"}
    assert widget.explorer.current.settings == widget.explorer.initial


def test_breakpoint_picker_moves_the_budget(widget: ExplorerWidget) -> None:
    options = [v for _label, v in widget.breakpoint_picker.options if v is not None]
    assert options == widget.explorer.breakpoints
    assert widget.breakpoint_marks.value.count("<span") == len(options)
    widget.breakpoint_picker.value = options[0]
    assert widget.budget_slider.value == pytest.approx(options[0], abs=widget.budget_slider.step)


def test_keep_button_writes_into_the_chosen_folder(widget: ExplorerWidget, tmp_path: Path) -> None:
    widget.budget_slider.value = 60.0
    widget.flush()
    widget.keep_name.value = "../escape attempt"
    widget.keep_button.click()
    written = sorted((tmp_path / "kept").rglob("*"))
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "kept/escapeattempt",
        "kept/escapeattempt/scenario.yaml",
    ]
    assert "Kept in" in widget.keep_message.value
    assert px.load_scenario(written[1]).budget == 60.0


def test_charts_are_svgs_redrawn_per_outcome(tiny: px.Scenario) -> None:
    ManualTimer.made = []
    widget = ExplorerWidget(
        Explorer(tiny, frontier_points=5),
        timer_factory=ManualTimer,
        keep_folder=None,
        background=False,
    )
    chart_map, chart_frontier = widget.map_chart.value, widget.frontier_chart.value
    assert chart_map.startswith("<svg") and 'data-chart="map"' in chart_map
    assert chart_frontier.startswith("<svg") and 'data-chart="frontier"' in chart_frontier
    assert 'data-budget="100"' in chart_frontier and "px-point" in chart_frontier
    assert "px-left" not in chart_map and "px-entered" not in chart_map
    # every initiative drawn; the chosen ones (B, C) filled
    assert set(re.findall(r'<circle data-id="(\w)"[^>]*fill="#0072B2"', chart_map)) == {"B", "C"}
    assert set(re.findall(r'<circle data-id="(\w)"', chart_map)) == {"A", "B", "C"}
    widget.budget_slider.value = 60.0
    widget.flush()
    chart_map, chart_frontier = widget.map_chart.value, widget.frontier_chart.value
    assert 'data-budget="60"' in chart_frontier  # the point moved
    assert re.findall(r'class="px-left" data-id="(\w)"', chart_map) == ["C"]  # C left: ringed
    assert "left vs base" in chart_map


def test_explore_returns_a_widget(tiny: px.Scenario) -> None:
    import ipywidgets

    widget = px.explore(tiny, charts=False, keep_folder=None, background=False)
    assert isinstance(widget, ipywidgets.VBox) and widget is not explore
    assert widget.keep_folder is None


@pytest.mark.slow
def test_telecom_explorer_notebook_runs(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat", reason="install the [notebook] extra")
    nbclient = pytest.importorskip("nbclient", reason="install the [notebook] extra")
    import shutil

    from conftest import SCENARIOS

    shutil.copytree(SCENARIOS / "telecom", tmp_path / "telecom")
    (tmp_path / "notebooks").mkdir()
    notebook = nbformat.read(SCENARIOS / "notebooks" / "explorer_telecom.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    text = "".join(o.get("text", "") for o in outputs)
    assert "No portfolio satisfies every rule" in text and "COMPLAINT-CASE" in text
    kept = tmp_path / "notebooks" / "what-ifs" / "cut-20" / "scenario.yaml"
    assert px.load_scenario(kept).budget == pytest.approx(0.8 * 6_000_000)


def test_the_breakpoint_walk_never_delays_the_first_portfolio(tiny: px.Scenario) -> None:
    import threading

    explorer = Explorer(tiny, frontier_points=5)
    release, started = threading.Event(), threading.Event()
    walk = explorer.compute_breakpoints

    def held_walk(progress: object = None) -> list[float]:
        started.set()
        assert release.wait(60)
        return walk()

    explorer.compute_breakpoints = held_walk  # type: ignore[method-assign]
    widget = ExplorerWidget(explorer, timer_factory=ManualTimer, keep_folder=None)
    try:
        assert started.wait(60)  # the walk is running on its background thread ...
        assert rows(widget) == {"B": "kept", "C": "kept"}  # ... and the portfolio is shown
        assert widget.breakpoint_marks.value.count("<span") == 1  # the base step's only
        widget.budget_slider.value = 60.0  # a move meanwhile is solved, not queued behind it
        widget.flush()
        assert rows(widget) == {"B": "kept", "C": "left"}
    finally:
        release.set()
    widget.wait_idle()
    marks = widget.breakpoint_marks.value.count("<span")
    assert marks == len(explorer.breakpoints) > 1


def test_a_slider_echoing_its_value_rounded_to_a_step_asks_nothing(widget: ExplorerWidget) -> None:
    widget.mode_picker.value = "blended"
    widget.weight_slider.value = 0.6
    widget.flush()
    generation, solves = widget.explorer.generation, widget.explorer.solves
    widget.weight_slider.value = 0.05 * 12  # what the page sends back: 0.6000000000000001
    assert widget.explorer.generation == generation and not widget.debouncer.pending
    widget.weight_slider.value = 0.65
    assert widget.explorer.generation == generation + 1
    widget.flush()
    widget.reset_button.click()
    widget.flush()
    widget.weight_slider.value = 0.5 + 1e-15  # the base weight, as a page may round it
    initial = widget.explorer.initial.business_weight
    assert widget.explorer.settings.business_weight == 0.5 == initial
    assert widget.explorer.solves == solves + 1  # 0.65 solved; the base came from its cover
