"""Behind Firebase Hosting, ``/api/**`` reaches the api function with its public prefix kept."""

from __future__ import annotations

from typing import Any

import flask
import pytest
from flask.testing import FlaskClient

from shared.bootstrap import Container
from shared.config import Settings
from shared.edge.http import Call, HttpApp, Reply, Route


def _doc(call: Call) -> dict[str, Any]:
    return {"doc_id": call.params["doc_id"]}


def _made(call: Call) -> Reply:
    return Reply(201, {"ok": True}, {"Location": "/notes/new"})


ROUTES = [
    Route("GET", "/notes/{doc_id}", _doc, auth="public"),
    Route("POST", "/notes", _made, auth="public", status=201),
]


@pytest.fixture
def client(settings: Settings) -> FlaskClient:
    container = Container(settings)
    http = HttpApp("api", ROUTES, container_factory=lambda: container)
    app = flask.Flask("hosted-test")

    def view(path: str = "") -> flask.Response:
        return http(flask.request)

    app.add_url_rule("/", "root", view, methods=["GET", "POST"])
    app.add_url_rule("/<path:path>", "all", view, methods=["GET", "POST"])
    return app.test_client()


class TestHostedPrefix:
    def test_a_path_under_the_functions_name_is_routed_without_it(self, client: FlaskClient) -> None:
        response = client.get("/api/notes/d1")

        assert response.status_code == 200
        assert response.get_json() == {"doc_id": "d1"}

    def test_the_bare_path_still_routes(self, client: FlaskClient) -> None:
        assert client.get("/notes/d1").get_json() == {"doc_id": "d1"}

    def test_locations_and_problems_keep_the_public_prefix(self, client: FlaskClient) -> None:
        made = client.post("/api/notes")
        missing = client.get("/api/nothing")

        assert made.headers["Location"] == "/api/notes/new"
        assert missing.status_code == 404
        assert missing.get_json()["instance"] == "/api/nothing"

    def test_a_lookalike_prefix_is_not_stripped(self, client: FlaskClient) -> None:
        assert client.get("/apix/notes/d1").status_code == 404
