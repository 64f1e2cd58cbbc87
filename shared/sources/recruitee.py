"""Recruitee careers-site API: ``GET https://{board}.recruitee.com/api/offers/`` (one page).

``description`` and ``requirements`` are HTML; ``salary`` is structured when the employer lists it.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, location, parse_locations
from shared.domain.salary import Period, Salary, make_salary
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Source, under

KIND = "recruitee"
_PERIODS: dict[str, Period] = {"year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour"}


def _published(offer: dict[str, Any]) -> bool:
    """Drafts and closed offers are not on the careers site."""
    return s(offer.get("status")) in ("", "published")


def _salary(block: Any) -> Salary | None:
    if not isinstance(block, dict):
        return None
    numbers = []
    for key in ("min", "max"):
        try:
            numbers.append(float(block[key]) if block.get(key) not in (None, "") else None)
        except (TypeError, ValueError):
            numbers.append(None)
    period = _PERIODS.get(s(block.get("period")), "year")
    return make_salary(
        numbers[0], numbers[1], currency=s(block.get("currency")) or None, period=period, source="listed"
    )


def _locations(offer: dict[str, Any]) -> list[Location]:
    out = [
        location(
            city=s(loc.get("city")),
            region=s(loc.get("state")),
            country=s(loc.get("country_code")) or s(loc.get("country")),
            raw=s(loc.get("name")),
        )
        for loc in offer.get("locations") or []
        if isinstance(loc, dict)
    ]
    return out or parse_locations(s(offer.get("location")))


def _language(offer: dict[str, Any]) -> str | None:
    translations = offer.get("translations")
    return next(iter(translations)) if isinstance(translations, dict) and len(translations) == 1 else None


def _offer(offer: dict[str, Any], board: str, company: str | None) -> JobOffer:
    description = "\n\n".join(
        t
        for t in (html_to_text(s(offer.get("description"))), html_to_text(s(offer.get("requirements"))))
        if t
    )
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(offer["id"]),
        title=clean_inline(s(offer["title"])),
        company=company or clean_inline(s(offer.get("company_name"))) or board,
        locations=_locations(offer),
        remote_policy=remote_policy(
            True if offer.get("remote") else None,
            "hybrid" if offer.get("hybrid") else None,
            "onsite" if offer.get("on_site") else None,
        ),
        employment_type=employment_type(s(offer.get("employment_type_code"))),
        salary=_salary(offer.get("salary")),
        description_text=description,
        url=s(offer.get("careers_url")),
        posted_at=when(offer.get("published_at")) or when(offer.get("created_at")),
        updated_at=when(offer.get("updated_at")),
        language=_language(offer),
        tags=[s(offer.get("department")), s(offer.get("category_code")), *map(s, offer.get("tags") or [])],
    )


SOURCE = Source(
    KIND,
    api="https://{board}.recruitee.com",  # each company has its own host
    path="/api/offers/",
    postings=under("offers"),
    keep=_published,
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
