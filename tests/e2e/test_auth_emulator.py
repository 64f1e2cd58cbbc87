"""The HTTPS functions behind Firebase Auth (emulator): 200, 401 and 403 as production answers them.

``api`` and ``ops`` run as their own functions-framework processes with CAREER_BACKEND=gcp,
verifying emulator ID tokens through FirebaseIdentity and storing in the Firestore emulator.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.emulators import auth_users
from tests.emulators import functions as fns
from tests.emulators.stack import EmulatorStack

pytestmark = [pytest.mark.e2e, pytest.mark.emulator("auth", "firestore")]


@pytest.fixture(scope="module")
def urls(emulators: EmulatorStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Base URLs of the api and ops function processes."""
    logs = tmp_path_factory.mktemp("fn-logs")
    running: list[fns.RunningFunction] = []
    try:
        for name in ("api", "ops"):  # one by one, so a failed start still stops the first
            running.append(fns.start_function(name, emulators.env(), log_dir=logs, pid_dir=logs))
        fns.wait_ready(running)
        yield {fn.name: fn.url.rstrip("/") for fn in running}
    finally:
        fns.stop_all(running)


@pytest.fixture
def auth_host(emulators: EmulatorStack) -> str:
    """host:port of the Auth emulator."""
    return emulators.endpoint("auth").hostport


def _get(url: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.get(url, headers=headers, timeout=30)


class TestUserRoutes:
    def test_a_signed_up_user_reads_their_account(self, urls: dict[str, str], auth_host: str) -> None:
        user = auth_users.sign_up(auth_host)

        response = _get(f"{urls['api']}/me", user.id_token)

        assert response.status_code == 200
        assert response.json()["uid"] == user.uid

    def test_a_request_without_a_token_is_unauthenticated(self, urls: dict[str, str]) -> None:
        response = _get(f"{urls['api']}/me", None)

        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    @pytest.mark.parametrize(
        "change",
        [{"aud": "another-project"}, {"sub": "someone-else", "user_id": "someone-else"}],
        ids=["audience", "subject"],
    )
    def test_a_tampered_token_is_unauthenticated(
        self, urls: dict[str, str], auth_host: str, change: dict[str, str]
    ) -> None:
        user = auth_users.sign_up(auth_host)

        response = _get(f"{urls['api']}/me", auth_users.craft(user.id_token, **change))

        assert response.status_code == 401

    def test_an_expired_token_is_unauthenticated(self, urls: dict[str, str], auth_host: str) -> None:
        user = auth_users.sign_up(auth_host)

        response = _get(f"{urls['api']}/me", auth_users.craft(user.id_token, exp=int(time.time()) - 60))

        assert response.status_code == 401

    def test_a_revoked_token_is_unauthenticated(self, urls: dict[str, str], auth_host: str) -> None:
        user = auth_users.sign_up(auth_host)
        assert _get(f"{urls['api']}/me", user.id_token).status_code == 200
        auth_users.revoke(user.uid)

        response = _get(f"{urls['api']}/me", user.id_token)

        assert response.status_code == 401


class TestOperatorRoutes:
    def test_a_user_token_is_forbidden_on_an_operator_route(
        self, urls: dict[str, str], auth_host: str
    ) -> None:
        user = auth_users.sign_up(auth_host)

        response = _get(f"{urls['ops']}/dead-letters", user.id_token)

        assert response.status_code == 403

    def test_an_operator_claim_opens_the_operator_route(self, urls: dict[str, str], auth_host: str) -> None:
        user = auth_users.sign_up(auth_host)
        auth_users.set_role(user.uid, "operator")
        operator = auth_users.sign_in(auth_host, user)

        response = _get(f"{urls['ops']}/dead-letters", operator.id_token)

        assert response.status_code == 200
