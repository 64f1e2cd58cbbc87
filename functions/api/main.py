"""HTTPS API for job seekers. Every route but /healthz and /openapi.json needs a Firebase ID token."""

from __future__ import annotations

from typing import TYPE_CHECKING

import functions_framework

from shared.api.routes import api_route_groups
from shared.edge.http import HttpApp
from shared.edge.logs import configure

if TYPE_CHECKING:
    import flask

_app: HttpApp | None = None


def app() -> HttpApp:
    """The router, built on the first request (nothing is built at import)."""
    global _app  # noqa: PLW0603 - one router per instance, built lazily
    if _app is None:
        configure()
        _app = HttpApp("api", api_route_groups(), title="Career assistant API")
    return _app


@functions_framework.http
def api(request: flask.Request) -> flask.Response:
    """Entry point: route the request."""
    return app()(request)
