"""Reading what people actually bring: locale-aware numbers, real-world tables, one column
schema, warnings as data. :func:`prioritizer.io.load_scenario` is the entry point."""

from .columns import COLUMNS, Column
from .warnings import InputWarning, LoadReport, warnings_json

__all__ = ["COLUMNS", "Column", "InputWarning", "LoadReport", "warnings_json"]
