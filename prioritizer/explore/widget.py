"""The explorer as an ipywidgets widget (JupyterLab, Notebook 7, VS Code, Voilà).

Controls on the left of the story, outputs below: every control change asks the
:class:`~prioritizer.explore.state.Explorer` for a new what-if; a :class:`Debouncer` waits for
the burst to end, then one solve runs (none when the budget lands on a settled step of the
frontier) and the KPI strip, the table (or the diagnosis), the portfolio map and the frontier
are redrawn in place. An outcome older than the latest change is never drawn. The frontier's
breakpoints are walked on a background thread after the first outcome is shown, their marks
filled in as they are found. All logic lives in :mod:`.state`, :mod:`.html` and :mod:`.svg`;
this module wires widgets.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

try:
    import ipywidgets as w
    from traitlets import observe
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("the explorer needs ipywidgets: pip install 'prioritizer[explore]'") from exc

from .. import formatting as fmt
from ..models import Scenario
from ..result import SolverOptions
from .debounce import Debouncer, Timer
from .html import kpi_html, notes_html, table_html, ticks_html
from .state import MODES, Explorer, Outcome, Settings
from .svg import frontier_svg, map_svg
from .whatif import team_labels

SLIDER_WIDTH = "690px"
LABEL_WIDTH = "180px"  # "Contact centre team (d)" whole
PLACEHOLDER = "jump to a breakpoint…"


class BreakpointPicker(w.Dropdown):
    """A dropdown whose first option (value None) is a placeholder, shown as such: a plain
    Dropdown shows a blank for the value None (it takes None for "no option")."""

    @observe("value")
    def _propagate_value(self, change: dict[str, Any]) -> None:
        values = self._options_values
        current: int | None = self.trait_values().get("index")
        if change["new"] is None:
            index = 0 if values and values[0] is None else None
        elif current is not None and self.equals(values[current], change["new"]):
            index = current
        else:
            index = values.index(change["new"])
        if current != index:
            self.set_trait("index", index)


class ExplorerWidget(w.VBox):
    """The what-if explorer (see the module docstring).

    Parameters
    ----------
    explorer:
        The state to drive.
    delay_s:
        Debounce: solve this long after the last change of a burst (seconds).
    timer_factory:
        Makes the debounce timer (tests pass one they fire by hand).
    charts:
        Draw the portfolio map and the frontier (SVG, redrawn on each outcome).
    keep_folder:
        Where "Keep this what-if" writes (a sub-folder per what-if); None hides the button.
    background:
        Solve the frontier's breakpoints and each new frontier on a background thread, so
        the KPIs, table and map never wait for them (False: inline, for tests).
    marks_every_s:
        While the breakpoints are walked, redraw their marks at most this often (seconds).
    walk:
        Walk the frontier's breakpoints (marks, and budget moves answered without a solve)
        once the first outcome is shown; False: only the breakpoints solves happen to find.
    """

    def __init__(
        self,
        explorer: Explorer,
        *,
        delay_s: float = 0.25,
        timer_factory: Callable[[float, Callable[[], Any]], Timer] | None = None,
        charts: bool = True,
        keep_folder: str | Path | None = None,
        background: bool = True,
        marks_every_s: float = 1.5,
        walk: bool = True,
    ) -> None:
        self.explorer = explorer
        self.marks_every_s = marks_every_s
        self._marks_drawn = 0.0
        self.background = background
        # two background lanes: the breakpoint walk (long) never delays a new frontier
        self._jobs = Lane() if background else None
        self._marks_lane = Lane() if background else None
        self.charts = charts
        self.keep_folder = None if keep_folder is None else Path(keep_folder)
        self.debouncer = Debouncer(self._refresh, delay_s, timer_factory)
        self.shown_generation = -1
        self.renders = 0
        self._syncing = False
        self._draw_lock = threading.Lock()
        self._shown: Outcome | None = None
        sc = explorer.scenario
        cur = sc.currency
        style = {"description_width": LABEL_WIDTH}
        wide = w.Layout(width=SLIDER_WIDTH)
        box = w.Layout(width="130px")
        s = explorer.initial
        self._asked: Settings = explorer.settings  # the settings this widget asked for last
        # The exact number each slider stands for. A browser's slider snaps its value to its
        # step and sends the snapped value back (the budget 850,000 comes back as 860,000 on
        # a 20,000 step): that echo is not a change (see _slider_moved); the box beside each
        # slider shows (and takes) the exact number.
        self._meant: dict[str, float] = {"budget": s.budget, "weight": s.business_weight}
        self._meant.update({_team_key(team): days for team, days in s.teams})

        self.budget_slider = w.FloatSlider(
            value=s.budget,
            min=0.0,
            max=explorer.budget_max,
            step=_step(explorer.budget_max, [s.budget, *explorer.breakpoints]),
            description=f"Budget ({cur})",
            readout=False,
            continuous_update=True,
            style=style,
            layout=wide,
        )
        self.budget_text = w.FloatText(
            value=s.budget, step=None, tooltip=f"the exact budget ({cur})", layout=box
        )
        self.budget_readout = w.Label(fmt.amount(s.budget, cur))
        self.breakpoint_marks = w.HTML(
            ticks_html(explorer.breakpoints, explorer.budget_max, cur, LABEL_WIDTH, explorer.exact),
            layout=w.Layout(width=SLIDER_WIDTH),  # the slider's width and margins
        )
        self.breakpoint_picker = BreakpointPicker(
            options=_breakpoint_options(explorer.breakpoints, cur),
            value=None,
            description="Breakpoints",
            style=style,
            layout=w.Layout(width="400px"),  # the placeholder whole
        )
        labels = team_labels(team for team, _days in s.teams)
        self.team_sliders: dict[str, w.FloatSlider] = {
            team: w.FloatSlider(
                value=days,
                min=0.0,
                max=explorer.team_max(team),
                step=_step(explorer.team_max(team), [days]),
                description=f"{labels[team]} (d)",
                tooltip=f"{labels[team]}: capacity in person-days",
                readout=False,
                continuous_update=True,
                style=style,
                layout=wide,
            )
            for team, days in s.teams
        }
        self.team_texts: dict[str, w.FloatText] = {
            team: w.FloatText(
                value=days, step=None, tooltip=f"{labels[team]}: person-days", layout=box
            )
            for team, days in s.teams
        }
        self.mode_picker = w.ToggleButtons(
            options=list(MODES), value=s.mode, description="Objective", style=style
        )
        self.weight_slider = w.FloatSlider(
            value=s.business_weight,
            min=0.0,
            max=1.0,
            step=_step(1.0, [s.business_weight], coarse=0.05),
            description="Business weight",
            readout=False,
            continuous_update=True,
            disabled=s.mode != "blended",
            style=style,
            layout=wide,
        )
        self.weight_readout = w.Label(_weight_text(s.business_weight))
        picker = w.Layout(width="340px")  # ids whole ("COMPLAINT-HUB", "GOODWILL-AUTO")
        self.force_in_picker = w.SelectMultiple(
            options=explorer.ids, description="Force in", rows=6, style=style, layout=picker
        )
        self.force_out_picker = w.SelectMultiple(
            options=explorer.ids,
            description="Force out",
            rows=6,
            style={"description_width": "80px"},
            layout=w.Layout(width="260px"),
        )
        self.reset_button = w.Button(description="Reset", icon="undo", tooltip="the base case")
        self.keep_name = w.Text(
            value="what-if-1", description="Keep as", style=style, layout=w.Layout(width="360px")
        )
        self.keep_pack = w.Checkbox(value=False, description="with its steering pack")
        self.keep_button = w.Button(description="Keep this what-if", icon="save")
        self.keep_message = w.HTML("")

        self.status_html = w.HTML("")
        self.kpi_html = w.HTML("")
        self.table_html = w.HTML("")
        self.map_chart = w.HTML("", layout=w.Layout(width="49%"))
        self.frontier_chart = w.HTML("", layout=w.Layout(width="49%"))
        self.frontier_caption = w.HTML("")
        self.frontier_generation = -1

        for control in (self.mode_picker, self.force_in_picker, self.force_out_picker):
            control.observe(self._changed, names="value")
        for key, slider, text in self._numbers():
            slider.observe(lambda _c, key=key: self._slider_moved(key), names="value")
            if text is not None:
                text.observe(lambda _c, key=key: self._typed(key), names="value")
        self.breakpoint_picker.observe(self._jump, names="value")
        explorer.listeners.append(self._followed)
        self.reset_button.on_click(lambda _b: self.reset())
        self.keep_button.on_click(lambda _b: self.keep())

        keep_row: list[w.Widget] = []
        if self.keep_folder is not None:
            keep_row = [
                w.HBox([self.keep_name, self.keep_pack, self.keep_button]),
                self.keep_message,
            ]
        self.notes_html = w.HTML(notes_html(sc))
        controls = w.VBox(
            [
                w.HTML(f"<h3 style='margin:2px 0'>What-if: {_esc(sc.name)}</h3>"),
                self.notes_html,
                w.HBox([self.budget_slider, self.budget_text, self.budget_readout]),
                self.breakpoint_marks,
                self.breakpoint_picker,
                *(w.HBox([self.team_sliders[t], self.team_texts[t]]) for t in self.team_sliders),
                self.mode_picker,
                w.HBox([self.weight_slider, self.weight_readout]),
                w.HBox([self.force_in_picker, self.force_out_picker, self.reset_button]),
                *keep_row,
            ]
        )
        outputs = [self.status_html, self.kpi_html]
        if charts:
            outputs.append(self.frontier_caption)
            outputs.append(w.HBox([self.map_chart, self.frontier_chart]))
        outputs.append(self.table_html)
        super().__init__([controls, *outputs])
        self.show(explorer.current)
        if walk:
            self._run(self._load_breakpoints, self._marks_lane)

    # -- control -> state ----------------------------------------------------------------
    def _numbers(self) -> list[tuple[str, w.FloatSlider, w.FloatText | None]]:
        """Each numeric control: its key in ``_meant``, its slider and its exact box."""
        return [
            ("budget", self.budget_slider, self.budget_text),
            *((_team_key(t), s, self.team_texts[t]) for t, s in self.team_sliders.items()),
            ("weight", self.weight_slider, None),
        ]

    def _controls_of(self, key: str) -> tuple[w.FloatSlider, w.FloatText | None]:
        return next((slider, text) for k, slider, text in self._numbers() if k == key)

    def _slider_moved(self, key: str) -> None:
        """A slider moved: the number it stands for now, unless the move is the browser
        snapping the exact number set here to the slider's step (then nothing changed)."""
        if self._syncing:
            return
        slider, _text = self._controls_of(key)
        value = float(slider.value)
        meant = self._meant.get(key)
        if meant is not None and is_snap_of(value, meant, slider.step, slider.min, slider.max):
            value = meant  # the echo of a value set here: still the exact number
        self._meant[key] = value
        self._show_number(key, value, slider=False)
        self._changed()

    def _typed(self, key: str) -> None:
        """A number typed in the box beside a slider: exactly that number."""
        if self._syncing:
            return
        _slider, text = self._controls_of(key)
        assert text is not None
        value = float(text.value)
        if not value >= 0:
            self.status_html.value = "<b style='color:#D55E00'>a number >= 0, please</b>"
            return
        self._meant[key] = value
        self._show_number(key, value, text=False)
        self._changed()

    def _show_number(
        self, key: str, value: float, *, slider: bool = True, text: bool = True
    ) -> None:
        """Set a number's slider, box and label to ``value`` (no change is asked for)."""
        control, box = self._controls_of(key)
        self._syncing = True
        try:
            if slider:
                control.value = value
            if text and box is not None:
                box.value = value
            if key == "budget":
                self.budget_readout.value = fmt.amount(value, self.explorer.scenario.currency)
                if (
                    self.breakpoint_picker.value is not None
                    and self.breakpoint_picker.value != value
                ):
                    self.breakpoint_picker.value = None  # the placeholder again
            elif key == "weight":
                self.weight_readout.value = _weight_text(value)
        finally:
            self._syncing = False

    def _changed(self, change: dict[str, Any] | None = None) -> None:
        """Ask the explorer for the settings the controls say (a no-op when they are the
        settings asked for already)."""
        if self._syncing:
            return
        self.weight_slider.disabled = self.mode_picker.value != "blended"
        try:
            wanted = self.explorer.settings.changed(**self.control_values())
        except ValueError as exc:
            self.status_html.value = f"<b style='color:#D55E00'>{_esc(str(exc))}</b>"
            return
        wanted = wanted.snapped(self.explorer.settings).snapped(self.explorer.initial)
        if wanted == self.explorer.settings:
            return  # an echo of the settings asked for (a slider rounding its value to a step)
        self._asked = wanted
        generation = self.explorer.request(**wanted.as_changes())
        self.status_html.value = f"<i>updating… (what-if #{generation})</i>"
        self.debouncer()

    def _jump(self, change: dict[str, Any]) -> None:
        if self._syncing or change["new"] is None:
            return
        budget = float(change["new"])
        self._meant["budget"] = budget
        self._show_number("budget", budget)
        self._changed()

    def control_values(self) -> dict[str, Any]:
        """The settings the controls show now (each number exactly as set or typed, not as
        its slider's step rounds it)."""
        return {
            "budget": self._meant["budget"],
            "teams": {team: self._meant[_team_key(team)] for team in self.team_sliders},
            "mode": str(self.mode_picker.value),
            "business_weight": self._meant["weight"],
            "force_in": tuple(self.force_in_picker.value),
            "force_out": tuple(self.force_out_picker.value),
        }

    def update(self, **changes: Any) -> Outcome:
        """Change settings and solve now, the controls and outputs following (as
        :meth:`Explorer.update`; ``wd.explorer.update(...)`` does the same)."""
        return self.explorer.update(**changes)

    def _followed(self, outcome: Outcome) -> None:
        """The explorer published an outcome: when it answers settings this widget did not
        ask for (``wd.explorer.update(...)`` in a notebook), the controls follow and it is
        drawn (the widget draws the answers to its own changes itself, see :meth:`show`)."""
        if outcome.settings == self._asked or outcome.generation != self.explorer.generation:
            return
        self._asked = outcome.settings
        self._sync_controls(outcome.settings)
        self.show(outcome)

    def reset(self) -> None:
        """Back to the base case: controls and outputs."""
        self._sync_controls(self.explorer.initial)
        self._asked = self.explorer.initial
        self.explorer.reset()
        self.status_html.value = "<i>updating… (reset)</i>"
        self.debouncer()

    def _sync_controls(self, settings: Settings) -> None:
        """Set every control to ``settings`` (no change is asked for)."""
        self._meant["budget"] = settings.budget
        self._meant["weight"] = settings.business_weight
        for team, days in settings.teams:
            self._meant[_team_key(team)] = days
        for key, _slider, _text in self._numbers():
            self._show_number(key, self._meant[key])
        self._syncing = True
        try:
            self.mode_picker.value = settings.mode
            self.weight_slider.disabled = settings.mode != "blended"
            # the pickers list the scenario's ids as written: ids typed in code match without
            # case; an unknown one (refused by the explorer) is not shown
            self.force_in_picker.value = self._listed(settings.force_in)
            self.force_out_picker.value = self._listed(settings.force_out)
            self.breakpoint_picker.value = None
        finally:
            self._syncing = False

    def _listed(self, ids: Sequence[str]) -> tuple[str, ...]:
        """``ids`` as the pickers list them (matched without case); unknown ones dropped."""
        options = {str(o).casefold(): str(o) for o in self.force_in_picker.options}
        return tuple(dict.fromkeys(options[i.casefold()] for i in ids if i.casefold() in options))

    def _refresh(self) -> None:
        try:
            outcome = self.explorer.refresh()
        except Exception as exc:  # shown, never raised into the event loop
            self.status_html.value = f"<b style='color:#D55E00'>error: {_esc(str(exc))}</b>"
            return
        if outcome is not None:
            self.show(outcome)

    def flush(self) -> None:
        """Solve a waiting change now (what the debounce timer would do)."""
        self.debouncer.flush()

    # -- state -> outputs ----------------------------------------------------------------
    def show(self, outcome: Outcome) -> None:
        """Draw an outcome, unless a newer change is waiting or a newer one is drawn."""
        with self._draw_lock:
            if outcome is self._shown:
                return  # drawn already (by the explorer's listener)
            if outcome.generation != self.explorer.generation:
                return  # stale: the latest change will draw itself
            if outcome.generation < self.shown_generation:
                return
            self._shown = outcome
            self.kpi_html.value = kpi_html(outcome)
            self.table_html.value = table_html(outcome)
            if self.charts:
                self.map_chart.value = map_chart(outcome)
                self.frontier_chart.value = frontier_chart(self.explorer, outcome)
            self.shown_generation = outcome.generation
            self.frontier_generation = outcome.generation
            self.renders += 1
            how = "answered from the frontier" if outcome.reused else "solved"
            if outcome.generation == 0:
                text = "the base case"
            else:
                text = f"what-if #{outcome.generation} {how} in {outcome.elapsed_s * 1000:,.0f} ms"
            self.status_html.value = (
                f"<span style='color:#555'>{text}</span>"
                if outcome.generation == self.explorer.generation
                else "<i>updating…</i>"
            )

        if self.charts and not self.explorer.frontier_known(outcome.settings):
            self.frontier_caption.value = (
                "<i>frontier: solving more budgets for these settings…</i>"
            )
            self._run(lambda: self._draw_frontier(outcome))

    def _run(self, job: Callable[[], Any], lane: Lane | None = None) -> None:
        """Run ``job`` on a background thread (inline without one)."""
        lane = lane or self._jobs
        if lane is None:
            job()
        else:
            lane.submit(lambda: _quietly(job))

    def wait_idle(self) -> None:
        """Block until the background jobs queued so far (breakpoints, frontiers) are done."""
        for lane in (self._jobs, self._marks_lane):
            if lane is not None:
                lane.submit(lambda: None).result()

    def wait_frontier(self) -> None:
        """Block until the frontier jobs queued so far are done (not the breakpoint walk)."""
        if self._jobs is not None:
            self._jobs.submit(lambda: None).result()

    def _load_breakpoints(self) -> None:
        """Walk the base frontier (background), redrawing the marks as they are found."""
        self.explorer.compute_breakpoints(progress=self._marks_progress)
        self._draw_marks()

    def _marks_progress(self) -> None:
        if time.monotonic() - self._marks_drawn >= self.marks_every_s:
            self._draw_marks()

    def _draw_marks(self) -> None:
        """The breakpoints found so far: marks under the slider, the jump list, and the
        frontier chart when it shows the base settings."""
        self._marks_drawn = time.monotonic()
        cur = self.explorer.scenario.currency
        breakpoints = self.explorer.breakpoints
        self.breakpoint_marks.value = ticks_html(
            breakpoints, self.explorer.budget_max, cur, LABEL_WIDTH, self.explorer.exact
        )
        options = _breakpoint_options(breakpoints, cur)
        step = _step(self.explorer.budget_max, [self.explorer.initial.budget, *breakpoints])
        if list(self.breakpoint_picker.options) != options or step != self.budget_slider.step:
            self._syncing = True
            try:
                self.breakpoint_picker.options = options
                self.breakpoint_picker.value = None
                # a finer step when it puts the breakpoints on the slider's grid, the
                # handle set again to the exact budget (a step change re-snaps it)
                self.budget_slider.step = step
                self.budget_slider.value = self._meant["budget"]
            finally:
                self._syncing = False
        shown = self.explorer.current
        base = self.explorer.initial.without_budget()
        if self.charts and shown.settings.without_budget() == base:
            self._draw_frontier(shown)

    def _draw_frontier(self, outcome: Outcome) -> None:
        """Settle the frontier's grid for the outcome's settings, then draw it with the
        outcome's point, if the outcome is still the one shown."""
        if outcome.generation != self.shown_generation:
            return
        self.explorer.frontier(
            outcome.settings, stop=lambda: outcome.generation != self.shown_generation
        )
        chart = frontier_chart(self.explorer, outcome)
        with self._draw_lock:
            if outcome.generation != self.shown_generation:
                return
            self.frontier_chart.value = chart
            self.frontier_generation = outcome.generation
            self.frontier_caption.value = ""

    def keep(self) -> list[Path]:
        """Write the current what-if into ``keep_folder / <name>`` (see
        :meth:`Explorer.keep`); the message under the button says what was written."""
        if self.keep_folder is None:
            return []
        name = _safe_name(self.keep_name.value)
        if not name:
            self.keep_message.value = "<b>Give the what-if a name (letters, digits, - or _).</b>"
            return []
        self.flush()  # a change still waiting is solved first: what is kept is what is shown
        if self.explorer.current.settings != self.explorer.settings:
            self.keep_message.value = "<b>Still solving the latest change; keep it once shown.</b>"
            return []
        self.keep_message.value = (
            "<i>writing the scenario and its steering pack…</i>"
            if self.keep_pack.value
            else "<i>writing…</i>"
        )
        try:
            written = self.explorer.keep(
                self.keep_folder / name, name=None, pack=bool(self.keep_pack.value)
            )
        except Exception as exc:
            self.keep_message.value = f"<b style='color:#D55E00'>{_esc(str(exc))}</b>"
            return []
        self.keep_message.value = (
            f"Kept in <code>{_esc(str(self.keep_folder / name))}</code>: "
            + ", ".join(_esc(p.name) for p in written[:6])
            + (f" and {len(written) - 6} more" if len(written) > 6 else "")
        )
        return written


def map_chart(outcome: Outcome) -> str:
    """The portfolio map (SVG), entered and left initiatives ringed."""
    portfolio = (outcome.result if outcome.feasible else outcome.base).portfolio
    return map_svg(
        portfolio,
        currency=outcome.scenario.currency,
        entered=outcome.entered,
        left=outcome.left,
        title="Portfolio map" if outcome.feasible else "Portfolio map (base case: infeasible now)",
    )


def frontier_chart(explorer: Explorer, outcome: Outcome) -> str:
    """The frontier (SVG) for the outcome's settings as settled so far (never solves), with
    the what-if's point."""
    cover = explorer.cover(outcome.settings)
    return frontier_svg(
        [] if cover is None else cover.frontier(),
        top=explorer.budget_max,
        budget=outcome.settings.budget,
        objective=outcome.result.objective if outcome.feasible else None,
        mode=outcome.settings.mode,
        currency=outcome.scenario.currency,
    )


class Lane:
    """One background thread running jobs in turn. A daemon thread: a walk of the frontier
    still going never holds up the end of the Python process (a kernel shutting down)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        threading.Thread(target=self._work, name="explorer-lane", daemon=True).start()

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        """Queue ``job``; its future holds its result."""
        future: Future[Any] = Future()
        self._queue.put((job, future))
        return future

    def _work(self) -> None:
        while True:
            job, future = self._queue.get()
            try:
                future.set_result(job())
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)


def _quietly(job: Callable[[], Any]) -> None:
    """A background job: its errors are logged, never raised into a thread pool's void."""
    import logging

    try:
        job()
    except Exception:
        logging.getLogger(__name__).exception("explorer background job failed")


def explore(
    scenario: Scenario,
    *,
    options: SolverOptions | None = None,
    delay_s: float = 0.25,
    charts: bool = True,
    keep_folder: str | Path | None = "what-ifs",
    background: bool = True,
) -> ExplorerWidget:
    """An interactive what-if explorer for ``scenario`` (needs the ``[explore]`` extra).

    Sliders for the budget (the frontier's breakpoints marked) and each team's capacity, the
    objective mode and business weight, force-in / force-out pickers and a reset; every
    change re-solves (debounced by ``delay_s`` seconds) and redraws the KPI strip, the
    portfolio table against the base case, the portfolio map and the frontier. "Keep this
    what-if" writes a scenario file (and on request its steering pack) into ``keep_folder``
    (None: no keep button).

    Examples
    --------
    >>> px.explore(sc)  # doctest: +SKIP
    """
    return ExplorerWidget(
        Explorer(scenario, options=options),
        delay_s=delay_s,
        charts=charts,
        keep_folder=keep_folder,
        background=background,
    )


def _step(top: float, exact: list[float] | tuple[float, ...] = (), coarse: float = 0.0) -> float:
    """A slider step: about a thousandth of the range (at least ``coarse``), rounded to 1, 2
    or 5 × a power of 10; or a finer such step (down to a thousandth of that) that puts every
    number of ``exact`` (the base value, the breakpoints) on the slider's grid, so that the
    browser's slider shows them without rounding. None fits: the coarse step (the value
    boxes and the picker still set the exact numbers, see :func:`is_snap_of`)."""
    import math

    raw = max(top / 1000.0, coarse, 1e-9)
    power = 10 ** math.floor(math.log10(raw))
    first = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ladder = sorted(
        {round(m * 10.0**k * power, 12) for k in range(-4, 2) for m in (1, 2, 5)}, reverse=True
    )
    for step in [first] + [x for x in ladder if first / 1000 <= x < first]:
        if all(_on_grid(v, step) for v in exact):
            return step
    return first


def _on_grid(value: float, step: float) -> bool:
    """True when ``value`` is a whole number of ``step`` (to 1e-9 of a step)."""
    k = round(value / step)
    return abs(value - k * step) <= 1e-9 * step


def is_snap_of(value: float, exact: float, step: float, low: float, high: float) -> bool:
    """True when ``value`` is what a browser's slider (noUiSlider) makes of ``exact``: the
    nearest point of its grid ``low + k·step`` (a tie rounds up, as JavaScript's
    ``Math.round``), within ``[low, high]``; or ``exact`` itself."""
    import math

    if value == exact:
        return True
    if not step or step <= 0:
        return False
    tol = 1e-6 * step
    position = (exact - low) / step
    candidates = [math.floor(position + 0.5)]
    if abs(position - math.floor(position) - 0.5) < 1e-9:  # a tie: either neighbour
        candidates.append(math.floor(position))
    for k in candidates:
        snapped = min(max(low + k * step, low), high)
        if abs(value - snapped) <= tol:
            return True
    return False


def _team_key(team: str) -> str:
    return f"team:{team}"


def _weight_text(weight: float) -> str:
    return f"{weight:.0%} business, {1 - weight:.0%} customer"


def _breakpoint_options(breakpoints: list[float], currency: str) -> list[tuple[str, float | None]]:
    """The jump list: a placeholder, then each breakpoint (its exact budget)."""
    return [(PLACEHOLDER, None)] + [(fmt.amount(b, currency), b) for b in breakpoints]


def _safe_name(text: str) -> str:
    """A folder name from free text: letters, digits, ``-`` and ``_`` only (no paths)."""
    return "".join(c for c in str(text).strip() if c.isalnum() or c in "-_")[:64]


def _esc(text: str) -> str:
    import html

    return html.escape(text)
