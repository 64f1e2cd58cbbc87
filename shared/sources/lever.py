"""Lever Postings API: ``GET /v0/postings/{board}?mode=json``, paged with ``skip``/``limit``.

A posting's text is split over ``opening``/``description``, ``lists[]`` (``<li>`` fragments under
a heading) and ``additional``; ``categories`` carries location, commitment, team and department.
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import BULLET, clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, mentions_remote, parse_locations
from shared.domain.salary import make_salary, parse_salary
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Offsets, Source, under

KIND = "lever"
_INTERVALS = {
    "per-year-salary": "year",
    "per-month-salary": "month",
    "per-week-salary": "week",
    "per-day-wage": "day",
    "per-hour-wage": "hour",
}


def _description(posting: dict[str, Any]) -> str:
    parts = [html_to_text(s(posting.get("description")) or s(posting.get("opening")))]
    body = s(posting.get("descriptionBody"))
    if body and body not in s(posting.get("description")):
        parts.append(html_to_text(body))
    for block in posting.get("lists") or []:
        if isinstance(block, dict):
            content = html_to_text(s(block.get("content")))
            if content and not content.lstrip().startswith(BULLET):
                content = f"{BULLET} {content}"
            parts.append(f"{clean_inline(s(block.get('text')))}\n{content}")
    parts.append(html_to_text(s(posting.get("additional"))))
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _locations(categories: dict[str, Any], country: str) -> list[Location]:
    names = [n for n in categories.get("allLocations") or [] if isinstance(n, str)]
    if not names and s(categories.get("location")):
        names = [s(categories.get("location"))]
    out: list[Location] = []
    for name in names:
        for loc in parse_locations(clean_inline(name)):
            fill = country.upper() if loc.country is None and len(names) == 1 and country else None
            out.append(loc.model_copy(update={"country": fill}) if fill else loc)
    return out


def _offer(posting: dict[str, Any], board: str, company: str | None) -> JobOffer:
    categories = posting.get("categories") or {}
    salary_range = posting.get("salaryRange") or {}
    salary = None
    if isinstance(salary_range, dict) and salary_range:
        salary = make_salary(
            salary_range.get("min"),
            salary_range.get("max"),
            currency=s(salary_range.get("currency")) or None,
            period=_INTERVALS.get(s(salary_range.get("interval")), "year"),  # type: ignore[arg-type]
            source="listed",
        )
    salary = salary or parse_salary(s(posting.get("salaryDescriptionPlain")))
    location = s(categories.get("location"))
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(posting["id"]),
        title=clean_inline(s(posting["text"])),
        company=company or board,
        locations=_locations(categories, s(posting.get("country"))),
        remote_policy=remote_policy(
            s(posting.get("workplaceType")), "remote" if mentions_remote(location) else None
        ),
        employment_type=employment_type(s(categories.get("commitment"))),
        salary=salary,
        description_text=_description(posting),
        url=s(posting.get("hostedUrl")),
        posted_at=when(posting.get("createdAt")),
        updated_at=when(posting.get("updatedAt")),
        language=None,
        tags=[s(categories.get("department")), s(categories.get("team"))],
    )


# Lever pages only when asked to, so always ask; the payload is a bare JSON array.
SOURCE = Source(
    KIND,
    api="https://api.lever.co",
    path="/v0/postings/{board}",
    params={"mode": "json"},
    paging=Offsets("skip"),
    postings=under(None),
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
