"""Plan vs actual (issue 15, spec.md §7): realization numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.tracking import Plan, read_actuals, track

AS_OF = dt.date(2027, 12, 31)


def hand_dict() -> dict[str, Any]:
    """A = 2 (horizon 2, no discount); 10,000 customers at ltv 200.

    A: benefit 10000*1/100*200 + 50000 - 10000 = 60000, NPV 2*60000 - 100000 = 20000
    B: benefit 40000, NPV 80000 - 50000 = 30000;  C: benefit 30000, NPV 60000 - 20000 = 40000
    D: never worth it. Budget 200000 chooses A, B, C.
    """
    return {
        "name": "hand",
        "budget": 200000,
        "horizon_years": 2,
        "segments": {"everyone": {"customers": 10000, "ltv": 200}},
        "teams": {"dev": 100, "ops": 100},
        "objective": {"mode": "business"},
        "initiatives": [
            {
                "id": "A",
                "pillar": "ease",
                "journey_stage": "support",
                "churn_reduction_pp": 1.0,
                "cost_savings": 50000,
                "opex": 10000,
                "cost": 100000,
                "voc_volume": 100,
                "ces_delta": 2,
                "effort_dev": 10,
            },
            {
                "id": "B",
                "pillar": "trust",
                "journey_stage": "purchase",
                "cross_sell": 40000,
                "cost": 50000,
                "effort_dev": 20,
                "effort_ops": 20,
            },
            {
                "id": "C",
                "pillar": "trust",
                "journey_stage": "purchase",
                "cost_savings": 30000,
                "cost": 20000,
            },
            {"id": "D", "cost": 500000, "cost_savings": 1000},
        ],
    }


ACTUALS_CSV = (
    "id,status,spent,go_live,due,churn_reduction_pp,cost_savings,opex\n"
    "A,live,120000,2027-03-01,,0.5,40000,\n"
    "B,in progress,30000,,2027-06-30,,,\n"
    "C,cancelled,5000,,,,,\n"
)


@pytest.fixture
def plan() -> Plan:
    sc = px.scenario_from_mapping(hand_dict())
    res = px.optimize(sc)
    assert res.selected == ["A", "B", "C"]
    return Plan.from_result(res)


@pytest.fixture
def actuals_file(tmp_path: Path) -> Path:
    path = tmp_path / "actuals.csv"
    path.write_text(ACTUALS_CSV, encoding="utf-8")
    return path


def test_hand_worked_realization(plan: Plan, actuals_file: Path) -> None:
    t = track(plan, actuals_file, as_of=AS_OF)
    a = t.initiatives.loc["A"]
    assert a["churn_reduction_pp_realization"] == pytest.approx(0.5)
    assert a["cost_savings_realization"] == pytest.approx(0.8)
    assert a["opex_actual"] is None and a["opex_realization"] is None  # not measured
    assert a["cross_sell_realization"] is None  # forecast 0
    # 10000*0.5/100*200 + 40000 - 10000 (opex kept at forecast) = 40000
    assert a["annual_benefit_actual"] == pytest.approx(40000)
    assert a["benefit_realization"] == pytest.approx(40000 / 60000)
    assert a["cost_at_completion"] == 120000 and a["cost_variance"] == 20000
    assert a["npv_forecast"] == pytest.approx(20000)
    assert a["npv_expected"] == pytest.approx(2 * 40000 - 120000)
    assert a["years_live"] == pytest.approx(305 / 365)
    assert a["benefit_to_date"] == pytest.approx(40000 * 305 / 365)
    assert a["benefit_to_date_forecast"] == pytest.approx(60000 * 305 / 365)
    b = t.initiatives.loc["B"]
    assert b["status"] == "in_progress" and b["late"] and b["days_late"] == 184
    assert b["npv_expected"] == pytest.approx(2 * 40000 - 50000)
    c = t.initiatives.loc["C"]
    assert c["npv_expected"] == -5000 and c["cost_at_completion"] == 5000
    assert t.totals["spent"] == 155000
    assert t.totals["burn_share"] == pytest.approx(155000 / 170000)
    assert t.totals["npv_forecast"] == pytest.approx(90000)
    assert t.totals["npv_expected"] == pytest.approx(-40000 + 30000 - 5000)
    assert t.totals["late"] == 1 and list(t.late.index) == ["B"]


def test_rollups_by_pillar_team_stage(plan: Plan, actuals_file: Path) -> None:
    t = track(plan, actuals_file, as_of=AS_OF)
    assert t.by_pillar.loc["ease", "benefit_realization"] == pytest.approx(40000 / 60000)
    assert pd.isna(t.by_pillar.loc["trust", "benefit_realization"])  # nothing measured
    assert t.by_pillar.loc["trust", "spent"] == 35000
    # B's money splits half dev, half ops (20 and 20 person-days); C has no effort
    assert t.by_team.loc["dev", "spent"] == pytest.approx(120000 + 15000)
    assert t.by_team.loc["ops", "spent"] == pytest.approx(15000)
    assert t.by_team.loc["(no team)", "spent"] == pytest.approx(5000)
    assert t.by_team["spent"].sum() == pytest.approx(t.totals["spent"])
    assert t.by_journey_stage.loc["purchase", "cost_forecast"] == 70000


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def write_scenario(tmp_path: Path) -> Path:
    import yaml

    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(hand_dict()), encoding="utf-8")
    return path


def test_cli_track_json_contract(tmp_path: Path, actuals_file: Path) -> None:
    scenario = write_scenario(tmp_path)
    code, _o, err = run("solve", str(scenario), "--out", str(tmp_path / "plan"))
    assert code == 0, err
    solution = tmp_path / "plan" / "solution.json"
    code, out, err = run(
        "track",
        str(solution),
        str(actuals_file),
        "--as-of",
        "2027-12-31",
        "--format",
        "json",
        "--out",
        str(tmp_path / "trk"),
    )
    assert code == 0, err
    data = json.loads(out)
    rows = {r["id"]: r for r in data["initiatives"]}
    assert list(rows) == ["A", "B", "C"]
    assert rows["A"]["status"] == "live" and rows["A"]["spent"] == 120000
    assert rows["A"]["cost_forecast"] == 100000
    assert rows["A"]["churn_reduction_pp_forecast"] == 1.0
    assert rows["A"]["churn_reduction_pp_actual"] == 0.5
    assert rows["A"]["churn_reduction_pp_realization"] == 0.5
    assert rows["A"]["opex_realization"] is None
    assert rows["B"]["cross_sell_realization"] is None
    assert data["late"] == ["B"]
    for name in (
        "tracking.json",
        "tracking.csv",
        "tracking_realization.png",
        "tracking_pillar.png",
        "tracking_burn.png",
    ):
        assert (tmp_path / "trk" / name).stat().st_size > 0
    code, out, _e = run("track", str(solution), str(actuals_file), "--as-of", "2027-12-31")
    assert code == 0 and "late" in out and "Budget burn" in out


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        (
            "id,status,spent\nA,live,1\nZZZ,live,2\n",
            "row 3, column 'id'",
            "unknown initiative 'ZZZ'",
        ),
        ("id,status,spent\nA,live,-5\n", "row 2, column 'spent'", "0 or more"),
        (
            "id,status,spent\nA,live,1\nB,live,2\nA,live,3\n",
            "row 4",
            "A is live twice (rows 2 and 4)",
        ),
        ("id,status,spent\nA,done-ish,1\n", "row 2, column 'status'", "status must be one of"),
        (
            "id,status,spent,go_live\nA,live,1,2019-01-05\n",
            "row 2, column 'go_live'",
            "before the plan",
        ),
        (
            "id,status,spent,go_live\nA,live,1,next week\n",
            "row 2, column 'go_live'",
            "must be a date",
        ),
        (
            "id,status,spent,go_live\nA,planned,1,2027-05-01\n",
            "row 2, column 'go_live'",
            "status to live",
        ),
    ],
)
def test_bad_actuals_located(plan: Plan, tmp_path: Path, text: str, where: str, what: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    dated = Plan.from_dict({**plan.to_dict(), "date": "2027-01-15"})
    with pytest.raises(ScenarioError) as info:
        read_actuals(path, known_ids=dated.known_ids, plan_date=dated.date)
    message = str(info.value)
    assert f"bad.csv {where}" in message and what in message


def test_cli_bad_actuals_exit_2_no_traceback(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path)
    run("solve", str(scenario), "--out", str(tmp_path / "plan"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,status,spent\nA,live,-1\nQ,live,1\n", encoding="utf-8")
    code, _out, err = run("track", str(tmp_path / "plan" / "solution.json"), str(bad))
    assert code == 2 and "Traceback" not in err
    assert "bad.csv row 2, column 'spent'" in err and "bad.csv row 3, column 'id'" in err


def test_decimal_comma_semicolon_actuals(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text(
        "ID;Status;Spent (EUR);Churn reduction (pp);Notes\nA;Live;120.000,50;0,5;ok\n",
        encoding="utf-8",
    )
    read = read_actuals(path, known_ids=plan.known_ids)
    row = read.rows["A"]
    assert row.spent == pytest.approx(120000.5) and row.measured == {"churn_reduction_pp": 0.5}
    assert any(w.code == "actuals-column" for w in read.warnings)


def test_solution_without_plan_block_refused(tmp_path: Path, actuals_file: Path) -> None:
    path = tmp_path / "solution.json"
    path.write_text(json.dumps({"status": "optimal", "selected": ["A"]}), encoding="utf-8")
    code, _o, err = run("track", str(path), str(actuals_file))
    assert code == 2 and "no `plan` block" in err


def test_pack_gains_did_we_deliver(plan: Plan, actuals_file: Path) -> None:
    from prioritizer.report import build_pack, draw_charts

    sc = px.scenario_from_mapping(hand_dict())
    pack = build_pack(
        sc,
        draws=4,
        workers=1,
        skip=("montecarlo", "tornado", "pareto", "explain", "marginal", "frontier"),
        actuals=actuals_file,
        as_of=AS_OF,
    )
    delivery = pack.results["delivery"]
    assert delivery.tracking.totals["spent"] == 155000
    assert delivery.finding().text.startswith(
        "Did we deliver? 1 of 1 measured initiatives fall short"
    )
    charts = [c for c in draw_charts(pack) if c.slug.startswith("delivery")]
    assert [c.slug for c in charts] == [
        "delivery_realization",
        "delivery_by_pillar",
        "delivery_burn",
    ]
    titles = [c.figure.axes[0].get_title(loc="left") for c in charts]
    assert titles[1] == "Ease delivers 67% of its forecast benefit, the only pillar measured"
    assert titles[2] == "€155k spent, 91% of the €170k plan; 1 initiative over budget"
    payload = delivery.to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["finding"]["text"] == delivery.finding().text
    assert (
        "delivery"
        not in build_pack(
            sc,
            draws=4,
            workers=1,
            skip=("montecarlo", "tornado", "pareto", "explain", "marginal", "frontier"),
        ).results
    )


def test_xlsx_actuals_with_date_cells(plan: Plan, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Status report FY2027"])  # a title above the header
    sheet.append(["ID", "Status", "Spent", "Go-live date", "Cost savings"])
    sheet.append(["A", "Live", 120000, dt.datetime(2027, 3, 1), 40000])
    sheet.append(["B", "In progress", 30000, None, None])
    path = tmp_path / "actuals.xlsx"
    workbook.save(path)
    read = read_actuals(path, known_ids=plan.known_ids)
    assert read.rows["A"].go_live == dt.date(2027, 3, 1)
    assert read.rows["A"].measured == {"cost_savings": 40000.0}
    assert read.rows["B"].status == "in_progress" and read.rows["B"].measured == {}
    t = track(plan, read, as_of=AS_OF)
    assert t.initiatives.loc["A", "cost_savings_realization"] == pytest.approx(0.8)
    assert t.initiatives.loc["C", "status"] == "planned"  # no row: planned, nothing spent
    assert any(w.code == "no-actuals" for w in t.warnings)
