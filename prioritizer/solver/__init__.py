"""The solver layer: from rules and an objective to a checked solution.

- :mod:`.model` — the integer program as arrays (canonical order), no solver library;
- :mod:`.pulp_backend` — PuLP's CBC binary and HiGHS (the only module importing PuLP);
- :mod:`.mps` — the files CBC's binary reads and writes (model, start, solution), from arrays;
- :mod:`.cylp_backend` — CBC in memory through cylp (``[fast]`` extra), in a worker process;
- :mod:`.cbc_library` — CBC's own library in this process, for the re-solves of sweeps;
- :mod:`.cbc_options` — CBC's options for a model, for the binary and the library alike;
- :mod:`.supervise` — solver processes in their own process group, stopped on every exit;
- :mod:`.run` — which backend runs a model;
- :mod:`.portfolio` — :func:`solve_portfolio`, one solve reported as a Result;
- :mod:`.primitives` — solve patterns of the analyses (floors, lexicographic, sweeps);
- :mod:`.start` — starts (the greedy ranking, the best portfolio found) and a cheap bound.
"""

from __future__ import annotations

from .cylp_backend import CYLP_MIN_N, cylp_available
from .model import Model, build_model
from .portfolio import check_options, solve_portfolio
from .primitives import SMALL_MODEL, least_use_beating, lexicographic, sweep_options
from .run import SOLVERS, backend_for, cbc_available, highs_available, solve_model
from .solution import FEASIBLE, Solution, Status
from .supervise import DEADLINE_GRACE_S

__all__ = [
    "CYLP_MIN_N",
    "DEADLINE_GRACE_S",
    "FEASIBLE",
    "SMALL_MODEL",
    "SOLVERS",
    "Model",
    "Solution",
    "Status",
    "backend_for",
    "build_model",
    "cbc_available",
    "check_options",
    "cylp_available",
    "highs_available",
    "least_use_beating",
    "lexicographic",
    "solve_model",
    "solve_portfolio",
    "sweep_options",
]
