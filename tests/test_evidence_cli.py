"""``prioritizer evidence`` through click's CliRunner, the charts on their data, the examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli

matplotlib.use("Agg")

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="module")
def bank_report() -> px.EvidenceReport:  # type: ignore[name-defined]
    return px.analyse_evidence(
        px.load_scenario(SCENARIOS / "retail_bank" / "scenario_evidence.yaml")
    )


def small_case(folder: Path) -> Path:
    (folder / "voc.csv").write_text(
        "Theme;Created;Customer ID\n"
        '"Billing; App crash";2026-01-05;c1\n'
        "billing;2026-01-06;c2\n"
        "Fees;2026-02-01;c3\n"
        "Branch closed;2026-02-02;c4\n"
        "branch closed;2026-02-03;c5\n"
        "Fees;2025-12-31;c6\n",
        encoding="utf-8",
    )
    (folder / "scenario.yaml").write_text(
        """name: small
budget: 100
objective: {mode: customer}
segments: {mass: {customers: 100000, ltv: 10}}
initiatives:
  - {id: A, addresses: billing, ces_delta: 1, cost: 50}
  - {id: B, addresses: "app crash; fees; typo topic", ces_delta: 2, cost: 60}
evidence:
  voc:
    file: voc.csv
    columns: {topics: Theme, date: Created}
    window: {from: 2026-01-01, to: 2026-03-31}
""",
        encoding="utf-8",
    )
    return folder / "scenario.yaml"


def test_json_has_the_spec_fields(tmp_path: Path) -> None:
    scenario = small_case(tmp_path)
    result = CliRunner().invoke(cli, ["evidence", str(scenario), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["window"] == {"from": "2026-01-01", "to": "2026-03-31", "days": 90}
    assert payload["items"] == 5
    assert [(t["topic"], t["items"]) for t in payload["topics"]] == [
        ("billing", 2),
        ("branch closed", 2),
        ("app crash", 1),
        ("fees", 1),
    ]
    volumes = {i["id"]: i["voc_volume"] for i in payload["initiatives"]}
    assert volumes == pytest.approx({"A": 2 * 365 / 90, "B": 2 * 365 / 90})
    assert [u["topic"] for u in payload["uncovered"]] == ["branch closed"]
    assert payload["recommendation"]["selected"] == ["B"]  # budget 100: one of A (cost 50), B
    assert payload["recommendation"]["addressed_share"] == pytest.approx(2 / 5)
    assert any("'typo topic' never occurs" in w["message"] for w in payload["warnings"])
    assert "warning: initiative 'B' column 'addresses'" in result.stderr


def test_table_and_out_folder(tmp_path: Path) -> None:
    scenario = small_case(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["evidence", str(scenario), "--out", str(out), "--trace", "A"])
    assert result.exit_code == 0, result.output
    assert "Uncovered pain points" in result.stdout and "branch closed" in result.stdout
    assert "Warning: initiative 'B' column 'addresses': topic 'typo topic'" in result.stdout
    assert (out / "evidence.json").exists() and (out / "evidence_voc_pareto.png").exists()
    rows = (out / "voc_rows_A.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("row,") and [r.split(",")[0] for r in rows[1:]] == ["2", "3"]


def test_missing_column_exits_2_without_traceback(tmp_path: Path) -> None:
    scenario = small_case(tmp_path)
    text = scenario.read_text(encoding="utf-8").replace("date: Created", "date: Created At")
    scenario.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["evidence", str(scenario)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "evidence.voc.columns.date: column 'Created At' not found in voc.csv" in result.output


def test_charts_show_their_data(bank_report) -> None:
    from prioritizer.plots.evidence import evidence_figures, plot_voc_pareto

    ax = plot_voc_pareto(bank_report, top=10)
    heights = [bar.get_height() for bar in ax.patches[:10]]
    assert heights == list(bank_report.voc.topics["items"].head(10))
    assert "addresses" in ax.get_title(
        loc="left"
    ) and f"{bank_report.addressed_share:.0%}" in ax.get_title(loc="left")
    figures = evidence_figures(bank_report)
    assert set(figures) == {
        "evidence_voc_pareto",
        "evidence_key_drivers",
        "evidence_ces_by_stage",
        "evidence_pillar_maturity",
    }
    stage_ax = figures["evidence_ces_by_stage"].axes[0]
    worst = bank_report.survey.stages["mean"].idxmax()
    assert stage_ax.get_title(loc="left").startswith(f"'{worst}' is the hardest moment of truth")
    import matplotlib.pyplot as plt

    for figure in figures.values():
        plt.close(figure)
    plt.close(ax.figure)


@pytest.mark.parametrize("name", ["retail_bank", "telecom"])
def test_example_evidence_is_realistic(name: str) -> None:
    scenario = px.load_scenario(SCENARIOS / name / "scenario_evidence.yaml")
    report = px.analyse_evidence(scenario, solve=False)
    voc = report.voc
    assert voc.rows_read >= 20_000 and voc.days == 365
    assert voc.rows_outside_window > 0 and voc.items_without_topic > 0
    assert report.survey.responses >= 2_000
    assert report.maturity.stage is not None and len(report.maturity.benchmarks) == 6
    assert len(report.uncovered) > 0
    shares = voc.topics["share"].to_numpy()
    assert shares[0] > 3 * shares[len(shares) // 2]  # long tail: the head is far above
    assert shares[-1] < shares[0] / 20  # the median, and the tail is thin
    assert shares[len(shares) // 2 :].sum() < 0.25
    assert scenario.evidence.overlap  # initiatives address overlapping feedback
    derived = [i for i in scenario.initiatives if i.addresses]
    assert len(derived) >= len(scenario.initiatives) - 4


def test_evidence_variant_leaves_the_base_example_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "bank"
    shutil.copytree(SCENARIOS / "retail_bank", folder)
    base = px.load_scenario(folder / "scenario.yaml")
    assert base.evidence is None and not any(i.addresses for i in base.initiatives)
