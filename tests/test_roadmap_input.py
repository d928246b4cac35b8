"""Roadmap inputs: located errors for bad period settings and columns; v1 unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

import prioritizer as px

YAML = """\
name: roadmap input
budget: 1000
periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]
period_budgets: [400, 300, 300, 300]
segments:
  mass: {customers: 1000, ltv: 100}
teams: {digital: 100}
period_teams: {digital: [30, 30, 30, 30]}
initiatives: initiatives.csv
"""
CSV = (
    "id,cost,cost_savings,effort_digital,duration,earliest_start,deadline,ramp_up,depends_on\n"
    "A,200,300,20,2,2027Q1,2027Q3,1,\n"
    "B,100,200,10,1,,,0,A\n"
)


def write(tmp_path: Path, yaml: str = YAML, csv: str = CSV) -> Path:
    (tmp_path / "initiatives.csv").write_text(csv, encoding="utf-8")
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml, encoding="utf-8")
    return path


def problems(tmp_path: Path, yaml: str = YAML, csv: str = CSV) -> str:
    with pytest.raises(px.ScenarioError) as info:
        px.load_scenario(write(tmp_path, yaml, csv))
    return str(info.value)


def test_valid_roadmap_scenario_loads(tmp_path: Path) -> None:
    sc = px.load_scenario(write(tmp_path))
    assert sc.periods == ("2027Q1", "2027Q2", "2027Q3", "2027Q4")
    assert sc.initiative("A").duration == 2 and sc.initiative("A").deadline == "2027Q3"


@pytest.mark.parametrize(
    ("old", "new", "where", "what"),
    [
        (",2027Q1,2027Q3,", ",2027Q5,2027Q3,", "row 2, column 'earliest_start'", "unknown period"),
        (",2027Q1,2027Q3,", ",2027Q1,2028Q1,", "row 2, column 'deadline'", "unknown period"),
        ("20,2,2027Q1", "20,5,2027Q1", "row 2, column 'duration'", "longer than the plan"),
        (",2027Q1,2027Q3,", ",2027Q3,2027Q2,", "row 2, column 'deadline'", "before the earliest"),
        ("20,2,2027Q1", "20,0,2027Q1", "row 2, column 'duration'", "must be 1 or more"),
        ("20,2,2027Q1", "20,1.5,2027Q1", "row 2, column 'duration'", "whole number"),
        (",1,\n", ",-1,\n", "row 2, column 'ramp_up'", "must be 0 or more"),
    ],
)
def test_bad_columns_are_located(tmp_path: Path, old: str, new: str, where: str, what: str) -> None:
    assert old in CSV
    text = problems(tmp_path, csv=CSV.replace(old, new))
    assert f"initiatives.csv {where}" in text and what in text, text


@pytest.mark.parametrize(
    ("old", "new", "where", "what"),
    [
        (
            "[400, 300, 300, 300]",
            "[400, 300]",
            "key period_budgets",
            "has 2 values but there are 4",
        ),
        ("[30, 30, 30, 30]", "[30, 30, 30]", "key period_teams.digital", "has 3 values"),
        (
            "period_budgets: [400, 300, 300, 300]",
            "period_budgets: [400, -1, 300, 300]",
            "key period_budgets[1]",
            "must be 0 or more",
        ),
        (
            "periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]",
            "periods: [2027Q1, 2027Q1, 2027Q3, 2027Q4]",
            "key periods[1]",
            "duplicate period label",
        ),
        (
            "budget: 1000",
            "budget: 1000\nperiod_length_months: 5",
            "key period_length_months",
            "whole number",
        ),
    ],
)
def test_bad_settings_are_located(
    tmp_path: Path, old: str, new: str, where: str, what: str
) -> None:
    assert old in YAML
    text = problems(tmp_path, yaml=YAML.replace(old, new))
    assert f"scenario.yaml: {where}" in text and what in text, text


def test_per_period_limits_need_periods(tmp_path: Path) -> None:
    yaml = YAML.replace("periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]\n", "")
    text = problems(tmp_path, yaml=yaml)
    assert "key period_budgets: needs `periods`" in text
    assert "key period_teams: needs `periods`" in text


def test_single_number_means_every_period(tmp_path: Path) -> None:
    yaml = YAML.replace("[400, 300, 300, 300]", "300").replace("[30, 30, 30, 30]", "25")
    sc = px.load_scenario(write(tmp_path, yaml=yaml))
    from prioritizer.periods import period_budgets, period_teams

    assert period_budgets(sc) == [300.0] * 4
    assert period_teams(sc) == {"digital": [25.0] * 4}


def test_without_periods_the_timing_columns_change_nothing(tmp_path: Path) -> None:
    """A v1 scenario solves exactly as before, timing columns or not."""
    yaml = "\n".join(line for line in YAML.splitlines() if "period" not in line) + "\n"
    with_timing = px.optimize(px.load_scenario(write(tmp_path, yaml=yaml)))
    plain_csv = "id,cost,cost_savings,effort_digital,depends_on\nA,200,300,20,\nB,100,200,10,A\n"
    without = px.optimize(px.load_scenario(write(tmp_path, yaml=yaml, csv=plain_csv)))
    assert with_timing.selected == without.selected == ["A", "B"]
    assert with_timing.objective == without.objective
