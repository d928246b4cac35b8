"""The names of the roadmap program's formulations (:mod:`prioritizer.roadmap.model`) and the
default one, importable without the solver layer."""

from __future__ import annotations

FORMULATIONS: tuple[str, ...] = ("start", "started_by", "select", "aggregate")
"""Every formulation of the same program (same optimum; the solve time differs)."""

DEFAULT_FORMULATION = "aggregate"
"""Used unless one is asked for; chosen on the roadmap benchmark (README, "Roadmap program")."""
