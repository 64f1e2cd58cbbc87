"""RFC 9457 problem details for every HTTP error."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from shared.domain.failures import FailureClass

PROBLEM_TYPE_PREFIX = "urn:career:problem:"


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
