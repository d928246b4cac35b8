"""Loading scenarios: every input format, and errors that name file, row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

import prioritizer as px

SCENARIO = """\
name: io test
budget: 1000
segments: {mass: {customers: 1000, ltv: 100}}
teams: {digital: 100}
initiatives: {table}
"""


def write(tmp_path: Path, table_name: str, content: str | bytes) -> Path:
    table = tmp_path / table_name
    table.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO.replace("{table}", table_name))
    return scenario


def test_csv_comma(tmp_path: Path) -> None:
    sc = px.load_scenario(
        write(tmp_path, "i.csv", "id,cost,effort_digital,depends_on\nA,10,5,\nB,20,,A\n")
    )
    assert sc.ids == ["A", "B"]
    assert sc.initiatives[1].depends_on == ("A",)
    assert sc.initiatives[1].effort == {}
    assert sc.initiatives[0].effort == {"digital": 5.0}


def test_csv_semicolon_bom_decimal_comma_and_case(tmp_path: Path) -> None:
    text = "\ufeffID;Name;COST;Ces_Delta;Mandatory\nA;Eins;1.234,5;0,5;ja\n"
    with pytest.raises(px.ScenarioError, match=r"column 'Mandatory'.*valid boolean"):
        px.load_scenario(write(tmp_path, "i.csv", text))
    text = text.replace(";ja", ";yes")
    sc = px.load_scenario(write(tmp_path, "i.csv", text))
    item = sc.initiatives[0]
    assert (item.id, item.name, item.cost, item.ces_delta, item.mandatory) == (
        "A",
        "Eins",
        1234.5,
        0.5,
        True,
    )


def test_xlsx_first_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "cost", "effort_digital", "cost_low", "cost_high"])
    ws.append([101, 10, 5, 8, 15])
    ws.append([None, None, None, None, None])
    ws.append(["B", 20, None, None, None])
    wb.create_sheet("other").append(["ignored"])
    wb.save(tmp_path / "i.xlsx")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO.replace("{table}", "i.xlsx"))
    sc = px.load_scenario(scenario)
    assert sc.ids == ["101", "B"]
    assert sc.initiatives[0].range_of("cost") == (8.0, 15.0)


def test_inline_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        SCENARIO.replace("{table}", "[{id: A, cost: 5, Effort_Digital: 3}, {id: B, cost_high: 9}]")
    )
    sc = px.load_scenario(path)
    assert sc.initiatives[0].effort == {"digital": 3.0}
    assert sc.initiatives[1].range_of("cost") == (0.0, 9.0)


def test_errors_name_file_row_and_column_all_at_once(tmp_path: Path) -> None:
    csv_text = (
        "id,cost,segment,effort_digital,pillar\n"
        "A,-5,mass,1,ease\nB,abc,nowhere,2,calm\nA,1,mass,1,\n"
    )
    with pytest.raises(px.ScenarioError) as info:
        px.load_scenario(write(tmp_path, "i.csv", csv_text))
    text = str(info.value)
    assert "i.csv row 2, column 'cost'" in text and "must be 0 or more" in text
    assert "i.csv row 3, column 'cost'" in text
    assert "i.csv row 3, column 'pillar'" in text
    assert len(info.value.problems) == 3  # cross checks wait until the rows are valid


def test_cross_checks_are_located(tmp_path: Path) -> None:
    csv_text = "id,segment,depends_on,effort_design\nA,mass,B,1\nA,nowhere,,2\nC,all,C,\n"
    with pytest.raises(px.ScenarioError) as info:
        px.load_scenario(write(tmp_path, "i.csv", csv_text))
    text = str(info.value)
    assert "column 'effort_design': effort for unknown team 'design'" in text
    assert "i.csv row 3, column 'id': duplicate id 'A'" in text
    assert "i.csv row 3, column 'segment': unknown segment 'nowhere'" in text
    assert "row 2, column 'depends_on': depends on unknown initiative 'B'" in text
    assert "row 4, column 'depends_on': 'C' depends on itself" in text


def test_dependency_cycle_is_named(tmp_path: Path) -> None:
    csv_text = "id,depends_on\nA,C\nB,A\nC,B\nD,\n"
    with pytest.raises(px.ScenarioError, match=r"dependency cycle: A -> C -> B -> A"):
        px.load_scenario(write(tmp_path, "i.csv", csv_text))


def test_unknown_yaml_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "i.csv", "id\nA\n")
    path.write_text(path.read_text() + "objective: {mode: blended, wieghts: {business: 1}}\n")
    with pytest.raises(
        px.ScenarioError, match=r"scenario.yaml: key objective.wieghts: unknown key"
    ):
        px.load_scenario(path)


def test_unknown_column_is_named_once(tmp_path: Path) -> None:
    with pytest.raises(px.ScenarioError) as info:
        px.load_scenario(
            write(tmp_path, "i.csv", "id,churn_reducton_pp,notes,x_owner\nA,1,hi,me\nB,2,,\n")
        )
    assert len(info.value.problems) == 1
    assert "column 'churn_reducton_pp': unknown column" in str(info.value)


def test_range_must_contain_base(tmp_path: Path) -> None:
    with pytest.raises(px.ScenarioError, match=r"cost_low .* is above cost_high"):
        px.load_scenario(write(tmp_path, "i.csv", "id,cost,cost_low,cost_high\nA,10,12,11\n"))
    with pytest.raises(px.ScenarioError, match="outside its range"):
        px.load_scenario(write(tmp_path, "i.csv", "id,cost,cost_low,cost_high\nA,10,11,12\n"))


def test_with_overrides_returns_new_scenario(bank: px.Scenario) -> None:
    lean = bank.with_overrides(budget=2_000_000, teams={"digital": 1500}, force_in=["CHATBOT-BUY"])
    assert lean.budget == 2_000_000 and lean.teams["digital"] == 1500
    assert lean.teams["it"] == bank.teams["it"]
    assert "CHATBOT-BUY" in lean.mandatory_ids()
    assert bank.budget == 3_000_000 and bank.teams["digital"] == 1800
    assert "CHATBOT-BUY" not in bank.mandatory_ids()
    with pytest.raises(px.ScenarioError, match="unknown team 'design'"):
        bank.with_overrides(teams={"design": 1})
    with pytest.raises(px.ScenarioError, match="unknown initiative id 'NOPE'"):
        bank.with_overrides(force_in=["NOPE"])
    with pytest.raises(px.ScenarioError):
        bank.with_overrides(budget=-1)


def test_with_no_overrides_is_the_same_scenario(bank: px.Scenario) -> None:
    """Nothing to change: the frozen scenario itself (the CLI calls this on every command;
    revalidating 20,000 initiatives cost 0.2-0.4 s)."""
    same = bank.with_overrides(teams={}, force_in=[], force_out=())
    assert same is bank
    assert bank.with_overrides(budget=bank.budget) == bank


def test_scenario_is_frozen(bank: px.Scenario) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        bank.budget = 5  # type: ignore[misc]


def test_load_does_not_modify_inputs(bank_dir: Path) -> None:
    def files() -> dict[str, bytes]:  # the example has an evidence/ folder (issue 12)
        return {
            str(p.relative_to(bank_dir)): p.read_bytes() for p in bank_dir.rglob("*") if p.is_file()
        }

    before = files()
    px.optimize(px.load_scenario(bank_dir / "scenario.yaml"))
    px.optimize(px.load_scenario(bank_dir / "scenario_evidence.yaml"))
    assert files() == before


def test_yaml_python_tag_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: !!python/object/apply:os.system ['touch pwned']\nbudget: 1\n")
    with pytest.raises(px.ScenarioError, match="YAML tag refused"):
        px.load_scenario(path)
    assert not (tmp_path / "pwned").exists()
    assert yaml  # safe loader only: the module is imported, not used with Loader=Full
