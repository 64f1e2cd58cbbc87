"""Remote OK API: ``GET /api`` (one page, all jobs).

Element 0 is a legal notice (terms: a followed link back to Remote OK, naming it as the
source), not a job; it is skipped. ``salary_min``/``salary_max`` are USD, 0 when not listed.
Remote OK refuses generic clients: the source's terms set a descriptive User-Agent.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import parse_locations
from shared.domain.salary import infer_period, make_salary
from shared.sources.base import text as s
from shared.sources.base import when
from shared.sources.spec import Source, under

KIND = "remoteok"


def _is_job(item: dict[str, Any]) -> bool:
    """Element 0 is the legal notice, not a job."""
    return "legal" not in item and bool(item.get("id"))


def _number(value: Any) -> float | None:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None
    )


def _offer(job: dict[str, Any], board: str, company: str | None) -> JobOffer:
    low, high = _number(job.get("salary_min")), _number(job.get("salary_max"))
    salary = None
    if low or high:
        salary = make_salary(
            low, high, currency="USD", period=infer_period(max(v for v in (low, high) if v)), source="listed"
        )
    tags = [s(t) for t in job.get("tags") or []]
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(job["id"]),
        title=clean_inline(s(job.get("position"))),
        company=clean_inline(s(job.get("company"))) or "unknown",
        locations=parse_locations(clean_inline(s(job.get("location")))),
        remote_policy="remote",
        employment_type=employment_type(*tags),
        salary=salary,
        description_text=html_to_text(s(job.get("description"))),
        url=s(job.get("url")) or s(job.get("apply_url")),
        posted_at=when(job.get("date")) or when(job.get("epoch")),
        updated_at=None,
        language=None,
        tags=tags,
    )


SOURCE = Source(
    KIND,
    api="https://remoteok.com",
    path="/api",
    board_param="tag",
    postings=under(None),
    keep=_is_job,
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
