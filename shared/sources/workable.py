"""Workable widget API: ``GET /api/v1/widget/accounts/{board}?details=true`` (one page).

A job open in several countries is listed once per country with the same ``shortcode``: each
listing parses to its own offer (same id, same fingerprint); the crawl merges them.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, location
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

KIND = "workable"
API = "https://apply.workable.com"


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of a Workable widget payload."""
    doc = load_json(payload, KIND)
    name = clean_inline(s(doc.get("name"))) if isinstance(doc, dict) else ""
    return build(KIND, lambda job: _offer(job, board, company or name or board), items(doc, KIND, "jobs"))


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """The whole account in one request, with descriptions."""
    url = f"{root(base_url, API)}/api/v1/widget/accounts/{board}"
    return fetch_single(
        fetcher,
        url,
        lambda body: parse(body, board=board, company=company),
        params={"details": "true"},
        conditional=conditional,
    )


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


def _offer(job: dict[str, Any], board: str, company: str) -> JobOffer:
    description = "\n\n".join(
        t for t in (html_to_text(s(job.get(k))) for k in ("description", "requirements", "benefits")) if t
    )
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(job["shortcode"]),
        title=clean_inline(s(job["title"])),
        company=company,
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
