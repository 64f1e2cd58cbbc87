"""CORS: preflights and response headers for the browser frontend's origins only."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.bootstrap import Container
from shared.config import Settings
from shared.edge.http import Call, Route
from tests.support.http import bearer, client_for

SECRET = "cors-test-secret-0123456789abcdef-0123"
APP = "https://app.example.com"


def _item(call: Call) -> dict[str, str]:
    return {"id": call.params["item_id"]}


ROUTES = [
    Route("GET", "/items/{item_id}", _item),
    Route("PUT", "/items/{item_id}", _item),
]


@pytest.fixture
def identity() -> DevTokenIdentity:
    return DevTokenIdentity(SECRET, environment="test")


@pytest.fixture
def client(tmp_path: Path, identity: DevTokenIdentity) -> FlaskClient:
    settings = Settings(environment="test", data_dir=tmp_path, cors_origins=[APP])
    return client_for(ROUTES, Container(settings, identity=identity))


class TestPreflight:
    def test_allowed_origin_gets_the_paths_methods(self, client: FlaskClient) -> None:
        response = client.options("/items/1", headers={"Origin": APP, "Access-Control-Request-Method": "PUT"})

        assert response.status_code == 204
        assert response.headers["Access-Control-Allow-Origin"] == APP
        methods = set(response.headers["Access-Control-Allow-Methods"].split(", "))
        assert methods == {"GET", "HEAD", "PUT", "OPTIONS"}
        assert "Authorization" in response.headers["Access-Control-Allow-Headers"]

    def test_foreign_origin_is_refused_without_cors_headers(self, client: FlaskClient) -> None:
        response = client.options("/items/1", headers={"Origin": "https://evil.example"})

        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
        assert "Access-Control-Allow-Origin" not in response.headers

    def test_unknown_path_is_not_found(self, client: FlaskClient) -> None:
        assert client.options("/nowhere", headers={"Origin": APP}).status_code == 404


class TestActualRequests:
    def test_allowed_origin_is_echoed_on_success_and_on_errors(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        ok = client.get("/items/7", headers={"Origin": APP, **bearer(identity, "u1")})
        denied = client.get("/items/7", headers={"Origin": APP})

        assert ok.status_code == 200
        assert ok.headers["Access-Control-Allow-Origin"] == APP
        assert denied.status_code == 401
        assert denied.headers["Access-Control-Allow-Origin"] == APP
        assert "WWW-Authenticate" in denied.headers["Access-Control-Expose-Headers"]

    def test_same_origin_requests_carry_no_cors_headers(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        response = client.get("/items/7", headers=bearer(identity, "u1"))

        assert "Access-Control-Allow-Origin" not in response.headers
