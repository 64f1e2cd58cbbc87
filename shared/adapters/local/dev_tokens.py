"""HS256 dev tokens: the local stand-in for Firebase ID tokens.

They are signed with a shared secret anyone with the repository can read, so they are
refused everywhere but the ``local`` and ``test`` environments: a misconfigured deployment
fails loudly at construction instead of accepting forgeable tokens.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from shared.domain.errors import Unauthenticated
from shared.ports import Principal, Role

ISSUER = "career-dev"
ALGORITHM = "HS256"
_ALLOWED_ENVIRONMENTS = ("local", "test")
_MIN_SECRET_LENGTH = 32  # RFC 7518 3.2: an HS256 key is at least 256 bits


class DevTokensRefused(RuntimeError):
    """Dev tokens were asked for outside the local and test environments."""


class DevTokenIdentity:
    """Mints and verifies HS256 dev tokens (``Identity`` port)."""

    def __init__(self, secret: str, *, environment: str) -> None:
        _require_local(environment)
        if len(secret) < _MIN_SECRET_LENGTH:
            raise ValueError(f"dev token secret must be at least {_MIN_SECRET_LENGTH} characters")
        self._secret = secret
        self._environment = environment

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; Unauthenticated for expired, tampered or malformed ones."""
        _require_local(self._environment)
        import jwt  # on the first token: the local identity also serves requests that carry none

        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["sub", "iat", "exp", "iss"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired") from None
        except jwt.PyJWTError:
            # One message for every other defect: the caller learns nothing about the secret.
            raise Unauthenticated("invalid token") from None
        uid = claims.get("sub")
        if not isinstance(uid, str) or not uid:
            raise Unauthenticated("invalid token")
        try:
            role = Role(claims.get("role") or Role.USER)
        except ValueError:
            raise Unauthenticated("invalid token") from None
        email = claims.get("email")
        return Principal(
            uid=uid,
            email=email if isinstance(email, str) else None,
            role=role,
            claims=claims,
            # Tokens from `career token` carry no claim and act as verified accounts.
            email_verified=claims.get("email_verified") is not False,
        )

    def mint(
        self,
        uid: str,
        *,
        email: str | None = None,
        role: Role = Role.USER,
        ttl_s: int = 3600,
        now: float | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed token for ``uid`` valid for ``ttl_s`` seconds."""
        if not uid:
            raise ValueError("uid must not be empty")
        issued = int(time.time() if now is None else now)
        claims: dict[str, Any] = {
            "sub": uid,
            "uid": uid,
            "role": Role(role).value,
            "iss": ISSUER,
            "iat": issued,
            "exp": issued + ttl_s,
        }
        if email:
            claims["email"] = email
        for key, value in (extra or {}).items():
            claims.setdefault(key, value)
        import jwt

        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)


def _require_local(environment: str) -> None:
    if environment not in _ALLOWED_ENVIRONMENTS:
        raise DevTokensRefused(
            f"dev tokens are refused in environment {environment!r}: "
            "they are only allowed when CAREER_ENVIRONMENT is 'local' or 'test'"
        )
