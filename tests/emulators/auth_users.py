"""Users on the Firebase Auth emulator: sign up and in over REST, claims and revocation via firebase_admin.

Emulator ID tokens are unsigned JWTs (``alg: none``), so tests can also craft variants of a
real token (expired, another audience) to prove the verifier refuses them.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.emulators.catalog import PROJECT, http

API_KEY = "fake-api-key"  # the emulator accepts any key


@dataclass(frozen=True)
class User:
    """A signed-up user and a fresh ID token."""

    uid: str
    email: str
    password: str
    id_token: str


def _call(auth_hostport: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
    url = f"http://{auth_hostport}/identitytoolkit.googleapis.com/v1/accounts:{method}?key={API_KEY}"
    status, raw = http("POST", url, json.dumps(body).encode())
    if status != 200:
        raise RuntimeError(f"auth emulator {method} answered {status}: {raw[:300]!r}")
    reply: dict[str, Any] = json.loads(raw)
    return reply


def sign_up(auth_hostport: str, *, verified: bool = True) -> User:
    """A new e-mail/password user, signed in; its e-mail verified unless ``verified`` is False
    (unverified accounts may not write: docs/decisions/0130-unverified-accounts.md)."""
    email, password = f"user-{uuid.uuid4().hex[:10]}@example.com", uuid.uuid4().hex
    reply = _call(auth_hostport, "signUp", {"email": email, "password": password, "returnSecureToken": True})
    user = User(reply["localId"], email, password, reply["idToken"])
    if not verified:
        return user
    from firebase_admin import auth

    from shared.adapters.gcp.firebase_identity import firebase_app

    auth.update_user(user.uid, email_verified=True, app=firebase_app(PROJECT))
    return sign_in(auth_hostport, user)


def sign_in(auth_hostport: str, user: User) -> User:
    """The same user with a freshly issued ID token (custom claims included)."""
    body = {"email": user.email, "password": user.password, "returnSecureToken": True}
    reply = _call(auth_hostport, "signInWithPassword", body)
    return User(user.uid, user.email, user.password, reply["idToken"])


def set_role(uid: str, role: str) -> None:
    """Set the ``role`` custom claim through the Admin SDK."""
    from firebase_admin import auth

    from shared.adapters.gcp.firebase_identity import firebase_app

    auth.set_custom_user_claims(uid, {"role": role}, app=firebase_app(PROJECT))


def revoke(uid: str) -> None:
    """Revoke every token issued so far (revocation has one-second granularity: wait first)."""
    from firebase_admin import auth

    from shared.adapters.gcp.firebase_identity import firebase_app

    time.sleep(1.1)
    auth.revoke_refresh_tokens(uid, app=firebase_app(PROJECT))


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def craft(token: str, **changes: Any) -> str:
    """The same unsigned emulator token with some claims changed."""
    header, _, signature = token.split(".")
    claims = {**claims_of(token), **changes}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"
