"""Cloud Tasks emulator administration over an insecure gRPC channel (queues, listing, purge)."""

from __future__ import annotations

from typing import Any

from tests.emulators.catalog import PROJECT

LOCATION = "europe-west1"


def client(hostport: str) -> Any:
    """A CloudTasksClient on the emulator's insecure channel."""
    import grpc
    from google.cloud import tasks_v2
    from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport

    channel = grpc.insecure_channel(hostport)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))


def ensure_queue(hostport: str, name: str, *, location: str = LOCATION, paused: bool = False) -> str:
    """Create (or keep) queue ``name``; returns its full resource name."""
    tasks = client(hostport)
    parent = f"projects/{PROJECT}/locations/{location}"
    full = f"{parent}/queues/{name}"
    tasks.create_queue(parent=parent, queue={"name": full})
    if paused:
        tasks.pause_queue(name=full)
    else:
        tasks.resume_queue(name=full)
    return full


def list_tasks(hostport: str, queue: str, *, location: str = LOCATION) -> list[Any]:
    """Tasks waiting in ``queue`` (a paused queue keeps them for inspection)."""
    full = f"projects/{PROJECT}/locations/{location}/queues/{queue}"
    return list(client(hostport).list_tasks(parent=full))


def purge_all(hostport: str) -> None:
    """Purge every queue of the project so no task of one test reaches the next."""
    tasks = client(hostport)
    for location in (LOCATION,):
        for queue in tasks.list_queues(parent=f"projects/{PROJECT}/locations/{location}"):
            tasks.purge_queue(name=queue.name)
