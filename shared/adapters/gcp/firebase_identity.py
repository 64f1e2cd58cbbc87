"""Firebase Auth identity: verifies ID tokens (revocation included) and maps claims to roles.

The firebase_admin app is initialised on first use, once per process, under its own name so
it never collides with another default app. FIREBASE_AUTH_EMULATOR_HOST points the SDK at
the Auth emulator; there the SDK skips the signature and expiry checks (emulator tokens are
unsigned), so expiry is checked here as well: the same token is refused on both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from shared.domain.errors import AlreadyExists, NotFound, TransientError, Unauthenticated
from shared.ports import IdentityUser, Principal, Role

T = TypeVar("T")

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

    # ------------------------------------------------------------------ accounts (Admin SDK)
    def create_user(self, email: str, password: str, display_name: str | None = None) -> IdentityUser:
        """A new unverified e-mail/password account; AlreadyExists for a taken e-mail."""
        from firebase_admin import auth

        with _admin_errors():
            try:
                record = auth.create_user(
                    email=email,
                    password=password,
                    display_name=display_name or None,
                    email_verified=False,
                    app=self._app(),
                )
            except auth.EmailAlreadyExistsError:
                raise AlreadyExists("an account with this e-mail exists") from None
        return _user(record)

    def user(self, uid: str) -> IdentityUser | None:
        """The account ``uid``, None when unknown."""
        from firebase_admin import auth

        return self._lookup(lambda: auth.get_user(uid, app=self._app()))

    def user_by_email(self, email: str) -> IdentityUser | None:
        """The account of ``email``, None when unknown."""
        from firebase_admin import auth

        return self._lookup(lambda: auth.get_user_by_email(email.strip(), app=self._app()))

    def set_password(self, uid: str, password: str) -> None:
        """Replace the password."""
        from firebase_admin import auth

        self._write(lambda: auth.update_user(uid, password=password, app=self._app()))

    def mark_verified(self, uid: str) -> None:
        """Mark the e-mail verified."""
        from firebase_admin import auth

        self._write(lambda: auth.update_user(uid, email_verified=True, app=self._app()))

    def revoke(self, uid: str) -> None:
        """Revoke refresh tokens: every ID token issued before now is refused (1 s granularity)."""
        from firebase_admin import auth

        self._write(lambda: auth.revoke_refresh_tokens(uid, app=self._app()))

    def delete_user(self, uid: str) -> None:
        """Delete the account (no-op when absent)."""
        from firebase_admin import auth

        try:
            self._write(lambda: auth.delete_user(uid, app=self._app()))
        except NotFound:
            return

    def set_role(self, uid: str, role: Role) -> None:
        """Set the ``role`` custom claim, keeping any other claim; USER removes it."""
        from firebase_admin import auth

        def write() -> None:
            record = auth.get_user(uid, app=self._app())
            claims = dict(record.custom_claims or {})
            claims.pop("role", None)
            if Role(role) is not Role.USER:
                claims["role"] = Role(role).value
            auth.set_custom_user_claims(uid, claims or None, app=self._app())

        self._write(write)

    def _app(self) -> Any:
        return firebase_app(self.project)

    def _lookup(self, call: Callable[[], Any]) -> IdentityUser | None:
        from firebase_admin import auth

        with _admin_errors():
            try:
                return _user(call())
            except auth.UserNotFoundError:
                return None

    def _write(self, call: Callable[[], T]) -> T:
        from firebase_admin import auth

        with _admin_errors():
            try:
                return call()
            except auth.UserNotFoundError:
                raise NotFound("no such account") from None


@contextmanager
def _admin_errors() -> Iterator[None]:
    """Admin SDK outages and quota answers become TransientError (the caller may retry)."""
    from firebase_admin import exceptions

    try:
        yield
    except (
        exceptions.UnavailableError,
        exceptions.DeadlineExceededError,
        exceptions.ResourceExhaustedError,
        exceptions.InternalError,
    ) as err:
        raise TransientError(f"identity provider unavailable: {type(err).__name__}") from None


def _user(record: Any) -> IdentityUser:
    claims = dict(record.custom_claims or {})
    try:
        role = Role(claims.get("role") or Role.USER)
    except ValueError:
        role = Role.USER
    return IdentityUser(
        uid=record.uid,
        email=record.email,
        email_verified=bool(record.email_verified),
        role=role,
        display_name=record.display_name,
        disabled=bool(record.disabled),
    )


def _principal(claims: dict[str, Any]) -> Principal:
    uid = claims.get("uid") or claims.get("sub")
    if not isinstance(uid, str) or not uid:
        raise Unauthenticated("invalid token")
    try:
        role = Role(claims.get("role") or Role.USER)
    except ValueError:
        raise Unauthenticated("invalid token") from None  # same rule as the local dev tokens
    email = claims.get("email")
    return Principal(
        uid=uid,
        email=email if isinstance(email, str) else None,
        role=role,
        claims=claims,
        email_verified=claims.get("email_verified") is True,
    )
