"""Third input review: numbers and headers that were read 1000 times off, totals rows read as
initiatives, measured churn written as a fraction.

1. ``300.000`` in a money/count column of a decimal-point file (``300,000`` in a decimal-comma
   file) is refused with the file, row, column and both readings, as actuals already were.
2. Headers declaring a scale in common forms (``Cost savings (EUR k/yr)``, ``($000)``,
   ``(EUR mn)``...) and Excel formats showing one (``#,##0 "k€"``) are refused.
3. Totals rows labelled ``Portfolio total``, ``Σ``, ``All initiatives``, ``Overall``, or whose
   numbers add up the rows above, are skipped with a warning (``--strict`` refuses).
4. Measured churn of 0.008 under a pp column is read with a ``churn-fractions`` warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from prioritizer.cli import cli
from prioritizer.exceptions import ScenarioError
from prioritizer.inputs.scale import declares_scale, format_scale
from prioritizer.io import load_scenario
from prioritizer.tracking import read_actuals

SCENARIO = """\
name: Small
currency: EUR
initiatives: {table}
horizon_years: 3
budget: 250000
segments:
  all_c: {{customers: 100000, ltv: 1000}}
teams:
  digital: 350
"""
HEADER = "id,name,segment,voc_volume,ces_delta,churn_reduction_pp,cost_savings,cost,effort_digital"


def scenario(tmp_path: Path, table: str, text: str | bytes, extra: str = "") -> Path:
    """A scenario naming ``table`` (written with ``text``) in ``tmp_path``."""
    path = tmp_path / table
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    target = tmp_path / "scenario.yaml"
    target.write_text(SCENARIO.format(table=table) + extra, encoding="utf-8")
    return target


def validate(path: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["validate", str(path), *args])


def refused(result: Any) -> str:
    """The error output of a command that must exit 2 without a traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return str(result.stderr)


# -- 1. a mark before exactly three digits, read as the file's decimal mark ---------------
POINT_FILE = f"""{HEADER}
A,Alpha,all_c,1.000,1,0.5,10000,200000,100
B,Beta,all_c,500,0.5,1,0,300.000,200
C,Gamma,all_c,2.000,1,0.2,0,100000,100
"""


def test_thousands_point_in_a_decimal_point_file_is_refused(tmp_path: Path) -> None:
    """Before: cost 300.000 read as 300 and voc_volume 1.000 as 1, without a word."""
    err = refused(validate(scenario(tmp_path, "init.csv", POINT_FILE)))
    assert "init.csv row 3, column 'cost': '300.000' is ambiguous" in err
    assert "decimal point '.' (settled by the file's own numbers, e.g. '0.5')" in err
    assert "which makes it 300, but a point before exactly three digits" in err
    assert "write it as 300,000 or 300000 (or 300.00 if 300 is meant)" in err
    assert "set `initiatives: {decimal: ','}` in the scenario" in err
    assert "init.csv rows 2, 4, column 'voc_volume': '1.000' is ambiguous" in err


def test_thousands_comma_in_a_decimal_comma_file_is_refused(tmp_path: Path) -> None:
    """The mirror case: ``;`` file with decimal commas, cost 300,000 read as 300."""
    text = (
        "id;name;segment;churn_reduction_pp;cost;effort_digital\n"
        "A;Alpha;all_c;0,5;200000;100\n"
        "B;Beta;all_c;1;300,000;200\n"
    )
    err = refused(validate(scenario(tmp_path, "c.csv", text)))
    assert "c.csv row 3, column 'cost': '300,000' is ambiguous" in err
    assert "write it as 300.000 or 300000 (or 300,00 if 300 is meant)" in err
    assert "set `initiatives: {decimal: '.'}`" in err


def test_a_semicolon_file_with_a_thousands_comma_is_refused(tmp_path: Path) -> None:
    """Only the ';' delimiter says decimal comma: 300,000 is refused, not read as 300; the
    setting the message names reads it as meant."""
    text = "id;segment;cost;effort_digital\nA;all_c;200000;100\nB;all_c;300,000;200\n"
    err = refused(validate(scenario(tmp_path, "s.csv", text)))
    assert "s.csv row 3, column 'cost': '300,000' is ambiguous" in err
    assert "read with a decimal comma (from the ';' delimiter)" in err
    declared = scenario(tmp_path, "s.csv", text)
    declared.write_text(SCENARIO.format(table="{file: s.csv, decimal: '.'}"), encoding="utf-8")
    costs = [i.cost for i in load_scenario(declared).initiatives]
    assert costs == [200000.0, 300000.0]


def test_fractions_and_the_files_own_thousands_still_read(tmp_path: Path) -> None:
    """Not amounts (churn 1.250 pp, CES 2.125) are read by the convention; thousands in the
    file's own grouping mark (1.200.000,5 and 450.000 in a decimal-comma file) too."""
    point = (
        f"{HEADER}\n"
        "A,Alpha,all_c,1000,2.125,1.250,10000,200000,100\n"
        "B,Beta,all_c,500,0.5,0.5,0,300000.50,200\n"
    )
    items = load_scenario(scenario(tmp_path, "p.csv", point)).initiatives
    assert [(i.ces_delta, i.churn_reduction_pp) for i in items] == [(2.125, 1.25), (0.5, 0.5)]
    comma = (
        "id;segment;churn_reduction_pp;cost;effort_digital\n"
        "A;all_c;0,4;450.000;10\n"
        "B;all_c;1,5;1.200.000,5;15\n"
    )
    items = load_scenario(scenario(tmp_path, "d.csv", comma)).initiatives
    assert [i.cost for i in items] == [450000.0, 1200000.5]


def test_actuals_and_initiatives_say_it_alike(tmp_path: Path) -> None:
    """One rule and one message for both readers; the actuals' names `--decimal`."""
    path = tmp_path / "a.csv"
    path.write_text("id,status,spent,churn_reduction_pp\nA,live,150.000,0.4\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_actuals(path)
    [problem] = info.value.problems
    assert problem.where == "a.csv row 2, column 'spent'"
    assert "'150.000' is ambiguous: this file is read with a decimal point" in problem.message
    assert "--decimal ','" in problem.message and "initiatives:" not in problem.message


# -- 2. headers and Excel formats declaring a scale ---------------------------------------
SCALED_HEADERS = [
    "Cost savings (EUR k/yr)",
    "Cost savings (k€/yr)",
    "Cost savings (EUR k)",
    "Cost savings (€m)",
    "Cost savings (EUR thousands)",
    "Cost savings (k€ p.a.)",
    "Cost savings ($000)",
    "Cost savings (EURk)",
    "Cost savings (EUR mn)",
    "Cost savings (TEUR)",
    "Cost savings (EUR '000)",
    "Cost savings (Mio. €)",
]


@pytest.mark.parametrize("header", SCALED_HEADERS)
def test_headers_declaring_a_scale_are_refused(tmp_path: Path, header: str) -> None:
    """Before: read as full amounts, 250 for EUR 250,000 of savings."""
    text = f"id,segment,{header},cost,effort_digital\nA,all_c,250,200000,100\n"
    err = refused(validate(scenario(tmp_path, "h.csv", text)))
    assert f"h.csv column {header!r}" in err
    assert "thousands or millions" in err


@pytest.mark.parametrize(
    "header", ["Spent (EUR k)", "Actual spend (EUR thousands)", "Spent (k€)", "Spent ($000)"]
)
def test_actuals_headers_declaring_a_scale_are_refused(tmp_path: Path, header: str) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f'id,status,"{header}"\nA,live,310\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        read_actuals(path)
    [problem] = info.value.problems
    assert problem.where == f"a.csv column {header!r}"
    assert "thousands or millions" in problem.message


def test_a_quarters_spend_header_in_thousands_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        'id,quarter,status,"Spend in quarter (EUR k)"\nA,2027Q1,in_progress,40\n', encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as info:
        read_actuals(path)
    assert any("thousands or millions" in p.message for p in info.value.problems)


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Cost (EUR)", "cost"),
        ("Cost savings (EUR p.a.)", "cost_savings"),
        ("Opex (EUR/yr)", "opex"),
        ("Churn reduction (pp)", "churn_reduction_pp"),
        ("Effort Digital (days)", "effort_digital"),
        ("Duration (m)", "duration"),
        ("Ramp-up (mm)", "ramp_up"),
        ("Effort T (days)", "effort_t"),
        ("VoC volume", "voc_volume"),
        ("Cost (EUR, T-shirt estimate)", "cost"),
    ],
)
def test_headers_without_a_scale_pass(header: str, column: str) -> None:
    """Periodicity, months in time columns and a team called ``t`` are no scale."""
    assert declares_scale(header, column) is None


def test_a_team_named_like_a_scale_still_sees_a_scale_written_beside_it() -> None:
    assert declares_scale("Effort T (k days)", "effort_t") == "k"


def test_the_existing_header_refusal_kept(tmp_path: Path) -> None:
    text = "id,segment,Cost (k€),effort_digital\nA,all_c,450,100\n"
    err = refused(validate(scenario(tmp_path, "k.csv", text)))
    assert "k.csv column 'Cost (k€)'" in err and "thousands or millions" in err


def _xlsx(path: Path, rows: list[list[Any]], formats: dict[tuple[int, int], str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for (r, c), code in formats.items():
        sheet.cell(r, c).number_format = code
    book.save(path)


XLSX_ROWS: list[list[Any]] = [
    ["id", "name", "segment", "churn_reduction_pp", "cost_savings", "cost", "effort_digital"],
    ["A", "Alpha", "all_c", 0.1, 250, 200000, 100],
    ["B", "Beta", "all_c", 0.3, 40, 300000, 200],
]


def test_an_excel_format_showing_thousands_is_refused(tmp_path: Path) -> None:
    """Before: 250 formatted #,##0 "k€" (Excel shows "250 k€") read as EUR 250."""
    target = scenario(tmp_path, "v.xlsx", b"")
    _xlsx(tmp_path / "v.xlsx", XLSX_ROWS, {(2, 5): '#,##0 "k€"', (3, 5): '#,##0 "k€"'})
    err = refused(validate(target))
    assert "v.xlsx rows 2, 3, column 'cost_savings'" in err
    assert "formatted in Excel as '#,##0 \"k€\"'" in err
    assert "type the full amount (e.g. 250000)" in err


def test_an_excel_format_dividing_by_its_commas_is_read(tmp_path: Path) -> None:
    """#,##0,"k" shows 250000 as "250k": the stored number is the full amount."""
    rows = [list(r) for r in XLSX_ROWS]
    rows[1][4], rows[2][4] = 250000, 40000
    target = scenario(tmp_path, "w.xlsx", b"")
    _xlsx(tmp_path / "w.xlsx", rows, {(2, 5): '#,##0,"k"', (3, 5): '#,##0.0,,"M"'})
    items = load_scenario(target).initiatives
    assert [i.cost_savings for i in items] == [250000.0, 40000.0]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('#,##0 "k€"', ("k€", 1000)),
        ("#,##0\\ \\k\\€", ("k€", 1000)),
        ('#,##0.0 "Mio"', ("Mio", 1000000)),
        ('#,##0,"M"', ("M", 1000)),
        ('[Red]#,##0 "T€";[Blue]-#,##0 "T€"', ("T€", 1000)),
        ('#,##0,"k"', None),
        ('#,##0,,"M"', None),
        ('#,##0 "€"', None),
        ("[$€-407] #,##0", None),
        ("#,##0", None),
        ("dd/mm/yyyy", None),
    ],
)
def test_format_scale(code: str, expected: tuple[str, int] | None) -> None:
    assert format_scale(code) == expected


def test_actuals_in_a_format_showing_thousands_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    _xlsx(path, [["id", "status", "spent"], ["A", "live", 310]], {(2, 3): '#,##0 "k€"'})
    with pytest.raises(ScenarioError) as info:
        read_actuals(path)
    [problem] = info.value.problems
    assert problem.where == "a.xlsx row 2, column 'spent'"
    assert "'#,##0 \"k€\"'" in problem.message


# -- 3. totals rows -----------------------------------------------------------------------
BASE_ROWS: list[list[Any]] = [
    ["id", "name", "segment", "voc_volume", "cost_savings", "cost", "opex", "effort_digital"],
    ["A", "Alpha", "all_c", 1000, 10000, 200000, 5000, 100],
    ["B", "Beta", "all_c", 500, 0, 300000, 0, 200],
    ["C", "Gamma", "all_c", 2000, 0, 100000, 1000, 100],
]
TOTALS = [None, None, 3500, 10000, 600000, 6000, 400]


@pytest.mark.parametrize(
    ("label", "segment"),
    [
        ("Portfolio total", None),
        ("Σ", None),
        ("All initiatives", None),
        ("Overall", "all_c"),
        ("Portfolio total", "all_c"),  # ends in "total": skipped as its numbers add up
        (None, None),  # no label at all: its numbers add up the rows above
    ],
)
def test_a_totals_row_is_skipped_with_a_warning(
    tmp_path: Path, label: str | None, segment: str | None
) -> None:
    """Before: the totals row became a fourth initiative, doubling cost and demand."""
    total = [label, None, segment, *TOTALS[2:]]
    target = scenario(tmp_path, "t.xlsx", b"", "defaults: {segment: all}\n")
    _xlsx(tmp_path / "t.xlsx", [*BASE_ROWS, total], {})
    sc = load_scenario(target)
    assert [i.id for i in sc.initiatives] == ["A", "B", "C"]
    assert sum(i.cost for i in sc.initiatives) == 600000.0
    [warning] = [w for w in sc.warnings if w.code == "total-rows"]
    assert warning.where == "t.xlsx row 5"
    strict = refused(validate(target, "--strict"))
    assert "t.xlsx row 5" in strict


def test_a_subtotal_and_a_grand_total_in_a_csv(tmp_path: Path) -> None:
    text = (
        "id,segment,cost,voc_volume,effort_digital\n"
        "A,all_c,100,10,1\n"
        "B,all_c,200,20,2\n"
        ",,300,30,3\n"
        "C,all_c,50,5,1\n"
        "D,all_c,70,6,2\n"
        "Group 2 total,,120,11,3\n"
        "All,,420,41,6\n"
    )
    sc = load_scenario(scenario(tmp_path, "g.csv", text))
    assert [i.id for i in sc.initiatives] == ["A", "B", "C", "D"]
    totals = [w for w in sc.warnings if w.code == "total-rows"]
    # rows 4 and 7 by their numbers, row 8 ("All") by its label
    assert sorted(w.where for w in totals) == ["g.csv row 4", "g.csv row 7", "g.csv row 8"]
    assert any("are the sums of rows 2-3 above" in w.message for w in totals)


def test_an_initiative_whose_numbers_add_up_is_read_with_a_warning(tmp_path: Path) -> None:
    """Round estimates add up (50k + 50k = 100k): an initiative with its own id is read, and
    a warning says it may be a total line; ids ending in "total" or "sum" that do not add up
    are initiatives too."""
    text = (
        "id,name,segment,voc_volume,cost,effort_digital\n"
        "FAQ-REWRITE,Rewrite FAQ,all_c,200,50000,20\n"
        "CHAT-HOURS,Longer chat hours,all_c,300,50000,20\n"
        "SELF-SERVICE,Self-service portal,all_c,500,100000,40\n"
        "Show basket total,Basket,all_c,10,20000,5\n"
        "Lump sum,Lump-sum payoff,all_c,20,30000,5\n"
    )
    target = scenario(tmp_path, "r.csv", text)
    sc = load_scenario(target)
    assert [i.id for i in sc.initiatives] == [
        "FAQ-REWRITE",
        "CHAT-HOURS",
        "SELF-SERVICE",
        "Show basket total",
        "Lump sum",
    ]
    [warning] = [w for w in sc.warnings if w.code in ("sum-row", "total-rows")]
    assert warning.code == "sum-row" and warning.where == "r.csv row 4"
    assert "read as the initiative 'SELF-SERVICE'" in warning.message
    assert "r.csv row 4" in refused(validate(target, "--strict"))


def test_rows_that_do_not_add_up_stay_initiatives(tmp_path: Path) -> None:
    """A row equal to the sum in one column only, or the second row, is an initiative;
    an id such as OVERALL-NPS is no total label."""
    text = (
        "id,segment,cost,voc_volume,effort_digital\n"
        "A,all_c,100,10,1\n"
        "B,all_c,100,10,1\n"
        "C,all_c,200,20,5\n"
        "OVERALL-NPS,all_c,10,1,1\n"
    )
    sc = load_scenario(scenario(tmp_path, "n.csv", text))
    assert [i.id for i in sc.initiatives] == ["A", "B", "C", "OVERALL-NPS"]
    assert not [w for w in sc.warnings if w.code == "total-rows"]


def test_a_totals_row_with_a_refused_cell_leaves_no_error(tmp_path: Path) -> None:
    """The skipped row's cells are not refused (it is no initiative): neither its blank
    segment nor the Excel error in its name."""
    text = (
        "id,name,segment,cost,voc_volume,effort_digital\n"
        "A,Alpha,all_c,100,10,1\n"
        "B,Beta,all_c,200,20,2\n"
        "Portfolio total,#N/A,,300,30,3\n"
    )
    sc = load_scenario(scenario(tmp_path, "e.csv", text))
    assert [i.id for i in sc.initiatives] == ["A", "B"]


# -- 4. measured churn written as a fraction ------------------------------------------------
@pytest.mark.parametrize(
    ("measured", "warned"),
    [("0.008", True), ("-0.01", True), ("0.045", False), ("0.8", False), ("0.0", False)],
)
def test_track_warns_of_measured_churn_written_as_a_fraction(
    tmp_path: Path, measured: str, warned: bool
) -> None:
    """B's churn is forecast at 0.8 pp: a measured 0.008 (0.8 % as a fraction) is a
    twentieth of it or less and is read with a warning; C's forecast is 0.08 pp, so a real
    small measurement such as 0.04 pp is not flagged."""
    init = (
        "id,segment,churn_reduction_pp,cost,effort_digital\n"
        "B,all_c,0.8,100000,100\nC,all_c,0.08,100000,100\n"
    )
    target = scenario(tmp_path, "i.csv", init)
    out = tmp_path / "plan"
    solved = CliRunner().invoke(cli, ["solve", str(target), "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    actuals = tmp_path / "act.csv"
    actuals.write_text(
        "id,status,spent,go_live,churn_reduction_pp\n"
        f"B,live,95000,2027-06-30,{measured}\nC,live,95000,2027-06-30,0.04\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["track", str(out / "solution.json"), str(actuals), "--as-of", "2027-12-31"]
    )
    assert result.exit_code == 0, result.output
    line = (
        f"warning: act.csv row 2: measured churn a twentieth of its forecast or less (B {measured}"
    )
    assert (line in result.stderr) == warned, result.stderr
    assert "C 0.04 pp" not in result.stderr


def test_a_lone_m_says_millions_or_per_month(tmp_path: Path) -> None:
    """``Opex (EUR/m)`` is refused (a monthly amount would be read as yearly, a million-scaled
    one 10^6 too small); the message gives both readings, not just "thousands or millions"."""
    text = "id,segment,cost,Opex (EUR/m),effort_digital\nA,all_c,450000,2000,100\n"
    err = refused(validate(scenario(tmp_path, "m.csv", text)))
    assert "m.csv column 'Opex (EUR/m)'" in err
    assert "reads as millions or as per month" in err and "a year" in err
