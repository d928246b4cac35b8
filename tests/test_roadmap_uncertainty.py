"""Monte Carlo and explain on a roadmap scenario: every draw re-plans the roadmap (checked
against exhaustive enumeration of the drawn program), explain says why in or out and when
("not yet: it would enter starting ..."), checked against enumeration too."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_roadmap_cli import CSV, YAML

import prioritizer as px
from prioritizer.analysis._parallel import chunks, seed_sequence
from prioritizer.analysis.montecarlo import draw_field
from prioritizer.analysis.registry import REGISTRY
from prioritizer.analysis.uncertainty import field_ranges
from prioritizer.cli import cli
from prioritizer.result import SolverOptions
from prioritizer.roadmap import plan_roadmap, start_values
from prioritizer.roadmap.constraints import build_roadmap_rules, candidates
from prioritizer.roadmap.explain import RoadmapExplanations, explain_roadmap
from prioritizer.roadmap.montecarlo import RoadmapMonteCarlo, roadmap_monte_carlo
from prioritizer.roadmap.values import roadmap_normalizers
from prioritizer.value import score_initiatives

# ranges on cost, savings and effort so that draws move the plan
RANGED_CSV = """\
id,name,pillar,cost,cost_low,cost_high,cost_savings,cost_savings_low,cost_savings_high,duration,ramp_up,effort_dev,effort_dev_low,effort_dev_high,depends_on,deadline,voc_volume,ces_delta
A,Alpha platform,trust,400,300,520,800,500,1000,2,1,20,15,30,,,0,0
B,Beta feature,ease,200,150,260,500,300,700,1,0,10,5,20,A,,0,0
C,Gamma fix,empathy,300,200,330,900,600,1000,1,0,0,0,0,,2027Q2,10,1
D,Delta idea,ease,250,150,320,350,100,900,1,0,12,5,25,,,0,0
E,Echo tweak,ease,150,100,200,260,120,420,2,1,8,4,16,,,0,0
"""


def _folder(tmp_path: Path, csv: str = CSV) -> Path:
    (tmp_path / "scenario.yaml").write_text(YAML, encoding="utf-8")
    (tmp_path / "initiatives.csv").write_text(csv, encoding="utf-8")
    return tmp_path / "scenario.yaml"


def enumerate_best(
    scenario: px.Scenario,
    values: px.pd.DataFrame | None = None,
    field_values: dict[str, np.ndarray] | None = None,
    force_in: str | None = None,
    force_out: str | None = None,
) -> tuple[float, dict[str, int]]:
    """The best objective and its starts (id -> start index) over every (start or not)
    assignment that meets every rule; (-inf, {}) when none does."""
    values = start_values(scenario) if values is None else values
    columns = candidates(scenario, values)
    rules = build_roadmap_rules(scenario, columns, field_values=field_values)
    score = columns["objective_score"].to_numpy(dtype=float)
    options = []
    for item in scenario.initiatives:
        mine = columns.index[columns["id"] == item.id].tolist()
        if item.id == force_in:
            options.append(mine)
        elif item.id == force_out:
            options.append([None])
        else:
            options.append([None, *mine])
    best, starts = float("-inf"), {}
    for choice in itertools.product(*options):
        x = np.zeros(len(columns))
        for j in choice:
            if j is not None:
                x[j] = 1.0
        if all(rule.holds(x) for rule in rules):
            value = float(score @ x)
            if value > best + 1e-9:
                best = value
                starts = {
                    str(columns.at[j, "id"]): int(columns.at[j, "start_index"])
                    for j in choice
                    if j is not None
                }
    return best, starts


def test_without_uncertainty_every_draw_is_the_base_plan(tmp_path: Path) -> None:
    sc = px.load_scenario(_folder(tmp_path))
    plan = plan_roadmap(sc)
    mc = roadmap_monte_carlo(sc, draws=7, seed=3, workers=1)
    assert isinstance(mc, RoadmapMonteCarlo)
    frame = mc.to_frame()
    for ident in sc.ids:
        expected = 1.0 if ident in plan.selected else 0.0
        assert frame.loc[ident, "selection_frequency"] == expected
    chosen = frame[frame["in_base_portfolio"]]
    assert (chosen["same_start_share"] == 1.0).all()
    assert np.allclose(mc.fixed_business, plan.business_value)
    dist = mc.portfolio_distribution().loc["business_value"]
    assert dist["mean"] == pytest.approx(plan.business_value)
    assert mc.optimizers_curse == pytest.approx(0.0, abs=1e-6)


def test_every_draw_is_the_optimum_of_the_drawn_roadmap(tmp_path: Path) -> None:
    sc = px.load_scenario(_folder(tmp_path, RANGED_CSV))
    plan = plan_roadmap(sc)
    draws, seed, size = 12, 11, 5
    mc = roadmap_monte_carlo(sc, draws=draws, seed=seed, chunk_size=size, workers=1)
    # the same draws, made here from the same seed policy
    children = seed_sequence(seed).spawn(len(chunks(draws, size)))
    normalizers = roadmap_normalizers(plan.columns)
    d = 0
    moved = 0
    for child, (a, b) in zip(children, chunks(draws, size), strict=True):
        rng = np.random.default_rng(child)
        samples = {n: draw_field(rng, fr, b - a, "pert") for n, fr in field_ranges(sc).items()}
        assert "effort_dev" in samples and "cost" in samples
        for k in range(b - a):
            drawn = {n: s[k] for n, s in samples.items()}
            values = start_values(
                sc, scores=score_initiatives(sc, values=drawn), normalizers=normalizers
            )
            best, starts = enumerate_best(sc, values, drawn)
            assert mc.optimal_objective[d] == pytest.approx(best, rel=1e-7, abs=1e-6)
            chosen = {i for i in sc.ids if mc.selections[d, sc.ids.index(i)] > 0.5}
            columns = candidates(sc, values)
            x = np.zeros(len(columns))
            for ident in chosen:
                start = mc.starts[d, sc.ids.index(ident)]
                x[(columns["id"] == ident) & (columns["start_index"] == start)] = 1.0
            # the counted plan meets the drawn rules and reaches the optimum
            rules = build_roadmap_rules(sc, columns, field_values=drawn)
            assert all(rule.holds(x) for rule in rules)
            score = columns["objective_score"].to_numpy(dtype=float)
            assert float(score @ x) == pytest.approx(best, rel=1e-7, abs=1e-6)
            # the base plan kept as it is, valued under the draw
            assert mc.fixed_business[d] == pytest.approx(
                float(columns["business_value"].to_numpy() @ plan.x)
            )
            moved += set(starts) != set(plan.selected)
            d += 1
    assert d == draws
    assert moved > 0  # the ranges are wide enough that some draws change the plan
    frequencies = mc.to_frame()["selection_frequency"]
    assert ((frequencies > 0) & (frequencies < 1)).any()


def test_same_seed_same_result_whatever_the_workers(tmp_path: Path) -> None:
    sc = px.load_scenario(_folder(tmp_path, RANGED_CSV))
    one = roadmap_monte_carlo(sc, draws=6, seed=5, chunk_size=2, workers=1)
    two = roadmap_monte_carlo(sc, draws=6, seed=5, chunk_size=2, workers=2)
    assert np.array_equal(one.selections, two.selections)
    assert np.array_equal(one.starts, two.starts)
    assert np.allclose(one.fixed_business, two.fixed_business)


def test_explain_in_and_out_against_enumeration(tmp_path: Path) -> None:
    sc = px.load_scenario(_folder(tmp_path, RANGED_CSV))
    plan = plan_roadmap(sc)
    best, _ = enumerate_best(sc)
    assert plan.objective == pytest.approx(best)
    result = explain_roadmap(sc, workers=1)
    assert isinstance(result, RoadmapExplanations)
    labels = list(sc.periods or ())
    frame = result.to_frame()
    sentences = result.sentences()
    for item in result.items:
        if item.selected:
            without, _ = enumerate_best(sc, force_out=item.id)
            assert item.value_margin == pytest.approx(best - without, abs=1e-6)
            start = plan.chosen.set_index("id").loc[item.id, "start"]
            assert frame.loc[item.id, "start"] == start
            assert f"starting {start}" in sentences[item.id]
        else:
            forced, starts = enumerate_best(sc, force_in=item.id)
            if forced == float("-inf"):
                assert item.forced_start is None
                assert "cannot enter" in sentences[item.id]
                continue
            assert item.value_margin == pytest.approx(best - forced, abs=1e-6)
            assert item.forced_start == labels[starts[item.id]]
            assert f"not yet: it would enter starting {item.forced_start}" in sentences[item.id]
    assert any(not e.selected and e.forced_start for e in result.items), sentences


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_montecarlo_and_explain_work_on_a_roadmap(tmp_path: Path) -> None:
    path = str(_folder(tmp_path, RANGED_CSV))
    code, out, err = _run("montecarlo", path, "--draws", "4", "--workers", "1", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["roadmap"] is True and data["draws"] == 4
    assert {"base_start", "same_start_share"} <= set(data["initiatives"][0])
    code, out, err = _run("explain", path, "D", "--workers", "1")
    assert code == 0, err
    assert out.startswith("D is ")
    code, out, err = _run("explain", path, "--workers", "1", "--format", "csv")
    assert code == 0, err
    assert "forced_start" in out.splitlines()[0]


def test_explain_without_ids_explains_every_initiative(tmp_path: Path) -> None:
    """Without ids the command explains every initiative (it crashed on an empty table before,
    one-lump scenarios included)."""
    path = _folder(tmp_path)
    lump = tmp_path / "lump.yaml"
    lump.write_text(
        "\n".join(
            line for line in YAML.splitlines() if not line.startswith(("periods", "period_"))
        ),
        encoding="utf-8",
    )
    for scenario in (path, lump):
        code, out, err = _run("explain", str(scenario), "--workers", "1", "--format", "json")
        assert code == 0, err
        assert [e["id"] for e in json.loads(out)["initiatives"]] == list("ABCD")


def test_registry_dispatches_on_periods(tmp_path: Path) -> None:
    sc = px.load_scenario(_folder(tmp_path))
    base = px.optimize(sc)
    options = SolverOptions()
    mc = REGISTRY["montecarlo"](sc, base=base, options=options, workers=1, draws=2)
    assert isinstance(mc, RoadmapMonteCarlo)
    why = REGISTRY["explain"](sc, base=base, options=options, workers=1, ids=["A"])
    assert isinstance(why, RoadmapExplanations)


def test_the_command_offers_every_formulation() -> None:
    from prioritizer.cli.roadmap import roadmap
    from prioritizer.roadmap.model import FORMULATIONS

    option = next(p for p in roadmap.params if p.name == "formulation")
    assert tuple(option.type.choices) == FORMULATIONS  # type: ignore[attr-defined]
