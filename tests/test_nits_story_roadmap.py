"""Small promises of the story and the roadmap tables: a list that is cut says how many it
leaves out; a cost of delay that cannot happen is not shown as one."""

from __future__ import annotations

from typing import Any

import pandas as pd

import prioritizer as px
from prioritizer.report.story import risk_findings


class _FragileRun:
    """A Monte Carlo stand-in: ``n`` fragile picks of the portfolio, one core one."""

    core_threshold = 0.9
    feasible_draws = 100

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "name": [f"Name {i}" for i in self.ids],
                "in_base_portfolio": True,
                "class": ["fragile"] * (len(self.ids) - 1) + ["core"],
                "selection_frequency": [0.5 + 0.05 * k for k in range(len(self.ids))],
            },
            index=self.ids,
        )

    def portfolio_distribution(self) -> pd.DataFrame:
        return pd.DataFrame()


def test_fragile_picks_say_how_many_are_not_named(tiny: px.Scenario) -> None:
    result = px.optimize(tiny)
    ids = [f"I{k}" for k in range(7)]  # six fragile, one core
    finding: Any = risk_findings(result, {"montecarlo": _FragileRun(ids)})[0]
    text = finding.text
    assert text.startswith("6 of ")
    named = [i for i in ids if f"Name {i} (" in text]
    assert named == ids[:4]
    assert text.endswith("and 2 more"), text
    five: Any = risk_findings(result, {"montecarlo": _FragileRun(ids[:5])})[0]
    assert "more" not in five.text and all(f"Name {i} (" in five.text for i in ids[:4])


def test_explain_says_the_real_npv_change_of_forcing_an_initiative_in() -> None:
    """Blended mode: the NPV a forced-in initiative costs is the forced portfolio's NPV less
    the recommendation's (re-solved here independently), not the score margin in NPV units."""
    from pathlib import Path

    sc = px.load_scenario(Path(__file__).parent.parent / "scenarios/retail_bank/scenario.yaml")
    base = px.optimize(sc)
    out = next(i for i in sc.ids if i not in base.selected and i not in sc.mandatory_ids())
    forced = px.optimize(sc.with_overrides(force_in=[out]))
    change = forced.business_value - base.business_value
    sentence = px.explain(sc, out).sentences()[out]
    words = (
        f"the NPV by {sc.currency} {-change:,.0f}"
        if change <= 0
        else f"while the NPV rises by {sc.currency} {change:,.0f}"
    )
    assert words in sentence, sentence
    assert "about" not in sentence
