"""The solver layer's contracts: units of a replacement objective, comparable rules, a
manifest hash independent of presentation order, an honest diagnosis, the error's
documented attributes, and CBC through cylp agreeing with the CBC binary."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny_dict
from randomscen import all_subsets, brute_force, random_scenario

import prioritizer as px
from prioritizer import diagnose
from prioritizer.result import manifest
from prioritizer.rules import Rule, build_rules
from prioritizer.solver import cylp_available, cylp_backend, pulp_backend
from prioritizer.solver.model import Model, build_model
from prioritizer.solver.mps import write_mps, write_start
from prioritizer.solver.pulp_backend import _cbc, to_pulp


# -- bug 7: one unit for objective and bound ------------------------------------------
def test_replacement_objective_and_bound_share_units(tiny: px.Scenario) -> None:
    # maximize 1·A + 2·B + 3·C under budget 100 and 10 days: B + C (cost 90, 10 days) = 5
    weights = np.array([1.0, 2.0, 3.0])
    res = px.solve_portfolio(tiny, objective=weights)
    assert res.selected == ["B", "C"]
    assert res.objective == pytest.approx(5.0)
    assert res.best_bound == pytest.approx(5.0)
    assert res.gap == 0.0
    assert res.business_value == pytest.approx(70.0)  # the totals stay business figures


# -- bug 8: rules compare, hash and sit in sets -----------------------------------------
def test_rules_compare_and_hash(tiny: px.Scenario) -> None:
    rules = build_rules(tiny)
    twin = copy.deepcopy(rules)
    assert rules == twin
    assert rules[0] in twin and hash(rules[0]) == hash(twin[0])
    assert len(set(rules) | set(twin)) == len(rules)
    changed = copy.deepcopy(rules[0])
    object.__setattr__(changed, "coef", changed.coef * 2)
    assert changed != rules[0] and changed not in rules


# -- bug 5: the manifest's scenario hash ---------------------------------------------
def _write(folder: Path, yaml_text: str, header: list[str], rows: list[dict[str, object]]) -> Path:
    folder.mkdir()
    (folder / "scenario.yaml").write_text(yaml_text)
    lines = [",".join(header)] + [",".join(str(r.get(c, "")) for c in header) for r in rows]
    (folder / "items.csv").write_text("\n".join(lines) + "\n")
    return folder / "scenario.yaml"


ROWS = [
    {"id": "A", "cost": 60, "cost_savings": 100, "effort_digital": 5, "effort_ops": 1},
    {"id": "B", "cost": 50, "cost_savings": 90, "effort_digital": 6, "effort_ops": 0},
    {"id": "C", "cost": 40, "cost_savings": 70, "effort_digital": 4, "effort_ops": 2},
]
YAML_1 = (
    "name: t\nbudget: 100\nhorizon_years: 1\ninitiatives: items.csv\n"
    "segments:\n  mass: {customers: 1000, ltv: 100}\n  premium: {customers: 10, ltv: 900}\n"
    "teams: {digital: 10, ops: 3}\n"
    "objective: {mode: blended, weights: {business: 0.7, customer: 0.3}}\n"
)
YAML_2 = (  # the same data, keys in another order
    "objective: {weights: {customer: 0.3, business: 0.7}, mode: blended}\n"
    "teams: {ops: 3, digital: 10}\n"
    "segments:\n  premium: {ltv: 900, customers: 10}\n  mass: {ltv: 100, customers: 1000}\n"
    "initiatives: items.csv\nhorizon_years: 1\nbudget: 100\nname: t\n"
)


def test_manifest_hash_ignores_column_and_key_order(tmp_path: Path) -> None:
    header = ["id", "cost", "cost_savings", "effort_digital", "effort_ops"]
    first = px.load_scenario(_write(tmp_path / "a", YAML_1, header, ROWS))
    second = px.load_scenario(
        _write(tmp_path / "b", YAML_2, list(reversed(header)), list(reversed(ROWS)))
    )
    options = px.SolverOptions()
    assert (
        manifest(first, options)["scenario_sha256"] == manifest(second, options)["scenario_sha256"]
    )
    other = px.load_scenario(
        _write(tmp_path / "c", YAML_1.replace("100\n", "101\n", 1), header, ROWS)
    )
    assert (
        manifest(other, options)["scenario_sha256"] != manifest(first, options)["scenario_sha256"]
    )


# -- bug 11: an undecided sub-solve decides nothing ---------------------------------------
def _infeasible() -> px.Scenario:
    # A (cost 60) and B (50) are mandatory; the budget is 100, the team has room for both
    return px.scenario_from_mapping(
        tiny_dict(rules={"mandatory": ["A", "B"]}, teams={"digital": 20})
    )


def test_diagnosis_does_not_call_an_undecided_scenario_feasible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = diagnose.solve_portfolio

    def undecided(*args: object, **kwargs: object) -> px.Result:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        return px.Result(**{**result.__dict__, "status": "error", "message": "time limit"})

    monkeypatch.setattr(diagnose, "solve_portfolio", undecided)
    found = diagnose.diagnose_infeasibility(_infeasible())
    assert found.message != "the scenario is feasible"
    assert "could not decide" in found.message and not found.minimal


def test_diagnosis_keeps_undecided_rules_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    real = diagnose.solve_portfolio

    def flaky(*args: object, **kwargs: object) -> px.Result:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        if "mandatory[B]" in kwargs.get("disabled_rules", ()):  # type: ignore[operator]
            return px.Result(**{**result.__dict__, "status": "error", "message": "time limit"})
        return result

    monkeypatch.setattr(diagnose, "solve_portfolio", flaky)
    found = diagnose.diagnose_infeasibility(_infeasible())
    assert found.conflict == ["budget", "mandatory[A]", "mandatory[B]"]
    assert found.undecided == ["mandatory[B]"] and not found.minimal
    assert "could not decide" in found.message


# -- bug 14: InfeasibleError.explanation is what its docstring says -----------------------
def test_infeasible_error_explanation() -> None:
    with pytest.raises(px.InfeasibleError) as caught:
        px.optimize(_infeasible())
    err = caught.value
    assert err.conflict == ["budget", "mandatory[A]", "mandatory[B]"]
    lines = err.explanation.splitlines()
    assert any("A is mandatory" in line for line in lines)
    assert any(line.strip().startswith("Raising budget from 100 to at least 110") for line in lines)
    assert isinstance(err.details, px.Diagnosis)


# -- the cylp backend agrees with brute force --------------------------------------------
@pytest.mark.skipif(not cylp_available(), reason="cylp is not installed (the [fast] extra)")
@pytest.mark.parametrize("seed", range(0, 60, 4))
def test_cylp_matches_brute_force(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cylp_backend, "CYLP_MIN_N", 0)
    sc = random_scenario(seed)
    best, _ = brute_force(sc)
    res = px.solve_portfolio(sc)
    if best is None:
        assert res.status == "infeasible"
        return
    assert res.solver == "cbc (cylp)"
    assert res.status == "optimal", res.message
    assert res.objective == pytest.approx(best, rel=1e-9, abs=1e-9)


@pytest.mark.skipif(not cylp_available(), reason="cylp is not installed (the [fast] extra)")
def test_a_broken_cylp_worker_falls_back_to_the_cbc_binary(
    monkeypatch: pytest.MonkeyPatch, tiny: px.Scenario, tmp_path: Path
) -> None:
    broken = tmp_path / "worker.py"
    broken.write_text("import sys\nsys.exit(3)\n")
    monkeypatch.setattr(cylp_backend, "CYLP_MIN_N", 0)
    monkeypatch.setattr(cylp_backend, "_WORKER", broken)
    res = px.optimize(tiny)
    assert res.solver == "cbc (PuLP bundled)" and res.objective == pytest.approx(70.0)


# -- the MPS files CBC reads: written from the arrays, as PuLP writes them -----------------
def _random_model(rng: np.random.Generator, t: int) -> Model:
    n, rows = int(rng.integers(1, 30)), int(rng.integers(0, 8))
    rules = []
    for r in range(rows):
        k = int(rng.integers(1, n + 1))
        index = rng.choice(n, k, replace=False)
        coef = np.round(rng.normal(0, 100, k), int(rng.integers(0, 4)))
        sense = "<=" if rng.random() < 0.5 else ">="
        rules.append(Rule(f"r{r}", "budget", "t", index, coef, sense, float(rng.normal(0, 50))))
    objective = rng.normal(0, 1, n) * (rng.random(n) < 0.7) if t % 10 else np.zeros(n)
    integer = None if t % 3 else rng.random(n) < 0.8
    return build_model([f"i{k}" for k in range(n)], objective, rules, integer)


def test_mps_and_start_files_are_what_pulp_writes(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    for t in range(150):
        model = _random_model(rng, t)
        problem, variables = to_pulp(model, minimize=True)
        vs, names, constraints, _ = problem.writeMPS(str(tmp_path / "pulp.mps"), rename=1)
        columns = write_mps(model, tmp_path / "ours.mps")
        assert (tmp_path / "ours.mps").read_text() == (tmp_path / "pulp.mps").read_text(), t
        start = (rng.random(model.n) < 0.5).astype(float)
        for variable, value in zip(variables, start.tolist(), strict=True):
            variable.varValue = value
        _cbc().writesol(str(tmp_path / "pulp.mst"), problem, vs, names, constraints)
        write_start(columns, start, tmp_path / "ours.mst")
        assert (tmp_path / "ours.mst").read_text() == (tmp_path / "pulp.mst").read_text(), t


def test_cbc_takes_the_mip_start_as_a_solution(
    monkeypatch: pytest.MonkeyPatch, bank: px.Scenario
) -> None:
    """With ``-max`` CBC priced a start with the wrong sign (as the worst solution): the
    model now goes to CBC as a minimization, and the start's cost is −c·start."""
    logs: list[str] = []
    real = pulp_backend.run_supervised

    def spy(args: list[str], **kwargs: object) -> object:
        outcome = real(args, **kwargs)  # type: ignore[arg-type]
        logs.append(outcome.stdout.decode())
        return outcome

    monkeypatch.setattr(pulp_backend, "run_supervised", spy)
    scores = px.score_initiatives(bank)
    rules = build_rules(bank, scores)
    values = scores["objective_score"].to_numpy()
    model = build_model(list(scores.index), values, rules)
    best = px.optimize(bank).selection
    solution = pulp_backend.solve_cbc(model, px.SolverOptions(), model.to_canonical(best))
    match = re.search(r"MIPStart provided solution with cost (\S+)", logs[-1])
    assert match, logs[-1]
    value = float(model.objective @ model.to_canonical(best))
    assert float(match.group(1)) == pytest.approx(-value)
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(value)


@pytest.mark.parametrize("seed", range(0, 80, 2))
def test_a_start_never_changes_the_optimum(seed: int) -> None:
    """Any portfolio that keeps the rules as a start (heuristics then off): the optimum of
    exhaustive enumeration, the same as without a start."""
    sc = random_scenario(seed)
    best, mask = brute_force(sc)
    if best is None:
        return
    feasible = all_subsets(len(sc.initiatives))[mask]
    rng = np.random.default_rng(seed)
    start = feasible[int(rng.integers(len(feasible)))]
    res = px.solve_portfolio(sc, px.SolverOptions(tie_break=False), start=start)
    assert res.status == "optimal", res.message
    assert res.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
    broken = 1.0 - start  # usually breaks a rule: then ignored
    again = px.solve_portfolio(sc, px.SolverOptions(tie_break=False), start=broken)
    assert again.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
