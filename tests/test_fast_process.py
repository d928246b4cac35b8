"""The fast paths of the `prioritizer solve` process give exactly what the former code gave:
initiatives built column-wise against the former row-by-row construction from folded rows
(kept here), the rows folded only when asked for, the header search over the first non-blank
rows only, the whole-column number reader, the effort columns of the value table; and the
command's garbage-collector policy (off while it loads and solves, restored after).
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from randomscen import random_scenario
from test_fast_loading import _load, assert_same_initiatives, tables

import prioritizer as px
from prioritizer import io as px_io
from prioritizer.inputs.build import fold_rows
from prioritizer.inputs.cells import BAD
from prioritizer.inputs.trusted import _TEMPLATE, column_accepted, trusted_initiatives
from prioritizer.models import PILLARS, FoldedRow, Initiative


# --------------------------------------------------------------------------------------
# The former code, kept as the reference
# --------------------------------------------------------------------------------------
def reference_fold(read: Mapping[str, list[Any]], count: int) -> list[dict[str, Any]]:
    """build()'s folding of the columns into rows, as it was inside build()."""
    rows: list[dict[str, Any]] = [FoldedRow() for _ in range(count)]
    for name, values in read.items():
        base = name.removesuffix("_low").removesuffix("_high")
        if base != name:
            side = 0 if name.endswith("_low") else 1
            for k, value in enumerate(values):
                if value is not None and value is not BAD:
                    pair = rows[k].setdefault("ranges", {}).setdefault(base, [None, None])
                    pair[side] = value
        elif name.startswith("effort_"):
            team = name.removeprefix("effort_")
            for target, value in zip(rows, values, strict=True):
                if value is not None and value is not BAD:
                    if "effort" in target:
                        target["effort"][team] = value
                    else:
                        target["effort"] = {team: value}
        else:
            for target, value in zip(rows, values, strict=True):
                if value is not None and value is not BAD:
                    target[name] = value
    for folded in rows:
        if "ranges" in folded:
            folded["ranges"] = {f: tuple(v) for f, v in folded["ranges"].items()}
    return rows


_TRUSTED_FIELDS = frozenset(
    (
        *("id", "name", "segment", "journey_stage", "type", "owner", "exclusive_group"),
        *("voc_volume", "ces_delta", "churn_reduction_pp", "cross_sell", "cost_savings"),
        *("cost", "opex", "pillar", "effort", "depends_on", "mandatory"),
    )
)


def reference_trusted(
    columns: Mapping[str, Sequence[Any]], rows: Sequence[Mapping[str, Any]]
) -> list[Initiative] | None:
    """trusted_initiatives as it was: the models built row by row from the folded rows."""
    if "id" not in columns or not all(column_accepted(n, v) for n, v in columns.items()):
        return None
    out: list[Initiative] = []
    new = Initiative.__new__
    setattr_ = object.__setattr__
    for row in rows:
        if "id" not in row or not _TRUSTED_FIELDS.issuperset(row):
            return None
        values = {"id": row["id"], **_TEMPLATE}
        values.update(row)
        if "effort" not in row:
            values["effort"] = {}
        values["ranges"] = {}
        if not values["name"]:
            values["name"] = values["id"]
        item = new(Initiative)
        setattr_(item, "__dict__", values)
        setattr_(item, "__pydantic_fields_set__", set(row))
        setattr_(item, "__pydantic_extra__", None)
        setattr_(item, "__pydantic_private__", None)
        out.append(item)
    return out


def assert_same_or_none(got: list[Initiative] | None, expected: list[Initiative] | None) -> None:
    assert (got is None) == (expected is None)
    if got is not None and expected is not None:
        assert_same_initiatives(got, expected)
        for a, b in zip(got, expected, strict=True):  # no row shares a mutable value
            assert a.effort is not b.effort and a.ranges is not b.ranges


# --------------------------------------------------------------------------------------
# Initiatives built column-wise == the former construction from folded rows
# --------------------------------------------------------------------------------------
_POOLS: dict[str, list[Any]] = {
    "name": [None, "Chat bot", "x", ""],
    "segment": [None, "mass", "premium", "all"],
    "journey_stage": [None, "onboarding", "support"],
    "type": [None, "automation"],
    "owner": [None, "IT"],
    "exclusive_group": [None, "g1", "g2"],
    "pillar": [None, "", *PILLARS],
    "voc_volume": [None, 0.0, 12.5, 1200.0],
    "ces_delta": [None, 0.0, 0.4],
    "churn_reduction_pp": [None, 0.2, 3.0],
    "cross_sell": [None, -500.0, 20000.0],
    "cost_savings": [None, -1.0, 15000.0],
    "cost": [None, 0.0, 100000.0],
    "opex": [None, 3000.0],
    "depends_on": [None, ("I0",), ("I0", "I1")],
    "mandatory": [None, True, False],
    "effort_digital": [None, 0.0, 7.5],
    "effort_care": [None, 3.0],
    "effort_it": [None, 0.0, 1.0],
}
_REFUSED: dict[str, list[Any]] = {  # values the model would convert or refuse
    "id": [None, " I9 "],
    "name": [" padded "],
    "pillar": ["Trust"],
    "cost": [-5.0, float("nan"), 3],
    "effort_digital": [-1.0, 2],
    "depends_on": ["I0;I1", ("",)],
    "mandatory": [1],
    "cost_low": [1.0],
    "duration": [2.0],
}


@st.composite
def read_columns(draw: st.DrawFn) -> tuple[dict[str, list[Any]], int]:
    """Columns as the table reader gives them: random fields in random order, blanks,
    sometimes a column full of blanks, sometimes a value the fast path must refuse."""
    count = draw(st.integers(0, 7))
    names = draw(st.permutations(sorted(_POOLS)))[: draw(st.integers(0, len(_POOLS)))]
    columns: dict[str, list[Any]] = {"id": [f"I{k}" for k in range(count)]}
    for name in names:
        columns[name] = [draw(st.sampled_from(_POOLS[name])) for _ in range(count)]
    order = draw(st.permutations(list(columns)))
    columns = {name: columns[name] for name in order}  # id need not come first
    if count and draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from(sorted(_REFUSED)))
        column = columns.setdefault(name, [None] * count)
        column[draw(st.integers(0, count - 1))] = draw(st.sampled_from(_REFUSED[name]))
    return columns, count


@settings(max_examples=600, deadline=None)
@given(case=read_columns())
def test_initiatives_built_column_wise_equal_the_former_row_by_row_construction(
    case: tuple[dict[str, list[Any]], int],
) -> None:
    columns, count = case
    expected = reference_trusted(columns, reference_fold(columns, count))
    got = trusted_initiatives(columns, count)
    assert_same_or_none(got, expected)
    if got is not None:  # and both are what validating each folded row gives
        validated = [Initiative.model_validate(row) for row in fold_rows(columns, count)]
        assert_same_initiatives(got, validated)


def test_initiatives_built_column_wise_on_a_clean_table_take_the_fast_path() -> None:
    columns = {
        "name": ["", "b"],
        "id": ["A", "B"],
        "effort_care": [None, 2.0],
        "effort_digital": [1.0, None],
        "depends_on": [None, ("A",)],
    }
    got = trusted_initiatives(columns, 2)
    assert got is not None
    assert_same_or_none(got, reference_trusted(columns, reference_fold(columns, 2)))
    assert got[0].name == "A" and got[0].effort == {"digital": 1.0}
    assert got[1].effort == {"care": 2.0} and got[1].depends_on == ("A",)
    assert got[0].model_fields_set == {"id", "name", "effort"}
    assert got[1].model_fields_set == {"id", "name", "effort", "depends_on"}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=tables())
def test_loading_tables_equals_the_former_construction(
    case: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Through the whole loader: the columns it hands over, built both ways; and the loaded
    scenario equals validating every row (the former slow path)."""
    yaml_text, csv_text = case
    folder = tmp_path_factory.mktemp("table")
    (folder / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
    (folder / "initiatives.csv").write_text(csv_text, encoding="utf-8")
    seen: list[tuple[Any, int]] = []

    def spy(columns: Any, count: int) -> list[Initiative] | None:
        seen.append((columns, count))
        return trusted_initiatives(columns, count)

    saved = px_io.trusted_initiatives
    px_io.trusted_initiatives = spy  # type: ignore[assignment]
    try:
        fast = _load(folder, trusted=True)
    finally:
        px_io.trusted_initiatives = saved
    for columns, count in seen:
        expected = reference_trusted(columns, reference_fold(columns, count))
        assert_same_or_none(trusted_initiatives(columns, count), expected)
    slow = _load(folder, trusted=False)
    if isinstance(slow, list):
        assert fast == slow
    else:
        assert isinstance(fast, px.Scenario)
        assert_same_initiatives(fast.initiatives, slow.initiatives)


# --------------------------------------------------------------------------------------
# Rows folded when asked for; the header found among the first non-blank rows
# --------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(case=tables())
def test_rows_are_folded_from_the_columns_as_before(case: tuple[str, str]) -> None:
    import tempfile

    _yaml, csv_text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "initiatives.csv"
        path.write_text(csv_text, encoding="utf-8")
        built = px_io.read_table(path)
    assert built.folded is None  # not folded until asked for
    expected = reference_fold(built.columns, len(built.row_numbers))
    assert built.rows == expected
    assert [type(r) for r in built.rows] == [FoldedRow] * len(expected)
    assert built.rows is built.rows  # folded once


@pytest.mark.parametrize("titles", [0, 1, 5, 29, 30, 31, 40])
def test_the_header_is_found_below_title_rows_as_before(tmp_path: Path, titles: int) -> None:
    """The header is searched among the first 30 non-blank rows (blank rows between them do
    not count), as when every non-blank row was listed first."""
    lines = []
    for k in range(titles):
        lines += [f"Title line {k}", ""]
    lines += ["id,cost,segment", "A,1,all", "B,2,all", "", "C,3,all"]
    path = tmp_path / "initiatives.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    built = px_io.read_table(path)
    if titles < 30:
        assert built.header_row == 2 * titles + 1
        assert [r["id"] for r in built.rows] == ["A", "B", "C"]
        assert built.problems == [] and built.header_problems == []
    else:  # beyond the search: the first row is taken as the header, as before
        assert built.header_row == 1
        assert built.header_problems or built.problems


# --------------------------------------------------------------------------------------
# The whole-column number reader == its former list comprehension
# --------------------------------------------------------------------------------------
def reference_whole_column(values: list[Any], comma: bool, blank: Any) -> list[Any]:
    if comma:
        return [float(v.replace(",", ".")) if v else blank for v in values]
    return [float(v) if v else blank for v in values]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.sampled_from(["", "0", "1", "-2.5", "450000", "0.125", "-0"]), max_size=9),
    default=st.sampled_from([None, 0, 5.0]),
)
def test_whole_column_numbers_equal_the_former_reader(values: list[str], default: Any) -> None:
    from prioritizer.inputs import columns as schema
    from prioritizer.inputs.cells import FAST_POINT, _default, _whole_column

    spec = schema.column_of("cross_sell")  # no bounds: every value comes back
    got = _whole_column(values, FAST_POINT, False, spec, default)
    expected = reference_whole_column(values, False, _default(default))
    assert got == expected and [type(v) for v in got] == [type(v) for v in expected]
    bounded = schema.column_of("cost")  # cost >= 0: refused as a whole when any is below
    refused = _whole_column(values, FAST_POINT, False, bounded, default)
    assert (refused is None) == any(v is not None and v < 0 for v in expected)


# --------------------------------------------------------------------------------------
# The value table's effort columns == the former loop
# --------------------------------------------------------------------------------------
def reference_effort_columns(scenario: px.Scenario) -> dict[str, np.ndarray]:
    n = len(scenario.initiatives)
    columns = {team: np.zeros(n) for team in scenario.teams}
    for k, item in enumerate(scenario.initiatives):
        for team, days in item.effort.items():
            if team in columns:
                columns[team][k] = days
    return columns


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 25))
def test_effort_columns_equal_the_former_loop(seed: int, n: int) -> None:
    from prioritizer.value import _effort_columns

    sc = random_scenario(seed, n)
    got, expected = _effort_columns(sc), reference_effort_columns(sc)
    assert list(got) == list(expected)
    for team in got:
        assert got[team].dtype == expected[team].dtype
        assert np.array_equal(got[team], expected[team])


# --------------------------------------------------------------------------------------
# The command's collector: off while `solve` loads and solves, as it was after
# --------------------------------------------------------------------------------------
def test_collector_paused_restores_the_collector() -> None:
    from prioritizer.cli import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block leaves it as it found it
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_solve_loads_and_solves_with_the_collector_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner
    from conftest import SCENARIOS

    from prioritizer.cli import cli, options

    seen: list[bool] = []
    load = options.load_scenario

    def spy(path: Any) -> px.Scenario:
        seen.append(gc.isenabled())
        return load(path)

    monkeypatch.setattr(options, "load_scenario", spy)
    result = CliRunner().invoke(
        cli, ["solve", str(SCENARIOS / "retail_bank" / "scenario.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()


# --------------------------------------------------------------------------------------
# Work done while the solver process runs, once, in the caller's thread
# --------------------------------------------------------------------------------------
def test_meanwhile_runs_the_work_once_while_the_solver_process_runs(tmp_path: Path) -> None:
    import subprocess
    import sys
    import threading

    from prioritizer.solver.supervise import finish, meanwhile, start, stop_all

    flag = tmp_path / "done"
    child = (
        "import os, sys, time\n"
        "sys.stdin.buffer.read()\n"
        f"while not os.path.exists({str(flag)!r}):\n    time.sleep(0.01)\n"
        "sys.stdout.write('ok')\n"
    )
    processes: list[subprocess.Popen[bytes]] = []
    seen: list[tuple[bool, bool]] = []

    def work() -> None:  # the solver has its input and waits for this work to end
        seen.append((processes[0].poll() is None, threading.current_thread() is main))
        flag.write_text("")

    main = threading.current_thread()
    try:
        with meanwhile(work):
            proc = start([sys.executable, "-c", child], processes, stdin=True)
            first = finish(proc, stdin=b"model")
            second = finish(start([sys.executable, "-c", ""], processes), stdin=None)
    finally:
        stop_all(processes)
    assert seen == [(True, True)]  # once, during the first solver process, in this thread
    assert first.stdout == b"ok" and first.returncode == 0 and second.returncode == 0


def test_meanwhile_runs_the_work_on_leaving_when_no_solver_ran() -> None:
    from prioritizer.solver.supervise import meanwhile

    seen: list[int] = []
    with meanwhile(lambda: seen.append(1)):
        assert seen == []
    assert seen == [1]
    with pytest.raises(KeyError), meanwhile(lambda: seen.append(2)):
        raise KeyError  # the block failed: the work is dropped
    assert seen == [1]


def test_solve_hashes_and_ranks_once_while_cbc_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from click.testing import CliRunner
    from conftest import SCENARIOS

    from prioritizer.analysis import ranking as ranking_module
    from prioritizer.analysis.ranking import compare_with_ranking
    from prioritizer.cli import cli
    from prioritizer.solver import cylp_backend, supervise

    path = SCENARIOS / "retail_bank" / "scenario.yaml"
    solving: list[bool] = []
    hashes: list[bool] = []
    finish, fingerprint = supervise.finish, px.Scenario.fingerprint

    def spy_finish(*args: Any, **kwargs: Any) -> Any:
        solving.append(True)
        try:
            return finish(*args, **kwargs)
        finally:
            solving.pop()

    def spy_fingerprint(self: px.Scenario) -> str:
        hashes.append(bool(solving))
        return fingerprint(self)

    ranked: list[bool] = []
    ranking_selection = ranking_module.ranking_selection

    def spy_ranking(*args: Any) -> Any:
        ranked.append(bool(solving))
        return ranking_selection(*args)

    monkeypatch.setattr(supervise, "finish", spy_finish)  # the CBC binary's (run_supervised)
    monkeypatch.setattr(cylp_backend, "finish", spy_finish)
    monkeypatch.setattr(px.Scenario, "fingerprint", spy_fingerprint)
    monkeypatch.setattr(ranking_module, "ranking_selection", spy_ranking)
    result = CliRunner().invoke(cli, ["solve", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert hashes == [True] and ranked == [True]  # once each, while the solver ran
    payload = json.loads(result.stdout)
    sc = px.load_scenario(path)
    assert payload["manifest"]["scenario_sha256"] == fingerprint(sc)
    expected = compare_with_ranking(sc, optimum=px.optimize(sc))  # computed after, as before
    assert payload["ranking_value"] == expected.ranking_objective
    assert payload["ranking_share_of_optimum"] == expected.share_of_optimum


# --------------------------------------------------------------------------------------
# The yes/no reader's one-pass case == its cell loop, with and without a default
# --------------------------------------------------------------------------------------
@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(
        st.sampled_from(["", " ", "yes", "No", " 1 ", "0", "x", "TRUE", "-", "maybe", "#N/A"]),
        max_size=10,
    ),
    default=st.sampled_from([None, True, False, 0, 1]),
)
def test_yes_no_columns_equal_the_cell_loop(values: list[str], default: Any) -> None:
    from test_fast_loading import reference_bools

    from prioritizer.inputs.cells import Errors, read_bools

    numbers = list(range(2, 2 + len(values)))
    got_errors, expected_errors = Errors("t.csv", False), Errors("t.csv", False)
    got = read_bools(values, numbers, "mandatory", got_errors, default)
    blank = None if default is None else bool(default)
    expected = [
        blank if v is None else v for v in reference_bools(values, numbers, expected_errors)
    ]
    assert got == expected and [type(v) for v in got] == [type(v) for v in expected]
    assert got_errors.problems() == expected_errors.problems()


# --------------------------------------------------------------------------------------
# The table reader's column-wise checks == its row loops
# --------------------------------------------------------------------------------------
EXTRA_ROWS = (  # cells after the first two; the rest of the row is blank
    "",
    '""',
    '"Total"',
    '"";"Subtotal"',
    '"Digital projects"',
    '"I0"',
    '"i1"',
    '"";"mass"',
    '"Grand total";"mass"',
    '" I9 ";"mass"',
)


def _with_extra_rows(csv_text: str, inserts: list[tuple[int, str]]) -> str:
    lines = csv_text.splitlines()
    width = lines[0].count(";") + 1
    for at, extra in inserts:
        cells = extra.count(";") + 1 if extra else 0
        row = extra + ";" * (width - max(cells, 1)) if extra else extra
        lines.insert(min(at, len(lines)), row)
    return "\n".join(lines) + "\n"


def assert_fast_checks_equal_loops(csv_text: str) -> bool:
    """The table read with the column-wise checks equals it read with the row loops; True
    when the column-wise check of the rows was taken."""
    import tempfile

    from prioritizer.inputs import build as build_module

    taken: list[bool] = []
    check = build_module._all_initiatives

    def spy(*args: Any) -> bool:
        taken.append(check(*args))
        return taken[-1]

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "initiatives.csv"
        path.write_text(csv_text, encoding="utf-8")
        saved = build_module._all_initiatives, build_module._distinct_ids
        try:
            build_module._all_initiatives = spy  # type: ignore[assignment]
            fast = px_io.read_table(path)
            build_module._all_initiatives = lambda *_args: False  # type: ignore[assignment]
            build_module._distinct_ids = lambda _ids: None  # type: ignore[assignment]
            loops = px_io.read_table(path)
        finally:
            build_module._all_initiatives, build_module._distinct_ids = saved
    assert fast == loops  # every field: rows kept, skipped, problems, cross checks, columns
    assert fast.rows == loops.rows
    return any(taken)


@settings(max_examples=250, deadline=None)
@given(
    case=tables(),
    inserts=st.lists(st.tuples(st.integers(1, 9), st.sampled_from(EXTRA_ROWS)), max_size=2),
)
def test_the_column_wise_row_checks_equal_the_row_loops(
    case: tuple[str, str], inserts: list[tuple[int, str]]
) -> None:
    assert_fast_checks_equal_loops(_with_extra_rows(case[1], inserts))


@pytest.mark.parametrize("extra", EXTRA_ROWS)
@pytest.mark.parametrize("at", [1, 2, 4])
def test_each_kind_of_row_is_read_as_by_the_row_loop(extra: str, at: int) -> None:
    plain = '"id";"segment";"cost"\n"I0";"mass";"1"\n"I1";"mass";"2"\n"I2";"all";"3"\n'
    assert assert_fast_checks_equal_loops(plain)  # the plain table: column-wise
    assert_fast_checks_equal_loops(_with_extra_rows(plain, [(at, extra)]))


def test_the_column_wise_row_checks_are_taken_on_a_plain_table(tmp_path: Path) -> None:
    from prioritizer.inputs import build as build_module

    path = tmp_path / "initiatives.csv"
    path.write_text("id,cost,segment\nA,1,all\nb,2,all\nC,3,all\n", encoding="utf-8")
    from prioritizer.inputs.tables import read_raw

    body = read_raw(path, looks_like_header=lambda _cells: True).rows[1:]
    assert build_module._all_initiatives(body, 0, set())
    assert not build_module._all_initiatives(body, 0, {3})  # a hidden row
    assert not build_module._all_initiatives([*body, (5, ["Total", "6", ""])], 0, set())
    assert not build_module._all_initiatives([*body, (5, ["D", "", ""])], 0, set())
    assert build_module._distinct_ids(["A", "b", "C"]) == {"a": 0, "b": 1, "c": 2}
    assert build_module._distinct_ids(["A", "a"]) is None
    assert build_module._distinct_ids(["A", None]) is None


def test_a_command_module_is_imported_with_the_collector_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import click

    import prioritizer.cli as cli_package

    seen: list[bool] = []
    real = cli_package.importlib.import_module

    def spy(name: str, package: str | None = None) -> Any:
        seen.append(gc.isenabled())
        return real(name, package)

    group = cli_package.LazyGroup()  # a fresh group: no command imported yet
    monkeypatch.setattr(cli_package.importlib, "import_module", spy)
    command = group.get_command(click.Context(group), "validate")
    assert isinstance(command, click.Command)
    assert seen == [False] and gc.isenabled()
