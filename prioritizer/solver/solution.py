"""What a backend returns: a status, a selection and the proof (bound), in the model's units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..result import Status

FEASIBLE: tuple[Status, ...] = ("optimal", "feasible")


@dataclass(frozen=True, eq=False)
class Solution:
    """One backend run.

    Attributes
    ----------
    status:
        See :data:`Status`.
    x:
        0/1 selection in *canonical* order (zeros when there is none).
    objective:
        The solver's objective value in the model's (scaled) units, or None.
    bound:
        The solver's proven upper bound in the model's units, or None when not known.
    solver:
        Which backend ran, e.g. ``cbc (cylp)``.
    seconds:
        Wall time of the run.
    message:
        Why there is no solution, in words (empty when there is one).
    failed:
        The backend itself broke (a crashed worker, a missing library), as opposed to a
        solver that ran and found nothing: another backend may be tried.
    """

    status: Status
    x: np.ndarray
    objective: float | None
    bound: float | None
    solver: str
    seconds: float
    message: str = ""
    failed: bool = False
