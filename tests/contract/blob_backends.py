"""BlobStore backends of the blob contract: the local FileBlobStore and GcsBlobStore on fake-gcs-server.

Each backend also says how a browser would use a signed URL (``put``) and what "now" is for
the store (the local one runs on a manual clock).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from shared.adapters.local.clock import ManualClock
from shared.domain.errors import CareerError
from shared.edge.problem import status_for
from shared.ports import BlobStore, SignedUpload
from tests.emulators.signer import SIGNER_EMAIL, throwaway_key

__all__ = [
    "BUCKET",
    "SIGNER_EMAIL",
    "BlobBackend",
    "gcs_backend",
    "http_put",
    "local_backend",
    "throwaway_key",
]

BUCKET = "career-uploads"


@dataclass
class BlobBackend:
    """A store plus how to upload through its signed URLs and what time it is for it."""

    name: str
    store: BlobStore
    put: Callable[[SignedUpload, bytes, dict[str, str]], int]
    now: Callable[[], datetime]


def local_backend(root: Path) -> Iterator[BlobBackend]:
    """FileBlobStore in a temporary folder; uploads go through its own verifier."""
    from shared.adapters.local.file_blobs import FileBlobStore

    clock = ManualClock()
    store = FileBlobStore(
        root, BUCKET, signing_secret=b"contract-signing-secret", base_url="http://127.0.0.1:9", clock=clock
    )

    def put(upload: SignedUpload, body: bytes, headers: dict[str, str]) -> int:
        parts = urlsplit(upload.url)
        name = unquote(parts.path.split(f"/_uploads/{BUCKET}/", 1)[1])
        try:
            store.accept_signed_upload(name, dict(parse_qsl(parts.query)), headers.get("Content-Type"), body)
        except CareerError as err:
            return status_for(err)
        return 200

    yield BlobBackend("local", store, put, clock.now)


def gcs_backend(settings: Any) -> Iterator[BlobBackend]:
    """GcsBlobStore on fake-gcs-server (bucket created here), signing with a throwaway key."""
    from google.oauth2 import service_account

    from shared.adapters.gcp.gcs_blobs import GcsBlobStore

    info, _ = throwaway_key()
    credentials = service_account.Credentials.from_service_account_info(info)
    store = GcsBlobStore(BUCKET, settings=settings, signing_credentials=credentials)
    store.client.create_bucket(BUCKET)
    yield BlobBackend("gcs", store, http_put, lambda: datetime.now(UTC))
    store.close()


def http_put(upload: SignedUpload, body: bytes, headers: dict[str, str]) -> int:
    """PUT ``body`` to a signed URL over loopback HTTP, as a browser would; the status."""
    request = urllib.request.Request(upload.url, data=body, method="PUT", headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            json.loads(response.read() or b"{}")
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)
