"""Salary text is parsed and annualised."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.salary import PER_YEAR, make_salary, parse_salary


class TestParseSalary:
    @pytest.mark.parametrize(
        ("text", "low", "high", "currency", "period"),
        [
            ("$120k-$150k", 120_000, 150_000, "USD", "year"),
            ("€60.000 - €70.000 per year", 60_000, 70_000, "EUR", "year"),
            ("£45,000", 45_000, 45_000, "GBP", "year"),
            ("50-60 USD/hour", 50, 60, "USD", "hour"),
            ("$18 - $22/hr", 18, 22, "USD", "hour"),
            ("$31,2k- $52k", 31_200, 52_000, "USD", "year"),
            ("$150 - 210K USD + equity", 150_000, 210_000, "USD", "year"),
            ("€75k–110k", 75_000, 110_000, "EUR", "year"),
            ("CHF 9'000 monthly".replace("'", "."), 9_000, 9_000, "CHF", "month"),
            ("400-500 EUR per day", 400, 500, "EUR", "day"),
        ],
    )
    def test_reads_range_currency_and_period(
        self, text: str, low: float, high: float, currency: str, period: str
    ) -> None:
        salary = parse_salary(text)
        assert salary is not None
        assert (salary.min, salary.max, salary.currency, salary.period) == (low, high, currency, period)
        assert salary.source == "parsed"

    @pytest.mark.parametrize("text", ["", "   ", "Competitive", "2-3 years of experience", "DOE"])
    def test_text_without_an_amount_is_no_salary(self, text: str) -> None:
        assert parse_salary(text) is None

    def test_a_period_given_without_one_is_inferred_from_the_magnitude(self) -> None:
        hourly, yearly = parse_salary("$25 - $30"), parse_salary("$90,000")
        assert hourly is not None
        assert yearly is not None
        assert (hourly.period, yearly.period) == ("hour", "year")


class TestAnnualise:
    @pytest.mark.parametrize("period", ["hour", "day", "week", "month", "year"])
    def test_multiplies_by_a_full_time_year(self, period: str) -> None:
        salary = make_salary(10, 20, currency="eur", period=period, source="listed")  # type: ignore[arg-type]
        assert salary is not None
        assert (salary.annual_min, salary.annual_max) == (10 * PER_YEAR[period], 20 * PER_YEAR[period])
        assert salary.currency == "EUR"

    def test_zero_amounts_are_no_salary(self) -> None:
        assert make_salary(0, 0, currency="USD", period="year", source="listed") is None

    @given(st.floats(0.01, 1e7), st.floats(0.01, 1e7))
    def test_bounds_come_out_ordered(self, a: float, b: float) -> None:
        salary = make_salary(a, b, currency=None, period="year", source="listed")
        assert salary is not None
        assert salary.min is not None
        assert salary.max is not None
        assert salary.min <= salary.max
