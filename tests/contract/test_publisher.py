"""Publisher contract: the local SQLite delivery queue and Pub/Sub (emulator) publish alike.

What reached a topic is read back through the backend's own delivery path: the local queue's
worker for its manifest subscription, a pull subscription on the Pub/Sub emulator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from shared.adapters.local.clock import ManualClock
from shared.domain.errors import InvalidInput
from shared.messages import MaintenanceTask, channel_of
from shared.ports import Publisher
from shared.topology import TOPOLOGY
from tests.emulators import provision

TOPIC = channel_of(MaintenanceTask)
Received = tuple[str, dict[str, Any], dict[str, str]]  # message id, data, attributes


@dataclass
class PublisherBackend:
    """A publisher and a way to read back, in order, what reached TOPIC."""

    publisher: Publisher
    received: Callable[[int], list[Received]]


def _local() -> Iterator[PublisherBackend]:
    from shared.adapters.local.sqlite_queue import Delivery, SqliteDeliveryQueue

    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=ManualClock())
    got: list[Received] = []

    def deliver(delivery: Delivery) -> None:
        got.append((delivery.id, delivery.data, delivery.attributes))

    queue.register(TOPOLOGY.subscriptions_of(TOPIC)[0].name, deliver)

    def received(want: int) -> list[Received]:
        queue.drain()
        return got[:want]

    yield PublisherBackend(queue, received)
    queue.close()


def _pubsub() -> Iterator[PublisherBackend]:
    from shared.adapters.gcp.pubsub_publisher import PubSubPublisher
    from tests.emulators.catalog import PROJECT

    provision.create_topics([TOPIC])
    inbox = provision.create_pull_subscription("contract-inbox", TOPIC, ordered=True)
    publisher = PubSubPublisher(PROJECT)

    def received(want: int) -> list[Received]:
        return [
            (m.message_id, json.loads(m.data), dict(m.attributes)) for m in provision.pull(inbox, want=want)
        ]

    yield PublisherBackend(publisher, received)
    publisher.close()


@pytest.fixture(params=["local", pytest.param("pubsub", marks=pytest.mark.emulator("pubsub"))])
def backend(request: pytest.FixtureRequest) -> Iterator[PublisherBackend]:
    """Each Publisher backend with an empty TOPIC."""
    yield from (_local() if request.param == "local" else _pubsub())


class TestPublish:
    def test_delivers_the_json_data_and_attributes_under_the_returned_id(
        self, backend: PublisherBackend
    ) -> None:
        message_id = backend.publisher.publish(
            TOPIC, {"task": "sweep_runs", "n": 3}, attributes={"origin": "test"}
        )

        [(got_id, data, attributes)] = backend.received(1)

        assert message_id
        assert got_id == message_id
        assert data == {"task": "sweep_runs", "n": 3}
        assert attributes == {"origin": "test"}

    def test_gives_each_message_its_own_id(self, backend: PublisherBackend) -> None:
        first = backend.publisher.publish(TOPIC, {"i": 1})
        second = backend.publisher.publish(TOPIC, {"i": 2})

        assert first != second

    def test_messages_with_one_ordering_key_arrive_in_publish_order(self, backend: PublisherBackend) -> None:
        for i in range(5):
            backend.publisher.publish(TOPIC, {"i": i}, ordering_key="run-1")

        got = backend.received(5)

        assert [data["i"] for _, data, _ in got] == [0, 1, 2, 3, 4]


class TestRefusals:
    def test_refuses_a_topic_missing_from_the_manifest(self, backend: PublisherBackend) -> None:
        with pytest.raises(InvalidInput):
            backend.publisher.publish("no-such-topic", {"x": 1})

    def test_refuses_data_that_is_not_json(self, backend: PublisherBackend) -> None:
        with pytest.raises(InvalidInput):
            backend.publisher.publish(TOPIC, {"x": object()})

    def test_refuses_attributes_that_are_not_strings(self, backend: PublisherBackend) -> None:
        with pytest.raises(InvalidInput):
            backend.publisher.publish(TOPIC, {"x": 1}, attributes={"n": 1})  # type: ignore[dict-item]
