"""The fast paths of loading a scenario give exactly what the plain code gives: initiatives
built from checked columns against ``Initiative.model_validate`` row by row, on random tables
(blanks, padding, bad values, defaults), field for field and message for message; the table
reader's one-pass column readers and possessive patterns against the cell loops and the plain
patterns; the fingerprint and the dependency-cycle search against their former code; all
with hypothesis.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from randomscen import random_scenario

import prioritizer as px
from prioritizer import io as px_io
from prioritizer.exceptions import ScenarioError
from prioritizer.models import PILLARS, Initiative

# --------------------------------------------------------------------------------------
# Initiatives from checked columns == Initiative.model_validate row by row
# --------------------------------------------------------------------------------------
TABLE_YAML = """\
name: trusted
budget: 1000000
segments: {{mass: {{customers: 900000, ltv: 300}}, premium: {{customers: 40000, ltv: 5000}}}}
teams: {{digital: 100, care: 50}}
{defaults}initiatives: initiatives.csv
"""

CELLS: dict[str, list[str]] = {
    "name": ["", "Chat bot", "  padded  ", "12"],
    "segment": ["mass", "Premium", "all", " mass "],
    "journey_stage": ["", "onboarding", " support "],
    "pillar": ["", "trust", "Ease", " empathy ", *PILLARS],
    "type": ["", "automation"],
    "owner": ["", "IT"],
    "voc_volume": ["", "0", "1200", "12.5"],
    "ces_delta": ["", "0.4", "1,5"],
    "churn_reduction_pp": ["", "0.2", "3%"],
    "cross_sell": ["", "-500", "20000"],
    "cost_savings": ["", "-1", "15000"],
    "cost": ["", "0", "100000", " 250000 ", "-5"],
    "opex": ["", "0", "3000"],
    "effort_digital": ["", "0", "10", "7.5"],
    "effort_care": ["", "3"],
    "exclusive_group": ["", "g1", " g2 "],
    "mandatory": ["", "yes", "no", "TRUE"],
}
RARE = {  # values the reader refuses or that the model converts: the slow path must agree
    "voc_volume": ["abc", "-3"],
    "cost": ["nan", "1e400"],
    "pillar": ["bogus"],
    "mandatory": ["maybe"],
    "segment": [""],
}


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, str]:
    """(scenario YAML, initiatives CSV): random columns and cells, sometimes a bad one."""
    others = sorted(set(CELLS) - {"segment"})
    columns = ["id", "segment", *draw(st.lists(st.sampled_from(others), unique=True, max_size=12))]
    if draw(st.booleans()):
        columns.append("depends_on")
    n = draw(st.integers(1, 8))
    ids = [f"I{k}" for k in range(n)]
    rows = []
    for k in range(n):
        row = []
        for column in columns:
            if column == "id":
                row.append(draw(st.sampled_from([ids[k], f" {ids[k]} ", ids[k].lower()])))
            elif column == "depends_on":
                row.append(draw(st.sampled_from(["", *ids[:k], ";".join(ids[:k]), " i0 , I1"])))
            else:
                pool = CELLS[column] + (
                    RARE.get(column, []) if draw(st.integers(0, 9)) == 0 else []
                )
                row.append(draw(st.sampled_from(pool)))
        rows.append(row)
    defaults = draw(
        st.sampled_from(
            [
                "",
                "defaults: {segment: all}\n",
                "defaults: {name: ' x ', cost: 5, pillar: Trust}\n",
                "defaults: {cost: -5, voc_volume: 2}\n",
                "defaults: {name: ' ', exclusive_group: g, mandatory: 1}\n",
            ]
        )
    )
    csv = "\n".join(";".join(f'"{c}"' for c in line) for line in [columns, *rows]) + "\n"
    return TABLE_YAML.format(defaults=defaults), csv


def _load(folder: Path, trusted: bool) -> px.Scenario | list[tuple[str, str]]:
    saved = px_io.trusted_initiatives
    if not trusted:
        px_io.trusted_initiatives = lambda columns, rows: None  # type: ignore[assignment]
    try:
        return px.load_scenario(folder / "scenario.yaml")
    except ScenarioError as exc:
        return [(p.where, p.message) for p in exc.problems]
    finally:
        px_io.trusted_initiatives = saved


def assert_same_initiatives(got: Sequence[Initiative], expected: Sequence[Initiative]) -> None:
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert type(a) is Initiative
        assert list(a.__dict__.items()) == list(b.__dict__.items())
        assert [type(v) for v in a.__dict__.values()] == [type(v) for v in b.__dict__.values()]
        assert a.model_fields_set == b.model_fields_set
        assert (a.__pydantic_extra__, a.__pydantic_private__) == (
            b.__pydantic_extra__,
            b.__pydantic_private__,
        )
        assert a == b
        assert a.model_dump_json() == b.model_dump_json()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=tables())
def test_initiatives_from_checked_columns_equal_row_by_row_validation(
    case: tuple[str, str],
) -> None:
    yaml_text, csv_text = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "scenario.yaml").write_text(yaml_text, encoding="utf-8")
        (root / "initiatives.csv").write_text(csv_text, encoding="utf-8")
        fast, slow = _load(root, trusted=True), _load(root, trusted=False)
    if isinstance(slow, list):
        assert fast == slow  # the same problems, same words, same order
        return
    assert isinstance(fast, px.Scenario)
    assert_same_initiatives(fast.initiatives, slow.initiatives)
    assert fast.fingerprint() == slow.fingerprint()
    assert [w.message for w in fast.warnings] == [w.message for w in slow.warnings]


@pytest.mark.parametrize(
    ("defaults", "expected"),
    [
        ("{cost: -5}", "must be 0 or more; found -5.0"),  # a default below the model's bound
        ("{name: ' x ', cost: 1}", None),  # a default the model strips
        ("{pillar: ' Trust', cost: 1}", None),  # a default the model lowers
        ("{mandatory: 1, exclusive_group: ' g ', cost: 1}", None),
    ],
)
def test_defaults_the_reader_passes_through_are_validated_as_before(
    tmp_path: Path, defaults: str, expected: str | None
) -> None:
    (tmp_path / "scenario.yaml").write_text(
        TABLE_YAML.format(defaults=f"defaults: {defaults}\n"), encoding="utf-8"
    )
    cells = (
        "id,segment,name,cost,pillar,mandatory,exclusive_group\nA,mass,,,,,\nB,mass,b,3,ease,no,h\n"
    )
    (tmp_path / "initiatives.csv").write_text(cells, encoding="utf-8")
    fast, slow = _load(tmp_path, trusted=True), _load(tmp_path, trusted=False)
    if expected is not None:
        assert isinstance(slow, list) and fast == slow
        assert any(expected in message for _where, message in slow)
        return
    assert isinstance(fast, px.Scenario) and isinstance(slow, px.Scenario)
    assert_same_initiatives(fast.initiatives, slow.initiatives)
    first = fast.initiatives[0]
    assert (
        first.name == first.name.strip() and first.exclusive_group == first.exclusive_group.strip()
    )


def test_the_benchmark_table_takes_the_fast_path_and_equals_validation(tmp_path: Path) -> None:
    from benchmarks.generate import write_instance
    from prioritizer.inputs.trusted import trusted_initiatives

    path = write_instance(tmp_path / "n300", 300, 1)
    taken: list[bool] = []

    def spy(columns: Any, rows: Any) -> list[Initiative] | None:
        out = trusted_initiatives(columns, rows)
        taken.append(out is not None)
        return out

    saved = px_io.trusted_initiatives
    px_io.trusted_initiatives = spy  # type: ignore[assignment]
    try:
        fast = px.load_scenario(path)
    finally:
        px_io.trusted_initiatives = saved
    assert taken == [True]
    slow = _load(path.parent, trusted=False)
    assert isinstance(slow, px.Scenario)
    assert_same_initiatives(fast.initiatives, slow.initiatives)
    assert any(i.depends_on for i in fast.initiatives)
    assert any(i.exclusive_group for i in fast.initiatives)


def test_columns_the_model_converts_are_left_to_validation() -> None:
    from prioritizer.inputs.trusted import column_accepted

    assert column_accepted("cost", [1.0, None, 0.0])
    assert not column_accepted("cost", [1.0, -0.5])  # the model's ge=0
    assert not column_accepted("cost", [1.0, float("nan")])
    assert not column_accepted("cost", [1, 2.0])  # an int the model would convert
    assert column_accepted("cross_sell", [-1.0, 2.0])
    assert not column_accepted("name", ["a", " b "])  # the model strips
    assert not column_accepted("id", ["a", ""])
    assert not column_accepted("pillar", ["Trust"])
    assert not column_accepted("depends_on", ["A;B"])
    assert column_accepted("depends_on", [("A", "B"), None])
    assert not column_accepted("mandatory", [1])
    assert not column_accepted("cost_low", [1.0])  # ranges: cross-checked by the model
    assert not column_accepted("duration", [1.0])  # an int field


# --------------------------------------------------------------------------------------
# The table reader's one-pass column readers == their cell-by-cell loops
# --------------------------------------------------------------------------------------
def reference_texts(values: list[Any], numbers: list[int], name: str, errors: Any) -> list[Any]:
    """read_texts as the cell-by-cell loop (default None), before its one-pass case."""
    import math

    from prioritizer.inputs.cells import BAD, _special, as_text, is_blank

    out: list[Any] = []
    for k, value in enumerate(values):
        if type(value) is str and value and value[0] not in "#=":
            stripped = value.strip()
            if stripped:
                out.append(stripped)
                continue
        if is_blank(value):
            out.append(None)
            continue
        special = _special(value, name) if isinstance(value, str) else None
        if special:
            errors.add(name, "special", numbers[k], special)
            out.append(BAD)
            continue
        if isinstance(value, float) and not math.isfinite(value):
            errors.add(name, "text", numbers[k], f"{name} must be text; found {value!r}")
            out.append(BAD)
            continue
        out.append(as_text(value))
    return out


def reference_bools(values: list[Any], numbers: list[int], errors: Any) -> list[Any]:
    """read_bools as the cell-by-cell loop (default None), before its one-pass case."""
    from prioritizer.inputs.cells import _FALSE, _TRUE, BAD, _special, as_text, is_blank

    out: list[Any] = []
    for k, value in enumerate(values):
        if is_blank(value):
            out.append(None)
            continue
        if isinstance(value, bool):
            out.append(value)
            continue
        text = as_text(value).casefold()
        if text in _TRUE:
            out.append(True)
        elif text in _FALSE:
            out.append(False)
        else:
            special = _special(value, "mandatory")
            errors.add(
                "mandatory",
                "bool",
                numbers[k],
                special
                or f"mandatory must be yes or no (a valid boolean: true/false, yes/no, 1/0); "
                f"found {as_text(value)!r}",
            )
            out.append(BAD)
    return out


cell_texts = st.sampled_from(
    ["", " ", "\t", "a", " a ", "#N/A", " #x", "#x", "=A1", "yes", "No", " 1 ", "0", "x", "\u00a0"]
)
cells = st.one_of(cell_texts, st.none(), st.just(1.5), st.just(2.0), st.just(True))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(cell_texts, cell_texts, cells), max_size=12))
def test_column_readers_in_one_pass_equal_the_cell_loops(values: list[Any]) -> None:
    from prioritizer.inputs.cells import Errors, read_bools, read_texts

    numbers = list(range(2, 2 + len(values)))
    for read, reference in (
        (
            lambda e: read_texts(values, numbers, "name", "name", e, None),
            lambda e: reference_texts(values, numbers, "name", e),
        ),
        (
            lambda e: read_bools(values, numbers, "mandatory", e, None),
            lambda e: reference_bools(values, numbers, e),
        ),
    ):
        got_errors, expected_errors = Errors("t.csv", False), Errors("t.csv", False)
        got, expected = read(got_errors), reference(expected_errors)
        assert got == expected and [type(v) for v in got] == [type(v) for v in expected]
        assert got_errors.problems() == expected_errors.problems()


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="0123456789+-.,\n a\u0663", max_size=30))
def test_whole_column_patterns_match_the_plain_ones(text: str) -> None:
    import re

    from prioritizer.inputs.cells import WHOLE_COLUMN

    for fast, whole in WHOLE_COLUMN.items():
        plain = rf"(?:{fast.pattern})?(?:\n(?:{fast.pattern})?)*"
        assert bool(whole.fullmatch(text)) == bool(re.fullmatch(plain, text)), fast.pattern


# --------------------------------------------------------------------------------------
# The scenario's fingerprint is the one it was
# --------------------------------------------------------------------------------------
def reference_fingerprint(sc: px.Scenario) -> str:
    """Scenario.fingerprint with its effort table built row by row, as before."""
    import hashlib
    import json

    items = tuple(sorted(sc.initiatives, key=lambda item: item.id))
    teams = sorted(sc.teams)
    settings_ = sc.model_dump(mode="json", exclude={"initiatives"})
    rows = sc.model_copy(update={"initiatives": items}).model_dump_json(
        include={"initiatives"}, exclude={"initiatives": {"__all__": {"effort", "ranges"}}}
    )
    effort = np.array([[item.effort.get(team, 0.0) for team in teams] for item in items])
    ranges = [[item.id, sorted(item.ranges.items())] for item in items if item.ranges]
    digest = hashlib.sha256()
    for part in (settings_, teams, ranges):
        digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(rows.encode("utf-8"))
    digest.update(effort.astype("<f8").tobytes())
    return digest.hexdigest()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 20))
def test_fingerprint_is_unchanged(seed: int, n: int) -> None:
    sc = random_scenario(seed, n)
    assert sc.fingerprint() == reference_fingerprint(sc)


def test_fingerprint_is_unchanged_on_the_examples() -> None:
    from conftest import EXAMPLES

    for path in EXAMPLES:
        sc = px.load_scenario(path)
        assert sc.fingerprint() == reference_fingerprint(sc), path


# --------------------------------------------------------------------------------------
# The dependency-cycle search finds the cycle it found before
# --------------------------------------------------------------------------------------
def reference_cycle(initiatives: Sequence[Initiative]) -> list[str]:
    """_dependency_cycle walking every initiative, as before."""
    graph = {i.id: [d for d in i.depends_on if d != i.id] for i in initiatives}
    state: dict[str, int] = {}
    for start in graph:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, child = stack.pop()
            if child == 0:
                state[node] = 1
                path.append(node)
            children = graph.get(node, [])
            if child < len(children):
                stack.append((node, child + 1))
                nxt = children[child]
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :]
                if nxt in graph and not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return []


@settings(max_examples=300, deadline=None)
@given(edges=st.lists(st.lists(st.integers(0, 11), max_size=3), min_size=1, max_size=12))
def test_dependency_cycle_search_is_unchanged(edges: list[list[int]]) -> None:
    from prioritizer.scenario_checks import dependency_cycle as _dependency_cycle

    items = [
        Initiative(id=f"I{k}", depends_on=tuple(f"I{d}" for d in deps))
        for k, deps in enumerate(edges)
    ]
    assert _dependency_cycle(items) == reference_cycle(items)
