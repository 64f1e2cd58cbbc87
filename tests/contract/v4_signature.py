"""A verifier of GCS V4 signed URLs (GOOG4-RSA-SHA256), as the GCS front end checks them.

The emulators accept any signature, so tests verify ours here: rebuild the canonical request
from the URL and the headers the client will send, then check the RSA signature with the
signer's public key. A header that was signed but is sent with another value fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def query_of(url: str) -> dict[str, str]:
    """The URL's query parameters."""
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def verify_v4(
    url: str, method: str, headers: Mapping[str, str], public_key: rsa.RSAPublicKey, *, at: datetime
) -> bool:
    """True when ``url`` is validly signed for ``method`` with ``headers`` and unexpired ``at``."""
    parts = urlsplit(url)
    params = query_of(url)
    signature = params.pop("X-Goog-Signature", "")
    issued = datetime.strptime(params["X-Goog-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    if not issued <= at < issued + timedelta(seconds=int(params["X-Goog-Expires"])):
        return False
    signed_headers = params["X-Goog-SignedHeaders"].split(";")
    sent = {k.lower(): " ".join(v.split()) for k, v in headers.items()}
    sent["host"] = parts.netloc
    if any(h not in sent for h in signed_headers):
        return False
    canonical_query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(params.items()))
    canonical_request = "\n".join(
        [
            method,
            parts.path,
            canonical_query,
            "".join(f"{h}:{sent[h]}\n" for h in signed_headers),
            ";".join(signed_headers),
            "UNSIGNED-PAYLOAD",
        ]
    )
    scope = params["X-Goog-Credential"].split("/", 1)[1]
    string_to_sign = "\n".join(
        [
            params["X-Goog-Algorithm"],
            params["X-Goog-Date"],
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    try:
        public_key.verify(
            bytes.fromhex(signature), string_to_sign.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True
