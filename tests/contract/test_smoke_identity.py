"""The smoke journey's Firebase identity on the Auth emulator: a throwaway account, then gone."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from shared.config import Settings
from shared.smoke.identity import FirebaseIdentity, SmokeIdentityError
from tests.emulators.stack import EmulatorStack

pytestmark = pytest.mark.emulator("auth")


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def lookup(http: httpx.Client, host: str, token: str) -> int:
    url = f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:lookup"
    return http.post(url, params={"key": "any"}, json={"idToken": token}).status_code


class TestFirebaseSmokeIdentity:
    def test_signs_up_a_fresh_account_and_deletes_it(
        self, emulators: EmulatorStack, http: httpx.Client
    ) -> None:
        host = emulators.endpoint("auth").hostport
        identity = FirebaseIdentity(Settings(firebase_auth_emulator_host=host), http)

        user = identity.sign_in()
        assert user.email.endswith("@smoke.invalid")
        assert lookup(http, host, user.token) == 200

        identity.delete(user)

        assert lookup(http, host, user.token) == 400  # USER_NOT_FOUND

    def test_two_runs_get_two_accounts(self, emulators: EmulatorStack, http: httpx.Client) -> None:
        identity = FirebaseIdentity(
            Settings(firebase_auth_emulator_host=emulators.endpoint("auth").hostport), http
        )

        first, second = identity.sign_in(), identity.sign_in()

        assert first.uid != second.uid
        identity.delete(first)
        identity.delete(second)


def test_without_an_api_key_or_emulator_it_says_what_is_missing() -> None:
    with httpx.Client() as http, pytest.raises(SmokeIdentityError, match="CAREER_FIREBASE_API_KEY"):
        FirebaseIdentity(Settings(firebase_auth_emulator_host=None, firebase_api_key=None), http)
