"""Published OR-Library optima reproduced through the public API.

Sources: Beasley (1990); Chu & Beasley (1998); see tests/data/mknap/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import prioritizer as px

DATA = Path(__file__).parent / "data" / "mknap"


@dataclass
class Instance:
    profits: list[float]
    weights: list[list[float]]
    capacities: list[float]
    optimum: float


def read_mknap(name: str) -> list[Instance]:
    tokens = (DATA / name).read_text().split()
    count, pos = int(tokens[0]), 1
    instances = []
    for _ in range(count):
        n, m, optimum = int(tokens[pos]), int(tokens[pos + 1]), float(tokens[pos + 2])
        pos += 3
        profits = [float(t) for t in tokens[pos : pos + n]]
        pos += n
        weights = []
        for _ in range(m):
            weights.append([float(t) for t in tokens[pos : pos + n]])
            pos += n
        capacities = [float(t) for t in tokens[pos : pos + m]]
        pos += m
        instances.append(Instance(profits, weights, capacities, optimum))
    return instances


def mknap_scenario(instance: Instance) -> px.Scenario:
    """The README's mapping: items -> initiatives, resource rows -> teams."""
    teams = {f"r{i}": cap for i, cap in enumerate(instance.capacities)}
    rows = []
    for j, profit in enumerate(instance.profits):
        row = {"id": f"item{j}", "cost_savings": profit}
        for i, weights in enumerate(instance.weights):
            row[f"effort_r{i}"] = weights[j]
        rows.append(row)
    return px.scenario_from_mapping(
        {
            "name": "mknap",
            "budget": 1.0,
            "horizon_years": 1,
            "discount_rate": 0,
            "segments": {"everyone": {"customers": 1, "ltv": 0}},
            "teams": teams,
            "objective": {"mode": "business"},
            "initiatives": rows,
        }
    )


def reference_values() -> tuple[dict[str, float], dict[str, float]]:
    text = (DATA / "best-feasible-slns.txt").read_text()
    best_part, lp_part = text.split("LP optimal", 1)
    pattern = re.compile(r"^(\d+\.\d+-\d+)\s+([0-9.eE+]+)\s*$", re.MULTILINE)
    best = {k: float(v) for k, v in pattern.findall(best_part)}
    lp = {k: float(v) for k, v in pattern.findall(lp_part)}
    return best, lp


MKNAP1_OPTIMA = [3800, 8706.1, 4015, 6120, 12400, 10618, 16537]


@pytest.mark.parametrize("k", range(7))
def test_mknap1_optima_exact(k: int) -> None:
    instance = read_mknap("mknap1.txt")[k]
    assert instance.optimum == pytest.approx(MKNAP1_OPTIMA[k])
    res = px.optimize(mknap_scenario(instance))
    assert res.status == "optimal"
    assert res.objective == pytest.approx(MKNAP1_OPTIMA[k], abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("k", range(10))
def test_mknapcb1_within_best_known_and_lp_bound(k: int) -> None:
    best, lp = reference_values()
    key = f"5.100-{k:02d}"
    instance = read_mknap("mknapcb1.txt")[k]
    res = px.optimize(mknap_scenario(instance), time_limit=120)
    assert best[key] - 1e-6 <= res.objective <= lp[key] + 1e-6
    if res.status == "optimal":  # proven: Chu-Beasley's best is the optimum for these
        assert res.objective == pytest.approx(best[key])


def test_bench_reports_a_failed_case_instead_of_crashing(tmp_path: Path) -> None:
    """`make bench` prints a failed case with its reason (it used to end in a traceback)."""
    from benchmarks.run import CaseFailed, Row, repeat, run_cli, table_lines

    missing = str(tmp_path / "missing.yaml")
    with pytest.raises(CaseFailed, match="exit code 2"):
        run_cli(["solve", missing])
    failed = Row("`prioritizer solve` process", 20000)
    repeat(failed, ["solve", missing], 3)
    ok = Row("single solve", 50, runs=[0.5, 0.7], floor=[0.25])
    lines = table_lines([failed, ok])
    assert "failed" in lines[2] and "exit code 2" in lines[2] and "missing.yaml" in lines[2]
    assert lines[3].split()[-1] == "2.40"  # the next case still has its ratio (0.6 / 0.25)
