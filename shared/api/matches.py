"""Routes of matching: the caller's ranked offers, one explanation, and the run history."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.failures import FailureClass, NextAction, next_action
from shared.domain.matching.explanation import Explanation
from shared.domain.matching.results import MatchResult
from shared.domain.matching.runs import MatchRun
from shared.domain.places import parse_location
from shared.edge.http import Call, Reply, Route
from shared.repositories.matches import MatchFailure
from shared.repositories.pagination import CURSOR_PATTERN
from shared.services.matching import MatchingService


class MatchesQuery(BaseModel):
    """Filters of GET /matches."""

    model_config = ConfigDict(extra="forbid")

    min_score: float | None = Field(None, ge=0, le=100, description="lowest score to return")
    remote: Literal["remote", "hybrid", "onsite", "unknown"] | None = Field(None, description="remote policy")
    location: str | None = Field(None, max_length=120, description="a city or country, e.g. Berlin or DE")
    excluded: bool = Field(False, description="true lists the offers a hard gate excluded")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500, pattern=CURSOR_PATTERN)


class PageQuery(BaseModel):
    """Pagination of GET /match-runs."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500, pattern=CURSOR_PATTERN)


class MatchOut(BaseModel):
    """One ranked offer; the explanation is on GET /matches/{offer_id}."""

    offer_id: str
    title: str
    company: str
    url: str
    score: float
    excluded: bool
    remote_policy: str
    summary: str
    profile_version: int
    updated_at: datetime

    @classmethod
    def of(cls, result: MatchResult) -> MatchOut:
        """From a stored result."""
        fields = {k: getattr(result, k) for k in MatchOut.model_fields if k != "summary"}
        return cls(summary=result.explanation.summary, **fields)


class MatchPage(BaseModel):
    """A page of results, best first."""

    matches: list[MatchOut]
    next_cursor: str | None


class MatchDetail(MatchOut):
    """One result with its full explanation."""

    explanation: Explanation

    @classmethod
    def of(cls, result: MatchResult) -> MatchDetail:
        """From a stored result."""
        return cls(**MatchOut.of(result).model_dump(), explanation=result.explanation)


class MatchingFailureOut(BaseModel):
    """Matching of a profile version was given up (its work was dead-lettered)."""

    state: Literal["FAILED"] = "FAILED"
    failure_class: FailureClass
    next_action: NextAction = Field(description="retry: POST /match-runs:retry; see the journey's vocabulary")
    message: str
    profile_version: int
    at: datetime


class RunPage(BaseModel):
    """A page of match runs, newest first, and the matching given up since the newest run."""

    runs: list[MatchRun]
    next_cursor: str | None
    failure: MatchingFailureOut | None = None


def _failure_out(failure: MatchFailure | None) -> MatchingFailureOut | None:
    if failure is None:
        return None
    cls = FailureClass(failure.failure_class)
    return MatchingFailureOut(
        failure_class=cls,
        next_action=next_action(cls),
        message=failure.message,
        profile_version=failure.profile_version,
        at=failure.at,
    )


def location_key(text: str) -> str:
    """'Berlin' -> 'city:berlin'; 'Germany' or 'DE' -> 'country:de' (the keys results store)."""
    loc = parse_location(text)
    if loc is not None and loc.city:
        return "city:" + loc.city.casefold()
    if loc is not None and loc.country:
        return "country:" + loc.country.casefold()
    return "city:" + text.strip().casefold()


def list_matches(call: Call) -> MatchPage:
    """The caller's matches, best first."""
    q = call.query_as(MatchesQuery)
    result = call.container.make(MatchingService).list_matches(
        call.uid,
        min_score=q.min_score,
        remote=q.remote,
        location=location_key(q.location) if q.location else None,
        excluded=q.excluded,
        limit=q.limit,
        cursor=q.cursor,
    )
    return MatchPage(matches=[MatchOut.of(r) for r in result.items], next_cursor=result.next_cursor)


def get_match(call: Call) -> MatchDetail:
    """One match with its explanation."""
    return MatchDetail.of(call.container.make(MatchingService).get_match(call.uid, call.params["offer_id"]))


def list_runs(call: Call) -> RunPage:
    """The caller's match runs: what was new, what moved, what closed."""
    q = call.query_as(PageQuery)
    service = call.container.make(MatchingService)
    result = service.list_runs(call.uid, limit=q.limit, cursor=q.cursor)
    return RunPage(
        runs=list(result.items),
        next_cursor=result.next_cursor,
        failure=_failure_out(service.failure(call.uid)),
    )


def retry_matching(call: Call) -> Reply:
    """Rank the given-up profile version again (202); 409 when nothing failed."""
    failure = call.container.make(MatchingService).retry(call.uid)
    return Reply(202, _failure_out(failure))


_TAGS = ("matching",)
ROUTES: list[Route] = [
    Route(
        "GET",
        "/matches",
        list_matches,
        query=MatchesQuery,
        response=MatchPage,
        summary="Ranked offers",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/matches/{offer_id}",
        get_match,
        response=MatchDetail,
        summary="One match, explained",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/match-runs",
        list_runs,
        query=PageQuery,
        response=RunPage,
        summary="Match-run history (and the matching given up since the newest run, if any)",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/match-runs:retry",
        retry_matching,
        response=MatchingFailureOut,
        status=202,
        errors=(409,),
        summary="Rank the profile version whose matching was given up again (409: nothing failed)",
        tags=_TAGS,
    ),
]
