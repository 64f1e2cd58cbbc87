"""Dead letters for operators: idempotent record and replay, bulk replay, filtered pages."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from itertools import combinations
from typing import Any

import pytest
from cloudevents.http import CloudEvent

from functions.record_dead_letter.main import record_dead_letter
from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_queue import Delivery, DeliveryFailed, SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import Conflict, InvalidInput, NotFound
from shared.domain.failures import FailureClass
from shared.messages import (
    CrawlTask,
    DeadLetterForward,
    ExtractionTask,
    InvalidMessage,
    UploadFinalized,
    channel_of,
)
from shared.repositories.career_profiles import CareerProfiles
from shared.repositories.dead_letters import DeadLetters
from shared.repositories.documents import Documents
from shared.repositories.matches import Matches
from shared.services.dead_letter_owners import DeadLetterOwners
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY

CRAWLS = channel_of(CrawlTask)
UPLOADS = channel_of(UploadFinalized)

SUB = TOPOLOGY.subscription("uploads-confirm")


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    yield store
    store.close()


@pytest.fixture
def queue(clock: ManualClock) -> Iterator[SqliteDeliveryQueue]:
    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    yield queue
    queue.close()


def dead_letter_service(
    store: SqliteDocumentStore, clock: ManualClock, queue: SqliteDeliveryQueue
) -> DeadLetterService:
    owners = DeadLetterOwners(
        Documents(store), CareerProfiles(store), Matches(store), clock, TOPOLOGY, store=store
    )
    return DeadLetterService(
        DeadLetters(store), clock, publisher=queue, tasks=queue, topology=TOPOLOGY, owners=owners
    )


@pytest.fixture
def service(store: SqliteDocumentStore, clock: ManualClock, queue: SqliteDeliveryQueue) -> DeadLetterService:
    return dead_letter_service(store, clock, queue)


def task_letter(clock: ManualClock, name: str = "crawl-s1-7", **overrides: Any) -> DeadLetter:
    fields: dict[str, Any] = {
        "queue": CRAWLS,
        "task_name": name,
        "payload": json.dumps({"source_id": "s1"}),
        "attempts": 4,
        "last_error": "board answered 503",
        "failure_class": FailureClass.SOURCE_UNAVAILABLE,
        "at": clock.now(),
    }
    fields.update(overrides)
    return DeadLetter.for_task(**fields)


def message_letter(clock: ManualClock, message_id: str = "m1", **overrides: Any) -> DeadLetter:
    fields: dict[str, Any] = {
        "topic": UPLOADS,
        "subscription": SUB.name,
        "message_id": message_id,
        "payload": json.dumps({"name": "users/u1/documents/d1.pdf"}),
        "attributes": {"eventType": "OBJECT_FINALIZE"},
        "attempts": 5,
        "last_error": "boom",
        "failure_class": FailureClass.INTERNAL,
        "at": clock.now(),
    }
    fields.update(overrides)
    return DeadLetter.for_message(**fields)


def collect(queue: SqliteDeliveryQueue, channel: str) -> list[Delivery]:
    got: list[Delivery] = []
    queue.register(channel, got.append)
    queue.drain()
    return got


class TestRecord:
    def test_second_record_of_the_same_id_keeps_the_first(
        self, service: DeadLetterService, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        first = task_letter(clock)
        service.record(first)
        writes = store.writes

        service.record(task_letter(clock, last_error="a different story", attempts=9))

        assert service.get(first.id) == first
        assert store.writes == writes

    def test_records_a_message_forwarded_to_a_dead_letter_topic(self, service: DeadLetterService) -> None:
        attributes = {
            "eventType": "OBJECT_FINALIZE",
            "CloudPubSubDeadLetterSourceSubscription": f"projects/demo/subscriptions/{SUB.name}",
            "CloudPubSubDeadLetterSourceDeliveryCount": "5",
            "CloudPubSubDeadLetterSourceSubscriptionProject": "demo",
        }

        dl = service.record_forward(DeadLetterForward.from_push("42", {"name": "x.pdf"}, attributes))

        stored = service.get(dl.id)
        assert (stored.kind, stored.origin, stored.channel, stored.message_id) == (
            "message",
            UPLOADS,
            SUB.name,
            "42",
        )
        assert (stored.attempts, stored.attributes) == (5, {"eventType": "OBJECT_FINALIZE"})
        assert json.loads(stored.payload) == {"name": "x.pdf"}

    def test_refuses_a_message_without_dead_letter_attributes(self, service: DeadLetterService) -> None:
        with pytest.raises(InvalidMessage, match="subscription"):
            DeadLetterForward.from_push("1", {}, {})

    def test_queue_hook_and_dlq_recorder_make_one_letter_with_the_real_error(
        self, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        def hook(dl: DeadLetter) -> None:
            service.record(dl)  # bound late: the service needs the queue, the queue reports to it

        queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock, on_dead_letter=hook)
        service = dead_letter_service(store, clock, queue)

        def fail(delivery: Delivery) -> None:
            raise DeliveryFailed("pdf unreadable", FailureClass.PDF_CORRUPT)

        queue.register(SUB.name, fail)
        queue.register(
            f"{SUB.dead_letter_topic}-record",
            lambda d: service.record_forward(DeadLetterForward.from_push(d.id, d.data, d.attributes)),
        )
        queue.publish(UPLOADS, {"name": "users/u1/documents/d1.pdf"})

        queue.drain()

        [letter] = service.list().items
        assert (letter.last_error, letter.failure_class) == ("pdf unreadable", FailureClass.PDF_CORRUPT)
        queue.close()


class TestReplay:
    def test_message_is_republished_to_its_origin_topic_and_marked(
        self, service: DeadLetterService, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        dl = message_letter(clock)
        service.record(dl)
        clock.advance(minutes=3)

        replayed = service.replay(dl.id)

        [delivery] = collect(queue, SUB.name)
        assert delivery.data == json.loads(dl.payload)
        assert delivery.attributes == {**dl.attributes, "replayOf": dl.id}
        assert (replayed.status, replayed.replay_count, replayed.replayed_at) == ("replayed", 1, clock.now())
        assert service.get(dl.id) == replayed

    def test_task_is_re_enqueued_under_a_deterministic_name(
        self, service: DeadLetterService, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        dl = task_letter(clock, name="crawl-s1-7")
        service.record(dl)

        service.replay(dl.id)

        [delivery] = collect(queue, CRAWLS)
        assert (delivery.id, delivery.data) == ("crawl-s1-7-replay-1", {"source_id": "s1"})

    def test_replaying_twice_sends_once_and_returns_the_letter_unchanged(
        self, service: DeadLetterService, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        dl = message_letter(clock)
        service.record(dl)
        first = service.replay(dl.id)
        clock.advance(minutes=1)

        second = service.replay(dl.id)

        assert second == first
        assert queue.pending(SUB.name) == 1

    def test_unknown_letter_is_not_found(self, service: DeadLetterService) -> None:
        with pytest.raises(NotFound):
            service.replay("does-not-exist")
        with pytest.raises(NotFound):
            service.get("../escape")


class TestReplayAll:
    def test_replays_only_dead_letters_matching_the_filters(
        self, service: DeadLetterService, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        service.record(task_letter(clock, name="t1"))
        service.record(task_letter(clock, name="t2"))
        service.record(task_letter(clock, name="t3", failure_class=FailureClass.SOURCE_PARSE_ERROR))
        service.record(message_letter(clock, "m1"))

        by_class = service.replay_all(FailureClass.SOURCE_UNAVAILABLE)
        by_origin = service.replay_all(origin=UPLOADS)
        rest = service.replay_all()
        again = service.replay_all()

        assert (by_class, by_origin, rest, again) == (2, 1, 1, 0)
        assert sorted(d.id for d in collect(queue, CRAWLS)) == ["t1-replay-1", "t2-replay-1", "t3-replay-1"]

    def test_an_unreplayable_letter_does_not_stop_the_others(
        self, service: DeadLetterService, clock: ManualClock
    ) -> None:
        service.record(task_letter(clock, name="broken", payload="not json"))
        service.record(task_letter(clock, name="fine"))

        replayed = service.replay_all()

        assert replayed == 1
        assert service.list(status="dead").items[0].message_id == "broken"


class TestDiscard:
    def test_records_who_when_and_why_and_leaves_the_dead_view(
        self, service: DeadLetterService, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        dl = task_letter(clock)
        service.record(dl)
        clock.advance(minutes=5)

        discarded = service.discard(dl.id, reason="  board closed\nfor good ", by="op-1")

        assert (
            discarded.status,
            discarded.discarded_by,
            discarded.discarded_at,
            discarded.discard_reason,
        ) == (
            "discarded",
            "op-1",
            clock.now(),
            "board closed for good",
        )
        assert service.get(dl.id) == discarded
        assert service.list(status="dead").items == []
        assert [d.id for d in service.list(status="discarded").items] == [dl.id]
        assert queue.pending(CRAWLS) == 0

    def test_the_same_discard_again_changes_nothing(
        self, service: DeadLetterService, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        dl = task_letter(clock)
        service.record(dl)
        first = service.discard(dl.id, reason="obsolete", by="op-1")
        writes = store.writes
        clock.advance(minutes=1)

        second = service.discard(dl.id, reason="obsolete", by="op-1")

        assert second == first
        assert store.writes == writes

    def test_a_replayed_or_otherwise_discarded_letter_is_a_conflict(
        self, service: DeadLetterService, clock: ManualClock
    ) -> None:
        replayed, discarded = task_letter(clock, name="r"), task_letter(clock, name="d")
        service.record(replayed)
        service.record(discarded)
        service.replay(replayed.id)
        service.discard(discarded.id, reason="obsolete", by="op-1")

        with pytest.raises(Conflict, match="replayed"):
            service.discard(replayed.id, reason="obsolete", by="op-1")
        with pytest.raises(Conflict, match="discarded"):
            service.discard(discarded.id, reason="another reason", by="op-2")
        assert service.get(discarded.id).discarded_by == "op-1"

    def test_a_discarded_letter_is_never_replayed(
        self, service: DeadLetterService, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        dl = task_letter(clock)
        service.record(dl)
        service.discard(dl.id, reason="obsolete", by="op-1")

        with pytest.raises(Conflict, match="discarded"):
            service.replay(dl.id)
        assert service.replay_all() == 0
        assert queue.pending(CRAWLS) == 0

    @pytest.mark.parametrize("reason", ["", "  ", "ok", "x" * 501])
    def test_needs_a_reason(self, service: DeadLetterService, clock: ManualClock, reason: str) -> None:
        dl = task_letter(clock)
        service.record(dl)

        with pytest.raises(InvalidInput, match="reason"):
            service.discard(dl.id, reason=reason, by="op-1")
        assert service.get(dl.id).status == "dead"

    def test_unknown_letter_is_not_found(self, service: DeadLetterService) -> None:
        with pytest.raises(NotFound):
            service.discard("does-not-exist", reason="obsolete", by="op-1")


class TestDiscardMany:
    def test_discards_the_dead_ones_and_reports_the_rest(
        self, service: DeadLetterService, clock: ManualClock
    ) -> None:
        a, b, replayed = (task_letter(clock, name=n) for n in ("a", "b", "r"))
        for dl in (a, b, replayed):
            service.record(dl)
        service.replay(replayed.id)

        done = service.discard_many([a.id, b.id, a.id, replayed.id, "missing"], reason="obsolete", by="op-1")

        assert [d.id for d in done.discarded] == [a.id, b.id]
        assert [(s.id, "replayed" in s.reason or "not found" in s.reason) for s in done.skipped] == [
            (replayed.id, True),
            ("missing", True),
        ]
        assert {service.get(i).status for i in (a.id, b.id)} == {"discarded"}

    def test_refuses_an_empty_selection(self, service: DeadLetterService) -> None:
        with pytest.raises(InvalidInput):
            service.discard_many([], reason="obsolete", by="op-1")


class TestList:
    def test_pages_newest_first_with_a_cursor(self, service: DeadLetterService, clock: ManualClock) -> None:
        for n in range(5):
            service.record(task_letter(clock, name=f"t{n}"))
            clock.advance(seconds=10)

        pages, cursor = [], None
        while True:
            page = service.list(limit=2, cursor=cursor)
            pages.append([dl.message_id for dl in page.items])
            cursor = page.next_cursor
            if cursor is None:
                break

        assert pages == [["t4", "t3"], ["t2", "t1"], ["t0"]]

    @pytest.mark.parametrize(
        "keys",
        [combo for n in range(4) for combo in combinations(("status", "failure_class", "origin"), n)],
    )
    def test_every_filter_combination_is_served_by_a_declared_index(
        self, service: DeadLetterService, clock: ManualClock, keys: tuple[str, ...]
    ) -> None:
        target = task_letter(clock, name="target")
        service.record(target)
        service.record(message_letter(clock, "other", at=clock.now() + timedelta(seconds=1)))
        service.record(task_letter(clock, name="replayed"))
        service.replay(DeadLetter.key("task", CRAWLS, "replayed"))
        wanted = {"status": "dead", "failure_class": FailureClass.SOURCE_UNAVAILABLE, "origin": CRAWLS}

        page = service.list(**{k: wanted[k] for k in keys})  # type: ignore[arg-type]

        ids = {dl.message_id for dl in page.items}
        assert "target" in ids
        assert ("other" in ids) == (not {"failure_class", "origin"} & set(keys))
        assert ("replayed" in ids) == ("status" not in keys)

    def test_refuses_bad_cursor_and_limit(self, service: DeadLetterService) -> None:
        with pytest.raises(InvalidInput, match="cursor"):
            service.list(cursor="not-a-cursor")
        with pytest.raises(InvalidInput, match="limit"):
            service.list(limit=0)


class TestRecordDeadLetterFunction:
    def test_records_a_pubsub_push_from_a_dead_letter_topic(
        self, settings: Settings, store: SqliteDocumentStore, queue: SqliteDeliveryQueue, clock: ManualClock
    ) -> None:
        container = Container(settings, store=store, clock=clock, delivery=queue)
        bootstrap.install(container)
        message = {
            "data": base64.b64encode(json.dumps({"name": "users/u1/documents/d1.pdf"}).encode()).decode(),
            "attributes": {
                "eventType": "OBJECT_FINALIZE",
                "CloudPubSubDeadLetterSourceSubscription": SUB.name,
                "CloudPubSubDeadLetterSourceDeliveryCount": "5",
            },
            "messageId": "9001",
            "publishTime": clock.now().isoformat(),
        }
        event = CloudEvent(
            {
                "type": "google.cloud.pubsub.topic.v1.messagePublished",
                "source": f"//pubsub.googleapis.com/projects/demo/topics/{SUB.dead_letter_topic}",
                "id": "9001",
            },
            {
                "subscription": f"projects/demo/subscriptions/{SUB.dead_letter_topic}-record",
                "message": message,
            },
        )

        record_dead_letter(event)
        record_dead_letter(event)  # redelivered push: still one letter

        [letter] = container.make(DeadLetterService).list().items
        assert (letter.origin, letter.message_id, letter.attempts) == (UPLOADS, "9001", 5)
        assert json.loads(letter.payload) == {"name": "users/u1/documents/d1.pdf"}
        assert letter.attributes == {"eventType": "OBJECT_FINALIZE"}


def _task_letter_of(queue: str, payload: object) -> DeadLetter:
    return DeadLetter.for_task(
        queue=queue,
        task_name="t",
        payload=json.dumps(payload),
        attempts=5,
        last_error="boom",
        failure_class=FailureClass.INTERNAL,
        at=ManualClock().now(),
    )


def _upload_letter_of(payload: str, attributes: dict[str, Any]) -> DeadLetter:
    return DeadLetter.for_message(
        topic=channel_of(UploadFinalized),
        subscription=TOPOLOGY.subscriptions_of(channel_of(UploadFinalized))[0].name,
        message_id="m",
        payload=payload,
        attributes=attributes,
        attempts=5,
        last_error="boom",
        failure_class=FailureClass.INTERNAL,
        at=ManualClock().now(),
    )


class TestLetterUser:
    """A letter says which user its work was for, so erasing that user finds it by a query."""

    def test_a_task_letter_takes_the_payload_uid(self) -> None:
        assert _task_letter_of(channel_of(ExtractionTask), {"uid": "u-1", "document_id": "d"}).uid == "u-1"

    def test_an_upload_letter_takes_the_user_folder_of_its_object(self) -> None:
        finalized = {"bucket": "b", "name": f"users/u-2/documents/{'0' * 32}.pdf", "generation": "1"}

        assert _upload_letter_of(json.dumps(finalized), {}).uid == "u-2"

    def test_the_object_id_attribute_names_the_user_when_the_payload_does_not(self) -> None:
        letter = _upload_letter_of("not json", {"objectId": "users/u-3/documents/x.pdf"})

        assert letter.uid == "u-3"

    def test_work_of_no_user_has_none(self) -> None:
        assert (
            _task_letter_of(channel_of(CrawlTask), {"source_id": "s", "name": "jobs/board.json"}).uid is None
        )
