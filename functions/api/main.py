"""HTTPS API for job seekers. Every route but /healthz and /openapi.json needs a Firebase ID token."""

from __future__ import annotations

from typing import TYPE_CHECKING

import functions_framework

from shared.api.routes import API_TITLE, api_route_groups
from shared.edge.framework import harden
from shared.edge.http import LazyHttpApp

if TYPE_CHECKING:
    import flask

# Nothing is built at import: the router and its areas load on the first request.
_app = LazyHttpApp("api", api_route_groups, title=API_TITLE)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.http
def api(request: flask.Request) -> flask.Response:
    """Entry point: route the request."""
    return _app(request)
