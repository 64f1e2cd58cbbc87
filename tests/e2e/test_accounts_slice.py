"""The first slice over real HTTP: health, OpenAPI, profile inputs, journey, isolation, bad input."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from tests.e2e.local_server import Server

pytestmark = pytest.mark.e2e

NewUser = Callable[[], tuple[str, dict[str, str]]]
INPUTS: dict[str, Any] = {
    "target_roles": ["Data Engineer", "Analytics Engineer"],
    "notes": "Small teams, no on-call.",
    "preferred_locations": ["Berlin", "Remote EU"],
    "remote_preference": "hybrid",
    "salary_floor": {"amount": 70000, "currency": "EUR", "period": "year"},
}


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem with a failure class; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["failure_class"]
    return body


class TestHealthAndDiscovery:
    def test_root_and_api_health(self, client: httpx.Client) -> None:
        assert client.get("/healthz").json()["status"] == "ok"
        assert client.get("/api/healthz").json() == {"status": "ok", "function": "api"}

    def test_openapi_is_3_1_and_lists_the_slice(self, client: httpx.Client) -> None:
        doc = client.get("/api/openapi.json").json()

        assert doc["openapi"].startswith("3.1")
        assert {"get", "put"} <= doc["paths"]["/me"].keys()
        assert {"get", "put"} <= doc["paths"]["/me/profile-inputs"].keys()
        assert "get" in doc["paths"]["/journey"]
        put = doc["paths"]["/me/profile-inputs"]["put"]
        assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].startswith("#/components/")
        assert put["security"] == [{"firebase": []}]

    def test_unknown_routes_are_404_problems(self, client: httpx.Client) -> None:
        assert problem(client.get("/nowhere"), 404)["failure_class"] == "NOT_FOUND"
        assert problem(client.get("/api/nowhere"), 404)["failure_class"] == "NOT_FOUND"

    def test_wrong_method_is_405_with_allow(self, client: httpx.Client, new_user: NewUser) -> None:
        _, auth = new_user()

        response = client.delete("/api/me/profile-inputs", headers=auth)

        problem(response, 405)
        assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "PUT"}


class TestAccount:
    def test_me_is_created_on_first_call(self, client: httpx.Client, new_user: NewUser) -> None:
        uid, auth = new_user()

        me = client.get("/api/me", headers=auth).json()

        assert (me["uid"], me["email"], me["role"]) == (uid, f"{uid}@example.com", "user")

    def test_put_me_sets_display_name_and_locale(self, client: httpx.Client, new_user: NewUser) -> None:
        _, auth = new_user()

        client.put("/api/me", json={"display_name": " Ada ", "locale": "en-GB"}, headers=auth)

        me = client.get("/api/me", headers=auth).json()
        assert (me["display_name"], me["locale"]) == ("Ada", "en-GB")


class TestProfileInputs:
    def test_not_found_before_the_first_put(self, client: httpx.Client, new_user: NewUser) -> None:
        _, auth = new_user()

        assert (
            problem(client.get("/api/me/profile-inputs", headers=auth), 404)["failure_class"] == "NOT_FOUND"
        )

    def test_put_then_get_round_trips(self, client: httpx.Client, new_user: NewUser) -> None:
        _, auth = new_user()

        put = client.put("/api/me/profile-inputs", json=INPUTS, headers=auth)
        got = client.get("/api/me/profile-inputs", headers=auth)

        assert put.status_code == 200
        assert got.json() == put.json()
        stored = got.json()
        assert {k: stored[k] for k in INPUTS} == INPUTS
        assert stored["schema_version"] == 1
        assert stored["updated_at"]

    def test_journey_shows_profile_inputs_done_after_put(
        self, client: httpx.Client, new_user: NewUser
    ) -> None:
        _, auth = new_user()

        before = client.get("/api/journey", headers=auth).json()
        client.put("/api/me/profile-inputs", json=INPUTS, headers=auth)
        after = client.get("/api/journey", headers=auth).json()

        def state(journey: dict[str, Any]) -> str:
            return next(s["state"] for s in journey["steps"] if s["key"] == "profile_inputs")

        assert (state(before), state(after)) == ("not_started", "done")
        assert [s["key"] for s in after["steps"]][:2] == ["account", "profile_inputs"]


class TestTenantIsolation:
    def test_another_user_sees_their_own_404_never_the_data(
        self, client: httpx.Client, new_user: NewUser
    ) -> None:
        _, alice = new_user()
        bob_uid, bob = new_user()
        client.put("/api/me/profile-inputs", json=INPUTS, headers=alice)

        response = client.get("/api/me/profile-inputs", headers=bob)

        problem(response, 404)
        assert "Data Engineer" not in response.text
        assert client.get("/api/me", headers=bob).json()["uid"] == bob_uid

    def test_another_users_put_does_not_touch_the_first(
        self, client: httpx.Client, new_user: NewUser
    ) -> None:
        _, alice = new_user()
        _, bob = new_user()
        client.put("/api/me/profile-inputs", json=INPUTS, headers=alice)

        client.put("/api/me/profile-inputs", json={"target_roles": ["Nurse"]}, headers=bob)

        assert (
            client.get("/api/me/profile-inputs", headers=alice).json()["target_roles"]
            == INPUTS["target_roles"]
        )


BAD_BODIES = [
    pytest.param({**INPUTS, "target_roles": "Data Engineer"}, id="roles-not-a-list"),
    pytest.param({**INPUTS, "target_roles": [1, 2]}, id="roles-not-strings"),
    pytest.param({**INPUTS, "salary_floor": {"amount": "lots", "currency": "EUR"}}, id="amount-not-a-number"),
    pytest.param({**INPUTS, "target_roles": [f"role {i}" for i in range(11)]}, id="eleven-roles"),
    pytest.param({**INPUTS, "notes": "n" * 5001}, id="notes-5001-chars"),
    pytest.param({**INPUTS, "remote_preference": "mars"}, id="unknown-enum"),
    pytest.param({**INPUTS, "is_admin": True}, id="unknown-field"),
    pytest.param([INPUTS], id="array-body"),
]


class TestBadInputChangesNothing:
    @pytest.fixture
    def seeded(self, client: httpx.Client, new_user: NewUser) -> tuple[dict[str, str], dict[str, Any]]:
        _, auth = new_user()
        stored = client.put("/api/me/profile-inputs", json=INPUTS, headers=auth).json()
        return auth, stored

    def assert_unchanged(self, client: httpx.Client, auth: dict[str, str], stored: dict[str, Any]) -> None:
        assert client.get("/api/me/profile-inputs", headers=auth).json() == stored

    @pytest.mark.parametrize("body", BAD_BODIES)
    def test_invalid_body_is_422(
        self, client: httpx.Client, seeded: tuple[dict[str, str], dict[str, Any]], body: Any
    ) -> None:
        auth, stored = seeded

        response = client.put("/api/me/profile-inputs", json=body, headers=auth)

        assert problem(response, 422)["failure_class"] == "INVALID_INPUT"
        self.assert_unchanged(client, auth, stored)

    def test_malformed_json_is_400(
        self, client: httpx.Client, seeded: tuple[dict[str, str], dict[str, Any]]
    ) -> None:
        auth, stored = seeded
        headers = {**auth, "Content-Type": "application/json"}

        response = client.put("/api/me/profile-inputs", content=b'{"target_roles": [', headers=headers)

        assert problem(response, 400)["failure_class"] == "INVALID_INPUT"
        self.assert_unchanged(client, auth, stored)

    def test_wrong_content_type_is_415(
        self, client: httpx.Client, seeded: tuple[dict[str, str], dict[str, Any]]
    ) -> None:
        auth, stored = seeded
        headers = {**auth, "Content-Type": "text/plain"}

        response = client.put("/api/me/profile-inputs", content=b"target_roles=x", headers=headers)

        assert problem(response, 415)["failure_class"] == "UNSUPPORTED_MEDIA_TYPE"
        self.assert_unchanged(client, auth, stored)

    def test_missing_token_is_401(
        self, client: httpx.Client, seeded: tuple[dict[str, str], dict[str, Any]]
    ) -> None:
        auth, stored = seeded

        response = client.put("/api/me/profile-inputs", json={"target_roles": ["Nurse"]})

        assert problem(response, 401)["failure_class"] == "UNAUTHENTICATED"
        assert response.headers["www-authenticate"].startswith("Bearer")
        self.assert_unchanged(client, auth, stored)

    def test_forged_token_is_401(
        self, client: httpx.Client, seeded: tuple[dict[str, str], dict[str, Any]]
    ) -> None:
        auth, stored = seeded
        victim = jwt.decode(auth["Authorization"].split()[1], options={"verify_signature": False})
        forged = jwt.encode(victim, "a-secret-that-is-not-the-servers-0123456789", algorithm="HS256")

        response = client.put(
            "/api/me/profile-inputs",
            json={"target_roles": ["Nurse"]},
            headers={"Authorization": f"Bearer {forged}"},
        )

        assert problem(response, 401)["failure_class"] == "UNAUTHENTICATED"
        self.assert_unchanged(client, auth, stored)

    def test_expired_token_is_401(
        self, client: httpx.Client, server: Server, seeded: tuple[dict[str, str], dict[str, Any]]
    ) -> None:
        auth, stored = seeded
        claims = jwt.decode(auth["Authorization"].split()[1], options={"verify_signature": False})
        past = int(time.time()) - 7200
        expired = jwt.encode(
            {**claims, "iat": past, "exp": past + 60},
            server.env["CAREER_DEV_TOKEN_SECRET"],
            algorithm="HS256",
        )

        response = client.put(
            "/api/me/profile-inputs",
            json={"target_roles": ["Nurse"]},
            headers={"Authorization": f"Bearer {expired}"},
        )

        assert "expired" in problem(response, 401)["detail"]
        self.assert_unchanged(client, auth, stored)
