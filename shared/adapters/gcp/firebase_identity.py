"""Firebase Auth identity: verifies ID tokens (revocation included) and maps claims to roles.

The firebase_admin app is initialised on first use, once per process, under its own name so
it never collides with another default app. FIREBASE_AUTH_EMULATOR_HOST points the SDK at
the Auth emulator; there the SDK skips the signature and expiry checks (emulator tokens are
unsigned), so expiry is checked here as well: the same token is refused on both.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from shared.domain.errors import TransientError, Unauthenticated
from shared.ports import Principal, Role

_apps_lock = threading.Lock()


def firebase_app(project: str) -> Any:
    """The process's firebase_admin app for ``project`` (created once, named)."""
    import firebase_admin

    name = f"career-{project}"
    with _apps_lock:
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            # Application Default Credentials, loaded lazily by the SDK on the first admin call.
            return firebase_admin.initialize_app(options={"projectId": project}, name=name)


class FirebaseIdentity:
    """Identity port on Firebase Auth."""

    def __init__(self, project: str, *, clock_skew_s: int = 5) -> None:
        self.project = project
        self._skew = clock_skew_s

    def verify(self, token: str) -> Principal:
        """The verified caller; Unauthenticated for a missing, malformed, expired or revoked token."""
        from firebase_admin import auth

        if not token:
            raise Unauthenticated("missing bearer token")
        try:
            claims: dict[str, Any] = auth.verify_id_token(
                token, app=firebase_app(self.project), check_revoked=True, clock_skew_seconds=self._skew
            )
        except auth.CertificateFetchError as err:
            raise TransientError("cannot fetch Firebase token certificates") from err
        except auth.ExpiredIdTokenError:
            raise Unauthenticated("token expired") from None
        except auth.RevokedIdTokenError:
            raise Unauthenticated("token revoked") from None
        except auth.UserDisabledError:
            raise Unauthenticated("user disabled") from None
        except (auth.InvalidIdTokenError, auth.UserNotFoundError, ValueError):
            # One message for every other defect: the caller learns nothing more.
            raise Unauthenticated("invalid token") from None
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or exp + self._skew <= time.time():
            raise Unauthenticated("token expired")
        return _principal(claims)


def _principal(claims: dict[str, Any]) -> Principal:
    uid = claims.get("uid") or claims.get("sub")
    if not isinstance(uid, str) or not uid:
        raise Unauthenticated("invalid token")
    try:
        role = Role(claims.get("role") or Role.USER)
    except ValueError:
        raise Unauthenticated("invalid token") from None  # same rule as the local dev tokens
    email = claims.get("email")
    return Principal(uid=uid, email=email if isinstance(email, str) else None, role=role, claims=claims)
