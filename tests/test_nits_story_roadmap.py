"""Small promises of the story and the roadmap tables: a list that is cut says how many it
leaves out; a cost of delay that cannot happen is not shown as one."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from conftest import SCENARIOS

import prioritizer as px
from prioritizer.report.story import risk_findings


class _FragileRun:
    """A Monte Carlo stand-in: ``n`` fragile picks of the portfolio, one core one."""

    core_threshold = 0.9
    feasible_draws = 100

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "name": [f"Name {i}" for i in self.ids],
                "in_base_portfolio": True,
                "class": ["fragile"] * (len(self.ids) - 1) + ["core"],
                "selection_frequency": [0.5 + 0.05 * k for k in range(len(self.ids))],
            },
            index=self.ids,
        )

    def portfolio_distribution(self) -> pd.DataFrame:
        return pd.DataFrame()


def test_fragile_picks_say_how_many_are_not_named(tiny: px.Scenario) -> None:
    result = px.optimize(tiny)
    ids = [f"I{k}" for k in range(7)]  # six fragile, one core
    finding: Any = risk_findings(result, {"montecarlo": _FragileRun(ids)})[0]
    text = finding.text
    assert text.startswith("6 of ")
    named = [i for i in ids if f"Name {i} (" in text]
    assert named == ids[:4]
    assert text.endswith("and 2 more"), text
    five: Any = risk_findings(result, {"montecarlo": _FragileRun(ids[:5])})[0]
    assert "more" not in five.text and all(f"Name {i} (" in five.text for i in ids[:4])


def test_explain_says_the_real_npv_change_of_forcing_an_initiative_in() -> None:
    """Blended mode: the NPV a forced-in initiative costs is the forced portfolio's NPV less
    the recommendation's (re-solved here independently), not the score margin in NPV units."""
    from pathlib import Path

    sc = px.load_scenario(Path(__file__).parent.parent / "scenarios/retail_bank/scenario.yaml")
    base = px.optimize(sc)
    out = next(i for i in sc.ids if i not in base.selected and i not in sc.mandatory_ids())
    forced = px.optimize(sc.with_overrides(force_in=[out]))
    change = forced.business_value - base.business_value
    sentence = px.explain(sc, out).sentences()[out]
    words = (
        f"the NPV by {sc.currency} {-change:,.0f}"
        if change <= 0
        else f"while the NPV rises by {sc.currency} {change:,.0f}"
    )
    assert words in sentence, sentence
    assert "about" not in sentence


def test_cost_of_delay_past_a_deadline_is_not_a_number_and_left_out_rows_keep_their_cost() -> None:
    """A (2 quarters, work done by 2027Q2) must start in 2027Q1: a period later is not a
    cost of delay but forbidden. C does not fit the budget: its row keeps its one-off cost
    and has no value at a start."""
    import math

    from test_track_periods import roadmap_dict

    from prioritizer.roadmap import plan_roadmap

    data = roadmap_dict()
    data["budget"] = 200
    data["initiatives"][0]["deadline"] = "2027Q2"
    data["initiatives"].append(
        {"id": "C", "pillar": "ease", "cost": 150, "cost_savings": 100, "duration": 1}
    )
    roadmap = plan_roadmap(px.scenario_from_mapping(data))
    assert roadmap.selected == ["A", "B"]
    delay = roadmap.cost_of_delay()
    assert math.isnan(delay.loc["A", "npv_lost_one_period_later"])
    assert delay.loc["A", "delay_note"] == (
        "a period later it would miss its deadline (live by 2027Q3)"
    )
    assert not math.isnan(delay.loc["B", "npv_lost_one_period_later"])
    frame = roadmap.to_frame()
    assert frame.loc["C", "cost"] == 150 and not frame.loc["C", "chosen"]
    assert math.isnan(frame.loc["C", "business_value"])
    assert frame.loc[frame["chosen"], "cost"].sum() == roadmap.cost


def test_roadmap_json_carries_a_manifest() -> None:
    from test_track_periods import roadmap_dict

    from prioritizer.roadmap import plan_roadmap

    scenario = px.scenario_from_mapping(roadmap_dict())
    payload = plan_roadmap(scenario, pins={"A": "2027Q1"}).to_dict()
    block = payload["manifest"]
    assert block["tool"] == "prioritizer" and block["scenario_sha256"] == scenario.fingerprint()
    assert block["formulation"] == "aggregate" and block["pins"] == {"A": "2027Q1"}


def test_the_terminal_plan_marks_what_a_delay_note_qualifies() -> None:
    from test_track_periods import roadmap_dict

    from prioritizer.cli.roadmap import roadmap_text
    from prioritizer.roadmap import plan_roadmap

    data = roadmap_dict()
    data["initiatives"][0]["deadline"] = "2027Q2"
    data["initiatives"][1]["duration"] = 2  # B pinned to 2027Q3: a period later is too late
    text = roadmap_text(plan_roadmap(px.scenario_from_mapping(data), pins={"B": "2027Q3"}))
    row_a = next(line for line in text.splitlines() if line.startswith("A "))
    row_b = next(line for line in text.splitlines() if line.startswith("B "))
    assert "— *" in row_a and row_b.rstrip().split()[-2] == "**", (row_a, row_b)
    assert "  * a period later it would miss its deadline (live by 2027Q3)" in text
    assert "  ** a period later it would not finish inside the plan" in text


def test_report_refuses_a_missing_actuals_file_before_any_work(tmp_path: Any) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from prioritizer.cli import cli

    bank = Path(__file__).parent.parent / "scenarios" / "retail_bank" / "scenario.yaml"
    missing, out = tmp_path / "none.csv", tmp_path / "pack"
    args = ["report", str(bank), "--out", str(out), "--actuals", str(missing)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert f"{missing}: actuals file not found" in result.output
    assert not out.exists()


def test_report_on_a_roadmap_refuses_to_skip_what_it_never_runs(tmp_path: Any) -> None:
    from click.testing import CliRunner
    from test_roadmap_cli import CSV, YAML

    from prioritizer.cli import cli

    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "pack"
    args = ["report", str(tmp_path / "scenario.yaml"), "--out", str(out), "--skip", "frontier"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "--skip frontier: the pack of a roadmap does not run frontier" in result.output
    assert not out.exists()


def test_solve_out_never_writes_over_an_evidence_input(tmp_path: Any) -> None:
    """A scenario whose VoC export is named portfolio.csv, solved with --out into its own
    evidence folder: refused (exit 2), the export unchanged, nothing written."""
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from prioritizer.cli import cli

    source = Path(__file__).parent.parent / "scenarios" / "retail_bank"
    shutil.copytree(source, tmp_path / "bank")
    folder = tmp_path / "bank" / "evidence"
    (folder / "voc_export.csv").rename(folder / "portfolio.csv")
    yaml_path = tmp_path / "bank" / "scenario_evidence.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(text.replace("evidence/voc_export.csv", "evidence/portfolio.csv"))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = CliRunner().invoke(cli, ["solve", str(yaml_path), "--out", str(folder)])
    assert result.exit_code == 2, result.output
    assert "refusing to write over an input file" in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_init_under_a_file_is_refused_cleanly(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from prioritizer.cli import cli

    blocker = tmp_path / "afile"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["init", str(blocker / "x")])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "cannot create the folder" in result.output and "is a file" in result.output


def test_a_key_given_twice_in_the_yaml_is_refused(tmp_path: Any) -> None:
    """YAML keeps the last of two equal keys without a word; a scenario refuses, naming both
    lines (top level and nested)."""
    from prioritizer.exceptions import ScenarioError

    text = "name: x\nbudget: 3000000\nsegments:\n  all: {customers: 10, ltv: 1}\nbudget: 2e6\n"
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        px.load_scenario(path)
    assert "scenario.yaml line 5: key 'budget' is given twice (first on line 2)" in str(info.value)
    path.write_text("name: x\nsegments:\n  all: {customers: 10, customers: 20}\n")
    with pytest.raises(ScenarioError, match="key 'customers' is given twice"):
        px.load_scenario(path)


def test_an_initiative_no_start_fits_is_warned_at_load_and_explained(tmp_path: Any) -> None:
    """B may not start before 2027Q2, needs 3 quarters and must be done by 2027Q3: no start
    fits. Not mandatory, so the roadmap is feasible without it; the load warns (located at its
    deadline cell) and the plan's table names the window, not the end of the plan."""
    import yaml
    from test_track_periods import roadmap_dict

    from prioritizer.roadmap import plan_roadmap

    data = roadmap_dict()
    b = data["initiatives"][1]
    b.update(duration=3, earliest_start="2027Q2", deadline="2027Q3")
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    scenario = px.load_scenario(path)
    warnings = [w for w in scenario.warnings if w.code == "no-start-fits"]
    assert len(warnings) == 1 and "B can never be planned" in warnings[0].message
    assert "must be done by 2027Q3" in warnings[0].message
    assert warnings[0].where == "scenario.yaml: initiatives[1].deadline"  # inline table
    roadmap = plan_roadmap(scenario)
    assert roadmap.selected == ["A"]
    blocked = roadmap.cost_of_delay().loc["B", "blocked_by"]
    assert blocked == "no start fits its earliest start, duration and deadline"
    # mandatory: every roadmap is infeasible; said at load (validate --strict refuses it)
    data["rules"] = {"mandatory": ["B"]}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    warnings = [w for w in px.load_scenario(path).warnings if w.code == "no-start-fits"]
    assert len(warnings) == 1 and "B is mandatory but can never be planned" in warnings[0].message
    assert "every roadmap of this scenario is infeasible" in warnings[0].message
    from click.testing import CliRunner

    from prioritizer.cli import cli

    strict = CliRunner().invoke(cli, ["validate", "--strict", str(path)])
    assert strict.exit_code == 2 and "B is mandatory but can never be planned" in strict.output


def test_explain_ids_without_case_and_a_short_roadmap_repr() -> None:
    from pathlib import Path

    from test_track_periods import roadmap_dict

    from prioritizer.roadmap import plan_roadmap

    sc = px.load_scenario(Path(__file__).parent.parent / "scenarios/retail_bank/scenario.yaml")
    assert list(px.explain(sc, "chatbot-buy").sentences()) == ["CHATBOT-BUY"]
    text = repr(plan_roadmap(px.scenario_from_mapping(roadmap_dict())))
    assert text.startswith("Roadmap(status='optimal'") and len(text) < 200, text


def test_solve_on_a_roadmap_scenario_says_it_ignores_the_periods(tmp_path: Any) -> None:
    import json

    from click.testing import CliRunner
    from test_roadmap_cli import CSV, YAML

    from prioritizer.cli import cli

    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["solve", str(tmp_path / "scenario.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "gives the one-lump answer, which ignores them" in result.stderr
    assert json.loads(result.stdout)["status"] == "optimal"  # stdout stays pure JSON


def test_committed_scenario_and_value_schedule_take_what_people_type() -> None:
    from pathlib import Path

    from prioritizer.roadmap.values import value_schedule

    root = Path(__file__).parent.parent / "scenarios"
    bank = px.load_scenario(root / "retail_bank" / "scenario.yaml")
    actuals = root / "retail_bank" / "past_cycle" / "actuals.csv"
    from_path, _ = px.committed_scenario(bank, str(actuals))
    from_table, _ = px.committed_scenario(bank, px.read_actuals(actuals))
    assert from_path.budget == from_table.budget and from_path.ids == from_table.ids
    quarterly = px.load_scenario(root / "retail_bank_quarterly" / "scenario.yaml")
    by_label = value_schedule(quarterly, "ONB-WELCOME", "2027q3")
    assert by_label.equals(value_schedule(quarterly, "ONB-WELCOME", 2))


def test_yaml_merge_keys_may_override_merged_values(tmp_path: Any) -> None:
    import yaml as _yaml
    from test_track_periods import roadmap_dict

    text = _yaml.safe_dump({k: v for k, v in roadmap_dict().items() if k != "segments"})
    text += "segments:\n  all_: &seg {customers: 1000, ltv: 100}\n  other: {<<: *seg, ltv: 90}\n"
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = px.load_scenario(path)
    assert scenario.segments["other"].ltv == 90 and scenario.segments["other"].customers == 1000


def test_a_stage_unlike_any_known_one_is_a_warning_not_a_typo(tmp_path: Any) -> None:
    import yaml as _yaml
    from test_track_periods import roadmap_dict

    data = roadmap_dict()
    data["initiatives"][0]["journey_stage"] = "onboarding"
    data["objective"] = {"mode": "blended", "stage_weights": {"offboarding": 1.2}}
    path = tmp_path / "scenario.yaml"
    path.write_text(_yaml.safe_dump(data), encoding="utf-8")
    scenario = px.load_scenario(path)  # not refused: another stage, none of it yet
    assert [w.code for w in scenario.warnings if "offboarding" in w.message] == ["unknown-stage"]
    data["objective"]["stage_weights"] = {"onbording": 1.2}
    path.write_text(_yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(px.ScenarioError, match="did you mean 'onboarding'"):
        px.load_scenario(path)


def test_delivery_of_a_roadmap_pack_tracks_the_roadmap_at_its_starts() -> None:
    from pathlib import Path

    from prioritizer.analysis.ranking import compare_with_ranking
    from prioritizer.roadmap.plan import base_roadmap
    from prioritizer.tracking.delivery import delivery

    root = Path(__file__).parent.parent / "scenarios" / "retail_bank_quarterly"
    scenario = px.load_scenario(root / "scenario.yaml")
    options = px.SolverOptions()
    roadmap = base_roadmap(scenario, options)
    base = roadmap.as_result()
    actuals = root / "past_cycle" / "actuals_by_quarter.csv"
    tracked = delivery(scenario, base=base, options=options, actuals=actuals).tracking
    frame = tracked.to_frame()
    assert frame["npv_forecast"].sum() == pytest.approx(roadmap.business_value, rel=1e-9)
    assert tracked.by_period["planned_spend"].notna().all()
    # the ranking comparison without a base is made beside the roadmap too
    alone = compare_with_ranking(scenario, options=options)
    given = compare_with_ranking(scenario, options=options, base=base)
    assert alone.share_of_optimum == pytest.approx(given.share_of_optimum, rel=1e-12)
    assert alone.share_of_optimum <= 1 + 1e-9


def test_tracking_a_roadmap_json_keeps_how_it_was_solved(tmp_path: Any) -> None:
    from click.testing import CliRunner
    from test_roadmap_cli import CSV, YAML

    from prioritizer.cli import cli

    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "rm"
    result = CliRunner().invoke(
        cli, ["roadmap", str(tmp_path / "scenario.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    first = CSV.splitlines()[1].split(",")[0]
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(f"id,status,spent\n{first},in_progress,1\n", encoding="utf-8")
    tracked = px.track(out / "roadmap.json", actuals, as_of="2027-12-31")
    assert tracked.to_dict()["manifest"]["options"] == {
        "solver": "cbc",
        "time_limit": None,
        "gap": 0.0,
    }


def test_the_gantt_shows_every_deadline_and_mandatory_item_before_the_most_valuable() -> None:
    """Twelve bars for 22 planned initiatives: KYC-REFRESH and ACCESSIBILITY (mandatory, with
    deadlines, low NPV) must be among them, not among the "more in the full table"."""
    from prioritizer.roadmap import plan_roadmap
    from prioritizer.roadmap.charts import gantt_bars

    scenario = px.load_scenario(SCENARIOS / "retail_bank_quarterly" / "scenario.yaml")
    roadmap = plan_roadmap(scenario)
    bars = gantt_bars(roadmap, rows=12)
    mandatory = set(scenario.mandatory_ids())
    committed = {i.id for i in scenario.initiatives if (i.deadline or i.id in mandatory)} & set(
        roadmap.selected
    )
    assert committed and committed <= set(bars["id"])
    rest = roadmap.chosen[~roadmap.chosen["id"].isin(committed)]
    most_valuable = rest.sort_values("business_value", ascending=False)["id"].head(
        12 - len(committed)
    )
    assert set(bars["id"]) == committed | set(most_valuable)
    assert list(bars["start_index"]) == sorted(bars["start_index"])  # in start order
