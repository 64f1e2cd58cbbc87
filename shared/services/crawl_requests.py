"""Crawl requests: fan a scheduler/operator request out to one named task per source.

Task names are ``crawl-<source id>-<request id>``: Cloud Tasks drops a second task with the
same name, so a redelivered request enqueues nothing new, and the crawl task itself opens
the run idempotently (one run per source and request, never two active per source).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.job_sources import EXTERNAL, SOURCE_ID
from shared.domain.runs import RunStatus, Trigger
from shared.ports import Clock, DocumentStore, TaskQueue
from shared.services.run_ledger import RunLedger, Started
from shared.services.sources import SourceService

CRAWL_QUEUE = "crawls"


class CrawlRequest(BaseModel):
    """Payload of the crawl-requests topic: every source, one schedule group, or listed ones."""

    # Built on first use: the dispatcher validates requests, the crawl function tasks.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    all: bool = False
    schedule: str | None = None
    source_ids: list[str] = Field(default_factory=list, max_length=1000)
    source_id: str | None = Field(default=None, pattern=SOURCE_ID)
    reason: str = "schedule"


class CrawlTask(BaseModel):
    """Payload of one task on the crawls queue."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    source_id: str = Field(pattern=SOURCE_ID)
    request_id: str = Field(min_length=1, max_length=200)
    trigger: Trigger = "schedule"


def safe_request_id(raw: str) -> str:
    """A request id usable in a task name ([A-Za-z0-9_-]); other ids are hashed."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,100}", raw):
        return raw
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def task_name(source_id: str, request_id: str) -> str:
    """The deduplicating task name of one source's crawl for one request."""
    return f"crawl-{source_id}-{safe_request_id(request_id)}"


class CrawlRequests:
    """Turns crawl requests into tasks (and, for operators, into a visible PENDING run)."""

    def __init__(self, store: DocumentStore, clock: Clock, tasks: TaskQueue) -> None:
        self._tasks = tasks
        self._sources = SourceService(store, clock)
        self._ledger = RunLedger(store, clock)

    def dispatch(self, data: Mapping[str, Any], request_id: str) -> list[str]:
        """Enqueue one crawl task per requested, enabled, crawlable source; returns task names."""
        request = CrawlRequest.model_validate(dict(data))
        wanted = set(request.source_ids) | ({request.source_id} if request.source_id else set())
        names: list[str] = []
        for source in self._sources.enabled(schedule=request.schedule):
            if source.kind == EXTERNAL or not (request.all or source.id in wanted):
                continue
            names.append(self._enqueue(source.id, request_id, "schedule"))
        return names

    def request(self, source_id: str, request_id: str, *, trigger: Trigger = "operator") -> Started:
        """Open a PENDING run now (or return the active one) and queue its crawl."""
        rid = safe_request_id(request_id)
        source = self._sources.get(source_id)
        started = self._ledger.open(source_id, rid, trigger)
        # Re-driven on every retry of the same request while its run is PENDING: the enqueue
        # may have failed after the run was opened, and the task name dedupes a second one.
        ours = started.run.request_id == rid and started.run.status == RunStatus.PENDING
        if ours and source.kind != EXTERNAL:
            self._enqueue(source_id, rid, trigger)
        return started

    def _enqueue(self, source_id: str, request_id: str, trigger: Trigger) -> str:
        rid = safe_request_id(request_id)
        payload = CrawlTask(source_id=source_id, request_id=rid, trigger=trigger).model_dump()
        return self._tasks.enqueue(CRAWL_QUEUE, payload, name=task_name(source_id, rid))
