"""Survey diagnosis and maturity: closed forms and hand-worked numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import prioritizer as px
from prioritizer.evidence.maturity import maturity_stage, pillar_percent, weights_from_maturity
from prioritizer.evidence.survey import relative_weights, stage_summary, t_quantile

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_relative_weights_equal_squared_std_coefficients_for_orthogonal_drivers() -> None:
    """Uncorrelated drivers: Johnson's raw weights = squared standardized coefficients."""
    rng = np.random.default_rng(7)
    n = 500
    raw = rng.normal(size=(n, 3))
    raw -= raw.mean(axis=0)
    q, _ = np.linalg.qr(raw)  # exactly orthogonal, centred columns
    x = q * np.sqrt(n - 1)  # unit sample variance: correlation matrix = identity
    noise = rng.normal(size=n)
    noise -= noise.mean()
    noise -= q @ (q.T @ noise)  # orthogonal to the drivers
    y = 0.6 * x[:, 0] + 0.3 * x[:, 1] - 0.2 * x[:, 2] + 0.5 * noise
    table = relative_weights(pd.DataFrame(x, columns=["a", "b", "c"]), pd.Series(y))
    beta = table["std_coefficient"].to_numpy()
    assert table["raw_weight"].to_numpy() == pytest.approx(beta**2, rel=1e-9)
    assert table["importance_pct"].sum() == pytest.approx(100)
    assert table.attrs["r_squared"] == pytest.approx(np.sum(beta**2))
    # hand-worked: standardized betas are b_j / sd(y)
    sd_y = y.std(ddof=1)
    assert beta == pytest.approx(np.array([0.6, 0.3, -0.2]) / sd_y, rel=1e-9)


def test_relative_weights_sum_to_r_squared_with_correlated_drivers() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=(400, 1))
    x = base + 0.5 * rng.normal(size=(400, 3))
    y = x @ np.array([1.0, 0.5, 0.0]) + rng.normal(size=400)
    table = relative_weights(pd.DataFrame(x, columns=list("abc")), pd.Series(y))
    # R² of the ordinary least-squares fit
    design = np.column_stack([np.ones(400), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
    assert table["raw_weight"].sum() == pytest.approx(r2, rel=1e-9)
    assert table["importance_pct"].sum() == pytest.approx(100)
    assert table["importance_pct"].idxmax() == "a"


def test_stage_summary_t_interval() -> None:
    outcome = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 2.0])
    stage = pd.Series(["a"] * 5 + ["b"] * 2)
    table = stage_summary(outcome, stage, confidence=0.95)
    # a: mean 3, sd sqrt(2.5), n 5, t(0.975, 4) = 2.776
    half = 2.7764 * np.sqrt(2.5) / np.sqrt(5)
    assert table.loc["a", "n"] == 5
    assert table.loc["a", "ci_low"] == pytest.approx(3 - half, abs=2e-3)
    assert table.loc["a", "ci_high"] == pytest.approx(3 + half, abs=2e-3)
    assert t_quantile(0.975, 30) == pytest.approx(2.0423, abs=1e-3)
    assert t_quantile(0.975, 1e9) == pytest.approx(1.95996, abs=1e-4)


@pytest.mark.parametrize(
    ("total", "stage"),
    [
        (6, "Investigate"),
        (14, "Investigate"),
        (14.5, "Investigate"),
        (15, "Initiate"),
        (18.9, "Initiate"),
        (19, "Mobilize"),
        (22, "Mobilize"),
        (23, "Scale"),
        (26, "Scale"),
        (27, "Embed"),
        (30, "Embed"),
    ],
)
def test_maturity_stage_bands(total: float, stage: str) -> None:
    assert maturity_stage(total) == stage


def test_pillar_percent_and_weights() -> None:
    assert pillar_percent(1, 5) == 0 and pillar_percent(5, 5) == 100 and pillar_percent(3, 5) == 50
    weights = weights_from_maturity({"trust": 50, "ease": 25, "empathy": 75})
    # gaps 50, 75, 25 -> mean 50
    assert weights == pytest.approx({"trust": 1.0, "ease": 1.5, "empathy": 0.5})


def test_maturity_sheet_stage_from_the_example(tmp_path: Path) -> None:
    sheet = pd.read_csv(SCENARIOS / "retail_bank" / "evidence" / "maturity.csv")
    practices = sheet[sheet["kind"] == "practice"]
    assert len(practices) == 20
    total = practices.groupby("competency")["rating"].mean().sum()
    report = px.analyse_evidence(
        px.load_scenario(SCENARIOS / "retail_bank" / "scenario_evidence.yaml"), solve=False
    )
    assert report.maturity.total == pytest.approx(total)
    assert report.maturity.stage == maturity_stage(total)
    customer = sheet[(sheet["kind"] == "pillar") & (sheet["rater"] == "customer")]
    trust = float(customer.loc[customer["name"] == "trust", "rating"].iloc[0])
    assert report.maturity.pillars.loc["trust", "customer"] == pytest.approx((trust - 1) / 4 * 100)


def test_stage_and_pillar_weights_from_evidence_are_applied(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    shutil.copytree(SCENARIOS / "retail_bank", folder)
    text = (folder / "scenario_evidence.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "stage_weights: {complaint handling: 1.5, onboarding: 1.3}",
        "stage_weights: from_evidence\n  pillar_weights: from_maturity",
    )
    assert "from_evidence" in text
    (folder / "scenario_evidence.yaml").write_text(text, encoding="utf-8")
    scenario = px.load_scenario(folder / "scenario_evidence.yaml")
    report = px.analyse_evidence(scenario, solve=False)
    assert scenario.objective.stage_weights == pytest.approx(report.survey.stage_weights)
    assert scenario.objective.pillar_weights == pytest.approx(report.maturity.pillar_weights)
    # stage weights: mean CES of the stage over the mean CES of all responses
    survey = pd.read_csv(folder / "evidence" / "survey.csv")
    expected = survey.groupby("Journey Stage")["CES"].mean() / survey["CES"].mean()
    assert scenario.objective.stage_weights == pytest.approx(expected.to_dict())
    scores = px.score_initiatives(scenario)
    row = scores.loc["COMPLAINT-HUB"]
    assert row["customer_value"] == pytest.approx(
        row["affected_customers"] * row["ces_delta"] * row["stage_weight"] * row["pillar_weight"]
    )
    assert row["pillar_weight"] == pytest.approx(
        scenario.objective.pillar_weights["responsiveness"]
    )


def test_from_evidence_without_a_survey_is_located(tmp_path: Path) -> None:
    data = {
        "budget": 1,
        "segments": {"s": {"customers": 1, "ltv": 1}},
        "objective": {"stage_weights": "from_evidence"},
        "initiatives": [{"id": "A"}],
    }
    with pytest.raises(px.ScenarioError, match=r"objective.stage_weights: from_evidence needs"):
        px.scenario_from_mapping(data, base_dir=tmp_path)
