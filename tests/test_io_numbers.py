"""Numbers as people write them: each written form, its reading under each convention."""

from __future__ import annotations

import pytest

from prioritizer.inputs.numbers import COMMA, POINT, read_number, settle

CASES = [
    # token, decimal mark of the file, value (None: refused)
    ("450000", None, 450000.0),
    ("450.000", None, None),  # 450 or 450,000: not settled
    ("450.000", COMMA, 450000.0),
    ("450.000", POINT, 450.0),
    ("1,234", POINT, 1234.0),
    ("1,234", COMMA, 1.234),
    ("1.234,56", None, 1234.56),
    ("1,234.56", None, 1234.56),
    ("1,234,567", None, 1234567.0),
    ("1.234.567", None, 1234567.0),
    ("0,5", None, 0.5),
    ("0,500", None, 0.5),
    ("1 234 567,8", None, 1234567.8),
    ("1\u00a0234", None, 1234.0),
    ("1'234.50", None, 1234.5),
    ("€450,000.00", None, 450000.0),
    ("450.000 €", COMMA, 450000.0),
    ("EUR 1,200", POINT, 1200.0),
    ("CHF 1'200.-", None, 1200.0),
    ("12 500 zł", None, 12500.0),
    ("(20000)", None, -20000.0),
    ("\u22125", None, -5.0),
    ("1.5E+06", None, 1.5e6),
    ("450k", None, 450000.0),
    ("1.5M", None, 1.5e6),
    ("2 Mio", None, 2e6),
    ("0.5", COMMA, None),  # against the file's convention
    ("two hundred", None, None),
    ("nan", None, None),
    ("inf", None, None),
    ("", None, None),
]


@pytest.mark.parametrize(("token", "decimal", "expected"), CASES)
def test_reading(token: str, decimal: str | None, expected: float | None) -> None:
    reading = read_number(token, decimal)  # type: ignore[arg-type]
    assert reading.value == expected
    if expected is None:
        assert reading.error


def test_ambiguous_names_both_readings() -> None:
    assert read_number("250.000", None).readings == (250.0, 250000.0)


def test_percent_only_where_allowed() -> None:
    assert read_number("0,4 %", None, percent_ok=True).value == 0.4
    assert read_number("0,4 %", None).value is None


@pytest.mark.parametrize(
    ("tokens", "delimiter", "expected"),
    [
        (["0,5", "450.000"], ",", COMMA),
        (["12.5", "1,234"], ";", POINT),
        (["450.000"], ";", COMMA),
        (["450.000"], ",", None),
        (["450.000"], "\t", None),
    ],
)
def test_settle(tokens: list[str], delimiter: str, expected: str | None) -> None:
    assert settle(tokens, delimiter)[0] == expected
