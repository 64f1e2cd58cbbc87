"""GcsBlobStore's V4 signed URLs, checked by our own verifier, and its upload notifications.

fake-gcs-server accepts any signature and any content type, so the constraints a URL
carries are verified here with the signer's public key; the upload itself then goes through
the emulator, which publishes OBJECT_FINALIZE to the Pub/Sub emulator like GCS does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shared.adapters.gcp.gcs_blobs import GcsBlobStore
from shared.config import Settings
from tests.contract.blob_backends import BUCKET, SIGNER_EMAIL, http_put, throwaway_key
from tests.contract.v4_signature import query_of, verify_v4
from tests.emulators import provision
from tests.emulators.catalog import UPLOADS_TOPIC

pytestmark = pytest.mark.emulator("gcs", "pubsub")
NAME = "users/u1/documents/doc-1.pdf"


@pytest.fixture
def signer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """A throwaway service-account key file, found through Application Default Credentials."""
    info, public_key = throwaway_key()
    key_file = tmp_path / "signer.json"
    key_file.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    return public_key


@pytest.fixture
def store(gcp_settings: Settings, signer: object) -> GcsBlobStore:
    """GcsBlobStore signing with the key ADC finds (the production path when a key exists)."""
    blobs = GcsBlobStore(BUCKET, settings=gcp_settings)
    blobs.client.create_bucket(BUCKET)
    return blobs


class TestSignature:
    def test_verifies_for_the_pinned_type_and_size_range(self, store: GcsBlobStore, signer: object) -> None:
        upload = store.signed_upload_url(
            NAME, content_type="application/pdf", max_bytes=5000, expires_in=timedelta(minutes=15)
        )

        valid = verify_v4(upload.url, "PUT", upload.headers, signer, at=datetime.now(UTC))  # type: ignore[arg-type]

        assert valid

    def test_names_the_signing_service_account_and_the_signed_headers(self, store: GcsBlobStore) -> None:
        upload = store.signed_upload_url(
            NAME, content_type="application/pdf", max_bytes=5000, expires_in=timedelta(minutes=15)
        )

        query = query_of(upload.url)

        assert query["X-Goog-Algorithm"] == "GOOG4-RSA-SHA256"
        assert query["X-Goog-Credential"].startswith(f"{SIGNER_EMAIL}/")
        assert (
            query["X-Goog-SignedHeaders"]
            == "content-type;host;x-goog-content-length-range;x-goog-if-generation-match"
        )
        assert query["X-Goog-Expires"] == "900"

    @pytest.mark.parametrize(
        ("header", "value"),
        [("Content-Type", "text/html"), ("x-goog-content-length-range", "1,999999999")],
    )
    def test_another_type_or_size_range_breaks_the_signature(
        self, store: GcsBlobStore, signer: object, header: str, value: str
    ) -> None:
        upload = store.signed_upload_url(
            NAME, content_type="application/pdf", max_bytes=5000, expires_in=timedelta(minutes=15)
        )

        valid = verify_v4(upload.url, "PUT", {**upload.headers, header: value}, signer, at=datetime.now(UTC))  # type: ignore[arg-type]

        assert not valid

    def test_stops_verifying_once_expired(self, store: GcsBlobStore, signer: object) -> None:
        upload = store.signed_upload_url(
            NAME, content_type="application/pdf", max_bytes=5000, expires_in=timedelta(seconds=60)
        )

        later = upload.expires_at + timedelta(seconds=1)

        assert not verify_v4(upload.url, "PUT", upload.headers, signer, at=later)  # type: ignore[arg-type]

    def test_a_url_for_one_object_does_not_verify_for_another(
        self, store: GcsBlobStore, signer: object
    ) -> None:
        upload = store.signed_upload_url(
            NAME, content_type="application/pdf", max_bytes=5000, expires_in=timedelta(minutes=5)
        )

        moved = upload.url.replace("doc-1.pdf", "doc-2.pdf")

        assert not verify_v4(moved, "PUT", upload.headers, signer, at=datetime.now(UTC))  # type: ignore[arg-type]


class TestFinalizeNotification:
    def test_an_upload_through_the_signed_url_publishes_object_finalize(self, store: GcsBlobStore) -> None:
        provision.create_topics([UPLOADS_TOPIC])
        inbox = provision.create_pull_subscription(f"{UPLOADS_TOPIC}-inbox", UPLOADS_TOPIC)
        upload = store.signed_upload_url(
            NAME, content_type="application/pdf", max_bytes=5000, expires_in=timedelta(minutes=5)
        )

        status = http_put(upload, b"%PDF-1.7 cv", dict(upload.headers))

        [message] = provision.pull(inbox, want=1)
        info = store.stat(NAME)
        assert status == 200
        assert info is not None
        assert message.attributes["eventType"] == "OBJECT_FINALIZE"
        assert (message.attributes["bucketId"], message.attributes["objectId"]) == (BUCKET, NAME)
        assert message.attributes["objectGeneration"] == info.generation
        assert json.loads(message.data)["contentType"] == "application/pdf"
