"""The analysis protocol and registry, and the bugs the copies around them caused (issue 10):
every analysis result offers the same things; options and the base optimum pass through
whole; workers default to all cores; same input, same answer whatever the hash seed."""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, SCENARIOS, tiny_dict

import prioritizer as px
from prioritizer.analysis import _parallel
from prioritizer.analysis.protocol import Analysis, Finding
from prioritizer.analysis.registry import PACK, REGISTRY
from prioritizer.cli import cli
from prioritizer.tracking.actuals import Actuals

BANK = SCENARIOS / "retail_bank" / "scenario.yaml"

SMALL = {
    "frontier": {"budgets": [50.0, 100.0, 150.0]},
    "montecarlo": {"draws": 6},
    "pareto": {"max_points": 3},
    "weight_sweep": {"steps": 3},
    "delivery": {
        "actuals": Actuals.from_records(
            [
                {
                    "id": i,
                    "status": "live",
                    "spent": 30,
                    "go_live": "2027-03-01",
                    "cost_savings": 50,
                }
                for i in ("A", "B", "C")
            ]
        )
    },
}


@pytest.fixture(scope="module")
def uncertain() -> px.Scenario:
    data = tiny_dict(uncertainty={"default_relative": 0.3}, objective={"mode": "blended"})
    return px.scenario_from_mapping(data)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_analysis_follows_the_protocol(name: str, uncertain: px.Scenario) -> None:
    options = px.SolverOptions(tie_break=False, cuts=False)
    if name == "roadmap":  # the roadmap needs periods (spec §5)
        uncertain = uncertain.with_overrides(periods=("2027Q1", "2027Q2", "2027Q3"))
    base = px.optimize(uncertain)
    result = REGISTRY[name](uncertain, base=base, options=options, workers=1, **SMALL.get(name, {}))
    assert isinstance(result, Analysis)
    assert result.scenario is uncertain and result.base is base
    assert result.options is options  # passed through whole, no field lost
    frame = result.to_frame()
    columns = list(frame.columns)
    frame.columns = [f"changed {k}" for k in range(len(columns))]  # a copy: nothing changes
    assert list(result.to_frame().columns) == columns
    payload = result.to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["manifest"]["options"]["solver"] == "cbc"
    assert payload["warnings"] == []
    finding = result.finding()
    assert isinstance(finding, Finding) and finding.text
    assert payload["finding"]["text"] == finding.text
    ax = result.plot()
    assert ax.get_title(loc="left") == finding.text  # the title is the finding, as data
    plt.close(ax.figure)


def test_the_pack_solves_the_base_optimum_once(
    monkeypatch: pytest.MonkeyPatch, uncertain: px.Scenario
) -> None:
    from prioritizer.report import build_pack

    optimize_module = sys.modules["prioritizer.optimize"]
    calls = []
    real = optimize_module.optimize

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(optimize_module, "optimize", counting)
    pack = build_pack(uncertain, draws=4, workers=1)
    assert len(calls) == 1
    assert list(pack.results) == list(PACK)
    assert all(r.base is pack.base for r in pack.results.values())


def test_workers_default_to_all_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bug 1: ``workers=None`` ("default: all cores") ran everything in this process."""
    monkeypatch.setattr(_parallel, "default_workers", lambda: 2)
    pids = _parallel.run_tasks(os.getpid, [() for _ in range(4)])
    assert os.getpid() not in pids
    from prioritizer.report import build_pack

    functions = [spec.run for spec in REGISTRY.values() if spec.parallel] + [build_pack]
    for function in functions:
        assert inspect.signature(function).parameters["workers"].default is None


FRONTIER_SCRIPT = """
import prioritizer as px
sc = px.load_scenario({path!r})
frame = px.efficient_frontier(sc, points=40, workers=1).to_frame()
print(frame[["entered", "left"]].to_json())
"""


def test_frontier_order_does_not_depend_on_the_hash_seed() -> None:
    """Bug 3: entered/left fell back to set order, which PYTHONHASHSEED changes."""
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", FRONTIER_SCRIPT.format(path=str(BANK))],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    entered = json.loads(outputs.pop())["entered"]
    bank = px.load_scenario(BANK)
    position = {ident: k for k, ident in enumerate(bank.ids)}
    for text in entered.values():
        ids = [i for i in text.split(";") if i]
        assert ids == sorted(ids, key=position.__getitem__)  # input order


def test_marginal_chart_says_the_step_it_used(tiny: px.Scenario) -> None:
    """Bug 4: the legend said ±10% whatever ``step`` was."""
    result = px.marginal_values(tiny, step=0.25, workers=1)
    ax = result.plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["gain with 25% more", "loss with 25% less"]
    plt.close(ax.figure)


def test_seed_sequence_is_not_advanced(tiny: px.Scenario) -> None:
    """Bug 6: ``monte_carlo(seed=SeedSequence)`` spawned from the caller's object."""
    sc = tiny.with_overrides(uncertainty={"default_relative": 0.4})
    seed = np.random.SeedSequence(42)
    first = px.monte_carlo(sc, draws=30, seed=seed, workers=1)
    second = px.monte_carlo(sc, draws=30, seed=seed, workers=1)
    assert seed.n_children_spawned == 0
    assert np.array_equal(first.fixed_business, second.fixed_business)


def test_compare_out_protects_every_scenarios_inputs(tmp_path: Path, bank_dir: Path) -> None:
    """Bug 10: only the first scenario's inputs were protected from ``--out``."""
    second = tmp_path / "second"
    second.mkdir()
    (bank_dir / "initiatives.csv").rename(second / "compare.csv")
    yaml_text = (bank_dir / "scenario.yaml").read_text()
    (second / "scenario.yaml").write_text(
        yaml_text.replace("initiatives.csv", "compare.csv"), encoding="utf-8"
    )
    original = (second / "compare.csv").read_bytes()
    result = CliRunner().invoke(
        cli, ["compare", str(BANK), str(second / "scenario.yaml"), "--out", str(second)]
    )
    assert result.exit_code == 2, result.output
    assert "refusing to write over an input file" in result.stderr
    assert (second / "compare.csv").read_bytes() == original


def test_monte_carlo_statistics_share_one_set_of_draws() -> None:
    """Bug 11: frequencies counted feasible draws, the NPV distribution every draw."""
    data = tiny_dict()
    data["initiatives"][0].update(mandatory=True, cost_low=20, cost_high=160)
    sc = px.scenario_from_mapping(data)
    mc = px.monte_carlo(sc, draws=60, seed=3, workers=1)
    feasible = np.array([s in ("optimal", "feasible") for s in mc.statuses])
    assert 0 < feasible.sum() < len(feasible)  # some draws leave no feasible portfolio
    dist = mc.portfolio_distribution()
    assert dist.at["business_value", "mean"] == pytest.approx(mc.fixed_business[feasible].mean())
    assert mc.optimizers_curse == pytest.approx(
        mc.base.business_value - mc.fixed_business[feasible].mean()
    )


def test_comparison_has_the_difference_column(bank: px.Scenario) -> None:
    """Bug 14: ``Comparison.to_frame`` promised a difference to the first scenario."""
    lean = bank.with_overrides(budget=2_000_000)
    result = px.compare([bank, lean], ["base", "lean"])
    assert isinstance(result, Analysis) and result.base is result.results[0]
    frame = result.to_frame()
    assert frame.at["cost", "Δ lean"] == pytest.approx(
        frame.at["cost", "lean"] - frame.at["cost", "base"]
    )
    assert pd.isna(frame.at["status", "Δ lean"])


def test_value_per_unit_is_in_the_scenarios_currency(tmp_path: Path) -> None:
    """Bug 14: the summary said "value per euro" whatever the currency."""
    from prioritizer.report import build_pack
    from prioritizer.report.markdown import summary_markdown

    sc = px.scenario_from_mapping(tiny_dict(currency="USD"))
    pack = build_pack(
        sc, skip=["frontier", "marginal", "tornado", "montecarlo", "pareto", "explain"]
    )
    text = summary_markdown(pack, [])
    assert "euro" not in text.lower() and "per USD" in text


def test_only_the_plots_package_imports_matplotlib() -> None:
    """Bug 14: the docs say only the plots import matplotlib; now it is true."""
    offenders = []
    for path in (ROOT / "prioritizer").rglob("*.py"):
        if "plots" in path.relative_to(ROOT / "prioritizer").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
            for inner in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n.split(".")[0] == "matplotlib" for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_frontier_finding_uses_the_scenarios_own_budget(bank: px.Scenario) -> None:
    """The share is the optimum at the scenario's budget, not at the nearest grid budget."""
    frontier = px.efficient_frontier(bank, workers=1)
    finding = frontier.finding()
    best = frontier.to_frame()["objective"].max()
    assert finding.numbers["objective"] == pytest.approx(frontier.base.objective)
    assert finding.numbers["share"] == pytest.approx(frontier.base.objective / best)
    assert f"{finding.numbers['share']:.0%}" in finding.text


def test_lazy_exports_are_typed() -> None:
    """Every lazily loaded name is also imported for type checkers (mypy, IDEs) and loads."""
    source = (ROOT / "prioritizer" / "__init__.py").read_text(encoding="utf-8")
    typed = {
        alias.asname or alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
        if isinstance(inner, ast.ImportFrom)
        for alias in inner.names
    }
    lazy = set(px._LAZY)
    assert lazy == typed
    for name in sorted(lazy):
        assert getattr(px, name) is not None and name in px.__all__
