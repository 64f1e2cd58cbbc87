"""RFC 9457 problem details for every HTTP error, and the one map from errors to statuses.

The edge's own errors live here too, inside the two branches of the domain's tree
(shared/domain/errors.py), so event and task edges catch ``PermanentError`` alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from shared.domain.errors import (
    CareerError,
    Conflict,
    Forbidden,
    IndexRequired,
    InvalidInput,
    NotFound,
    PermanentError,
    PreconditionFailed,
    QuotaExceeded,
    TransientError,
    Unauthenticated,
)
from shared.domain.failures import FailureClass

if TYPE_CHECKING:
    import flask

PROBLEM_TYPE_PREFIX = "urn:career:problem:"
PROBLEM_MIMETYPE = "application/problem+json"


class MalformedBody(PermanentError):
    """The body is not JSON, or JSON this service refuses to parse (too deep, huge numbers)."""

    default_class = FailureClass.INVALID_INPUT


class TooLarge(PermanentError):
    """The body exceeds the edge's size cap."""

    default_class = FailureClass.PAYLOAD_TOO_LARGE


class UnsupportedMedia(PermanentError):
    """The body is not of the media type the route reads."""

    default_class = FailureClass.UNSUPPORTED_MEDIA_TYPE


class RouteNotFound(NotFound):
    """No route answers this path (or a path parameter has a shape no resource has)."""


class MethodNotAllowed(PermanentError):
    """The path exists, the method does not."""

    default_class = FailureClass.INVALID_INPUT

    def __init__(self, allowed: list[str]) -> None:
        super().__init__("method not allowed", detail={"allowed": sorted(set(allowed))})


# The only place an error becomes a status: first match by type, most specific first.
_STATUS_BY_TYPE: tuple[tuple[type[CareerError], int], ...] = (
    (MalformedBody, 400),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (MethodNotAllowed, 405),
    (PreconditionFailed, 412),
    (Conflict, 409),
    (TooLarge, 413),
    (UnsupportedMedia, 415),
    (InvalidInput, 422),
    (QuotaExceeded, 429),
    (IndexRequired, 500),
    (TransientError, 503),
    (PermanentError, 422),
    (CareerError, 500),
)

# A failure class more specific than its error's type picks the more specific status.
_STATUS_BY_CLASS = {
    FailureClass.PAYLOAD_TOO_LARGE: 413,
    FailureClass.FILE_TOO_LARGE: 413,
    FailureClass.UNSUPPORTED_MEDIA_TYPE: 415,
}


def status_for(err: CareerError) -> int:
    """The HTTP status of ``err``: its type's, unless its failure class names a closer one."""
    by_type = next(status for kind, status in _STATUS_BY_TYPE if isinstance(err, kind))
    if err.transient or by_type != 422:
        return by_type
    return _STATUS_BY_CLASS.get(err.failure_class, by_type)


def problem_body(
    status: int,
    failure_class: FailureClass,
    detail: str,
    instance: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body of an ``application/problem+json`` response."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + failure_class.value.lower().replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "failure_class": failure_class.value,
    }
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    return body


def problem_json(
    status: int,
    failure_class: FailureClass,
    detail: str,
    instance: str,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """The encoded body, for servers that answer below WSGI (http.server's send_error)."""
    return json.dumps(problem_body(status, failure_class, detail, instance, extra)).encode()


def problem_response(
    status: int,
    failure_class: FailureClass,
    detail: str,
    instance: str,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> flask.Response:
    """An ``application/problem+json`` response (the functions' edge and the local server's)."""
    import flask

    body = problem_body(status, failure_class, detail, instance, extra)
    return flask.Response(
        json.dumps(body), status=status, headers=dict(headers or {}), mimetype=PROBLEM_MIMETYPE
    )


def class_for_status(status: int) -> FailureClass:
    """The failure class of a status the framework or server produced on its own."""
    return {
        401: FailureClass.UNAUTHENTICATED,
        403: FailureClass.FORBIDDEN,
        404: FailureClass.NOT_FOUND,
        409: FailureClass.CONFLICT,
        413: FailureClass.PAYLOAD_TOO_LARGE,
        415: FailureClass.UNSUPPORTED_MEDIA_TYPE,
        429: FailureClass.QUOTA_EXCEEDED,
    }.get(status, FailureClass.INVALID_INPUT if status < 500 else FailureClass.INTERNAL)
