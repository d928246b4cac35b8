"""Typos in journey-stage keys are refused with a fix (or warned about, never silently read
as weight 1.0), and initiative ids typed on the command line match without case, as in YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

import prioritizer as px
from prioritizer.cli import cli

BANK = str(SCENARIOS / "retail_bank" / "scenario.yaml")
EVIDENCE = str(SCENARIOS / "retail_bank" / "scenario_evidence.yaml")

YAML = """\
name: stages
budget: 1000
segments: {mass: {customers: 100000, ltv: 100}}
teams: {digital: 25}
objective:
  mode: customer
  stage_weights: {complaint handling: 1.5, onboarding: 1.3}
rules: {}
initiatives: initiatives.csv
"""
CSV = """\
id,name,segment,journey_stage,cost,effort_digital,voc_volume,ces_delta
Chat-Bot,Chatbot,mass,Complaint Handling,400,10,1000,0.5
ONB-APP,Onboarding app,mass,onboarding,300,10,800,0.4
RENEW,Renewal offer,mass,renewal,500,10,600,0.3
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def write(folder: Path, old: str = "", new: str = "") -> str:
    assert old in YAML, old
    (folder / "scenario.yaml").write_text(YAML.replace(old, new), encoding="utf-8")
    (folder / "initiatives.csv").write_text(CSV, encoding="utf-8")
    return str(folder / "scenario.yaml")


# -- A: journey stages in stage_weights, min_count and max_count -------------------------
@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        (
            "complaint handling: 1.5",
            "complaint handlin: 1.5",
            "key objective.stage_weights.complaint handlin",
        ),
        (
            "rules: {}",
            "rules: {min_count: {journey_stage: {complaint handlin: 1}}}",
            "key rules.min_count.journey_stage.complaint handlin",
        ),
        (
            "rules: {}",
            "rules: {max_count: {journey_stage: {complaint handlin: 1}}}",
            "key rules.max_count.journey_stage.complaint handlin",
        ),
    ],
)
@pytest.mark.parametrize("strict", [False, True])
def test_stage_typo_is_refused_with_a_fix(
    tmp_path: Path, old: str, new: str, key: str, strict: bool
) -> None:
    path = write(tmp_path, old, new)
    code, out, err = run("validate", *(["--strict"] if strict else []), path)
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert f"scenario.yaml: {key}: unknown journey stage 'complaint handlin'" in err
    assert "did you mean 'Complaint Handling'?" in err
    assert "['Complaint Handling', 'onboarding', 'renewal']" in err  # the known stages


def test_stage_typo_is_refused_by_the_library(tmp_path: Path) -> None:
    path = write(tmp_path, "onboarding: 1.3", "onbording: 1.3")
    with pytest.raises(px.ScenarioError, match=r"objective\.stage_weights\.onbording") as info:
        px.load_scenario(path)
    assert "did you mean 'onboarding'?" in str(info.value)


def test_stages_match_without_case_and_spaces(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rules: {}",
        "rules: {min_count: {journey_stage: {' ONBOARDING': 1}},"
        " max_count: {journey_stage: {complaint HANDLING: 1}}}",
    )
    code, out, err = run("validate", "--strict", path)
    assert code == 0, err
    assert "warnings:    0" in out


@pytest.mark.parametrize(
    ("old", "new", "key", "effect"),
    [
        (
            "onboarding: 1.3",
            "onboarding: 1.3, loyalty: 2",
            "objective.stage_weights.loyalty",
            "so this weight applies to nothing",
        ),
        (
            "rules: {}",
            "rules: {min_count: {journey_stage: {loyalty: 1}}}",
            "rules.min_count.journey_stage.loyalty",
            "so no portfolio can meet this rule",
        ),
        (
            "rules: {}",
            "rules: {max_count: {journey_stage: {loyalty: 1}}}",
            "rules.max_count.journey_stage.loyalty",
            "so this rule has no effect",
        ),
    ],
)
def test_stage_no_initiative_has_is_a_visible_warning(
    tmp_path: Path, old: str, new: str, key: str, effect: str
) -> None:
    # not a near miss of a known stage: may be policy set before any initiative serves it
    path = write(tmp_path, old, new)
    code, out, err = run("validate", path)
    assert code == 0, err
    assert "warnings:    1" in out
    assert f"warning: scenario.yaml: key {key}: no initiative has journey stage 'loyalty', " in err
    assert effect in err
    code, _, err = run("validate", "--strict", path)
    assert code == 2 and "Traceback" not in err and "(--strict: warnings are errors)" in err


def test_the_telecom_example_with_a_typo_is_refused(tmp_path: Path) -> None:
    yaml = (SCENARIOS / "telecom" / "scenario.yaml").read_text(encoding="utf-8")
    assert "stage_weights: {complaint handling: 1.5" in yaml
    (tmp_path / "initiatives.csv").write_bytes(
        (SCENARIOS / "telecom" / "initiatives.csv").read_bytes()
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.replace("{complaint handling: 1.5", "{complaint handlin: 1.5"), "utf-8")
    code, _, err = run("validate", "--strict", str(path))
    assert code == 2 and "key objective.stage_weights.complaint handlin" in err
    assert "did you mean 'complaint handling'?" in err


# -- B: initiative ids on the command line, without case --------------------------------
def solved(*args: str) -> dict[str, Any]:
    code, out, err = run("solve", BANK, "--format", "json", *args)
    assert code == 0, err
    data = json.loads(out)
    return {k: data[k] for k in ("selected", "objective", "business_value", "cost")}


def test_force_in_and_out_match_without_case() -> None:
    assert solved("--force-in", "chatbot-buy") == solved("--force-in", "CHATBOT-BUY")
    assert "CHATBOT-BUY" in solved("--force-in", "Chatbot-Buy")["selected"]
    assert "CHATBOT-BUY" not in solved()["selected"]  # the override changes the answer
    canonical = solved("--force-out", "ONB-DIGITAL", "--force-out", "COMPLAINT-HUB")
    assert solved("--force-out", "onb-digital", "--force-out", "complaint-hub") == canonical
    forced = {"ONB-DIGITAL", "COMPLAINT-HUB"}
    assert forced <= set(solved()["selected"]) and not forced & set(canonical["selected"])


def test_unknown_cli_id_is_a_clear_error() -> None:
    code, out, err = run("solve", BANK, "--force-in", "no-such-id")
    assert code == 2 and "Traceback" not in out + err
    assert "--force-in no-such-id: unknown initiative id in" in err and "Value error" not in err


def test_unknown_cli_team_names_the_option() -> None:
    code, out, err = run("solve", BANK, "--team", "no-such-team=10")
    assert code == 2 and "Traceback" not in out + err
    assert "--team no-such-team=10: unknown team in" in err and "expected one of" in err
    assert "teams:" not in err  # the option as typed, not the scenario key


def test_override_ids_without_case_in_the_library(bank: px.Scenario) -> None:
    changed = bank.with_overrides(force_in=["chatbot-buy"], force_out=["onb-digital"])
    assert "CHATBOT-BUY" in changed.mandatory_ids()
    assert changed.rules.excluded == ("ONB-DIGITAL",)
    with pytest.raises(px.ScenarioError) as info:
        bank.with_overrides(force_in=["chatbot-buy"], force_out=["CHATBOT-BUY"])
    assert "CHATBOT-BUY is both forced in and forced out" in str(info.value)
    assert "Value error" not in str(info.value)


def test_explain_ids_match_without_case() -> None:
    code, lower, err = run("explain", BANK, "chatbot-buy", "--format", "json")
    assert code == 0, err
    code, upper, err = run("explain", BANK, "CHATBOT-BUY", "--format", "json")
    assert code == 0, err
    assert json.loads(lower)["initiatives"] == json.loads(upper)["initiatives"]
    assert [i["id"] for i in json.loads(lower)["initiatives"]] == ["CHATBOT-BUY"]
    code, _, err = run("explain", BANK, "no-such-id")
    assert code == 2 and "unknown initiative id 'no-such-id'" in err


ROADMAP_YAML = """\
name: tiny roadmap
budget: 1000
horizon_years: 1
periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]
segments: {s: {customers: 100, ltv: 10}}
teams: {dev: 100}
objective: {mode: business}
initiatives: initiatives.csv
"""
ROADMAP_CSV = """\
id,name,cost,cost_savings,duration,effort_dev
Alpha-1,Alpha platform,400,800,2,20
BETA,Beta feature,200,500,1,10
"""


def test_roadmap_start_ids_match_without_case(tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text(ROADMAP_YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(ROADMAP_CSV, encoding="utf-8")
    args = ["roadmap", str(tmp_path / "scenario.yaml"), "--format", "json"]

    def plan(*extra: str) -> dict[str, Any]:
        code, out, err = run(*args, *extra)
        assert code == 0, err
        return {e["id"]: e["start"] for e in json.loads(out)["plan"]}

    pinned = plan("--start", "Alpha-1=2027Q3")
    assert pinned["Alpha-1"] == "2027Q3" and plan()["Alpha-1"] != "2027Q3"
    assert plan("--start", "alpha-1=2027q3") == pinned
    assert plan("--start", "ALPHA-1=2027Q3") == pinned
    code, _, err = run(*args, "--start", "gamma=2027Q1")
    assert code == 2 and "unknown initiative id 'gamma'" in err


def test_evidence_trace_id_matches_without_case() -> None:
    code, out, err = run("evidence", EVIDENCE, "--trace", "complaint-hub", "--no-solve")
    assert code == 0, err
    assert "rows counted for COMPLAINT-HUB" in out


def test_exclusive_groups_match_without_case_and_a_lonely_group_is_warned(
    tmp_path: Path,
) -> None:
    """'chatbot' and 'Chatbot' are one group (A or B, never both); 'chat-bot' has one member,
    so it limits nothing: a warning with a did-you-mean, refused under --strict."""
    path = tmp_path / "groups.yaml"
    path.write_text(
        "name: g\nbudget: 1000\nhorizon_years: 1\nobjective: {mode: business}\n"
        "segments: {mass: {customers: 1000, ltv: 100}}\n"
        "initiatives:\n"
        "  - {id: A, cost: 60, cost_savings: 200, exclusive_group: chatbot}\n"
        "  - {id: B, cost: 50, cost_savings: 150, exclusive_group: Chatbot}\n"
        "  - {id: C, cost: 40, cost_savings: 70, exclusive_group: chat-bot}\n"
    )
    scenario = px.load_scenario(path)
    assert [i.exclusive_group for i in scenario.initiatives] == ["chatbot", "chatbot", "chat-bot"]
    assert px.optimize(scenario).selected == ["A", "C"]  # not A and B, though the budget would
    lonely = [w for w in scenario.warnings if w.code == "lonely-group"]
    assert len(lonely) == 1
    assert "C is the only initiative in exclusive group 'chat-bot'" in lonely[0].message
    assert "a typo of 'chatbot'?" in lonely[0].message
    code, _, err = run("validate", "--strict", str(path))
    assert code == 2 and "exclusive group 'chat-bot'" in err


def test_per_period_limits_are_read_like_the_budget(tmp_path: Path) -> None:
    """period_budgets and period_teams take the written amounts `budget` and `teams` take
    ('1,300,000', 350k, '1.2M', a quoted '250'), and refuse the same ambiguous ones."""
    text = (
        "name: pb\nbudget: 1,000,000\nhorizon_years: 3\nobjective: {mode: business}\n"
        "segments: {mass: {customers: 1000, ltv: 100}}\nteams: {digital: '500'}\n"
        "periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]\n"
        "period_budgets: ['1,300,000', 350k, 200000, '1.2M']\n"
        "period_teams: {digital: '250'}\n"
        "initiatives:\n  - {id: A, cost: 60000, cost_savings: 100000, effort_digital: 50}\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(text)
    scenario = px.load_scenario(path)
    assert scenario.period_budgets == (1_300_000.0, 350_000.0, 200_000.0, 1_200_000.0)
    assert scenario.period_teams == {"digital": (250.0,) * 4}
    path.write_text(text.replace("'1,300,000'", "'300,000'"))
    code, _, err = run("validate", str(path))
    assert code == 2 and "key period_budgets[0]: '300,000' could be 300 or 300000" in err


def test_forcing_both_ways_or_against_the_scenario_names_the_options() -> None:
    code, _, err = run("solve", BANK, "--force-in", "CHATBOT-BUY", "--force-out", "chatbot-buy")
    assert code == 2 and "rules.excluded" not in err
    assert "--force-in CHATBOT-BUY and --force-out chatbot-buy: the same initiative" in err
    mandatory = px.load_scenario(BANK).mandatory_ids()[0]
    code, _, err = run("solve", BANK, "--force-out", mandatory.lower())
    assert code == 2 and f"--force-out {mandatory.lower()}: {mandatory} is mandatory" in err


def test_a_table_given_as_the_scenario_points_to_the_yaml() -> None:
    table = Path(BANK).parent / "initiatives.csv"
    code, out, err = run("validate", str(table))
    assert code == 2 and "Traceback" not in out + err
    assert "initiatives.csv: is an initiatives table, not a scenario" in err
