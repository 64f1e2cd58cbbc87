"""The account flows through the API with Firebase Auth (the Auth emulator) as the identity:
sign-up -> verify -> sign-in -> reset -> the old token is revoked. The local backend runs the
same journey in tests/unit/test_auth_api.py (TestReset)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from shared.adapters.gcp.firebase_identity import FirebaseIdentity
from shared.config import Settings
from tests.emulators import auth_users
from tests.emulators.catalog import PROJECT
from tests.unit.accounts_world import PASSWORD, AccountsWorld, new_email

pytestmark = pytest.mark.emulator("auth")


@pytest.fixture
def world(settings: Settings, gcp_settings: Settings) -> Iterator[AccountsWorld]:
    w = AccountsWorld(settings, identity=FirebaseIdentity(PROJECT))
    w.auth_host = str(gcp_settings.firebase_auth_emulator_host)  # type: ignore[attr-defined]
    yield w
    w.close()


def firebase_sign_in(world: AccountsWorld, email: str, password: str) -> str:
    host: str = world.auth_host  # type: ignore[attr-defined]
    return auth_users.sign_in(host, auth_users.User("", email, password, "")).id_token


def test_sign_up_verify_sign_in_reset_revokes_the_old_token(world: AccountsWorld) -> None:
    email = new_email()
    world.sign_up(email)
    unverified = firebase_sign_in(world, email, PASSWORD)
    assert world.put("/me", {"locale": "en"}, unverified).status_code == 403

    code = world.code_for(email, "EMAIL_REGISTER")
    assert world.post("/auth/email:verify", {"email": email, "code": code}).status_code == 200
    old = firebase_sign_in(world, email, PASSWORD)
    assert auth_users.claims_of(old)["email_verified"] is True
    assert world.put("/me", {"locale": "en"}, old).status_code == 200

    world.clock.advance(seconds=31)
    assert world.post("/auth/password:forgot", {"email": email}).status_code == 202
    reset_code = world.code_for(email, "PASSWORD_RESET")
    # Firebase compares whole seconds: revoke in a later second than the old token's.
    issued = int(auth_users.claims_of(old)["iat"])
    deadline = time.monotonic() + 10
    while time.time() < issued + 1.05 and time.monotonic() < deadline:
        time.sleep(0.05)
    body = {"email": email, "code": reset_code, "new_password": "a brand new passphrase"}
    assert world.post("/auth/password:reset", body).status_code == 200

    assert world.get("/me", old).status_code == 401
    with pytest.raises(RuntimeError):
        firebase_sign_in(world, email, PASSWORD)
    fresh = firebase_sign_in(world, email, "a brand new passphrase")
    assert world.get("/me", fresh).status_code == 200
