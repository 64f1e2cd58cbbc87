"""An in-process HTTP client for an HttpApp (flask test client), with dev-token helpers."""

from __future__ import annotations

from collections.abc import Sequence

import flask
from flask.testing import FlaskClient

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.bootstrap import Container
from shared.edge.http import HttpApp, Route
from shared.ports import Role

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def client_for(routes: Sequence[Route], container: Container, *, name: str = "test") -> FlaskClient:
    """A flask test client that sends every request to ``HttpApp(name, routes)`` on ``container``."""
    http = HttpApp(name, routes, container_factory=lambda: container)
    app = flask.Flask(f"{name}-test")

    def view(path: str = "") -> flask.Response:
        return http(flask.request)

    app.add_url_rule("/", "root", view, methods=_METHODS)
    app.add_url_rule("/<path:path>", "all", view, methods=_METHODS)
    return app.test_client()


def bearer(identity: DevTokenIdentity, uid: str, role: Role = Role.USER) -> dict[str, str]:
    """An Authorization header with a fresh dev token."""
    return {"Authorization": f"Bearer {identity.mint(uid, role=role)}"}
