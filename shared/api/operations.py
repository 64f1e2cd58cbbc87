"""Routes of the operators' dead-letter view: list, inspect, replay one, replay in bulk.

Every route needs the operator claim. Replay is idempotent: replaying a replayed letter
answers 200 with the letter unchanged and sends nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.edge.http import Call, Route
from shared.repositories.dead_letters import MAX_PAGE
from shared.repositories.pagination import CURSOR_PATTERN
from shared.services.operations import DeadLetterService

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
    status: Literal["dead", "replayed"]
    replayed_at: datetime | None
    replay_count: int

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

    status: Literal["dead", "replayed"] | None = None
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
]
