"""The local blob store: signed uploads verified like GCS V4 URLs, generations, notifications."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore, gcs_notification
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.failures import FailureClass
from shared.ports import BlobInfo, SignedUpload

BUCKET = "career-uploads"
NAME = "users/u1/documents/d1.pdf"
PDF = b"%PDF-1.7 a tiny body"


@pytest.fixture
def finalized() -> list[BlobInfo]:
    return []


@pytest.fixture
def store(tmp_path: Path, clock: ManualClock, finalized: list[BlobInfo]) -> FileBlobStore:
    return FileBlobStore(
        tmp_path / "blobs",
        BUCKET,
        signing_secret=b"test-signing-secret",
        base_url="http://127.0.0.1:8080/",
        clock=clock,
        on_finalize=finalized.append,
    )


def sign(
    store: FileBlobStore, name: str = NAME, *, max_bytes: int = 1024, min_bytes: int = 1
) -> SignedUpload:
    return store.signed_upload_url(
        name,
        content_type="application/pdf",
        max_bytes=max_bytes,
        min_bytes=min_bytes,
        expires_in=timedelta(minutes=15),
    )


def split(upload: SignedUpload) -> tuple[str, dict[str, str]]:
    """The object name and query the local upload endpoint would pass on."""
    parts = urlsplit(upload.url)
    name = unquote(parts.path.removeprefix(f"/_uploads/{BUCKET}/"))
    return name, dict(parse_qsl(parts.query))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class TestSignedUploadUrl:
    def test_points_at_the_local_upload_endpoint_with_pinned_headers(
        self, store: FileBlobStore, clock: ManualClock
    ) -> None:
        upload = sign(store, max_bytes=2048, min_bytes=5)

        assert upload.url.startswith(f"http://127.0.0.1:8080/_uploads/{BUCKET}/users/u1/documents/d1.pdf?")
        assert upload.method == "PUT"
        assert upload.headers == {
            "Content-Type": "application/pdf",
            "x-goog-content-length-range": "5,2048",
            "x-goog-if-generation-match": "0",
        }
        assert upload.expires_at == clock.now() + timedelta(minutes=15)

    def test_refuses_unsafe_names_and_bad_ranges(self, store: FileBlobStore) -> None:
        with pytest.raises(InvalidInput, match="segments"):
            sign(store, "users/../etc/passwd")
        with pytest.raises(InvalidInput, match="size range"):
            sign(store, max_bytes=1, min_bytes=2)


class TestAcceptSignedUpload:
    def test_a_used_url_cannot_replace_the_object(
        self, store: FileBlobStore, finalized: list[BlobInfo]
    ) -> None:
        # Before: a second PUT within the URL's lifetime replaced the PDF of an EXTRACTED
        # document, while its record kept the old sha256 and text. GCS refuses it through the
        # signed if-generation-match header (tests/contract/test_gcs_signed_urls.py).
        name, query = split(sign(store))
        store.accept_signed_upload(name, query, "application/pdf", PDF)

        with pytest.raises(PreconditionFailed):
            store.accept_signed_upload(name, query, "application/pdf", PDF + b"% changed")

        assert store.read(NAME) == PDF
        assert len(finalized) == 1

    def test_accepts_a_matching_upload_and_announces_it(
        self, store: FileBlobStore, finalized: list[BlobInfo]
    ) -> None:
        name, query = split(sign(store))

        info = store.accept_signed_upload(name, query, "application/pdf", PDF)

        assert (info.bucket, info.name, info.size, info.content_type) == (
            BUCKET,
            NAME,
            len(PDF),
            "application/pdf",
        )
        assert store.read(NAME) == PDF
        assert finalized == [info]

    def test_refuses_expired_url(self, store: FileBlobStore, clock: ManualClock, tmp_path: Path) -> None:
        name, query = split(sign(store))
        clock.advance(minutes=15)

        with pytest.raises(Forbidden, match="expired"):
            store.accept_signed_upload(name, query, "application/pdf", PDF)
        assert files_under(tmp_path / "blobs") == []

    @pytest.mark.parametrize("key", ["signature", "size_range", "content_type", "expires"])
    def test_refuses_tampered_parameters(self, store: FileBlobStore, key: str, tmp_path: Path) -> None:
        name, query = split(sign(store))
        tampered = {
            "signature": "0" * 64,
            "size_range": "1,999999",
            "content_type": "text/plain",
            "expires": str(int(query["expires"]) + 3600),
        }[key]
        query[key] = tampered

        with pytest.raises(Forbidden, match="signature"):
            store.accept_signed_upload(name, query, query["content_type"], PDF)
        assert files_under(tmp_path / "blobs") == []

    def test_refuses_missing_signature(self, store: FileBlobStore) -> None:
        name, query = split(sign(store))
        del query["signature"]

        with pytest.raises(Forbidden, match="missing or has malformed"):
            store.accept_signed_upload(name, query, "application/pdf", PDF)

    def test_refuses_a_url_signed_for_another_object(self, store: FileBlobStore, tmp_path: Path) -> None:
        _, query = split(sign(store, "users/u1/documents/d1.pdf"))

        with pytest.raises(Forbidden, match="does not match this object"):
            store.accept_signed_upload("users/u2/documents/d9.pdf", query, "application/pdf", PDF)
        assert files_under(tmp_path / "blobs") == []

    @pytest.mark.parametrize(
        "name",
        [
            "../outside.pdf",
            "users/u1/../../outside.pdf",
            "/etc/passwd",
            "users\\u1\\d.pdf",
            "users//d.pdf",
            "users/./d.pdf",
            "C:/x.pdf",
        ],
    )
    def test_refuses_path_tricks_and_writes_nothing(
        self, store: FileBlobStore, tmp_path: Path, name: str
    ) -> None:
        _, query = split(sign(store))

        with pytest.raises(Forbidden):
            store.accept_signed_upload(name, query, "application/pdf", PDF)
        assert files_under(tmp_path) == []

    def test_refuses_wrong_content_type(self, store: FileBlobStore, tmp_path: Path) -> None:
        name, query = split(sign(store))

        with pytest.raises(InvalidInput) as refused:
            store.accept_signed_upload(name, query, "text/html", PDF)
        assert refused.value.failure_class is FailureClass.UNSUPPORTED_MEDIA_TYPE
        assert files_under(tmp_path / "blobs") == []

    def test_refuses_oversize_body(self, store: FileBlobStore, tmp_path: Path) -> None:
        name, query = split(sign(store, max_bytes=len(PDF) - 1))

        with pytest.raises(InvalidInput) as refused:
            store.accept_signed_upload(name, query, "application/pdf", PDF)
        assert refused.value.failure_class is FailureClass.PAYLOAD_TOO_LARGE
        assert files_under(tmp_path / "blobs") == []

    def test_refuses_undersize_body(self, store: FileBlobStore, finalized: list[BlobInfo]) -> None:
        name, query = split(sign(store, min_bytes=len(PDF) + 1, max_bytes=4096))

        with pytest.raises(InvalidInput) as refused:
            store.accept_signed_upload(name, query, "application/pdf", PDF)
        assert refused.value.failure_class is FailureClass.INVALID_INPUT
        assert finalized == []

    def test_accepts_a_body_at_both_ends_of_the_range(self, store: FileBlobStore) -> None:
        name, query = split(sign(store, min_bytes=len(PDF), max_bytes=len(PDF)))

        info = store.accept_signed_upload(name, query, "application/pdf", PDF)

        assert info.size == len(PDF)


class TestObjects:
    def test_generation_increments_on_every_write(self, store: FileBlobStore) -> None:
        first = store.write(NAME, b"one", content_type="text/plain")
        second = store.write(NAME, b"two", content_type="text/plain")

        assert int(second.generation) > int(first.generation)
        assert store.stat(NAME) == second

    def test_recreated_object_gets_a_newer_generation_than_the_deleted_one(
        self, store: FileBlobStore
    ) -> None:
        first = store.write(NAME, b"one", content_type="text/plain")
        store.delete(NAME)

        again = store.write(NAME, b"one", content_type="text/plain")

        assert int(again.generation) > int(first.generation)

    def test_delete_then_read_is_not_found(self, store: FileBlobStore) -> None:
        store.write(NAME, PDF, content_type="application/pdf")

        store.delete(NAME)
        store.delete(NAME)  # absent: no-op

        assert store.stat(NAME) is None
        assert not store.exists(NAME)
        with pytest.raises(NotFound):
            store.read(NAME)

    def test_metadata_survives_a_new_store_on_the_same_folder(
        self, store: FileBlobStore, tmp_path: Path, clock: ManualClock
    ) -> None:
        written = store.write(NAME, PDF, content_type="application/pdf")

        reopened = FileBlobStore(
            tmp_path / "blobs", BUCKET, signing_secret=b"x", base_url="http://127.0.0.1:1", clock=clock
        )

        assert reopened.stat(NAME) == written
        assert reopened.read(NAME) == PDF

    def test_objects_live_under_root_bucket_name(self, store: FileBlobStore, tmp_path: Path) -> None:
        store.write(NAME, PDF, content_type="application/pdf")

        assert (tmp_path / "blobs" / BUCKET / NAME).read_bytes() == PDF

    def test_a_name_clashing_with_a_folder_is_refused_and_leaves_no_stray_file(
        self, store: FileBlobStore, tmp_path: Path, finalized: list[BlobInfo]
    ) -> None:
        store.write(NAME, PDF, content_type="application/pdf")

        with pytest.raises(Conflict):
            store.write("users/u1", PDF, content_type="application/pdf")

        assert sorted(p.name for p in (tmp_path / "blobs" / BUCKET / "users").iterdir()) == ["u1"]
        assert store.stat("users/u1") is None
        assert [info.name for info in finalized] == [NAME]


class TestGcsNotification:
    def test_matches_the_json_api_v1_object_finalize_shape(self, store: FileBlobStore) -> None:
        info = store.write(NAME, PDF, content_type="application/pdf")

        data, attributes = gcs_notification(info)

        assert data["kind"] == "storage#object"
        assert data["id"] == f"{BUCKET}/{NAME}/{info.generation}"
        assert data["selfLink"].endswith(f"/b/{BUCKET}/o/users%2Fu1%2Fdocuments%2Fd1.pdf")
        assert (data["name"], data["bucket"], data["generation"]) == (NAME, BUCKET, info.generation)
        assert (data["metageneration"], data["contentType"], data["size"]) == (
            "1",
            "application/pdf",
            str(len(PDF)),
        )
        assert data["md5Hash"] == base64.b64encode(hashlib.md5(PDF).digest()).decode()  # noqa: S324
        assert len(base64.b64decode(data["crc32c"])) == 4
        assert data["updated"].endswith("Z")
        assert datetime.fromisoformat(data["timeCreated"].replace("Z", "+00:00")) == info.updated
        assert attributes == {
            "notificationConfig": f"projects/_/buckets/{BUCKET}/notificationConfigs/1",
            "eventType": "OBJECT_FINALIZE",
            "payloadFormat": "JSON_API_V1",
            "bucketId": BUCKET,
            "objectId": NAME,
            "objectGeneration": info.generation,
            "eventTime": attributes["eventTime"],
        }
        assert datetime.fromisoformat(attributes["eventTime"].replace("Z", "+00:00")) == info.updated

    def test_overwrite_reports_the_replaced_generation(self, store: FileBlobStore) -> None:
        first = store.write(NAME, b"one", content_type="text/plain")
        second = store.write(NAME, b"two", content_type="text/plain")

        _, attributes = gcs_notification(second)

        assert attributes["overwroteGeneration"] == first.generation
