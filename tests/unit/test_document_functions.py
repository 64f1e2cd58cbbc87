"""The documents functions on their own functions-framework apps, fed like production.

The finalize function gets the GCS notification through the local queue's Pub/Sub push (the
deployed path) and, directly, as an Eventarc storage CloudEvent; the extraction function
gets Cloud Tasks requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import gcs_notification
from shared.config import Settings
from shared.domain.documents import DocumentState
from shared.localstack.function_feed import create_function_app, register_functions
from shared.messages import ExtractionTask, channel_of
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY
from tests.unit.documents_world import UID, World, make_pdf

EXTRACTION = channel_of(ExtractionTask)

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
EVENTARC_FINALIZED = "google.cloud.storage.object.v1.finalized"


@pytest.fixture
def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> Iterator[World]:
    """The documents slice installed as the process container, its uploads announcing finalize."""
    w = World(tmp_path, settings, clock, notify=True)
    bootstrap.install(w.container)
    yield w
    bootstrap.install(None)
    w.queue.close()
    w.store.close()


def app(name: str, signature: str) -> Any:
    """The function's own flask app, as Cloud Run serves it."""
    return create_function_app(FUNCTIONS, TOPOLOGY.function(name), signature)  # type: ignore[arg-type]


def eventarc_headers(event_id: str, when: str, bucket: str, name: str) -> dict[str, str]:
    """Binary-mode CloudEvent headers of an Eventarc storage event."""
    return {
        "ce-id": event_id,
        "ce-specversion": "1.0",
        "ce-type": EVENTARC_FINALIZED,
        "ce-source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "ce-subject": f"objects/{name}",
        "ce-time": when,
    }


class TestUploadFinalizedFunction:
    def test_pubsub_notification_chain_ends_extracted(self, world: World) -> None:
        register_functions(world.queue, TOPOLOGY, FUNCTIONS, project="demo-career")
        data = make_pdf()
        document = world.start(data)
        world.put(document, data)

        world.queue.drain()

        stored = world.documents.get(UID, document.id)
        assert stored.state == DocumentState.EXTRACTED
        assert world.queue.dead_letters() == []

    def test_accepts_the_eventarc_storage_cloudevent(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        world.clock.advance(seconds=1)
        info = world.uploads.write(document.object_name, data, content_type="application/pdf")
        body, _ = gcs_notification(info)
        headers = eventarc_headers("evt-1", world.clock.now().isoformat(), info.bucket, info.name)

        response = (
            app("on_upload_finalized", "cloudevent").test_client().post("/", json=body, headers=headers)
        )

        assert response.status_code == 200
        assert world.documents.get(UID, document.id).state == DocumentState.UPLOADED

    def test_acknowledges_other_storage_events_untouched(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        world.clock.advance(seconds=1)
        info = world.uploads.write(document.object_name, data, content_type="application/pdf")
        body, _ = gcs_notification(info)
        headers = eventarc_headers("evt-2", world.clock.now().isoformat(), info.bucket, info.name)
        headers["ce-type"] = "google.cloud.storage.object.v1.deleted"

        response = (
            app("on_upload_finalized", "cloudevent").test_client().post("/", json=body, headers=headers)
        )

        assert response.status_code == 200
        assert world.documents.get(UID, document.id).state == DocumentState.PENDING_UPLOAD

    def test_acknowledges_an_event_that_is_no_storage_object(self, world: World) -> None:
        headers = eventarc_headers("evt-3", world.clock.now().isoformat(), "career-uploads", "x")

        response = (
            app("on_upload_finalized", "cloudevent").test_client().post("/", json={"foo": 1}, headers=headers)
        )

        assert response.status_code == 200


class TestExtractDocumentFunction:
    def headers(self, name: str) -> dict[str, str]:
        return {"X-CloudTasks-TaskName": name, "X-CloudTasks-QueueName": EXTRACTION}

    def test_runs_the_task_and_answers_the_state(self, world: World) -> None:
        data = make_pdf()
        document = world.start(data)
        world.finalize(document, world.put(document, data))
        payload = {"uid": UID, "document_id": document.id}

        response = (
            app("extract_document", "http").test_client().post("/", json=payload, headers=self.headers("t1"))
        )

        assert response.status_code == 200
        assert json.loads(response.get_data())["state"] == "EXTRACTED"
        assert world.documents.get(UID, document.id).state == DocumentState.EXTRACTED

    def test_dead_letters_and_acknowledges_a_payload_without_a_document(self, world: World) -> None:
        client = app("extract_document", "http").test_client()

        response = client.post("/", json={"uid": UID}, headers=self.headers("t2"))

        assert response.status_code == 200
        assert json.loads(response.get_data())["failure_class"] == "INVALID_INPUT"
        [letter] = world.container.make(DeadLetterService).list().items
        assert (letter.origin, letter.message_id, letter.failure_class) == (EXTRACTION, "t2", "INVALID_INPUT")
        assert json.loads(letter.payload) == {"uid": UID}
