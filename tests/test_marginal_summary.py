"""The marginal-values summary says why a binding limit gains nothing from more of it, and
names a limit worth relaxing that is not binding (re-derived by independent solves)."""

from __future__ import annotations

from pathlib import Path

import pytest

import prioritizer as px

BANK = Path(__file__).parent.parent / "scenarios" / "retail_bank" / "scenario.yaml"


def test_marginal_summary_lines_are_re_derived() -> None:
    sc = px.load_scenario(BANK)
    base = px.optimize(sc)
    limits = base.limits()
    lines = px.marginal_values(sc).summary()
    # operations is binding, yet even unlimited it brings nothing in
    assert bool(limits.loc["team:operations", "binding"])
    unlimited = px.optimize(sc.with_overrides(teams={**sc.teams, "operations": 1e9}))
    assert unlimited.objective == pytest.approx(base.objective, rel=1e-9)
    assert any(
        line.strip().startswith("Operations team: more of it alone brings nothing in")
        for line in lines
    ), lines
    # contact centre is not binding, yet 10% more improves the optimum
    assert not bool(limits.loc["team:contact_centre", "binding"])
    more = sc.teams["contact_centre"] * 1.1
    relaxed = px.optimize(sc.with_overrides(teams={**sc.teams, "contact_centre": more}))
    assert relaxed.objective > base.objective * (1 + 1e-9)
    assert any("Not binding, yet worth relaxing: Contact centre team" in line for line in lines)
