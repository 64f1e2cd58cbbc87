"""Decoding and running push events and Cloud Tasks requests with the retry rules.

Push events (functions-framework ``cloud_event`` functions): a Pub/Sub push envelope reaches
the function as a ``messagePublished`` CloudEvent; an Eventarc storage event arrives as its
own CloudEvent. ``run_event`` decodes either into an ``Event`` and applies the rules:

- older than ``settings.max_event_age_s``: dropped with a WARNING (acknowledged);
- PermanentError: logged with its failure class, recorded as a dead letter and acknowledged
  (never retried): an operator sees it and can replay it once its cause is gone, so no
  message is lost unseen; an InvalidMessage (a payload that is not its channel's message,
  shared/messages.py) is one, with class INVALID_INPUT;
- TransientError or any other exception: its class and a safe summary are noted for the
  dead letter (Pub/Sub forwards a message without its reason), then raised, so Pub/Sub
  redelivers and, after the subscription's max delivery attempts, dead-letters it.

Tasks (HTTP functions targeted by Cloud Tasks): ``run_task`` answers 2xx on success and on a
PermanentError (recorded as a dead letter with its class, as for events),
503 on a TransientError and 500 on anything else, so Cloud Tasks retries with the queue's
retry_config. On the queue's last attempt a failure is recorded as a dead letter before answering.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from shared.channels import InvalidMessage
from shared.domain.errors import InvalidInput, PermanentError
from shared.domain.failures import FailureClass
from shared.edge import logs

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container

_log = logs.get_logger("events")


@dataclass(frozen=True)
class Event:
    """A decoded event: JSON ``data`` plus Pub/Sub ``attributes`` when it came through Pub/Sub."""

    id: str
    type: str
    source: str
    time: datetime | None
    data: dict[str, Any]
    attributes: dict[str, str] = field(default_factory=dict)
    subscription: str | None = None


@dataclass(frozen=True)
class Task:
    """A Cloud Tasks request."""

    name: str
    queue: str
    retry_count: int
    payload: dict[str, Any]
    # True on the queue's last attempt: a handler may settle its record before the task is
    # dead-lettered, so nothing stays "in progress" forever.
    final_attempt: bool = False


def decode_cloud_event(cloud_event: Any) -> Event:
    """Turn a CloudEvent (Pub/Sub messagePublished or a direct event) into an Event."""
    ce_type = str(cloud_event["type"])
    data = cloud_event.data
    time = _parse_time(cloud_event.get("time") if hasattr(cloud_event, "get") else None)
    if isinstance(data, Mapping) and isinstance(data.get("message"), Mapping):
        message = data["message"]
        raw = message.get("data") or ""
        try:
            decoded = base64.b64decode(raw) if raw else b"{}"
            body = json.loads(decoded or b"{}")
        except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InvalidInput(f"message data is not base64 JSON: {err.__class__.__name__}") from None
        if not isinstance(body, dict):
            raise InvalidInput("message data must be a JSON object")
        return Event(
            id=str(message.get("messageId") or message.get("message_id") or cloud_event["id"]),
            type=ce_type,
            source=str(cloud_event["source"]),
            time=_parse_time(message.get("publishTime") or message.get("publish_time")) or time,
            data=body,
            attributes={str(k): str(v) for k, v in (message.get("attributes") or {}).items()},
            subscription=str(data.get("subscription")) if data.get("subscription") else None,
        )
    if isinstance(data, bytes | bytearray):
        # Undecodable bytes never decode on redelivery either: a permanent error, acknowledged.
        try:
            data = json.loads(data or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InvalidInput(f"event data is not JSON: {err.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise InvalidInput("event data must be a JSON object")
    return Event(
        id=str(cloud_event["id"]),
        type=ce_type,
        source=str(cloud_event["source"]),
        time=time,
        data=dict(data),
    )


def run_event(
    cloud_event: Any,
    handler: Callable[[Event, Container], None],
    *,
    function: str,
    container: Container | None = None,
) -> None:
    """Run ``handler`` on a CloudEvent with the ack/retry rules above."""
    c = container or _container()
    logs.begin(function=function, event_id=str(cloud_event["id"]))
    try:
        event = decode_cloud_event(cloud_event)
    except PermanentError as err:
        logs.log(
            _log,
            logging.ERROR,
            f"undecodable event acknowledged: {err.message}",
            failure_class=err.failure_class,
        )
        return
    if event.time is not None:
        age = (c.clock.now() - event.time).total_seconds()
        if age > c.settings.max_event_age_s:
            logs.log(_log, logging.WARNING, f"dropping event older than max age ({int(age)} s)")
            return
    started = time.monotonic()
    try:
        handler(event, c)
        _handled(f"event {function}", event.id, "done", started)
    except InvalidMessage as err:
        _record_message_dead_letter(c, event, err, function)
        logs.log(
            _log,
            logging.WARNING,
            f"invalid message dead-lettered: {err.message}",
            failure_class=err.failure_class,
        )
    except PermanentError as err:
        # Acknowledged, so never redelivered: kept as a dead letter with its class, or the
        # work would be lost unseen when the cause was outside the message (a refused write).
        _record_message_dead_letter(c, event, err, function)
        logs.log(
            _log,
            logging.WARNING,
            f"permanent failure acknowledged and dead-lettered: {err.message}",
            failure_class=err.failure_class,
        )
    except Exception as err:
        _note_failed_attempt(c, event, err, function)
        raise


def run_task(
    request: flask.Request,
    handler: Callable[[Task, Container], Mapping[str, Any] | None],
    *,
    function: str,
    queue: str,
    container: Container | None = None,
) -> flask.Response:
    """Run ``handler`` for a Cloud Tasks request and map the outcome to a status."""
    import flask

    from shared.edge.inputs import loads, read_body

    c = container or _container()
    name = request.headers.get("X-CloudTasks-TaskName", "")
    retry_count = _retry_count(request.headers.get("X-CloudTasks-TaskRetryCount"))
    logs.begin(function=function, queue=queue, task=name)
    final = retry_count + 1 >= c.topology.queue(queue).retry.max_attempts
    raw = b""
    try:
        raw = read_body(request)
        payload = loads(raw or b"{}")
        if not isinstance(payload, dict):
            raise InvalidInput("task payload must be a JSON object")
        started = time.monotonic()
        result = handler(Task(name, queue, retry_count, payload, final), c) or {}
        _handled(f"task {queue}", name, "done", started)
        return _json({"status": "done", **result}, 200)
    except InvalidMessage as err:
        _record_task_dead_letter(c, queue, name, raw, retry_count + 1, err, err.failure_class)
        logs.log(
            _log,
            logging.WARNING,
            f"invalid task dead-lettered: {err.message}",
            failure_class=err.failure_class,
        )
        return _json({"status": "failed", "failure_class": err.failure_class, "message": err.message}, 200)
    except PermanentError as err:
        # An oversized payload is as final as an invalid one: retrying resends the same bytes.
        # Kept as a dead letter with its class, so an operator can replay it once the cause
        # (a refused write, a quota) is gone; nothing is acknowledged unseen.
        _record_task_dead_letter(c, queue, name, raw, retry_count + 1, err, err.failure_class)
        logs.log(
            _log, logging.WARNING, f"task failed permanently: {err.message}", failure_class=err.failure_class
        )
        return _json({"status": "failed", "failure_class": err.failure_class, "message": err.message}, 200)
    except Exception as err:
        failure = getattr(err, "failure_class", FailureClass.INTERNAL)
        status = 503 if getattr(err, "transient", False) else 500
        _log.warning(
            "task failed, will retry: %s", describe(err), extra={"fields": {"failure_class": failure}}
        )
        if final:
            _record_task_dead_letter(c, queue, name, raw, retry_count + 1, err, failure)
        response = flask.Response(
            json.dumps({"status": "retry", "failure_class": str(failure)}),
            status=status,
            mimetype="application/json",
        )
        response.headers["X-Career-Failure-Class"] = str(failure)
        return response


def _record_task_dead_letter(
    c: Container, queue: str, name: str, raw: bytes, attempts: int, err: Exception, failure: Any
) -> None:
    from shared.domain.dead_letters import DeadLetter
    from shared.services.operations import DeadLetterService

    c.make(DeadLetterService).record(
        DeadLetter.for_task(
            queue=queue,
            task_name=name,
            payload=raw.decode("utf-8", "replace"),
            attempts=attempts,
            last_error=describe(err)[:1000],
            failure_class=FailureClass(str(failure))
            if str(failure) in FailureClass.__members__
            else FailureClass.INTERNAL,
            at=c.clock.now(),
        )
    )


def _channel(c: Container, event: Event, function: str) -> tuple[str, str]:
    """(topic, subscription) an event came through."""
    # The push names its subscription; the CloudEvent source names the topic
    # (//pubsub.googleapis.com/projects/p/topics/<topic>).
    subscription = (event.subscription or "").rsplit("/", 1)[-1]
    topic = event.source.rsplit("/topics/", 1)[-1] if "/topics/" in event.source else event.source
    if not subscription:
        ours = [s.name for s in c.topology.subscriptions_of(topic) if s.function == function]
        subscription = ours[0] if ours else topic
    return topic, subscription


def _note_failed_attempt(c: Container, event: Event, err: Exception, function: str) -> None:
    from shared.services.operations import DeadLetterService

    raw = str(getattr(err, "failure_class", FailureClass.INTERNAL))
    failure = FailureClass(raw) if raw in FailureClass.__members__ else FailureClass.INTERNAL
    try:
        c.make(DeadLetterService).note_failed_attempt(function, event.data, failure, describe(err))
    except Exception as note_err:  # the store may be what failed: the retry matters more
        _log.warning("could not note the failed attempt: %s", type(note_err).__name__)


def _record_message_dead_letter(c: Container, event: Event, err: PermanentError, function: str) -> None:
    from shared.domain.dead_letters import DeadLetter
    from shared.services.operations import DeadLetterService

    topic, subscription = _channel(c, event, function)
    c.make(DeadLetterService).record(
        DeadLetter.for_message(
            topic=topic,
            subscription=subscription,
            message_id=event.id,
            payload=json.dumps(event.data, ensure_ascii=False, default=str),
            attributes=event.attributes,
            attempts=1,
            last_error=err.message[:1000],
            failure_class=err.failure_class,
            at=c.clock.now(),
        )
    )


def _handled(what: str, item: str, outcome: str, started: float) -> None:
    # One INFO line per handled event or task, so a person watching `career serve` sees work move.
    duration_ms = round((time.monotonic() - started) * 1000)
    logs.log(
        _log,
        logging.INFO,
        f"{what} {item}: {outcome} in {duration_ms} ms",
        what=what,
        id=item,
        outcome=outcome,
        duration_ms=duration_ms,
    )


def describe(err: BaseException) -> str:
    """An error's text for logs and dead letters, without the input values it may quote.

    A pydantic ValidationError's text repeats the offending input, which can be CV text;
    only its locations and messages are kept.
    """
    if isinstance(err, ValidationError):
        where = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors(include_input=False)
        )
        return f"{err.error_count()} validation error(s) in {err.title}: {where}"
    return f"{type(err).__name__}: {err}"


def _json(body: Mapping[str, Any], status: int) -> flask.Response:
    import flask

    return flask.Response(json.dumps(body, default=str), status=status, mimetype="application/json")


def _retry_count(header: str | None) -> int:
    # Cloud Tasks always sends a number; anything else is treated as a first attempt.
    try:
        return max(int(header or 0), 0)
    except ValueError:
        return 0


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _container() -> Container:
    from shared.bootstrap import container

    return container()
