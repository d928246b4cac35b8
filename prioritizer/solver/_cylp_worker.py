"""Worker process of the cylp backend (run as ``python -P _cylp_worker.py``).

Reads one model (``numpy.savez`` bytes) on standard input, solves it with CBC through cylp
(in this process), writes the solution (``numpy.savez`` bytes) on standard output. Imports
numpy and cylp only. The parent supervises it (see ``supervise.py``): CBC holds the GIL and
does not stop on SIGINT, so it must not run in the caller's process.
"""

from __future__ import annotations

import io
import sys

import numpy as np


def main() -> None:
    from cylp.cy import CyClpSimplex, CyCoinPackedMatrix

    data = np.load(io.BytesIO(sys.stdin.buffer.read()))
    objective = data["objective"]
    indptr, indices, values = data["indptr"], data["indices"], data["data"]
    n, rows = len(objective), len(indptr) - 1
    row_of = np.repeat(np.arange(rows, dtype=np.int32), np.diff(indptr).astype(np.int64))
    matrix = CyCoinPackedMatrix(True, row_of, indices.astype(np.int32), values.astype(np.float64))
    simplex = CyClpSimplex()
    infinity = simplex.getCoinInfinity()
    lower = np.where(np.isfinite(data["lower"]), data["lower"], -infinity).astype(np.float64)
    upper = np.where(np.isfinite(data["upper"]), data["upper"], infinity).astype(np.float64)
    simplex.loadProblem(
        matrix, np.zeros(n), np.ones(n), -objective.astype(np.float64), lower, upper
    )
    for k in np.flatnonzero(data["integer"]).tolist():
        simplex.setInteger(k)
    simplex.logLevel = 0
    cbc = simplex.getCbcModel()
    cbc.logLevel = 0
    cbc.allowableFractionGap = float(data["gap"])
    cbc.allowableGap = 0.0
    if float(data["time_limit"]) > 0:
        cbc.maximumSeconds = float(data["time_limit"])
    cbc.solve()
    status = str(cbc.status)
    found = cbc.solutionCount > 0 or status == "solution"
    x = np.asarray(cbc.primalVariableSolution, dtype=float) if found else np.zeros(n)
    out = io.BytesIO()
    np.savez(
        out,
        status=np.array(status),
        found=np.array(found),
        x=x,
        objective=np.array(-float(cbc.objectiveValue)),
        bound=np.array(-float(cbc.bestPossibleObjValue)),
    )
    sys.stdout.buffer.write(out.getvalue())
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
