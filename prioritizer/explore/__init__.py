"""What-if at the speed of a conversation: the interactive explorer.

- :mod:`.whatif`: one what-if's settings and its outcome (KPIs, table, headline);
- :mod:`.state`: the update logic (settings -> solved outcome, generations), no widgets;
- :mod:`.cover`: the optimum along the budget, settled interval by interval (breakpoints);
- :mod:`.debounce`: one action after a burst of changes;
- :mod:`.html`: the outputs as HTML fragments;
- :mod:`.svg`: the two charts as SVG (the frontier, the portfolio map);
- :mod:`.widget`: the ipywidgets explorer, :func:`~.widget.explore` (the ``[explore]`` extra);
- :mod:`.app`: the same explorer served as a local page (Voilà).

``px.explore(sc)`` is the function; once this package is imported Python also binds the
package to ``prioritizer.explore``, so the package itself is callable and does the same.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .debounce import Debouncer
from .state import Explorer, Outcome, Settings


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .widget import explore

        return explore(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["Debouncer", "Explorer", "Outcome", "Settings"]
