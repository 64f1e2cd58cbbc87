"""SmartRecruiters Posting API: ``GET /v1/companies/{board}/postings``, paged with offset/limit.

The list shape carries no description (that needs one request per posting); the list is what
is crawled, so ``description_text`` holds what the list says (department, function, level).
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import location
from shared.ports import HttpFetcher
from shared.sources.base import (
    FetchResult,
    Validators,
    build,
    get_json,
    items,
    load_json,
    remote_policy,
    root,
    when,
)
from shared.sources.base import text as s

KIND = "smartrecruiters"
API = "https://api.smartrecruiters.com"
JOBS_SITE = "https://jobs.smartrecruiters.com"
PAGE_SIZE = 100
MAX_PAGES = 50


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of one SmartRecruiters postings page."""
    return build(KIND, lambda p: _offer(p, board, company), items(load_json(payload, KIND), KIND, "content"))


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """Every page, until ``totalFound`` postings were read or a page comes back short."""
    url = f"{root(base_url, API)}/v1/companies/{board}/postings"
    offers: list[JobOffer] = []
    for page in range(MAX_PAGES):
        doc, _ = get_json(
            fetcher, url, KIND, params={"offset": str(page * PAGE_SIZE), "limit": str(PAGE_SIZE)}
        )
        raw = items(doc, KIND, "content")
        offers += build(KIND, lambda p: _offer(p, board, company), raw)
        total = doc.get("totalFound") if isinstance(doc, dict) else None
        if len(raw) < PAGE_SIZE or (isinstance(total, int) and (page + 1) * PAGE_SIZE >= total):
            return FetchResult(offers=offers, complete=True, requests=page + 1)
    return FetchResult(offers=offers, complete=False, requests=MAX_PAGES)


def _label(block: Any) -> str:
    return s(block.get("label")) if isinstance(block, dict) else ""


def _offer(posting: dict[str, Any], board: str, company: str | None) -> JobOffer:
    place = posting.get("location") or {}
    owner = posting.get("company") or {}
    identifier = s(owner.get("identifier")) or board
    details = [
        f"{name}: {value}"
        for name, value in (
            ("Department", _label(posting.get("department"))),
            ("Function", _label(posting.get("function"))),
            ("Experience", _label(posting.get("experienceLevel"))),
            ("Employment", _label(posting.get("typeOfEmployment"))),
            ("Location", s(place.get("fullLocation"))),
        )
        if value
    ]
    sections = (
        ((posting.get("jobAd") or {}).get("sections") or {}) if isinstance(posting.get("jobAd"), dict) else {}
    )
    ad = [html_to_text(s(v.get("text"))) for v in sections.values() if isinstance(v, dict)]
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(posting["id"]),
        title=clean_inline(s(posting["name"])),
        company=company or clean_inline(s(owner.get("name"))) or board,
        locations=[
            location(
                city=s(place.get("city")),
                region=s(place.get("region")),
                country=s(place.get("country")),
                raw=s(place.get("fullLocation")),
            )
        ]
        if place
        else [],
        remote_policy=remote_policy(
            True if place.get("remote") else None,
            "hybrid" if place.get("hybrid") else None,
            "onsite" if place.get("remote") is False and place.get("hybrid") is False else None,
        ),
        employment_type=employment_type(
            s((posting.get("typeOfEmployment") or {}).get("id")), _label(posting.get("typeOfEmployment"))
        ),
        salary=None,
        description_text="\n\n".join(t for t in ["\n".join(details), *ad] if t),
        url=s(posting.get("postingUrl")) or f"{JOBS_SITE}/{identifier}/{s(posting['id'])}",
        posted_at=when(posting.get("releasedDate")),
        updated_at=None,
        language=s((posting.get("language") or {}).get("code")) or None,
        tags=[_label(posting.get("department")), _label(posting.get("function"))],
    )
