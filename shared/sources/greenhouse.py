"""Greenhouse Job Board API: ``GET /v1/boards/{board}/jobs?content=true`` (one page, whole board).

``content`` is HTML escaped once more (``&lt;div&gt;``); ``location.name`` may list several
places ("London, UK; Ontario, CAN"); a "Location Type" metadata field says remote/hybrid/on-site.
"""

from __future__ import annotations

import html
import re
from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import mentions_remote, parse_locations
from shared.domain.salary import parse_salary
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Source, under

KIND = "greenhouse"


def _metadata(job: dict[str, Any], name: str) -> str:
    for field in job.get("metadata") or []:
        if isinstance(field, dict) and s(field.get("name")).casefold() == name.casefold():
            value = field.get("value")
            return ", ".join(map(str, value)) if isinstance(value, list) else s(value)
    return ""


_PAY_RANGE = re.compile(r'class="pay-range">(.*?)</div>', re.DOTALL)


def _pay_range(content: str) -> str:
    """The pay-transparency block Greenhouse renders ("$265,000 — $365,000 USD"), as text."""
    match = _PAY_RANGE.search(html.unescape(content))
    if match is None:
        return ""
    text = html_to_text(match.group(1))
    period = " per hour" if "hour" in content[match.start() - 400 : match.start()].casefold() else ""
    return text + period


def _offer(job: dict[str, Any], board: str, company: str | None) -> JobOffer:
    location_text = clean_inline(s((job.get("location") or {}).get("name")))
    description = html_to_text(s(job.get("content")))
    location_type = _metadata(job, "Location Type")
    departments = [s(d.get("name")) for d in job.get("departments") or [] if isinstance(d, dict)]
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=str(job["id"]),
        title=clean_inline(s(job["title"])),
        company=clean_inline(s(job.get("company_name"))) or company or board,
        locations=parse_locations(location_text),
        remote_policy=remote_policy(location_type, "remote" if mentions_remote(location_text) else None),
        employment_type=employment_type(_metadata(job, "Employment Type"), _metadata(job, "Job Type")),
        salary=parse_salary(_pay_range(s(job.get("content"))) or _metadata(job, "Salary")),
        description_text=description,
        url=s(job.get("absolute_url")),
        posted_at=when(job.get("first_published")) or when(job.get("updated_at")),
        updated_at=when(job.get("updated_at")),
        language=s(job.get("language")) or None,
        tags=departments,
    )


SOURCE = Source(
    KIND,
    api="https://boards-api.greenhouse.io",
    path="/v1/boards/{board}/jobs",
    params={"content": "true"},
    postings=under("jobs"),
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
