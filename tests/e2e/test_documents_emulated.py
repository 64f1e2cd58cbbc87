"""Emulated mode: a CV PUT to fake-gcs-server reaches the finalize function through Pub/Sub.

The production chain on the emulators: V4 signed URL -> fake-gcs-server -> OBJECT_FINALIZE
notification on the Pub/Sub emulator's ``uploads`` topic -> the push envelope to the
function's own functions-framework app -> Firestore (emulator) -> the extraction task.
Tasks go through the local delivery queue (the Tasks emulator ignores retry_config).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import bootstrap
from shared.adapters.gcp.firestore_store import FirestoreDocumentStore
from shared.adapters.gcp.gcs_blobs import GcsBlobStore
from shared.adapters.local.clock import SystemClock
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.documents import DocumentState
from shared.localstack.function_feed import create_function_app
from shared.messages import ExtractionTask, UploadFinalized, channel_of
from shared.services.documents import DocumentService
from shared.topology import TOPOLOGY
from tests.contract.blob_backends import http_put, throwaway_key
from tests.emulators import provision
from tests.emulators.catalog import PROJECT

UPLOADS = channel_of(UploadFinalized)
EXTRACTION = channel_of(ExtractionTask)

pytestmark = [pytest.mark.e2e, pytest.mark.emulator("gcs", "pubsub", "firestore")]
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
CV = "fullstack-dev_john-doe_latex_2p.pdf"


@pytest.fixture
def container(gcp_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Container]:
    """The gcp backend on the emulators (signing with a throwaway key), tasks on the local queue."""
    info, _ = throwaway_key()
    key_file = tmp_path / "signer.json"
    key_file.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    uploads = GcsBlobStore(gcp_settings.uploads_bucket, settings=gcp_settings)
    texts = GcsBlobStore(gcp_settings.text_bucket, settings=gcp_settings)
    for bucket in (uploads, texts):
        bucket.client.create_bucket(bucket.bucket)
    queue = SqliteDeliveryQueue(":memory:", topology=TOPOLOGY, clock=SystemClock())
    store = FirestoreDocumentStore(PROJECT, indexes=TOPOLOGY.indexes)
    built = Container(gcp_settings, store=store, uploads=uploads, texts=texts, tasks=queue, delivery=queue)
    bootstrap.install(built)
    yield built
    bootstrap.install(None)
    queue.close()
    store.close()


def push_envelope(message: Any, subscription: str) -> dict[str, Any]:
    """The body a Pub/Sub push subscription POSTs for ``message``."""
    return {
        "message": {
            "data": base64.b64encode(message.data).decode(),
            "attributes": dict(message.attributes),
            "messageId": message.message_id,
            "publishTime": message.publish_time.isoformat(),
        },
        "subscription": f"projects/{PROJECT}/subscriptions/{subscription}",
    }


class TestEmulatedUpload:
    def test_upload_to_fake_gcs_is_confirmed_and_extracted(
        self, container: Container, shared_data: Path
    ) -> None:
        cv = (shared_data / "resumes" / CV).read_bytes()
        provision.create_topics([UPLOADS])
        inbox = provision.create_pull_subscription(f"uploads-inbox-{uuid.uuid4().hex[:8]}", UPLOADS)
        uid = f"user-{uuid.uuid4().hex[:8]}"
        documents = container.make(DocumentService)
        created = documents.create_upload(
            uid, filename="cv.pdf", size=len(cv), content_type="application/pdf"
        )
        finalize = create_function_app(FUNCTIONS, TOPOLOGY.function("on_upload_finalized"), "cloudevent")
        extract = create_function_app(FUNCTIONS, TOPOLOGY.function("extract_document"), "http")

        status = http_put(created.upload, cv, dict(created.upload.headers))
        [message] = provision.pull(inbox, want=1)
        pushed = finalize.test_client().post(
            f"/projects/{PROJECT}/topics/uploads", json=push_envelope(message, "uploads-confirm")
        )
        confirmed = documents.get(uid, created.document.id)
        task = {"uid": uid, "document_id": created.document.id}
        ran = extract.test_client().post("/", json=task, headers={"X-CloudTasks-TaskName": "t-emulated"})
        extracted = documents.get(uid, created.document.id)

        assert status == 200
        assert message.attributes["eventType"] == "OBJECT_FINALIZE"
        assert pushed.status_code == 200
        assert confirmed.state == DocumentState.UPLOADED
        assert container.delivery.pending(EXTRACTION) == 1
        assert ran.status_code == 200
        assert extracted.state == DocumentState.EXTRACTED
        assert extracted.pages == 2
        assert "JOHN DOE" in documents.text(uid, created.document.id)[1]
