"""One place for how numbers and names read to people: money in the scenario's currency,
shares, limits' names, clipped labels. Used by the terminal tables, the charts, the deck, the
workbook and the summary — so "€2.1M" and "EUR 2,100,000" mean the same everywhere.

Strings out, nothing printed; no matplotlib, no click.
"""

from __future__ import annotations

import math

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}
"""Currency codes written as a symbol; any other code is written as the code and a space."""


def symbol(currency: str) -> str:
    """``€`` for EUR, ``$`` for USD, ...; ``"SEK "`` for a code without a symbol."""
    return SYMBOLS.get(currency, f"{currency} ")


def money(value: float, currency: str, *, decimals: int = 1) -> str:
    """Compact money for charts and titles: ``€2.1M``, ``€350k``, ``−€900``, ``SEK 1.2bn``."""
    if not math.isfinite(value):
        return "n/a"
    sign = "−" if value < 0 else ""
    v = abs(value)
    if v >= 1e9:
        text = f"{v / 1e9:,.{decimals}f}bn"
    elif v >= 1e6:
        text = f"{v / 1e6:,.{decimals}f}M"
    elif v >= 1e3:
        text = f"{v / 1e3:,.0f}k"
    else:
        text = f"{v:,.0f}"
    return f"{sign}{symbol(currency)}{text}"


def amount(value: float, currency: str) -> str:
    """Exact money for tables and prose: ``EUR 1,234,567`` (whole units)."""
    return f"{currency} {value:,.0f}" if math.isfinite(value) else "n/a"


def unit_of(currency: str) -> str:
    """One unit of the currency, for "per" phrases: ``€1``, ``$1``, ``SEK 1``."""
    return f"{symbol(currency)}1"


def per_unit(value: float, currency: str) -> str:
    """A value per unit of money: ``€2.50`` below a thousand, else compact (``€1.2M``)."""
    if abs(value) < 1e3:
        return f"{'−' if value < 0 else ''}{symbol(currency)}{abs(value):,.2f}"
    return money(value, currency, decimals=2)


def objective(value: float, mode: str, currency: str) -> str:
    """An objective value in its mode's unit: money (business), a count of effort points
    (customer) or a share of the whole opportunity (blended)."""
    if mode == "business":
        return money(value, currency)
    return f"{value:.1%}" if mode == "blended" else f"{value:,.0f}"


def share(value: float, decimals: int = 0) -> str:
    """A 0-1 share as a percentage: ``95%``; ``n/a`` when not finite."""
    return f"{value:.{decimals}%}" if math.isfinite(value) else "n/a"


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def words(key: str) -> str:
    """A key as words: ``opex_budget`` -> ``opex budget``."""
    return key.replace("_", " ")


def sentence(text: str) -> str:
    """First letter upper case, the rest as given."""
    return text[:1].upper() + text[1:]


def days(value: float) -> str:
    """Person-days: ``1,200 person-days``."""
    return f"{value:,.0f} person-days"
