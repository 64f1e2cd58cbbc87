"""Dead letters: work that kept failing, kept whole for operators to inspect, replay or discard."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.domain.error_summary import safe_summary
from shared.domain.failures import FailureClass
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1  # of a failed-attempt note
# 2: the "discarded" status and who discarded it, when and why; 3: ``uid``, the user of the work
LETTER_SCHEMA_VERSION = 3

Status = Literal["dead", "replayed", "discarded"]
# Payload fields whose values never appear in a letter's error summary (the payload keeps them
# for replay; the summary is what the console shows at a glance).
_PRIVATE_FIELDS = ("uid", "email", "user_id")
# An object name under a user's folder (``users/{uid}/documents/{id}.pdf``): an upload's
# finalize notification names its user only there.
_USER_OBJECT = re.compile(r"^users/([^/]+)/")


class FailedAttempt(DomainModel):
    """Why the latest failed attempt of a message failed, noted by the handler's edge.

    Pub/Sub forwards a dead-lettered message without its reason and under a new message id;
    the recorder finds this note by the subscription's function and the payload (``key``) to
    give the letter the class and summary of the last attempt. (The function, not the
    subscription: a push through functions-framework does not say which subscription sent it.)
    """

    @staticmethod
    def key(function: str, payload: Any) -> str:
        """The note's id: the function that failed and the canonical JSON of the payload."""
        try:
            body = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        except (TypeError, ValueError, RecursionError):
            body = repr(payload)
        return hashlib.sha256(f"attempt|{function}|{body}".encode()).hexdigest()[:32]

    model_config = ConfigDict(frozen=True)

    failure_class: FailureClass
    summary: str
    at: datetime
    schema_version: int = SCHEMA_VERSION


class DeadLetter(DomainModel):
    """One message or task that exhausted its attempts.

    ``id`` is deterministic (origin + message id or task name), so recording the same dead
    letter twice (local queue and the task edge, or a redelivered DLQ push) is one document.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Literal["message", "task"]
    origin: str  # topic name (messages) or queue name (tasks)
    channel: str  # subscription name (messages) or queue name (tasks)
    message_id: str  # Pub/Sub message id or task name
    payload: str  # the JSON body as text
    attributes: dict[str, str] = Field(default_factory=dict)
    attempts: int
    # The last attempt's error as a safe summary (error_summary.safe_summary): no stack trace,
    # storage path, user id or e-mail, at most a few hundred characters.
    last_error: str
    failure_class: FailureClass  # the class of the last attempt
    dead_at: datetime
    status: Status = "dead"
    replayed_at: datetime | None = None
    replay_count: int = 0
    discarded_at: datetime | None = None
    discarded_by: str | None = None  # the operator's uid
    discard_reason: str | None = None
    # The user the work was for (payload_uid), so erasing a user finds their letters by a
    # query; None for work of no user (crawls, housekeeping) and for letters stored before v3.
    uid: str | None = None
    schema_version: int = LETTER_SCHEMA_VERSION

    @staticmethod
    def key(kind: str, channel: str, message_id: str) -> str:
        """Deterministic document id."""
        return hashlib.sha256(f"{kind}|{channel}|{message_id}".encode()).hexdigest()[:32]

    @classmethod
    def for_task(
        cls,
        *,
        queue: str,
        task_name: str,
        payload: str,
        attempts: int,
        last_error: str,
        failure_class: FailureClass,
        at: datetime,
    ) -> DeadLetter:
        """A task that failed its queue's last attempt."""
        return cls(
            id=cls.key("task", queue, task_name),
            kind="task",
            origin=queue,
            channel=queue,
            message_id=task_name,
            payload=payload,
            attempts=attempts,
            last_error=safe_summary(last_error, hide=private_values(payload)),
            failure_class=failure_class,
            dead_at=at,
            uid=payload_uid(payload),
        )

    @classmethod
    def for_message(
        cls,
        *,
        topic: str,
        subscription: str,
        message_id: str,
        payload: str,
        attributes: dict[str, Any],
        attempts: int,
        last_error: str,
        failure_class: FailureClass,
        at: datetime,
    ) -> DeadLetter:
        """A Pub/Sub message that exceeded its subscription's max delivery attempts."""
        return cls(
            id=cls.key("message", subscription, message_id),
            kind="message",
            origin=topic,
            channel=subscription,
            message_id=message_id,
            payload=payload,
            attributes={str(k): str(v) for k, v in attributes.items()},
            attempts=attempts,
            last_error=safe_summary(last_error, hide=private_values(payload)),
            failure_class=failure_class,
            dead_at=at,
            uid=payload_uid(payload, attributes),
        )


def payload_uid(payload: str, attributes: Mapping[str, Any] | None = None) -> str | None:
    """The user a dead-lettered payload was for: its ``uid``, else the user folder of the
    object it names (an upload's ``name``, or the ``objectId`` attribute); None otherwise."""
    data = _json_object(payload)
    uid = data.get("uid")
    if isinstance(uid, str) and uid:
        return uid
    for candidate in (data.get("name"), (attributes or {}).get("objectId")):
        if isinstance(candidate, str) and (found := _USER_OBJECT.match(candidate)):
            return found.group(1)
    return None


def _json_object(payload: str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except (json.JSONDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def private_values(payload: str) -> list[str]:
    """The values of a JSON payload's private fields (uid, e-mail), to keep out of summaries."""
    data = _json_object(payload)
    return [str(data[k]) for k in _PRIVATE_FIELDS if isinstance(data.get(k), str | int)]
