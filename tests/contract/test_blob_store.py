"""BlobStore contract: objects, generations, names and signed uploads, on every backend.

The local FileBlobStore runs in a temporary folder; GcsBlobStore runs on fake-gcs-server.
The emulator does not check V4 signatures: test_gcs_signed_urls.py checks them in our code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from shared.domain.errors import InvalidInput, NotFound
from shared.ports import BlobStore
from tests.contract.blob_backends import BUCKET, BlobBackend, gcs_backend, local_backend

PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture(params=["local", pytest.param("gcs", marks=pytest.mark.emulator("gcs"))])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobBackend]:
    """Each BlobStore backend, empty."""
    if request.param == "local":
        yield from local_backend(tmp_path / "blobs")
    else:
        yield from gcs_backend(request.getfixturevalue("gcp_settings"))


@pytest.fixture
def store(backend: BlobBackend) -> BlobStore:
    """The backend's store."""
    return backend.store


class TestWriteAndRead:
    def test_reads_back_what_was_written_with_its_metadata(self, store: BlobStore) -> None:
        info = store.write("users/u1/documents/d1.pdf", PDF, content_type="application/pdf")

        assert store.read("users/u1/documents/d1.pdf") == PDF
        assert (info.bucket, info.name, info.size, info.content_type) == (
            BUCKET,
            "users/u1/documents/d1.pdf",
            len(PDF),
            "application/pdf",
        )
        assert info.updated.utcoffset() == timedelta(0)

    def test_stat_reports_the_stored_generation_and_size(self, store: BlobStore) -> None:
        info = store.write("a/b.txt", b"hello", content_type="text/plain")

        stat = store.stat("a/b.txt")

        assert stat is not None
        assert (stat.generation, stat.size, stat.content_type) == (info.generation, 5, "text/plain")
        assert store.exists("a/b.txt")

    def test_a_rewrite_gets_a_newer_generation(self, store: BlobStore) -> None:
        first = store.write("a/b.txt", b"one", content_type="text/plain")

        second = store.write("a/b.txt", b"two!", content_type="text/plain")

        assert int(second.generation) > int(first.generation)
        assert store.read("a/b.txt") == b"two!"


class TestMissingObjects:
    def test_read_of_a_missing_object_raises_not_found(self, store: BlobStore) -> None:
        with pytest.raises(NotFound):
            store.read("nope/missing.pdf")

    def test_stat_and_exists_report_absence(self, store: BlobStore) -> None:
        assert store.stat("nope/missing.pdf") is None
        assert not store.exists("nope/missing.pdf")


class TestDelete:
    def test_removes_the_object(self, store: BlobStore) -> None:
        store.write("a/gone.txt", b"bye", content_type="text/plain")

        store.delete("a/gone.txt")

        assert not store.exists("a/gone.txt")
        with pytest.raises(NotFound):
            store.read("a/gone.txt")

    def test_deleting_a_missing_object_is_a_no_op(self, store: BlobStore) -> None:
        store.delete("a/never.txt")

        assert not store.exists("a/never.txt")


class TestObjectNames:
    @pytest.mark.parametrize("name", ["", "../escape.pdf", "a//b.pdf", "a/./b.pdf", "line\nbreak"])
    def test_refuses_names_that_are_malformed_or_climb_out(self, store: BlobStore, name: str) -> None:
        with pytest.raises(InvalidInput):
            store.write(name, b"x", content_type="text/plain")


class TestSignedUploads:
    def test_grants_a_put_with_pinned_type_and_size_range(self, backend: BlobBackend) -> None:
        before = backend.now()

        upload = backend.store.signed_upload_url(
            "users/u1/documents/d2.pdf",
            content_type="application/pdf",
            max_bytes=1000,
            expires_in=timedelta(minutes=15),
        )

        assert upload.method == "PUT"
        assert upload.headers == {
            "Content-Type": "application/pdf",
            "x-goog-content-length-range": "1,1000",
            "x-goog-if-generation-match": "0",
        }
        assert timedelta(minutes=14) < upload.expires_at - before <= timedelta(minutes=15, seconds=1)

    def test_an_upload_through_the_url_lands_as_the_object(self, backend: BlobBackend) -> None:
        upload = backend.store.signed_upload_url(
            "users/u1/documents/d3.pdf",
            content_type="application/pdf",
            max_bytes=1000,
            expires_in=timedelta(minutes=5),
        )

        status = backend.put(upload, PDF, dict(upload.headers))

        stat = backend.store.stat("users/u1/documents/d3.pdf")
        assert status == 200
        assert stat is not None
        assert (stat.size, stat.content_type) == (len(PDF), "application/pdf")
        assert backend.store.read("users/u1/documents/d3.pdf") == PDF

    def test_refuses_an_expiry_beyond_seven_days(self, store: BlobStore) -> None:
        with pytest.raises(InvalidInput):
            store.signed_upload_url(
                "a.pdf", content_type="application/pdf", max_bytes=10, expires_in=timedelta(days=8)
            )

    def test_refuses_an_inverted_size_range(self, store: BlobStore) -> None:
        with pytest.raises(InvalidInput):
            store.signed_upload_url(
                "a.pdf",
                content_type="application/pdf",
                max_bytes=10,
                min_bytes=11,
                expires_in=timedelta(minutes=1),
            )

    @pytest.mark.parametrize("content_type", ["", "application/pdf\r\nx-evil: 1", "text/plain\n0,99"])
    def test_refuses_an_empty_or_multiline_content_type(self, store: BlobStore, content_type: str) -> None:
        with pytest.raises(InvalidInput):
            store.signed_upload_url(
                "a.pdf", content_type=content_type, max_bytes=10, expires_in=timedelta(minutes=1)
            )

    def test_refuses_a_url_for_a_malformed_name(self, store: BlobStore) -> None:
        with pytest.raises(InvalidInput):
            store.signed_upload_url(
                "../x.pdf", content_type="application/pdf", max_bytes=10, expires_in=timedelta(minutes=1)
            )
