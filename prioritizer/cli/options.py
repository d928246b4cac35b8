"""Shared pieces of the command line: error handling, what-if and output options."""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..exceptions import InfeasibleError, PrioritizerError, Problem, ScenarioError
from ..io import OutputDir, load_scenario, scenario_inputs
from ..models import Scenario
from ..result import SolverOptions

F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------------------
# Error handling and shared options
# --------------------------------------------------------------------------------------
def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InfeasibleError as exc:
            click.echo(f"Infeasible: {exc}", err=True)
            sys.exit(1)
        except PrioritizerError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        # Ctrl-C is not caught here: it reaches prioritizer.cli.main, which says
        # "Interrupted." and ends the process with 130 at once (a SystemExit raised here
        # went through the interpreter's shutdown, where the process was seen dying by the
        # signal, exit -2, with "Interrupted." printed)

    return wrapper  # type: ignore[return-value]


class OptionError(click.ClickException):
    """A command-line value the tool cannot use: ``Error: --budget -5: must be at least 0``
    (exit 2, the option and the value as typed, no usage lines)."""

    exit_code = 2


def _amount_problem(value: float) -> str | None:
    """Why ``value`` cannot be an amount (a budget, a capacity, a weight); None when it can."""
    if not math.isfinite(value):
        return "must be a finite number"
    if value < 0:
        return "must be at least 0"
    return None


class Amount(click.ParamType):
    """A number at least 0 (a budget or a capacity): ``--budget -5`` is refused naming the
    option and the value as typed."""

    name = "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, float):
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a valid float.", param, ctx)
        problem = _amount_problem(number)
        if problem is not None:
            option = param.opts[0] if param is not None and param.opts else "value"
            raise OptionError(f"{option} {str(value).strip()}: {problem}")
        return number


AMOUNT = Amount()


def check_budgets(text: str, budgets: list[float], option: str = "--budgets") -> None:
    """Refuse a list of budgets (``--budgets`` as typed) with one that is negative or not
    finite: ``--budgets -1,2e6: every budget must be at least 0; got -1``."""
    for value in budgets:
        problem = _amount_problem(value)
        if problem is not None:
            shown = f"{value:,.0f}" if math.isfinite(value) and value.is_integer() else f"{value:g}"
            raise OptionError(f"{option} {text.strip()}: every budget {problem}; got {shown}")


def _parse_pairs(
    text: str, what: str, param: str, fold: Callable[[str], str] = str
) -> tuple[dict[str, float], dict[str, str]]:
    """``NAME=X,NAME=X`` as numbers by name, and each pair as typed; a name given twice with
    different values (matched with ``fold``) is refused."""
    pairs: dict[str, float] = {}
    typed: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected {what}, got {part!r}", param_hint=param)
        try:
            number = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{value.strip()!r} is not a number in {part!r}", param_hint=param
            ) from None
        problem = _amount_problem(number)
        if problem is not None:
            shown = part if param == "--team" else text  # each team is its own option
            raise OptionError(f"{param} {shown.strip()}: {name.strip()} {problem}")
        key = fold(name.strip())
        if key in pairs and pairs[key] != number:
            raise OptionError(
                f"{param} {typed[key]} and {param} {part.strip()}: {name.strip()} is given two "
                "different values; give it once"
            )
        pairs[key] = number
        typed[key] = part.strip()
    return pairs, typed


def _teams_callback(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, float]:
    """Team capacities by name as first typed; team names match without case."""
    days, typed = _parse_pairs(",".join(values), "NAME=DAYS", "--team", fold=str.casefold)
    return {typed[key].partition("=")[0].strip(): number for key, number in days.items()}


WEIGHTS_TEXT_KEY = "prioritizer.weights_typed"


def _weights_callback(
    ctx: click.Context, _param: click.Parameter, value: str | None
) -> dict[str, float] | None:
    if value is None:
        return None
    weights, _ = _parse_pairs(value, "business=W,customer=W", "--weights")
    unknown = set(weights) - {"business", "customer"}
    if unknown:
        raise click.BadParameter(
            f"unknown weight(s) {sorted(unknown)}; expected business and customer",
            param_hint="--weights",
        )
    ctx.meta[WEIGHTS_TEXT_KEY] = value.strip()
    return weights


def what_if_options(func: F) -> F:
    """The what-if overrides every analysis command accepts (same as ``solve``)."""
    options = [
        click.option("--budget", type=AMOUNT, help="Override the one-off budget (currency)."),
        click.option("--opex-budget", type=AMOUNT, help="Override the opex budget (currency/yr)."),
        click.option(
            "--team",
            "teams",
            multiple=True,
            callback=_teams_callback,
            metavar="NAME=DAYS",
            help="Override a team's capacity in person-days (repeatable; each team once).",
        ),
        click.option(
            "--objective",
            type=click.Choice(["business", "customer", "blended"]),
            help="Objective mode.",
        ),
        click.option(
            "--weights",
            callback=_weights_callback,
            metavar="business=W,customer=W",
            help="Blended objective weights (normalized to sum to 1); a weight not given "
            "keeps the scenario's. Says the weights used when they are rescaled.",
        ),
        click.option(
            "--force-in",
            multiple=True,
            metavar="ID",
            help="Initiative that must be chosen (repeatable).",
        ),
        click.option(
            "--force-out",
            multiple=True,
            metavar="ID",
            help="Initiative that must not be chosen (repeatable).",
        ),
        click.option(
            "--solver", type=click.Choice(["cbc", "highs"]), default="cbc", show_default=True
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            help="Solver time limit, seconds.",
        ),
        click.option(
            "--gap",
            type=click.FloatRange(min=0),
            default=0.0,
            show_default=True,
            help="Relative optimality gap at which the solver may stop.",
        ),
        click.option(
            "--strict", is_flag=True, help="Treat every input warning as an error (exit 2)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def output_options(func: F) -> F:
    func = click.option(
        "--out",
        "out",
        type=click.Path(file_okay=False, path_type=Path),
        help="Also write the results into this folder (created if missing).",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help="What to print on standard output.",
    )(func)
    return func


WARNINGS_KEY = "prioritizer.warnings"


def load_checked(path: Path, strict: bool = False) -> Scenario:
    """Load a scenario, print its warnings to stderr (``warning: ...`` lines, before any
    result) and, with ``--strict``, refuse it when there is any (exit 2)."""
    return check_warnings(load_scenario(path), strict, path.name)


def check_warnings(scenario: Scenario, strict: bool, source: str) -> Scenario:
    """Print a loaded scenario's warnings (stderr, ``warning: ...``), keep them for the JSON
    outputs, and with ``strict`` refuse the scenario when there is any."""
    warnings = scenario.warnings
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta.setdefault(WARNINGS_KEY, []).extend(w.to_dict() for w in warnings)
    if strict and warnings:  # each warning once, as the reason of the refusal
        raise ScenarioError(
            [Problem(w.where, f"{w.message} (--strict: warnings are errors)") for w in warnings],
            source=source,
        )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    return scenario


def current_warnings() -> list[dict[str, str]]:
    """The warnings of the scenario(s) this command loaded, for ``"warnings"`` in JSON."""
    ctx = click.get_current_context(silent=True)
    return list(ctx.meta.get(WARNINGS_KEY, [])) if ctx is not None else []


def with_warnings(payload: dict[str, Any]) -> dict[str, Any]:
    """A JSON payload with ``"warnings"`` (the loaded scenario's; empty list when none)."""
    return {**payload, "warnings": current_warnings()}


def strict_option(func: F) -> F:
    """``--strict``: every input warning is an error (exit 2)."""
    return click.option(
        "--strict",
        is_flag=True,
        help="Treat every input warning as an error (exit 2).",
    )(func)


def _check_ids(scenario: Scenario, given: dict[str, Any]) -> None:
    """Unknown initiative ids of the command line, named by option (ids match without case)."""
    known = set(scenario.ids)
    problems = [
        Problem(
            f"{option} {ident}",
            f"unknown initiative id in {scenario.name!r}; expected one of the ids of its table"
            " (e.g. " + ", ".join(scenario.ids[:3]) + ")",
        )
        for option, ids in given.items()
        for ident, canonical in zip(ids, scenario.canonical_ids(list(ids)), strict=True)
        if canonical not in known
    ]
    if problems:
        raise ScenarioError(problems)


def _check_forced(
    scenario: Scenario, force_in: tuple[str, ...], force_out: tuple[str, ...]
) -> None:
    """An initiative forced both ways, or forced out though the scenario makes it mandatory
    (or in though it excludes it), named by option as typed."""
    canonical_in = dict(zip(scenario.canonical_ids(list(force_in)), force_in, strict=True))
    canonical_out = dict(zip(scenario.canonical_ids(list(force_out)), force_out, strict=True))
    mandatory, excluded = set(scenario.mandatory_ids()), set(scenario.rules.excluded)
    problems = [
        Problem(
            f"--force-in {canonical_in[i]} and --force-out {typed}",
            "the same initiative cannot be forced in and out; drop one",
        )
        for i, typed in canonical_out.items()
        if i in canonical_in
    ]
    problems += [
        Problem(
            f"--force-out {typed}",
            f"{i} is mandatory in the scenario (`mandatory` column or rules.mandatory); "
            "it cannot be forced out",
        )
        for i, typed in canonical_out.items()
        if i in mandatory and i not in canonical_in
    ]
    problems += [
        Problem(
            f"--force-in {typed}",
            f"{i} is excluded in the scenario (rules.excluded); it cannot be forced in",
        )
        for i, typed in canonical_in.items()
        if i in excluded and i not in canonical_out
    ]
    if problems:
        raise ScenarioError(problems)


def _check_teams(scenario: Scenario, teams: dict[str, float] | None) -> None:
    """Unknown team names of ``--team``, named by option (names match without case)."""
    known = {name.casefold() for name in scenario.teams}
    problems = [
        Problem(
            f"--team {name}={days:g}",
            f"unknown team in {scenario.name!r}; expected one of {sorted(scenario.teams)}"
            if scenario.teams
            else f"{scenario.name!r} has no team capacities (key `teams`) to override",
        )
        for name, days in (teams or {}).items()
        if name.casefold() not in known
    ]
    if problems:
        raise ScenarioError(problems)


def scenario_with_overrides(path: Path, kwargs: dict[str, Any]) -> tuple[Scenario, SolverOptions]:
    scenario = load_checked(path, kwargs.pop("strict", False))
    given = kwargs.pop("weights", None)
    weights = _merged_weights(scenario, given)
    force_in, force_out = kwargs.pop("force_in", ()), kwargs.pop("force_out", ())
    _check_ids(scenario, {"--force-in": force_in, "--force-out": force_out})
    _check_forced(scenario, force_in, force_out)
    teams = kwargs.pop("teams", None) or None
    _check_teams(scenario, teams)
    scenario = scenario.with_overrides(
        budget=kwargs.pop("budget", None),
        opex_budget=kwargs.pop("opex_budget", None),
        teams=teams,
        objective=kwargs.pop("objective", None),
        weights=weights,
        force_in=force_in,
        force_out=force_out,
    )
    if given is not None:
        _say_weights(scenario, given)
    options = SolverOptions(
        solver=kwargs.pop("solver", "cbc"),
        time_limit=kwargs.pop("time_limit", None),
        gap=kwargs.pop("gap", 0.0),
    )
    return scenario, options


def _weights_typed() -> str:
    ctx = click.get_current_context(silent=True)
    return str(ctx.meta.get(WEIGHTS_TEXT_KEY, "")) if ctx is not None else ""


def _merged_weights(scenario: Scenario, given: dict[str, float] | None) -> dict[str, float] | None:
    """``--weights``: a weight not given keeps the scenario's; refused when all are zero."""
    if given is None:
        return None
    current = {str(name): w for name, w in scenario.objective.weights.items()}
    weights = {name: given.get(name, current.get(name, 0.0)) for name in ("business", "customer")}
    if sum(weights.values()) <= 0:
        kept = [f"the scenario's {n} weight is 0" for n in weights if n not in given]
        raise ScenarioError(
            [
                Problem(
                    f"--weights {_weights_typed()}",
                    "the weights must not all be zero (they are normalized to sum to 1)"
                    + (f"; {kept[0]}" if kept else ""),
                )
            ]
        )
    return weights


def _say_weights(scenario: Scenario, given: dict[str, float]) -> None:
    """A ``note:`` line (stderr) when ``--weights`` is not used as typed: a weight kept from
    the scenario, weights rescaled to sum to 1, or an objective that uses no weights."""
    objective = scenario.objective
    typed = f"--weights {_weights_typed()}"
    if objective.mode != "blended":
        click.echo(
            f"note: {typed}: the objective is {objective.mode}, which uses no weights; "
            "add --objective blended to use them",
            err=True,
        )
        return
    kept = [n for n in ("business", "customer") if n not in given]
    used = {"business": objective.business_weight, "customer": objective.customer_weight}
    if not kept and math.isclose(sum(given.values()), 1.0):
        return
    words = ", ".join(f"{n} {w:.3g}" for n, w in used.items())
    current = {str(name): w for name, w in objective.weights.items()}
    reason = (
        f"{kept[0]} keeps the scenario's weight {current.get(kept[0], 0.0):g}; " if kept else ""
    )
    click.echo(f"note: {typed}: {reason}weights used {words} (normalized to sum to 1)", err=True)


scenario_argument = click.argument(
    "scenario", type=click.Path(path_type=Path, dir_okay=True, exists=False)
)


def workers_option(func: F) -> F:
    """``--workers`` (default: all cores) and ``--quiet``."""
    func = click.option("--quiet", "-q", is_flag=True, help="Hide the progress bar.")(func)
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes (default: all cores).",
    )(func)


class Progress:
    """A click progress bar on stderr, shown only on a terminal and without --quiet."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def output_dir(out: Path | None, *scenarios: Path, files: tuple[str, ...] = ()) -> OutputDir | None:
    """The --out folder, refusing to write over any input of any of the ``scenarios``:
    checked at once (a folder that cannot be written, any of ``files`` an input)."""
    if not out:
        return None
    outdir = OutputDir(out, protected=[p for s in scenarios for p in scenario_inputs(s)])
    outdir.check(files)
    return outdir


def prepare(
    name: str, scenario: Path, out: Path | None, quiet: bool, kwargs: dict[str, Any]
) -> tuple[OutputDir | None, Scenario, SolverOptions, Progress]:
    """What every analysis command starts with: the --out folder (checked before any work),
    the scenario with its what-if overrides, the solver options and a progress bar."""
    sc, options = scenario_with_overrides(scenario, kwargs)
    outdir = output_dir(out, scenario)
    from ..analysis.registry import ROADMAP_ON_REQUEST, ROADMAP_PACK

    if sc.periods and name not in (
        *ROADMAP_PACK,
        *ROADMAP_ON_REQUEST,
    ):  # a roadmap (spec §5): it would ignore periods
        from ..exceptions import ScenarioError

        raise ScenarioError(
            f"`{name}` does not work on a roadmap yet: {scenario} has `periods`, which it would "
            "ignore. Use `prioritizer roadmap` (its cost-of-delay table says why an initiative "
            "is out or late; `--budgets` sweeps the total budget), or run "
            f"`{name}` on a copy of the scenario without `periods` for the one-lump view"
        )
    return outdir, sc, options, Progress(name, quiet)
