"""Dead-lettered work is visible: its owner ends FAILED with a class and a next action, and the
letter carries the class of the last attempt and a safe summary of its error."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cloudevents.http import CloudEvent

from functions.on_upload_finalized.main import handle as confirm_upload
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore
from shared.adapters.local.queue_rules import Delivery
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.documents import DocumentState
from shared.domain.errors import TransientError
from shared.domain.failures import FailureClass, NextAction
from shared.domain.journey import StepState
from shared.edge.events import run_event
from shared.messages import DeadLetterForward, ExtractionTask, Message, channel_of
from shared.ports import BlobInfo
from shared.services.journey import JourneyService
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY
from tests.unit.documents_world import UID, World, make_pdf

CONFIRM = next(s for s in TOPOLOGY.subscriptions if s.function == "on_upload_finalized")
EMAIL = "ada.lovelace@example.org"


class UnreachableUploads:
    """The uploads bucket of a World whose metadata reads keep failing (a storage outage),
    quoting the object's path and an e-mail as a careless SDK error would."""

    def __init__(self, inner: FileBlobStore) -> None:
        self._inner = inner
        self.bucket = inner.bucket

    def stat(self, name: str) -> BlobInfo | None:
        raise TransientError(
            f"storage unavailable reading /var/data/blobs/{name} for {EMAIL}\n"
            'Traceback (most recent call last):\n  File "/srv/app/x.py", line 3, in stat\nOSError',
            failure_class=FailureClass.TIMEOUT,
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> Any:
    w = World(tmp_path, settings, clock, notify=True)
    yield w
    w.queue.close()
    w.store.close()


def _push(delivery: Delivery, project: str = "demo") -> CloudEvent:
    """The CloudEvent functions-framework makes of the local queue's push (no subscription in it)."""
    data = base64.b64encode(json.dumps(delivery.data).encode()).decode()
    message = {"data": data, "attributes": delivery.attributes, "messageId": delivery.id}
    attributes = {
        "type": "google.cloud.pubsub.topic.v1.messagePublished",
        "source": f"//pubsub.googleapis.com/projects/{project}/topics/{delivery.topic}",
        "id": delivery.id,
    }
    return CloudEvent(attributes, {"message": message})


def _feed_confirmation(world: World, settings: Settings, clock: ManualClock) -> None:
    """Every upload event reaches the real confirmation handler, whose storage is down."""
    broken = Container(
        settings,
        store=world.store,
        uploads=UnreachableUploads(world.uploads),
        texts=world.texts,
        delivery=world.queue,
        tasks=world.queue,
        publisher=world.queue,
        clock=clock,
    )

    def deliver(delivery: Delivery) -> None:
        run_event(_push(delivery), confirm_upload, function=CONFIRM.function, container=broken)

    world.queue.register(CONFIRM.name, deliver)


class TestADeadLetteredUpload:
    def test_the_journey_shows_it_failed_with_its_class_and_next_action(
        self, world: World, settings: Settings, clock: ManualClock
    ) -> None:
        _feed_confirmation(world, settings, clock)
        data = make_pdf()
        document = world.start(data)
        world.put(document, data)

        world.queue.drain()

        journey = world.container.make(JourneyService).journey(UID)
        step = next(s for s in journey.steps if s.key == "documents")
        assert step.state == StepState.FAILED
        assert step.failure_class == FailureClass.TIMEOUT
        assert step.next_action == NextAction.RETRY
        stored = world.documents.get(UID, document.id)
        assert (stored.state, stored.failure_class) == (DocumentState.FAILED, FailureClass.TIMEOUT)
        assert stored.failure_message is not None
        assert "storage" not in stored.failure_message

    def test_the_letter_has_the_last_attempts_class_and_a_safe_summary(
        self, world: World, settings: Settings, clock: ManualClock
    ) -> None:
        _feed_confirmation(world, settings, clock)
        data = make_pdf()
        document = world.start(data)
        world.put(document, data)

        world.queue.drain()

        [letter] = world.container.make(DeadLetterService).list().items
        assert letter.failure_class == FailureClass.TIMEOUT
        assert "storage unavailable" in letter.last_error
        for secret in (UID, EMAIL, "users/", "/var/data", "Traceback", "x.py"):
            assert secret not in letter.last_error
        assert len(letter.last_error) <= 300

    def test_a_recorded_forward_takes_the_noted_class_too(
        self, world: World, settings: Settings, clock: ManualClock
    ) -> None:
        # On GCP the letter is made by the DLQ recorder from the forwarded message alone.
        _feed_confirmation(world, settings, clock)
        data = make_pdf()
        document = world.start(data)
        world.put(document, data)
        [delivery] = _pending_uploads(world)
        service = world.container.make(DeadLetterService)
        for _ in range(2):  # two failed attempts, each noted by the edge
            _fail_once(world, settings, clock, delivery)

        letter = service.record_forward(
            DeadLetterForward(
                message_id="forwarded-" + delivery.id,  # Pub/Sub republishes under a new id
                subscription=CONFIRM.name,
                delivery_count=CONFIRM.max_delivery_attempts,
                payload=delivery.data,
            )
        )

        assert letter.failure_class == FailureClass.TIMEOUT
        assert "storage unavailable" in letter.last_error
        assert world.documents.get(UID, document.id).state == DocumentState.FAILED


def _pending_uploads(world: World) -> list[Delivery]:
    got: list[Delivery] = []
    world.queue.register(CONFIRM.name, got.append)
    world.queue.drain()
    return got


def _fail_once(world: World, settings: Settings, clock: ManualClock, delivery: Delivery) -> None:
    uploads = UnreachableUploads(world.uploads)
    broken = Container(settings, store=world.store, uploads=uploads, clock=clock, delivery=world.queue)
    with pytest.raises(TransientError):
        run_event(_push(delivery), confirm_upload, function=CONFIRM.function, container=broken)


class TestADeadLetteredExtraction:
    def test_a_timed_out_last_attempt_leaves_the_document_failed_not_extracting(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        world.finalize(document, world.put(document, data))
        world.extraction.run(ExtractionTask(uid=UID, document_id=document.id))  # EXTRACTED path
        other = world.start(data + b"\n%")
        world.finalize(other, world.put(other, data + b"\n%"))
        service = world.container.make(DeadLetterService)

        # The worker took the task and died on every attempt: the queue dead-letters it, TIMEOUT.
        service.record(
            _task_letter(
                world,
                ExtractionTask,
                f"extract-{other.id}-1",
                {"uid": UID, "document_id": other.id},
                f"ack deadline exceeded for {UID}",
                FailureClass.TIMEOUT,
                attempts=5,
            )
        )

        settled = world.documents.get(UID, other.id)
        assert (settled.state, settled.failure_class) == (DocumentState.FAILED, FailureClass.TIMEOUT)
        assert settled.next_action == NextAction.RETRY
        assert world.documents.get(UID, document.id).state == DocumentState.EXTRACTED
        [letter] = service.list().items
        assert UID not in letter.last_error


def _task_letter(
    world: World,
    task: type[Message],
    task_name: str,
    payload: dict[str, Any],
    last_error: str,
    failure_class: FailureClass,
    *,
    attempts: int,
) -> DeadLetter:
    """The dead letter of a task on ``task``'s queue that failed its last attempt."""
    return DeadLetter.for_task(
        queue=channel_of(task),
        task_name=task_name,
        payload=json.dumps(payload),
        attempts=attempts,
        last_error=last_error,
        failure_class=failure_class,
        at=world.clock.now(),
    )


def _letter_on(subscription: str, payload: dict[str, Any], world: World) -> DeadLetter:
    sub = TOPOLOGY.subscription(subscription)
    return DeadLetter.for_message(
        topic=sub.topic,
        subscription=sub.name,
        message_id=f"m-{subscription}",
        payload=json.dumps(payload),
        attributes={},
        attempts=sub.max_delivery_attempts,
        last_error="match store unavailable",
        failure_class=FailureClass.CONTENTION,
        at=world.clock.now(),
    )


class TestADeadLetteredProfileOrMatching:
    def test_a_dead_lettered_profile_task_fails_the_profile_step_until_asked_again(
        self, world: World
    ) -> None:
        from shared.messages import ProfileTask
        from shared.services.profiles import ProfileService

        document = world.upload_and_extract(make_pdf())
        service = world.container.make(DeadLetterService)

        service.record(
            _task_letter(
                world,
                ProfileTask,
                "profile-x",
                {"uid": UID, "document_id": document.id},
                "LLM unavailable",
                FailureClass.LLM_UNAVAILABLE,
                attempts=6,
            )
        )

        step = _step(world, "career_profile")
        assert (step.state, step.failure_class, step.next_action) == (
            StepState.FAILED,
            FailureClass.LLM_UNAVAILABLE,
            NextAction.RETRY,
        )
        profiles = world.container.make(ProfileService)
        failure = profiles.failure(UID)
        assert failure is not None
        assert failure.document_id == document.id
        profiles.request_generation(UID, document.id)  # the user's retry
        assert _step(world, "career_profile").state == StepState.IN_PROGRESS

    def test_a_dead_lettered_profile_event_fails_matching_only_on_the_matchers_subscription(
        self, world: World
    ) -> None:
        from shared.services.matching import MatchingService

        matcher = next(s.name for s in TOPOLOGY.subscriptions if s.function == "match_offers")
        notebook = next(
            s.name
            for s in TOPOLOGY.subscriptions_of(TOPOLOGY.subscription(matcher).topic)
            if s.name != matcher
        )
        service = world.container.make(DeadLetterService)
        payload = {"uid": UID, "version": 1, "kind": "profile_version_created"}

        service.record(_letter_on(notebook, payload, world))
        assert world.container.make(MatchingService).failure(UID) is None
        service.record(_letter_on(matcher, payload, world))

        failure = world.container.make(MatchingService).failure(UID)
        assert failure is not None
        assert (failure.failure_class, failure.profile_version) == ("CONTENTION", 1)
        assert UID not in service.list().items[0].last_error


def _step(world: World, key: str) -> Any:
    return next(s for s in world.container.make(JourneyService).journey(UID).steps if s.key == key)


class TestRetryMatching:
    def test_retry_publishes_the_given_up_version_again_and_409s_without_one(self, world: World) -> None:
        from shared.domain.errors import Conflict
        from shared.messages import ProfileVersionCreated
        from shared.services.matching import MatchingService

        matcher = next(s.name for s in TOPOLOGY.subscriptions if s.function == "match_offers")
        matching = world.container.make(MatchingService)
        with pytest.raises(Conflict):
            matching.retry(UID)
        world.container.make(DeadLetterService).record(
            _letter_on(matcher, {"uid": UID, "version": 3, "kind": "profile_version_created"}, world)
        )

        matching.retry(UID)

        got: list[dict[str, Any]] = []
        world.queue.register(matcher, lambda d: got.append(d.data))
        world.queue.drain()
        assert [ProfileVersionCreated.model_validate(d).version for d in got] == [3]


class TestTheEndpointsShowTheFailure:
    def test_career_profiles_and_match_runs_carry_class_and_next_action(self, world: World) -> None:
        import flask

        from shared.api.routes import api_routes
        from shared.edge.http import HttpApp
        from shared.messages import ProfileTask

        http = HttpApp("api", api_routes(), container_factory=lambda: world.container)
        app = flask.Flask("failures-test")
        app.add_url_rule("/<path:path>", "all", lambda path="": http(flask.request), methods=["GET", "POST"])
        client = app.test_client()
        headers = {"Authorization": f"Bearer {world.container.identity.mint(UID)}"}  # type: ignore[attr-defined]
        document = world.upload_and_extract(make_pdf())
        service = world.container.make(DeadLetterService)
        service.record(
            _task_letter(
                world,
                ProfileTask,
                "profile-y",
                {"uid": UID, "document_id": document.id},
                "budget",
                FailureClass.LLM_BUDGET_EXCEEDED,
                attempts=6,
            )
        )
        matcher = next(s.name for s in TOPOLOGY.subscriptions if s.function == "match_offers")
        service.record(
            _letter_on(matcher, {"uid": UID, "version": 2, "kind": "profile_version_created"}, world)
        )

        profiles = client.get("/career-profiles", headers=headers).get_json()
        runs = client.get("/match-runs", headers=headers).get_json()
        retried = client.post("/match-runs:retry", headers=headers)

        assert profiles["failure"]["state"] == "FAILED"
        assert (profiles["failure"]["failure_class"], profiles["failure"]["next_action"]) == (
            "LLM_BUDGET_EXCEEDED",
            "wait",
        )
        assert profiles["failure"]["document_id"] == document.id
        assert (runs["failure"]["failure_class"], runs["failure"]["next_action"]) == ("CONTENTION", "retry")
        assert retried.status_code == 202
        assert retried.get_json()["profile_version"] == 2
