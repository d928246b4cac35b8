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


def headline_money(value: float, currency: str) -> str:
    """Money in a headline, to 3 significant digits, trailing zeros dropped as in
    :func:`number`: ``€2.36M``, ``€812k``, ``€81.2k``, ``€1.2M``, ``−€950`` (whole units
    below a thousand)."""
    if not math.isfinite(value):
        return "n/a"
    v = float(f"{abs(value):.3g}")  # rounded first: 999,950 is €1M, not €1,000k
    text = f"{v:,.0f}"
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if v >= size:
            scaled = v / size
            decimals = max(0, 2 - math.floor(math.log10(scaled)))
            text = f"{scaled:,.{decimals}f}"
            text = (text.rstrip("0").rstrip(".") if decimals else text) + suffix
            break
    return f"{'−' if value < 0 and text.strip('0.,') else ''}{symbol(currency)}{text}"


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


def number(value: float) -> str:
    """A plain number for people, never in scientific notation: ``10,720``, ``0.35``,
    ``1.5``, ``0.004``; ``n/a`` when not finite."""
    if not math.isfinite(value):
        return "n/a"
    v = abs(value)
    if v >= 100 or v == 0:
        text = f"{v:,.0f}"
    else:  # three significant digits, written out, trailing zeros dropped
        decimals = max(0, 2 - math.floor(math.log10(v)))
        text = f"{v:,.{decimals}f}".rstrip("0").rstrip(".")
    return f"{'−' if value < 0 and text.strip('0.,') else ''}{text}"


FIELD_LABELS = {
    "voc_volume": "Complaints per year",
    "ces_delta": "Effort-score gain",
    "churn_reduction_pp": "Churn cut (points per year)",
    "cross_sell": "Cross-sell per year",
    "cost_savings": "Cost savings per year",
    "cost": "One-off cost",
    "opex": "Running cost per year",
    "ltv": "Lifetime value per customer",
    "customers": "Customers",
    "complaint_rate": "Share of hurt customers who complain",
    "discount_rate": "Discount rate",
    "horizon_years": "Years of benefit counted",
    "business_weight": "Weight of money in the combined score",
}
"""Short human labels of the initiative columns (the schema in
:mod:`prioritizer.inputs.columns`) and of the scenario settings the analyses move."""

FIELD_SHORT = {
    "voc_volume": "complaints a year",
    "ces_delta": "effort gain",
    "churn_reduction_pp": "churn cut",
    "cross_sell": "cross-sell",
    "cost_savings": "savings",
    "cost": "one-off cost",
    "opex": "running cost",
}
"""Short labels of the initiative fields, for chart rows (``Name: churn cut``)."""

MONEY_FIELDS = frozenset({"cross_sell", "cost_savings", "cost", "opex", "ltv"})
"""Fields in the scenario's currency."""


def team(name: str) -> str:
    """A team's name as people write it: ``contact_centre`` -> ``contact centre``, ``it`` ->
    ``IT`` (names of two letters or fewer are initials)."""
    text = words(name)
    return text.upper() if len(text) <= 2 else text


def field_label(field: str) -> str:
    """The human label of a column or setting: ``voc_volume`` -> ``Complaints per year``,
    ``effort_contact_centre`` -> ``Contact centre person-days``; else the key as words."""
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    if field.startswith("effort_"):
        return f"{sentence(team(field[len('effort_') :]))} person-days"
    return sentence(words(field))


def field_short(field: str) -> str:
    """The short chart label of an initiative field: ``churn_reduction_pp`` -> ``churn cut``,
    ``effort_it`` -> ``IT days``."""
    if field in FIELD_SHORT:
        return FIELD_SHORT[field]
    if field.startswith("effort_"):
        return f"{team(field[len('effort_') :])} days"
    return words(field)


def field_value(field: str, value: float, currency: str) -> str:
    """A value of ``field`` as people read it: money in the currency (``€420k``), shares as
    percentages (``8%``), else a plain number (``10,720``)."""
    if field in MONEY_FIELDS:
        return money(value, currency)
    if field in ("complaint_rate", "discount_rate", "business_weight"):
        return share(value, 0 if round(value * 100, 6) == round(value * 100) else 1)
    if field in ("churn_reduction_pp", "ces_delta"):
        return f"{number(value)} pts"
    if field.startswith("effort_"):
        return f"{number(value)} days"
    return number(value)


def limit_label(label: str) -> str:
    """A limit's business label in plain words: ``Opex budget`` -> ``Running-cost budget``,
    ``Team digital`` -> ``Digital team``."""
    if label.lower().startswith("opex budget"):
        return "Running-cost budget" + label[len("opex budget") :]
    if label.lower().startswith("team "):
        return f"{sentence(team(label[5:]))} team"
    return label


def percent_decimals(step: float) -> int:
    """Decimals a percentage tick needs so that ticks ``step`` apart (a 0-1 share) all read
    differently: 0.05 -> 0, 0.005 -> 1, 0.0025 -> 2."""
    if not math.isfinite(step) or step <= 0:
        return 0
    pct = step * 100
    decimals = 0
    while decimals < 6 and abs(round(pct, decimals) - pct) > 1e-9 * max(1.0, pct):
        decimals += 1
    return decimals


def percent(value: float, decimals: int = 0, *, signed: bool = False) -> str:
    """A 0-1 share as a percentage with a true minus sign and never a negative zero:
    ``−1.5%``, ``0%``, ``+2%`` (``signed``)."""
    if not math.isfinite(value):
        return "n/a"
    text = f"{abs(value) * 100:.{decimals}f}"
    zero = float(text) == 0
    sign = "" if zero else ("−" if value < 0 else ("+" if signed else ""))
    return f"{sign}{text}%"


def objective_change(value: float, mode: str, currency: str) -> str:
    """A signed change of the optimal objective in its mode's words: ``+€1.2M of NPV``
    (business), ``+3,400 effort points`` (customer), ``+1.9 points of combined score``
    (blended: percentage points of the whole opportunity)."""
    if not math.isfinite(value):
        return "n/a"
    if mode == "business":
        sign = "+" if value > 0 else ""
        return f"{sign}{money(value, currency)} of NPV"
    if mode == "blended":
        text = percent(value, 1, signed=True).rstrip("%")
        return f"{text} points of combined score"
    text = number(value)
    return f"{'+' if value > 0 else ''}{text} effort points"


def limit_amount(value: float, unit: str, currency: str) -> str:
    """An amount of a limit in its unit: money (``€300k``, ``€45k a year``) or person-days."""
    if unit.startswith(currency):
        return money(value, currency) + (" a year" if unit.endswith("/year") else "")
    return days(value)


def solver_words(solver: str) -> str:
    """The solver in plain words for a slide or summary: ``cbc (PuLP bundled)`` -> ``the
    open-source CBC optimizer``; ``highs`` -> ``the open-source HiGHS optimizer``."""
    head, _, note = solver.partition(",")
    name = head.split()[0].lower() if head.strip() else ""
    known = {"cbc": "CBC", "highs": "HiGHS", "cylp": "CBC"}
    if name not in known:
        return solver
    words = f"the open-source {known[name]} optimizer"
    return f"{words}, {note.strip()}" if note.strip() else words


def status_words(status: str, gap: float | None) -> str:
    """A solve's status in plain words: ``proven optimal`` (optimal, no gap left), ``within
    0.50% of the best possible`` (a gap was allowed or a time limit stopped the search), ``a
    plan, not proven best`` (feasible, gap unknown); other statuses as they are."""
    if status not in ("optimal", "feasible"):
        return words(status)
    if gap is not None and math.isfinite(gap) and gap > 1e-9:
        return f"within {percent(gap, 2)} of the best possible"
    if status == "optimal":
        return "proven optimal"
    return "a plan, not proven best"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet run a text cell as a formula."""


def neutralize_formula(text: str) -> str:
    """Make a text cell that a spreadsheet would run as a formula show as text."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
