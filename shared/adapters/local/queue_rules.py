"""What the local delivery queue hands to handlers, and the retry rules it reads from the manifest.

The rules mirror production: a push subscription retries with Pub/Sub's exponential backoff
between its RetryPolicy bounds and dead-letters after ``max_delivery_attempts``; a task queue
retries with Cloud Tasks' retry_config (doublings, then linear growth, capped) and gives up
after ``max_attempts`` (and ``max_retry_duration_s`` when set).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from shared.domain.dead_letters import DeadLetter
from shared.domain.errors import InvalidInput
from shared.domain.failures import FailureClass
from shared.topology import PushSubscription, RetryPolicy, TaskQueueSpec, TaskRetry, Topology

MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class Delivery:
    """One delivery attempt of a message (to a subscription) or of a task (on a queue)."""

    channel: str  # subscription name (messages) or queue name (tasks)
    kind: Literal["message", "task"]
    id: str  # message id (messages) or task name (tasks)
    topic: str | None  # messages only
    data: dict[str, Any]  # the JSON payload
    attributes: dict[str, str]
    attempt: int  # 1-based
    published_at: datetime


class DeliveryFailed(Exception):
    """Raised by a deliver callable to nack a delivery with a failure class."""

    def __init__(self, message: str, failure_class: FailureClass = FailureClass.INTERNAL) -> None:
        super().__init__(message)
        self.message = message
        self.failure_class = failure_class


@dataclass(frozen=True)
class Channel:
    """The delivery rules of one subscription or queue, read from the topology manifest."""

    name: str
    kind: Literal["message", "task"]
    lease_s: float  # ack deadline (messages) or dispatch deadline (tasks)
    subscription: PushSubscription | None = None
    queue: TaskQueueSpec | None = None

    def backoff_s(self, failed_attempts: int) -> float:
        """Delay before the next attempt after ``failed_attempts`` failures (>= 1)."""
        if self.subscription is not None:
            return pubsub_backoff_s(self.subscription.retry, failed_attempts)
        assert self.queue is not None  # a Channel always has one of the two
        return task_backoff_s(self.queue.retry, failed_attempts)

    def exhausted(self, attempts: int, retrying_for_s: float) -> bool:
        """True when no further attempt is allowed."""
        if self.subscription is not None:
            return attempts >= self.subscription.max_delivery_attempts
        assert self.queue is not None
        retry = self.queue.retry
        # Cloud Tasks stops only once BOTH limits are reached when both are set.
        over_duration = retry.max_retry_duration_s <= 0 or retrying_for_s >= retry.max_retry_duration_s
        return attempts >= retry.max_attempts and over_duration


def pubsub_backoff_s(policy: RetryPolicy, failed_attempts: int) -> float:
    """Pub/Sub exponential backoff: minimum, doubling per failure, capped at maximum."""
    delay = policy.minimum_backoff_s * 2 ** max(failed_attempts - 1, 0)
    return float(min(delay, policy.maximum_backoff_s))


def task_backoff_s(retry: TaskRetry, failed_attempts: int) -> float:
    """Cloud Tasks backoff: min_backoff doubled max_doublings times, then linear, capped.

    With min 10 s, max 300 s and 3 doublings the retries come after 10, 20, 40, 80, 160,
    240, 300, 300 ... seconds (the example of the Cloud Tasks RetryConfig reference).
    """
    k = max(failed_attempts, 1)
    if k - 1 <= retry.max_doublings:
        delay = retry.min_backoff_s * 2 ** (k - 1)
    else:
        delay = retry.min_backoff_s * 2**retry.max_doublings * (k - retry.max_doublings)
    return float(min(delay, retry.max_backoff_s))


def channel_of(topology: Topology, name: str) -> Channel:
    """The rules of subscription or queue ``name``; InvalidInput when the manifest has neither."""
    for sub in topology.subscriptions:
        if sub.name == name:
            return Channel(name, "message", float(sub.ack_deadline_s), subscription=sub)
    for queue in topology.queues:
        if queue.name == name:
            return Channel(name, "task", float(queue.dispatch_deadline_s), queue=queue)
    raise InvalidInput(f"no subscription or task queue named {name!r} in the topology manifest")


def encode_payload(data: Mapping[str, Any]) -> str:
    """The JSON text of a payload; InvalidInput when it is not plain JSON."""
    try:
        return json.dumps(dict(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise InvalidInput(f"payload is not JSON-serialisable: {err}") from None


def check_attributes(attributes: Mapping[str, str] | None) -> dict[str, str]:
    """Pub/Sub attributes map strings to strings."""
    attrs = dict(attributes or {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in attrs.items()):
        raise InvalidInput("message attributes must map strings to strings")
    return attrs


def describe_failure(err: BaseException) -> tuple[str, FailureClass]:
    """The error text (capped) and failure class a nack records."""
    failure = getattr(err, "failure_class", None)
    text = str(err) or type(err).__name__
    return text[:MAX_ERROR_CHARS], failure if isinstance(failure, FailureClass) else FailureClass.INTERNAL


def dead_letter_of(
    row: sqlite3.Row, attempts: int, error: str, failure: FailureClass, now: datetime
) -> DeadLetter:
    """The DeadLetter of a row that used up its attempts."""
    if row["kind"] == "task":
        return DeadLetter.for_task(
            queue=row["channel"],
            task_name=row["id"],
            payload=row["data"],
            attempts=attempts,
            last_error=error,
            failure_class=failure,
            at=now,
        )
    return DeadLetter.for_message(
        topic=row["topic"],
        subscription=row["channel"],
        message_id=row["id"],
        payload=row["data"],
        attributes=json.loads(row["attributes"]),
        attempts=attempts,
        last_error=error,
        failure_class=failure,
        at=now,
    )


def dead_letter_attributes(row: sqlite3.Row, subscription: str, attempts: int) -> dict[str, str]:
    """The attributes Pub/Sub adds to a message it forwards to a dead-letter topic."""
    published = datetime.fromisoformat(row["published_at"]).astimezone(UTC)
    return {
        "CloudPubSubDeadLetterSourceDeliveryCount": str(attempts),
        "CloudPubSubDeadLetterSourceSubscription": subscription,
        "CloudPubSubDeadLetterSourceTopicPublishTime": published.isoformat().replace("+00:00", "Z"),
    }
