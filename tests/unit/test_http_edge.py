"""The HTTP edge (HttpApp) through a flask test client: routing, auth, validation, problems, OpenAPI."""

from __future__ import annotations

import io
import json
from typing import Any

import flask
import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel, ConfigDict, Field

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.errors import Conflict, Contention, InvalidInput, NotFound
from shared.domain.failures import FailureClass
from shared.edge.http import MAX_BODY_BYTES, Call, HttpApp, Reply, Route
from shared.ports import Role

SECRET = "unit-test-secret-0123456789abcdef-0123"


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=20)
    count: int = 1


class NoteOut(BaseModel):
    title: str
    count: int
    owner: str


class PageQuery(BaseModel):
    limit: int = Field(10, ge=1, le=50)


def _echo_note(call: Call) -> NoteOut:
    body = call.body_as(NoteIn)
    return NoteOut(title=body.title, count=body.count, owner=call.uid)


def _get_doc(call: Call) -> dict[str, Any]:
    if call.params["doc_id"] == "missing":
        raise NotFound("document not found")
    return {"doc_id": call.params["doc_id"]}


def _refine(call: Call) -> Reply:
    return Reply(202, {"version": call.params["version"], "action": "refine"}, {"Location": "/x"})


def _list(call: Call) -> dict[str, Any]:
    return {"limit": call.query_as(PageQuery).limit}


def _conflict(call: Call) -> None:
    raise Conflict("already saved")


def _busy(call: Call) -> None:
    raise Contention("try later")


def _too_big(call: Call) -> None:
    raise InvalidInput("file is over the limit", failure_class=FailureClass.FILE_TOO_LARGE)


def _crash(call: Call) -> None:
    raise RuntimeError("secret internals")


def _delete(call: Call) -> Reply:
    return Reply(204)


ROUTES = [
    Route("POST", "/notes", _echo_note, body=NoteIn, response=NoteOut, status=201, summary="Create a note"),
    Route("GET", "/documents/{doc_id}", _get_doc),
    Route("DELETE", "/documents/{doc_id}", _delete),
    Route("POST", "/career-profiles/{version}:refine", _refine),
    Route("GET", "/items", _list, query=PageQuery),
    Route("POST", "/conflict", _conflict),
    Route("POST", "/busy", _busy),
    Route("GET", "/crash", _crash),
    Route("POST", "/too-big", _too_big),
    Route("GET", "/ops-only", _list, auth="operator", query=PageQuery),
    Route("GET", "/open", lambda call: {"open": True}, auth="public"),
]


@pytest.fixture
def identity() -> DevTokenIdentity:
    return DevTokenIdentity(SECRET, environment="test")


@pytest.fixture
def client(settings: Settings, identity: DevTokenIdentity) -> FlaskClient:
    container = Container(settings, identity=identity)
    http = HttpApp("unit", ROUTES, container_factory=lambda: container)
    app = flask.Flask("edge-test")

    def view(path: str = "") -> flask.Response:
        return http(flask.request)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    app.add_url_rule("/", "root", view, methods=methods)
    app.add_url_rule("/<path:path>", "all", view, methods=methods)
    return app.test_client()


def _auth(identity: DevTokenIdentity, uid: str = "u1", role: Role = Role.USER) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.mint(uid, role=role)}"}


def _is_problem(response: Any, status: int, failure_class: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json(force=True)
    assert body["status"] == status
    assert body["failure_class"] == failure_class
    assert body["type"].startswith("urn:career:problem:")
    assert {"title", "detail", "instance"} <= body.keys()
    return body


class TestRouting:
    def test_captures_path_parameters(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.get("/documents/d-42", headers=_auth(identity))

        assert response.status_code == 200
        assert response.get_json() == {"doc_id": "d-42"}

    def test_routes_custom_verb_suffix(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.post("/career-profiles/3:refine", headers=_auth(identity))

        assert response.status_code == 202
        assert response.get_json() == {"version": "3", "action": "refine"}
        assert response.headers["Location"] == "/x"

    def test_parameter_does_not_swallow_the_verb(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        response = client.post("/career-profiles/3:publish", headers=_auth(identity))

        _is_problem(response, 404, "NOT_FOUND")

    def test_unknown_path_is_a_404_problem(self, client: FlaskClient) -> None:
        response = client.get("/nowhere")

        _is_problem(response, 404, "NOT_FOUND")

    def test_wrong_method_is_a_405_problem_with_allow(self, client: FlaskClient) -> None:
        response = client.put("/documents/d1")

        body = _is_problem(response, 405, "INVALID_INPUT")
        assert body["allowed"] == ["DELETE", "GET", "HEAD"]
        assert response.headers["Allow"] == "DELETE, GET, HEAD"

    def test_head_answers_like_get_without_body(self, client: FlaskClient) -> None:
        response = client.head("/open")

        assert response.status_code == 200
        assert response.get_data() == b""

    def test_explicit_204_has_no_body(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.delete("/documents/d1", headers=_auth(identity))

        assert response.status_code == 204
        assert response.get_data() == b""

    def test_health_is_public(self, client: FlaskClient) -> None:
        response = client.get("/healthz")

        assert response.get_json() == {"status": "ok", "function": "unit"}


class TestAuthentication:
    def test_missing_token_is_401_with_challenge(self, client: FlaskClient) -> None:
        response = client.post("/notes", json={"title": "t"})

        _is_problem(response, 401, "UNAUTHENTICATED")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    def test_non_bearer_scheme_is_401(self, client: FlaskClient) -> None:
        response = client.post("/notes", json={"title": "t"}, headers={"Authorization": "Basic dTpw"})

        _is_problem(response, 401, "UNAUTHENTICATED")

    def test_forged_token_is_401(self, client: FlaskClient) -> None:
        forged = DevTokenIdentity("another-secret-0123456789abcdef-0123", environment="test").mint("u1")

        response = client.post("/notes", json={"title": "t"}, headers={"Authorization": f"Bearer {forged}"})

        _is_problem(response, 401, "UNAUTHENTICATED")

    def test_user_on_operator_route_is_403(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.get("/ops-only", headers=_auth(identity, role=Role.USER))

        _is_problem(response, 403, "FORBIDDEN")

    def test_operator_reaches_operator_route(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.get("/ops-only", headers=_auth(identity, role=Role.OPERATOR))

        assert response.status_code == 200

    def test_token_uid_reaches_the_handler(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.post("/notes", json={"title": "hello"}, headers=_auth(identity, uid="alice"))

        assert response.status_code == 201
        assert response.get_json() == {"title": "hello", "count": 1, "owner": "alice"}


class TestValidation:
    def test_schema_violation_is_422_with_locations(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        response = client.post("/notes", json={"title": "x" * 21, "count": "many"}, headers=_auth(identity))

        body = _is_problem(response, 422, "INVALID_INPUT")
        assert sorted(e["loc"] for e in body["errors"]) == [["count"], ["title"]]

    def test_validation_errors_do_not_echo_the_input(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        secret_value = "jane.doe@example.com-" + "z" * 30

        response = client.post(
            "/notes", json={"title": secret_value, "count": secret_value}, headers=_auth(identity)
        )

        _is_problem(response, 422, "INVALID_INPUT")
        assert "jane.doe" not in response.get_data(as_text=True)

    def test_unknown_field_is_refused(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.post("/notes", json={"title": "t", "admin": True}, headers=_auth(identity))

        body = _is_problem(response, 422, "INVALID_INPUT")
        assert body["errors"][0]["type"] == "extra_forbidden"

    def test_malformed_json_is_400(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.post(
            "/notes", data=b'{"title": ', content_type="application/json", headers=_auth(identity)
        )

        _is_problem(response, 400, "INVALID_INPUT")

    def test_wrong_content_type_is_415(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.post("/notes", data="title=t", content_type="text/plain", headers=_auth(identity))

        _is_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")

    def test_missing_body_is_422(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.post("/notes", content_type="application/json", headers=_auth(identity))

        _is_problem(response, 422, "INVALID_INPUT")

    def test_body_over_the_cap_is_413(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        big = json.dumps({"title": "t", "pad": "x" * MAX_BODY_BYTES})

        response = client.post("/notes", data=big, content_type="application/json", headers=_auth(identity))

        _is_problem(response, 413, "PAYLOAD_TOO_LARGE")

    def test_body_without_length_over_the_cap_is_413(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        big = json.dumps({"title": "t", "pad": "x" * MAX_BODY_BYTES}).encode()

        response = client.post(
            "/notes",
            input_stream=io.BytesIO(big),
            content_type="application/json",
            headers={**_auth(identity), "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )

        _is_problem(response, 413, "PAYLOAD_TOO_LARGE")

    def test_query_parameters_are_validated(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        ok = client.get("/items?limit=5", headers=_auth(identity))
        bad = client.get("/items?limit=500", headers=_auth(identity))

        assert ok.get_json() == {"limit": 5}
        _is_problem(bad, 422, "INVALID_INPUT")


class TestErrorMapping:
    def test_domain_not_found_is_404(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        response = client.get("/documents/missing", headers=_auth(identity))

        body = _is_problem(response, 404, "NOT_FOUND")
        assert body["detail"] == "document not found"
        assert body["instance"] == "/documents/missing"

    def test_conflict_is_409(self, client: FlaskClient, identity: DevTokenIdentity) -> None:
        _is_problem(client.post("/conflict", headers=_auth(identity)), 409, "CONFLICT")

    def test_transient_error_is_503_with_retry_after(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        response = client.post("/busy", headers=_auth(identity))

        _is_problem(response, 503, "CONTENTION")
        assert response.headers["Retry-After"].isdigit()

    def test_a_specific_failure_class_picks_its_status(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        _is_problem(client.post("/too-big", headers=_auth(identity)), 413, "FILE_TOO_LARGE")

    def test_unexpected_error_is_500_without_internals(
        self, client: FlaskClient, identity: DevTokenIdentity
    ) -> None:
        response = client.get("/crash", headers=_auth(identity))

        _is_problem(response, 500, "INTERNAL")
        assert "secret internals" not in response.get_data(as_text=True)


class TestOpenApi:
    def test_document_is_openapi_3_1_and_public(self, client: FlaskClient) -> None:
        doc = client.get("/openapi.json").get_json()

        assert doc["openapi"].startswith("3.1")
        assert doc["info"]["title"]
        assert doc["components"]["securitySchemes"]["firebase"]["scheme"] == "bearer"

    def test_lists_every_route_with_its_method(self, client: FlaskClient) -> None:
        doc = client.get("/openapi.json").get_json()

        listed = {(path, method) for path, ops in doc["paths"].items() for method in ops}
        expected = {(r.path, r.method.lower()) for r in ROUTES}
        assert expected <= listed

    def test_request_and_response_models_are_components(self, client: FlaskClient) -> None:
        doc = client.get("/openapi.json").get_json()
        op = doc["paths"]["/notes"]["post"]

        assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/NoteIn")
        assert op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/NoteOut")
        assert {"NoteIn", "NoteOut", "Problem"} <= doc["components"]["schemas"].keys()

    def test_every_ref_resolves(self, client: FlaskClient) -> None:
        doc = client.get("/openapi.json").get_json()
        refs = _refs(doc)

        assert refs
        for ref in refs:
            name = ref.removeprefix("#/components/schemas/")
            assert name in doc["components"]["schemas"], ref

    def test_path_parameters_and_auth_are_declared(self, client: FlaskClient) -> None:
        doc = client.get("/openapi.json").get_json()
        op = doc["paths"]["/documents/{doc_id}"]["get"]

        assert op["parameters"][0] == {
            "name": "doc_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": "^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,127})$"},
        }
        assert op["security"] == [{"firebase": []}]
        assert "security" not in doc["paths"]["/open"]["get"]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []
