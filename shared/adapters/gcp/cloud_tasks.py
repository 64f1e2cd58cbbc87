"""The Cloud Tasks TaskQueue: HTTP tasks to the queue's function, named for de-duplication.

Each task POSTs its JSON payload to ``settings.function_base_url + "/" + function`` of the
manifest's queue, with the queue's dispatch deadline and an OIDC token minted for
``settings.tasks_service_account`` (audience: that URL), which the function verifies. A name
makes the enqueue idempotent: Cloud Tasks answers ALREADY_EXISTS for a name used recently,
which is success here. CLOUD_TASKS_EMULATOR_HOST switches to an insecure gRPC channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.adapters.gcp.lazy import LazyClient
from shared.adapters.local.queue_rules import encode_payload
from shared.adapters.local.queue_sql import check_task_name
from shared.config import Settings
from shared.domain.errors import InvalidInput, TransientError
from shared.topology import TOPOLOGY, Topology


class CloudTasksQueue:
    """TaskQueue port on Google Cloud Tasks."""

    def __init__(self, *, settings: Settings, topology: Topology = TOPOLOGY) -> None:
        self._settings = settings
        self._topology = topology
        self._client: LazyClient[Any] = LazyClient(self._build_client)

    def _build_client(self) -> Any:
        from google.cloud import tasks_v2

        emulator = self._settings.cloud_tasks_emulator_host
        if emulator:
            import grpc
            from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

            transport = CloudTasksGrpcTransport(channel=grpc.insecure_channel(emulator))
            return tasks_v2.CloudTasksClient(transport=transport)
        return tasks_v2.CloudTasksClient()

    @property
    def client(self) -> Any:
        """The Cloud Tasks client, built once on first use."""
        return self._client.get()

    def close(self) -> None:
        """Close the client's gRPC channel (idempotent; a later enqueue reconnects)."""
        client = self._client.take()
        if client is not None:
            client.transport.close()

    def queue_path(self, queue: str) -> str:
        """``projects/P/locations/L/queues/Q``."""
        return f"projects/{self._settings.project_id}/locations/{self._settings.region}/queues/{queue}"

    def target_url(self, queue: str) -> str:
        """The HTTPS URL of the function that serves ``queue``."""
        if not self._settings.function_base_url:
            raise InvalidInput("CAREER_FUNCTION_BASE_URL is not set: tasks need their function's URL")
        spec = self._topology.queue(queue)
        return f"{self._settings.function_base_url.rstrip('/')}/{spec.function}"

    def build_task(
        self,
        queue: str,
        payload: Mapping[str, Any],
        *,
        name: str | None = None,
        schedule_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The Task resource (a dict the client accepts) for one enqueue."""
        from google.protobuf import duration_pb2, timestamp_pb2

        if queue not in {q.name for q in self._topology.queues}:
            raise InvalidInput(f"unknown task queue {queue!r}: not in the topology manifest")
        if name is not None:
            check_task_name(name)
        if schedule_at is not None and schedule_at.tzinfo is None:
            raise InvalidInput("schedule_at must be timezone-aware")
        url = self.target_url(queue)
        http_request: dict[str, Any] = {
            "http_method": "POST",
            "url": url,
            "headers": {"Content-Type": "application/json"},
            "body": encode_payload(payload).encode("utf-8"),
        }
        if self._settings.tasks_service_account:
            http_request["oidc_token"] = {
                "service_account_email": self._settings.tasks_service_account,
                "audience": url,
            }
        task: dict[str, Any] = {
            "http_request": http_request,
            "dispatch_deadline": duration_pb2.Duration(
                seconds=self._topology.queue(queue).dispatch_deadline_s
            ),
        }
        if name is not None:
            task["name"] = f"{self.queue_path(queue)}/tasks/{name}"
        if schedule_at is not None:
            stamp = timestamp_pb2.Timestamp()
            stamp.FromDatetime(schedule_at)
            task["schedule_time"] = stamp
        return task

    def enqueue(
        self,
        queue: str,
        payload: Mapping[str, Any],
        *,
        name: str | None = None,
        schedule_at: datetime | None = None,
    ) -> str:
        """Create an HTTP task; a name used recently is a no-op that returns the same name."""
        from google.api_core import exceptions as gexc

        task = self.build_task(queue, payload, name=name, schedule_at=schedule_at)
        try:
            created = self.client.create_task(parent=self.queue_path(queue), task=task)
        except gexc.AlreadyExists:
            return str(name)  # only named tasks can collide: this is the de-duplication
        except gexc.NotFound as err:
            raise InvalidInput(f"queue {queue!r} does not exist: {err.message}") from err
        except (
            gexc.ServiceUnavailable,
            gexc.DeadlineExceeded,
            gexc.ResourceExhausted,
            gexc.InternalServerError,
        ) as err:
            raise TransientError(f"Cloud Tasks unavailable: {err.message}") from err
        return str(created.name).rsplit("/", 1)[-1]
