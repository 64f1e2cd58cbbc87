"""HTTPS API for operators (operator claim) and external scrapers' completion callbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import functions_framework

from shared.api.routes import OPS_TITLE, ops_route_groups
from shared.edge.framework import harden
from shared.edge.http import LazyHttpApp

if TYPE_CHECKING:
    import flask

# Nothing is built at import: the router and its areas load on the first request.
_app = LazyHttpApp("ops", ops_route_groups, title=OPS_TITLE)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.http
def ops(request: flask.Request) -> flask.Response:
    """Entry point: route the request."""
    return _app(request)
