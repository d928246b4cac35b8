"""Calendar period labels must be consecutive periods of one length in calendar order (a gap
or a label out of order puts the roadmap on the wrong clock), and a per-period limit may be
written as a mapping by period label."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
RBQ = ROOT / "scenarios" / "retail_bank_quarterly"
BASE = yaml.safe_load((RBQ / "scenario.yaml").read_text(encoding="utf-8"))
PERIODS = list(BASE["periods"])


def _write(tmp_path: Path, **changes: object) -> Path:
    data = {**BASE, **changes, "initiatives": str(RBQ / "initiatives.csv")}
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize(
    ("periods", "where", "words"),
    [
        (
            ["2027Q1", "2027Q2", "2027Q4", "2028Q1", "2028Q2", "2028Q3", "2028Q4", "2029Q1"],
            "key periods[2]: '2027Q4' follows '2027Q2', leaving a gap",
            "a period budget of 0",
        ),
        (
            PERIODS[4:] + PERIODS[:4],
            "key periods[4]: '2027Q1' comes after '2028Q4' but is not later",
            "in calendar order",
        ),
        (
            ["2027-01", "2027-02", "2027-03", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2"],
            "key periods: the periods mix lengths (2027-01: 1 months",
            "use one kind of label",
        ),
    ],
)
def test_calendar_labels_out_of_order_or_with_a_gap_are_refused(
    tmp_path: Path, periods: list[str], where: str, words: str
) -> None:
    err = _error(_write(tmp_path, periods=periods))
    assert where in err and words in err


TINY = """\
name: sprints
budget: 5000
horizon_years: 1
periods: [Sprint 1, Sprint 2, Sprint 4, Sprint 3]
segments: {s: {customers: 1000, ltv: 10}}
teams: {dev: 40}
initiatives:
  - {id: A, cost: 400, cost_savings: 800, duration: 2, effort_dev: 20}
"""


def test_free_labels_are_not_read_as_a_calendar(tmp_path: Path) -> None:
    """Labels that are no calendar periods keep the user's order; the examples pass."""
    (tmp_path / "scenario.yaml").write_text(TINY, encoding="utf-8")
    sc = px.load_scenario(tmp_path / "scenario.yaml")
    assert sc.periods == ("Sprint 1", "Sprint 2", "Sprint 4", "Sprint 3")
    for name in ("retail_bank_quarterly", "telecom_quarterly"):
        assert px.load_scenario(ROOT / "scenarios" / name / "scenario.yaml").periods


def test_a_period_budget_mapping_by_label_reads_as_the_list(tmp_path: Path) -> None:
    by_label = dict(zip(PERIODS, BASE["period_budgets"], strict=True))
    shuffled = {k.lower(): by_label[k] for k in reversed(PERIODS)}  # any order, any case
    teams = {"digital": {label: 400 + k for k, label in enumerate(PERIODS)}}
    sc = px.load_scenario(_write(tmp_path, period_budgets=shuffled, period_teams=teams))
    assert sc.period_budgets == tuple(float(v) for v in BASE["period_budgets"])
    assert sc.period_teams["digital"] == tuple(400.0 + k for k in range(8))
    same = px.load_scenario(RBQ / "scenario.yaml").with_overrides(period_budgets=by_label)
    assert same.period_budgets == sc.period_budgets


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"period_budgets": {"2027Q1": 1, "2029Q1": 2}},
            "key period_budgets: unknown period label(s) 2029Q1; the keys must be labels",
        ),
        (
            {"period_budgets": {"2027Q1": 100}},
            "key period_budgets: no value for 2027Q2, 2027Q3",
        ),
        (
            {"period_teams": {"digital": {"2027Q1": 5}}},
            "key period_teams.digital: no value for 2027Q2",
        ),
    ],
)
def test_a_period_mapping_that_does_not_match_the_periods_is_located(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    assert message in _error(_write(tmp_path, **changes))
    with pytest.raises(ScenarioError):
        px.load_scenario(_write(tmp_path, **changes))
