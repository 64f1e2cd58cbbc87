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
from shared.ports import HttpFetcher
from shared.sources.base import FetchResult, Validators, build, fetch_single, items, load_json, root, when
from shared.sources.base import text as s

KIND = "remoteok"
API = "https://remoteok.com"


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of a Remote OK payload, legal notice skipped."""
    jobs = [j for j in items(load_json(payload, KIND), KIND, None) if "legal" not in j and j.get("id")]
    return build(KIND, lambda job: _offer(job, board), jobs)


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """All jobs, or one tag's when the board token names one."""
    params = {} if board in ("", "all") else {"tag": board}
    return fetch_single(
        fetcher,
        f"{root(base_url, API)}/api",
        lambda body: parse(body, board=board),
        params=params,
        conditional=conditional,
    )


def _number(value: Any) -> float | None:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None
    )


def _offer(job: dict[str, Any], board: str) -> JobOffer:
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
