"""`prioritizer track` fifth review (a PMO's messy exports): a "to date" spend column in a
per-period table is refused (running totals would be added up); spend and money measured in
thousands under a plain header, churn 20 times its forecast, and a go-live years before the
status date are read with a warning; spend outside the plan counts in the budget line and the
burn chart's title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_track_review2_fixes import run_track, write

from prioritizer.exceptions import ScenarioError
from prioritizer.tracking import read_actuals, track


def codes(t: Any) -> dict[str, str]:
    return {w.code: w.message for w in t.warnings}


@pytest.mark.parametrize(
    "header", ["Spent to date (EUR)", "Cumulative spend", "Spent YTD", "cost_to_date EUR"]
)
def test_a_spend_so_far_column_in_a_per_period_table_is_refused(
    tmp_path: Path, header: str
) -> None:
    """Before: the running totals 240,000 / 490,000 / 535,000 / 535,000 were added up to
    1,800,000 spent on an initiative that had spent 535,000."""
    path = write(
        tmp_path,
        f"id,quarter,status,{header},go_live\n"
        "KYC-REFRESH,2027Q1,in_progress,240000,\n"
        "KYC-REFRESH,2027Q2,in_progress,490000,\n"
        "KYC-REFRESH,2027Q3,live,535000,2027-08-15\n"
        "KYC-REFRESH,2027Q4,live,535000,\n",
    )
    with pytest.raises(ScenarioError) as info:
        read_actuals(path)
    text = str(info.value)
    assert f"actuals.csv column {header!r}" in text
    assert "is the spend so far" in text and "('quarter')" in text
    assert "spend_in_period" in text
    # the same header without a period column is the spend to date, as before
    single = write(tmp_path, f"id,status,{header}\nKYC-REFRESH,live,535000\n", "one.csv")
    assert read_actuals(single).rows["KYC-REFRESH"].spent == 535000
    # and a per-period table's plain `spent` is the spend in each period, added up
    plain = write(
        tmp_path,
        "id,quarter,status,spent\nKYC-REFRESH,2027Q1,in_progress,240000\n"
        "KYC-REFRESH,2027Q2,live,250000\n",
        "plain.csv",
    )
    assert read_actuals(plain).rows["KYC-REFRESH"].spent == 490000


def test_amounts_in_thousands_under_a_plain_header_are_said(
    bank_plan: Path, tmp_path: Path
) -> None:
    """Before: 'On track ... EUR 1,690 spent of EUR 2,990,000' and no warning."""
    path = write(
        tmp_path,
        "id,status,spent,go_live,cost_savings,opex\n"
        "KYC-REFRESH,live,495,2027-06-30,48,30\n"
        "COMPLAINT-HUB,live,470,2027-05-15,150,52\n"
        "ONB-DIGITAL,in_progress,540,,,\n",
    )
    said = codes(track(bank_plan, path, as_of="2027-12-31"))
    assert "amounts-look-thousands" in said
    out = run_track(bank_plan, path)
    assert out.exit_code == 0, out.output
    assert "the spend to date is at most 1/200 of the plan on every initiative" in out.stderr
    assert "KYC-REFRESH 495 against 450,000" in out.stderr
    assert "measured cost savings is at most 1/200" in out.stderr
    assert "measured running cost is at most 1/200" in out.stderr


def test_full_amounts_and_one_early_small_spend_are_not_flagged(
    bank_plan: Path, tmp_path: Path
) -> None:
    """One initiative that has barely started beside others in full amounts: no warning."""
    path = write(
        tmp_path,
        "id,status,spent,go_live,cost_savings\n"
        "KYC-REFRESH,live,495000,2027-06-30,48000\n"
        "ONB-DIGITAL,in_progress,540,,\n",
    )
    assert "amounts-look-thousands" not in codes(track(bank_plan, path, as_of="2027-12-31"))


def test_churn_twenty_times_its_forecast_is_said(bank_plan: Path, tmp_path: Path) -> None:
    """CARD-FREEZE's forecast is 0.03 pp; '3%' reads as 3 pp (100 times): realization 10,000%
    and an NPV of millions, before without a word."""
    path = write(tmp_path, "id,status,spent,churn_reduction_pp\nCARD-FREEZE,live,110000,3%\n")
    said = codes(track(bank_plan, path, as_of="2027-12-31"))
    assert "CARD-FREEZE 3 pp against 0.03 pp" in said["churn-too-large"]
    near = write(tmp_path, "id,status,spent,churn_reduction_pp\nCARD-FREEZE,live,1,0.05\n", "n.csv")
    assert "churn-too-large" not in codes(track(bank_plan, near, as_of="2027-12-31"))


def test_a_go_live_longer_ago_than_the_horizon_is_said(bank_plan: Path, tmp_path: Path) -> None:
    """A plan from `solve --out` has no approval date to refuse it against: 2017-04-01 (for
    2027) counted 10.76 years live on a 3-year horizon, without a word."""
    path = write(
        tmp_path,
        "id,status,spent,go_live,cost_savings\nCARD-FREEZE,live,110000,2017-04-01,120000\n",
    )
    out = run_track(bank_plan, path)
    assert out.exit_code == 0, out.output
    assert "went live more than the plan's 3-year horizon before the status date" in out.stderr
    assert "CARD-FREEZE (2017-04-01)" in out.stderr
    recent = write(
        tmp_path,
        "id,status,spent,go_live,cost_savings\nCARD-FREEZE,live,110000,2027-04-01,120000\n",
        "recent.csv",
    )
    assert "go-live-long-ago" not in codes(track(bank_plan, recent, as_of="2027-12-31"))


def test_spend_outside_the_plan_counts_in_the_budget_line_and_the_burn_title(
    bank_plan: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "id,status,spent,go_live\nKYC-REFRESH,live,495000,2027-06-30\n"
        "IVR-REDESIGN,live,50000,2027-06-01\nCHATBOT-BUY,cancelled,30000,\n",
    )
    out = run_track(bank_plan, path)
    assert out.exit_code == 0, out.output
    t = track(bank_plan, path, as_of="2027-12-31")
    at_completion = float(t.totals["cost_at_completion"])
    line = next(x for x in out.stdout.splitlines() if x.startswith("Budget burn:"))
    assert (
        f"estimate at completion EUR {at_completion:,.0f}, EUR {at_completion + 80000:,.0f} "
        "with the EUR 80,000 spent outside the plan" in line
    )
    title = t.chart_finding("burn").text
    assert "(+ €80k outside the plan)" in title
    assert t.chart_finding("burn").numbers["spent_off_plan"] == 80000


def test_different_bad_values_are_not_called_the_same(tmp_path: Path) -> None:
    """Before: "found 'abc' (the same in 1 more row)" where row 3 held 'xyz'."""
    path = write(
        tmp_path,
        "id,status,spent\nKYC-REFRESH,live,abc\nCARD-FREEZE,live,xyz\nFEE-CLARITY,live,abc\n",
    )
    with pytest.raises(ScenarioError) as info:
        read_actuals(path)
    text = str(info.value)
    assert "rows 2-4" in text or "rows 2, 3, 4" in text
    assert "the same in" not in text
    assert "(row 2; 2 more rows of this kind)" in text
    same = write(tmp_path, "id,status,spent\nKYC-REFRESH,live,abc\nCARD-FREEZE,live,abc\n", "s.csv")
    with pytest.raises(ScenarioError) as info:
        read_actuals(same)
    assert "(the same in 1 more row)" in str(info.value)
