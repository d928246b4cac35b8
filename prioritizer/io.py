"""Reading scenarios from files and writing results to files: the only module that touches disk.

``load_scenario`` reads a YAML scenario and its initiatives table (CSV in any common locale,
delimiter and encoding, an .xlsx sheet, or inline rows; see :mod:`prioritizer.inputs`),
validates all of it and reports *every* problem at once, each located by file, row and column
or key. Values accepted with a caveat are returned as warnings on the scenario
(``scenario.warnings``), never printed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .exceptions import Problem, ScenarioError
from .formatting import FORMULA_PREFIXES, neutralize_formula
from .inputs import columns as schema
from .inputs.build import Built, Header, TableOptions, build
from .inputs.numbers import read_number
from .inputs.plausibility import Thresholds, check
from .inputs.settings import coerce_numbers, decimal_of, read_yaml, split_settings
from .inputs.tables import TABLE_SUFFIXES, RawTable, inline_raw, read_raw
from .inputs.trusted import trusted_initiatives
from .inputs.warnings import InputWarning, LoadReport
from .models import Initiative, Scenario, find_problems
from .scenario_checks import canonical_id, id_spellings, stage_problems

__all__ = [
    "FORMULA_PREFIXES",
    "TABLE_SUFFIXES",
    "OutputDir",
    "atomic_write",
    "load_scenario",
    "neutralize_formula",
    "read_table",
    "scenario_from_mapping",
    "scenario_inputs",
]


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------
def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario file (YAML) and the initiatives it names.

    Parameters
    ----------
    path:
        The ``scenario.yaml``. Its ``initiatives`` key is a path relative to it (.csv or
        .xlsx), a mapping ``{file, sheet, columns, decimal, ignore}``, or an inline list of rows.

    Returns
    -------
    Scenario
        The validated, immutable scenario; ``scenario.load_report`` says how it was read and
        ``scenario.warnings`` what to check.

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file, row and column or key.
    """
    scenario_path = Path(path)
    data = read_yaml(scenario_path)
    return _load(data, scenario_path.parent, scenario_path.name, scenario_path)


def scenario_from_mapping(
    data: Mapping[str, Any], *, base_dir: str | os.PathLike[str] = ".", source: str = "scenario"
) -> Scenario:
    """Validate a scenario given as a mapping (the parsed YAML); see :func:`load_scenario`."""
    return _load(data, Path(base_dir), source, None)


def _load(
    data: Mapping[str, Any], base_dir: Path, source: str, scenario_path: Path | None
) -> Scenario:
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem(source, "the scenario must be a mapping of keys to values")])
    problems: list[Problem] = []
    settings, raw_initiatives, table_settings, defaults, plausibility = split_settings(
        data, source, problems
    )
    coerce_numbers(settings, source, problems)
    thresholds = Thresholds.from_mapping(plausibility, source, problems)
    teams = settings.get("teams")
    if isinstance(settings.get("period_teams"), Mapping):  # roadmap teams (spec.md §5)
        teams = {**settings["period_teams"], **(teams if isinstance(teams, Mapping) else {})}
    segments = settings.get("segments")
    options = TableOptions(
        columns=dict(table_settings.get("columns") or {}),
        ignore=tuple(str(x) for x in (table_settings.get("ignore") or ())),
        defaults=_defaults(defaults, source, problems),
        decimal=decimal_of(table_settings),
        teams=tuple(str(t) for t in teams) if isinstance(teams, Mapping) else None,
        segments=tuple(str(s) for s in segments) if isinstance(segments, Mapping) else None,
    )
    raw: RawTable | None = None
    table_path: Path | None = None
    if raw_initiatives is None:
        if not any(p.where.startswith(f"{source}: key initiatives") for p in problems):
            problems.append(
                Problem(f"{source}: key initiatives", "missing: give a .csv/.xlsx path or a list")
            )
    elif isinstance(raw_initiatives, str):
        table_path = base_dir / raw_initiatives
        sheet = table_settings.get("sheet")
        try:
            raw = read_raw(
                table_path,
                sheet=None if sheet is None else str(sheet),
                looks_like_header=Header(options).looks_like_header,
            )
        except ScenarioError as exc:
            problems += exc.problems
    elif isinstance(raw_initiatives, list):
        raw, inline_problems = inline_raw(raw_initiatives, source)
        problems += inline_problems
    else:
        problems.append(
            Problem(
                f"{source}: key initiatives",
                f"expected a file path or a list of rows, got {type(raw_initiatives).__name__}",
            )
        )

    # 1. settings, validated with an empty initiative list
    try:
        Scenario.model_validate(
            {**settings, "initiatives": []}, context={"skip_cross_checks": True}
        )
    except ValidationError as exc:
        problems += [
            Problem(f"{source}: key {_dotted(_located(err))}", _message(err))
            for err in exc.errors()
            if err["loc"][:1] != ("initiatives",)
        ]

    # 2. the table, column by column, then each row as an initiative
    blocking = bool(problems)  # settings or table unreadable: cross checks would mislead
    built: Built | None = None
    initiatives: list[Initiative] = []
    if raw is not None:
        built = build(raw, options)
        problems += built.header_problems
        if built.problems:
            blocking = True
            problems += built.problems
        elif not blocking:
            # columns already read against the schema: models built at once when every
            # value is one the model stores unchanged, else validated row by row
            trusted = trusted_initiatives(built.columns, len(built.row_numbers))
            initiatives = trusted if trusted is not None else []
            for index, row in enumerate(built.rows if trusted is None else ()):
                try:
                    initiatives.append(Initiative.model_validate(row))
                except ValidationError as exc:
                    blocking = True
                    problems += [
                        Problem(built.where(index, _located(err)), _message(err))
                        for err in exc.errors()
                    ]
    if blocking or built is None or (not initiatives and built.header_problems):
        raise ScenarioError(problems, source=source)

    # 3. cross-field rules on the whole
    _canonical_rules(settings, initiatives, options.segments)
    scenario = Scenario.model_validate(
        {**settings, "initiatives": initiatives}, context={"skip_cross_checks": True}
    )
    problems += built.cross
    for loc, message in find_problems(scenario):
        if built.cross and message.startswith("duplicate id"):
            continue  # said better by the table reader
        if loc[:1] == ("initiatives",) and len(loc) > 1 and isinstance(loc[1], int):
            where = built.where(loc[1], loc[2:])
        else:
            where = f"{source}: key {_dotted(loc)}"
        if not any(p.where == where and p.message == message for p in problems):
            problems.append(Problem(where, message))
    stage_errors, stage_warnings = stage_problems(scenario)  # as typed, before any evidence
    problems += [Problem(f"{source}: key {_dotted(loc)}", text) for loc, text in stage_errors]
    if problems:
        raise ScenarioError(problems, source=source)
    from .evidence.load import apply_evidence, evidence_warnings  # no-ops without evidence

    located = built
    scenario = apply_evidence(
        scenario, base_dir=base_dir, source=source, locate=lambda r, c: located.where(r, (c,))
    )

    # 4. the read-back and its warnings
    table_name = raw.source if raw is not None and not raw.inline else f"{source} (inline)"
    warnings = list(built.warnings) + _blank_warnings(scenario, built, table_name, source)
    warnings += check(scenario, thresholds, source, table_name)
    warnings += evidence_warnings(scenario)
    warnings += [
        InputWarning("unknown-stage", text, f"{source}: key {_dotted(loc)}")
        for loc, text in stage_warnings
    ]
    if scenario.periods:
        from .periods import window_warnings

        warnings += [
            InputWarning("no-start-fits", text, built.where(row, ("deadline",)))
            for row, text in window_warnings(scenario)
        ]
    inputs = [str(scenario_path)] if scenario_path is not None else []
    if table_path is not None:
        inputs.append(str(table_path))
    report = LoadReport(
        scenario_file=str(scenario_path or source),
        table_file=raw.source if raw is not None and not raw.inline else "",
        inputs=tuple(inputs),
        sheet=raw.sheet if raw is not None else "",
        sheet_index=raw.sheet_index if raw is not None else 0,
        sheet_count=raw.sheet_count if raw is not None else 0,
        header_row=built.header_row,
        delimiter=raw.delimiter if raw is not None else "",
        encoding=raw.encoding if raw is not None else "",
        number_convention=built.number_convention,
        count=len(scenario.initiatives),
        totals=_totals(scenario),
        skipped=tuple(built.skipped),
        notices=tuple(built.notices),
        warnings=tuple(warnings),
        plausibility=thresholds.overrides(),
    )
    return scenario.with_load_report(report)


def read_table(path: str | os.PathLike[str], sheet: str | None = None) -> Built:
    """Read an initiatives table (.csv or .xlsx) into rows of values, without a scenario.

    Raises ScenarioError naming the file when it is missing, a directory, empty, of an
    unknown type, in an encoding that cannot be told, or not a readable workbook; problems
    with its values are in the returned ``.problems``.
    """
    options = TableOptions()
    raw = read_raw(Path(path), sheet=sheet, looks_like_header=Header(options).looks_like_header)
    return build(raw, options)


def _defaults(data: Mapping[str, Any], source: str, problems: list[Problem]) -> dict[str, Any]:
    """``defaults:`` (what a blank means) keyed by canonical column, numbers read."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = schema.match(str(key))
        if name is None or name.endswith(("_low", "_high")):
            problems.append(
                Problem(f"{source}: key defaults.{key}", "unknown column for a default")
            )
            continue
        if schema.is_number_column(name) and isinstance(value, str):
            reading = read_number(value, None)
            if reading.value is None:
                problems.append(
                    Problem(f"{source}: key defaults.{key}", f"expected a number; got {value!r}")
                )
                continue
            value = reading.value
        out[name] = value
    return out


def _canonical_rules(
    settings: dict[str, Any], initiatives: list[Initiative], segments: tuple[str, ...] | None
) -> None:
    """Rule ids and segment names written in another case than the table/YAML."""
    rules = settings.get("rules")
    if not isinstance(rules, Mapping):
        return
    rules = dict(rules)
    ids = id_spellings(i.id for i in initiatives)
    for key in ("mandatory", "excluded"):
        value = rules.get(key)
        if isinstance(value, list | tuple):
            rules[key] = [canonical_id(v, ids) if isinstance(v, str) else v for v in value]
    names = {s.casefold(): s for s in segments or ()}
    for key in ("min_count", "max_count"):
        counts = rules.get(key)
        if isinstance(counts, Mapping) and isinstance(counts.get("segment"), Mapping):
            rules[key] = {
                **counts,
                "segment": {
                    names.get(str(k).casefold(), k): v for k, v in counts["segment"].items()
                },
            }
    settings["rules"] = rules


def _blank_warnings(
    scenario: Scenario, built: Built, table: str, source: str
) -> list[InputWarning]:
    """Columns whose absence changes the answer: cost, segment, a team's effort."""
    out: list[InputWarning] = []
    present = built.present
    if "cost" not in present:
        out.append(
            InputWarning(
                "no-cost-column",
                "no cost column: every initiative costs 0 and the budget limits nothing",
                table,
            )
        )
    if "segment" not in present and len(scenario.segments) > 1:
        out.append(
            InputWarning(
                "no-segment-column",
                "no segment column: every initiative reaches all segments ('all')",
                table,
            )
        )
    for team in scenario.teams:
        if f"effort_{team}" not in present:
            out.append(
                InputWarning(
                    "no-effort-column",
                    f"no effort_{team} column: team {team!r} is asked for nothing, so its "
                    "capacity limits nothing",
                    f"{source}: key teams.{team}",
                )
            )
    return out


def _totals(scenario: Scenario) -> dict[str, float]:
    import math
    from operator import attrgetter

    items = scenario.initiatives
    totals = {
        name: math.fsum(map(attrgetter(name), items)) for name in ("cost", "opex", "voc_volume")
    }
    efforts = [i.effort for i in items]
    for team in scenario.teams:
        totals[f"effort_{team}"] = math.fsum([e.get(team, 0.0) for e in efforts])
    return totals


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------
def _located(err: Mapping[str, Any]) -> tuple[str | int, ...]:
    """Where in a row a model error lies: its ``loc``, or for a whole-row check failing on
    one column (:class:`~prioritizer.models.ColumnError`) that column."""
    from .models import ColumnError

    cause = (err.get("ctx") or {}).get("error")
    if not err["loc"] and isinstance(cause, ColumnError):
        return (cause.column,)
    return tuple(err["loc"])


def _dotted(loc: Iterable[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_BUSINESS = {
    "greater_than_equal": "must be {ge} or more",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be {le} or less",
    "float_parsing": "must be a plain number such as 450000",
    "float_type": "must be a plain number such as 450000",
    "int_parsing": "must be a whole number such as 3",
    "int_from_float": "must be a whole number such as 3",
    "int_type": "must be a whole number such as 3",
    "finite_number": "must be a finite number",
    "dict_type": "must be a mapping of name: value",
    "string_type": "must be text",
    "literal_error": "must be one of {expected}",
    "bool_parsing": "must be yes or no (a valid boolean: true/false, yes/no, 1/0)",
    "too_short": "must not be empty",
    "tuple_type": "must be a list",
}


def _message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required but missing"
    template = _BUSINESS.get(kind)
    if template is not None:
        try:
            ctx = {
                k: f"{v:g}" if isinstance(v, float) else v
                for k, v in (err.get("ctx") or {}).items()
            }
            message = template.format(**ctx)
        except (KeyError, IndexError):
            message = str(err.get("msg", "invalid value"))
    else:
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    if "input" in err and kind not in ("value_error",) and not isinstance(err["input"], dict):
        shown = repr(err["input"])
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message += f"; found {shown}"
    return message


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------
def _proc_umask() -> int | None:
    """The process umask from the ``Umask:`` line of /proc/self/status (Linux 4.7+), read
    without changing it; None where there is no such line."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _umask_at_import() -> int:
    """The umask when this module is imported. Without /proc it can only be read by setting
    it, so it is set and restored at once, here, once (imports run under the import lock),
    rather than on each write, where another thread could create a file in between."""
    found = _proc_umask()
    if found is not None:
        return found
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_IMPORT = _umask_at_import()


def _umask() -> int:
    """The process umask now: read from /proc where it can be (thread-safe, and a umask
    changed after import counts); elsewhere the one read at import."""
    found = _proc_umask()
    return _UMASK_AT_IMPORT if found is None else found


def _file_mode(target: Path) -> int:
    """The permissions ``open(target, "w")`` would leave: an existing file's own, else
    0o666 less the umask (mkstemp's temporary file is 0o600 whatever the umask)."""
    try:
        existing = os.stat(target)
    except OSError:
        return 0o666 & ~_umask()
    return stat.S_IMODE(existing.st_mode) if stat.S_ISREG(existing.st_mode) else 0o666 & ~_umask()


def atomic_write(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write a file atomically: a temporary file in the same folder, then a rename over it.

    The file gets the permissions a plain ``open()`` would give it (see :func:`_file_mode`),
    not the temporary file's private 0o600.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    mode = _file_mode(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):  # not on Windows, where the mode means little
                os.fchmod(handle.fileno(), mode)
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return target


def folder_problem(path: str | os.PathLike[str]) -> str | None:
    """Why results could not be written into the folder ``path`` (what is wrong and what was
    expected, without the path), or None when they can.

    Checked before any work, leaving nothing behind: an existing folder must be writable; a
    missing one must be creatable, which is tried (its first missing folder is made and
    removed at once) since only trying tells on some file systems (/proc, /sys).
    """
    folder = Path(path)
    if folder.is_dir():
        if not os.access(folder, os.W_OK | os.X_OK):
            return "cannot write into the folder (permission denied); choose a writable folder"
        return None
    if folder.exists():
        return "must be a folder, not a file"
    missing = folder
    for parent in folder.parents:
        if parent.is_dir():
            break
        if parent.exists():
            return f"cannot create the folder ({parent} is a file); choose another folder"
        missing = parent
    if not os.access(missing.parent, os.W_OK | os.X_OK):
        return (
            f"cannot create the folder (no permission to write in {missing.parent}); "
            "choose a writable folder"
        )
    made = False
    try:
        missing.mkdir()
        made = True
    except FileExistsError:
        return None  # made meanwhile by someone else
    except OSError as exc:
        return f"cannot create the folder ({exc.strerror or exc}); choose another folder"
    finally:
        if made:  # even when interrupted: nothing left behind
            with contextlib.suppress(OSError):
                missing.rmdir()
    return None


class OutputDir:
    """A folder the tool writes results into, atomically, never over its own inputs.

    The folder is created if missing; files the tool did not write are left alone.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, protected: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
        self.path = Path(path)
        self.protected = {Path(p).resolve() for p in protected}
        if self.path.exists() and not self.path.is_dir():
            raise ScenarioError([Problem(str(self.path), "--out must be a folder, not a file")])
        problem = folder_problem(self.path)  # before any work: nothing computed in vain
        if problem is not None:
            raise ScenarioError([Problem(f"--out {self.path}", problem)])

    def target(self, name: str) -> Path:
        """The path a result file ``name`` would be written to; refuses input files."""
        self.check([name])
        return self.path / name

    def check(self, names: Iterable[str]) -> None:
        """Refuse the whole set of files ``names`` at once when any of them is an input."""
        clashes = [
            Problem(
                str(self.path / name), "refusing to write over an input file; choose another --out"
            )
            for name in names
            if (self.path / name).resolve() in self.protected
        ]
        if clashes:
            raise ScenarioError(clashes)

    def write(self, name: str, data: str | bytes) -> Path:
        """Write one file atomically and return its path."""
        target = self.target(name)
        try:
            return atomic_write(target, data)
        except OSError as exc:
            raise ScenarioError(
                [Problem(str(target), f"cannot write the file: {exc.strerror or exc}")]
            ) from exc

    def write_all(self, files: Mapping[str, str | bytes]) -> list[Path]:
        """Write a set of files, each atomically, after checking all of them: nothing is
        written when any one would overwrite an input. Returns the paths written."""
        self.check(files)
        return [self.write(name, data) for name, data in files.items()]


def scenario_inputs(path: str | os.PathLike[str]) -> list[Path]:
    """The files a scenario reads: the YAML and, when it names them, the initiatives table
    and the files of its ``evidence:`` section (VoC export, survey, maturity, benchmarks)."""
    scenario_path = Path(path)
    inputs = [scenario_path]
    try:
        data = read_yaml(scenario_path)
    except ScenarioError:
        return inputs
    table = data.get("initiatives")
    if isinstance(table, Mapping):
        table = table.get("file")
    if isinstance(table, str):
        inputs.append(scenario_path.parent / table)
    evidence = data.get("evidence")
    if isinstance(evidence, Mapping):
        for part in ("voc", "survey", "maturity", "benchmarks"):
            spec = evidence.get(part)
            name = spec.get("file") if isinstance(spec, Mapping) else spec
            if isinstance(name, str):
                inputs.append(scenario_path.parent / name)
    return inputs
