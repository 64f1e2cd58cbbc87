"""The documents journey over real HTTP: a real CV uploaded to a signed URL ends EXTRACTED."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore
from shared.config import Settings
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

NewUser = Callable[[], tuple[str, dict[str, str]]]
CV = "swe-new-grad_deedy_two-column_1p.pdf"
SETTLED = {"EXTRACTED", "FAILED", "REJECTED"}


def start_upload(client: httpx.Client, auth: dict[str, str], data: bytes, **overrides: Any) -> dict[str, Any]:
    """POST /documents for ``data``; returns the 201 body."""
    body = {"filename": "cv.pdf", "size": len(data), "content_type": "application/pdf", **overrides}
    response = client.post("/api/documents", json=body, headers=auth)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def put(upload: dict[str, Any], data: bytes, **headers: str) -> httpx.Response:
    """The browser's PUT to the signed URL, with the headers it was told to send."""
    return httpx.put(upload["url"], content=data, headers={**upload["headers"], **headers}, timeout=30)


def wait_settled(client: httpx.Client, auth: dict[str, str], doc_id: str) -> dict[str, Any]:
    """Poll GET /documents/{id} until the document reaches a final state."""
    deadline = time.monotonic() + 60
    while True:
        document: dict[str, Any] = client.get(f"/api/documents/{doc_id}", headers=auth).json()
        if document["state"] in SETTLED or time.monotonic() > deadline:
            return document
        time.sleep(0.2)


def problem_class(response: httpx.Response) -> str:
    """The failure class of a problem+json answer."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    failure: str = response.json()["failure_class"]
    return failure


@pytest.fixture
def cv(shared_data: Path) -> bytes:
    """A real two-column CV from the kit."""
    return (shared_data / "resumes" / CV).read_bytes()


class TestDocumentsJourney:
    def test_real_cv_uploads_extracts_and_deletes(
        self, client: httpx.Client, new_user: NewUser, cv: bytes
    ) -> None:
        _, auth = new_user()
        created = start_upload(client, auth, cv)
        doc_id = created["document"]["id"]

        stored = put(created["upload"], cv)
        document = wait_settled(client, auth, doc_id)
        text = client.get(f"/api/documents/{doc_id}/text", headers=auth).json()
        listing = client.get("/api/documents", headers=auth).json()
        journey = client.get("/api/journey", headers=auth).json()

        assert stored.status_code == 200
        assert document["state"] == "EXTRACTED"
        assert document["pages"] == 1
        assert document["language"] == "en"
        assert "CORNELL UNIVERSITY" in text["text"]
        assert text["chars"] == len(text["text"])
        assert [d["id"] for d in listing["documents"]] == [doc_id]
        assert next(s for s in journey["steps"] if s["key"] == "documents")["state"] == "done"
        assert client.delete(f"/api/documents/{doc_id}", headers=auth).status_code == 204
        assert client.get(f"/api/documents/{doc_id}", headers=auth).status_code == 404

    def test_another_users_document_is_404(self, client: httpx.Client, new_user: NewUser, cv: bytes) -> None:
        _, alice = new_user()
        _, bob = new_user()
        doc_id = start_upload(client, alice, cv)["document"]["id"]

        response = client.get(f"/api/documents/{doc_id}", headers=bob)

        assert response.status_code == 404
        assert problem_class(response) == "NOT_FOUND"


class TestUploadRefusals:
    def test_refuses_a_url_moved_to_another_users_path(
        self, client: httpx.Client, new_user: NewUser, cv: bytes
    ) -> None:
        alice_uid, alice = new_user()
        bob_uid, _ = new_user()
        upload = start_upload(client, alice, cv)["upload"]
        stolen = dict(upload, url=upload["url"].replace(f"/users/{alice_uid}/", f"/users/{bob_uid}/"))

        response = put(stolen, cv)

        assert response.status_code == 403
        assert problem_class(response) == "FORBIDDEN"

    def test_refuses_an_expired_url(
        self, client: httpx.Client, server: Server, new_user: NewUser, cv: bytes
    ) -> None:
        uid, auth = new_user()
        doc_id = start_upload(client, auth, cv)["document"]["id"]
        upload = self._url_signed_an_hour_ago(server, f"users/{uid}/documents/{doc_id}.pdf", len(cv))

        response = put({"url": upload.url, "headers": upload.headers}, cv)

        assert response.status_code == 403
        assert "expired" in response.json()["detail"]
        assert client.get(f"/api/documents/{doc_id}", headers=auth).json()["state"] == "PENDING_UPLOAD"

    def test_refuses_a_wrong_content_type(self, client: httpx.Client, new_user: NewUser, cv: bytes) -> None:
        _, auth = new_user()
        upload = start_upload(client, auth, cv)["upload"]

        response = put(upload, cv, **{"Content-Type": "text/html"})

        assert response.status_code == 415
        assert problem_class(response) == "UNSUPPORTED_MEDIA_TYPE"

    def test_refuses_a_body_larger_than_announced(
        self, client: httpx.Client, new_user: NewUser, cv: bytes
    ) -> None:
        _, auth = new_user()
        upload = start_upload(client, auth, cv)["upload"]

        response = put(upload, cv + b"\n%% padding" * 100)

        assert response.status_code in (413, 422)
        assert problem_class(response) in ("PAYLOAD_TOO_LARGE", "FILE_TOO_LARGE")

    def test_refuses_to_start_a_non_pdf_or_oversize_upload(
        self, client: httpx.Client, new_user: NewUser
    ) -> None:
        _, auth = new_user()
        body = {"filename": "cv.docx", "size": 10, "content_type": "application/msword"}

        wrong_type = client.post("/api/documents", json=body, headers=auth)
        oversize = client.post(
            "/api/documents", json={**body, "content_type": "application/pdf", "size": 10**9}, headers=auth
        )

        assert problem_class(wrong_type) == "UNSUPPORTED_MEDIA_TYPE"
        assert problem_class(oversize) == "FILE_TOO_LARGE"

    @staticmethod
    def _url_signed_an_hour_ago(server: Server, name: str, size: int) -> Any:
        # Signed exactly as the server signs (same default secret, bucket and base URL), but
        # by a clock an hour behind, so the URL expired 45 minutes ago.
        defaults = Settings.model_fields
        secret = defaults["upload_signing_secret"].default.get_secret_value()
        signer = FileBlobStore(
            server.data_dir / "unused-signer",
            defaults["uploads_bucket"].default,
            signing_secret=secret.encode(),
            base_url=server.url,
            clock=ManualClock(datetime.now(UTC) - timedelta(hours=1)),
        )
        return signer.signed_upload_url(
            name,
            content_type="application/pdf",
            max_bytes=size,
            min_bytes=size,
            expires_in=timedelta(minutes=15),
        )
