"""A starter scenario a CX manager can fill in (``prioritizer init DIR``)."""

from __future__ import annotations

import io as _io
import os
from pathlib import Path

from .exceptions import Problem, ScenarioError
from .inputs.columns import BY_NAME, COLUMNS, EFFORT, Column
from .io import atomic_write


def _type_text(column: Column) -> str:
    """Type, unit and bounds in words, from the column schema."""
    if column.kind == "choice":
        return "|".join(column.choices)
    if column.kind == "bool":
        return "true/false/yes/no/1/0"
    if column.kind == "ids":
        return "ids separated by ;"
    if column.kind == "text":
        return "text, unique, required" if column.name == "id" else "text"
    bounds = []
    if column.minimum is not None:
        bounds.append(f">= {column.minimum:g}")
    if column.maximum is not None:
        bounds.append(f"<= {column.maximum:g}")
    return ", ".join([column.unit, *bounds])


def _notes() -> tuple[tuple[str, str, str, str], ...]:
    rows: list[tuple[str, str, str, str]] = []
    for column in COLUMNS:
        rows.append((column.name, _type_text(column), column.doc, column.blank))
        if column.name == "opex":
            for team in ("digital", "operations"):
                rows.append((f"effort_{team}", _type_text(EFFORT), EFFORT.doc, EFFORT.blank))
    churn = BY_NAME["churn_reduction_pp"]
    rows.append(
        ("churn_reduction_pp_low", "as churn_reduction_pp", "plausible low (uncertainty)", "none")
    )
    rows.append(
        ("churn_reduction_pp_high", _type_text(churn), "plausible high (uncertainty)", "none")
    )
    return tuple(rows)


COLUMN_NOTES: tuple[tuple[str, str, str, str], ...] = _notes()
"""(column, type and unit, meaning, what a blank means) of every template column,
from the one column schema (:mod:`prioritizer.inputs.columns`)."""

EXAMPLE_ROWS: tuple[dict[str, object], ...] = (
    {
        "id": "COMPLAINT-FLOW",
        "name": "Redesign complaint handling",
        "segment": "all",
        "journey_stage": "complaint handling",
        "pillar": "responsiveness",
        "type": "process",
        "owner": "Head of Complaints",
        "voc_volume": 4200,
        "ces_delta": 0.8,
        "churn_reduction_pp": 0.3,
        "cross_sell": 0,
        "cost_savings": 120000,
        "cost": 350000,
        "opex": 40000,
        "effort_digital": 120,
        "effort_operations": 200,
        "depends_on": "",
        "exclusive_group": "",
        "mandatory": "no",
        "addresses": "",  # VoC topics: needs an evidence.voc export (spec §6)
        # roadmap columns: read only by `prioritizer roadmap`, on a scenario with `periods`;
        # left blank here (filled without `periods` they are a warning: nothing reads them)
        "duration": "",
        "earliest_start": "",
        "deadline": "",
        "ramp_up": "",
        "churn_reduction_pp_low": 0.1,
        "churn_reduction_pp_high": 0.5,
    },
    {
        "id": "ONBOARD-APP",
        "name": "Digital onboarding in the app",
        "segment": "mass",
        "journey_stage": "onboarding",
        "pillar": "ease",
        "type": "self-service",
        "owner": "Head of Digital",
        "voc_volume": 2600,
        "ces_delta": 0.6,
        "churn_reduction_pp": 0.2,
        "cross_sell": 0,
        "cost_savings": 60000,
        "cost": 280000,
        "opex": 30000,
        "effort_digital": 300,
        "effort_operations": 40,
        "depends_on": "",
        "exclusive_group": "",
        "mandatory": "no",
        "addresses": "",
        "duration": "",
        "earliest_start": "",
        "deadline": "",
        "ramp_up": "",
        "churn_reduction_pp_low": 0.05,
        "churn_reduction_pp_high": 0.4,
    },
    {
        "id": "PREMIUM-CALLBACK",
        "name": "Callback within a day for premium complaints",
        "segment": "premium",
        "journey_stage": "complaint handling",
        "pillar": "empathy",
        "type": "process",
        "owner": "Head of Complaints",
        "voc_volume": 900,
        "ces_delta": 0.5,
        "churn_reduction_pp": 0.4,
        "cross_sell": 0,
        "cost_savings": 0,
        "cost": 150000,
        "opex": 60000,
        "effort_digital": 40,
        "effort_operations": 180,
        "depends_on": "COMPLAINT-FLOW",
        "exclusive_group": "",
        "mandatory": "no",
        "addresses": "",
        "duration": "",
        "earliest_start": "",
        "deadline": "",
        "ramp_up": "",
        "churn_reduction_pp_low": 0.2,
        "churn_reduction_pp_high": 0.6,
    },
)
"""The template's example initiatives: together they ask more than the template's budget and
team capacities, so the limits choose (``validate --strict`` passes on the template)."""

EXAMPLE_ROW: dict[str, object] = EXAMPLE_ROWS[0]

SCENARIO_YAML = """\
# prioritizer scenario — fill in, then run:  prioritizer validate scenario.yaml
name: "My organisation — CX portfolio"
currency: EUR
initiatives: initiatives.csv     # or .xlsx; path relative to this file. The long form:
#   initiatives: {file: backlog.xlsx, sheet: FY2027, decimal: ",",
#                 columns: {cost: "Budget (EUR)", effort_digital: "Dev days"}}
# defaults: {cost: 0, segment: all}   # say what a blank cell means (else blanks are refused)
# plausibility: {churn_pp_above: 5}   # warning thresholds; false switches one off
horizon_years: 3                 # benefit years counted
discount_rate: 0.08              # annual, for present value (0 = no discounting)
complaint_rate: 0.10             # share of affected customers who complain (textbook: at most ~10%)
budget: 700000                   # cap on the sum of one-off `cost` of the chosen initiatives
# opex_budget: 200000            # optional cap on the sum of annual `opex`
segments:                        # LTV segments; an initiative names one, or `all`
  premium: {customers: 20000, ltv: 4000}    # often 20% of customers bring 80% of profit
  mass:    {customers: 180000, ltv: 250}
teams:                           # capacity in person-days for the planning period
  digital: 450
  operations: 350
objective:
  mode: blended                  # business | customer | blended
  weights: {business: 0.7, customer: 0.3}
  stage_weights: {complaint handling: 1.5, onboarding: 1.3}   # moments of truth; default 1.0
rules:
  mandatory: []                  # ids that must be chosen (also the `mandatory` column)
  excluded: []                   # ids that must not be chosen
  min_count: {}                  # e.g. {pillar: {ease: 1}, journey_stage: {onboarding: 1}}
  max_count: {}                  # e.g. {segment: {premium: 4}}
uncertainty:
  default_relative: 0.2          # +/- share for impact fields without _low/_high columns
# A roadmap (which initiative starts when: `prioritizer roadmap`) needs periods; then fill the
# columns duration, earliest_start, deadline and ramp_up (read only with periods):
# periods: [2027Q1, 2027Q2, 2027Q3, 2027Q4]
# period_length_months: 3        # quarters (2027Q1): 3; months (2027-01): 1; years (2027): 12
# period_budgets: 200000         # one-off money per period (one number: every period)
"""


def write_template(directory: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write ``scenario.yaml``, ``initiatives.csv``, ``initiatives.xlsx`` and ``COLUMNS.md``.

    Refuses (ScenarioError) to overwrite existing files unless ``overwrite`` is true.
    Returns the paths written.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ScenarioError([Problem(str(folder), "exists and is not a folder")])
    from .io import folder_problem

    problem = folder_problem(folder)  # a parent that is a file, no permission, ...
    if problem is not None:
        raise ScenarioError([Problem(str(folder), problem)])
    names = ("scenario.yaml", "initiatives.csv", "initiatives.xlsx", "COLUMNS.md")
    existing = [folder / n for n in names if (folder / n).exists()]
    if existing and not overwrite:
        raise ScenarioError(
            [Problem(str(p), "already exists; use --force to overwrite") for p in existing]
        )
    columns = [c for c, _, _, _ in COLUMN_NOTES]
    rows: list[list[object]] = [list(columns)]
    rows += [[example[c] for c in columns] for example in EXAMPLE_ROWS]
    csv_text = "".join(",".join(_csv_cell(cell) for cell in row) + "\n" for row in rows)
    notes = [
        "# Columns of the initiatives table",
        "",
        "| column | type, unit | meaning | a blank cell means |",
        "|---|---|---|---|",
    ]
    notes += [f"| {c} | {t} | {m} | {b} |" for c, t, m, b in COLUMN_NOTES]
    notes += [
        "",
        "Headers are matched without case, spaces or units: `Cost (EUR)`, `VoC Volume`, "
        "`Churn reduction (pp)` all work; map any other header with "
        "`initiatives: {file: ..., columns: {cost: 'Your header'}}`. "
        "Any numeric field may carry `<field>_low` / `<field>_high` columns. "
        "Bookkeeping columns (Status, Jira key, RICE score, notes, description, "
        "and any starting with `x_`) are not read. Numbers may be written as your Excel "
        "writes them (`450.000`, `1 200,50`, `€ 450,000`); where a file does not settle "
        "the decimal mark, say it with `initiatives: {decimal: ','}`.",
    ]
    written = [
        atomic_write(folder / "scenario.yaml", SCENARIO_YAML),
        atomic_write(folder / "initiatives.csv", csv_text),
        atomic_write(folder / "initiatives.xlsx", _xlsx_bytes(columns)),
        atomic_write(folder / "COLUMNS.md", "\n".join(notes) + "\n"),
    ]
    return written


def _csv_cell(value: object) -> str:
    text = str(value)
    return f'"{text}"' if any(ch in text for ch in ',;"') else text


def _xlsx_bytes(columns: list[str]) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "initiatives"
    notes = {c: (t, m) for c, t, m, _ in COLUMN_NOTES}
    sheet.append(columns)
    for example in EXAMPLE_ROWS:
        sheet.append([example[c] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        kind, meaning = notes[str(cell.value)]
        cell.comment = Comment(f"{kind}: {meaning}", "prioritizer")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 2)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("column notes")
    help_sheet.append(["column", "type, unit", "meaning", "a blank cell means"])
    for row in COLUMN_NOTES:
        help_sheet.append(list(row))
    buffer = _io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
