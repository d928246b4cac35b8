"""Evidence fixes from a user review: null markers read alike by both engines, row numbers
that are the file's lines, topics and competencies matched without case and spaces, survey
stages grouped without case and checked against the initiatives, Excel date cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import prioritizer as px
from prioritizer.evidence.analyse import trace_rows
from prioritizer.evidence.spec import VocSpec
from prioritizer.evidence.voc import count_voc, has_pyarrow

ENGINES = ["pandas", *(["pyarrow"] if has_pyarrow() else [])]

HEADER = "Theme;Created;Customer;Segment;Score"


def voc_spec(**extra) -> VocSpec:
    data = {
        "file": "voc.csv",
        "columns": {
            "topics": "Theme",
            "date": "Created",
            "customer": "Customer",
            "segment": "Segment",
            "score": "Score",
        },
        "window": {"from": "2026-01-01", "to": "2026-12-31"},
        "annualize": False,
    }
    data.update(extra)
    return VocSpec.model_validate(data)


MESSY = "\n".join(
    [
        HEADER,
        "billing error;2026-01-05;c1;mass;4",
        "",  # an empty line
        ";;;;",  # a line of delimiters only
        "billing  error;2026-01-06;NULL;mass;N/A",  # double space, NULL customer, N/A score
        "Billing Error ;2026-01-07;NULL;premium;n/a",
        "N/A;2026-01-08;c2;NA;3",  # N/A topic: a row without a topic
        "app crash;#N/A;c3;mass;2",  # no date
        "app crash;2026-02-01;null;#N/A;NULL",
        "",
        "fees;2026-03-01;c4;mass;1",
    ]
)


def test_both_engines_read_null_markers_as_blank_and_agree(tmp_path: Path) -> None:
    (tmp_path / "voc.csv").write_text(MESSY + "\n", encoding="utf-8")
    addresses = {"BILL": ["billing error"], "APP": ["App Crash"], "FEES": ["fees"]}
    results = {
        engine: count_voc(voc_spec(), addresses, base_dir=tmp_path, engine=engine)
        for engine in ENGINES
    }
    counts = results["pandas"]
    # N/A, n/a, NULL scores are blank (no error); NULL customers count one each
    assert counts.volume_of("BILL") == 3
    assert counts.volume_of("APP") == 1
    assert counts.volume_of("FEES") == 1
    assert "n/a" not in counts.topics.index  # an N/A topic is no topic
    assert list(counts.topics.index) == ["billing error", "app crash", "fees"]
    assert counts.rows_read == 7 and counts.rows_without_date == 1
    assert counts.items == 6 and counts.items_without_topic == 1
    assert counts.topics.loc["billing error", "effort"] == pytest.approx(4.0)
    for other in results.values():  # the same numbers from both engines
        assert other.to_dict() == {**counts.to_dict(), "engine": other.engine}
        assert other.initiatives.equals(counts.initiatives)
        assert other.signatures.equals(counts.signatures)
        for role, table in counts.breakdowns.items():
            assert other.breakdowns[role].equals(table)


@pytest.mark.parametrize("engine", ENGINES)
def test_located_rows_are_the_files_lines(tmp_path: Path, engine: str) -> None:
    lines = [HEADER, "fees;2026-01-05;c1;mass;1", "", ";;;;", "", "fees;14/03/2026;c2;mass;1"]
    lines += [";;;;"] * 3 + ["fees;2026-01-06;c3;mass;many"]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError) as info:
        count_voc(voc_spec(), {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
    text = str(info.value)
    assert "1 unparseable date(s), e.g. row 6 ('14/03/2026')" in text
    assert "1 score(s) that are not numbers, e.g. row 10 ('many')" in text


def test_trace_rows_name_the_files_lines(tmp_path: Path) -> None:
    lines = [HEADER, "fees;2026-01-05;c1;mass;1", "", ";;;;", "billing;2026-01-07;c2;mass;1"]
    lines += ["", "Fees;2026-02-07;c3;mass;1"]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = {
        "budget": 100,
        "segments": {"mass": {"customers": 1000, "ltv": 10}},
        "evidence": {"voc": voc_spec(file="voc.csv").model_dump(by_alias=True)},
        "initiatives": [{"id": "A", "addresses": "fees", "ces_delta": 1, "cost": 10}],
    }
    scenario = px.scenario_from_mapping(data, base_dir=tmp_path)
    table = trace_rows(scenario, "A")
    assert list(table["row"]) == [2, 7]
    assert list(table["Theme"]) == ["fees", "Fees"]


def test_topics_collapse_inner_spaces_and_unknown_topics_get_a_hint(tmp_path: Path) -> None:
    lines = [HEADER, "billing error;2026-01-05;c1;mass;1", "billing \t error;2026-01-06;c2;;1"]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for engine in ENGINES:
        counts = count_voc(
            voc_spec(),
            {"A": ["Billing   Error"], "B": ["biling error"]},
            base_dir=tmp_path,
            engine=engine,
        )
        assert list(counts.topics.index) == ["billing error"]
        assert counts.volume_of("A") == 2
        [warning] = counts.warnings
        assert "topic 'biling error' never occurs" in warning.message
        assert "did you mean 'billing error'?" in warning.message


# -- survey and maturity ----------------------------------------------------------------
def evidence_scenario(tmp_path: Path, **evidence) -> dict:
    return {
        "budget": 100,
        "segments": {"mass": {"customers": 1000, "ltv": 10}},
        "objective": {"stage_weights": "from_evidence"},
        "evidence": {
            "survey": {"file": "survey.csv", "outcome": "CES", "journey_stage": "Stage"},
            **evidence,
        },
        "initiatives": [
            {"id": "A", "journey_stage": "Billing", "ces_delta": 1, "cost": 10},
            {"id": "B", "journey_stage": "Delivery", "ces_delta": 1, "cost": 10},
        ],
    }


def test_survey_errors_name_the_line_and_value(tmp_path: Path) -> None:
    lines = ["Stage,CES", "Billing,4", "", ",", "Delivery,seven", "Billing,NULL"]
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(px.ScenarioError) as info:
        px.scenario_from_mapping(evidence_scenario(tmp_path), base_dir=tmp_path)
    assert "survey.csv column 'CES'" in str(info.value)
    assert "1 value(s) that are not numbers, e.g. row 5 ('seven')" in str(info.value)


def test_survey_stages_are_grouped_without_case(tmp_path: Path) -> None:
    lines = ["Stage,CES", "Billing,4", "billing,6", " BILLING ,5", "Delivery,2", "delivery,3"]
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    scenario = px.scenario_from_mapping(evidence_scenario(tmp_path), base_dir=tmp_path)
    weights = scenario.objective.stage_weights
    assert weights == pytest.approx({"Billing": 5 / 4, "Delivery": 2.5 / 4})
    assert not [w for w in scenario.warnings if w.code == "unknown-stage"]


def test_a_survey_stage_no_initiative_has_is_a_warning(tmp_path: Path) -> None:
    lines = ["Stage,CES", "Billing,4", "Deliveries,2"]
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    scenario = px.scenario_from_mapping(evidence_scenario(tmp_path), base_dir=tmp_path)
    found = [w for w in scenario.warnings if w.code == "unknown-stage"]
    text = " ".join(w.message for w in found)
    assert "no initiative has survey stage 'Deliveries'" in text
    assert "did you mean 'Delivery'?" in text
    assert "no responses for journey stage(s) ['Delivery']" in text
    assert all("evidence.survey.journey_stage (survey.csv)" in w.where for w in found)


COMPETENCIES = ("Organization", "Planning", "Activation", "Responding", "Improving", "Innovation")


def maturity_lines(spellings: dict[str, str] | None = None) -> list[str]:
    lines = ["kind,competency,name,rater,rating", "pillar,,trust,customer,3"]
    for competency in COMPETENCIES:
        for k, rating in enumerate((2, 4)):
            written = (spellings or {}).get(f"{competency}{k}", competency)
            lines.append(f"practice,{written},{competency} practice {k},employee,{rating}")
    return lines


def maturity_data(tmp_path: Path, lines: list[str]) -> dict:
    (tmp_path / "maturity.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "budget": 100,
        "segments": {"mass": {"customers": 1000, "ltv": 10}},
        "evidence": {"maturity": {"file": "maturity.csv"}},
        "initiatives": [{"id": "A", "ces_delta": 1, "cost": 10}],
    }


def test_competencies_are_matched_without_case_and_spaces(tmp_path: Path) -> None:
    lines = maturity_lines({"Planning1": "planning", "Innovation0": " INNOVATION "})
    scenario = px.scenario_from_mapping(maturity_data(tmp_path, lines), base_dir=tmp_path)
    report = px.analyse_evidence(scenario, solve=False)
    assert report.maturity.total == pytest.approx(18.0)  # six averages of 3
    assert report.maturity.stage == "Initiate"
    assert sorted(report.maturity.competencies.index) == sorted(COMPETENCIES)


def test_an_unknown_competency_is_refused_with_a_hint(tmp_path: Path) -> None:
    lines = maturity_lines({"Organization1": "Organisation"})
    scenario = px.scenario_from_mapping(maturity_data(tmp_path, lines), base_dir=tmp_path)
    with pytest.raises(px.ScenarioError) as info:
        px.analyse_evidence(scenario, solve=False)
    text = str(info.value)
    assert "maturity.csv row 4, column 'competency'" in text
    assert "unknown competency 'Organisation'" in text and "did you mean 'Organization'?" in text


# -- dates --------------------------------------------------------------------------------
def test_excel_date_cells_are_dates_whatever_date_format_says(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Theme", "Created"])
    sheet.append(["fees", dt.datetime(2026, 5, 15, 12, 41)])  # a real date cell
    sheet.append(["fees", "16/05/2026"])  # text in the format
    sheet.append(["fees", dt.datetime(2027, 1, 2)])  # outside the window
    book.save(tmp_path / "voc.xlsx")
    counts = count_voc(
        voc_spec(file="voc.xlsx", columns={"topics": "Theme", "date": "Created"}).model_copy(
            update={"date_format": "%d/%m/%Y"}
        ),
        {"A": ["fees"]},
        base_dir=tmp_path,
    )
    assert counts.volume_of("A") == 2
    assert counts.rows_outside_window == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_a_time_after_a_formatted_date_is_accepted(tmp_path: Path, engine: str) -> None:
    lines = [
        "Theme;Created",
        "fees;15/05/2026 12:41",
        "fees;16/05/2026 09:05:33",
        "fees;17/05/2026",
    ]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = voc_spec(columns={"topics": "Theme", "date": "Created"}, date_format="%d/%m/%Y")
    counts = count_voc(spec, {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
    assert counts.volume_of("A") == 3


def test_the_date_advice_fits_a_set_date_format(tmp_path: Path) -> None:
    lines = ["Theme;Created", "fees;2026-05-15"]
    (tmp_path / "voc.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = voc_spec(columns={"topics": "Theme", "date": "Created"}, date_format="%d/%m/%Y")
    for engine in ENGINES:
        with pytest.raises(px.ScenarioError) as info:
            count_voc(spec, {"A": ["fees"]}, base_dir=tmp_path, engine=engine)
        text = str(info.value)
        assert "row 2 ('2026-05-15')" in text and "expected '%d/%m/%Y'" in text
        assert "set evidence.voc.date_format" not in text
