"""Every export habit of the corpus ends in the state it names (tests/corpus_cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus_cases import CASES, Case

import prioritizer as px
from prioritizer.cli import cli


def _write(folder: Path, case: Case) -> dict[Path, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _value(item: px.Initiative, field: str) -> float:
    if field == "effort":
        return item.effort.get("digital", 0.0)
    if field.startswith("effort_"):
        return item.effort.get(field.removeprefix("effort_"), 0.0)
    return float(getattr(item, field))


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda s: s.replace(" ", "-"))
def test_export_habit(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    folder = tmp_path / "in"
    before = _write(folder, case)
    scenario = folder / "scenario.yaml"
    if case.state == "refused":
        with pytest.raises(px.ScenarioError) as info:
            px.load_scenario(scenario)
        assert case.fragment in str(info.value), str(info.value)
        out = tmp_path / "out"
        result = CliRunner().invoke(cli, ["solve", str(scenario), "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.stderr and case.fragment in result.stderr
        assert not out.exists()
    else:
        sc = px.load_scenario(scenario)
        codes = [w.code for w in sc.warnings]
        if case.state == "read":
            assert codes == [], [str(w) for w in sc.warnings]
        else:
            assert case.fragment in codes, codes
        assert case.expected is not None
        for ident, fields in case.expected.items():
            item = sc.initiative(ident)
            for field, expected in fields.items():
                assert _value(item, field) == pytest.approx(expected, rel=1e-12), (ident, field)
        assert len(sc.initiatives) == 2
        for key, expected in case.extra.items():
            if key == "segment":
                for ident, segment in expected.items():
                    assert sc.initiative(ident).segment == segment
            else:
                assert getattr(sc, key) == pytest.approx(expected)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_corpus_size_and_families() -> None:
    assert len(CASES) >= 60
    families = {c.family for c in CASES.values()}
    assert {"csv locale", "encoding", "numbers", "structure", "xlsx", "blanks", "yaml"} <= families
    for state in ("read", "warned", "refused"):
        assert any(c.state == state for c in CASES.values())
