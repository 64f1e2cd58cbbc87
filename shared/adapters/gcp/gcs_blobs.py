"""The GCS BlobStore: V4 signed PUT URLs, read, write, stat, exists, delete.

Signed URLs pin the content type and a ``x-goog-content-length-range`` header: both are
signed headers, so GCS refuses an upload whose type or size differs. Signing uses, in order:
credentials given to the constructor, then Application Default Credentials that can sign
themselves (a service-account key), else IAM ``signBlob`` with the runtime service
account's access token (Cloud Functions has no key; the account needs
roles/iam.serviceAccountTokenCreator on itself). See docs/decisions/0081.

With STORAGE_EMULATOR_HOST set (tests, emulated mode) the client uses anonymous credentials
against the emulator and signed URLs point at it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.gcp.lazy import LazyClient
from shared.adapters.local.upload_signing import check_object_name, check_upload_terms
from shared.config import Settings
from shared.domain.errors import InvalidInput, NotFound, TransientError
from shared.ports import BlobInfo, SignedUpload

LENGTH_RANGE = "x-goog-content-length-range"
IF_GENERATION_MATCH = "x-goog-if-generation-match"
_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


class GcsBlobStore:
    """One GCS bucket (``BlobStore`` port)."""

    def __init__(self, bucket: str, *, settings: Settings, signing_credentials: Any = None) -> None:
        self.bucket = bucket
        self._settings = settings
        self._signing_credentials = signing_credentials
        self._client: LazyClient[Any] = LazyClient(self._build_client)

    # ------------------------------------------------------------------ clients
    def _build_client(self) -> Any:
        import google.cloud.storage as storage

        emulator = self._settings.storage_emulator_host
        if emulator:
            from google.auth.credentials import AnonymousCredentials

            return storage.Client(
                project=self._settings.project_id,
                credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
                client_options={"api_endpoint": emulator},
            )
        return storage.Client(project=self._settings.project_id)

    @property
    def client(self) -> Any:
        """The storage client, built once on first use."""
        return self._client.get()

    def close(self) -> None:
        """Close the client's HTTP session (idempotent; a later call reconnects)."""
        client = self._client.take()
        if client is not None:
            client.close()

    def _blob(self, name: str) -> Any:
        check_object_name(name)
        return self.client.bucket(self.bucket).blob(name)

    # ------------------------------------------------------------------ signed uploads
    def signed_upload_url(
        self, name: str, *, content_type: str, max_bytes: int, min_bytes: int = 1, expires_in: timedelta
    ) -> SignedUpload:
        """A V4 PUT URL for ``name`` pinned to ``content_type``, a size range and an expiry."""
        check_upload_terms(content_type, min_bytes, max_bytes, expires_in)
        # The URL creates the object once (if-generation-match 0): a client re-using it within
        # its lifetime gets 412 instead of replacing a PDF whose record holds its hash and text.
        headers = {
            "Content-Type": content_type,
            LENGTH_RANGE: f"{min_bytes},{max_bytes}",
            IF_GENERATION_MATCH: "0",
        }
        issued = datetime.now(UTC).replace(microsecond=0)
        url = self._blob(name).generate_signed_url(
            version="v4",
            method="PUT",
            expiration=expires_in,
            content_type=content_type,
            headers={LENGTH_RANGE: headers[LENGTH_RANGE], IF_GENERATION_MATCH: "0"},
            api_access_endpoint=self._settings.storage_emulator_host or "https://storage.googleapis.com",
            **self._signer(),
        )
        return SignedUpload(url=url, method="PUT", headers=headers, expires_at=issued + expires_in)

    def signed_download_url(self, name: str, *, expires_in: timedelta) -> str:
        """A V4 GET URL for ``name`` valid for ``expires_in`` (at most 7 days)."""
        if not timedelta(0) < expires_in <= timedelta(days=7):
            raise InvalidInput("a signed URL lives between 1 second and 7 days")
        url: str = self._blob(name).generate_signed_url(
            version="v4",
            method="GET",
            expiration=expires_in,
            api_access_endpoint=self._settings.storage_emulator_host or "https://storage.googleapis.com",
            **self._signer(),
        )
        return url

    def _signer(self) -> dict[str, Any]:
        """Keyword arguments that make generate_signed_url sign with a key or through IAM."""
        if self._signing_credentials is not None:
            return {"credentials": self._signing_credentials}
        import google.auth
        from google.auth import credentials as gcreds
        from google.auth.transport.requests import Request

        credentials, _ = google.auth.default(scopes=_SCOPES)
        if isinstance(credentials, gcreds.Signing) and not self._settings.signing_service_account:
            return {"credentials": credentials}
        # No private key at runtime: sign through IAM signBlob as the function's service account.
        if not credentials.valid:
            credentials.refresh(Request())  # type: ignore[no-untyped-call]
        email = self._settings.signing_service_account or getattr(credentials, "service_account_email", None)
        if not email or email == "default":
            raise TransientError(
                "no service account e-mail to sign upload URLs with (set CAREER_SIGNING_SERVICE_ACCOUNT)"
            )
        return {"service_account_email": email, "access_token": credentials.token}

    # ------------------------------------------------------------------ objects
    def write(self, name: str, data: bytes, *, content_type: str) -> BlobInfo:
        """Store ``data`` as a new generation of ``name``."""
        blob = self._blob(name)
        _call(lambda: blob.upload_from_string(data, content_type=content_type))
        return _info(self.bucket, blob)

    def read(self, name: str) -> bytes:
        """The object's bytes; NotFound when absent."""
        blob = self._blob(name)
        data: bytes = _call(blob.download_as_bytes, missing=f"object {name!r} not found")
        return data

    def stat(self, name: str) -> BlobInfo | None:
        """The object's metadata, or None."""
        check_object_name(name)
        blob = _call(lambda: self.client.bucket(self.bucket).get_blob(name))
        return None if blob is None else _info(self.bucket, blob)

    def exists(self, name: str) -> bool:
        """True when the object is present."""
        return self.stat(name) is not None

    def delete(self, name: str) -> None:
        """Remove the object; absent is a no-op."""
        blob = self._blob(name)
        try:
            _call(blob.delete, missing="gone")
        except NotFound:
            return


def _info(bucket: str, blob: Any) -> BlobInfo:
    updated = blob.updated or datetime.now(UTC)
    return BlobInfo(
        bucket=bucket,
        name=str(blob.name),
        size=int(blob.size or 0),
        generation=str(blob.generation),
        content_type=blob.content_type,
        updated=updated if updated.tzinfo else updated.replace(tzinfo=UTC),
    )


def _call(fn: Any, *, missing: str | None = None) -> Any:
    """Run one SDK call: 404 -> NotFound, 429/5xx -> TransientError."""
    from google.api_core import exceptions as gexc

    try:
        return fn()
    except gexc.NotFound as err:
        raise NotFound(missing or f"not found: {err.message}") from err
    except (gexc.TooManyRequests, gexc.ServerError) as err:
        raise TransientError(f"Cloud Storage unavailable: {err.message}") from err
