"""Salaries: the normalised model, parsing from free text, and annualisation.

Annualisation uses a full-time year: 2080 hours, 260 days, 52 weeks, 12 months. Text without
an explicit period gets one inferred from the magnitude (see ``infer_period``); such a guess
is still ``source="parsed"``, never passed off as listed.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from shared.domain.model import DomainModel

Period = Literal["hour", "day", "week", "month", "year"]
PER_YEAR: dict[str, int] = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}


class Salary(DomainModel):
    """A pay range as listed (or parsed), plus the same range per year."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    min: float | None = Field(default=None, ge=0, description="Lower bound in `currency` per `period`")
    max: float | None = Field(default=None, ge=0, description="Upper bound in `currency` per `period`")
    currency: str | None = Field(default=None, description="ISO 4217 code, None when unknown")
    period: Period = "year"
    annual_min: float | None = Field(default=None, description="min annualised (hour*2080, day*260, ...)")
    annual_max: float | None = Field(default=None, description="max annualised")
    source: Literal["listed", "parsed"] = Field(
        "listed", description="listed: structured fields of the source; parsed: read from text"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.min is None and self.max is None:
            raise ValueError("a salary needs min or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("salary min exceeds max")
        return self


def make_salary(
    low: float | None,
    high: float | None,
    *,
    currency: str | None,
    period: Period,
    source: Literal["listed", "parsed"],
) -> Salary | None:
    """Build a Salary with annual figures; None when there is no positive amount."""
    values = [v for v in (low, high) if v is not None and v > 0]
    if not values:
        return None
    lo, hi = min(values), max(values)
    factor = PER_YEAR[period]
    return Salary(
        min=lo,
        max=hi,
        currency=currency.upper() if currency else None,
        period=period,
        annual_min=round(lo * factor, 2),
        annual_max=round(hi * factor, 2),
        source=source,
    )


def infer_period(amount: float) -> Period:
    """Guess the period of an amount stated without one (hourly rates are small numbers)."""
    if amount < 500:
        return "hour"
    if amount < 15_000:
        return "month"
    return "year"


_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₩": "KRW", "zł": "PLN"}
_DOLLARS = {"US$": "USD", "CA$": "CAD", "C$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "$": "USD"}
_CODES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "CHF",
        "CAD",
        "AUD",
        "NZD",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "INR",
        "JPY",
        "SGD",
        "HKD",
        "BRL",
        "MXN",
        "ZAR",
        "ILS",
        "AED",
        "RON",
    ]
)
_PERIOD_WORDS: tuple[tuple[re.Pattern[str], Period], ...] = (
    (re.compile(r"(?i)(/\s*h(ou)?r\b|/\s*h\b|per\s+hour|hourly|an hour|\bph\b|pro stunde|stunde)"), "hour"),
    (re.compile(r"(?i)(/\s*day\b|per\s+day|daily|a day|day rate|pro tag|tagessatz)"), "day"),
    (re.compile(r"(?i)(/\s*w(ee)?k\b|per\s+week|weekly|a week)"), "week"),
    (re.compile(r"(?i)(/\s*mo(nth)?\b|per\s+month|monthly|a month|pro monat|monatlich|/\s*mes\b)"), "month"),
    (re.compile(r"(?i)(/\s*y(ea)?r\b|per\s+(year|annum)|annual|yearly|a year|pro jahr|jährlich)"), "year"),
    (re.compile(r"(?i)\bp\.?\s?a\.?(?![a-z])"), "year"),
)
_AMOUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,\u202f\u00a0 ]\d{3})+|\d+(?:[.,]\d+)?)\s*([kKmM])?(?![\w])")
_CODE = re.compile(r"\b([A-Z]{3})\b")


def _number(token: str) -> float:
    """'60.000' and '60,000' are thousands; '31,2' and '1.5' are decimals."""
    compact = re.sub(r"[\u202f\u00a0 ]", "", token)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", compact):
        return float(re.sub(r"[.,]", "", compact))
    return float(compact.replace(",", "."))


def _currency(text: str) -> str | None:
    for match in _CODE.finditer(text.upper()):
        if match.group(1) in _CODES:
            return match.group(1)
    for symbol, code in _DOLLARS.items():
        if symbol in text:
            return code
    for symbol, code in _SYMBOLS.items():
        if symbol in text:
            return code
    return None


def parse_salary(text: str | None) -> Salary | None:
    """Parse '$120k-$150k', '€60.000 - €70.000 per year', '50-60 USD/hour' into a Salary."""
    if not text or not text.strip():
        return None
    amounts: list[tuple[float, str | None]] = []
    for match in _AMOUNT.finditer(text):
        value, suffix = _number(match.group(1)), (match.group(2) or "").lower() or None
        amounts.append((value, suffix))
        if len(amounts) == 2:
            break
    if not amounts:
        return None
    currency = _currency(text)
    suffixes = {s for _, s in amounts if s}
    values: list[float] = []
    for value, suffix in amounts:
        # "$150 - 210K": a bare small number next to a "k" number shares its multiplier.
        multiplier = suffix or (next(iter(suffixes)) if len(suffixes) == 1 and value < 1000 else None)
        values.append(value * {"k": 1_000, "m": 1_000_000}.get(multiplier or "", 1))
    if currency is None and not suffixes and max(values) < 1000:
        return None  # "2-3 years" and friends: no currency, no magnitude, not a salary
    period = next((p for pattern, p in _PERIOD_WORDS if pattern.search(text)), None)
    return make_salary(
        min(values),
        max(values),
        currency=currency,
        period=period or infer_period(max(values)),
        source="parsed",
    )
