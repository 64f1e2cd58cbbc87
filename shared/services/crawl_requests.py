"""Crawl requests: fan a scheduler/operator request out to one named task per source.

Task names are ``crawl-<source id>-<request id>``: Cloud Tasks drops a second task with the
same name, so a redelivered request enqueues nothing new, and the crawl task itself opens
the run idempotently (one run per source and request, never two active per source).
"""

from __future__ import annotations

import hashlib
import re

from shared.channels import enqueue
from shared.channels.crawl_requests import CrawlRequest
from shared.channels.crawls import CrawlTask
from shared.domain.job_sources import EXTERNAL
from shared.domain.runs import RunStatus, Trigger
from shared.ports import TaskQueue
from shared.repositories.runs import RunLedger, Started
from shared.services.sources import SourceService


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

    def __init__(self, sources: SourceService, ledger: RunLedger, tasks: TaskQueue) -> None:
        self._tasks = tasks
        self._sources = sources
        self._ledger = ledger

    def dispatch(self, request: CrawlRequest, request_id: str) -> list[str]:
        """Enqueue one crawl task per requested, enabled, crawlable source; returns task names."""
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
        task = CrawlTask(source_id=source_id, request_id=rid, trigger=trigger)
        return enqueue(self._tasks, task, name=task_name(source_id, rid))
