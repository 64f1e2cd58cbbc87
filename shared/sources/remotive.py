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
from shared.ports import HttpFetcher
from shared.sources.base import FetchResult, Validators, build, fetch_single, items, load_json, root, when
from shared.sources.base import text as s

KIND = "remotive"
API = "https://remotive.com"


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of a Remotive payload (the legal notices around ``jobs`` are ignored)."""
    return build(KIND, lambda job: _offer(job, board), items(load_json(payload, KIND), KIND, "jobs"))


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """All jobs, or one category's when the board token names one."""
    params = {} if board in ("", "all") else {"category": board}
    return fetch_single(
        fetcher,
        f"{root(base_url, API)}/api/remote-jobs",
        lambda body: parse(body, board=board),
        params=params,
        conditional=conditional,
    )


def _locations(text: str) -> list[Location]:
    out: list[Location] = []
    for part in (p.strip() for p in text.split(",")):
        code = country_code(part)
        if code is not None:
            out.append(Location(country=code, raw=part))
        elif part.casefold() in MACRO_REGIONS:
            out.append(Location(region=part, raw=part))
    return out


def _offer(job: dict[str, Any], board: str) -> JobOffer:
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
