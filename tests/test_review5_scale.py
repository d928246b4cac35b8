"""The optimum does not depend on the currency's scale: the retail bank with every amount
times 1,000 or 1,000,000 (KRW, IDR, a large JPY budget) gets the same portfolio as in euros.
Before, CBC returned a portfolio 5% short of the optimum as "optimal" at 1.59e9 and called a
feasible budget of 7e11 infeasible; a row past 2**24 now reaches the solver scaled by a power
of two.
And an optimum that is not positive (mandatory items with negative NPV) prints and writes its
spreadsheet-ranking comparison (before: a NaN that crashed ``--format json``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import prioritizer as px
from prioritizer.cli import cli
from prioritizer.result import SolverOptions
from prioritizer.solver.model import row_power_of_two

BANK = Path(__file__).parent.parent / "scenarios" / "retail_bank"
MONEY = ["cross_sell", "cost_savings", "cost", "opex"]


def scaled_bank(folder: Path, factor: float) -> Path:
    """The retail bank with every amount (money columns with their ranges, budgets, LTVs)
    multiplied by ``factor``."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = pd.read_csv(BANK / "initiatives.csv", dtype=str, keep_default_na=False)
    for column in frame.columns:
        if any(column == m or column.startswith(f"{m}_") for m in MONEY):
            frame[column] = [repr(float(v) * factor) if v else "" for v in frame[column]]
    frame.to_csv(folder / "initiatives.csv", index=False)
    text = (BANK / "scenario.yaml").read_text(encoding="utf-8")
    for key in ("budget", "opex_budget"):
        text = re.sub(
            rf"^({key}): (\d+)", lambda m: f"{m[1]}: {int(m[2]) * int(factor)}", text, flags=re.M
        )
    text = re.sub(r"ltv: (\d+)", lambda m: f"ltv: {int(m[1]) * int(factor)}", text)
    (folder / "scenario.yaml").write_text(text, encoding="utf-8")
    return folder / "scenario.yaml"


@pytest.mark.parametrize(("factor", "budget"), [(1_000, 1_590_000), (1_000_000, 700_000)])
@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_the_optimum_does_not_depend_on_the_currency_scale(
    tmp_path: Path, factor: int, budget: float, solver: str
) -> None:
    euros = px.load_scenario(BANK / "scenario.yaml").with_overrides(budget=budget)
    big = px.load_scenario(scaled_bank(tmp_path / "big", factor)).with_overrides(
        budget=budget * factor
    )
    options = SolverOptions(solver=solver)
    small_result = px.optimize(euros, options=options)
    big_result = px.optimize(big, options=options)
    assert small_result.status == big_result.status == "optimal"
    assert sorted(big_result.selected) == sorted(small_result.selected)
    assert big_result.objective == pytest.approx(small_result.objective, rel=1e-9)
    assert big_result.business_value == pytest.approx(small_result.business_value * factor)


@pytest.mark.parametrize("largest", [1.6e9, 2.0**24, 4.5e8, 1e12])
def test_large_rows_are_scaled_by_a_power_of_two_below_the_limit(largest: float) -> None:
    scale = row_power_of_two(np.array([largest, -largest / 3]))
    assert 2.0**23 <= largest * scale < 2.0**24
    assert np.log2(scale) == int(np.log2(scale))  # exact: a power of two


@pytest.mark.parametrize("largest", [0.0, 1.0, 0.75, 3.0, 2.5e-7, 123456.789, 2.0**24 - 1])
def test_rows_below_the_limit_are_left_as_they_are(largest: float) -> None:
    """Scaling every row changes CBC's search path on the roadmap benchmark."""
    assert row_power_of_two(np.array([largest])) == 1.0


def test_an_optimum_that_is_not_positive_prints_and_writes_the_ranking(tmp_path: Path) -> None:
    """At 700,000 only the mandatory items and one more fit: the combined score is -0.4%."""
    path = str(BANK / "scenario.yaml")
    out = CliRunner().invoke(cli, ["solve", path, "--budget", "700000", "--format", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["objective"] < 0
    assert payload["ranking_share_of_optimum"] is None
    text = CliRunner().invoke(cli, ["solve", path, "--budget", "700000"])
    assert text.exit_code == 0, text.output
    line = next(x for x in text.stdout.splitlines() if "Spreadsheet ranking" in x)
    assert "nan" not in line
    assert "of all value on the table against this optimum's −0.4% of all value" in line
    assert "the ranking's portfolio breaks a rule: at least 1 initiative(s)" in line
