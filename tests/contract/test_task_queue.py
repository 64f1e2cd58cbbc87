"""TaskQueue contract: the local SQLite delivery queue and Cloud Tasks (emulator) enqueue alike.

Queues stay undelivered here (no worker locally, paused queues on the emulator), so what was
enqueued can be counted. Dispatch itself is covered in test_cloud_tasks.py and the e2e suite.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.local.clock import ManualClock
from shared.config import Settings
from shared.domain.errors import InvalidInput
from shared.messages import ExtractionTask, channel_of
from shared.ports import TaskQueue
from shared.topology import TOPOLOGY

QUEUE = channel_of(ExtractionTask)


@dataclass
class QueueBackend:
    """A task queue and a count of the tasks waiting on a queue."""

    tasks: TaskQueue
    pending: Callable[[str], int]


def _local() -> Iterator[QueueBackend]:
    from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue

    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=ManualClock())
    yield QueueBackend(queue, queue.pending)
    queue.close()


def _cloud_tasks(settings: Settings) -> Iterator[QueueBackend]:
    from shared.adapters.gcp.cloud_tasks import CloudTasksQueue
    from tests.emulators import provision, tasks_admin

    hostport = str(settings.cloud_tasks_emulator_host)
    provision.provision_queues(hostport, paused=True)
    tasks = CloudTasksQueue(settings=settings.model_copy(update={"function_base_url": "http://127.0.0.1:9"}))
    yield QueueBackend(tasks, lambda queue: len(tasks_admin.list_tasks(hostport, queue)))


@pytest.fixture(params=["local", pytest.param("cloud-tasks", marks=pytest.mark.emulator("tasks"))])
def backend(request: pytest.FixtureRequest) -> Iterator[QueueBackend]:
    """Each TaskQueue backend with empty queues."""
    if request.param == "local":
        yield from _local()
    else:
        yield from _cloud_tasks(request.getfixturevalue("gcp_settings"))


def _unique(prefix: str) -> str:
    # Task names stay taken for a while after use (in production and on the emulator).
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class TestNamedTasks:
    def test_returns_the_name_it_was_given(self, backend: QueueBackend) -> None:
        name = _unique("extract")

        assert backend.tasks.enqueue(QUEUE, {"doc": "d1"}, name=name) == name

    def test_a_second_enqueue_with_the_same_name_is_a_no_op(self, backend: QueueBackend) -> None:
        name = _unique("extract")
        first = backend.tasks.enqueue(QUEUE, {"doc": "d1"}, name=name)

        second = backend.tasks.enqueue(QUEUE, {"doc": "d1"}, name=name)

        assert first == second == name
        assert backend.pending(QUEUE) == 1

    def test_unnamed_tasks_get_distinct_names(self, backend: QueueBackend) -> None:
        names = {backend.tasks.enqueue(QUEUE, {"i": i}) for i in range(3)}

        assert len(names) == 3
        assert backend.pending(QUEUE) == 3

    def test_a_scheduled_task_waits_in_its_queue(self, backend: QueueBackend) -> None:
        later = datetime.now(UTC) + timedelta(days=1)

        backend.tasks.enqueue(QUEUE, {"doc": "d2"}, name=_unique("later"), schedule_at=later)

        assert backend.pending(QUEUE) == 1


class TestRefusals:
    def test_refuses_a_queue_missing_from_the_manifest(self, backend: QueueBackend) -> None:
        with pytest.raises(InvalidInput):
            backend.tasks.enqueue("no-such-queue", {"x": 1})

    @pytest.mark.parametrize("name", ["has space", "slash/name", "x" * 501, ""])
    def test_refuses_a_task_name_cloud_tasks_would_refuse(self, backend: QueueBackend, name: str) -> None:
        with pytest.raises(InvalidInput):
            backend.tasks.enqueue(QUEUE, {"x": 1}, name=name)

    def test_refuses_a_naive_schedule_time(self, backend: QueueBackend) -> None:
        with pytest.raises(InvalidInput):
            backend.tasks.enqueue(QUEUE, {"x": 1}, schedule_at=datetime(2030, 1, 1))  # noqa: DTZ001

    def test_refuses_a_payload_that_is_not_json(self, backend: QueueBackend) -> None:
        with pytest.raises(InvalidInput):
            backend.tasks.enqueue(QUEUE, {"x": {1, 2}})
