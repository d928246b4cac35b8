"""A starter scenario a CX manager can fill in (``prioritizer init DIR``)."""

from __future__ import annotations

import io as _io
import os
from pathlib import Path

from .exceptions import Problem, ScenarioError
from .io import atomic_write

COLUMN_NOTES: tuple[tuple[str, str, str], ...] = (
    ("id", "text, unique, required", "Stable identifier, e.g. COMPLAINT-FLOW"),
    ("name", "text (default: id)", "Short title for charts"),
    ("segment", "segment key or all", "LTV segment reached (keys under `segments`)"),
    ("journey_stage", "text", "Moment of truth, e.g. onboarding, complaint handling"),
    ("pillar", "trust|empathy|delivery|personalization|ease|responsiveness", "CX pillar"),
    ("voc_volume", "count per year, >= 0", "Complaints/mentions of the pain point fixed"),
    ("ces_delta", "effort-score points, >= 0", "Expected Customer Effort Score improvement"),
    ("churn_reduction_pp", "percentage points per year, >= 0", "Cut in the segment's churn"),
    ("cross_sell", "currency per year", "Incremental cross-/up-sell margin"),
    ("cost_savings", "currency per year", "Operating cost saved"),
    ("cost", "currency, >= 0", "One-off implementation cost (counts against `budget`)"),
    ("opex", "currency per year, >= 0", "Running cost (counts against `opex_budget`)"),
    ("effort_digital", "person-days, >= 0", "One effort_<team> column per team in `teams`"),
    ("effort_operations", "person-days, >= 0", "One effort_<team> column per team in `teams`"),
    ("depends_on", "ids separated by ;", "May be chosen only if all of these are chosen"),
    ("exclusive_group", "text", "At most one initiative per group is chosen"),
    ("mandatory", "true/false/yes/no/1/0", "Must be chosen (e.g. regulatory)"),
    ("churn_reduction_pp_low", "as churn_reduction_pp", "Plausible low (uncertainty analysis)"),
    ("churn_reduction_pp_high", "as churn_reduction_pp", "Plausible high (uncertainty analysis)"),
)
"""(column, type and unit, meaning) of every column in the template."""

EXAMPLE_ROW: dict[str, object] = {
    "id": "COMPLAINT-FLOW",
    "name": "Redesign complaint handling",
    "segment": "all",
    "journey_stage": "complaint handling",
    "pillar": "responsiveness",
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
    "churn_reduction_pp_low": 0.1,
    "churn_reduction_pp_high": 0.5,
}

SCENARIO_YAML = """\
# prioritizer scenario — fill in, then run:  prioritizer validate scenario.yaml
name: "My organisation — CX portfolio"
currency: EUR
initiatives: initiatives.csv     # or initiatives.xlsx (first sheet); path relative to this file
horizon_years: 3                 # benefit years counted
discount_rate: 0.08              # annual, for present value (0 = no discounting)
complaint_rate: 0.10             # share of affected customers who complain (textbook: at most ~10%)
budget: 1000000                  # cap on the sum of one-off `cost` of the chosen initiatives
# opex_budget: 200000            # optional cap on the sum of annual `opex`
segments:                        # LTV segments; an initiative names one, or `all`
  premium: {customers: 20000, ltv: 4000}    # often 20% of customers bring 80% of profit
  mass:    {customers: 180000, ltv: 250}
teams:                           # capacity in person-days for the planning period
  digital: 800
  operations: 600
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
"""


def write_template(directory: str | os.PathLike[str], *, overwrite: bool = False) -> list[Path]:
    """Write ``scenario.yaml``, ``initiatives.csv``, ``initiatives.xlsx`` and ``COLUMNS.md``.

    Refuses (ScenarioError) to overwrite existing files unless ``overwrite`` is true.
    Returns the paths written.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ScenarioError([Problem(str(folder), "exists and is not a folder")])
    names = ("scenario.yaml", "initiatives.csv", "initiatives.xlsx", "COLUMNS.md")
    existing = [folder / n for n in names if (folder / n).exists()]
    if existing and not overwrite:
        raise ScenarioError(
            [Problem(str(p), "already exists; use --force to overwrite") for p in existing]
        )
    columns = [c for c, _, _ in COLUMN_NOTES]
    csv_text = (
        ",".join(columns) + "\n" + ",".join(_csv_cell(EXAMPLE_ROW[c]) for c in columns) + "\n"
    )
    notes = [
        "# Columns of the initiatives table",
        "",
        "| column | type, unit | meaning |",
        "|---|---|---|",
    ]
    notes += [f"| {c} | {t} | {m} |" for c, t, m in COLUMN_NOTES]
    notes += [
        "",
        "Blank cells take the default. Column names are case-insensitive. "
        "Any numeric field may carry `<field>_low` / `<field>_high` columns. "
        "Free-text columns named `notes`, `description`, `owner` or starting with `x_` "
        "are ignored.",
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
    notes = {c: (t, m) for c, t, m in COLUMN_NOTES}
    sheet.append(columns)
    sheet.append([EXAMPLE_ROW[c] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        kind, meaning = notes[str(cell.value)]
        cell.comment = Comment(f"{kind}: {meaning}", "prioritizer")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 2)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("column notes")
    help_sheet.append(["column", "type, unit", "meaning"])
    for row in COLUMN_NOTES:
        help_sheet.append(list(row))
    buffer = _io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
