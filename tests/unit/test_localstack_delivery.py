"""Local delivery: queue -> Pub/Sub push envelope or Cloud Tasks request -> the function's own app."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.config import Settings
from shared.domain.failures import FailureClass
from shared.localstack.function_feed import register_functions
from shared.topology import (
    FunctionSpec,
    PushSubscription,
    RateLimits,
    TaskQueueSpec,
    TaskRetry,
    Topic,
    Topology,
)

# A push function and a task function, each as thin as the real ones: decode with the shared
# edge, then write what they saw to the store so the test can read it back.
PUSH_MAIN = """
import functions_framework
from shared.edge.events import run_event

def handle(event, container):
    if event.data.get("fail"):
        raise RuntimeError("push handler failed")
    container.store.set(f"seen/{event.id}", {
        "data": event.data, "attributes": event.attributes, "source": event.source,
        "subscription": event.subscription or "",
    })

@functions_framework.cloud_event
def on_thing(cloud_event):
    run_event(cloud_event, handle, function="on_thing")
"""

TASK_MAIN = """
import functions_framework
from shared.domain.errors import TransientError
from shared.domain.failures import FailureClass
from shared.edge.events import run_task

def handle(task, container):
    if task.payload.get("fail"):
        raise TransientError("upstream busy", failure_class=FailureClass.SOURCE_UNAVAILABLE)
    container.store.set(f"tasks/{task.name}", {"payload": task.payload, "retry_count": task.retry_count})
    return None

@functions_framework.http
def do_work(request):
    return run_task(request, handle, function="do_work", queue="work")
"""

TOPOLOGY = Topology(
    functions=(
        FunctionSpec("on_thing", "on_thing", "push", "test push function"),
        FunctionSpec("do_work", "do_work", "task", "test task function"),
        FunctionSpec("ghost", "ghost", "push", "a function nobody wrote yet"),
    ),
    topics=(Topic("things"), Topic("things-dead-letter", dead_letter=True), Topic("haunts")),
    subscriptions=(
        PushSubscription(
            "things-handle", "things", "on_thing", "things-dead-letter", max_delivery_attempts=5
        ),
        PushSubscription("haunts-ghost", "haunts", "ghost", "things-dead-letter"),
    ),
    queues=(
        TaskQueueSpec(
            "work",
            "do_work",
            RateLimits(max_dispatches_per_second=5, max_concurrent_dispatches=1),
            TaskRetry(max_attempts=10, min_backoff_s=1, max_backoff_s=10, max_doublings=2),
        ),
    ),
    schedules=(),
    indexes=(),
    ttl_fields=(),
)


@pytest.fixture
def functions_dir(tmp_path: Path) -> Path:
    root = tmp_path / "functions"
    for name, source in (("on_thing", PUSH_MAIN), ("do_work", TASK_MAIN)):
        (root / name).mkdir(parents=True)
        (root / name / "main.py").write_text(textwrap.dedent(source))
    return root


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:")
    yield store
    store.close()


@pytest.fixture
def queue(
    settings: Settings, clock: ManualClock, store: SqliteDocumentStore, functions_dir: Path
) -> Iterator[SqliteDeliveryQueue]:
    queue = SqliteDeliveryQueue(":memory:", topology=TOPOLOGY, clock=clock)
    container = bootstrap.Container(settings, TOPOLOGY, clock=clock, store=store, delivery=queue)
    bootstrap.install(container)  # the functions' apps resolve the process-wide container
    register_functions(queue, TOPOLOGY, functions_dir, project="demo-test")
    yield queue
    queue.close()


class TestPushDelivery:
    def test_message_reaches_the_function_as_a_cloud_event(
        self, queue: SqliteDeliveryQueue, store: SqliteDocumentStore
    ) -> None:
        message_id = queue.publish("things", {"n": 1}, attributes={"origin": "test"})

        queue.drain()

        seen = store.get(f"seen/{message_id}")
        assert seen is not None
        assert seen.data["data"] == {"n": 1}
        assert seen.data["attributes"] == {"origin": "test"}
        assert seen.data["source"].endswith("projects/demo-test/topics/things")
        assert queue.pending() == 0

    def test_failing_function_is_retried_then_dead_lettered(self, queue: SqliteDeliveryQueue) -> None:
        queue.publish("things", {"fail": True})

        queue.drain()

        [letter] = [d for d in queue.dead_letters() if d.channel == "things-handle"]
        assert letter.attempts == 5
        assert letter.failure_class == FailureClass.INTERNAL

    def test_channel_of_a_missing_function_stays_pending(self, queue: SqliteDeliveryQueue) -> None:
        queue.publish("haunts", {"boo": True})

        queue.drain()

        assert queue.pending("haunts-ghost") == 1


class TestTaskDelivery:
    def test_task_reaches_the_function_with_cloud_tasks_headers(
        self, queue: SqliteDeliveryQueue, store: SqliteDocumentStore
    ) -> None:
        queue.enqueue("work", {"doc": "d1"}, name="work-d1")

        queue.drain()

        done = store.get("tasks/work-d1")
        assert done is not None
        assert done.data == {"payload": {"doc": "d1"}, "retry_count": 0}

    def test_transient_failure_is_retried_with_its_failure_class(
        self, queue: SqliteDeliveryQueue, clock: ManualClock, caplog: pytest.LogCaptureFixture
    ) -> None:
        queue.enqueue("work", {"fail": True}, name="work-fails")

        with caplog.at_level("WARNING", logger="career.queue"):
            first = queue.drain(skip_backoff=False)
            clock.advance(seconds=20)  # past the first backoff
            second = queue.drain(skip_backoff=False)

        assert (first, second) == (1, 1)
        assert queue.pending("work") == 1
        classes = [
            getattr(r, "fields", {}).get("failure_class") for r in caplog.records if r.name == "career.queue"
        ]
        assert classes == [FailureClass.SOURCE_UNAVAILABLE] * 2


class TestRegistration:
    def test_missing_functions_are_skipped_with_a_warning(
        self, settings: Settings, clock: ManualClock, functions_dir: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        queue = SqliteDeliveryQueue(":memory:", topology=TOPOLOGY, clock=clock)
        try:
            with caplog.at_level("WARNING", logger="career.localstack"):
                fed = register_functions(queue, TOPOLOGY, functions_dir, project="demo-test")
        finally:
            queue.close()

        assert fed == ["things-handle", "work"]
        assert any("ghost" in r.getMessage() for r in caplog.records)
