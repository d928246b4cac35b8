from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import prioritizer as px

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
EXAMPLES = sorted(SCENARIOS.glob("*/scenario.yaml"))


def tiny_dict(**overrides: Any) -> dict[str, Any]:
    """A three-initiative scenario whose optimum is worked out by hand in the tests."""
    data: dict[str, Any] = {
        "name": "tiny",
        "budget": 100.0,
        "horizon_years": 1,
        "segments": {"mass": {"customers": 1000, "ltv": 100}},
        "teams": {"digital": 10},
        "objective": {"mode": "business"},
        "initiatives": [
            {"id": "A", "cost": 60, "cost_savings": 100, "effort_digital": 5},
            {"id": "B", "cost": 50, "cost_savings": 90, "effort_digital": 6},
            {"id": "C", "cost": 40, "cost_savings": 70, "effort_digital": 4},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def tiny() -> px.Scenario:
    return px.scenario_from_mapping(tiny_dict())


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    """A private copy of the retail-bank example (tests may modify it)."""
    target = tmp_path / "bank"
    shutil.copytree(SCENARIOS / "retail_bank", target)
    return target


@pytest.fixture(scope="session")
def bank() -> px.Scenario:
    return px.load_scenario(SCENARIOS / "retail_bank" / "scenario.yaml")


@pytest.fixture(scope="module")
def bank_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The retail bank's solution.json (`solve --out`): a plan in EUR with no approval date
    and no periods."""
    from click.testing import CliRunner

    from prioritizer.cli import cli

    out = tmp_path_factory.mktemp("plan")
    scenario = SCENARIOS / "retail_bank" / "scenario.yaml"
    result = CliRunner().invoke(cli, ["solve", str(scenario), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out / "solution.json"
