"""CloudTasksQueue on the Tasks emulator: what a task carries, and its dispatch to the function.

The emulator does not mint OIDC tokens or honour dispatch deadlines, so those are read back
from the stored Task resource; dispatch itself is observed on a loopback receiver.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.gcp.cloud_tasks import CloudTasksQueue
from shared.config import Settings
from shared.domain.errors import InvalidInput
from shared.messages import ProfileTask, channel_of
from shared.topology import TOPOLOGY
from tests.emulators import provision, tasks_admin
from tests.emulators.receiver import receiving

pytestmark = pytest.mark.emulator("tasks")
QUEUE = channel_of(ProfileTask)
INVOKER = "tasks-invoker@demo-career.iam.gserviceaccount.com"


def decode_body(task: Any) -> dict[str, Any]:
    """The JSON payload of a stored Task resource."""
    body: dict[str, Any] = json.loads(bytes(task.http_request.body) or b"{}")
    return body


def _queue(settings: Settings, base_url: str) -> CloudTasksQueue:
    update = {"function_base_url": base_url, "tasks_service_account": INVOKER}
    return CloudTasksQueue(settings=settings.model_copy(update=update))


class TestTaskResource:
    def test_targets_the_queues_function_with_an_oidc_token_and_its_deadline(
        self, gcp_settings: Settings
    ) -> None:
        hostport = str(gcp_settings.cloud_tasks_emulator_host)
        provision.provision_queues(hostport, paused=True)
        name = f"profile-{uuid.uuid4().hex[:8]}"

        _queue(gcp_settings, "https://europe-west1-demo-career.cloudfunctions.net").enqueue(
            QUEUE, {"uid": "u1"}, name=name
        )

        [task] = tasks_admin.list_tasks(hostport, QUEUE)
        url = "https://europe-west1-demo-career.cloudfunctions.net/generate_profile"
        assert task.name.endswith(f"/queues/{QUEUE}/tasks/{name}")
        assert task.http_request.url == url
        assert (
            task.http_request.oidc_token.service_account_email,
            task.http_request.oidc_token.audience,
        ) == (INVOKER, url)
        assert task.dispatch_deadline.total_seconds() == TOPOLOGY.queue(QUEUE).dispatch_deadline_s
        assert decode_body(task) == {"uid": "u1"}

    def test_keeps_the_schedule_time(self, gcp_settings: Settings) -> None:
        hostport = str(gcp_settings.cloud_tasks_emulator_host)
        provision.provision_queues(hostport, paused=True)
        when = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)

        _queue(gcp_settings, "http://127.0.0.1:9").enqueue(QUEUE, {"uid": "u2"}, schedule_at=when)

        [task] = tasks_admin.list_tasks(hostport, QUEUE)
        assert task.schedule_time == when

    def test_refuses_to_enqueue_without_a_function_base_url(self, gcp_settings: Settings) -> None:
        tasks = CloudTasksQueue(settings=gcp_settings.model_copy(update={"function_base_url": None}))

        with pytest.raises(InvalidInput):
            tasks.enqueue(QUEUE, {"uid": "u3"})


class TestLifecycle:
    def test_close_releases_the_channel_and_a_later_enqueue_reconnects(self, gcp_settings: Settings) -> None:
        hostport = str(gcp_settings.cloud_tasks_emulator_host)
        provision.provision_queues(hostport, paused=True)
        tasks = _queue(gcp_settings, "http://127.0.0.1:9")
        first = tasks.enqueue(QUEUE, {"uid": "u4"}, name=f"before-{uuid.uuid4().hex[:8]}")

        tasks.close()
        tasks.close()  # idempotent
        second = tasks.enqueue(QUEUE, {"uid": "u5"}, name=f"after-{uuid.uuid4().hex[:8]}")
        tasks.close()

        names = {t.name.rsplit("/", 1)[-1] for t in tasks_admin.list_tasks(hostport, QUEUE)}
        assert {first, second} <= names


class TestDispatch:
    def test_dispatches_the_payload_to_the_function_with_task_headers(self, gcp_settings: Settings) -> None:
        hostport = str(gcp_settings.cloud_tasks_emulator_host)
        provision.provision_queues(hostport)
        name = f"profile-{uuid.uuid4().hex[:8]}"
        with receiving(status=200) as receiver:
            _queue(gcp_settings, receiver.url).enqueue(QUEUE, {"uid": "u4"}, name=name)

            [request] = receiver.wait_for(1)

        assert request.path == "/generate_profile"
        assert json.loads(request.body) == {"uid": "u4"}
        assert request.headers["x-cloudtasks-taskname"] == name
        assert request.headers["x-cloudtasks-queuename"].endswith(f"/queues/{QUEUE}")
        assert request.headers["content-type"] == "application/json"
