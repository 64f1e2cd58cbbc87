"""The event and task edge (run_event, run_task) on what a malformed or oversized request brings."""

from __future__ import annotations

import json
from typing import Any

import flask
import pytest
from cloudevents.http import CloudEvent
from pydantic import BaseModel, ValidationError

from shared.adapters.local.clock import ManualClock
from shared.bootstrap import Container
from shared.config import Settings
from shared.edge.events import Event, Task, describe, run_event, run_task
from shared.edge.inputs import MAX_BODY_BYTES
from shared.messages import ExtractionTask, channel_of

QUEUE = channel_of(ExtractionTask)


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Container:
    return Container(settings, clock=clock)


def _direct_event(data: Any) -> CloudEvent:
    attributes = {"type": "google.cloud.storage.object.v1.finalized", "source": "//storage", "id": "e-1"}
    return CloudEvent(attributes, data)


class TestDirectEventWithUndecodableData:
    def test_malformed_bytes_are_acknowledged_without_running_the_handler(self, container: Container) -> None:
        seen: list[Event] = []

        run_event(_direct_event(b"{not json"), lambda e, c: seen.append(e), function="f", container=container)

        assert seen == []

    def test_json_bytes_reach_the_handler(self, container: Container) -> None:
        seen: list[Event] = []

        run_event(
            _direct_event(b'{"name": "a.pdf"}'),
            lambda e, c: seen.append(e),
            function="f",
            container=container,
        )

        assert [e.data for e in seen] == [{"name": "a.pdf"}]


def _run_task(
    container: Container, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any], list[Task]]:
    seen: list[Task] = []

    def handler(task: Task, c: Container) -> None:
        seen.append(task)

    app = flask.Flask(__name__)
    with app.test_request_context("/", method="POST", data=body, headers=headers):
        response = run_task(flask.request, handler, function="f", queue=QUEUE, container=container)
    return response.status_code, json.loads(response.get_data()), seen


class TestTaskPayloadSize:
    def test_oversized_payload_is_acknowledged_as_too_large_unread(self, container: Container) -> None:
        body = json.dumps({"pad": "x" * MAX_BODY_BYTES}).encode()

        status, answer, seen = _run_task(container, body, {"Content-Type": "application/json"})

        assert status == 200
        assert answer["status"] == "failed"
        assert answer["failure_class"] == "PAYLOAD_TOO_LARGE"
        assert seen == []

    def test_payload_within_the_cap_runs(self, container: Container) -> None:
        status, answer, seen = _run_task(container, b'{"uid": "u1"}', {"Content-Type": "application/json"})

        assert (status, answer["status"]) == (200, "done")
        assert [t.payload for t in seen] == [{"uid": "u1"}]


class TestTaskRetryCountHeader:
    def test_a_non_numeric_retry_count_counts_as_a_first_attempt(self, container: Container) -> None:
        headers = {"X-CloudTasks-TaskRetryCount": "abc", "X-CloudTasks-TaskName": "t-1"}

        status, _, seen = _run_task(container, b"{}", headers)

        assert status == 200
        assert [(t.name, t.retry_count) for t in seen] == [("t-1", 0)]

    def test_the_platform_retry_count_reaches_the_handler(self, container: Container) -> None:
        status, _, seen = _run_task(container, b"{}", {"X-CloudTasks-TaskRetryCount": "3"})

        assert status == 200
        assert [t.retry_count for t in seen] == [3]

    def test_only_the_queues_last_attempt_is_marked_final(self, container: Container) -> None:
        last = container.topology.queue(QUEUE).retry.max_attempts - 1

        _, _, early = _run_task(container, b"{}", {"X-CloudTasks-TaskRetryCount": str(last - 1)})
        _, _, final = _run_task(container, b"{}", {"X-CloudTasks-TaskRetryCount": str(last)})

        assert [t.final_attempt for t in early + final] == [False, True]


class TestDescribe:
    def test_a_validation_error_is_described_without_its_input(self) -> None:
        class Model(BaseModel):
            age: int

        with pytest.raises(ValidationError) as caught:
            Model.model_validate({"age": "Senior engineer at Initech, jane@example.com"})

        text = describe(caught.value)
        assert "age" in text
        assert "Initech" not in text
        assert "jane@example.com" not in text
