"""Infeasibility: the reported conflict is infeasible and irreducible (checked by enumeration)."""

from __future__ import annotations

import numpy as np
import pytest
from randomscen import all_subsets, random_scenario

import prioritizer as px
from prioritizer.rules import build_rules


def feasible_by_enumeration(sc: px.Scenario, keys: set[str]) -> bool:
    rules = [r for r in build_rules(sc) if r.key in keys]
    X = all_subsets(len(sc.initiatives))
    ok = np.ones(len(X), dtype=bool)
    for rule in rules:
        ok &= np.array([rule.holds(x) for x in X])
    return bool(ok.any())


def infeasible_seeds(count: int) -> list[int]:
    seeds = []
    for seed in range(5000):
        sc = random_scenario(seed, n=9)
        if px.solve_portfolio(sc).status == "infeasible":
            seeds.append(seed)
        if len(seeds) == count:
            break
    return seeds


@pytest.mark.parametrize("seed", infeasible_seeds(15))
def test_conflict_is_irreducible_and_correct(seed: int) -> None:
    sc = random_scenario(seed, n=9)
    diagnosis = px.diagnose_infeasibility(sc)
    conflict = set(diagnosis.conflict)
    assert conflict
    assert not feasible_by_enumeration(sc, conflict), "the conflict alone must be infeasible"
    for key in conflict:
        assert feasible_by_enumeration(sc, conflict - {key}), f"{key} is not needed"
    for relax in diagnosis.relaxations:
        assert relax.needed > relax.current


def test_budget_shortfall_in_words(bank: px.Scenario) -> None:
    with pytest.raises(px.InfeasibleError) as info:
        px.optimize(bank.with_overrides(budget=500_000))
    err = info.value
    assert set(err.conflict) == {"budget", "mandatory[KYC-REFRESH]", "mandatory[ACCESSIBILITY]"}
    # mandatory KYC-REFRESH 450,000 + ACCESSIBILITY 180,000 = 630,000 in the conflict; the whole
    # scenario also needs one complaint-handling initiative, the cheapest is ESTATE-DESK 60,000
    assert "Raising budget from 500,000 to at least 690,000 EUR (+190,000)" in str(err)


def test_mandatory_in_exclusive_group() -> None:
    sc = random_scenario(3, n=6)
    ids = sc.ids
    rows = [
        i.model_copy(update={"exclusive_group": "g" if i.id in ids[:2] else ""})
        for i in sc.initiatives
    ]
    sc = sc.with_overrides(
        initiatives=rows,
        budget=1e12,
        force_in=ids[:2],
        opex_budget=1e12,
        teams={t: 1e9 for t in sc.teams},
        rules={"mandatory": ids[:2]},
    )
    with pytest.raises(px.InfeasibleError) as info:
        px.optimize(sc)
    assert set(info.value.conflict) == {
        "exclusive[g]",
        f"mandatory[{ids[0]}]",
        f"mandatory[{ids[1]}]",
    }
