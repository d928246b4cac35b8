"""The model as the files CBC's binary reads and writes: an MPS model, a MIP start, a solution.

Written straight from the arrays of :class:`~.model.Model`, byte for byte what PuLP 3.3 writes
for the same problem (``to_pulp(model, minimize=True)`` then ``writeMPS(rename=1)`` and
``writesol``; ``tests/test_solver_layer.py`` compares them) — several times faster, which
matters for the thousands of small re-solves of a sweep and for the large models of a
time-limited solve. Columns are named ``X0000000``… in the order PuLP writes them (its
variables sorted by name: ``x_0, x_1, x_10, …``), rows ``C0000000``… in model order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .model import Model


@dataclass(frozen=True)
class MpsColumns:
    """How the file's columns map to the model: ``order[k]`` is the canonical variable
    written as column ``names[k]``; ``dummy`` when a fixed column was added because the
    objective is empty (CBC needs one)."""

    order: list[int]
    names: list[str]
    dummy: bool


def mps_columns(model: Model) -> MpsColumns:
    """The file's column order: PuLP's — the variables that appear in the objective or a row
    (an absent one is 0), ``x_<canonical>`` sorted by name, and a ``__dummy`` column first
    when the objective is all zero."""
    present = model.objective != 0
    present[model.indices] = True
    order = sorted(np.flatnonzero(present).tolist(), key=lambda r: f"x_{r}")
    dummy = not np.any(model.objective)
    count = len(order) + (1 if dummy else 0)
    return MpsColumns(order, [f"X{k:07d}" for k in range(count)], dummy)


def write_mps(model: Model, path: Path) -> MpsColumns:
    """Write "minimize −c·x subject to the rows of ``model``" to ``path``; return the
    column mapping."""
    columns = mps_columns(model)
    row_names = [f"C{r:07d}" for r in range(model.rows)]
    rows_of: list[list[tuple[int, float]]] = [[] for _ in range(model.n)]
    indices, data = model.indices.tolist(), model.data.tolist()
    indptr = model.indptr.tolist()
    for row in range(model.rows):
        for k in range(indptr[row], indptr[row + 1]):
            entries = rows_of[indices[k]]
            if entries and entries[-1][0] == row:  # a variable twice in one row: summed
                entries[-1] = (row, entries[-1][1] + data[k])
            else:
                entries.append((row, data[k]))
    objective = (-model.objective).tolist()
    nonzero = model.objective != 0
    lines = ["*SENSE:Minimize\n", "NAME          MODEL\n", "ROWS\n", " N  OBJ\n"]
    lines += [
        f" {'L' if np.isfinite(model.upper[r]) else 'G'}  {row_names[r]}\n"
        for r in range(model.rows)
    ]
    lines.append("COLUMNS\n")
    bounds: list[str] = []
    names = iter(columns.names)
    if columns.dummy:
        name = next(names)
        lines.append(f"    {name:<8}  {'OBJ':<8}  {1: .12e}\n")
        bounds.append(f" FX BND       {name:<8}  {0: .12e}\n")
    for variable, name in zip(columns.order, names, strict=True):
        integer = model.is_integer(variable)
        if integer:
            lines.append("    MARK      'MARKER'                 'INTORG'\n")
        lines += [
            f"    {name:<8}  {row_names[row]:<8}  {value: .12e}\n"
            for row, value in rows_of[variable]
        ]
        if nonzero[variable]:
            lines.append(f"    {name:<8}  {'OBJ':<8}  {objective[variable]: .12e}\n")
        if integer:
            lines.append("    MARK      'MARKER'                 'INTEND'\n")
            bounds.append(f" BV BND       {name:<8}\n")
        else:
            bounds.append(f" UP BND       {name:<8}  {1.0: .12e}\n")
    lines.append("RHS\n")
    for r in range(model.rows):
        rhs = float(model.upper[r] if np.isfinite(model.upper[r]) else model.lower[r])
        lines.append(f"    RHS       {row_names[r]:<8}  {rhs if rhs != 0 else 0: .12e}\n")
    lines.append("BOUNDS\n")
    lines += bounds
    lines.append("ENDATA\n")
    path.write_text("".join(lines))
    return columns


def write_start(columns: MpsColumns, start: np.ndarray, path: Path) -> None:
    """Write a MIP start (``start``: canonical 0/1) in CBC's solution format."""
    values: list[float | int] = [0] if columns.dummy else []  # PuLP writes an unset value as 0
    values += [float(start[variable]) for variable in columns.order]
    lines = ["Stopped on time - objective value 0\n"]
    lines += [
        f"{k:>7} {name} {value:>15} {0:>23}\n"
        for k, (name, value) in enumerate(zip(columns.names, values, strict=True))
    ]
    path.write_text("".join(lines))


def read_values(columns: MpsColumns, path: Path, n: int) -> np.ndarray:
    """The canonical-order variable values of a CBC solution file (0 where not printed)."""
    position = {name: k for k, name in enumerate(columns.names)}
    offset = 1 if columns.dummy else 0
    x = np.zeros(n)
    with path.open() as handle:
        next(handle, None)  # the status line
        for line in handle:
            parts = line.split()
            if len(parts) < 3:
                break
            if parts[0] == "**":  # CBC marks the values of an infeasible solution
                parts = parts[1:]
            k = position.get(parts[1])
            if k is not None and k >= offset:
                x[columns.order[k - offset]] = float(parts[2])
    return x
