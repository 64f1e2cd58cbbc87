"""Provision the emulators: topics, push subscriptions and queues of the manifest, buckets of the settings.

This is the emulated twin of infra/ (Pulumi) for Pub/Sub and Cloud Tasks: the same topics,
the same push subscriptions with their dead-letter topics, retry policies and max delivery
attempts, the same queues. ``endpoint_for`` maps a function name to the URL that serves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from shared.config import Settings
from shared.topology import TOPOLOGY, PushSubscription, Topology
from tests.emulators.catalog import PROJECT


def topic_path(name: str) -> str:
    """``projects/P/topics/name``."""
    return f"projects/{PROJECT}/topics/{name}"


def subscription_path(name: str) -> str:
    """``projects/P/subscriptions/name``."""
    return f"projects/{PROJECT}/subscriptions/{name}"


def _clients() -> tuple[Any, Any]:
    import google.cloud.pubsub_v1 as pubsub_v1

    return pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()


def create_topics(names: list[str]) -> None:
    """Create topics (already existing ones are kept)."""
    from google.api_core.exceptions import AlreadyExists

    publisher, _ = _clients()
    for name in names:
        try:
            publisher.create_topic(name=topic_path(name))
        except AlreadyExists:
            continue


def create_push_subscription(sub: PushSubscription, endpoint: str) -> None:
    """One push subscription as the manifest describes it, pushing to ``endpoint``."""
    from google.protobuf import duration_pb2

    _, subscriber = _clients()
    request: dict[str, Any] = {
        "name": subscription_path(sub.name),
        "topic": topic_path(sub.topic),
        "push_config": {"push_endpoint": endpoint},
        "ack_deadline_seconds": sub.ack_deadline_s,
        "retry_policy": {
            "minimum_backoff": duration_pb2.Duration(seconds=sub.retry.minimum_backoff_s),
            "maximum_backoff": duration_pb2.Duration(seconds=sub.retry.maximum_backoff_s),
        },
    }
    if sub.has_dead_letter_policy:
        request["dead_letter_policy"] = {
            "dead_letter_topic": topic_path(sub.dead_letter_topic),
            "max_delivery_attempts": sub.max_delivery_attempts,
        }
    if sub.filter:
        request["filter"] = sub.filter
    subscriber.create_subscription(request=request)


def create_pull_subscription(name: str, topic: str, *, ordered: bool = False) -> str:
    """A pull subscription (tests read what reached a topic through it); returns its path."""
    _, subscriber = _clients()
    path = subscription_path(name)
    subscriber.create_subscription(
        request={"name": path, "topic": topic_path(topic), "enable_message_ordering": ordered}
    )
    return path


def pull(path: str, *, want: int, timeout_s: float = 20.0) -> list[Any]:
    """Pull and ack until ``want`` messages arrived or the time is up; returns them in order."""
    import time

    _, subscriber = _clients()
    got: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < want and time.monotonic() < deadline:
        response = subscriber.pull(subscription=path, max_messages=want - len(got), timeout=5)
        received = list(response.received_messages)
        if received:
            subscriber.acknowledge(subscription=path, ack_ids=[r.ack_id for r in received])
            got.extend(r.message for r in received)
        else:
            time.sleep(0.1)
    return got


def provision_pubsub(
    endpoint_for: Callable[[str], str],
    *,
    topology: Topology = TOPOLOGY,
    tweak: Callable[[PushSubscription], PushSubscription] | None = None,
) -> list[PushSubscription]:
    """Every topic and push subscription of the manifest; ``tweak`` may shorten retry policies."""
    create_topics([t.name for t in topology.topics])
    made = []
    for sub in topology.subscriptions:
        final = tweak(sub) if tweak else sub
        create_push_subscription(final, endpoint_for(final.function))
        made.append(final)
    return made


def quick_retries(sub: PushSubscription) -> PushSubscription:
    """The manifest's subscription with the shortest backoff Pub/Sub allows (tests only)."""
    from shared.topology import RetryPolicy

    return replace(sub, retry=RetryPolicy(minimum_backoff_s=0, maximum_backoff_s=1))


def provision_queues(hostport: str, *, topology: Topology = TOPOLOGY, paused: bool = False) -> list[str]:
    """Every task queue of the manifest on the Tasks emulator; returns their resource names."""
    from tests.emulators.tasks_admin import ensure_queue

    return [ensure_queue(hostport, q.name, paused=paused) for q in topology.queues]


def provision_buckets(settings: Settings) -> list[str]:
    """Every bucket the settings name (uploads, text) on fake-gcs-server; returns their names."""
    from google.api_core.exceptions import Conflict

    from shared.adapters.gcp.gcs_blobs import GcsBlobStore

    names = [settings.uploads_bucket, settings.text_bucket]
    for name in names:
        store = GcsBlobStore(name, settings=settings)
        try:
            store.client.create_bucket(name)
        except Conflict:
            pass  # already there: a second run on the same emulator
        finally:
            store.close()
    return names
