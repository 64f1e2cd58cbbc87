"""Reading and validating a request's body and query string (size cap, JSON, pydantic)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from shared.domain.errors import CareerError, InvalidInput
from shared.domain.failures import FailureClass

if TYPE_CHECKING:  # task functions read bodies here without the HTTP route types
    import flask

    from shared.edge.routes import Route

MAX_BODY_BYTES = 1024 * 1024


class TooLarge(CareerError):
    """The body exceeds MAX_BODY_BYTES (413)."""

    default_class = FailureClass.PAYLOAD_TOO_LARGE
    http_status = 413


class BadRequest(CareerError):
    """The body is not JSON (400)."""

    default_class = FailureClass.INVALID_INPUT
    http_status = 400


class UnsupportedMedia(CareerError):
    """The body is not application/json (415)."""

    default_class = FailureClass.UNSUPPORTED_MEDIA_TYPE
    http_status = 415


def read_body(request: flask.Request) -> bytes:
    """The raw body, refused with 413 past MAX_BODY_BYTES."""
    # Refuse by the declared length before reading, and cap the read for chunked bodies,
    # so an oversized request never lands in memory whole.
    from werkzeug.exceptions import RequestEntityTooLarge

    too_large = TooLarge(f"request body exceeds {MAX_BODY_BYTES} bytes")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise too_large
    # One byte over the cap: a stream without a length is cut there silently, so reading
    # MAX + 1 bytes is how an oversized one shows itself.
    request.max_content_length = MAX_BODY_BYTES + 1
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise too_large from None
    if len(raw) > MAX_BODY_BYTES:
        raise too_large
    return raw


def parse_body(route: Route, raw: bytes, mimetype: str) -> BaseModel | None:
    """The body validated into the route's model (None when the route takes none)."""
    if route.body is None:
        return None
    if mimetype != "application/json":
        raise UnsupportedMedia("request body must be application/json")
    try:
        doc = json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BadRequest(f"malformed JSON: {err.__class__.__name__}") from None
    try:
        return route.body.model_validate(doc)
    except ValidationError as err:
        raise InvalidInput("request body failed validation", detail={"errors": _errors(err)}) from None


def parse_query(route: Route, args: Mapping[str, str]) -> BaseModel | None:
    """The query string validated into the route's model (None when the route takes none)."""
    if route.query is None:
        return None
    try:
        return route.query.model_validate(dict(args))
    except ValidationError as err:
        raise InvalidInput("query parameters failed validation", detail={"errors": _errors(err)}) from None


def _errors(err: ValidationError) -> list[dict[str, Any]]:
    # Never echo the input back: it may hold personal data.
    return [
        {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in err.errors(include_url=False, include_input=False)
    ]
