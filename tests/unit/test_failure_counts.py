"""Failures of the last hours by class and channel, from dead letters and failed crawler runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import flask
import pytest
from flask.testing import FlaskClient

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.api.routes import ops_routes
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.edge.http import HttpApp
from shared.messages import CrawlTask, ExtractionTask, channel_of
from shared.ports import Role
from shared.repositories.runs import RunLedger
from shared.services.failure_counts import FailureCount, FailureCounts
from shared.services.operations import DeadLetterService
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY

CRAWLS = channel_of(CrawlTask)
EXTRACTIONS = channel_of(ExtractionTask)
SECRET = "ops-test-secret-0123456789abcdef"


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    identity = DevTokenIdentity(SECRET, environment="test")
    container = Container(settings, identity=identity, clock=clock, store=store, delivery=queue)
    yield container
    container.close()


def letter(container: Container, clock: ManualClock, queue: str, name: str, failure: FailureClass) -> None:
    container.make(DeadLetterService).record(
        DeadLetter.for_task(
            queue=queue,
            task_name=name,
            payload=json.dumps({"n": name}),
            attempts=5,
            last_error="failed",
            failure_class=failure,
            at=clock.now(),
        )
    )


def failed_run(container: Container, source_id: str, request_id: str, failure: FailureClass) -> None:
    ledger = container.make(RunLedger)
    run = ledger.open(source_id, request_id, "operator").run
    ledger.fail(run.id, failure, "board answered 503")


@pytest.fixture
def source_id(container: Container) -> str:
    source, _ = container.make(SourceService).save(SourceSpec(kind="greenhouse", board="acme"))
    return source.id


class TestSummary:
    def test_counts_the_window_by_kind_channel_and_class(
        self, container: Container, clock: ManualClock, source_id: str
    ) -> None:
        letter(container, clock, CRAWLS, "too-old", FailureClass.INTERNAL)
        failed_run(container, source_id, "too-old", FailureClass.SOURCE_UNAVAILABLE)
        clock.advance(hours=25)
        for n in range(3):
            letter(container, clock, EXTRACTIONS, f"x{n}", FailureClass.INTERNAL)
        letter(container, clock, EXTRACTIONS, "pdf", FailureClass.PDF_CORRUPT)
        letter(container, clock, CRAWLS, "c1", FailureClass.INTERNAL)
        failed_run(container, source_id, "r1", FailureClass.SOURCE_UNAVAILABLE)
        failed_run(container, source_id, "r2", FailureClass.SOURCE_UNAVAILABLE)
        clock.advance(minutes=1)

        found = container.make(FailureCounts).summary(24)

        assert (found.since, found.until) == (clock.now() - timedelta(hours=24), clock.now())
        assert found.counts == [
            FailureCount("dead_letter", EXTRACTIONS, FailureClass.INTERNAL, 3),
            FailureCount("run", source_id, FailureClass.SOURCE_UNAVAILABLE, 2),
            FailureCount("dead_letter", CRAWLS, FailureClass.INTERNAL, 1),
            FailureCount("dead_letter", EXTRACTIONS, FailureClass.PDF_CORRUPT, 1),
        ]
        assert found.by_class == [
            (FailureClass.INTERNAL, 4),
            (FailureClass.SOURCE_UNAVAILABLE, 2),
            (FailureClass.PDF_CORRUPT, 1),
        ]
        assert (found.total, found.truncated) == (7, False)

    def test_replayed_and_discarded_letters_still_count(
        self, container: Container, clock: ManualClock
    ) -> None:
        for name in ("a", "b"):
            letter(container, clock, CRAWLS, name, FailureClass.INTERNAL)
        service = container.make(DeadLetterService)
        service.replay(DeadLetter.key("task", CRAWLS, "a"))
        service.discard(DeadLetter.key("task", CRAWLS, "b"), reason="obsolete", by="op-1")

        assert container.make(FailureCounts).summary().total == 2

    def test_says_when_it_counted_only_part_of_the_window(
        self, container: Container, clock: ManualClock
    ) -> None:
        for n in range(4):
            letter(container, clock, CRAWLS, f"t{n}", FailureClass.INTERNAL)

        found = container.make(FailureCounts).summary(scan_limit=3)

        assert (found.total, found.truncated) == (3, True)

    @pytest.mark.parametrize("hours", [0, 7 * 24 + 1])
    def test_refuses_a_window_out_of_range(self, container: Container, hours: int) -> None:
        with pytest.raises(InvalidInput, match="hours"):
            container.make(FailureCounts).summary(hours)


class TestRoute:
    @pytest.fixture
    def client(self, container: Container) -> FlaskClient:
        http = HttpApp("ops", ops_routes(), container_factory=lambda: container)
        app = flask.Flask("ops-test")
        app.add_url_rule("/<path:path>", "all", lambda path: http(flask.request), methods=["GET"])
        return app.test_client()

    def token(self, container: Container, role: Role = Role.OPERATOR) -> dict[str, str]:
        return {"Authorization": f"Bearer {container.identity.mint('op-1', role=role)}"}

    def test_answers_the_counts_to_an_operator(
        self, client: FlaskClient, container: Container, clock: ManualClock, source_id: str
    ) -> None:
        letter(container, clock, EXTRACTIONS, "x", FailureClass.PDF_CORRUPT)
        failed_run(container, source_id, "r1", FailureClass.SOURCE_UNAVAILABLE)

        body = client.get("/failures?hours=6", headers=self.token(container)).get_json()

        assert body["total"] == 2
        assert {(c["kind"], c["channel"], c["failure_class"], c["count"]) for c in body["counts"]} == {
            ("dead_letter", EXTRACTIONS, "PDF_CORRUPT", 1),
            ("run", source_id, "SOURCE_UNAVAILABLE", 1),
        }
        assert {c["failure_class"] for c in body["by_class"]} == {"PDF_CORRUPT", "SOURCE_UNAVAILABLE"}

    def test_refuses_users_and_bad_windows_with_problems(
        self, client: FlaskClient, container: Container
    ) -> None:
        user = client.get("/failures", headers=self.token(container, Role.USER))
        bad = client.get("/failures?hours=0", headers=self.token(container))

        assert (user.status_code, bad.status_code) == (403, 422)
        assert user.mimetype == bad.mimetype == "application/problem+json"
