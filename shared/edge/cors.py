"""CORS for the browser frontend: preflight answers and response headers for allowed origins.

Only origins listed in ``settings.cors_origins`` get CORS headers ("*" allows any, for local
development only). Credentials are bearer tokens in the Authorization header, never cookies,
so ``Access-Control-Allow-Credentials`` is never sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import flask

ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Cloud-Trace-Context"
EXPOSED_HEADERS = "Retry-After, Location, WWW-Authenticate"
MAX_AGE_S = "600"


def origin_allowed(origin: str, allowed: Sequence[str]) -> bool:
    """True when ``origin`` may call us from a browser."""
    return "*" in allowed or origin in allowed


def preflight_headers(origin: str, methods: Iterable[str]) -> dict[str, str]:
    """Headers of a successful preflight answer."""
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ", ".join(sorted({*methods, "OPTIONS"})),
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": MAX_AGE_S,
        "Vary": "Origin",
    }


def decorate(response: flask.Response, origin: str | None, allowed: Sequence[str]) -> flask.Response:
    """Add CORS headers to an actual response when its origin is allowed."""
    if origin and origin_allowed(origin, allowed):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        response.headers.add("Vary", "Origin")
    return response
