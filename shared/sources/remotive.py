"""Remotive API: ``GET /api/remote-jobs`` (one page; the board token is a category or "all").

Every job is remote; ``candidate_required_location`` names where candidates may live
("USA", "Europe, UK, Germany"). Saved payloads may start with a UTF-8 byte-order mark.
Terms: link back to the job's Remotive URL and name Remotive as the source.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import MACRO_REGIONS, Location, country_code
from shared.domain.salary import parse_salary
from shared.sources.base import text as s
from shared.sources.base import when
from shared.sources.spec import Source, under

KIND = "remotive"


def _locations(text: str) -> list[Location]:
    out: list[Location] = []
    for part in (p.strip() for p in text.split(",")):
        code = country_code(part)
        if code is not None:
            out.append(Location(country=code, raw=part))
        elif part.casefold() in MACRO_REGIONS:
            out.append(Location(region=part, raw=part))
    return out


def _offer(job: dict[str, Any], board: str, company: str | None) -> JobOffer:
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(job["id"]),
        title=clean_inline(s(job["title"])),
        company=clean_inline(s(job.get("company_name"))) or "unknown",
        locations=_locations(clean_inline(s(job.get("candidate_required_location")))),
        remote_policy="remote",
        employment_type=employment_type(s(job.get("job_type"))),
        salary=parse_salary(s(job.get("salary"))),
        description_text=html_to_text(s(job.get("description"))),
        url=s(job.get("url")),
        posted_at=when(job.get("publication_date")),
        updated_at=None,
        language=None,
        tags=[s(job.get("category")), *map(s, job.get("tags") or [])],
    )


# The legal notices around ``jobs`` are ignored.
SOURCE = Source(
    KIND,
    api="https://remotive.com",
    path="/api/remote-jobs",
    board_param="category",
    postings=under("jobs"),
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
