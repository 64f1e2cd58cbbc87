"""Reading and validating a request's body and query string (size cap, JSON, pydantic)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from shared.domain.errors import InvalidInput
from shared.edge.problem import MalformedBody, TooLarge, UnsupportedMedia

if TYPE_CHECKING:  # task functions read bodies here without the HTTP route types
    import flask

    from shared.edge.routing import Route

# Re-exported: the task edge and older callers import the body errors from here.
__all__ = [
    "MAX_BODY_BYTES",
    "MalformedBody",
    "TooLarge",
    "UnsupportedMedia",
    "loads",
    "parse_body",
    "parse_query",
    "read_body",
]

MAX_BODY_BYTES = 1024 * 1024


def read_body(request: flask.Request) -> bytes:
    """The raw body, refused with 413 past MAX_BODY_BYTES."""
    # Refuse by the declared length before reading, and cap the read for chunked bodies,
    # so an oversized request never lands in memory whole.
    from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

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
    except ClientDisconnected:
        # The client went away mid-body: its request, not our failure (logged at INFO).
        raise MalformedBody("the client disconnected before sending the whole body") from None
    if len(raw) > MAX_BODY_BYTES:
        raise too_large
    return raw


def parse_body(route: Route, raw: bytes, mimetype: str) -> BaseModel | None:
    """The body validated into the route's model (None when the route takes none)."""
    if route.body is None:
        return None
    if mimetype != "application/json":
        raise UnsupportedMedia("request body must be application/json")
    doc = loads(raw or b"null")
    try:
        return route.body.model_validate(doc)
    except ValidationError as err:
        raise InvalidInput("request body failed validation", detail={"errors": _errors(err)}) from None


def loads(raw: bytes) -> Any:
    """JSON from a request or task body; refusals are MalformedBody, never a crash.

    ``json.loads`` raises RecursionError on deep nesting and ValueError on an integer past
    the interpreter's digit limit: both are the sender's input, answered 400.
    """
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MalformedBody(f"malformed JSON: {err.__class__.__name__}") from None
    except RecursionError:
        raise MalformedBody("JSON nested too deeply") from None
    except ValueError:
        raise MalformedBody("JSON number too long") from None


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
