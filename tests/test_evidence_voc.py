"""Counting a VoC export (spec.md §6) against independent counts written in the test."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prioritizer as px
from prioritizer.evidence.spec import VocSpec
from prioritizer.evidence.voc import count_voc, has_pyarrow

ENGINES = ["pandas", *(["pyarrow"] if has_pyarrow() else [])]

ROWS = [
    # Theme, Created, Customer ID, Segment, Score
    ("Billing; App crash", "2026-01-05", "c1", "mass", "4"),
    ("billing , BILLING", "2026-01-06 10:22:00", "c2", "premium", "5"),
    ("  App Crash  ", "2026-02-01", "c1", "mass", "2"),
    ("", "2026-03-01", "c3", "mass", "1"),  # no topic: an item without topic
    ("Delivery late", "2025-12-31", "c4", "mass", "3"),  # before the window
    ("Delivery late", "", "c5", "mass", ""),  # no date: not counted
    ("Fees;Billing", "2026-06-30", "c2", "premium", "3,5"),  # last day of the window
    ("fees", "2026-07-01", "c6", "mass", "2"),  # after the window
    ("Login,,;", "2026-04-10", "", "mass", "1"),  # empty parts, no customer id
]
WINDOW = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))  # 181 days


def write_export(folder: Path, rows=ROWS, name: str = "voc.csv", delimiter: str = ",") -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["Theme", "Created", "Customer ID", "Segment", "Score"])
        writer.writerows(rows)
    return path


def spec(**extra) -> VocSpec:
    data = {
        "file": "voc.csv",
        "columns": {"topics": "theme", "date": "Created", "segment": "SEGMENT", "score": "Score"},
        "window": {"from": "2026-01-01", "to": "2026-06-30"},
    }
    data.update(extra)
    return VocSpec.model_validate(data)


def naive(rows, addresses: set[str], *, by_customer: bool = False) -> int:
    """Rows (or customers) inside the window whose topics meet ``addresses``: plain loops."""
    units = set()
    for number, (theme, created, customer, _segment, _score) in enumerate(rows):
        if not created:
            continue
        day = dt.date.fromisoformat(created[:10])
        if day < WINDOW[0] or day > WINDOW[1]:
            continue
        topics = set()
        for part in theme.replace(",", ";").split(";"):
            if part.strip():
                topics.add(part.strip().lower())
        if topics & addresses:
            units.add((customer or f"row{number}") if by_customer else number)
    return len(units)


@pytest.mark.parametrize("engine", ENGINES)
def test_window_multi_topic_and_case(tmp_path: Path, engine: str) -> None:
    write_export(tmp_path)
    addresses = {
        "A": ["billing"],
        "B": [" APP crash", "fees"],
        "C": ["login"],
        "D": ["delivery late"],
    }
    counts = count_voc(spec(annualize=False), addresses, base_dir=tmp_path, engine=engine)
    assert counts.rows_read == 9
    assert counts.items == 6  # 3 left out: 2 outside the window, 1 without a date
    assert counts.rows_outside_window == 2
    assert counts.rows_without_date == 1
    assert counts.items_without_topic == 1
    for ident, wanted in addresses.items():
        expected = naive(ROWS, {t.strip().lower() for t in wanted})
        assert counts.initiatives.loc[ident, "items"] == expected, ident
    assert counts.initiatives.loc["A", "items"] == 3  # a topic twice in one cell counts once
    assert counts.initiatives.loc["D", "voc_volume"] == 0
    assert dict(counts.topics["items"]) == {"billing": 3, "app crash": 2, "fees": 1, "login": 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_annualization_scales_by_365_over_window_days(tmp_path: Path, engine: str) -> None:
    write_export(tmp_path)
    counts = count_voc(spec(), {"A": ["billing"]}, base_dir=tmp_path, engine=engine)
    assert counts.days == 181
    assert counts.volume_of("A") == pytest.approx(3 * 365 / 181)


@pytest.mark.parametrize("engine", ENGINES)
def test_distinct_customers(tmp_path: Path, engine: str) -> None:
    write_export(tmp_path)
    columns = {"topics": "Theme", "date": "Created", "customer": "customer id"}
    counts = count_voc(
        spec(columns=columns, annualize=False),
        {"A": ["billing"], "B": ["app crash", "fees"], "C": ["login"]},
        base_dir=tmp_path,
        engine=engine,
    )
    assert counts.unit == "customers"
    assert counts.initiatives.loc["A", "customers"] == naive(ROWS, {"billing"}, by_customer=True)
    assert counts.initiatives.loc["A", "customers"] == 2  # c1 and c2 (c2 wrote twice)
    assert counts.initiatives.loc["B", "customers"] == 2  # c1 twice, c2 once
    assert counts.initiatives.loc["C", "customers"] == 1  # a row without an id counts alone
    assert dict(counts.topics["items"])["billing"] == 3  # topics still count rows


@pytest.mark.parametrize("engine", ENGINES)
def test_breakdowns_scores_and_semicolon_export(tmp_path: Path, engine: str) -> None:
    write_export(tmp_path, delimiter=";")
    counts = count_voc(spec(annualize=False), {}, base_dir=tmp_path, engine=engine)
    segment = counts.breakdowns["segment"]
    assert segment.loc["billing", "premium"] == 2 and segment.loc["billing", "mass"] == 1
    # effort per topic: mean score of the rows naming it (a decimal comma is read)
    assert counts.topics.loc["billing", "effort"] == pytest.approx((4 + 5 + 3.5) / 3)


def test_no_window_spans_the_data_and_xlsx_reads_the_same(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Theme", "Created", "Customer ID", "Segment", "Score"])
    for theme, created, customer, segment, score in ROWS:
        day = dt.datetime.fromisoformat(created) if created else None
        sheet.append([theme or None, day, customer or None, segment, score or None])
    book.save(tmp_path / "voc.xlsx")
    write_export(tmp_path)
    xlsx = count_voc(spec(file="voc.xlsx", window=None), {"A": ["billing"]}, base_dir=tmp_path)
    csv_ = count_voc(spec(window=None), {"A": ["billing"]}, base_dir=tmp_path)
    assert (xlsx.window_from, xlsx.window_to) == (dt.date(2025, 12, 31), dt.date(2026, 7, 1))
    assert xlsx.days == 183 and xlsx.items == 8
    assert xlsx.volume_of("A") == pytest.approx(csv_.volume_of("A"))
    assert xlsx.volume_of("A") == pytest.approx(3 * 365 / 183)


topic_names = st.sampled_from(["Billing", "billing ", " FEES", "fees", "app crash", "Login"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(topic_names, max_size=4),
            st.sampled_from([";", ",", " , "]),
            st.dates(dt.date(2025, 11, 1), dt.date(2026, 8, 31)),
            st.sampled_from(["c1", "c2", "c3", "c4"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(ENGINES),
)
def test_counts_match_a_naive_count(tmp_path_factory, raw, engine: str) -> None:
    folder = tmp_path_factory.mktemp("voc")
    rows = [(sep.join(ts), day.isoformat(), cust, "mass", "") for ts, sep, day, cust in raw]
    write_export(folder, rows)
    addresses = {"A": ["billing"], "B": ["fees", "LOGIN"], "C": ["app crash", "billing"]}
    for by_customer in (False, True):
        columns = {"topics": "Theme", "date": "Created"}
        if by_customer:
            columns["customer"] = "Customer ID"
        counts = count_voc(
            spec(columns=columns, annualize=False), addresses, base_dir=folder, engine=engine
        )
        for ident, wanted in addresses.items():
            expected = naive(rows, {t.lower() for t in wanted}, by_customer=by_customer)
            assert counts.initiatives.iloc[list(addresses).index(ident), 1] == expected


# -- errors and warnings ----------------------------------------------------------------
def scenario_data(**voc) -> dict:
    return {
        "budget": 100,
        "segments": {"mass": {"customers": 1000, "ltv": 10}},
        "evidence": {
            "voc": {
                "file": "voc.csv",
                "columns": {"topics": "Theme", "date": "Created"},
                "window": {"from": "2026-01-01", "to": "2026-06-30"},
                **voc,
            }
        },
        "initiatives": [
            {"id": "A", "addresses": "billing; Bilingg", "ces_delta": 1, "cost": 10},
            {"id": "B", "voc_volume": 7, "ces_delta": 1, "cost": 10},
        ],
    }


def test_missing_mapped_column_is_located(tmp_path: Path) -> None:
    write_export(tmp_path)
    data = scenario_data(columns={"topics": "Theme", "date": "Created At"})
    with pytest.raises(px.ScenarioError) as info:
        px.scenario_from_mapping(data, base_dir=tmp_path)
    text = str(info.value)
    assert "evidence.voc.columns.date" in text and "'Created At' not found in voc.csv" in text


@pytest.mark.parametrize("engine", ENGINES)
def test_unparseable_dates_are_located(tmp_path: Path, engine: str) -> None:
    rows = [*ROWS[:3], ("fees", "14/03/2026", "c9", "mass", "1"), ("fees", "soon", "c9", "", "")]
    write_export(tmp_path, rows)
    with pytest.raises(px.ScenarioError) as info:
        count_voc(spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
    text = str(info.value)
    assert "voc.csv column 'Created'" in text
    assert "2 unparseable date(s)" in text and "row 5 ('14/03/2026')" in text and "row 6" in text


def test_date_format_reads_day_first_dates(tmp_path: Path) -> None:
    rows = [("fees", "14/03/2026", "c9", "mass", "1"), ("fees", "01/07/2026", "c9", "", "")]
    write_export(tmp_path, rows)
    for engine in ENGINES:
        counts = count_voc(
            spec(date_format="%d/%m/%Y", annualize=False),
            {"A": ["fees"]},
            base_dir=tmp_path,
            engine=engine,
        )
        assert counts.volume_of("A") == 1


def test_typed_voc_volume_with_addresses_is_an_error(tmp_path: Path) -> None:
    write_export(tmp_path)
    (tmp_path / "initiatives.csv").write_text(
        "id,addresses,voc_volume,ces_delta\nA,billing,,1\nB,fees,120,1\n", encoding="utf-8"
    )
    data = scenario_data()
    data["initiatives"] = "initiatives.csv"
    with pytest.raises(px.ScenarioError) as info:
        px.scenario_from_mapping(data, base_dir=tmp_path)
    assert "initiatives.csv row 3, column 'voc_volume'" in str(info.value)
    assert "both addresses and a typed voc_volume" in str(info.value)


def test_unknown_topic_is_a_warning_naming_it(tmp_path: Path) -> None:
    write_export(tmp_path)
    scenario = px.scenario_from_mapping(scenario_data(), base_dir=tmp_path)
    [warning] = [w for w in scenario.warnings if w.code == "voc-topic-unknown"]
    assert warning.where == "initiative 'A' column 'addresses'"
    assert "topic 'bilingg' never occurs in voc.csv" in warning.message
    assert scenario.initiative("A").voc_volume == pytest.approx(3 * 365 / 181)
    assert scenario.initiative("B").voc_volume == 7  # typed, no addresses: as today


def test_addresses_without_an_export_is_an_error(tmp_path: Path) -> None:
    data = scenario_data()
    del data["evidence"]
    with pytest.raises(px.ScenarioError, match=r"no evidence\.voc export"):
        px.scenario_from_mapping(data, base_dir=tmp_path)


@pytest.mark.parametrize("engine", ENGINES)
def test_malformed_csv_is_a_located_error(tmp_path: Path, engine: str) -> None:
    (tmp_path / "voc.csv").write_text(
        "Theme;Created\nbilling;2026-01-05\nBilling; App crash;2026-01-05\n", encoding="utf-8"
    )
    # pyarrow refuses the row with too many cells; pandas reads it shifted and the date fails
    with pytest.raises(px.ScenarioError, match=r"voc\.csv(: cannot read as CSV| column 'Created')"):
        count_voc(
            spec(columns={"topics": "Theme", "date": "Created"}),
            {},
            base_dir=tmp_path,
            engine=engine,
        )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("by_customer", [False, True])
def test_more_than_64_initiatives(tmp_path: Path, engine: str, by_customer: bool) -> None:
    """Signatures span two 64-bit words: counts and overlap groups stay exact."""
    write_export(tmp_path)
    topics = ["billing", "app crash", "fees", "login", "delivery late"]
    addresses = {f"I{k:02d}": [topics[k % 5], topics[(k * 7) % 5]] for k in range(70)}
    columns = {"topics": "Theme", "date": "Created"}
    if by_customer:
        columns["customer"] = "Customer ID"
    counts = count_voc(
        spec(columns=columns, annualize=False), addresses, base_dir=tmp_path, engine=engine
    )
    for ident, wanted in addresses.items():
        expected = naive(ROWS, set(wanted), by_customer=by_customer)
        assert counts.initiatives[counts.unit].loc[ident] == expected, ident
    groups = {g.ids: g.volume for g in counts.overlap_groups()}
    assert all(len(ids) >= 2 for ids in groups)
    # every counted row (customer) is in exactly one signature, the empty one included
    counted = [
        (r[2] or f"row{k}") if by_customer else k
        for k, r in enumerate(ROWS)
        if r[1] and "2026-01-01" <= r[1][:10] <= "2026-06-30"
    ]
    assert counts.signatures["units"].sum() == len(set(counted))
