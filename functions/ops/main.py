"""HTTPS API for operators (operator claim) and external scrapers' completion callbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import functions_framework

from shared.api.routes import ops_route_groups
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
        _app = HttpApp("ops", ops_route_groups(), title="Career assistant operator API")
    return _app


@functions_framework.http
def ops(request: flask.Request) -> flask.Response:
    """Entry point: route the request."""
    return app()(request)
