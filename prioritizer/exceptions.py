"""Exceptions raised by prioritizer.

Every error a user can cause is a :class:`PrioritizerError`. The command line turns them into a
one-line ``Error:`` message and an exit code (2 for bad input, 1 for an infeasible scenario),
never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class PrioritizerError(Exception):
    """Base class of every error prioritizer raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in the input.

    Attributes
    ----------
    where:
        Location in words: file, row and column, or file and key
        (``initiatives.csv row 7, column 'cost'``).
    message:
        What is wrong and what was expected.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ScenarioError(PrioritizerError):
    """The scenario or the initiatives table is invalid; carries every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | str, *, source: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems found:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class InfeasibleError(PrioritizerError):
    """No portfolio satisfies every rule of the scenario.

    Attributes
    ----------
    conflict:
        The rules that cannot hold together (rule keys such as ``budget`` or
        ``mandatory[KYC-REFRESH]``), as far as they were diagnosed.
    explanation:
        The diagnosis in business words, one sentence per line: the conflicting rules and,
        for each limit among them, how far raising it alone would restore feasibility
        (the message itself when no diagnosis was made).
    details:
        The :class:`~prioritizer.diagnose.Diagnosis` (rules, texts, relaxations), or None.
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        conflict: list[str] | None = None,
        details: Any = None,
        explanation: str | None = None,
    ) -> None:
        self.conflict = list(conflict or [])
        self.details = details
        self.explanation = message if explanation is None else explanation
        super().__init__(message)


class SolverError(PrioritizerError):
    """The solver failed, is missing, or found no portfolio within the time limit."""

    exit_code = 1
