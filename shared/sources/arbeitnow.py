"""Arbeitnow Job Board API: ``GET /api/job-board-api?page=N``, following ``links.next``.

Mostly German postings; ``created_at`` is epoch seconds; ``remote`` is a flag.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import parse_locations
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Request, Source, under

KIND = "arbeitnow"


class _NextLink:
    """Pages follow ``links.next``, only on the board's own API root."""

    def first(self, base: Request) -> Request:
        """The first page is the base request (``page=1``)."""
        return base

    def after(self, base: Request, doc: Any, index: int, count: int, api: str) -> Request | None:
        """The page ``links.next`` names; None on the last page."""
        links = doc.get("links") if isinstance(doc, dict) else None
        candidate = s(links.get("next")) if isinstance(links, dict) else ""
        parts = urlsplit(candidate)
        # The link is data from the response: keep only its path and query, on our own API root.
        if not parts.path.startswith("/api/"):
            return None
        return Request(f"{api}{parts.path}" + (f"?{parts.query}" if parts.query else ""))


def _offer(job: dict[str, Any], board: str, company: str | None) -> JobOffer:
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


SOURCE = Source(
    KIND,
    api="https://www.arbeitnow.com",
    path="/api/job-board-api",
    params={"page": "1"},
    paging=_NextLink(),
    postings=under("data"),
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
