"""`prioritizer track` review fixes: benefit realization of a net cost (a negative forecast)
reads the right way in the table, the roll-ups, the findings and both charts; the pillar
chart has one tick per bar; the headline says "On track" only when it is; the forecast-vs-
measured chart shows every point inside its axes. Numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from matplotlib.colors import to_hex

import prioritizer as px
from prioritizer.cli.track import tracking_table
from prioritizer.plots.style import BLUE, VERMILLION
from prioritizer.tracking import Plan, track
from prioritizer.tracking.track import Tracking, benefit_realization

matplotlib.use("Agg")

AS_OF = dt.date(2027, 12, 31)


def scenario_dict() -> dict[str, Any]:
    """A = 2 (horizon 2, no discount); both initiatives are chosen (KYC is mandatory).

    GROW (ease): annual benefit 50,000 (savings), NPV 2 * 50,000 - 20,000 = 80,000.
    KYC (trust, regulatory): annual benefit -10,000 (opex only), NPV -20,000 - 10,000 = -30,000.
    Portfolio NPV forecast: 50,000.
    """
    return {
        "name": "review",
        "budget": 100000,
        "horizon_years": 2,
        "segments": {"everyone": {"customers": 10000, "ltv": 200}},
        "teams": {"dev": 100},
        "objective": {"mode": "business"},
        "initiatives": [
            {
                "id": "GROW",
                "name": "Grow savings",
                "pillar": "ease",
                "journey_stage": "usage",
                "cost_savings": 50000,
                "cost": 20000,
                "effort_dev": 10,
            },
            {
                "id": "KYC",
                "name": "Regulatory KYC",
                "pillar": "trust",
                "journey_stage": "onboarding",
                "opex": 10000,
                "cost": 10000,
                "mandatory": True,
                "effort_dev": 10,
            },
        ],
    }


@pytest.fixture(scope="module")
def plan() -> Plan:
    res = px.optimize(px.scenario_from_mapping(scenario_dict()))
    assert sorted(res.selected) == ["GROW", "KYC"]
    return Plan.from_result(res)


def tracked(plan: Plan, tmp_path: Path, rows: list[str]) -> Tracking:
    path = tmp_path / "actuals.csv"
    head = "id,status,spent,go_live,cost_savings,opex\n"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    return track(plan, path, as_of=AS_OF)


BETTER = [  # KYC's opex 8,000: a smaller net cost than the 10,000 forecast
    "GROW,live,20000,2027-03-01,40000,",
    "KYC,live,10000,2027-03-01,,8000",
]
WORSE = [  # KYC's opex 12,000: a bigger net cost; GROW 45,000 of 50,000
    "GROW,live,20000,2027-03-01,45000,",
    "KYC,live,10000,2027-03-01,,12000",
]


def test_benefit_realization_reads_the_same_way_whatever_the_sign() -> None:
    assert benefit_realization(40000, 50000) == pytest.approx(0.8)
    assert benefit_realization(60000, 50000) == pytest.approx(1.2)
    assert benefit_realization(-8000, -10000) == pytest.approx(1.2)  # less net cost: better
    assert benefit_realization(-12000, -10000) == pytest.approx(0.8)  # more net cost: worse
    assert benefit_realization(5000, -10000) == pytest.approx(2.5)  # a gain instead of a cost
    assert benefit_realization(None, 10000) is None
    assert benefit_realization(100, 0) is None


def test_net_cost_better_than_forecast_is_above_100_percent(plan: Plan, tmp_path: Path) -> None:
    t = tracked(plan, tmp_path, BETTER)
    kyc = t.initiatives.loc["KYC"]
    assert kyc["annual_benefit_forecast"] == pytest.approx(-10000)
    assert kyc["annual_benefit_actual"] == pytest.approx(-8000)
    assert kyc["benefit_realization"] == pytest.approx(1.2)  # was 0.8: -8,000 / -10,000
    assert kyc["opex_realization"] == pytest.approx(0.8)  # the field's scale factor stays
    assert t.initiatives.loc["GROW", "benefit_realization"] == pytest.approx(0.8)
    assert t.by_pillar.loc["trust", "benefit_realization"] == pytest.approx(1.2)
    assert t.by_pillar.loc["ease", "benefit_realization"] == pytest.approx(0.8)
    # one team: (40,000 - 8,000) against (50,000 - 10,000) = 80%
    assert t.by_team.loc["dev", "benefit_realization"] == pytest.approx(0.8)
    assert t.by_journey_stage.loc["onboarding", "benefit_realization"] == pytest.approx(1.2)
    table = tracking_table(t)
    kyc_line = next(line for line in table.splitlines() if line.startswith("KYC"))
    assert "120%" in kyc_line and "80%" not in kyc_line
    assert "trust: spent 10,000 of 10,000, benefit 120%" in table
    assert "ease: spent 20,000 of 20,000, benefit 80%" in table
    # the findings agree: GROW is the one short (y < x), the total 32,000 of 40,000
    real = t.chart_finding("realization")
    assert real.text == (
        "Did we deliver? 1 of 2 measured initiatives fall short; together 80% of the "
        "forecast benefit"
    )
    assert real.numbers["below_forecast"] == 1
    assert real.numbers["benefit_share"] == pytest.approx(0.8)
    pillar = t.chart_finding("pillar")
    assert pillar.text == "Ease delivers 80% of its forecast benefit, the lowest of the pillars"


def test_net_cost_worse_than_forecast_is_below_100_percent(plan: Plan, tmp_path: Path) -> None:
    t = tracked(plan, tmp_path, WORSE)
    assert t.initiatives.loc["KYC", "benefit_realization"] == pytest.approx(0.8)  # was 1.2
    assert t.initiatives.loc["GROW", "benefit_realization"] == pytest.approx(0.9)
    assert t.by_pillar.loc["trust", "benefit_realization"] == pytest.approx(0.8)
    pillar = t.chart_finding("pillar")
    assert pillar.numbers == {"pillar": "trust", "benefit_realization": pytest.approx(0.8)}
    assert pillar.text == (
        "Trust is €2k a year worse than its forecast net benefit, the lowest of the pillars"
    )
    assert "trust: spent 10,000 of 10,000, benefit 80%" in tracking_table(t)


def test_only_a_net_cost_measured_is_said_as_a_difference(plan: Plan, tmp_path: Path) -> None:
    t = tracked(plan, tmp_path, ["GROW,in progress,5000,,,", "KYC,live,10000,2027-03-01,,12000"])
    real = t.chart_finding("realization")
    assert real.text == (
        "Did we deliver? 1 of 1 measured initiatives fall short; together €2k a year worse "
        "than the forecast net benefit"
    )
    assert real.numbers["benefit_share"] == pytest.approx(0.8)
    pillar = t.chart_finding("pillar")
    assert pillar.text == (
        "Trust is €2k a year worse than its forecast net benefit, the only pillar measured"
    )


def _bars(ax: Any) -> list[tuple[float, str]]:
    return [(p.get_width(), to_hex(p.get_facecolor())) for p in ax.patches]


@pytest.mark.parametrize("rows", [BETTER, WORSE], ids=["better", "worse"])
def test_charts_agree_with_the_table(plan: Plan, tmp_path: Path, rows: list[str]) -> None:
    t = tracked(plan, tmp_path, rows)
    ax = t.plot(kind="pillar")
    # one tick per bar, set explicitly (the shared locator used to add half-step ticks)
    expected = t.by_pillar["benefit_realization"].astype(float).sort_values()
    assert list(ax.get_yticks()) == [0, 1]
    assert [x.get_text() for x in ax.get_yticklabels()] == [
        str(p).capitalize() for p in expected.index
    ]
    for (width, colour), value in zip(_bars(ax), expected, strict=True):
        assert width == pytest.approx(value)
        assert (colour == BLUE.lower()) == (value >= 1.0)
        assert (colour == VERMILLION.lower()) == (value < 0.9)
    ax.figure.clf()
    # the scatter colours a point below the diagonal vermillion: the same verdict
    ax = t.plot(kind="realization")
    colours = [to_hex(c) for c in ax.collections[0].get_facecolors()]
    frame = t.initiatives[t.initiatives["annual_benefit_actual"].notna()]
    for colour, real in zip(colours, frame["benefit_realization"], strict=True):
        assert (colour == VERMILLION.lower()) == (real < 1.0)
    ax.figure.clf()


def test_pillar_chart_ticks_with_many_pillars_and_a_negative_bar() -> None:
    import pandas as pd

    from prioritizer.plots.tracking import plot_realization_by_pillar

    table = pd.DataFrame(
        {"benefit_realization": [1.3, -0.4, 0.95, None]},
        index=pd.Index(["speed", "trust", "ease", "empathy"], name="pillar"),
    )
    ax = plot_realization_by_pillar(table, title="t")
    assert list(ax.get_yticks()) == [0, 1, 2]
    assert [x.get_text() for x in ax.get_yticklabels()] == ["Trust", "Ease", "Speed"]
    low, high = ax.get_xlim()
    assert low < -0.4 and high > 1.3  # every bar and its value label inside
    assert [t.get_text() for t in ax.texts] == [" −40% ", " 95% ", " 130% "]
    ax.figure.clf()


@pytest.mark.parametrize(
    ("rows", "points"),
    [
        (WORSE, [(50000, 45000), (-10000, -12000)]),
        (["GROW,in progress,5000,,,", "KYC,live,10000,2027-03-01,,12000"], [(-10000, -12000)]),
    ],
    ids=["mixed", "only-negative"],
)
def test_realization_chart_shows_every_point_with_a_margin(
    plan: Plan, tmp_path: Path, rows: list[str], points: list[tuple[float, float]]
) -> None:
    t = tracked(plan, tmp_path, rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = t.plot(kind="realization")
        ax.figure.canvas.draw()
    assert not [w for w in caught if "constrained_layout" in str(w.message)]
    values = [v for p in points for v in p] + [0.0]
    low, high = min(values), max(values)
    span = high - low
    for lim in (ax.get_xlim(), ax.get_ylim()):
        # 6% of the span below (was: the lowest point on the edge), 18% above
        assert lim[0] == pytest.approx(low - 0.06 * span)
        assert lim[1] == pytest.approx(high + 0.18 * span)
    offsets = ax.collections[0].get_offsets().tolist()
    assert offsets == [list(p) for p in points]
    # the title is laid out on at most two lines (a late title used to wrap one word a line)
    renderer = ax.figure.canvas.get_renderer()
    title = ax.get_title(loc="left")
    assert title == t.chart_finding("realization").text
    box = ax._left_title.get_window_extent(renderer)
    assert box.height < 3 * 18 * ax.figure.dpi / 72
    ax.figure.clf()


def test_headline_says_heading_for_below_the_forecast(plan: Plan, tmp_path: Path) -> None:
    t = tracked(plan, tmp_path, BETTER)
    # GROW 2 * 40,000 - 20,000 = 60,000; KYC 2 * -8,000 - 10,000 = -26,000: 34,000 of 50,000
    assert t.totals["npv_forecast"] == pytest.approx(50000)
    assert t.totals["npv_expected"] == pytest.approx(34000)
    finding = t.finding()
    assert finding.text == (
        "Heading for EUR 34,000 of the EUR 50,000 NPV forecast (68%); EUR 30,000 spent of "
        "EUR 30,000 planned; 0 late"
    )
    assert finding.numbers["npv_share"] == pytest.approx(0.68)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (  # all as forecast: 80,000 - 30,000
            ["GROW,live,20000,2027-03-01,50000,", "KYC,live,10000,2027-03-01,,10000"],
            "On track for EUR 50,000 of the EUR 50,000 NPV forecast (100%)",
        ),
        (  # better: 2 * 55,000 - 20,000 - 30,000 = 60,000
            ["GROW,live,20000,2027-03-01,55000,", "KYC,live,10000,2027-03-01,,10000"],
            "On track for EUR 60,000 of the EUR 50,000 NPV forecast (120%)",
        ),
        (  # 2 * 49,000 - 20,000 - 30,000 = 48,000: 96%, not on track
            ["GROW,live,20000,2027-03-01,49000,", "KYC,live,10000,2027-03-01,,10000"],
            "Heading for EUR 48,000 of the EUR 50,000 NPV forecast (96%)",
        ),
    ],
)
def test_on_track_only_at_the_forecast(
    plan: Plan, tmp_path: Path, rows: list[str], expected: str
) -> None:
    assert tracked(plan, tmp_path, rows).finding().text.startswith(expected + ";")


def test_headline_of_a_plan_forecast_at_a_net_cost(tmp_path: Path) -> None:
    data = scenario_dict()
    data["initiatives"] = [data["initiatives"][1]]  # KYC alone: NPV forecast -30,000
    plan = Plan.from_result(px.optimize(px.scenario_from_mapping(data)))
    t = tracked(plan, tmp_path, ["KYC,live,10000,2027-03-01,,8000"])  # -26,000
    assert t.finding().text.startswith(
        "On track for an NPV of EUR -26,000 against EUR -30,000 forecast;"
    )
    assert t.finding().numbers["npv_share"] == pytest.approx(1 + 4000 / 30000)
    t = tracked(plan, tmp_path, ["KYC,live,10000,2027-03-01,,12000"])  # -34,000
    assert t.finding().text.startswith(
        "Heading for an NPV of EUR -34,000 against EUR -30,000 forecast;"
    )
