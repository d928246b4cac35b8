"""Property: a clean table written in any supported locale and format reads back as the same
scenario, value for value."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prioritizer as px

YAML = """\
name: roundtrip
budget: 1000000
segments: {mass: {customers: 900000, ltv: 300}, premium: {customers: 40000, ltv: 5000}}
teams: {digital: 100}
initiatives: {table}
"""
COLUMNS = [
    "id",
    "segment",
    "cost",
    "cross_sell",
    "churn_reduction_pp",
    "voc_volume",
    "effort_digital",
]

money = st.integers(0, 10**10).map(lambda cents: cents / 100)
signed_money = st.integers(-(10**9), 10**9).map(lambda cents: cents / 100)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "segment": st.sampled_from(["mass", "premium", "all"]),
            "cost": money,
            "cross_sell": signed_money,
            "churn_reduction_pp": st.integers(0, 5000).map(lambda m: m / 1000),
            "voc_volume": st.integers(0, 10**6),
            "effort_digital": st.integers(0, 2000),
        }
    ),
    min_size=1,
    max_size=6,
)

# (delimiter, decimal mark, thousands separator or "", negative style)
LOCALES = {
    "en comma": (",", ".", ",", "-"),
    "en plain": (",", ".", "", "-"),
    "de semicolon": (";", ",", ".", "-"),
    "pl space": (";", ",", " ", "\u2212"),
    "fr no-break space": (";", ",", "\u202f", "-"),
    "ch apostrophe": (";", ".", "'", "-"),
    "tab point": ("\t", ".", "", "-"),
    "tab comma": ("\t", ",", ".", "-"),
    "accounting": (",", ".", ",", "()"),
}


def written(value: float, decimals: int, locale: tuple[str, str, str, str]) -> str:
    _sep, mark, thousands, negative = locale
    text = f"{abs(value):,.{decimals}f}"  # 1,234,567.89
    text = text.replace(",", "\x00").replace(".", mark).replace("\x00", thousands)
    if value < 0:
        text = f"({text})" if negative == "()" else negative + text
    return text


def csv_table(items: list[dict[str, Any]], locale: tuple[str, str, str, str]) -> str:
    sep = locale[0]

    def cell(text: str) -> str:
        return f'"{text}"' if sep in text else text

    lines = [sep.join(COLUMNS)]
    for k, item in enumerate(items):
        cells = [
            f"I{k}",
            item["segment"],
            written(item["cost"], 2, locale),
            written(item["cross_sell"], 2, locale),
            written(item["churn_reduction_pp"], 3, locale),
            written(item["voc_volume"], 0, locale),
            str(item["effort_digital"]),
        ]
        lines.append(sep.join(cell(c) for c in cells))
    return "\n".join(lines) + "\n"


def xlsx_table(items: list[dict[str, Any]]) -> bytes:
    import io

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for k, item in enumerate(items):
        ws.append([f"I{k}", *(item[c] for c in COLUMNS[1:])])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def load(name: str, content: str | bytes) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
        (folder / "scenario.yaml").write_text(YAML.replace("{table}", name))
        scenario = px.load_scenario(folder / "scenario.yaml")
    return [item.model_dump() for item in scenario.initiatives]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=rows, locale=st.sampled_from(sorted(LOCALES)))
def test_any_locale_reads_back_the_same(items: list[dict[str, Any]], locale: str) -> None:
    reference = load("i.csv", csv_table(items, LOCALES["en plain"]))
    suffix = ".tsv" if LOCALES[locale][0] == "\t" else ".csv"
    assert load("i" + suffix, csv_table(items, LOCALES[locale])) == reference
    for k, item in enumerate(reference):
        assert item["id"] == f"I{k}"
        assert item["cost"] == items[k]["cost"]
        assert item["cross_sell"] == items[k]["cross_sell"]
        assert item["churn_reduction_pp"] == items[k]["churn_reduction_pp"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=rows)
def test_xlsx_reads_back_the_same(items: list[dict[str, Any]]) -> None:
    assert load("i.xlsx", xlsx_table(items)) == load("i.csv", csv_table(items, LOCALES["en plain"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=rows, encoding=st.sampled_from(["utf-8-sig", "utf-16", "cp1252"]))
def test_encodings_read_back_the_same(items: list[dict[str, Any]], encoding: str) -> None:
    text = csv_table(items, LOCALES["de semicolon"])
    assert load("i.csv", text.encode(encoding)) == load("i.csv", text)
