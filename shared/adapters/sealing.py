"""Fernet envelopes (AES-128-CBC + HMAC-SHA256, with a timestamp) for the Sealer port.

The key is derived from the one-time-code pepper, so it lives in Secret Manager with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken

from shared.domain.errors import InvalidInput, SealExpired
from shared.ports import Clock


class FernetSealer:
    """Sealer port on Fernet; time comes from the injected clock."""

    def __init__(self, secret: bytes, clock: Clock) -> None:
        key = hmac.new(secret, b"career-sealer-v1", hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._clock = clock

    def seal(self, data: bytes) -> str:
        """An envelope of ``data`` stamped with the current time."""
        return self._fernet.encrypt_at_time(data, int(self._clock.now().timestamp())).decode("ascii")

    def unseal(self, token: str, *, max_age: timedelta) -> bytes:
        """The sealed bytes; SealExpired when authentic but too old, InvalidInput when tampered
        with or foreign."""
        try:
            raw = token.encode("ascii")
            return self._fernet.decrypt_at_time(
                raw, int(max_age.total_seconds()), int(self._clock.now().timestamp())
            )
        except (InvalidToken, UnicodeEncodeError, ValueError):
            if self._authentic(token):
                raise SealExpired("sealed payload has expired") from None
            raise InvalidInput("sealed payload is invalid or expired") from None

    def _authentic(self, token: str) -> bool:
        """Whether ``token`` carries our signature (its age aside)."""
        try:
            self._fernet.extract_timestamp(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError, ValueError):
            return False
        return True
