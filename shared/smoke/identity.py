"""Who the smoke journey signs in as: a throwaway user, removed at the end.

``local``: a dev token for a fresh uid, minted with the stack's dev-token secret (the local
stack and ``career serve`` only). ``firebase``: a fresh e-mail/password account made through
the Identity port (Firebase Admin), verified, signed in over the Identity Toolkit REST API
with the project's web API key (the Auth emulator when FIREBASE_AUTH_EMULATOR_HOST is set),
deleted with the port at the end.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx

from shared.config import Settings
from shared.domain.errors import CareerError
from shared.ports import Identity

IdentityKind = Literal["local", "firebase"]
_TOOLKIT = "https://identitytoolkit.googleapis.com/v1"


class SmokeIdentityError(RuntimeError):
    """The throwaway user could not be made (missing key, refused sign-up)."""


@dataclass(frozen=True)
class SmokeUser:
    """The signed-in throwaway user."""

    uid: str
    email: str
    token: str


class SmokeIdentity(Protocol):
    """Makes the throwaway user and removes it."""

    kind: IdentityKind

    def sign_in(self) -> SmokeUser: ...
    def delete(self, user: SmokeUser) -> str: ...


def _email(uid: str) -> str:
    return f"{uid}@smoke.invalid"  # .invalid: nothing is ever delivered there


class LocalIdentity:
    """Dev tokens of the local stack."""

    kind: IdentityKind = "local"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def sign_in(self) -> SmokeUser:
        """A dev token for a new uid."""
        from shared.adapters.local.dev_tokens import DevTokenIdentity, DevTokensRefused

        uid = f"smoke-{secrets.token_hex(6)}"
        try:
            minter = DevTokenIdentity(
                self._settings.dev_token_secret.get_secret_value(), environment=self._settings.environment
            )
            return SmokeUser(uid, _email(uid), minter.mint(uid, email=_email(uid), ttl_s=900))
        except (DevTokensRefused, ValueError) as err:
            raise SmokeIdentityError(str(err)) from None

    def delete(self, user: SmokeUser) -> str:
        """Dev-token users exist only through their data, which the journey deletes itself."""
        return "dev-token user: nothing to delete beyond its data"


class FirebaseSmokeIdentity:
    """A verified e-mail/password account made with the Identity port (Firebase Admin), signed
    in over the Identity Toolkit REST API like a browser, and deleted with the port.

    Sign-up through the public API makes an unverified account, which may not change anything
    (EMAIL_NOT_VERIFIED); the smoke user is verified by the admin side instead, so the deploy
    identity needs Firebase Authentication admin rights.
    """

    kind: IdentityKind = "firebase"

    def __init__(self, settings: Settings, http: httpx.Client, admin: Identity | None = None) -> None:
        key = settings.firebase_api_key.get_secret_value() if settings.firebase_api_key else None
        emulator = settings.firebase_auth_emulator_host
        if not key and not emulator:
            raise SmokeIdentityError("--identity firebase needs CAREER_FIREBASE_API_KEY (the web API key)")
        self._key = key or "emulator"
        self._base = f"http://{emulator}/identitytoolkit.googleapis.com/v1" if emulator else _TOOLKIT
        self._http = http
        if admin is None:
            from shared.adapters.gcp.firebase_identity import FirebaseIdentity

            admin = FirebaseIdentity(settings.project_id)
        self._admin = admin

    def sign_in(self) -> SmokeUser:
        """A new verified account with a random password; its ID token."""
        email, password = _email(f"smoke-{secrets.token_hex(6)}"), secrets.token_urlsafe(24)
        try:
            user = self._admin.create_user(email, password, display_name="Smoke test")
            self._admin.mark_verified(user.uid)
        except CareerError as err:
            raise SmokeIdentityError(f"cannot make the smoke account: {err.message}") from None
        body = {"email": email, "password": password, "returnSecureToken": True}
        response = self._http.post(
            f"{self._base}/accounts:signInWithPassword", params={"key": self._key}, json=body
        )
        if response.status_code != 200:
            self._admin.delete_user(user.uid)
            raise SmokeIdentityError(f"sign-in answered {response.status_code}: {response.text[:200]}")
        return SmokeUser(user.uid, email, str(response.json()["idToken"]))

    def delete(self, user: SmokeUser) -> str:
        """Delete the account (a no-op when the API's own account deletion removed it)."""
        self._admin.delete_user(user.uid)
        return f"account {user.uid} deleted"


def identity_for(kind: IdentityKind, settings: Settings, http: httpx.Client) -> SmokeIdentity:
    """The identity of ``kind``."""
    return LocalIdentity(settings) if kind == "local" else FirebaseSmokeIdentity(settings, http)
