"""Operator routes of job sources and crawler runs, and the scrapers' completion callback.

Every route needs the operator claim except the callback, which accepts either an
HMAC-SHA256 signature of the raw body (``X-Career-Signature: sha256=<hex>``, key
``callback_hmac_key``) or an operator bearer token.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from hashlib import sha256
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import Forbidden, Unauthenticated
from shared.domain.failures import FailureClass
from shared.domain.job_sources import JobSource, SourceTerms, Validators
from shared.domain.runs import Run, RunStats, RunStatus, Trigger
from shared.edge.http import Call, Reply, Route
from shared.ports import Role
from shared.repositories.pagination import CURSOR_PATTERN, MAX_PAGE
from shared.repositories.runs import RunLedger
from shared.services.crawl_requests import CrawlRequests
from shared.services.run_callbacks import CallbackIn, RunCallbacks
from shared.services.sources import SourceService, SourceSpec

if TYPE_CHECKING:
    from shared.bootstrap import Container

SIGNATURE_HEADER = "X-Career-Signature"
_TAGS = ("job-sources",)


class SourceOut(BaseModel):
    """A job source as operators see it."""

    id: str
    kind: str
    board: str
    company: str | None
    base_url: str | None
    schedule: str
    enabled: bool
    terms: SourceTerms
    created_at: datetime
    updated_at: datetime
    active_run_id: str | None
    validators: Validators | None
    offer_count: int
    last_run_id: str | None
    last_run_status: str | None
    last_run_at: datetime | None

    @classmethod
    def of(cls, source: JobSource) -> SourceOut:
        """The operator view of a stored source."""
        return cls.model_validate(source.model_dump(exclude={"schema_version"}))


class SourcePageOut(BaseModel):
    """A page of sources, by id."""

    items: list[SourceOut]
    next_cursor: str | None


class RunOut(BaseModel):
    """A crawler run as operators see it."""

    id: str
    source_id: str
    request_id: str
    trigger: Trigger
    status: RunStatus
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    lease_expires_at: datetime
    duration_s: float | None
    stats: RunStats
    failure_class: FailureClass | None
    error: str | None
    callback_id: str | None

    @classmethod
    def of(cls, run: Run) -> RunOut:
        """The operator view of a stored run."""
        return cls.model_validate({**run.model_dump(), "duration_s": run.duration_s})


class RunPageOut(BaseModel):
    """A page of runs, newest first."""

    items: list[RunOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")


class PageQuery(BaseModel):
    """Paging of GET /job-sources."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(None, max_length=1000, pattern=CURSOR_PATTERN)


class RunQuery(PageQuery):
    """Filters and paging of GET /job-sources/runs."""

    source_id: str | None = Field(None, min_length=1, max_length=63)
    status: RunStatus | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE)


def list_sources(call: Call) -> SourcePageOut:
    """Job sources by id."""
    q = call.query_as(PageQuery)
    items, cursor = call.container.make(SourceService).list(limit=q.limit, cursor=q.cursor)
    return SourcePageOut(items=[SourceOut.of(s) for s in items], next_cursor=cursor)


def save_source(call: Call) -> Reply:
    """Create (201) or update (200) a job source."""
    source, created = call.container.make(SourceService).save(call.body_as(SourceSpec))
    return Reply(201 if created else 200, SourceOut.of(source))


def request_run(call: Call) -> Reply:
    """Start a crawl: 202 with the new run, or 200 with the run already active for the source."""
    request_id = _header(call.headers, "Idempotency-Key") or uuid.uuid4().hex
    started = call.container.make(CrawlRequests).request(
        call.params["source_id"], request_id, trigger="operator"
    )
    return Reply(202 if started.created else 200, RunOut.of(started.run))


def list_runs(call: Call) -> RunPageOut:
    """Runs newest first, filtered by source and status."""
    q = call.query_as(RunQuery)
    items, cursor = call.container.make(RunLedger).list(
        source_id=q.source_id, status=q.status, limit=q.limit, cursor=q.cursor
    )
    return RunPageOut(items=[RunOut.of(r) for r in items], next_cursor=cursor)


def get_run(call: Call) -> RunOut:
    """One run."""
    return RunOut.of(call.container.make(RunLedger).get(call.params["run_id"]))


def complete_run(call: Call) -> RunOut:
    """An external scraper reports a run's outcome (idempotent by callback id)."""
    run = call.container.make(RunCallbacks).complete(call.params["run_id"], call.body_as(CallbackIn))
    return RunOut.of(run)


def _authorise_callback(
    headers: Mapping[str, str], raw_body: bytes, container: Callable[[], Container]
) -> None:
    # Runs before the body is parsed: no credentials is 401 whatever the body holds.
    signature = _header(headers, SIGNATURE_HEADER)
    key = container().settings.callback_hmac_key
    if signature:
        if key is None:
            raise Unauthenticated("signed callbacks are not configured")
        expected = "sha256=" + hmac.new(key.get_secret_value().encode(), raw_body, sha256).hexdigest()
        if not hmac.compare_digest(signature.strip(), expected):
            raise Unauthenticated("callback signature does not match")
        return
    scheme, _, token = (_header(headers, "Authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(f"missing {SIGNATURE_HEADER} or bearer token")
    if container().identity.verify(token.strip()).role != Role.OPERATOR:
        raise Forbidden("operator role required")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


ROUTES = [
    Route(
        "GET",
        "/job-sources",
        list_sources,
        auth="operator",
        query=PageQuery,
        response=SourcePageOut,
        summary="List job sources",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/job-sources",
        save_source,
        auth="operator",
        body=SourceSpec,
        response=SourceOut,
        status=201,
        also=((200, SourceOut),),
        summary="Create or update a job source",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/job-sources/runs",
        list_runs,
        auth="operator",
        query=RunQuery,
        response=RunPageOut,
        summary="List crawler runs",
        tags=_TAGS,
    ),
    Route(
        "GET",
        "/job-sources/runs/{run_id}",
        get_run,
        auth="operator",
        response=RunOut,
        summary="Get one crawler run",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/job-sources/runs/{run_id}/complete",
        complete_run,
        auth="service",
        verify=_authorise_callback,
        body=CallbackIn,
        response=RunOut,
        errors=(409,),
        summary="Complete a run from an external scraper (HMAC or operator)",
        tags=_TAGS,
    ),
    Route(
        "POST",
        "/job-sources/{source_id}/runs",
        request_run,
        auth="operator",
        response=RunOut,
        status=202,
        also=((200, RunOut),),
        summary="Start a crawl of one source",
        tags=_TAGS,
    ),
]
