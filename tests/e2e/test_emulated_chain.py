"""The production event chain, process to process, on the emulators.

Functions run as their own functions-framework processes (CAREER_BACKEND=gcp); topics and
push subscriptions come from the topology manifest, with its dead-letter topics and max
delivery attempts (backoff shortened so the test is quick). What the functions write is read
back from the Firestore emulator.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from shared.adapters.gcp.firestore_store import FirestoreDocumentStore
from shared.adapters.gcp.pubsub_publisher import PubSubPublisher
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.messages import DeadLetterForward, MaintenanceTask, channel_of
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY
from tests.emulators import functions as fns
from tests.emulators import provision
from tests.emulators.catalog import PROJECT
from tests.emulators.stack import EmulatorStack
from tests.support.polling import eventually

MAINTENANCE = channel_of(MaintenanceTask)

pytestmark = [pytest.mark.e2e, pytest.mark.emulator("pubsub", "firestore")]
SUBSCRIPTION = TOPOLOGY.subscription("maintenance-run")
RECORDER = TOPOLOGY.subscription("maintenance-dead-letter-record")


@pytest.fixture
def dead_letters(gcp_settings: Settings) -> Iterator[DeadLetterService]:
    """The operators' view of dead letters, read from the Firestore emulator."""
    store = FirestoreDocumentStore(PROJECT, indexes=TOPOLOGY.indexes)
    yield Container(gcp_settings, store=store).make(DeadLetterService)
    store.close()


@pytest.fixture
def chain(emulators: EmulatorStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """record_dead_letter (real) and a always-failing maintenance stand-in, wired by the manifest."""
    logs = tmp_path_factory.mktemp("fn-logs")
    env = emulators.env()
    running: list[fns.RunningFunction] = []
    try:
        # One by one, so a failed start still stops the ones already running.
        running.append(fns.start_function("record_dead_letter", env, log_dir=logs, pid_dir=logs))
        running.append(
            fns.start_function(
                "always_transient",
                env,
                source=fns.TEST_FUNCTIONS / "always_transient" / "main.py",
                signature="cloudevent",
                log_dir=logs,
                pid_dir=logs,
            )
        )
        fns.wait_ready(running)
        urls = {fn.name: fn.url for fn in running}
        provision.create_topics([t.name for t in TOPOLOGY.topics])
        # The maintenance subscription as the manifest has it, pointed at a handler that always fails.
        provision.create_push_subscription(provision.quick_retries(SUBSCRIPTION), urls["always_transient"])
        provision.create_push_subscription(provision.quick_retries(RECORDER), urls["record_dead_letter"])
        yield urls
    finally:
        fns.stop_all(running)


class TestDeadLetterRecording:
    def test_a_message_on_a_dead_letter_topic_is_recorded_in_firestore(
        self, chain: dict[str, str], dead_letters: DeadLetterService
    ) -> None:
        publisher = PubSubPublisher(PROJECT)
        attributes = {
            DeadLetterForward.SOURCE_SUBSCRIPTION: SUBSCRIPTION.name,
            DeadLetterForward.SOURCE_DELIVERY_COUNT: "3",
        }
        message_id = publisher.publish(
            SUBSCRIPTION.dead_letter_topic, {"task": "sweep_runs"}, attributes=attributes
        )
        publisher.close()

        def recorded() -> list[DeadLetter]:
            return [d for d in dead_letters.list().items if d.message_id == message_id]

        [letter] = eventually(recorded)
        assert (letter.origin, letter.channel, letter.attempts) == (MAINTENANCE, SUBSCRIPTION.name, 3)
        assert letter.payload == '{"task": "sweep_runs"}'


class TestForcedFailure:
    def test_a_message_that_keeps_failing_is_dead_lettered_after_max_attempts(
        self, chain: dict[str, str], dead_letters: DeadLetterService
    ) -> None:
        publisher = PubSubPublisher(PROJECT)
        marker = uuid.uuid4().hex
        message_id = publisher.publish(SUBSCRIPTION.topic, {"task": "sweep_runs", "marker": marker})
        publisher.close()

        def recorded() -> list[DeadLetter]:
            return [d for d in dead_letters.list().items if marker in d.payload]

        [letter] = eventually(recorded, timeout_s=120)
        assert letter.kind == "message"
        assert (letter.origin, letter.channel) == (MAINTENANCE, SUBSCRIPTION.name)
        assert letter.attempts == SUBSCRIPTION.max_delivery_attempts
        # Pub/Sub republishes the message to the DLQ topic: a new id, the same payload.
        assert letter.message_id != message_id
        # ... without the reason: the letter takes the class and summary the edge noted.
        assert letter.failure_class == FailureClass.TIMEOUT
        assert "simulated outage" in letter.last_error
