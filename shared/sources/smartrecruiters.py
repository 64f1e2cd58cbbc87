"""SmartRecruiters Posting API: ``GET /v1/companies/{board}/postings``, paged with offset/limit.

The list shape carries no description (that needs one request per posting); the list is what
is crawled, so ``description_text`` holds what the list says (department, function, level).
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import location
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Offsets, Source, under

KIND = "smartrecruiters"
JOBS_SITE = "https://jobs.smartrecruiters.com"


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


SOURCE = Source(
    KIND,
    api="https://api.smartrecruiters.com",
    path="/v1/companies/{board}/postings",
    paging=Offsets("offset", total="totalFound"),
    postings=under("content"),
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
