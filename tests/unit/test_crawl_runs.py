"""Crawls end to end on the local backend: a real fetch from a local misbehaving board,
the SQLite store, and run records an operator can read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.http_fetcher import HttpxFetcher
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.errors import NotFound
from shared.domain.failures import FailureClass
from shared.domain.job_sources import SourceTerms
from shared.domain.runs import Run, RunStatus
from shared.messages import OffersChanged, channel_of
from shared.ports import Query
from shared.repositories.offers import OFFERS
from shared.services.runs import RunService
from shared.services.sources import SourceSpec
from shared.topology import TOPOLOGY
from tests.support.job_board_server import JobBoardServer, Reply, running
from tests.support.recording import RecordingPublisher

OFFER_EVENTS = channel_of(OffersChanged)

GREENHOUSE = "/v1/boards/acme/jobs"
SOURCE = "greenhouse-acme"


@pytest.fixture
def board() -> Iterator[JobBoardServer]:
    with running() as server:
        yield server


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    s = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    yield s
    s.close()


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def service(
    store: SqliteDocumentStore, clock: ManualClock, publisher: RecordingPublisher
) -> Iterator[RunService]:
    fetcher = HttpxFetcher(
        timeout_s=0.5, connect_timeout_s=0.5, max_attempts=2, backoff_s=0, sleep=lambda _: None
    )
    wiring = Container(Settings(), store=store, clock=clock, publisher=publisher, fetcher=fetcher)
    yield wiring.make(RunService)
    fetcher.close()


@pytest.fixture
def kit_jobs(shared_data: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        (shared_data / "job-sources/greenhouse/anthropic_board-jobs_content-true_4jobs.json").read_bytes()
    )
    return doc


def register(
    service: RunService, board: JobBoardServer, *, kind: str = "greenhouse", name: str = "acme", **terms: Any
) -> str:
    spec = SourceSpec(kind=kind, board=name, base_url=board.base_url, terms=SourceTerms(**terms))
    return service.sources.save(spec)[0].id


def body(doc: Any) -> bytes:
    return json.dumps(doc).encode()


def crawled_once(service: RunService, board: JobBoardServer, doc: Any, *, etag: str | None = None) -> str:
    """Register the board's source and crawl it once (request r1) while it serves ``doc``."""
    board.script(GREENHOUSE, Reply(200, body(doc), etag=etag))
    source_id = register(service, board)
    service.crawl(source_id, "r1")
    return source_id


def offers_of(store: SqliteDocumentStore) -> dict[str, dict[str, Any]]:
    return {s.id: s.data for s in store.query(Query(OFFERS))}


class TestFirstCrawl:
    def test_creates_every_offer_and_announces_them_once(
        self,
        service: RunService,
        board: JobBoardServer,
        store: SqliteDocumentStore,
        publisher: RecordingPublisher,
        kit_jobs: dict[str, Any],
    ) -> None:
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        source_id = register(service, board)

        run = service.crawl(source_id, "r1")

        assert run.status == RunStatus.COMPLETED
        assert (run.stats.fetched, run.stats.new, run.stats.updated, run.stats.closed) == (4, 4, 0, 0)
        assert len(offers_of(store)) == 4
        assert [topic for topic, _ in publisher.sent] == [OFFER_EVENTS]
        assert sorted(publisher.sent[0][1]["offer_ids"]) == sorted(offers_of(store))
        assert service.sources.get(source_id).offer_count == 4

    def test_sends_the_user_agent_of_the_source_terms(
        self, service: RunService, board: JobBoardServer, kit_jobs: dict[str, Any]
    ) -> None:
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        source_id = register(service, board, user_agent="acme-partner-bot/1.0 (+ops@example.org)")

        service.crawl(source_id, "r1")

        assert board.hits(GREENHOUSE)[0].headers["User-Agent"] == "acme-partner-bot/1.0 (+ops@example.org)"

    def test_an_empty_board_is_a_completed_run_with_zero_offers(
        self, service: RunService, board: JobBoardServer, publisher: RecordingPublisher
    ) -> None:
        board.script(GREENHOUSE, Reply(200, body({"jobs": [], "meta": {"total": 0}})))

        run = service.crawl(register(service, board), "r1")

        assert run.status == RunStatus.COMPLETED
        assert run.stats.fetched == 0
        assert publisher.sent == []


class TestRecrawl:
    def test_an_unchanged_board_rewrites_no_offer_and_announces_nothing(
        self,
        service: RunService,
        board: JobBoardServer,
        store: SqliteDocumentStore,
        publisher: RecordingPublisher,
        clock: ManualClock,
        kit_jobs: dict[str, Any],
    ) -> None:
        source_id = crawled_once(service, board, kit_jobs)
        before = offers_of(store)
        clock.advance(hours=6)

        run = service.crawl(source_id, "r2")

        assert (run.stats.unchanged, run.stats.new, run.stats.updated, run.stats.closed) == (4, 0, 0, 0)
        assert offers_of(store) == before  # changed_at and run_id untouched: nothing was rewritten
        assert len(publisher.sent) == 1

    def test_changed_postings_are_updated_and_vanished_ones_closed(
        self,
        service: RunService,
        board: JobBoardServer,
        store: SqliteDocumentStore,
        publisher: RecordingPublisher,
        clock: ManualClock,
        kit_jobs: dict[str, Any],
    ) -> None:
        source_id = crawled_once(service, board, kit_jobs)
        edited = json.loads(json.dumps(kit_jobs))
        edited["jobs"][0]["title"] += " (Senior)"
        gone = edited["jobs"].pop()
        board.script(GREENHOUSE, Reply(200, body(edited)))
        clock.advance(hours=6)

        run = service.crawl(source_id, "r2")

        closed = [d for d in offers_of(store).values() if d["closed_at"] is not None]
        assert (run.stats.updated, run.stats.closed, run.stats.unchanged) == (1, 1, 2)
        assert [d["external_id"] for d in closed] == [str(gone["id"])]
        assert closed[0]["closed_at"] == clock.now()
        assert len(publisher.sent[1][1]["offer_ids"]) == 2
        assert service.sources.get(source_id).offer_count == 3

    def test_a_posting_that_comes_back_is_reopened(
        self,
        service: RunService,
        board: JobBoardServer,
        store: SqliteDocumentStore,
        clock: ManualClock,
        kit_jobs: dict[str, Any],
    ) -> None:
        source_id = register(service, board)
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        service.crawl(source_id, "r1")
        board.script(GREENHOUSE, Reply(200, body({"jobs": kit_jobs["jobs"][:3]})))
        service.crawl(source_id, "r2")
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))

        run = service.crawl(source_id, "r3")

        assert (run.stats.updated, run.stats.unchanged) == (1, 3)
        assert all(d["closed_at"] is None for d in offers_of(store).values())

    def test_a_304_completes_with_everything_unchanged(
        self,
        service: RunService,
        board: JobBoardServer,
        store: SqliteDocumentStore,
        publisher: RecordingPublisher,
        kit_jobs: dict[str, Any],
    ) -> None:
        source_id = crawled_once(service, board, kit_jobs, etag='"rev-7"')
        before = offers_of(store)

        run = service.crawl(source_id, "r2")

        assert board.hits(GREENHOUSE)[1].headers["If-None-Match"] == '"rev-7"'
        assert run.status == RunStatus.COMPLETED
        assert run.stats.not_modified
        assert (run.stats.unchanged, run.stats.fetched) == (4, 0)
        assert offers_of(store) == before
        assert len(publisher.sent) == 1


class TestFailures:
    @pytest.mark.parametrize(
        ("reply", "failure"),
        [
            (Reply(404, b"{}"), FailureClass.SOURCE_NOT_FOUND),
            (Reply(200, b'{"jobs": [{"id": 1,'), FailureClass.SOURCE_PARSE_ERROR),
            (Reply(503, b""), FailureClass.SOURCE_UNAVAILABLE),
            (Reply(429, b"", {"Retry-After": "1"}), FailureClass.SOURCE_RATE_LIMITED),
            (Reply(200, b"{}", delay_s=2.0), FailureClass.SOURCE_UNAVAILABLE),
        ],
        ids=["404", "malformed-json", "503", "429", "timeout"],
    )
    def test_a_failed_fetch_fails_the_run_with_its_class(
        self, service: RunService, board: JobBoardServer, reply: Reply, failure: FailureClass
    ) -> None:
        board.script(GREENHOUSE, reply)
        source_id = register(service, board)

        run = service.crawl(source_id, "r1")

        assert run.status == RunStatus.FAILED
        assert run.failure_class == failure
        assert run.finished_at is not None
        assert service.sources.get(source_id).active_run_id is None

    def test_500_then_200_completes(
        self, service: RunService, board: JobBoardServer, kit_jobs: dict[str, Any]
    ) -> None:
        board.script(GREENHOUSE, Reply(500, b"boom"), Reply(200, body(kit_jobs)))

        run = service.crawl(register(service, board), "r1")

        assert run.status == RunStatus.COMPLETED
        assert len(board.hits(GREENHOUSE)) == 2

    def test_a_failed_crawl_keeps_the_offers_it_had(
        self, service: RunService, board: JobBoardServer, store: SqliteDocumentStore, kit_jobs: dict[str, Any]
    ) -> None:
        source_id = crawled_once(service, board, kit_jobs)
        board.script(GREENHOUSE, Reply(503, b""))

        service.crawl(source_id, "r2")

        assert all(d["closed_at"] is None for d in offers_of(store).values())

    @pytest.mark.parametrize(
        "payload",
        [b"[" * 100_000 + b"]" * 100_000, b'{"jobs": [{"id": ' + b"9" * 5000 + b"}]}"],
        ids=["nested-100000", "5000-digits"],
    )
    def test_an_unreadable_board_payload_is_a_parse_error_not_internal(
        self, service: RunService, board: JobBoardServer, payload: bytes
    ) -> None:
        board.script(GREENHOUSE, Reply(200, payload))

        run = service.crawl(register(service, board), "r1")

        assert (run.status, run.failure_class) == (RunStatus.FAILED, FailureClass.SOURCE_PARSE_ERROR)

    def test_an_unexpected_error_leaves_the_run_for_the_retry_then_dead_letters(
        self, service: RunService, board: JobBoardServer, kit_jobs: dict[str, Any]
    ) -> None:
        # Before: the first attempt marked the run FAILED(INTERNAL), so the retry found it
        # finished and acknowledged it: never retried, never dead-lettered.
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        source_id = register(service, board)
        broken = _Exploding(service)

        with pytest.raises(RuntimeError):
            broken.crawl(source_id, "r1", final_attempt=False)
        assert service.ledger.get(broken.last_run).status == RunStatus.RUNNING

        run = service.crawl(source_id, "r1", retry=True, final_attempt=False)

        assert run.status == RunStatus.COMPLETED

    def test_an_unexpected_error_on_the_final_attempt_fails_internal_and_raises(
        self, service: RunService, board: JobBoardServer, kit_jobs: dict[str, Any]
    ) -> None:
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        source_id = register(service, board)
        broken = _Exploding(service)
        with pytest.raises(RuntimeError):
            broken.crawl(source_id, "r1", final_attempt=False)

        with pytest.raises(RuntimeError):
            broken.crawl(source_id, "r1", retry=True, final_attempt=True)

        failed = service.ledger.get(broken.last_run)
        assert (failed.status, failed.failure_class) == (RunStatus.FAILED, FailureClass.INTERNAL)

    def test_an_unknown_source_is_not_found(self, service: RunService) -> None:
        with pytest.raises(NotFound):
            service.crawl("greenhouse-nobody", "r1")


class _Exploding(RunService):
    """The same RunService, but its recorder's offer write hits a bug (an unexpected exception)."""

    def __init__(self, inner: RunService) -> None:
        super().__init__(inner.ledger, inner.sources, self, inner._fetcher)  # type: ignore[arg-type]
        self.last_run = ""

    def record(self, run: Any, *args: Any, **kwargs: Any) -> Any:
        """The recorder's one method, failing."""
        self.last_run = run.id
        raise RuntimeError("a bug in the offer upsert")


class TestPagination:
    def test_arbeitnow_follows_links_next_on_its_own_host(
        self, service: RunService, board: JobBoardServer, shared_data: Path
    ) -> None:
        jobs = json.loads(
            (shared_data / "job-sources/arbeitnow/job-board-api_100jobs_2026-02-15.json").read_bytes()
        )
        first = {
            "data": jobs["data"][:60],
            "links": {"next": "https://www.arbeitnow.com/api/job-board-api?page=2"},
        }
        second = {"data": jobs["data"][60:], "links": {"next": None}}
        board.script("/api/job-board-api", Reply(200, body(first)), Reply(200, body(second)))
        source_id = register(service, board, kind="arbeitnow", name="all", max_requests_per_minute=600)

        run = service.crawl(source_id, "r1")

        assert (run.status, run.stats.new, run.stats.requests) == (RunStatus.COMPLETED, 100, 2)
        assert [h.query.get("page") for h in board.hits("/api/job-board-api")] == ["1", "2"]

    def test_smartrecruiters_pages_by_offset_until_total_found(
        self, service: RunService, board: JobBoardServer, shared_data: Path
    ) -> None:
        kit = json.loads(
            (shared_data / "job-sources/smartrecruiters/aboutyou_postings-list_3postings.json").read_bytes()
        )
        postings = [{**kit["content"][i % 3], "id": str(1000 + i)} for i in range(130)]
        pages = [
            {"offset": o, "limit": 100, "totalFound": 130, "content": postings[o : o + 100]} for o in (0, 100)
        ]
        board.script("/v1/companies/acme/postings", *(Reply(200, body(p)) for p in pages))
        source_id = register(service, board, kind="smartrecruiters", name="acme", max_requests_per_minute=600)

        run = service.crawl(source_id, "r1")

        assert (run.stats.new, run.stats.requests) == (130, 2)
        assert [h.query["offset"] for h in board.hits("/v1/companies/acme/postings")] == ["0", "100"]


class TestOneActiveRunPerSource:
    def test_a_second_request_while_a_run_is_active_starts_nothing(
        self, service: RunService, board: JobBoardServer
    ) -> None:
        source_id = register(service, board)
        first = service.ledger.open(source_id, "r1", "operator")

        second = service.crawl(source_id, "r2")

        assert second.id == first.run.id
        assert board.hits(GREENHOUSE) == []

    def test_a_duplicate_delivery_of_the_same_request_crawls_once(
        self, service: RunService, board: JobBoardServer, kit_jobs: dict[str, Any]
    ) -> None:
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        source_id = register(service, board)

        first = service.crawl(source_id, "r1")
        again = service.crawl(source_id, "r1")

        assert again == first
        assert len(board.hits(GREENHOUSE)) == 1


class TestSweeper:
    def test_fails_a_running_run_past_its_lease_with_timeout(
        self, service: RunService, board: JobBoardServer, clock: ManualClock
    ) -> None:
        source_id = register(service, board)
        opened = service.ledger.open(source_id, "r1", "schedule").run
        service.ledger.begin(opened.id)
        clock.advance(minutes=16)

        swept = service.sweep()

        assert [(r.id, r.status, r.failure_class) for r in swept] == [
            (opened.id, RunStatus.FAILED, FailureClass.TIMEOUT)
        ]
        assert service.sources.get(source_id).active_run_id is None

    def test_fails_a_pending_run_nobody_started(
        self, service: RunService, board: JobBoardServer, clock: ManualClock
    ) -> None:
        opened = service.ledger.open(register(service, board), "r1", "operator").run
        clock.advance(hours=2)

        assert [r.id for r in service.sweep()] == [opened.id]

    def test_leaves_runs_within_their_lease_alone(
        self, service: RunService, board: JobBoardServer, clock: ManualClock
    ) -> None:
        opened = service.ledger.open(register(service, board), "r1", "schedule").run
        service.ledger.begin(opened.id)
        clock.advance(minutes=5)

        assert service.sweep() == []
        assert service.ledger.get(opened.id).status == RunStatus.RUNNING

    def test_a_swept_source_can_be_crawled_again(
        self, service: RunService, board: JobBoardServer, clock: ManualClock, kit_jobs: dict[str, Any]
    ) -> None:
        board.script(GREENHOUSE, Reply(200, body(kit_jobs)))
        source_id = register(service, board)
        service.ledger.begin(service.ledger.open(source_id, "r1", "schedule").run.id)
        clock.advance(minutes=16)
        service.sweep()

        run: Run = service.crawl(source_id, "r2")

        assert run.status == RunStatus.COMPLETED
