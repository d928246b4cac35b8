"""A corpus of malformed scenarios: each gives exit 2, no traceback, a located message,
unchanged inputs and nothing written to --out."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from prioritizer.cli import cli

YAML = """\
name: bad input
budget: 1000
segments:
  mass: {customers: 1000, ltv: 100}
  premium: {customers: 100, ltv: 900}
teams: {digital: 100}
objective: {mode: blended, weights: {business: 0.6, customer: 0.4}}
initiatives: initiatives.csv
"""
CSV = "id,name,segment,cost,effort_digital,depends_on,pillar\nA,Alpha,mass,100,10,,ease\nB,Beta,premium,200,20,A,trust\n"


def y(old: str, new: str) -> dict[str, str | bytes]:
    assert old in YAML, old
    return {"scenario.yaml": YAML.replace(old, new)}


def c(old: str, new: str) -> dict[str, str | bytes]:
    assert old in CSV, old
    return {"initiatives.csv": CSV.replace(old, new)}


CASES: dict[str, tuple[dict[str, str | bytes], str]] = {
    "budget not a number": (y("budget: 1000", "budget: lots"), "key budget"),
    "budget negative": (y("budget: 1000", "budget: -5"), "key budget"),
    "budget NaN": (y("budget: 1000", "budget: .nan"), "key budget"),
    "budget infinite": (y("budget: 1000", "budget: .inf"), "key budget"),
    "budget missing": (y("budget: 1000\n", ""), "key budget: required"),
    "segments missing": (
        y(
            "segments:\n  mass: {customers: 1000, ltv: 100}\n  premium: {customers: 100, ltv: 900}\n",
            "",
        ),
        "key segments",
    ),
    "initiatives key missing": (y("initiatives: initiatives.csv\n", ""), "key initiatives"),
    "unknown top-level key": (
        y("name: bad input", "name: bad input\nbudgett: 5"),
        "key budgett: unknown key",
    ),
    "unknown nested key": (
        y("mode: blended", "mode: blended, wieghts: {}"),
        "objective.wieghts: unknown key",
    ),
    "objective mode unknown": (y("mode: blended", "mode: profit"), "key objective.mode"),
    "weights sum to zero": (
        y("business: 0.6, customer: 0.4", "business: 0, customer: 0"),
        "weights must not all be zero",
    ),
    "weight negative": (y("business: 0.6", "business: -1"), "objective.weights.business"),
    "complaint rate zero": (
        y("budget: 1000", "budget: 1000\ncomplaint_rate: 0"),
        "key complaint_rate",
    ),
    "horizon zero": (y("budget: 1000", "budget: 1000\nhorizon_years: 0"), "key horizon_years"),
    "horizon fractional": (
        y("budget: 1000", "budget: 1000\nhorizon_years: 2.5"),
        "key horizon_years",
    ),
    "discount rate above one": (
        y("budget: 1000", "budget: 1000\ndiscount_rate: 1.5"),
        "key discount_rate",
    ),
    "team capacity negative": (y("digital: 100", "digital: -100"), "key teams.digital"),
    "segment customers negative": (
        y("customers: 1000", "customers: -1"),
        "key segments.mass.customers",
    ),
    "segment named all": (
        y("  mass:", "  all: {customers: 1, ltv: 1}\n  mass:"),
        "'all' is reserved",
    ),
    "default_relative too large": (
        y("budget: 1000", "budget: 1000\nuncertainty: {default_relative: 2}"),
        "uncertainty.default_relative",
    ),
    "mandatory id unknown": (
        y("budget: 1000", "budget: 1000\nrules: {mandatory: [ZZZ]}"),
        "rules.mandatory[0]: unknown initiative id 'ZZZ'",
    ),
    "mandatory and excluded": (
        y("budget: 1000", "budget: 1000\nrules: {mandatory: [A], excluded: [A]}"),
        "both mandatory and excluded",
    ),
    "min_count unknown pillar": (
        y("budget: 1000", "budget: 1000\nrules: {min_count: {pillar: {calm: 1}}}"),
        "unknown pillar 'calm'",
    ),
    "max_count unknown segment": (
        y("budget: 1000", "budget: 1000\nrules: {max_count: {segment: {gold: 1}}}"),
        "unknown segment 'gold'",
    ),
    "min_count unknown attribute": (
        y("budget: 1000", "budget: 1000\nrules: {min_count: {colour: {red: 1}}}"),
        "rules.min_count.colour",
    ),
    "scenario is a list": ({"scenario.yaml": "- a\n- b\n"}, "expected a mapping"),
    "scenario is a scalar": ({"scenario.yaml": "42\n"}, "expected a mapping"),
    "scenario empty": ({"scenario.yaml": ""}, "the file is empty"),
    "yaml syntax error": ({"scenario.yaml": "name: [unclosed\nbudget: 1\n"}, "YAML syntax error"),
    "yaml python tag": (
        {"scenario.yaml": "name: !!python/object/apply:os.system ['echo hi']\n"},
        "YAML tag refused",
    ),
    "yaml non-text key": ({"scenario.yaml": YAML + "1: x\n"}, "is not text"),
    "yaml not utf-8": (
        {"scenario.yaml": YAML.replace("bad input", "caf\xe9").encode("latin-1")},
        "not UTF-8",
    ),
    "initiatives file missing": (
        y("initiatives: initiatives.csv", "initiatives: nowhere.csv"),
        "initiatives file not found",
    ),
    "initiatives is a directory": (
        {**y("initiatives: initiatives.csv", "initiatives: folder.csv"), "folder.csv/x": "x"},
        "is a directory",
    ),
    "initiatives wrong extension": (
        {**y("initiatives: initiatives.csv", "initiatives: list.pdf"), "list.pdf": CSV},
        "unsupported file type",
    ),
    "initiatives not a path or list": (
        y("initiatives: initiatives.csv", "initiatives: 5"),
        "expected a file path or a list",
    ),
    "inline row not a mapping": (
        y("initiatives: initiatives.csv", "initiatives: [A, B]"),
        "initiatives[0]: expected a mapping",
    ),
    "inline list empty": (
        y("initiatives: initiatives.csv", "initiatives: []"),
        "list of initiatives is empty",
    ),
    "csv empty": ({"initiatives.csv": ""}, "the file is empty"),
    "csv header only": ({"initiatives.csv": "id,name,cost\n"}, "no initiative rows"),
    "csv blank rows only": ({"initiatives.csv": "id,name,cost\n,,\n  ,,\n"}, "no initiative rows"),
    "csv in no encoding that can be told": (
        {
            "initiatives.csv": CSV.replace("Alpha", "Caf\xe9").encode("cp1252")
            + b"C,\x81\x8d,mass\n"
        },
        "not UTF-8",
    ),
    "csv missing id column": (
        {"initiatives.csv": "name,cost\nAlpha,100\n"},
        "missing required column 'id'",
    ),
    "csv duplicate column": ({"initiatives.csv": "id,cost,COST\nA,1,2\n"}, "duplicate column"),
    "csv unknown column": (
        {"initiatives.csv": "id,cost,colour\nA,1,red\nB,2,blue\n"},
        "column 'colour': unknown column",
    ),
    "csv too many cells": (
        c("A,Alpha,mass,100,10,,ease", "A,Alpha,mass,100,10,,ease,extra"),
        "cells but the header has",
    ),
    "csv negative cost": (c("mass,100,10", "mass,-100,10"), "initiatives.csv row 2, column 'cost'"),
    "csv NaN cost": (c("mass,100,10", "mass,nan,10"), "row 2, column 'cost'"),
    "csv infinite cost": (c("mass,100,10", "mass,inf,10"), "row 2, column 'cost'"),
    "csv text in number": (c("premium,200", "premium,two hundred"), "row 3, column 'cost'"),
    "csv empty id": (c("B,Beta", ",Beta"), "row 3"),
    "csv duplicate id": (c("B,Beta", "A,Beta"), "row 3, column 'id': duplicate id 'A'"),
    "csv unknown segment": (
        c("B,Beta,premium", "B,Beta,gold"),
        "row 3, column 'segment': unknown segment 'gold'",
    ),
    "csv unknown team": (
        {"initiatives.csv": CSV.replace("effort_digital", "effort_design")},
        "column 'effort_design': effort for unknown team",
    ),
    "csv unknown dependency": (c(",A,trust", ",Z,trust"), "depends on unknown initiative 'Z'"),
    "csv self dependency": (c(",A,trust", ",B,trust"), "'B' depends on itself"),
    "csv dependency cycle": (c("10,,ease", "10,B,ease"), "dependency cycle: A -> B -> A"),
    "csv bad pillar": (c("trust\n", "calm\n"), "row 3, column 'pillar'"),
    "csv bad boolean": (
        {
            "initiatives.csv": CSV.replace("pillar\n", "pillar,mandatory\n")
            .replace("ease\n", "ease,perhaps\n")
            .replace("trust\n", "trust,no\n")
        },
        "row 2, column 'mandatory'",
    ),
    "csv low above high": (
        {"initiatives.csv": "id,cost,cost_low,cost_high\nA,10,12,11\n"},
        "cost_low (12) is above cost_high (11)",
    ),
    "csv base outside range": (
        {"initiatives.csv": "id,cost,cost_low,cost_high\nA,10,11,12\n"},
        "outside its range",
    ),
    "xlsx corrupt": (
        {
            **y("initiatives: initiatives.csv", "initiatives: initiatives.xlsx"),
            "initiatives.xlsx": b"PK\x03\x04 not really a zip",
        },
        "cannot open as an Excel workbook",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda s: s.replace(" ", "-"))
def test_bad_input_is_refused_cleanly(case: str, tmp_path: Path) -> None:
    files, expected = CASES[case]
    folder = tmp_path / "in"
    folder.mkdir()
    contents: dict[str, str | bytes] = {"scenario.yaml": YAML, "initiatives.csv": CSV, **files}
    for name, content in contents.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    out = tmp_path / "out"
    for args in (["validate"], ["solve", "--out", str(out)]):
        result = CliRunner().invoke(cli, [*args[:1], str(folder / "scenario.yaml"), *args[1:]])
        assert result.exit_code == 2, (case, result.output)
        assert "Traceback" not in result.stderr
        assert expected in result.stderr, (case, result.stderr)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not out.exists()


def test_corpus_size() -> None:
    assert len(CASES) >= 40


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text(YAML.replace("budget: 1000", "budget: -1\nfoo: 1"))
    (tmp_path / "initiatives.csv").write_text("id,cost,segment\nA,-1,mass\nB,x,mass\nC,1,nowhere\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "scenario.yaml")])
    assert result.exit_code == 2
    assert "4 problems found" in result.stderr
    for fragment in (
        "key budget",
        "key foo: unknown key",
        "row 2, column 'cost'",
        "row 3, column 'cost'",
    ):
        assert fragment in result.stderr
