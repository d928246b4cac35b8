"""Warnings and the read-back of a load: data the library returns, never prints.

Every input value ends in one of three states: read as meant, refused (a
:class:`~prioritizer.exceptions.ScenarioError`), or accepted with an :class:`InputWarning`
carried by the loaded scenario's :class:`LoadReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class InputWarning:
    """A value accepted as read, but worth a look before trusting the portfolio.

    Attributes
    ----------
    code:
        Stable short identifier (``hidden-rows``, ``churn-high``, ...).
    message:
        What was read and what to check, in business words.
    where:
        Location: file, row(s), column or key.
    """

    code: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form: ``{"code", "message", "where"}``."""
        return {"code": self.code, "message": self.message, "where": self.where}


@dataclass(frozen=True)
class LoadReport:
    """How a scenario was read: the read-back ``validate`` prints.

    Attributes are plain data; ``totals`` maps a column name to its sum (currency, person-days
    or counts, as the column's unit); ``plausibility`` the scenario's own warning thresholds
    (its ``plausibility:`` overrides, ``false`` for a check switched off).
    """

    scenario_file: str = ""
    table_file: str = ""
    inputs: tuple[str, ...] = ()
    sheet: str = ""
    sheet_index: int = 0
    sheet_count: int = 0
    header_row: int = 0
    delimiter: str = ""
    encoding: str = ""
    number_convention: str = ""
    count: int = 0
    totals: dict[str, float] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    warnings: tuple[InputWarning, ...] = ()
    plausibility: dict[str, Any] = field(default_factory=dict)

    def read_back(self) -> list[str]:
        """The read-back as lines of text (no warnings; they are printed apart)."""
        lines: list[str] = []
        if self.table_file:
            lines.append(f"file:        {self.table_file}")
        else:
            lines.append("file:        initiatives listed inline in the scenario")
        if self.sheet:
            lines.append(f"sheet:       {self.sheet!r} ({self.sheet_index} of {self.sheet_count})")
        if self.header_row:
            lines.append(f"header row:  {self.header_row}")
        if self.delimiter:
            shown = {"\t": "tab", ",": "comma ','", ";": "semicolon ';'"}.get(
                self.delimiter, repr(self.delimiter)
            )
            lines.append(f"delimiter:   {shown}")
        if self.encoding:
            lines.append(f"encoding:    {self.encoding}")
        if self.number_convention:
            lines.append(f"numbers:     {self.number_convention}")
        lines.append(f"initiatives: {self.count}")
        for name, total in self.totals.items():
            lines.append(f"total {name}: {total:,.10g}")
        for text in self.skipped:
            lines.append(f"skipped:     {text}")
        for text in self.notices:
            lines.append(f"note:        {text}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the read-back."""
        return {
            "table_file": self.table_file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "delimiter": self.delimiter,
            "number_convention": self.number_convention,
            "count": self.count,
            "totals": dict(self.totals),
            "skipped": list(self.skipped),
            "warnings": [w.to_dict() for w in self.warnings],
        }


def warnings_json(source: Any) -> list[dict[str, str]]:
    """``"warnings"`` for a JSON output: from a Scenario, a LoadReport or a list of warnings.

    The one hook every JSON payload uses (empty list when there is nothing to say).
    """
    report = getattr(source, "load_report", source)
    items = getattr(report, "warnings", report)
    if not items:
        return []
    return [w.to_dict() for w in items]
