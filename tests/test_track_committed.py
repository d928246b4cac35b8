"""`solve --committed` (spec.md §7): the committed scenario by hand and by brute force."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from test_track import hand_dict

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.tracking import committed_scenario
from prioritizer.tracking.actuals import Actuals


def actuals(rows: list[dict[str, Any]]) -> Actuals:
    return Actuals.from_records(rows, "actuals.csv")


def test_hand_worked_committed_scenario() -> None:
    sc = px.scenario_from_mapping(hand_dict())
    acts = actuals(
        [
            {"id": "A", "status": "live", "spent": 120000},
            {"id": "B", "status": "in_progress", "spent": 30000},
            {"id": "C", "status": "cancelled", "spent": 5000},
        ]
    )
    changed, commitment = committed_scenario(sc, acts)
    a, b = changed.initiative("A"), changed.initiative("B")
    assert a.cost == 0 and a.effort == {"dev": 0.0}
    assert b.cost == 20000  # max(0, 50000 - 30000)
    assert b.effort == {"dev": pytest.approx(8.0), "ops": pytest.approx(8.0)}  # share 0.4
    assert changed.initiative("D") == sc.initiative("D")
    assert set(changed.rules.mandatory) >= {"A", "B"} and "C" in changed.rules.excluded
    assert commitment.sunk == 155000 and commitment.remaining_cost == {"A": 0.0, "B": 20000.0}
    scores = px.score_initiatives(changed)
    assert scores.loc["A", "business_value"] == pytest.approx(2 * 60000)  # sunk spend out
    assert scores.loc["B", "business_value"] == pytest.approx(2 * 40000 - 20000)
    assert scores.loc["A", "opex_per_year"] == 10000  # opex in full
    res = px.optimize(changed)
    assert "C" not in res.selected and {"A", "B"} <= set(res.selected)
    assert sc.initiative("B").cost == 50000  # the input scenario is untouched


def brute_force(data: dict[str, Any], status: dict[str, str], spent: dict[str, float]) -> float:
    """Best business value over every subset, from the §7 text directly."""
    items = data["initiatives"]
    seg = next(iter(data["segments"].values()))
    annuity = float(data["horizon_years"])
    best = float("-inf")
    for mask in itertools.product((0, 1), repeat=len(items)):
        total, money, days = 0.0, 0.0, dict.fromkeys(data["teams"], 0.0)
        ok = True
        for chosen, item in zip(mask, items, strict=True):
            st = status.get(item["id"], "planned")
            if (st in ("live", "in_progress") and not chosen) or (st == "cancelled" and chosen):
                ok = False
            if not chosen:
                continue
            cost = item.get("cost", 0.0)
            remaining = {
                "live": 0.0,
                "in_progress": max(0.0, cost - spent.get(item["id"], 0.0)),
            }.get(st, cost)
            share = (
                0.0
                if st == "live"
                else (remaining / cost if st == "in_progress" and cost > 0 else 1.0)
            )
            benefit = (
                seg["customers"] * item.get("churn_reduction_pp", 0) / 100 * seg["ltv"]
                + item.get("cost_savings", 0)
                - item.get("opex", 0)
            )
            total += annuity * benefit - remaining
            money += remaining
            for team in days:
                days[team] += item.get(f"effort_{team}", 0.0) * share
        ok = (
            ok
            and money <= data["budget"] + 1e-6
            and all(days[t] <= data["teams"][t] + 1e-6 for t in days)
        )
        if ok:
            best = max(best, total)
    return best


@pytest.mark.parametrize("seed", range(12))
def test_committed_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    items = [
        {
            "id": f"I{k}",
            "cost": float(rng.randrange(10, 100)),
            "cost_savings": float(rng.randrange(0, 60)),
            "churn_reduction_pp": rng.choice([0.0, 0.1, 0.5]),
            "opex": float(rng.randrange(0, 10)),
            "effort_dev": float(rng.randrange(0, 20)),
        }
        for k in range(7)
    ]
    data = {
        "name": "random",
        "budget": float(rng.randrange(80, 250)),
        "horizon_years": 2,
        "segments": {"s": {"customers": 1000, "ltv": 10}},
        "teams": {"dev": float(rng.randrange(20, 70))},
        "objective": {"mode": "business"},
        "initiatives": items,
    }
    status, spent = {}, {}
    for item in items:
        st = rng.choice(["planned", "planned", "in_progress", "live", "cancelled"])
        status[item["id"]] = st
        spent[item["id"]] = float(rng.randrange(0, 120))
    rows = [{"id": i, "status": s, "spent": spent[i]} for i, s in status.items()]
    sc = px.scenario_from_mapping(data)
    changed, _c = committed_scenario(sc, actuals(rows))
    expected = brute_force(data, status, spent)
    try:
        res = px.optimize(changed)
    except px.InfeasibleError:
        assert expected == float("-inf")
        return
    assert expected > float("-inf")
    assert res.business_value == pytest.approx(expected, abs=1e-6)


def test_cli_solve_committed_shows_changes(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    data = hand_dict()
    scenario.write_text(yaml.safe_dump(data), encoding="utf-8")
    runner = CliRunner()
    plan_dir = tmp_path / "plan"
    assert runner.invoke(cli, ["solve", str(scenario), "--out", str(plan_dir)]).exit_code == 0
    acts = tmp_path / "actuals.csv"
    acts.write_text("id,status,spent\nA,live,120000\nB,in_progress,30000\nC,cancelled,5000\n")
    result = runner.invoke(
        cli,
        [
            "solve",
            str(scenario),
            "--committed",
            str(acts),
            "--plan",
            str(plan_dir / "solution.json"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["committed"]["dropped"] == [{"id": "C", "reason": "cancelled"}]
    assert payload["committed"]["sunk_spend"] == 155000
    assert payload["cost"] == pytest.approx(20000)  # A live (0) + B remaining (20000)
    table = runner.invoke(cli, ["solve", str(scenario), "--committed", str(acts)])
    assert table.exit_code == 0 and "C (cancelled)" in table.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("id,status,spent\nNOPE,live,1\n")
    out = runner.invoke(cli, ["solve", str(scenario), "--committed", str(bad)])
    assert out.exit_code == 2 and "bad.csv row 2, column 'id'" in out.stderr
