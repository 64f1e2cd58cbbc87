"""Feeds the local delivery queue's messages and tasks to the functions that own them.

Each push subscription and task queue of the manifest is registered on the queue with a
deliver callable that POSTs, in-process, to the target function's own functions-framework
app: push functions get the real Pub/Sub push envelope (turned into a CloudEvent by the
framework, as on Cloud Run), task functions get the Cloud Tasks request with its
X-CloudTasks-* headers. So the same decoding, ack and retry code runs here and in production.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

from shared.adapters.local.queue_rules import Delivery, DeliveryFailed
from shared.domain.failures import FailureClass
from shared.topology import FunctionSpec, Topology

FAILURE_HEADER = "X-Career-Failure-Class"
_log = logging.getLogger("career.localstack")
SignatureType = Literal["http", "cloudevent"]


class DeliveryQueue(Protocol):
    """The part of the local queue this module needs."""

    def register(self, channel: str, deliver: Callable[[Delivery], None]) -> None: ...


def function_source(functions_dir: Path, spec: FunctionSpec) -> Path:
    """The main.py of ``spec`` under ``functions_dir``."""
    return functions_dir / spec.name / "main.py"


def create_function_app(functions_dir: Path, spec: FunctionSpec, signature_type: SignatureType) -> Any:
    """The function's own functions-framework (flask) app, as Cloud Run would serve it."""
    import functions_framework

    create_app: Callable[..., Any] = functions_framework.create_app
    return create_app(
        target=spec.entry_point,
        source=str(function_source(functions_dir, spec)),
        signature_type=signature_type,
    )


def push_envelope(delivery: Delivery, project: str) -> dict[str, Any]:
    """The JSON body Pub/Sub POSTs to a push endpoint."""
    published = delivery.published_at.isoformat().replace("+00:00", "Z")
    data = base64.b64encode(json.dumps(delivery.data).encode()).decode()
    return {
        "message": {
            "data": data,
            "attributes": dict(delivery.attributes),
            "messageId": delivery.id,
            "message_id": delivery.id,
            "publishTime": published,
            "publish_time": published,
        },
        "subscription": f"projects/{project}/subscriptions/{delivery.channel}",
    }


def task_headers(delivery: Delivery) -> dict[str, str]:
    """The headers Cloud Tasks adds to an HTTP task request."""
    return {
        "X-CloudTasks-TaskName": delivery.id,
        "X-CloudTasks-QueueName": delivery.channel,
        "X-CloudTasks-TaskRetryCount": str(delivery.attempt - 1),
        "X-CloudTasks-TaskExecutionCount": str(delivery.attempt - 1),
        "X-CloudTasks-TaskETA": f"{delivery.published_at.timestamp():.6f}",
    }


class FunctionDeliverer:
    """A deliver callable that POSTs one delivery to one function's app."""

    def __init__(self, name: str, app: Any, kind: Literal["message", "task"], project: str) -> None:
        self.name = name
        self._app = app
        self._kind = kind
        self._project = project

    def __call__(self, delivery: Delivery) -> None:
        """Deliver; a non-2xx answer raises DeliveryFailed so the queue retries or dead-letters."""
        client = self._app.test_client()  # one per call: deliveries may come from several threads
        if self._kind == "message":
            # The topic in the path lets the framework name it in the CloudEvent source.
            response = client.post(
                f"/projects/{self._project}/topics/{delivery.topic}",
                json=push_envelope(delivery, self._project),
            )
        else:
            response = client.post("/", json=delivery.data, headers=task_headers(delivery))
        if 200 <= response.status_code < 300:
            return
        body = response.get_data(as_text=True)[:300]
        raise DeliveryFailed(
            f"{self.name} answered {response.status_code}: {body}",
            _failure_class(response.headers.get(FAILURE_HEADER)),
        )


def register_functions(
    queue: DeliveryQueue,
    topology: Topology,
    functions_dir: Path,
    *,
    project: str,
    app_factory: Callable[[Path, FunctionSpec, SignatureType], Any] = create_function_app,
) -> list[str]:
    """Register every subscription and queue whose function exists; returns the channels fed.

    A channel whose function is not on disk (or fails to load) is left unregistered: its
    deliveries wait in the queue, never lost, until a server that has the function runs.
    """
    apps: dict[str, Any] = {}
    routes: list[tuple[str, str, Literal["message", "task"]]] = [
        (s.name, s.function, "message") for s in topology.subscriptions
    ] + [(q.name, q.function, "task") for q in topology.queues]
    fed: list[str] = []
    for channel, function, kind in routes:
        spec = topology.function(function)
        if function not in apps:
            apps[function] = _load(
                functions_dir, spec, "cloudevent" if kind == "message" else "http", app_factory
            )
        app = apps[function]
        if app is None:
            continue
        queue.register(channel, FunctionDeliverer(function, app, kind, project))
        fed.append(channel)
    return fed


def _load(
    functions_dir: Path,
    spec: FunctionSpec,
    signature_type: SignatureType,
    app_factory: Callable[[Path, FunctionSpec, SignatureType], Any],
) -> Any:
    if not function_source(functions_dir, spec).is_file():
        _log.warning("function %s is not on disk yet: its deliveries stay pending", spec.name)
        return None
    try:
        return app_factory(functions_dir, spec, signature_type)
    except Exception:
        _log.exception("function %s failed to load: its deliveries stay pending", spec.name)
        return None


def _failure_class(value: str | None) -> FailureClass:
    try:
        return FailureClass(value or FailureClass.INTERNAL)
    except ValueError:
        return FailureClass.INTERNAL
