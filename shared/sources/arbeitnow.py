"""Arbeitnow Job Board API: ``GET /api/job-board-api?page=N``, following ``links.next``.

Mostly German postings; ``created_at`` is epoch seconds; ``remote`` is a flag.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import parse_locations
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

KIND = "arbeitnow"
API = "https://www.arbeitnow.com"
MAX_PAGES = 50


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of one Arbeitnow page."""
    return build(KIND, lambda job: _offer(job, board), items(load_json(payload, KIND), KIND, "data"))


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """Every page, following ``links.next`` (only on the same host, at most MAX_PAGES)."""
    api_root = root(base_url, API)
    url: str | None = f"{api_root}/api/job-board-api"
    params: dict[str, str] | None = {"page": "1"}
    offers: list[JobOffer] = []
    for page in range(MAX_PAGES):
        assert url is not None
        doc, _ = get_json(fetcher, url, KIND, params=params)
        offers += build(KIND, lambda job: _offer(job, board), items(doc, KIND, "data"))
        url, params = _next(doc, api_root), None
        if url is None:
            return FetchResult(offers=offers, complete=True, requests=page + 1)
    return FetchResult(offers=offers, complete=False, requests=MAX_PAGES)


def _next(doc: Any, api_root: str) -> str | None:
    links = doc.get("links") if isinstance(doc, dict) else None
    candidate = s(links.get("next")) if isinstance(links, dict) else ""
    parts = urlsplit(candidate)
    # The link is data from the response: keep only its path and query, on our own API root.
    if not parts.path.startswith("/api/"):
        return None
    return f"{api_root}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def _offer(job: dict[str, Any], board: str) -> JobOffer:
    tags = [s(t) for t in job.get("tags") or []]
    job_types = [s(t) for t in job.get("job_types") or []]
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(job["slug"]),
        title=clean_inline(s(job["title"])),
        company=clean_inline(s(job.get("company_name"))) or "unknown",
        locations=parse_locations(clean_inline(s(job.get("location")))),
        remote_policy=remote_policy(True if job.get("remote") else None),
        employment_type=employment_type(*job_types),
        salary=None,
        description_text=html_to_text(s(job.get("description"))),
        url=s(job.get("url")),
        posted_at=when(job.get("created_at")),
        updated_at=None,
        language=None,
        tags=[*tags, *job_types],
    )
