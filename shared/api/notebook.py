"""Routes of the notebook: keep offers, track them, score them, read the score history."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.notebook import EntryPatch, NotebookEntry, Status
from shared.domain.scoring.record import ScoreRecord
from shared.edge.http import Call, Reply, Route
from shared.repositories.notebook import EntryFilter
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.scoring import ScoreQueued, ScoringService

_TAGS = ("notebook",)
_PREVIEW = 300


class NotebookQuery(BaseModel):
    """Filters, sort and paging of GET /notebook."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    tag: str | None = Field(None, max_length=80)
    min_score: float | None = Field(None, ge=0, le=100, description="lowest score (lists best first)")
    stale: bool | None = Field(None, description="true: entries whose score is out of date")
    sort: Literal["updated", "score", "created"] = "updated"
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500)


class PageQuery(BaseModel):
    """Paging of GET /notebook/{id}/scores."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=500)


class NotebookPage(BaseModel):
    """A page of entries (posting text cut to a preview) and the counts by status."""

    entries: list[NotebookEntry]
    next_cursor: str | None
    counts: dict[str, int] = Field(description="entries per status, over the whole notebook")


class TagCount(BaseModel):
    """One tag and how many entries carry it."""

    tag: str
    count: int


class TagsOut(BaseModel):
    """The caller's tags, most used first."""

    tags: list[TagCount]


class TransitionIn(BaseModel):
    """POST /notebook/{id}:transition."""

    model_config = ConfigDict(extra="forbid")

    to: Status


class ScoresPage(BaseModel):
    """Every score of an entry, newest first: its audit history."""

    scores: list[ScoreRecord]
    next_cursor: str | None


class ScoreQueuedOut(BaseModel):
    """A score handed to the scoring queue."""

    status: Literal["queued"] = "queued"
    entry_id: str
    task: str
    inputs_hash: str


def _preview(entry: NotebookEntry) -> NotebookEntry:
    text = entry.snapshot.description_text
    if len(text) <= _PREVIEW:
        return entry
    snap = entry.snapshot.model_copy(update={"description_text": text[:_PREVIEW] + "..."})
    return entry.model_copy(update={"snapshot": snap})


def save(call: Call) -> Reply:
    """Keep an offer or a posting (201), or answer the entry already kept (200)."""
    saved = call.container.make(NotebookService).save(call.uid, call.body_as(SaveRequest))
    return Reply(201 if saved.created else 200, saved.entry, {"Location": f"/notebook/{saved.entry.id}"})


def list_entries(call: Call) -> NotebookPage:
    """The caller's entries, filtered and sorted, with counts by status."""
    q = call.query_as(NotebookQuery)
    tag = " ".join(q.tag.split()).casefold() if q.tag else None
    filters = EntryFilter(status=q.status, tag=tag, min_score=q.min_score, stale=q.stale)
    entries, cursor, summary = call.container.make(NotebookService).list_entries(
        call.uid, filters, sort=q.sort, limit=q.limit, cursor=q.cursor
    )
    return NotebookPage(entries=[_preview(e) for e in entries], next_cursor=cursor, counts=summary.by_status)


def get_entry(call: Call) -> NotebookEntry:
    """One entry with the whole posting snapshot and status history."""
    return call.container.make(NotebookService).get(call.uid, call.params["entry_id"])


def patch_entry(call: Call) -> NotebookEntry:
    """Change notes, tags or the follow-up date."""
    return call.container.make(NotebookService).patch(
        call.uid, call.params["entry_id"], call.body_as(EntryPatch)
    )


def delete_entry(call: Call) -> Reply:
    """Remove an entry and its scores."""
    call.container.make(NotebookService).delete(call.uid, call.params["entry_id"])
    return Reply(204)


def transition(call: Call) -> NotebookEntry:
    """Move the status; 409 lists the allowed moves."""
    to = call.body_as(TransitionIn).to
    return call.container.make(NotebookService).transition(call.uid, call.params["entry_id"], to)


def tags(call: Call) -> TagsOut:
    """The caller's tags with counts."""
    counted = call.container.make(NotebookService).tags(call.uid)
    return TagsOut(tags=[TagCount(tag=t, count=n) for t, n in counted])


def request_score(call: Call) -> Reply:
    """The cached score of unchanged inputs (200), else a queued scoring task (202)."""
    outcome = call.container.make(ScoringService).request(call.uid, call.params["entry_id"])
    if isinstance(outcome, ScoreQueued):
        body = ScoreQueuedOut(entry_id=outcome.entry_id, task=outcome.task, inputs_hash=outcome.inputs_hash)
        return Reply(202, body)
    return Reply(200, outcome)


def list_scores(call: Call) -> ScoresPage:
    """Every score of the entry, newest first."""
    q = call.query_as(PageQuery)
    scores, cursor = call.container.make(ScoringService).history(
        call.uid, call.params["entry_id"], limit=q.limit, cursor=q.cursor
    )
    return ScoresPage(scores=scores, next_cursor=cursor)


ROUTES: list[Route] = [
    Route(
        "POST",
        "/notebook",
        save,
        body=SaveRequest,
        response=NotebookEntry,
        status=201,
        errors=(404,),
        summary="Keep an offer or a posting",
        tags=_TAGS,
        also=((200, NotebookEntry),),
    ),
    Route(
        "GET",
        "/notebook",
        list_entries,
        query=NotebookQuery,
        response=NotebookPage,
        summary="Notebook entries",
        tags=_TAGS,
    ),
    Route("GET", "/notebook/tags", tags, response=TagsOut, summary="Tags with counts", tags=_TAGS),
    Route("GET", "/notebook/{entry_id}", get_entry, response=NotebookEntry, summary="One entry", tags=_TAGS),
    Route(
        "PATCH",
        "/notebook/{entry_id}",
        patch_entry,
        body=EntryPatch,
        response=NotebookEntry,
        summary="Notes, tags, follow-up date",
        tags=_TAGS,
    ),
    Route("DELETE", "/notebook/{entry_id}", delete_entry, status=204, summary="Remove an entry", tags=_TAGS),
    Route(
        "POST",
        "/notebook/{entry_id}:transition",
        transition,
        body=TransitionIn,
        response=NotebookEntry,
        summary="Change the status",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/notebook/{entry_id}:score",
        request_score,
        response=ScoreQueuedOut,
        status=202,
        summary="Score the entry",
        tags=_TAGS,
        also=((200, ScoreRecord),),
    ),
    Route(
        "GET",
        "/notebook/{entry_id}/scores",
        list_scores,
        query=PageQuery,
        response=ScoresPage,
        summary="Score history, newest first",
        tags=_TAGS,
    ),
]
