"""Operator crawl requests: a retried request re-drives the crawl task of the run it opened."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.errors import TransientError
from shared.domain.runs import RunStatus
from shared.messages import CrawlTask, channel_of
from shared.ports import TaskQueue
from shared.repositories.job_sources import JobSources
from shared.repositories.runs import RunLedger
from shared.services.crawl_requests import CrawlRequests
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY


class FlakyTasks:
    """Our TaskQueue port in front of the local queue: the first ``failures`` enqueues fail."""

    def __init__(self, queue: SqliteDeliveryQueue, failures: int) -> None:
        self._queue = queue
        self._failures = failures

    def enqueue(
        self,
        queue: str,
        payload: Mapping[str, Any],
        *,
        name: str | None = None,
        schedule_at: datetime | None = None,
    ) -> str:
        if self._failures:
            self._failures -= 1
            raise TransientError("task queue unavailable")
        return self._queue.enqueue(queue, payload, name=name, schedule_at=schedule_at)


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    s = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    yield s
    s.close()


@pytest.fixture
def queue(clock: ManualClock) -> Iterator[SqliteDeliveryQueue]:
    q = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    yield q
    q.close()


def requests_of(store: SqliteDocumentStore, clock: ManualClock, tasks: TaskQueue) -> CrawlRequests:
    return CrawlRequests(SourceService(JobSources(store, clock)), RunLedger(store, clock), tasks)


def crawlable(store: SqliteDocumentStore, clock: ManualClock) -> str:
    return SourceService(JobSources(store, clock)).save(SourceSpec(kind="greenhouse", board="acme"))[0].id


class TestRetriedRequest:
    def test_a_retry_after_a_failed_enqueue_queues_the_crawl_of_the_opened_run(
        self, store: SqliteDocumentStore, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        source_id = crawlable(store, clock)
        requests = requests_of(store, clock, FlakyTasks(queue, failures=1))
        with pytest.raises(TransientError):
            requests.request(source_id, "op-1")

        retried = requests.request(source_id, "op-1")

        assert (retried.created, retried.run.status) == (False, RunStatus.PENDING)
        assert queue.pending(channel_of(CrawlTask)) == 1

    def test_a_repeated_request_queues_one_task(
        self, store: SqliteDocumentStore, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        source_id = crawlable(store, clock)
        requests = requests_of(store, clock, queue)

        first = requests.request(source_id, "op-1")
        again = requests.request(source_id, "op-1")

        assert again.run.id == first.run.id
        assert queue.pending(channel_of(CrawlTask)) == 1

    def test_another_request_while_a_run_is_pending_queues_nothing_new(
        self, store: SqliteDocumentStore, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        source_id = crawlable(store, clock)
        requests = requests_of(store, clock, queue)
        first = requests.request(source_id, "op-1")

        other = requests.request(source_id, "op-2")

        assert (other.created, other.run.id) == (False, first.run.id)
        assert queue.pending(channel_of(CrawlTask)) == 1
