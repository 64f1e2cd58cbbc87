"""HMAC-signed upload URLs of the local blob store: the stand-in for GCS V4 signed PUT URLs.

The signature covers the method, bucket, object name, expiry, content type and size range,
so a URL cannot be stretched to another object, a later time, another type or a bigger body.
Object names are checked here too: they become file paths, so anything that could climb out
of the bucket folder is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from shared.domain.errors import CareerError, Forbidden, InvalidInput

Q_EXPIRES = "expires"
Q_CONTENT_TYPE = "content_type"
Q_SIZE_RANGE = "size_range"
Q_SIGNATURE = "signature"
METHOD = "PUT"
MAX_NAME_BYTES = 1024  # GCS's limit
MAX_EXPIRY = timedelta(days=7)  # the V4 signing limit


@dataclass(frozen=True)
class UploadGrant:
    """What a signed URL allows: one PUT of ``name`` until ``expires`` (epoch seconds)."""

    bucket: str
    name: str
    expires: int
    content_type: str
    min_bytes: int
    max_bytes: int

    def query(self, secret: bytes) -> dict[str, str]:
        """The URL's query parameters, signature included."""
        return {
            Q_EXPIRES: str(self.expires),
            Q_CONTENT_TYPE: self.content_type,
            Q_SIZE_RANGE: f"{self.min_bytes},{self.max_bytes}",
            Q_SIGNATURE: self.signature(secret),
        }

    def signature(self, secret: bytes) -> str:
        """HMAC-SHA256 over every constraint of the grant, hex."""
        canonical = "\n".join(
            (
                METHOD,
                self.bucket,
                self.name,
                str(self.expires),
                self.content_type,
                f"{self.min_bytes},{self.max_bytes}",
            )
        )
        return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()


def grant_from_query(bucket: str, name: str, query: Mapping[str, str], secret: bytes) -> UploadGrant:
    """The grant a URL's query carries for ``name``; Forbidden unless its signature verifies."""
    try:
        expires = int(query[Q_EXPIRES])
        low, high = (int(part) for part in query[Q_SIZE_RANGE].split(","))
        grant = UploadGrant(bucket, name, expires, query[Q_CONTENT_TYPE], low, high)
        presented = query[Q_SIGNATURE]
    except (KeyError, ValueError):
        raise Forbidden("upload URL is missing or has malformed signature parameters") from None
    # Signing the object name means a URL issued for another object fails right here.
    if not hmac.compare_digest(presented.encode(), grant.signature(secret).encode()):
        raise Forbidden("upload URL signature does not match this object or its parameters")
    return grant


def check_object_name(name: str, *, error: type[CareerError] = InvalidInput) -> None:
    """Refuse names GCS refuses and names that could escape the bucket folder."""
    if not name or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise error(f"object name must be 1-{MAX_NAME_BYTES} bytes")
    if any(ch in name for ch in "\r\n\x00\\"):
        raise error("object name must not contain CR, LF, NUL or backslashes")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise error("object name must be relative")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise error("object name must not contain empty, '.' or '..' segments")


def check_upload_terms(content_type: str, min_bytes: int, max_bytes: int, expires_in: timedelta) -> None:
    """Refuse upload terms neither store can sign: the same rules on every backend."""
    if not timedelta(0) < expires_in <= MAX_EXPIRY:
        raise InvalidInput("expires_in must be positive and at most 7 days")
    if not 0 <= min_bytes <= max_bytes:
        raise InvalidInput("size range must satisfy 0 <= min_bytes <= max_bytes")
    # A line break would forge a signed header (GCS) or blur the signed fields (local).
    if not content_type or any(c in content_type for c in "\r\n"):
        raise InvalidInput("content type is required and must be one line")
