"""Leftover fixes: a kept what-if keeps the scenario's plausibility thresholds; a line of
spaces in a VoC export is a blank line for both engines; the VoC breakdowns grouped without
case; a forced-in initiative said so in the diagnosis; headline money to 3 significant digits;
the marginal table's value per unit in readable units."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import prioritizer as px
from prioritizer import formatting as fmt
from prioritizer.cli import cli
from prioritizer.evidence.voc import count_voc, has_pyarrow
from prioritizer.explore import Explorer
from tests.test_evidence_review_fixes import ENGINES, HEADER, voc_spec

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BANK = SCENARIOS / "retail_bank" / "scenario.yaml"


# -- 1. a kept what-if keeps the scenario's plausibility thresholds ---------------------------
def test_kept_file_keeps_the_plausibility_thresholds(tmp_path: Path) -> None:
    data = {
        "name": "thresholds",
        "budget": 100.0,
        "segments": {"mass": {"customers": 1000, "ltv": 50}},
        # A's 10 pp and its cost 0 are meant; the budget covering everything too
        "plausibility": {"churn_pp_above": 15, "zero_cost": False, "capacity_max_share": False},
        "initiatives": [
            {"id": "A", "cost": 0, "churn_reduction_pp": 10, "cost_savings": 5},
            {"id": "B", "cost": 60, "churn_reduction_pp": 1, "cost_savings": 90},
            {"id": "C", "cost": 30, "churn_reduction_pp": 20, "cost_savings": 10},
        ],
    }
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "scenario.yaml"
    source.write_text(yaml.safe_dump(data), encoding="utf-8")
    scenario = px.load_scenario(source)
    said = [(w.code, w.message) for w in scenario.warnings]
    assert [code for code, _ in said] == ["churn-high"] and "for C;" in said[0][1]  # C only
    explorer = Explorer(scenario)
    explorer.update(budget=200.0)
    path = explorer.keep(tmp_path / "kept")[0]
    kept_data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert kept_data["plausibility"] == {
        "churn_pp_above": 15.0,
        "capacity_max_share": False,
        "zero_cost": False,
    }
    kept = px.load_scenario(path)
    assert [(w.code, w.message) for w in kept.warnings] == said


# -- 2. a line of spaces is a blank line for both engines -------------------------------------
def test_a_line_of_spaces_is_skipped_alike_by_both_engines(tmp_path: Path) -> None:
    lines = [HEADER, "   ", "fees;2026-01-05;c1;mass;1", "  ", "\t", "", ";;;;"]
    lines += ["billing;2026-02-01;c2;mass;3", " \t ", "fees;2026-03-01;c3;premium;2", "   "]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = {
        engine: count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
        for engine in ENGINES
    }
    counts = results["pandas"]
    assert counts.rows_read == 3 and counts.items == 3 and counts.rows_without_date == 0
    assert counts.volume_of("A") == 2
    for other in results.values():
        assert other.to_dict() == {**counts.to_dict(), "engine": other.engine}


@pytest.mark.parametrize(
    ("engine", "block"),
    [(engine, None) for engine in ENGINES]
    + ([("pyarrow", 64), ("pyarrow", 100)] if has_pyarrow() else []),
)
def test_rows_after_a_line_of_spaces_are_the_files_lines(
    tmp_path: Path, engine: str, block: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if block is not None:  # small blocks: lines of spaces inside, between and after batches
        import pyarrow.csv as pacsv

        options = pacsv.ReadOptions
        monkeypatch.setattr(
            pacsv, "ReadOptions", lambda **kw: options(**{**kw, "block_size": block})
        )
    lines = [HEADER, "   ", "fees;2026-01-05;c1;mass;1", "   ", "\t", "", ";;;;", " "]
    lines += ["fees;2026-03-14;c2;mass;1", "  ", "fees;2026-01-06;c3;mass;many", "   "]
    lines += ["fees;14/03/2026;c4;mass;1", "  ", " "]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError) as info:
        count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
    text = str(info.value)
    assert "1 unparseable date(s), e.g. row 13 ('14/03/2026')" in text
    assert "1 score(s) that are not numbers, e.g. row 11 ('many')" in text


def test_a_short_line_with_text_is_still_refused_by_pyarrow(tmp_path: Path) -> None:
    if not has_pyarrow():
        pytest.skip("pyarrow not installed")
    lines = [HEADER, "fees;2026-01-05;c1;mass;1", "  fees  "]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError, match="cannot read as CSV"):
        count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine="pyarrow")


# -- 3. the VoC breakdowns grouped without case or spaces -------------------------------------
def test_voc_breakdowns_are_grouped_without_case_and_spaces(tmp_path: Path) -> None:
    lines = [
        HEADER,
        "fees;2026-01-05;c1;Retail;1",
        "fees;2026-01-06;c2;retail;1",
        "billing;2026-01-07;c3; RETAIL ;1",
        "fees;2026-01-08;c4;Private  banking;1",
        "fees;2026-01-09;c5;private banking;1",
        "fees;2026-01-10;c6;   ;1",
    ]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for engine in ENGINES:
        counts = count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
        table = counts.breakdowns["segment"]
        assert sorted(table.columns) == ["(blank)", "Private  banking", "Retail"], engine
        assert table.loc["fees", "Retail"] == 2 and table.loc["billing", "Retail"] == 1
        assert table.loc["fees", "Private  banking"] == 2
        assert table.loc["fees", "(blank)"] == 1


# -- 4. a forced-in initiative is said to be forced in, not mandatory -------------------------
def tight() -> px.Scenario:
    return px.scenario_from_mapping(
        {
            "budget": 100,
            "segments": {"mass": {"customers": 1000, "ltv": 10}},
            "initiatives": [
                {"id": "A", "cost": 60, "cost_savings": 10, "mandatory": True},
                {"id": "B", "cost": 60, "cost_savings": 50},
                {"id": "C", "cost": 30, "cost_savings": 20},
            ],
        }
    )


def test_diagnosis_tells_forced_in_from_mandatory() -> None:
    scenario = tight()
    assert scenario.forced_in == ()
    forced = scenario.with_overrides(force_in=["b", "A"])  # A is mandatory already
    assert forced.forced_in == ("B",) and forced.with_overrides(budget=90).forced_in == ("B",)
    texts = px.diagnose_infeasibility(forced).texts
    assert "A is mandatory (cost EUR 60)" in texts
    assert "B is forced in by the what-if (cost EUR 60)" in texts
    assert not [t for t in texts if t.startswith("B is mandatory")]


def test_cli_says_an_initiative_was_forced_in() -> None:
    result = CliRunner().invoke(
        cli, ["solve", str(BANK), "--budget", "700000", "--force-in", "chatbot-buy"]
    )
    assert result.exit_code == 1
    assert "CHATBOT-BUY is forced in by the what-if (cost EUR 250,000" in result.stderr
    assert "KYC-REFRESH is mandatory (cost EUR 450,000" in result.stderr


# -- 5. headline money to 3 significant digits ------------------------------------------------
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2_355_000, "€2.36M"),
        (2_994_000, "€2.99M"),
        (812_345, "€812k"),
        (81_234, "€81.2k"),
        (1_204_000, "€1.2M"),
        (3_000_000, "€3M"),
        (999_950, "€1M"),
        (12_345_678_900, "€12.3bn"),
        (950, "€950"),
        (-2_360_000, "−€2.36M"),
        (-0.2, "€0"),
        (float("nan"), "n/a"),
    ],
)
def test_headline_money_has_three_significant_digits(value: float, text: str) -> None:
    assert fmt.headline_money(value, "EUR") == text


def test_the_packs_headline_and_the_explorers_show_three_digits() -> None:
    from prioritizer.report.asks import executive_summary

    scenario = px.load_scenario(BANK)
    result = px.optimize(scenario)
    assert 2_985_000 <= result.cost < 2_995_000  # €2.99M, "€3.0M" with 2 digits
    headline = executive_summary(result, {}).headline.text
    assert headline.startswith(
        f"Approve {len(result.selected)} initiatives for €2.99M: "
        f"{fmt.headline_money(result.business_value, 'EUR')} NPV"
    )
    assert fmt.headline_money(result.business_value, "EUR") == "€11.2M"
    explored = Explorer(scenario).current.headline()
    assert explored.startswith(f"{len(result.selected)} initiatives for €2.99M: NPV €11.2M")


# -- 6. the marginal table's value per unit, readable -----------------------------------------
def test_marginal_table_prints_value_per_unit_readably() -> None:
    result = CliRunner().invoke(cli, ["marginal", str(BANK), "--workers", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if line.startswith("limit"))
    assert "points per €100k or 100 person-days" in header
    assert "NPV per €100k or 100 person-days" in header
    assert "value_per_unit" not in header
    table = result.stdout[result.stdout.index(header) :]
    assert "e-0" not in table and "e+0" not in table
    # the library's values stay per currency unit / person-day
    marginal = px.marginal_values(px.load_scenario(BANK), workers=1)
    frame, text = marginal.to_frame(), marginal.text_frame()
    budget = frame.loc["budget", "value_per_unit"]
    assert 0 < budget < 1e-6  # objective share per euro
    shown = text.loc["budget", "points per €100k or 100 person-days"]
    assert shown == pytest.approx(budget * 100 * 100_000)
    budget_row = next(line for line in table.splitlines() if line.startswith("budget "))
    assert f"{shown:,.2f}" in budget_row.split()
    team = frame.loc["team:contact_centre", "business_value_per_unit"]
    assert text.loc["team:contact_centre", "NPV per €100k or 100 person-days"] == pytest.approx(
        team * 100
    )
