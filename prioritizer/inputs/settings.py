"""The scenario YAML: read once, numbers as people write them, names compared without case.

``read_yaml`` turns YAML errors into located messages (a tab used for indentation is
explained); ``split_settings`` separates what the loader needs (the table's file, sheet,
column mapping and decimal mark, ``defaults``, ``plausibility``) from the scenario settings;
``coerce_numbers`` reads ``1.5M``, ``1,500,000``, ``8%`` where the schema expects a number and
refuses ``250.000`` (250 or 250,000?).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..exceptions import Problem, ScenarioError
from .numbers import COMMA, POINT, Decimal, fmt, read_number

_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")


class AmbiguousFloat(float):
    """A YAML number such as ``250.000``: 250 to YAML, 250,000 to a German reader."""

    raw: str = ""


class _Loader(yaml.SafeLoader):
    pass


def _float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    value = loader.construct_yaml_float(node)
    if isinstance(node.value, str) and _AMBIGUOUS.match(node.value.replace("_", "")):
        out = AmbiguousFloat(value)
        out.raw = node.value
        return out
    return float(value)


_Loader.add_constructor("tag:yaml.org,2002:float", _float)


class DuplicateKeyError(yaml.YAMLError):
    """The same key twice in one mapping: YAML keeps the last silently; a scenario refuses."""

    def __init__(self, key: Any, first_line: int, line: int) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first_line, self.line = key, first_line, line


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    """A mapping whose explicit keys are each given once (merged keys, ``<<: *anchor``, may
    be overridden, as YAML intends)."""
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            if key in seen:
                raise DuplicateKeyError(key, seen[key], line)
            seen[key] = line
        except TypeError:  # an unhashable key: construct_mapping reports it
            continue
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


_CACHE: dict[tuple[str, int, int], dict[str, Any]] = {}


TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet")
"""Suffixes of a table, never of a scenario file (refused as SCENARIO with a pointer)."""


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse a scenario file; ScenarioError naming the file (and line) on any problem.

    A file read again unchanged (same size and modification time) is not parsed again, so a
    command parses its scenario once however many steps look at it.
    """
    import copy

    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return _read_yaml(path)
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = _read_yaml(path)
    return copy.deepcopy(_CACHE[key])


def _read_yaml(path: Path) -> dict[str, Any]:
    name = path.name
    if not path.exists():
        raise ScenarioError([Problem(str(path), "scenario file not found")])
    if path.is_dir():
        raise ScenarioError([Problem(str(path), "is a directory; expected a scenario .yaml file")])
    if path.suffix.lower() in TABLE_SUFFIXES:
        raise ScenarioError(
            [
                Problem(
                    name,
                    f"is an initiatives table, not a scenario: give the scenario .yaml that "
                    f"names it (`initiatives: {name}`); `prioritizer init DIR` writes one",
                )
            ]
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(name, f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise ScenarioError([Problem(name, f"cannot read: {exc.strerror}")]) from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except DuplicateKeyError as exc:
        raise ScenarioError(
            [
                Problem(
                    f"{name} line {exc.line}",
                    f"key {exc.key!r} is given twice (first on line {exc.first_line}); "
                    "YAML would silently keep the last one: keep one of them",
                )
            ]
        ) from None
    except yaml.constructor.ConstructorError as exc:
        line = f" line {exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise ScenarioError(
            [
                Problem(
                    f"{name}{line}",
                    f"YAML tag refused ({exc.problem}); only plain values, lists and mappings "
                    "are allowed",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "\t" in str(problem) or (mark is not None and _tab_at(text, mark.line)):
            problem = (
                f"{problem}: YAML does not allow a tab for indentation; indent with spaces "
                "(most editors: 'convert tabs to spaces')"
            )
        raise ScenarioError([Problem(f"{name}{line}", f"YAML syntax error: {problem}")]) from None
    if data is None:
        raise ScenarioError([Problem(name, "the file is empty; expected a scenario mapping")])
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(name, f"expected a mapping of keys to values, got a {type(data).__name__}")]
        )
    bad_keys = [key for key in data if not isinstance(key, str)]
    if bad_keys:
        raise ScenarioError([Problem(name, f"key {k!r} is not text") for k in bad_keys])
    return data


def _tab_at(text: str, line: int) -> bool:
    lines = text.splitlines()
    near = lines[max(0, line - 1) : line + 1]
    return any(part.lstrip(" ").startswith("\t") for part in near)


LOADER_KEYS = ("file", "sheet", "columns", "decimal", "ignore")


def split_settings(
    data: Mapping[str, Any], source: str, problems: list[Problem]
) -> tuple[dict[str, Any], Any, dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(scenario settings, initiatives path or rows, table options, defaults, plausibility)."""
    settings = dict(data)
    initiatives = settings.pop("initiatives", None)
    table: dict[str, Any] = {}
    if isinstance(initiatives, Mapping):
        table = dict(initiatives)
        unknown = [k for k in table if k not in LOADER_KEYS]
        for key in unknown:
            problems.append(
                Problem(
                    f"{source}: key initiatives.{key}",
                    f"unknown key; expected {', '.join(LOADER_KEYS)}",
                )
            )
        initiatives = table.pop("file", None)
        if initiatives is None:
            problems.append(
                Problem(f"{source}: key initiatives.file", "missing: the .csv/.xlsx to read")
            )
        columns = table.get("columns", {}) or {}
        if not isinstance(columns, Mapping) or not all(
            isinstance(v, str) for v in columns.values()
        ):
            problems.append(
                Problem(
                    f"{source}: key initiatives.columns",
                    "expected a mapping of column: the header in your file, e.g. "
                    "{cost: 'Budget (EUR)'}",
                )
            )
            table["columns"] = {}
        decimal = table.get("decimal")
        if decimal is not None and decimal not in (POINT, COMMA):
            problems.append(
                Problem(
                    f"{source}: key initiatives.decimal",
                    f"expected '.' or ','; got {decimal!r}",
                )
            )
            table["decimal"] = None
        ignore = table.get("ignore", ())
        if isinstance(ignore, str):
            table["ignore"] = (ignore,)
    for key in ("sheet", "columns", "decimal"):
        if key in settings:
            problems.append(
                Problem(
                    f"{source}: key {key}",
                    f"unknown key; write it under initiatives: {{file: ..., {key}: ...}}",
                )
            )
            settings.pop(key)
    defaults = settings.pop("defaults", None) or {}
    if not isinstance(defaults, Mapping):
        problems.append(
            Problem(f"{source}: key defaults", "expected a mapping of column: value for blanks")
        )
        defaults = {}
    plausibility = settings.pop("plausibility", None) or {}
    if not isinstance(plausibility, Mapping):
        problems.append(
            Problem(f"{source}: key plausibility", "expected a mapping of threshold: value")
        )
        plausibility = {}
    return settings, initiatives, table, dict(defaults), dict(plausibility)


_MONEY = ("budget", "opex_budget")
_RATES = ("discount_rate", "complaint_rate")


def coerce_numbers(settings: dict[str, Any], source: str, problems: list[Problem]) -> None:
    """Read written numbers in the settings in place (``1.5M``, ``8%``); refuse ambiguous ones."""

    def read(value: Any, where: str, *, rate: bool = False) -> Any:
        if isinstance(value, AmbiguousFloat):
            low, high = float(value), float(value.raw.replace(".", "").replace("_", ""))
            problems.append(
                Problem(
                    f"{source}: key {where}",
                    f"{value.raw} could be {fmt(low)} or {fmt(high)}; write {fmt(high)} "
                    f"(or {fmt(low)}) without a thousands separator",
                )
            )
            return float(value)
        if not isinstance(value, str):
            return value
        reading = read_number(value, None, percent_ok=rate)
        if reading.value is None:
            if reading.readings:
                low, high = reading.readings
                problems.append(
                    Problem(
                        f"{source}: key {where}",
                        f"{value!r} could be {fmt(low)} or {fmt(high)}; write {fmt(high)} "
                        f"(or {fmt(low)}) without a thousands separator",
                    )
                )
                return 0.0
            return value  # not a number at all: the model says so in its words
        return reading.value / 100.0 if reading.percent else reading.value

    for key in _MONEY:
        if key in settings:
            settings[key] = read(settings[key], key)
    for key in _RATES:
        if key in settings:
            settings[key] = read(settings[key], key, rate=True)
    if "horizon_years" in settings:
        settings["horizon_years"] = read(settings["horizon_years"], "horizon_years")
    segments = settings.get("segments")
    if isinstance(segments, Mapping):
        settings["segments"] = {
            k: (
                {
                    f: read(v, f"segments.{k}.{f}") if f in ("customers", "ltv") else v
                    for f, v in seg.items()
                }
                if isinstance(seg, Mapping)
                else seg
            )
            for k, seg in segments.items()
        }
        _no_case_twins(segments, "segments", source, problems)
    teams = settings.get("teams")
    if isinstance(teams, Mapping):
        settings["teams"] = {k: read(v, f"teams.{k}") for k, v in teams.items()}
        _no_case_twins(teams, "teams", source, problems)

    def per_period(value: Any, where: str) -> Any:
        """A per-period limit: one number for every period, or a list of one per period."""
        if isinstance(value, list | tuple):
            return [read(v, f"{where}[{k}]") for k, v in enumerate(value)]
        return read(value, where)

    if "period_budgets" in settings:
        settings["period_budgets"] = per_period(settings["period_budgets"], "period_budgets")
    period_teams = settings.get("period_teams")
    if isinstance(period_teams, Mapping):
        settings["period_teams"] = {
            k: per_period(v, f"period_teams.{k}") for k, v in period_teams.items()
        }
    objective = settings.get("objective")
    if isinstance(objective, Mapping):
        objective = dict(objective)
        for sub in ("weights", "stage_weights"):
            part = objective.get(sub)
            if isinstance(part, Mapping):
                objective[sub] = {
                    k: read(v, f"objective.{sub}.{k}", rate=True) for k, v in part.items()
                }
        settings["objective"] = objective
    uncertainty = settings.get("uncertainty")
    if isinstance(uncertainty, Mapping) and "default_relative" in uncertainty:
        settings["uncertainty"] = {
            **uncertainty,
            "default_relative": read(
                uncertainty["default_relative"], "uncertainty.default_relative", rate=True
            ),
        }
    _ambiguous_anywhere(settings, "", source, problems)


def _ambiguous_anywhere(value: Any, path: str, source: str, problems: list[Problem]) -> None:
    """Any AmbiguousFloat left where no number was expected is refused as well."""
    if isinstance(value, AmbiguousFloat):
        if not any(p.where == f"{source}: key {path}" for p in problems):
            problems.append(
                Problem(
                    f"{source}: key {path}",
                    f"{value.raw} could be {fmt(float(value))} or "
                    f"{fmt(float(value.raw.replace('.', '')))}; write it without a thousands "
                    "separator",
                )
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _ambiguous_anywhere(item, f"{path}.{key}" if path else str(key), source, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _ambiguous_anywhere(item, f"{path}[{index}]", source, problems)


def _no_case_twins(
    mapping: Mapping[Any, Any], key: str, source: str, problems: list[Problem]
) -> None:
    seen: dict[str, Any] = {}
    for name in mapping:
        folded = str(name).casefold()
        if folded in seen:
            problems.append(
                Problem(
                    f"{source}: key {key}.{name}",
                    f"{name!r} and {seen[folded]!r} differ only by case; names are compared "
                    "without case, so merge or rename them",
                )
            )
        seen[folded] = name


def decimal_of(table: Mapping[str, Any]) -> Decimal | None:
    value = table.get("decimal")
    return value if value in (POINT, COMMA) else None
