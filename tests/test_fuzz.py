"""Fuzzing the loader: any input gives a valid Scenario or a ScenarioError, nothing else."""

from __future__ import annotations

import contextlib
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prioritizer as px
from prioritizer.inputs.columns import COLUMNS as SCHEMA
from prioritizer.inputs.numbers import read_number
from prioritizer.io import read_table

COLUMNS = [
    *(column.name for column in SCHEMA),  # the one declared schema, in its order
    "effort_digital",
    "effort_x",
    "cost_low",
    "cost_high",
    "Cost",
    "unknown",
    "effort_digital_high",
    "x_note",
    "Cost (EUR)",
    "VoC Volume",
    "Status",
]
KEYS = [
    "name",
    "currency",
    "budget",
    "opex_budget",
    "horizon_years",
    "discount_rate",
    "complaint_rate",
    "segments",
    "teams",
    "objective",
    "rules",
    "uncertainty",
    "extra",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["mass", "premium", "all", "ease", "A", "B", "A;B", "yes", "nan", "-1"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
rows = st.lists(st.dictionaries(st.sampled_from(COLUMNS), scalars, max_size=8), max_size=6)
segments = st.one_of(
    values,
    st.dictionaries(
        st.sampled_from(["mass", "premium", "all"]),
        st.fixed_dictionaries({"customers": scalars, "ltv": scalars}),
        max_size=3,
    ),
)
scenario_dicts = st.fixed_dictionaries(
    {"initiatives": st.one_of(rows, values)},
    optional={
        **{key: values for key in KEYS},
        "budget": st.one_of(scalars, st.floats(0, 1e7)),
        "segments": segments,
        "teams": st.one_of(values, st.dictionaries(st.sampled_from(["digital", "x"]), scalars)),
        "objective": st.one_of(
            values,
            st.fixed_dictionaries(
                {}, optional={"mode": scalars, "weights": values, "stage_weights": values}
            ),
        ),
        "rules": st.one_of(
            values,
            st.fixed_dictionaries(
                {},
                optional={
                    "mandatory": values,
                    "excluded": values,
                    "min_count": values,
                    "max_count": values,
                },
            ),
        ),
    },
)


def _check(scenario: px.Scenario) -> None:
    assert isinstance(scenario, px.Scenario)
    assert all(math.isfinite(i.cost) for i in scenario.initiatives)
    px.score_initiatives(scenario)  # a valid scenario must be scorable


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenario_dicts)
def test_loader_returns_a_scenario_or_scenario_error(data: dict[str, Any]) -> None:
    try:
        scenario = px.scenario_from_mapping(data)
    except px.ScenarioError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return
    _check(scenario)


@settings(max_examples=200, deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(
                st.one_of(
                    st.text(max_size=6),
                    st.sampled_from(["1", "-1", "nan", "inf", "1,5", "1.234,5", "yes", '"a;b"']),
                ),
                max_size=6,
            ),
            max_size=5,
        ).map(lambda r: "\n".join(",".join(c) for c in [COLUMNS[:6], *r]).encode()),
    )
)
def test_table_reader_never_crashes(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "i.csv"
        path.write_bytes(content)
        scenario = Path(folder) / "s.yaml"
        scenario.write_text(
            "budget: 10\nsegments: {mass: {customers: 10, ltv: 1}}\ninitiatives: i.csv\n"
        )
        try:
            read_table(path)
            loaded = px.load_scenario(scenario)
        except px.ScenarioError:
            return
        _check(loaded)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_yaml_text_never_crashes(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.yaml"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(px.ScenarioError):
            _check(px.load_scenario(path))


NUMBER_TEXT = st.text(alphabet="0123456789.,' \u00a0\u2212-+()€$%kMe", max_size=14)


@settings(max_examples=400, deadline=None)
@given(token=NUMBER_TEXT, decimal=st.sampled_from([None, ".", ","]), percent=st.booleans())
def test_number_reader_never_crashes(token: str, decimal: Any, percent: bool) -> None:
    reading = read_number(token, decimal, percent_ok=percent)
    if reading.value is not None:
        assert math.isfinite(reading.value)
    else:
        assert reading.error


@settings(max_examples=150, deadline=None)
@given(
    cells=st.lists(st.lists(NUMBER_TEXT, min_size=3, max_size=3), max_size=5),
    prefix=st.sampled_from(["", "sep=;\n", "Title\n\n"]),
)
def test_locale_table_never_crashes(cells: list[list[str]], prefix: str) -> None:
    body = "\n".join(";".join(["id", "cost", "churn_reduction_pp"]) for _ in range(1))
    body += "".join(f"\nI{k};" + ";".join(row[:2]) for k, row in enumerate(cells))
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "i.csv").write_text(prefix + body + "\n", encoding="utf-8")
        scenario = Path(folder) / "s.yaml"
        scenario.write_text(
            "budget: 10\nsegments: {mass: {customers: 10, ltv: 1}}\ninitiatives: i.csv\n"
        )
        with contextlib.suppress(px.ScenarioError):
            _check(px.load_scenario(scenario))


xlsx_cells = st.one_of(
    st.none(),
    st.integers(-5, 10**7),
    st.floats(-1e6, 1e9, allow_nan=False),
    st.booleans(),
    st.text(st.characters(min_codepoint=32, blacklist_categories=("Cs",)), max_size=6),
    st.sampled_from(["#N/A", "#DIV/0!", "=1+1", "Total", "450.000", "1,5 %"]),
    st.datetimes(min_value=__import__("datetime").datetime(2000, 1, 1)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(xlsx_cells, min_size=4, max_size=4), max_size=5),
    hidden=st.sets(st.integers(2, 7), max_size=2),
    percent=st.booleans(),
)
def test_xlsx_reader_never_crashes(rows: list[list[Any]], hidden: set[int], percent: bool) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "cost", "churn_reduction_pp", "segment"])
    for row in rows:
        sheet.append(row)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    if percent:
        for cell in sheet["C"]:
            cell.number_format = "0.00%"
    with tempfile.TemporaryDirectory() as folder:
        workbook.save(Path(folder) / "i.xlsx")
        scenario = Path(folder) / "s.yaml"
        scenario.write_text(
            "budget: 10\nsegments: {mass: {customers: 10, ltv: 1}}\ninitiatives: i.xlsx\n"
        )
        with contextlib.suppress(px.ScenarioError):
            _check(px.load_scenario(scenario))
