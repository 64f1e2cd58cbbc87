"""Tenant isolation, generated from the route tables: a new route is covered without editing this.

Every route of both HTTP functions is called anonymously and with a tampered token (401),
operator routes as a plain user (403), and routes on an id as another user (never the owner's
data). Routes declared ``auth="public"`` in their table are the only ones left open.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from shared import bootstrap
from shared.api.routes import api_route_groups, ops_route_groups
from shared.config import Settings
from shared.edge.http import HttpApp, Route
from tests.support.stack_app import StackApp, stack_app

OWNER, OTHER = "owner-1", "intruder-2"
_MOUNTS = {"api": "/api", "ops": "/ops"}


def _routes() -> list[tuple[str, Route]]:
    found = []
    for function, groups in (("api", api_route_groups), ("ops", ops_route_groups)):
        app = HttpApp(function, groups())
        found += [(function, r) for r in app.routes if r.path not in ("/healthz", "/openapi.json")]
    return found


ROUTES = _routes()
GUARDED = [(f, r) for f, r in ROUTES if r.auth != "public"]


def _id(item: tuple[str, Route]) -> str:
    return f"{item[1].method} {item[0]}{item[1].path}"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackApp]:
    root = tmp_path_factory.mktemp("isolation")
    with stack_app(Settings(backend="local", environment="test", data_dir=root / "data")) as s:
        yield s


@pytest.fixture(autouse=True)
def _installed(stack: StackApp) -> None:
    """The module's stack as the process container in every test (the root conftest clears it)."""
    bootstrap.install(stack.container)


@pytest.fixture(scope="module")
def owned(stack: StackApp) -> dict[str, str]:
    """Resources of OWNER, by path parameter name."""
    client = Client(stack.app)
    created = client.post(
        "/api/documents",
        json={"filename": "cv.pdf", "size": 1000, "content_type": "application/pdf"},
        headers=stack.bearer(OWNER),
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    return {"doc_id": created.get_json()["document"]["id"]}


def _sample(route: Route, name: str) -> str:
    """A value of the parameter's declared shape (so the route matches and auth is what answers)."""
    return "abc123" if re.fullmatch(route.param_pattern(name), "abc123") else "1"


def _url(function: str, route: Route, values: dict[str, str]) -> str:
    path = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), _sample(route, m.group(1))), route.path)
    return _MOUNTS[function] + path


def _call(
    stack: StackApp, function: str, route: Route, headers: dict[str, str], values: dict[str, str]
) -> object:
    return Client(stack.app).open(
        _url(function, route, values),
        method=route.method,
        data=b"{}",
        content_type="application/json",
        headers=headers,
    )


def test_the_matrix_covers_every_route_of_both_tables() -> None:
    assert {f for f, _ in ROUTES} == {"api", "ops"}
    assert len(GUARDED) >= 20


@pytest.mark.parametrize("item", GUARDED, ids=_id)
def test_anonymous_callers_are_refused(stack: StackApp, item: tuple[str, Route]) -> None:
    function, route = item
    response = _call(stack, function, route, {}, {})

    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.mimetype == "application/problem+json"  # type: ignore[attr-defined]


@pytest.mark.parametrize("item", GUARDED, ids=_id)
def test_a_tampered_token_is_refused(stack: StackApp, item: tuple[str, Route]) -> None:
    function, route = item
    token = stack.token(OWNER, operator=True)
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[::-1]}"

    response = _call(stack, function, route, {"Authorization": f"Bearer {forged}"}, {})

    assert response.status_code == 401  # type: ignore[attr-defined]


@pytest.mark.parametrize("item", [i for i in GUARDED if i[1].auth in ("operator", "service")], ids=_id)
def test_plain_users_are_refused_operator_routes(stack: StackApp, item: tuple[str, Route]) -> None:
    function, route = item
    response = _call(stack, function, route, stack.bearer(OTHER), {})

    assert response.status_code == 403  # type: ignore[attr-defined]


@pytest.mark.parametrize("item", [i for i in GUARDED if i[1].auth == "user" and "{" in i[1].path], ids=_id)
def test_another_user_never_reaches_the_owners_resource(
    stack: StackApp, owned: dict[str, str], item: tuple[str, Route]
) -> None:
    function, route = item
    response = _call(stack, function, route, stack.bearer(OTHER), owned)

    assert response.status_code >= 400  # type: ignore[attr-defined]
    assert OWNER not in json.dumps(response.get_json())  # type: ignore[attr-defined]
    assert (
        Client(stack.app).get(f"/api/documents/{owned['doc_id']}", headers=stack.bearer(OWNER)).status_code
        == 200
    )
