"""Users on the Firebase Auth emulator, for ``career token --emulated`` (emulated mode only).

Signs a user up (or in, when the e-mail exists) over the emulator's REST API, marks the
e-mail verified and, for a role, sets the ``role`` custom claim through the emulator's admin
endpoint, then signs in again so the ID token carries both. The emulator accepts any API
key and ``Bearer owner`` as admin; none of this reaches a real project.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

API_KEY = "emulator-only"  # the Auth emulator accepts any key
ADMIN = {"Authorization": "Bearer owner"}  # the emulator's admin credential


class EmulatorAuthError(RuntimeError):
    """The Auth emulator refused a call or could not be reached."""


class EmulatedAuth:
    """A tiny client of the Auth emulator's REST API."""

    def __init__(self, hostport: str, project: str, *, timeout_s: float = 10.0) -> None:
        self.base = f"http://{hostport}/identitytoolkit.googleapis.com/v1"
        self.project = project
        self._timeout = timeout_s

    def _post(self, path: str, body: dict[str, Any], *, admin: bool = False) -> dict[str, Any]:
        url = f"{self.base}/{path}"
        try:
            response = httpx.post(
                url,
                params=None if admin else {"key": API_KEY},
                json=body,
                headers=ADMIN if admin else None,
                timeout=self._timeout,
                trust_env=False,  # loopback only: never through a proxy
            )
        except httpx.HTTPError as err:
            raise EmulatorAuthError(f"Auth emulator unreachable at {self.base}: {err}") from None
        reply: dict[str, Any] = response.json() if response.content else {}
        if response.status_code != 200:
            message = reply.get("error", {}).get("message", response.text[:200])
            raise EmulatorAuthError(message)
        return reply

    def id_token(self, email: str, password: str, *, role: str | None = None) -> tuple[str, str]:
        """(uid, ID token) of ``email``: signed up on first use, signed in afterwards."""
        credentials = {"email": email, "password": password, "returnSecureToken": True}
        try:
            reply = self._post("accounts:signInWithPassword", credentials)
        except EmulatorAuthError as err:
            if "EMAIL_NOT_FOUND" not in str(err):
                raise
            reply = self._post("accounts:signUp", credentials)
        uid = str(reply["localId"])
        # A developer's user on the emulator owns its address: mark it verified (the API asks
        # for a verified e-mail before changes), and set the role claim when one is asked for.
        update: dict[str, Any] = {"localId": uid, "emailVerified": True}
        if role is not None:
            update["customAttributes"] = json.dumps({"role": role})
        self._post(f"projects/{self.project}/accounts:update", update, admin=True)
        reply = self._post("accounts:signInWithPassword", credentials)  # a token that carries both
        return uid, str(reply["idToken"])
