"""Recruitee careers-site API: ``GET https://{board}.recruitee.com/api/offers/`` (one page).

``description`` and ``requirements`` are HTML; ``salary`` is structured when the employer lists it.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, location, parse_locations
from shared.domain.salary import Period, Salary, make_salary
from shared.ports import HttpFetcher
from shared.sources.base import (
    FetchResult,
    Validators,
    build,
    fetch_single,
    items,
    load_json,
    remote_policy,
    root,
    when,
)
from shared.sources.base import text as s

KIND = "recruitee"
_PERIODS: dict[str, Period] = {"year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour"}


def api_root(board: str) -> str:
    """Each company has its own host."""
    return f"https://{board}.recruitee.com"


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of a Recruitee offers payload (unpublished ones are skipped)."""
    raw = [
        o for o in items(load_json(payload, KIND), KIND, "offers") if s(o.get("status")) in ("", "published")
    ]
    return build(KIND, lambda offer: _offer(offer, board, company), raw)


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """The whole careers site in one request."""
    url = f"{root(base_url, api_root(board))}/api/offers/"
    return fetch_single(
        fetcher, url, lambda body: parse(body, board=board, company=company), conditional=conditional
    )


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
