"""The local BlobStore: one folder per bucket, a JSON sidecar per object, HMAC-signed uploads.

Objects live at ``root/bucket/name``; their metadata (generation, content type, size,
hashes, times) at ``root/.meta/bucket/name.json`` (bucket names cannot start with a dot, so
the two trees never meet). The sidecar outlives a delete as a tombstone, so a re-created
object gets a newer generation and ``bucket/name#generation`` stays a unique event key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from shared.adapters.local.gcs_events import gcs_notification
from shared.adapters.local.upload_signing import (
    UploadGrant,
    check_object_name,
    check_upload_terms,
    grant_from_query,
)
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.failures import FailureClass
from shared.ports import BlobInfo, Clock, SignedUpload

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")

__all__ = ["FileBlobStore", "StoredBlobInfo", "gcs_notification"]


@dataclass(frozen=True)
class StoredBlobInfo(BlobInfo):
    """BlobInfo plus what a GCS object resource also reports."""

    time_created: datetime | None = None
    md5_hash: str | None = None  # base64, as GCS reports it
    crc32c: str | None = None  # base64 of the big-endian checksum
    overwrote_generation: str | None = None


class FileBlobStore:
    """A bucket on the local disk (``BlobStore`` port)."""

    def __init__(
        self,
        root: Path,
        bucket: str,
        *,
        signing_secret: bytes,
        base_url: str,
        clock: Clock,
        on_finalize: Callable[[BlobInfo], None] | None = None,
    ) -> None:
        if not _BUCKET.match(bucket):
            raise ValueError(f"invalid bucket name {bucket!r}")
        if not signing_secret:
            raise ValueError("upload signing secret must not be empty")
        self.bucket = bucket
        self._objects = Path(root) / bucket
        self._meta = Path(root) / ".meta" / bucket
        self._secret = signing_secret
        self._base_url = base_url.rstrip("/")
        self._clock = clock
        self._on_finalize = on_finalize
        self._lock = threading.RLock()  # accept_signed_upload holds it around write()

    # ------------------------------------------------------------------ signed uploads
    def signed_upload_url(
        self, name: str, *, content_type: str, max_bytes: int, min_bytes: int = 1, expires_in: timedelta
    ) -> SignedUpload:
        """A PUT URL for ``name`` pinned to ``content_type``, a size range and an expiry."""
        check_object_name(name)
        check_upload_terms(content_type, min_bytes, max_bytes, expires_in)
        expires = int((self._clock.now() + expires_in).timestamp())
        grant = UploadGrant(self.bucket, name, expires, content_type, min_bytes, max_bytes)
        url = f"{self._base_url}/_uploads/{self.bucket}/{quote(name)}?{urlencode(grant.query(self._secret))}"
        headers = {
            "Content-Type": content_type,
            "x-goog-content-length-range": f"{min_bytes},{max_bytes}",
            # As on GCS: the URL creates the object once and can never replace it.
            "x-goog-if-generation-match": "0",
        }
        return SignedUpload(url, "PUT", headers, datetime.fromtimestamp(expires, UTC))

    def signed_download_url(self, name: str, *, expires_in: timedelta) -> str:
        """A GET URL for ``name`` served by the local stack until ``expires_in`` from now."""
        check_object_name(name)
        if not timedelta(0) < expires_in <= timedelta(days=7):
            raise InvalidInput("a signed URL lives between 1 second and 7 days")
        expires = int((self._clock.now() + expires_in).timestamp())
        query = {
            "expires": str(expires),
            "signature": download_signature(self._secret, self.bucket, name, expires),
        }
        return f"{self._base_url}/_downloads/{self.bucket}/{quote(name)}?{urlencode(query)}"

    def read_signed(self, name: str, query: Mapping[str, str]) -> tuple[bytes, str | None]:
        """The bytes and content type of a signed GET; Forbidden for a bad or expired URL."""
        check_object_name(name, error=Forbidden)
        try:
            expires, presented = int(query["expires"]), query["signature"]
        except (KeyError, ValueError):
            raise Forbidden("download URL is missing its signature") from None
        expected = download_signature(self._secret, self.bucket, name, expires)
        if not hmac.compare_digest(presented.encode(), expected.encode()):
            raise Forbidden("download URL signature does not match")
        if self._clock.now().timestamp() >= expires:
            raise Forbidden("download URL expired")
        info = self.stat(name)
        if info is None:
            raise NotFound("no such object")
        return self.read(name), info.content_type

    def accept_signed_upload(
        self, name: str, query: Mapping[str, str], content_type: str | None, body: bytes
    ) -> BlobInfo:
        """Verify a PUT against its signed URL, then store it (nothing is written on refusal)."""
        check_object_name(name, error=Forbidden)
        grant = grant_from_query(self.bucket, name, query, self._secret)
        if self._clock.now().timestamp() >= grant.expires:
            raise Forbidden("upload URL expired")
        if content_type != grant.content_type:
            raise InvalidInput(
                f"content type {content_type!r} does not match the signed {grant.content_type!r}",
                failure_class=FailureClass.UNSUPPORTED_MEDIA_TYPE,
            )
        size = len(body)
        if size > grant.max_bytes:
            raise InvalidInput(
                f"body of {size} bytes exceeds the signed maximum of {grant.max_bytes}",
                failure_class=FailureClass.PAYLOAD_TOO_LARGE,
                detail={"size": size, "max_bytes": grant.max_bytes},
            )
        if size < grant.min_bytes:
            raise InvalidInput(
                f"body of {size} bytes is below the signed minimum of {grant.min_bytes}",
                detail={"size": size, "min_bytes": grant.min_bytes},
            )
        with self._lock:
            # The grant creates the object once: a URL used again within its lifetime must not
            # replace a PDF whose record already holds its hash and text.
            previous = self._read_meta(name)
            if previous and not previous.get("deleted"):
                raise PreconditionFailed("this upload URL was already used; start a new upload")
            return self.write(name, body, content_type=grant.content_type)

    # ------------------------------------------------------------------ BlobStore
    def write(self, name: str, data: bytes, *, content_type: str) -> BlobInfo:
        """Store a new generation of ``name`` and announce it (OBJECT_FINALIZE)."""
        check_object_name(name)
        with self._lock:
            previous = self._read_meta(name)
            live = bool(previous) and not previous.get("deleted")
            now = self._clock.now()
            # Like GCS (microsecond timestamps), but never equal to or below a past generation.
            generation = max(int(now.timestamp() * 1_000_000), int(previous.get("generation", 0)) + 1)
            meta = {
                "generation": str(generation),
                "content_type": content_type,
                "size": len(data),
                "updated": now.isoformat(),
                "md5_hash": base64.b64encode(hashlib.md5(data).digest()).decode(),  # noqa: S324 - GCS's md5Hash
                "crc32c": _crc32c(data),
                "overwrote_generation": previous["generation"] if live else None,
            }
            try:
                _atomic_write(self._path(name), data)
                _atomic_write(self._meta_path(name), json.dumps(meta).encode())
            except (NotADirectoryError, IsADirectoryError, FileExistsError):
                raise Conflict(f"object name {name!r} clashes with an existing object's folder") from None
        info = _info(self.bucket, name, meta)
        if self._on_finalize is not None:
            self._on_finalize(info)
        return info

    def read(self, name: str) -> bytes:
        """The object's bytes; NotFound when absent."""
        check_object_name(name)
        if self.stat(name) is None:
            raise NotFound(f"object {name!r} not found")
        return self._path(name).read_bytes()

    def stat(self, name: str) -> BlobInfo | None:
        """The object's metadata, or None."""
        check_object_name(name)
        meta = self._read_meta(name)
        if not meta or meta.get("deleted") or not self._path(name).is_file():
            return None
        return _info(self.bucket, name, meta)

    def exists(self, name: str) -> bool:
        """True when the object is present."""
        return self.stat(name) is not None

    def delete(self, name: str) -> None:
        """Remove the object; absent is a no-op. The sidecar stays as a generation tombstone."""
        check_object_name(name)
        with self._lock:
            meta = self._read_meta(name)
            self._path(name).unlink(missing_ok=True)
            if meta:
                _atomic_write(self._meta_path(name), json.dumps({**meta, "deleted": True}).encode())

    # ------------------------------------------------------------------ internals
    def _path(self, name: str) -> Path:
        path = self._objects / name
        # Defence in depth after check_object_name: a symlink must not lead out of the bucket.
        if not path.resolve().is_relative_to(self._objects.resolve()):
            raise Forbidden("object path leaves the bucket")
        return path

    def _meta_path(self, name: str) -> Path:
        return self._meta / f"{name}.json"

    def _read_meta(self, name: str) -> dict[str, Any]:
        try:
            meta: dict[str, Any] = json.loads(self._meta_path(name).read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            return {}
        return meta


def _info(bucket: str, name: str, meta: Mapping[str, Any]) -> StoredBlobInfo:
    updated = datetime.fromisoformat(meta["updated"])
    return StoredBlobInfo(
        bucket=bucket,
        name=name,
        size=int(meta["size"]),
        generation=str(meta["generation"]),
        content_type=meta.get("content_type"),
        updated=updated,
        time_created=updated,  # every write creates a new generation
        md5_hash=meta.get("md5_hash"),
        crc32c=meta.get("crc32c"),
        overwrote_generation=meta.get("overwrote_generation"),
    )


def _atomic_write(path: Path, data: bytes) -> None:
    # Write then rename, so a reader never sees half an object (GCS writes are atomic too).
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    try:
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a refused write leaves nothing behind in the bucket
        raise


def _crc32c(data: bytes) -> str | None:
    try:
        import google_crc32c  # the C implementation ships with google-cloud-storage
    except ImportError:
        return None
    return base64.b64encode(int(google_crc32c.value(data)).to_bytes(4, "big")).decode()


def download_signature(secret: bytes, bucket: str, name: str, expires: int) -> str:
    """HMAC-SHA256 of one GET of ``bucket/name`` until ``expires``."""
    canonical = "\n".join(("GET", bucket, name, str(expires)))
    return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()
