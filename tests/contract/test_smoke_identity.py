"""The smoke journey's Firebase identity on the Auth emulator: a verified throwaway account, then gone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shared.config import Settings
from shared.smoke.identity import FirebaseSmokeIdentity, SmokeIdentityError
from tests.emulators.catalog import PROJECT
from tests.emulators.stack import EmulatorStack

pytestmark = pytest.mark.emulator("auth")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def identity(emulators: EmulatorStack, http: httpx.Client) -> FirebaseSmokeIdentity:
    host = emulators.endpoint("auth").hostport
    return FirebaseSmokeIdentity(Settings(firebase_auth_emulator_host=host, project_id=PROJECT), http)


def lookup(http: httpx.Client, emulators: EmulatorStack, token: str) -> tuple[int, dict[str, Any]]:
    host = emulators.endpoint("auth").hostport
    url = f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:lookup"
    response = http.post(url, params={"key": "any"}, json={"idToken": token})
    return response.status_code, response.json()


class TestFirebaseSmokeIdentity:
    def test_makes_a_verified_account_signs_in_and_deletes_it(
        self, emulators: EmulatorStack, http: httpx.Client
    ) -> None:
        smoke = identity(emulators, http)

        user = smoke.sign_in()
        status, found = lookup(http, emulators, user.token)

        assert user.email.endswith("@smoke.invalid")
        assert status == 200
        assert found["users"][0]["localId"] == user.uid
        assert found["users"][0]["emailVerified"] is True

        smoke.delete(user)

        assert lookup(http, emulators, user.token)[0] == 400  # USER_NOT_FOUND

    def test_two_runs_get_two_accounts(self, emulators: EmulatorStack, http: httpx.Client) -> None:
        smoke = identity(emulators, http)

        first, second = smoke.sign_in(), smoke.sign_in()

        assert first.uid != second.uid
        smoke.delete(first)
        smoke.delete(second)


def test_without_an_api_key_or_emulator_it_says_what_is_missing() -> None:
    with httpx.Client() as http, pytest.raises(SmokeIdentityError, match="CAREER_FIREBASE_API_KEY"):
        FirebaseSmokeIdentity(Settings(firebase_auth_emulator_host=None, firebase_api_key=None), http)
