"""Workable widget API: ``GET /api/v1/widget/accounts/{board}?details=true`` (one page).

A job open in several countries is listed once per country with the same ``shortcode``: each
listing parses to its own offer (same id, same fingerprint); the crawl merges them.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, location
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Source, under

KIND = "workable"


def _account_name(doc: Any) -> str:
    """The account's name, for postings of an account registered without a company."""
    return clean_inline(s(doc.get("name"))) if isinstance(doc, dict) else ""


def _locations(job: dict[str, Any]) -> list[Location]:
    listed = [loc for loc in job.get("locations") or [] if isinstance(loc, dict) and not loc.get("hidden")]
    if not listed:
        listed = [{"city": job.get("city"), "region": job.get("state"), "country": job.get("country")}]
    out = []
    for loc in listed:
        built = location(
            city=s(loc.get("city")),
            region=s(loc.get("region")),
            country=s(loc.get("countryCode")) or s(loc.get("country")),
            raw=", ".join(p for p in (s(loc.get("city")), s(loc.get("region")), s(loc.get("country"))) if p),
        )
        if built.city or built.region or built.country:
            out.append(built)
    return out


def _offer(job: dict[str, Any], board: str, company: str | None) -> JobOffer:
    description = "\n\n".join(
        t for t in (html_to_text(s(job.get(k))) for k in ("description", "requirements", "benefits")) if t
    )
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(job["shortcode"]),
        title=clean_inline(s(job["title"])),
        company=company or board,
        locations=_locations(job),
        remote_policy=remote_policy(True if job.get("telecommuting") else None, s(job.get("workplace"))),
        employment_type=employment_type(s(job.get("employment_type"))),
        salary=None,
        description_text=description,
        url=s(job.get("url")) or s(job.get("shortlink")),
        posted_at=when(job.get("published_on")) or when(job.get("created_at")),
        updated_at=None,
        language=None,
        tags=[s(job.get("department")), s(job.get("function")), s(job.get("industry"))],
    )


SOURCE = Source(
    KIND,
    api="https://apply.workable.com",
    path="/api/v1/widget/accounts/{board}",
    params={"details": "true"},
    postings=under("jobs"),
    offer=_offer,
    named=_account_name,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
