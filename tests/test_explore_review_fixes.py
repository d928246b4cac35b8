"""Review fixes of the explorer: a what-if kept from an evidence scenario loads again and gives
the explorer's answer; the kept YAML's numbers, rules and columns; team labels in words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.explore import Explorer, Outcome
from prioritizer.explore.html import kpi_html
from prioritizer.explore.keep import relative_path, tidy
from prioritizer.explore.whatif import team_labels

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BANK_EVIDENCE = SCENARIOS / "retail_bank" / "scenario_evidence.yaml"


@pytest.fixture(scope="module")
def bank_evidence() -> px.Scenario:
    return px.load_scenario(BANK_EVIDENCE)


def what_if(scenario: px.Scenario) -> tuple[Explorer, Outcome]:
    """A what-if with every kind of override: budget, a team, the weight, a force-in and a
    force-out."""
    explorer = Explorer(scenario)
    base = explorer.current.result.selected
    out_id = next(i for i in base if i not in scenario.mandatory_ids())
    for in_id in (i for i in scenario.ids if i not in base):  # the first one that fits
        out = explorer.update(
            budget=scenario.budget * 1.1,  # 3300000.0000000005 for the bank
            teams={"contact_centre": scenario.teams["contact_centre"] * 1.2},
            business_weight=0.55,
            force_in=[in_id],
            force_out=[out_id],
        )
        if out.feasible:
            assert in_id in out.result.selected and out_id not in out.result.selected
            return explorer, out
    raise AssertionError("no initiative can be forced in")


def assert_same_answer(result: px.Result, out: Outcome) -> None:
    assert result.status in ("optimal", "feasible")
    assert result.selected == out.result.selected
    assert result.business_value == pytest.approx(out.result.business_value, rel=1e-12)
    assert result.customer_value == pytest.approx(out.result.customer_value, rel=1e-12)
    assert result.objective == pytest.approx(out.result.objective, rel=1e-9)


# -- 1. a what-if kept from an evidence scenario loads again, with the same answer -----------


def test_kept_evidence_what_if_loads_and_gives_the_explorers_answer(
    bank_evidence: px.Scenario, tmp_path: Path
) -> None:
    explorer, out = what_if(bank_evidence)
    assert bank_evidence.evidence is not None and bank_evidence.evidence.overlap  # shared
    path = explorer.keep(tmp_path / "whatifs" / "bank_ev")[0]
    kept = px.load_scenario(path)
    assert_same_answer(px.optimize(kept), out)
    # as the user typed it: addresses, no derived voc_volume, no derived overlap groups
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = {row["id"]: row for row in data["initiatives"]}
    addressed = [i for i in bank_evidence.initiatives if i.addresses]
    assert addressed and all("voc_volume" not in rows[i.id] for i in addressed)
    assert all(rows[i.id]["addresses"] for i in addressed)
    assert "overlap" not in data["evidence"]
    assert path.stat().st_size < 40_000  # was 103 KB with the overlap groups
    # the evidence files resolve from the kept folder
    for key in ("voc", "survey", "maturity", "benchmarks"):
        assert (path.parent / data["evidence"][key]["file"]).is_file(), key
    assert kept.evidence is not None and kept.evidence.overlap == bank_evidence.evidence.overlap
    assert [i.voc_volume for i in kept.initiatives] == [
        i.voc_volume for i in bank_evidence.initiatives
    ]
    assert {w.code for w in kept.warnings} <= {w.code for w in bank_evidence.warnings}


def test_kept_evidence_what_if_solves_on_the_command_line(
    bank_evidence: px.Scenario, tmp_path: Path
) -> None:
    explorer, out = what_if(bank_evidence)
    path = explorer.keep(tmp_path / "whatifs" / "bank_ev")[0]
    result = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["selected"] == out.result.selected
    assert answer["business_value"] == pytest.approx(out.result.business_value, rel=1e-12)
    assert answer["customer_value"] == pytest.approx(out.result.customer_value, rel=1e-12)


def test_evidence_paths_are_relative_inside_a_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(SCENARIOS / "retail_bank", project, ignore=shutil.ignore_patterns("past*"))
    scenario = px.load_scenario(project / "scenario_evidence.yaml")
    explorer = Explorer(scenario)
    out = explorer.update(budget=scenario.budget * 0.8)
    path = explorer.keep(project / "what-ifs" / "cut")[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["evidence"]["voc"]["file"] == "../../evidence/voc_export.csv"
    # the project moves as a whole: the kept what-if still finds its files
    moved = tmp_path / "moved"
    project.rename(moved)
    assert_same_answer(px.optimize(px.load_scenario(moved / "what-ifs" / "cut" / path.name)), out)


def test_relative_path_rule(tmp_path: Path) -> None:
    assert relative_path(tmp_path / "a" / "voc.csv", tmp_path / "w" / "x") == "../../a/voc.csv"
    assert relative_path("/etc/voc.csv", tmp_path / "w") == "/etc/voc.csv"  # only / in common


def test_stage_and_pillar_weights_derived_at_load_stay_derived(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    shutil.copytree(SCENARIOS / "retail_bank", folder, ignore=shutil.ignore_patterns("past*"))
    source = folder / "scenario_evidence.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "stage_weights: {complaint handling: 1.5, onboarding: 1.3}",
        "stage_weights: from_evidence\n  pillar_weights: from_maturity",
    )
    source.write_text(text, encoding="utf-8")
    scenario = px.load_scenario(source)
    explorer = Explorer(scenario)
    out = explorer.update(budget=scenario.budget * 0.9)
    path = explorer.keep(tmp_path / "kept")[0]
    objective = yaml.safe_load(path.read_text(encoding="utf-8"))["objective"]
    assert objective["stage_weights"] == "from_evidence"
    assert objective["pillar_weights"] == "from_maturity"
    kept = px.load_scenario(path)
    assert kept.objective.stage_weights == scenario.objective.stage_weights
    assert kept.objective.pillar_weights == scenario.objective.pillar_weights
    assert_same_answer(px.optimize(kept), out)


def test_export_changed_since_loading_keeps_the_derived_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    shutil.copytree(SCENARIOS / "retail_bank", folder, ignore=shutil.ignore_patterns("past*"))
    scenario = px.load_scenario(folder / "scenario_evidence.yaml")
    explorer = Explorer(scenario)
    out = explorer.update(budget=scenario.budget * 0.9)
    export = folder / "evidence" / "voc_export.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    export.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")  # half the rows
    path = explorer.keep(tmp_path / "kept")[0]
    text = path.read_text(encoding="utf-8")
    assert "# The evidence files no longer give the numbers" in text
    data = yaml.safe_load(text)
    assert "voc" not in data["evidence"] and data["evidence"]["overlap"]
    assert not any("addresses" in row for row in data["initiatives"])
    kept = px.load_scenario(path)
    assert kept.evidence is not None and kept.evidence.overlap == scenario.evidence.overlap
    assert_same_answer(px.optimize(kept), out)


# -- 2. the kept YAML: rounded weights, force-in noted, no new warning ----------------------


def test_tidy_rounds_to_twelve_significant_digits() -> None:
    assert tidy(1 - 0.7) == 0.3 and tidy(1 - 0.55) == 0.45
    assert tidy(1_234_567.25) == 1_234_567.25 and tidy(0.0) == 0.0


def test_kept_weights_are_rounded_and_forced_ids_noted(
    bank_evidence: px.Scenario, tmp_path: Path
) -> None:
    explorer, out = what_if(bank_evidence)
    path = explorer.keep(tmp_path / "kept")[0]
    text = path.read_text(encoding="utf-8")
    assert "0.44999999999999996" not in text and "0.30000000000000004" not in text
    data = yaml.safe_load(text)
    assert data["objective"]["weights"] == {"business": 0.55, "customer": 0.45}
    (forced_in,), (forced_out,) = out.settings.force_in, out.settings.force_out
    assert data["rules"]["mandatory"] == [forced_in]
    assert data["rules"]["excluded"] == [forced_out]
    lines = text.splitlines()
    at = lines.index("rules:")
    assert lines[at - 2].startswith(f"# rules.mandatory: {forced_in} forced in with the explorer")
    assert "force-in" in lines[at - 2]
    assert lines[at - 1].startswith(f"# rules.excluded: {forced_out} forced out with the explorer")


def write_scenario(folder: Path, data: dict[str, object], rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "initiatives.csv").write_text(rows, encoding="utf-8")
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump({**data, "initiatives": "initiatives.csv"}), encoding="utf-8")
    return path


SETTINGS: dict[str, object] = {
    "name": "all segments",
    "budget": 100.0,
    "segments": {"gold": {"customers": 100, "ltv": 500}, "mass": {"customers": 1000, "ltv": 50}},
    "teams": {"digital": 10, "ops": 5},
}


def test_kept_file_with_every_initiative_on_all_segments_warns_nothing_new(
    tmp_path: Path,
) -> None:
    rows = (
        "id,segment,cost,cost_savings,effort_digital,effort_ops\n"
        "A,all,60,100,5,0\nB,all,50,90,6,0\nC,all,40,70,4,0\n"
    )
    source = write_scenario(tmp_path / "src", SETTINGS, rows)
    scenario = px.load_scenario(source)
    assert scenario.warnings == ()
    explorer = Explorer(scenario)
    out = explorer.update(budget=90.0)
    kept = px.load_scenario(explorer.keep(tmp_path / "kept")[0])
    assert [(w.code, w.message) for w in kept.warnings] == []
    assert_same_answer(px.optimize(kept), out)


def test_kept_file_keeps_a_warning_its_origin_had(tmp_path: Path) -> None:
    rows = "id,cost,cost_savings,effort_digital\nA,60,100,5\nB,50,90,6\n"  # no segment, no ops
    scenario = px.load_scenario(write_scenario(tmp_path / "src", SETTINGS, rows))
    codes = sorted(w.code for w in scenario.warnings)
    assert codes == ["no-effort-column", "no-segment-column"]
    kept = px.load_scenario(Explorer(scenario).keep(tmp_path / "kept")[0])
    assert sorted(w.code for w in kept.warnings) == codes


# -- 3. team labels as the rest of the tool writes them --------------------------------------


def test_team_labels_read_as_words() -> None:
    assert team_labels(["digital", "contact_centre", "it"]) == {
        "digital": "Digital team",
        "contact_centre": "Contact centre team",
        "it": "IT team",
    }
    # two keys that read the same stay apart
    assert team_labels(["contact_centre", "contact centre"]) == {
        "contact_centre": "Contact centre team (contact_centre)",
        "contact centre": "Contact centre team (contact centre)",
    }


def test_kpis_and_widget_name_teams_in_words(bank_evidence: px.Scenario) -> None:
    explorer = Explorer(bank_evidence)
    out = explorer.current
    kpis = out.kpis()
    assert {"Digital team", "Operations team", "Contact centre team", "IT team"} <= set(kpis.index)
    assert not any(str(k).startswith("Team ") for k in kpis.index)
    assert kpis.loc["Contact centre team", "limit"] == bank_evidence.teams["contact_centre"]
    page = kpi_html(out)
    assert 'data-kpi="Contact centre team"' in page and "contact_centre" not in page
    assert f"of {bank_evidence.teams['contact_centre']:,.0f} d" in page  # a team's limit: days


def test_widget_sliders_name_teams_in_words() -> None:
    pytest.importorskip("ipywidgets")
    from prioritizer.explore.widget import ExplorerWidget

    small = px.scenario_from_mapping(
        {
            "budget": 100.0,
            "segments": {"mass": {"customers": 1000, "ltv": 100}},
            "teams": {"contact_centre": 10, "it": 8},
            "objective": {"mode": "business"},
            "initiatives": [
                {"id": "A", "cost": 60, "cost_savings": 100, "effort_contact_centre": 5},
                {"id": "B", "cost": 50, "cost_savings": 90, "effort_it": 6},
            ],
        }
    )
    widget = ExplorerWidget(
        Explorer(small, frontier_points=3), charts=False, keep_folder=None, background=False
    )
    assert widget.team_sliders["contact_centre"].description == "Contact centre team (d)"
    assert widget.team_sliders["it"].description == "IT team (d)"
    assert 'data-kpi="Contact centre team"' in widget.kpi_html.value
