"""``prioritizer evidence``: what the customers' own voice says (report only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..io import OutputDir
from .options import (
    current_warnings,
    handle_errors,
    load_checked,
    output_dir,
    scenario_argument,
    strict_option,
)


@click.command()
@scenario_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="What to print on standard output.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write evidence.json, the tables (CSV) and the charts (PNG) into this folder.",
)
@click.option(
    "--trace",
    metavar="ID",
    help="Also list the export's rows counted in this initiative's voc_volume.",
)
@click.option("--no-solve", is_flag=True, help="Skip the recommendation's coverage.")
@strict_option
@handle_errors
def evidence(
    scenario: Path, fmt: str, out: Path | None, trace: str | None, no_solve: bool, strict: bool
) -> None:
    """Count the VoC export, survey and maturity sheets of a scenario; show the uncovered
    pain points and how much of the feedback the recommended portfolio addresses.

    \b
    Examples:
        prioritizer evidence scenarios/retail_bank/scenario_evidence.yaml
        prioritizer evidence scenarios/telecom/scenario_evidence.yaml --format json
        prioritizer evidence SCENARIO --trace COMPLAINT-HUB --out evidence/
    """
    from ..evidence.analyse import analyse_evidence, trace_rows
    from ..render import to_csv, to_json

    outdir = output_dir(out, scenario)
    sc = load_checked(scenario, strict)  # prints the load warnings (stderr)
    if outdir is not None:  # the evidence files are inputs too: never written over
        outdir = OutputDir(outdir.path, protected=[*outdir.protected, *_evidence_files(sc)])
    report = analyse_evidence(sc, solve=not no_solve)
    trace = sc.canonical_ids([trace])[0] if trace else trace  # ids without case
    traced = trace_rows(sc, trace) if trace else None
    payload = report.to_dict()
    payload["warnings"] = current_warnings()
    files: dict[str, str | bytes] = {}
    if outdir is not None:  # every file checked before anything is printed or written
        from ..plots.evidence import evidence_pngs

        files["evidence.json"] = to_json(payload)
        files.update({f"{name}.csv": to_csv(frame) for name, frame in report.tables().items()})
        if traced is not None:
            files[f"voc_rows_{trace}.csv"] = to_csv(traced.set_index("row"))
        pngs = evidence_pngs(report)
        files.update({f"{name}.png": data for name, data in pngs.items()})
        outdir.check(files)
    if fmt == "json":
        click.echo(to_json(payload), nl=False)
    else:
        click.echo(evidence_text(report, [str(w) for w in sc.warnings]))
        if traced is not None:
            click.echo(
                f"\n{len(traced):,} rows counted for {trace}"
                + (f" (written to voc_rows_{trace}.csv)" if outdir else "; add --out to list them")
            )
    if outdir is not None:
        outdir.write_all(files)
        charts = sum(name.endswith(".png") for name in files)
        click.echo(f"Wrote evidence.json, tables and {charts} charts to {outdir.path}", err=True)


def _evidence_files(sc: Any) -> list[Path]:
    """The files the scenario's ``evidence:`` section reads (VoC export, survey, maturity,
    benchmarks): inputs, like the scenario and its table."""
    evidence = sc.evidence
    if evidence is None:
        return []
    specs = (evidence.voc, evidence.survey, evidence.maturity, evidence.benchmarks)
    return [Path(evidence.base_dir) / spec.file for spec in specs if spec is not None]


def evidence_text(report: Any, warnings: list[str]) -> str:
    """The terminal rendering of an evidence report."""
    from ..render import text_table

    lines: list[str] = [f"Evidence — {report.scenario.name}"]
    voc = report.voc
    if voc is not None:
        window = (
            f"{voc.window_from} to {voc.window_to} ({voc.days} days)" if voc.days else "all rows"
        )
        lines.append(
            f"VoC export {voc.source}: {voc.rows_read:,} rows read, {voc.items:,} counted in "
            f"{window}; {voc.rows_outside_window:,} outside the window, "
            f"{voc.rows_without_date:,} without a date, {voc.items_without_topic:,} without a "
            f"topic; counting {voc.unit}, x {voc.scale:.4g} to a year"
        )
        top = voc.topics.head(15).copy()
        top["share"] = top["share"] * 100
        top["addressed_by"] = [", ".join(a) or "-" for a in top["addressed_by"]]
        formats = {"share": ".1f", "per_year": ",.0f", "effort": ".2f"}
        lines += ["", "Top topics (share in %)", text_table(top, formats=formats)]
        lines += [
            "",
            "voc_volume per initiative (per year, as the value model uses it)",
            text_table(report.initiatives, formats={"voc_volume": ",.0f"}),
        ]
        if len(report.uncovered):
            unc = report.uncovered.head(10).copy()
            unc["share"] = unc["share"] * 100
            lines += [
                "",
                "Uncovered pain points (no initiative addresses them)",
                text_table(unc, formats={**formats, "volume_x_effort": ",.0f"}),
            ]
    if report.survey is not None:
        lines += ["", report.survey.text()]
    if report.maturity is not None:
        lines += ["", report.maturity.text()]
    findings = report.findings()
    if findings:
        lines += ["", "Findings"] + [f"  - {f}" for f in findings]
    for note in report.notes:
        lines.append(f"Note: {note}")
    for warning in warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)
