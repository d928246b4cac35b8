"""The export-habits corpus: one backlog written the many ways real spreadsheets look.

Each case names the state it must end in: ``read`` (exact numbers asserted, no warning),
``warned`` (exact numbers and the warning code) or ``refused`` (exit 2, a located message).
The backlog (two initiatives) is small on purpose: every value is checked.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

YAML = """\
name: corpus
budget: 1000000
segments:
  mass: {customers: 900000, ltv: 300}
  premium: {customers: 40000, ltv: 5000}
teams: {digital: 30}
initiatives: initiatives.csv
"""
HEADER = ["id", "name", "segment", "cost", "churn_reduction_pp", "voc_volume", "effort_digital"]
ROWS = [
    ["A", "Alpha", "mass", "450000", "0.4", "1200", "20"],
    ["B", "Beta", "premium", "1200000.5", "1.5", "300", "15"],
]
EXPECTED = {
    "A": {"cost": 450000.0, "churn_reduction_pp": 0.4, "voc_volume": 1200.0, "effort": 20.0},
    "B": {"cost": 1200000.5, "churn_reduction_pp": 1.5, "voc_volume": 300.0, "effort": 15.0},
}


@dataclass
class Case:
    """One export habit and the state it must end in."""

    family: str
    state: str  # read | warned | refused
    files: dict[str, str | bytes]
    expected: dict[str, dict[str, float]] | None = None
    fragment: str = ""  # refused: in the message; warned: the warning code
    yaml: str = YAML
    extra: dict[str, Any] = field(default_factory=dict)


def csv_text(rows: list[list[str]], sep: str = ",", header: list[str] = HEADER) -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if (sep in v or '"' in v) else v

    return "\n".join(sep.join(cell(c) for c in r) for r in [header, *rows]) + "\n"


def swap(rows: list[list[str]], column: str, values: tuple[str, str]) -> list[list[str]]:
    k = HEADER.index(column)
    out = [list(r) for r in rows]
    out[0][k], out[1][k] = values
    return out


def xlsx(
    build: Callable[[Any], None] | None = None,
    *,
    rows: list[list[Any]] | None = None,
    title: str = "Initiatives",
) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    if rows is None:
        rows = [HEADER, *[[_num(c) for c in r] for r in ROWS]]
    for r in rows:
        ws.append(r)
    if build is not None:
        build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _num(text: str) -> Any:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def with_table(name: str, content: str | bytes, yaml: str = YAML, **extra: str) -> dict[str, Any]:
    files: dict[str, Any] = {name: content, "scenario.yaml": yaml.replace("initiatives.csv", name)}
    files.update(extra)
    return files


def de(rows: list[list[str]]) -> list[list[str]]:
    """German Excel: 450.000 and 0,4."""
    return swap(
        swap(rows, "cost", ("450.000", "1.200.000,5")), "churn_reduction_pp", ("0,4", "1,5")
    )


def build_cases() -> dict[str, Case]:
    c: dict[str, Case] = {}
    E = EXPECTED
    # ---------------------------------------------------------------- CSV locales
    c["en comma csv"] = Case("csv locale", "read", with_table("initiatives.csv", csv_text(ROWS)), E)
    c["de semicolon csv"] = Case(
        "csv locale", "read", with_table("initiatives.csv", csv_text(de(ROWS), ";")), E
    )
    c["de semicolon integers only"] = Case(
        "csv locale",
        "read",
        with_table(
            "initiatives.csv", csv_text(swap(de(ROWS), "cost", ("450.000", "1.200.000")), ";")
        ),
        {"A": {"cost": 450000.0}, "B": {"cost": 1200000.0}},
    )
    c["de google sheets comma csv quoted"] = Case(
        "csv locale", "read", with_table("initiatives.csv", csv_text(de(ROWS), ",")), E
    )
    c["pl space thousands"] = Case(
        "csv locale",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(de(ROWS), "cost", ("450 000", "1 200 000,5")), ";"),
        ),
        E,
    )
    c["fr no-break space thousands"] = Case(
        "csv locale",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(de(ROWS), "cost", ("450\u00a0000", "1\u202f200\u202f000,5")), ";"),
        ),
        E,
    )
    c["ch apostrophe thousands"] = Case(
        "csv locale",
        "read",
        with_table(
            "initiatives.csv", csv_text(swap(ROWS, "cost", ("450'000", "1'200'000.5")), ";")
        ),
        E,
    )
    c["en thousands commas quoted"] = Case(
        "csv locale",
        "read",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("450,000", "1,200,000.50")))),
        E,
    )
    c["tab separated tsv"] = Case(
        "csv locale", "read", with_table("initiatives.tsv", csv_text(ROWS, "\t")), E
    )
    c["tab separated csv"] = Case(
        "csv locale", "read", with_table("initiatives.csv", csv_text(ROWS, "\t")), E
    )
    c["excel sep line"] = Case(
        "csv locale", "read", with_table("initiatives.csv", "sep=;\n" + csv_text(de(ROWS), ";")), E
    )
    c["ambiguous thousands refused"] = Case(
        "csv locale",
        "refused",
        with_table(
            "initiatives.csv",
            csv_text(swap(ROWS, "cost", ("450.000", "1.200")), ",")
            .replace("0.4", "4")
            .replace("1.5", "2"),
        ),
        fragment="could be 450 or 450000",
    )
    c["mixed conventions refused"] = Case(
        "csv locale",
        "refused",
        with_table(
            "initiatives.csv", csv_text(swap(de(ROWS), "voc_volume", ("1200", "300.5")), ";")
        ),
        fragment="does not follow the decimal comma",
    )
    c["decimal declared in scenario"] = Case(
        "csv locale",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(
                swap(
                    swap(ROWS, "cost", ("450.000", "1.200.000,5")),
                    "churn_reduction_pp",
                    ("0,4", "1,5"),
                ),
                ",",
            ),
            yaml=YAML.replace(
                "initiatives: initiatives.csv", "initiatives: {file: initiatives.csv, decimal: ','}"
            ),
        ),
        E,
    )
    # ---------------------------------------------------------------- encodings
    german = csv_text(swap(de(ROWS), "name", ("Größe", "Übergabe")), ";")
    c["utf-8 bom"] = Case(
        "encoding", "read", with_table("initiatives.csv", b"\xef\xbb\xbf" + german.encode()), E
    )
    c["utf-16 excel unicode text"] = Case(
        "encoding", "read", with_table("initiatives.tsv", csv_text(ROWS, "\t").encode("utf-16")), E
    )
    c["excel unicode text .txt (utf-16, tabs)"] = Case(
        "encoding", "read", with_table("initiatives.txt", csv_text(ROWS, "\t").encode("utf-16")), E
    )
    c["excel text (tab delimited) .txt"] = Case(
        "encoding", "read", with_table("initiatives.txt", csv_text(ROWS, "\t").encode()), E
    )
    c["windows-1252"] = Case(
        "encoding", "warned", with_table("initiatives.csv", german.encode("cp1252")), E, "encoding"
    )
    c["windows-1250 polish"] = Case(
        "encoding",
        "warned",
        with_table(
            "initiatives.csv",
            csv_text(swap(de(ROWS), "name", ("Łódź", "Gdańsk")), ";").encode("cp1250"),
        ),
        E,
        "encoding",
    )
    c["undecidable bytes refused"] = Case(
        "encoding",
        "refused",
        with_table("initiatives.csv", csv_text(ROWS).encode() + b"C,\x81\x8d,mass,1,0,0,0\n"),
        fragment="save it as 'CSV UTF-8'",
    )
    # ---------------------------------------------------------------- number habits
    c["euro sign and code"] = Case(
        "numbers",
        "read",
        with_table(
            "initiatives.csv", csv_text(swap(ROWS, "cost", ("€450,000.00", "EUR 1,200,000.50")))
        ),
        E,
    )
    c["de euro suffix"] = Case(
        "numbers",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(de(ROWS), "cost", ("450.000 €", "1.200.000,50 €")), ";"),
        ),
        E,
    )
    c["chf dash"] = Case(
        "numbers",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(ROWS, "cost", ("CHF 450'000.-", "CHF 1'200'000.50")), ";"),
        ),
        E,
    )
    c["pln zloty"] = Case(
        "numbers",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(de(ROWS), "cost", ("450 000 zł", "1 200 000,50 zł")), ";"),
        ),
        E,
    )
    c["k and M suffixes"] = Case(
        "numbers",
        "read",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("450k", "1.2000005M")))),
        E,
    )
    c["scientific notation"] = Case(
        "numbers",
        "read",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("4.5E+05", "1.2000005E6")))),
        E,
    )
    cs_header = [*HEADER, "cross_sell"]
    c["accounting negative cross-sell"] = Case(
        "numbers",
        "read",
        with_table(
            "initiatives.csv",
            csv_text([[*ROWS[0], "(20000)"], [*ROWS[1], "\u22125000"]], header=cs_header),
        ),
        {"A": {"cross_sell": -20000.0}, "B": {"cross_sell": -5000.0}},
    )
    c["accounting negative cost refused"] = Case(
        "numbers",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("(450000)", "1200000.5")))),
        fragment="cost must be 0 or more",
    )
    c["churn with percent sign"] = Case(
        "numbers",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(de(ROWS), "churn_reduction_pp", ("0,4 %", "1,5%")), ";"),
        ),
        E,
    )
    c["percent in cost refused"] = Case(
        "numbers",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("45%", "1200000.5")))),
        fragment="not a percentage",
    )
    c["text in number refused"] = Case(
        "numbers",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("tbd", "n/a")))),
        fragment="cost must be a plain number such as 450000; found 'tbd'",
    )
    c["excel error text in csv refused"] = Case(
        "numbers",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("#DIV/0!", "1200000.5")))),
        fragment="Excel error #DIV/0!",
    )
    # ---------------------------------------------------------------- table structure
    c["title lines above header"] = Case(
        "structure",
        "read",
        with_table(
            "initiatives.csv", "CX backlog FY2027\nexported 2026-11-02\n\n" + csv_text(ROWS)
        ),
        E,
    )
    c["total row skipped"] = Case(
        "structure",
        "warned",
        with_table(
            "initiatives.csv", csv_text([*ROWS, ["Total", "", "", "1650000.5", "", "1500", "35"]])
        ),
        E,
        "total-rows",
    )
    c["german summe row"] = Case(
        "structure",
        "warned",
        with_table(
            "initiatives.csv",
            csv_text([*de(ROWS), ["", "Summe", "", "1.650.000,5", "", "", ""]], ";"),
        ),
        E,
        "total-rows",
    )
    c["group heading rows"] = Case(
        "structure",
        "warned",
        with_table(
            "initiatives.csv",
            csv_text([["Digital"] + [""] * 6, ROWS[0], ["Branch"] + [""] * 6, ROWS[1]]),
        ),
        E,
        "heading-rows",
    )
    c["note rows under table"] = Case(
        "structure",
        "read",
        with_table("initiatives.csv", csv_text(ROWS) + "\n* figures in EUR\nSource: CX team\n"),
        E,
    )
    c["extra bookkeeping columns"] = Case(
        "structure",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(
                [[*r, "open", "Ann", "CX-1", "12"] for r in ROWS],
                header=[*HEADER, "Status", "Owner", "Jira key", "RICE score"],
            ),
        ),
        E,
    )
    c["human headers"] = Case(
        "structure",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(
                ROWS,
                header=[
                    "ID",
                    "Name",
                    "Segment",
                    "Cost (EUR)",
                    "Churn reduction (pp)",
                    "VoC Volume",
                    "Effort Digital (days)",
                ],
            ),
        ),
        E,
    )
    c["columns mapping"] = Case(
        "structure",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(
                ROWS,
                header=["Key", "Title", "Who", "Investment", "Churn", "Complaints", "Dev days"],
            ),
            yaml=YAML.replace(
                "initiatives: initiatives.csv",
                "initiatives:\n  file: initiatives.csv\n  columns: {id: Key, segment: Who, "
                "cost: Investment, effort_digital: Dev days}",
            ),
        ),
        E,
    )
    c["amounts in thousands header refused"] = Case(
        "structure",
        "refused",
        with_table(
            "initiatives.csv",
            csv_text(
                swap(ROWS, "cost", ("450", "1200.0005")),
                header=[*HEADER[:3], "Cost (k€)", *HEADER[4:]],
            ),
        ),
        fragment="in thousands or millions",
    )
    c["misspelt column did you mean"] = Case(
        "structure",
        "refused",
        with_table("initiatives.csv", csv_text(ROWS, header=[*HEADER[:3], "coast", *HEADER[4:]])),
        fragment="did you mean 'cost'",
    )
    c["blank header above data refused"] = Case(
        "structure",
        "refused",
        with_table("initiatives.csv", csv_text([[*r, "5"] for r in ROWS], header=[*HEADER, ""])),
        fragment="has values but no header",
    )
    c["ids differing by case refused"] = Case(
        "structure",
        "refused",
        with_table("initiatives.csv", csv_text([ROWS[0], ["a", *ROWS[1][1:]]])),
        fragment="differ only by case",
    )
    c["row pasted twice refused"] = Case(
        "structure",
        "refused",
        with_table("initiatives.csv", csv_text([ROWS[0], ROWS[1], ROWS[1]])),
        fragment="repeats row 3 exactly",
    )
    c["case-insensitive segment and team"] = Case(
        "structure",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(
                swap(ROWS, "segment", ("MASS", "Premium")), header=[*HEADER[:6], "Effort_DIGITAL"]
            ),
        ),
        E,
    )
    # ---------------------------------------------------------------- XLSX
    c["xlsx plain"] = Case("xlsx", "read", with_table("initiatives.xlsx", xlsx()), E)

    def two_sheets(wb: Any) -> None:
        old = wb.create_sheet("FY2026", 0)
        old.append(HEADER)
        old.append(["A", "Old", "mass", 1, 0, 0, 0])

    c["xlsx two table sheets refused"] = Case(
        "xlsx",
        "refused",
        with_table("initiatives.xlsx", xlsx(two_sheets)),
        fragment="say which one",
    )
    c["xlsx sheet setting"] = Case(
        "xlsx",
        "read",
        with_table(
            "initiatives.xlsx",
            xlsx(two_sheets),
            yaml=YAML.replace(
                "initiatives: initiatives.csv",
                "initiatives: {file: initiatives.xlsx, sheet: initiatives}",
            ),
        ),
        E,
    )

    def readme_sheet(wb: Any) -> None:
        wb.create_sheet("Read me", 0).append(["This workbook lists the FY2027 backlog."])

    c["xlsx table not on first sheet"] = Case(
        "xlsx", "read", with_table("initiatives.xlsx", xlsx(readme_sheet)), E
    )

    def hidden_old(wb: Any) -> None:
        two_sheets(wb)
        wb["FY2026"].sheet_state = "hidden"

    c["xlsx hidden old sheet ignored"] = Case(
        "xlsx", "read", with_table("initiatives.xlsx", xlsx(hidden_old)), E
    )

    def hidden_row(wb: Any) -> None:
        ws = wb.active
        ws.append(["C", "Rejected", "mass", 99, 0, 0, 0])
        ws.row_dimensions[4].hidden = True

    c["xlsx hidden rejected row"] = Case(
        "xlsx", "warned", with_table("initiatives.xlsx", xlsx(hidden_row)), E, "hidden-rows"
    )

    def percent_churn(wb: Any) -> None:
        ws = wb.active
        ws["E2"], ws["E3"] = 0.004, 0.015
        ws["E2"].number_format = ws["E3"].number_format = "0.00%"

    c["xlsx percent formatted churn"] = Case(
        "xlsx", "read", with_table("initiatives.xlsx", xlsx(percent_churn)), E
    )

    def percent_cost(wb: Any) -> None:
        wb.active["D2"].number_format = "0%"

    c["xlsx percent formatted cost refused"] = Case(
        "xlsx",
        "refused",
        with_table("initiatives.xlsx", xlsx(percent_cost)),
        fragment="formatted as a percentage",
    )

    def formula(wb: Any) -> None:
        wb.active["D2"] = "=400000+50000"

    c["xlsx formula without saved value refused"] = Case(
        "xlsx",
        "refused",
        with_table("initiatives.xlsx", xlsx(formula)),
        fragment="saved without its value",
    )

    def error_cell(wb: Any) -> None:
        wb.active["D3"] = "#REF!"

    c["xlsx error value refused"] = Case(
        "xlsx",
        "refused",
        with_table("initiatives.xlsx", xlsx(error_cell)),
        fragment="Excel error #REF!",
    )

    def date_cell(wb: Any) -> None:
        wb.active["D2"] = dt.datetime(2026, 3, 1)

    c["xlsx date in cost refused"] = Case(
        "xlsx",
        "refused",
        with_table("initiatives.xlsx", xlsx(date_cell)),
        fragment="holds a date/time (2026-03-01)",
    )

    def text_numbers(wb: Any) -> None:
        ws = wb.active
        ws["D2"], ws["D3"] = "450,000", "1,200,000.50"

    c["xlsx numbers stored as text"] = Case(
        "xlsx", "read", with_table("initiatives.xlsx", xlsx(text_numbers)), E
    )

    def title_and_total(wb: Any) -> None:
        ws = wb.active
        ws.insert_rows(1, 2)
        ws["A1"] = "Backlog FY2027"
        ws.append(["Total", None, None, "=SUM(D4:D5)", None, None, None])

    c["xlsx title rows and total formula"] = Case(
        "xlsx", "warned", with_table("initiatives.xlsx", xlsx(title_and_total)), E, "total-rows"
    )

    def numeric_ids(wb: Any) -> None:
        ws = wb.active
        ws["A2"], ws["A3"] = 101, 102

    c["xlsx numeric ids"] = Case(
        "xlsx",
        "read",
        with_table("initiatives.xlsx", xlsx(numeric_ids)),
        {"101": E["A"], "102": E["B"]},
    )
    # ---------------------------------------------------------------- blanks
    c["blank cost refused"] = Case(
        "blanks",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("", "1200000.5")))),
        fragment="cost is blank",
    )
    c["blank cost with explicit default"] = Case(
        "blanks",
        "warned",
        with_table(
            "initiatives.csv",
            csv_text(swap(ROWS, "cost", ("", "1200000.5"))),
            yaml=YAML + "defaults: {cost: 0}\n",
        ),
        {"A": {"cost": 0.0}, "B": {"cost": 1200000.5}},
        "zero-cost",
    )
    c["blank segment refused"] = Case(
        "blanks",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "segment", ("", "premium")))),
        fragment="segment is blank",
    )
    c["blank segment with default all"] = Case(
        "blanks",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(ROWS, "segment", ("", "premium"))),
            yaml=YAML + "defaults: {segment: all}\n",
        ),
        E,
        extra={"segment": {"A": "all"}},
    )
    no_segment = [[r[0], r[1], *r[3:]] for r in ROWS]
    c["no segment column warned"] = Case(
        "blanks",
        "warned",
        with_table(
            "initiatives.csv", csv_text(no_segment, header=[h for h in HEADER if h != "segment"])
        ),
        E,
        "no-segment-column",
    )
    c["team without effort column warned"] = Case(
        "blanks",
        "warned",
        with_table(
            "initiatives.csv",
            csv_text(ROWS),
            yaml=YAML.replace("{digital: 30}", "{digital: 30, legal: 5}"),
        ),
        E,
        "no-effort-column",
    )
    c["blank effort cell is zero"] = Case(
        "blanks",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(ROWS, "effort_digital", ("20", ""))),
            yaml=YAML.replace("{digital: 30}", "{digital: 10}"),
        ),
        {"A": {"effort": 20.0}, "B": {"effort": 0.0}},
    )
    # ---------------------------------------------------------------- YAML habits
    c["yaml budget 1.5M"] = Case(
        "yaml",
        "read",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML.replace("1000000", "1.5M")),
        E,
        extra={"budget": 1_500_000.0},
    )
    c["yaml budget with commas"] = Case(
        "yaml",
        "read",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML.replace("1000000", "1,000,000")),
        E,
        extra={"budget": 1_000_000.0},
    )
    c["yaml budget 250.000 refused"] = Case(
        "yaml",
        "refused",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML.replace("1000000", "250.000")),
        fragment="key budget: 250.000 could be 250 or 250000",
    )
    c["yaml customers 480.000 refused"] = Case(
        "yaml",
        "refused",
        with_table(
            "initiatives.csv",
            csv_text(ROWS),
            yaml=YAML.replace("customers: 40000", "customers: 480.000"),
        ),
        fragment="segments.premium.customers: 480.000 could be 480 or 480000",
    )
    c["yaml discount rate 8%"] = Case(
        "yaml",
        "read",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML + "discount_rate: 8%\n"),
        E,
        extra={"discount_rate": 0.08},
    )
    c["yaml tab indentation refused"] = Case(
        "yaml",
        "refused",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML.replace("  mass:", "\tmass:")),
        fragment="tab for indentation",
    )
    c["yaml mixed-case keys"] = Case(
        "yaml",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(ROWS),
            yaml=YAML.replace("mass:", "Mass:").replace("digital:", "Digital:")
            + "rules: {mandatory: [a]}\n",
        ),
        {"A": {"cost": 450000.0, "effort_Digital": 20.0}},
    )
    c["yaml segment twins refused"] = Case(
        "yaml",
        "refused",
        with_table(
            "initiatives.csv",
            csv_text(ROWS),
            yaml=YAML.replace("  premium:", "  MASS: {customers: 1, ltv: 1}\n  premium:"),
        ),
        fragment="differ only by case",
    )
    # ---------------------------------------------------------------- plausibility
    c["churn above 5 pp warned"] = Case(
        "plausibility",
        "warned",
        with_table("initiatives.csv", csv_text(swap(ROWS, "churn_reduction_pp", ("0.4", "12")))),
        {"B": {"churn_reduction_pp": 12.0}},
        "churn-high",
    )
    c["churn above 100 pp refused"] = Case(
        "plausibility",
        "refused",
        with_table("initiatives.csv", csv_text(swap(ROWS, "churn_reduction_pp", ("0.4", "150")))),
        fragment="cannot exceed 100",
    )
    c["churn written as fractions warned"] = Case(
        "plausibility",
        "warned",
        with_table(
            "initiatives.csv", csv_text(swap(ROWS, "churn_reduction_pp", ("0.004", "0.015")))
        ),
        {"A": {"churn_reduction_pp": 0.004}},
        "churn-fractions",
    )
    c["voc above segment customers warned"] = Case(
        "plausibility",
        "warned",
        with_table("initiatives.csv", csv_text(swap(ROWS, "voc_volume", ("1200", "9000")))),
        {"B": {"voc_volume": 9000.0}},
        "voc-above-customers",
    )
    c["budget tiny warned"] = Case(
        "plausibility",
        "warned",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML.replace("1000000", "1000")),
        E,
        "capacity-tiny",
    )
    c["budget above everything warned"] = Case(
        "plausibility",
        "warned",
        with_table("initiatives.csv", csv_text(ROWS), yaml=YAML.replace("1000000", "9000000")),
        E,
        "capacity-unbinding",
    )
    c["zero cost warned"] = Case(
        "plausibility",
        "warned",
        with_table("initiatives.csv", csv_text(swap(ROWS, "cost", ("0", "1200000.5")))),
        {"A": {"cost": 0.0}},
        "zero-cost",
    )
    c["threshold overridden"] = Case(
        "plausibility",
        "read",
        with_table(
            "initiatives.csv",
            csv_text(swap(ROWS, "churn_reduction_pp", ("0.4", "12"))),
            yaml=YAML + "plausibility: {churn_pp_above: 15}\n",
        ),
        {"B": {"churn_reduction_pp": 12.0}},
    )
    return c


CASES = build_cases()
