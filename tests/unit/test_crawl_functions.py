"""The crawler functions on their own functions-framework apps, fed by the local queue like production:
scheduler payload -> crawl-requests -> dispatch_crawls -> crawls queue -> crawl_source -> runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.http_fetcher import HttpxFetcher
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.queue_rules import Delivery
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.runs import RunStatus
from shared.localstack.function_feed import FunctionDeliverer, create_function_app, register_functions
from shared.messages import CrawlRequest, CrawlTask, MaintenanceTask, channel_of, publish
from shared.repositories.runs import RunLedger
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY
from tests.support.job_board_server import JobBoardServer, Reply, running

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
CRAWL_REQUESTS, CRAWLS, MAINTENANCE = (channel_of(m) for m in (CrawlRequest, CrawlTask, MaintenanceTask))
SCHEDULE = next(j for j in TOPOLOGY.schedules if j.topic == CRAWL_REQUESTS)
SWEEP = next(j for j in TOPOLOGY.schedules if j.topic == MAINTENANCE)
[DISPATCH] = TOPOLOGY.subscriptions_of(CRAWL_REQUESTS)


@pytest.fixture
def board() -> Iterator[JobBoardServer]:
    with running() as server:
        yield server


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    fetcher = HttpxFetcher(timeout_s=2, max_attempts=1)
    c = Container(settings, clock=clock, store=store, delivery=queue, fetcher=fetcher)
    bootstrap.install(c)
    fed = register_functions(queue, TOPOLOGY, FUNCTIONS, project=settings.project_id)
    assert {DISPATCH.name, CRAWLS, *(s.name for s in TOPOLOGY.subscriptions_of(MAINTENANCE))} <= set(fed)
    yield c
    bootstrap.install(None)
    fetcher.close()
    c.close()


def add(container: Container, board: JobBoardServer, name: str, **extra: Any) -> str:
    spec = SourceSpec(kind="greenhouse", board=name, base_url=board.base_url, **extra)
    return container.make(SourceService).save(spec)[0].id


def jobs(n: int) -> bytes:
    return json.dumps(
        {
            "jobs": [
                {"id": i, "title": f"Role {i}", "absolute_url": f"https://b.example/{i}"} for i in range(n)
            ]
        }
    ).encode()


class TestScheduledCrawl:
    def test_the_schedule_payload_crawls_every_enabled_source_once(
        self, container: Container, board: JobBoardServer
    ) -> None:
        board.script("/v1/boards/acme/jobs", Reply(200, jobs(3)))
        board.script("/v1/boards/globex/jobs", Reply(200, jobs(2)))
        acme, globex = add(container, board, "acme"), add(container, board, "globex")
        add(container, board, "initech", enabled=False)

        container.publisher.publish(CRAWL_REQUESTS, SCHEDULE.payload)
        container.delivery.drain()

        runs, _ = container.make(RunLedger).list()
        assert sorted((r.source_id, r.status, r.stats.new) for r in runs) == [
            (acme, RunStatus.COMPLETED, 3),
            (globex, RunStatus.COMPLETED, 2),
        ]
        assert board.hits("/v1/boards/initech/jobs") == []

    def test_a_redelivered_request_enqueues_no_second_task(
        self, container: Container, board: JobBoardServer, settings: Settings
    ) -> None:
        board.script("/v1/boards/acme/jobs", Reply(200, jobs(1)))
        source_id = add(container, board, "acme")
        queue: SqliteDeliveryQueue = container.delivery
        dispatch = FunctionDeliverer(
            "dispatch_crawls",
            create_function_app(FUNCTIONS, TOPOLOGY.function(DISPATCH.function), "cloudevent"),
            "message",
            settings.project_id,
        )
        delivered: list[Delivery] = []
        queue.register(DISPATCH.name, lambda d: (delivered.append(d), dispatch(d))[-1])
        publish(container.publisher, CrawlRequest(source_id=source_id))
        queue.drain()

        # Pub/Sub redelivers the same message (same id and payload) through the same handler.
        [first] = delivered
        dispatch(first)

        assert queue.pending(CRAWLS) == 0
        queue.drain()
        runs, _ = container.make(RunLedger).list()
        assert [r.request_id for r in runs] == [first.id]
        assert len(board.hits("/v1/boards/acme/jobs")) == 1

    def test_a_failed_crawl_is_recorded_and_acknowledged(
        self, container: Container, board: JobBoardServer
    ) -> None:
        board.script("/v1/boards/gone/jobs", Reply(404, b"{}"))
        add(container, board, "gone")

        publish(container.publisher, CrawlRequest(source_id="greenhouse-gone"))
        container.delivery.drain()

        runs, _ = container.make(RunLedger).list()
        assert [(r.status, r.failure_class) for r in runs] == [(RunStatus.FAILED, "SOURCE_NOT_FOUND")]
        assert container.delivery.dead_letters() == []


class TestMaintenance:
    def test_the_sweep_schedule_times_out_a_stuck_run(
        self, container: Container, board: JobBoardServer, clock: ManualClock
    ) -> None:
        ledger = container.make(RunLedger)
        stuck = ledger.open(add(container, board, "acme"), "r1", "schedule").run
        ledger.begin(stuck.id)
        clock.advance(minutes=20)

        container.publisher.publish(MAINTENANCE, SWEEP.payload)
        container.delivery.drain()

        assert ledger.get(stuck.id).failure_class == "TIMEOUT"
