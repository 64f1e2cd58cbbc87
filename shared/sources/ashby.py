"""Ashby Posting API: ``GET /posting-api/job-board/{board}?includeCompensation=true`` (one page).

``descriptionHtml`` is full HTML; ``compensation.compensationTiers[].components[]`` carries the
listed salary ranges (several tiers for several cost-of-living zones: the widest span is kept).
"""

from __future__ import annotations

from typing import Any

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, location, parse_locations
from shared.domain.salary import Period, Salary, make_salary, parse_salary
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Source, under

KIND = "ashby"
_INTERVALS: dict[str, Period] = {
    "1 YEAR": "year",
    "1 MONTH": "month",
    "1 WEEK": "week",
    "1 DAY": "day",
    "1 HOUR": "hour",
}


def _listed(job: dict[str, Any]) -> bool:
    """Unlisted postings (reachable by link only) are not on the board."""
    return job.get("isListed", True) is not False


def _salary(compensation: dict[str, Any]) -> Salary | None:
    lows: list[float] = []
    highs: list[float] = []
    currency: str | None = None
    period: Period = "year"
    for tier in compensation.get("compensationTiers") or []:
        for part in (tier or {}).get("components") or []:
            if not isinstance(part, dict) or part.get("compensationType") != "Salary":
                continue
            if isinstance(part.get("minValue"), int | float):
                lows.append(float(part["minValue"]))
            if isinstance(part.get("maxValue"), int | float):
                highs.append(float(part["maxValue"]))
            currency = currency or s(part.get("currencyCode")) or None
            period = _INTERVALS.get(s(part.get("interval")), period)
    if lows or highs:
        return make_salary(
            min(lows or highs), max(highs or lows), currency=currency, period=period, source="listed"
        )
    return parse_salary(s(compensation.get("scrapeableCompensationSalarySummary")))


def _address(block: dict[str, Any], raw: str) -> Location | None:
    postal = ((block or {}).get("address") or {}).get("postalAddress") or {}
    if not isinstance(postal, dict) or not postal:
        return None
    return location(
        city=clean_inline(s(postal.get("addressLocality"))),
        region=clean_inline(s(postal.get("addressRegion"))),
        country=s(postal.get("addressCountry")),
        raw=raw,
    )


def _locations(job: dict[str, Any]) -> list[Location]:
    primary = _address(job, s(job.get("location"))) or next(
        iter(parse_locations(s(job.get("location")))), None
    )
    out = [primary] if primary is not None and (primary.city or primary.country) else []
    for extra in job.get("secondaryLocations") or []:
        if isinstance(extra, dict):
            loc = _address(extra, s(extra.get("location")))
            out += [loc] if loc is not None else parse_locations(s(extra.get("location")))
    return out


def _offer(job: dict[str, Any], board: str, company: str | None) -> JobOffer:
    description = html_to_text(s(job.get("descriptionHtml"))) or html_to_text(s(job.get("descriptionPlain")))
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(job["id"]),
        title=clean_inline(s(job["title"])),
        company=company or board,
        locations=_locations(job),
        remote_policy=remote_policy(s(job.get("workplaceType")), True if job.get("isRemote") else None),
        employment_type=employment_type(s(job.get("employmentType"))),
        salary=_salary(job.get("compensation") or {}),
        description_text=description,
        url=s(job.get("jobUrl")),
        posted_at=when(job.get("publishedAt")),
        updated_at=when(job.get("updatedAt")),
        language=None,
        tags=[s(job.get("department")), s(job.get("team"))],
    )


SOURCE = Source(
    KIND,
    api="https://api.ashbyhq.com",
    path="/posting-api/job-board/{board}",
    params={"includeCompensation": "true"},
    postings=under("jobs"),
    keep=_listed,
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
