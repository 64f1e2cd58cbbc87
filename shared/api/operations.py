"""Routes of the operators' dead-letter view: list, inspect, replay or discard one or many.

Every route needs the operator claim. Replay is idempotent: replaying a replayed letter
answers 200 with the letter unchanged and sends nothing. Discard needs a reason and records
the operator and the time; a discarded letter is listed under ``status=discarded`` only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.dead_letters import DeadLetter, Status
from shared.domain.failures import FailureClass
from shared.edge.http import Call, Route
from shared.repositories.dead_letters import MAX_PAGE
from shared.repositories.pagination import CURSOR_PATTERN
from shared.services.operations import MAX_DISCARD, REASON_MAX, REASON_MIN, DeadLetterService

_TAGS = ("dead-letters",)


class DeadLetterOut(BaseModel):
    """One dead letter as operators see it."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Literal["message", "task"]
    origin: str = Field(description="topic (messages) or queue (tasks) the work came from")
    channel: str = Field(description="subscription (messages) or queue (tasks) that gave up")
    message_id: str = Field(description="Pub/Sub message id or task name")
    payload: str = Field(description="the JSON body, as text")
    attributes: dict[str, str]
    attempts: int
    last_error: str
    failure_class: FailureClass
    dead_at: datetime
    status: Status
    replayed_at: datetime | None
    replay_count: int
    discarded_at: datetime | None
    discarded_by: str | None = Field(description="uid of the operator who discarded it")
    discard_reason: str | None

    @classmethod
    def of(cls, dl: DeadLetter) -> DeadLetterOut:
        """The operator view of a stored dead letter."""
        return cls.model_validate(dl.model_dump(exclude={"schema_version"}))


class DeadLetterPageOut(BaseModel):
    """A page of dead letters, newest first."""

    items: list[DeadLetterOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")


class DeadLetterQuery(BaseModel):
    """Filters and paging of GET /dead-letters."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    failure_class: FailureClass | None = None
    origin: str | None = Field(None, min_length=1, max_length=200)
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(None, max_length=1000, pattern=CURSOR_PATTERN)


class BulkReplayIn(BaseModel):
    """Which dead letters POST /dead-letters:replay sends back (all dead ones when empty)."""

    model_config = ConfigDict(extra="forbid")

    failure_class: FailureClass | None = None
    origin: str | None = Field(None, min_length=1, max_length=200)


class BulkReplayOut(BaseModel):
    """How many dead letters were replayed."""

    replayed: int


class DiscardIn(BaseModel):
    """Why a dead letter is closed without a replay."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=REASON_MIN, max_length=REASON_MAX)


class BulkDiscardIn(DiscardIn):
    """The dead letters POST /dead-letters:discard closes, and why."""

    ids: list[str] = Field(min_length=1, max_length=MAX_DISCARD)


class SkippedOut(BaseModel):
    """A letter a bulk discard left as it was."""

    id: str
    reason: str


class BulkDiscardOut(BaseModel):
    """The letters discarded now, and those left alone (absent, replayed or discarded before)."""

    discarded: list[DeadLetterOut]
    skipped: list[SkippedOut]


def list_dead_letters(call: Call) -> DeadLetterPageOut:
    """Dead letters, newest first, filtered by status, failure class and origin."""
    q = call.query_as(DeadLetterQuery)
    page = call.container.make(DeadLetterService).list(
        q.status, q.limit, q.cursor, failure_class=q.failure_class, origin=q.origin
    )
    return DeadLetterPageOut(items=[DeadLetterOut.of(dl) for dl in page.items], next_cursor=page.next_cursor)


def get_dead_letter(call: Call) -> DeadLetterOut:
    """One dead letter."""
    return DeadLetterOut.of(call.container.make(DeadLetterService).get(call.params["dead_letter_id"]))


def replay_dead_letter(call: Call) -> DeadLetterOut:
    """Send one dead letter back to its origin (once)."""
    return DeadLetterOut.of(call.container.make(DeadLetterService).replay(call.params["dead_letter_id"]))


def replay_dead_letters(call: Call) -> BulkReplayOut:
    """Send every matching dead (not yet replayed) letter back to its origin."""
    body = call.body_as(BulkReplayIn)
    count = call.container.make(DeadLetterService).replay_all(body.failure_class, body.origin)
    return BulkReplayOut(replayed=count)


def discard_dead_letter(call: Call) -> DeadLetterOut:
    """Close one dead letter without replaying it."""
    body = call.body_as(DiscardIn)
    service = call.container.make(DeadLetterService)
    return DeadLetterOut.of(service.discard(call.params["dead_letter_id"], reason=body.reason, by=call.uid))


def discard_dead_letters(call: Call) -> BulkDiscardOut:
    """Close the named dead letters without replaying them."""
    body = call.body_as(BulkDiscardIn)
    done = call.container.make(DeadLetterService).discard_many(body.ids, reason=body.reason, by=call.uid)
    return BulkDiscardOut(
        discarded=[DeadLetterOut.of(dl) for dl in done.discarded],
        skipped=[SkippedOut(id=s.id, reason=s.reason) for s in done.skipped],
    )


ROUTES = [
    Route(
        "GET",
        "/dead-letters",
        list_dead_letters,
        auth="operator",
        query=DeadLetterQuery,
        response=DeadLetterPageOut,
        summary="List dead letters",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/dead-letters:replay",
        replay_dead_letters,
        auth="operator",
        body=BulkReplayIn,
        response=BulkReplayOut,
        summary="Replay dead letters in bulk",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/dead-letters:discard",
        discard_dead_letters,
        auth="operator",
        body=BulkDiscardIn,
        response=BulkDiscardOut,
        summary="Discard the selected dead letters, with a reason",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/dead-letters/{dead_letter_id}",
        get_dead_letter,
        auth="operator",
        response=DeadLetterOut,
        summary="Get one dead letter",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/dead-letters/{dead_letter_id}:replay",
        replay_dead_letter,
        auth="operator",
        response=DeadLetterOut,
        summary="Replay one dead letter",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/dead-letters/{dead_letter_id}:discard",
        discard_dead_letter,
        auth="operator",
        body=DiscardIn,
        response=DeadLetterOut,
        errors=(409,),
        summary="Discard one dead letter, with a reason",
        tags=_TAGS,
    ),
]
