"""Routes of the career profiles slice (all on the caller's own ``users/{uid}`` only).

POST /career-profiles:generate            200 + the cached version when inputs are unchanged,
                                          202 + {status: queued} otherwise (the profiles task
                                          makes the version; the journey shows when it exists)
GET  /career-profiles                     versions, newest first (?limit=&cursor=)
GET  /career-profiles/{version}           one version ("latest" for the newest)
POST /career-profiles/{version}:refine    version N+1 from {version} plus corrections (201)
GET  /career-profiles:diff?from=A&to=B    what changed from version A to version B
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass, NextAction, next_action
from shared.domain.profiles import CareerProfile, Corrections, Seniority
from shared.edge.http import Call, Reply, Route
from shared.edge.routing import ID_PATTERN
from shared.repositories.career_profiles import ProfileFailure
from shared.repositories.pagination import CURSOR_PATTERN
from shared.services.profiles import Generated, ProfileService


class GenerateIn(BaseModel):
    """Which CV to build the profile from (the newest extracted one when omitted)."""

    model_config = ConfigDict(extra="forbid")

    document_id: str | None = Field(None, min_length=1, max_length=64, pattern=f"^{ID_PATTERN}$")


class QueuedOut(BaseModel):
    """A generation was queued."""

    status: str = "queued"
    document_id: str
    task: str


class ProfileSummary(BaseModel):
    """One version in the history list."""

    version: int
    created_at: datetime
    provider: str
    model: str
    prompt_version: str
    parent_version: int | None
    headline: str
    seniority: Seniority
    skills: int

    @classmethod
    def of(cls, p: CareerProfile) -> ProfileSummary:
        """The summary of a version."""
        return cls(
            version=p.version,
            created_at=p.provenance.created_at,
            provider=p.provenance.provider,
            model=p.provenance.model,
            prompt_version=p.provenance.prompt_version,
            parent_version=p.provenance.parent_version,
            headline=p.headline,
            seniority=p.seniority,
            skills=len(p.skills),
        )


class HistoryQuery(BaseModel):
    """Pagination of the history."""

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500, pattern=CURSOR_PATTERN)


class ProfileFailureOut(BaseModel):
    """The last generation failed (and no version was made since)."""

    state: Literal["FAILED"] = "FAILED"
    failure_class: FailureClass
    next_action: NextAction = Field(
        description="retry: POST /career-profiles:generate; see the journey's vocabulary"
    )
    message: str
    document_id: str
    at: datetime


class HistoryOut(BaseModel):
    """One page of versions, newest first, and the last generation's failure, if it failed."""

    items: list[ProfileSummary]
    next_cursor: str | None
    failure: ProfileFailureOut | None = None


def _failure_out(failure: ProfileFailure | None) -> ProfileFailureOut | None:
    if failure is None or failure.failure_class not in FailureClass.__members__:
        return None
    cls = FailureClass(failure.failure_class)
    return ProfileFailureOut(
        failure_class=cls,
        next_action=next_action(cls),
        message=failure.message,
        document_id=failure.document_id,
        at=failure.at,
    )


class DiffQuery(BaseModel):
    """``?from=A&to=B``."""

    model_config = ConfigDict(populate_by_name=True)

    from_version: int = Field(alias="from", ge=1, le=999_999_999)
    to_version: int = Field(alias="to", ge=1, le=999_999_999)


class DiffOut(BaseModel):
    """Skills added and removed, and every other changed field as {from, to}."""

    from_version: int
    to_version: int
    skills_added: list[str]
    skills_removed: list[str]
    changed: dict[str, Any]


def _service(call: Call) -> ProfileService:
    return call.container.make(ProfileService)


def _version(call: Call) -> int:
    raw = call.params["version"]
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise InvalidInput("version must be a positive integer or 'latest'")
    return int(raw)


def _profile_reply(outcome: Generated, created_status: int) -> Reply:
    return Reply(created_status if outcome.created else 200, outcome.profile)


def generate(call: Call) -> Reply:
    """Return the unchanged-inputs version, or queue a generation."""
    body = call.body_as(GenerateIn)
    outcome = _service(call).request_generation(call.uid, body.document_id)
    if isinstance(outcome, Generated):
        return _profile_reply(outcome, 200)
    return Reply(202, QueuedOut(document_id=outcome.document_id, task=outcome.task))


def history(call: Call) -> HistoryOut:
    """Versions newest first."""
    query = call.query_as(HistoryQuery)
    service = _service(call)
    items, cursor = service.history(call.uid, limit=query.limit, cursor=query.cursor)
    return HistoryOut(
        items=[ProfileSummary.of(p) for p in items],
        next_cursor=cursor,
        failure=_failure_out(service.failure(call.uid)),
    )


def get_version(call: Call) -> CareerProfile:
    """One version, or the newest for ``latest``."""
    service = _service(call)
    if call.params["version"] == "latest":
        return service.latest(call.uid)
    return service.get(call.uid, _version(call))


def refine(call: Call) -> Reply:
    """Make version N+1 from this version and the corrections (200 when already made)."""
    outcome = _service(call).refine(call.uid, _version(call), call.body_as(Corrections))
    return _profile_reply(outcome, 201)


def diff(call: Call) -> DiffOut:
    """What changed between two versions."""
    query = call.query_as(DiffQuery)
    return DiffOut(**_service(call).diff(call.uid, query.from_version, query.to_version))


# ASCII digits only: "¹".isdigit() is True, and int("¹") fails.
_VERSION = (("version", r"[1-9][0-9]{0,8}|latest"),)

ROUTES = [
    Route(
        "POST",
        "/career-profiles:generate",
        generate,
        body=GenerateIn,
        response=CareerProfile,
        also=((202, QueuedOut),),
        errors=(404, 409),
        summary="Generate (or return the cached) career profile",
        tags=("profiles",),
    ),
    Route(
        "GET",
        "/career-profiles",
        history,
        query=HistoryQuery,
        response=HistoryOut,
        summary="Career profile versions, newest first",
        tags=("profiles",),
    ),
    Route(
        "GET",
        "/career-profiles:diff",
        diff,
        query=DiffQuery,
        response=DiffOut,
        errors=(404,),
        summary="Differences between two versions",
        tags=("profiles",),
    ),
    Route(
        "GET",
        "/career-profiles/{version}",
        get_version,
        response=CareerProfile,
        params=_VERSION,
        summary="One career profile version ('latest' for the newest)",
        tags=("profiles",),
    ),
    Route(
        "POST",
        "/career-profiles/{version}:refine",
        refine,
        body=Corrections,
        response=CareerProfile,
        status=201,
        also=((200, CareerProfile),),
        params=(("version", r"[1-9][0-9]{0,8}"),),
        summary="Refine a version with corrections",
        tags=("profiles",),
    ),
]
