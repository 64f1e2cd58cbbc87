"""The HTTP edge around its routes: a failing container, trace header, mount prefix, query docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import flask
import pytest
from pydantic import BaseModel, Field

from shared.api.routes import api_routes, ops_routes
from shared.bootstrap import Container
from shared.config import Settings
from shared.edge import logs
from shared.edge.http import Call, HttpApp, Reply, Route
from shared.edge.openapi import openapi_document


def _created(call: Call) -> Reply:
    return Reply(201, {"id": "d-1"}, {"Location": "/documents/d-1"})


def _elsewhere(call: Call) -> Reply:
    return Reply(302, None, {"Location": "https://example.org/x"})


class NoteIn(BaseModel):
    title: str


class NoteOut(BaseModel):
    title: str


class QueuedOut(BaseModel):
    task: str


class PageQuery(BaseModel):
    limit: int = Field(20, ge=1, le=100)
    state: Literal["dead", "replayed"] | None = None
    cursor: str = Field(description="where the previous page ended")


ROUTES = [
    Route("POST", "/documents", _created, auth="public"),
    Route("GET", "/away", _elsewhere, auth="public"),
    Route("GET", "/pages", lambda call: None, auth="public", query=PageQuery),
    Route("POST", "/notes", lambda call: None, body=NoteIn, response=NoteOut, also=((202, QueuedOut),)),
]


def _broken_container() -> Container:
    raise RuntimeError("settings are unreadable")


def _call(app: HttpApp, path: str, method: str = "GET", **kwargs: Any) -> flask.Response:
    with flask.Flask(__name__).test_request_context(path, method=method, **kwargs):
        return app(flask.request)


class TestContainerFailure:
    @pytest.mark.parametrize(
        "headers",
        [{"X-Cloud-Trace-Context": "abc/1;o=1"}, {"Origin": "https://app.example"}],
        ids=["trace", "origin"],
    )
    def test_is_a_500_problem_not_an_exception(self, headers: dict[str, str]) -> None:
        app = HttpApp("unit", ROUTES, container_factory=_broken_container)

        response = _call(app, "/healthz", headers=headers)

        assert response.status_code == 500
        assert response.mimetype == "application/problem+json"
        assert response.get_json(force=True)["failure_class"] == "INTERNAL"
        assert "settings are unreadable" not in response.get_data(as_text=True)


class TestTraceHeader:
    @pytest.mark.parametrize("header", ["abc123/42;o=1", "abc123;o=1", "abc123"])
    def test_names_the_trace_without_span_or_options(self, settings: Settings, header: str) -> None:
        container = Container(settings)
        app = HttpApp("unit", ROUTES, container_factory=lambda: container)

        _call(app, "/healthz", headers={"X-Cloud-Trace-Context": header})

        assert logs.context()["trace"] == f"projects/{settings.project_id}/traces/abc123"


class TestLocationUnderAMount:
    def test_a_relative_location_keeps_the_mount_prefix(self) -> None:
        app = HttpApp("unit", ROUTES)

        response = _call(app, "/documents", method="POST", base_url="http://localhost/api")

        assert response.status_code == 201
        assert response.headers["Location"] == "/api/documents/d-1"

    def test_a_relative_location_is_unchanged_at_the_root(self) -> None:
        app = HttpApp("unit", ROUTES)

        response = _call(app, "/documents", method="POST")

        assert response.headers["Location"] == "/documents/d-1"

    def test_an_absolute_location_is_unchanged(self) -> None:
        app = HttpApp("unit", ROUTES)

        response = _call(app, "/away", base_url="http://localhost/api")

        assert response.headers["Location"] == "https://example.org/x"


class TestOpenApiQueryParameters:
    def test_each_parameter_carries_its_field_schema(self) -> None:
        doc = _call(HttpApp("unit", ROUTES), "/openapi.json").get_json()

        params = {p["name"]: p for p in doc["paths"]["/pages"]["get"]["parameters"]}

        assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
        assert params["limit"]["required"] is False
        assert {"enum": ["dead", "replayed"], "type": "string"} in params["state"]["schema"]["anyOf"]
        assert params["cursor"]["required"] is True
        assert params["cursor"]["description"] == "where the previous page ended"


class TestOpenApiResponses:
    def test_every_declared_success_status_has_its_body(self) -> None:
        doc = _call(HttpApp("unit", ROUTES), "/openapi.json").get_json()

        responses = doc["paths"]["/notes"]["post"]["responses"]

        assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/NoteOut")
        assert responses["202"]["content"]["application/json"]["schema"]["$ref"].endswith("/QueuedOut")
        assert responses["202"]["description"] == "Accepted"
        assert "QueuedOut" in doc["components"]["schemas"]

    def test_a_body_route_lists_the_body_problems(self) -> None:
        doc = _call(HttpApp("unit", ROUTES), "/openapi.json").get_json()

        responses = doc["paths"]["/notes"]["post"]["responses"]

        assert {"400", "413", "415", "422"} <= responses.keys()
        assert "application/problem+json" in responses["413"]["content"]

    @pytest.mark.parametrize(
        ("routes", "path", "method", "statuses"),
        [
            (api_routes, "/career-profiles:generate", "post", {"200", "202"}),
            (api_routes, "/career-profiles/{version}:refine", "post", {"200", "201"}),
            (ops_routes, "/job-sources", "post", {"200", "201"}),
            (ops_routes, "/job-sources/{source_id}/runs", "post", {"200", "202"}),
        ],
    )
    def test_routes_answering_two_statuses_document_both(
        self, routes: Callable[[], list[Route]], path: str, method: str, statuses: set[str]
    ) -> None:
        doc = openapi_document("t", "1", routes())

        responses = doc["paths"][path][method]["responses"]

        assert statuses <= {s for s, r in responses.items() if "application/json" in r.get("content", {})}
