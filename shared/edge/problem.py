"""RFC 9457 problem details for every HTTP error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from shared.domain.errors import CareerError
from shared.domain.failures import FailureClass

if TYPE_CHECKING:
    import flask

PROBLEM_TYPE_PREFIX = "urn:career:problem:"

# A failure class more specific than its error's branch picks the more specific status.
_STATUS_BY_CLASS = {
    FailureClass.PAYLOAD_TOO_LARGE: 413,
    FailureClass.FILE_TOO_LARGE: 413,
    FailureClass.UNSUPPORTED_MEDIA_TYPE: 415,
}


def status_for(err: CareerError) -> int:
    """The HTTP status of ``err``: its class's, unless its failure class names a closer one."""
    if err.http_status in (413, 415) or err.transient:
        return err.http_status
    return _STATUS_BY_CLASS.get(err.failure_class, err.http_status)


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
        json.dumps(body), status=status, headers=dict(headers or {}), mimetype="application/problem+json"
    )
