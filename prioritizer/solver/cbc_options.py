"""CBC's options for a model, one list for both ways CBC runs: the binary's command line
(:func:`~.pulp_backend.solve_cbc`) and the library's ``Cbc_setParameter``
(:mod:`.cbc_library`)."""

from __future__ import annotations

import numpy as np

from ..result import SolverOptions
from .model import Model


def cbc_options(model: Model, options: SolverOptions, started: bool) -> list[tuple[str, str]]:
    """(name, value) of CBC's options for ``model`` solved with ``options``; ``started``: a
    MIP start is given.

    With a start and no time limit CBC's primal heuristics are off (they only look for a
    first solution, and the start is one). A time limit counts wall seconds. Both
    tolerances are explicit: the relative gap (CBC's default is not 0) and ``increment``
    1e-9 of the objective's scale, below which CBC would otherwise skip improvements.
    """
    out: list[tuple[str, str]] = []
    if started and options.time_limit is None:
        out.append(("heuristicsOnOff", "off"))
    if options.time_limit is not None:
        out += [("sec", f"{options.time_limit:g}"), ("timeMode", "elapsed")]
    out += [("ratio", f"{options.gap:g}"), ("allow", "0")]
    out.append(("increment", f"{1e-9 * float(np.abs(model.objective).sum()):.3e}"))
    if not options.cuts:
        out.append(("cuts", "off"))
    if not model.preprocess:
        out.append(("preprocess", "off"))
    return out
