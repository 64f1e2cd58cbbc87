"""OpenAPI 3.1 document generated from a function's routes and their pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

if TYPE_CHECKING:
    from shared.edge.routing import Route

_PROBLEM = {"$ref": "#/components/schemas/Problem"}
_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "failure_class"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "failure_class": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


def openapi_document(title: str, version: str, routes: Sequence[Route]) -> dict[str, Any]:
    """Build the document; every model is a component referenced by name."""
    models: list[tuple[type[BaseModel], Any]] = []
    for r in routes:
        if r.body is not None:
            models.append((r.body, "validation"))
        if r.response is not None:
            models.append((r.response, "serialization"))
        if r.query is not None:
            models.append((r.query, "validation"))
        models += [(model, "serialization") for _, model in r.also if model is not None]
    refs, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas = dict(defs.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        op: dict[str, Any] = {
            "operationId": _operation_id(r),
            "summary": r.summary or r.handler.__doc__ or "",
            "responses": _responses(r, refs),
        }
        if r.tags:
            op["tags"] = list(r.tags)
        params = [
            {
                "name": n,
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": f"^(?:{r.param_pattern(n)})$"},
            }
            for n in r.param_names()
        ]
        if r.query is not None:
            params += _query_parameters(r.query, refs, schemas)
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(r.body, "validation")]}},
            }
        if r.auth in ("user", "operator"):
            op["security"] = [{"firebase": []}]
        elif r.auth == "service":
            op["security"] = [{"firebase": []}, {"signature": []}]
        paths.setdefault(r.path, {})[r.method.lower()] = op
    schemas["Problem"] = _PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "firebase": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"},
                "signature": {"type": "apiKey", "in": "header", "name": "X-Career-Signature"},
            },
        },
    }


def _query_parameters(
    model: type[BaseModel], refs: dict[Any, Any], schemas: dict[str, Any]
) -> list[dict[str, Any]]:
    # Each parameter carries its field's own schema (integer bounds, enums), so a client knows
    # what the query string accepts; the model's component is keyed by alias.
    component = schemas[refs[(model, "validation")]["$ref"].rsplit("/", 1)[-1]]
    required = set(component.get("required", ()))
    params = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        schema = dict(component["properties"][key])
        schema.pop("title", None)
        params.append(
            {
                "name": key,
                "in": "query",
                "required": key in required,
                "description": info.description or "",
                "schema": schema,
            }
        )
    return params


def _operation_id(r: Route) -> str:
    return r.method.lower() + "_" + re.sub(r"\W+", "_", r.path).strip("_")


# Why each edge-derived error status can happen, for the operation's description.
_WHY = {
    400: "Malformed JSON",
    401: "Missing or invalid credentials",
    403: "Operator role required",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflicts with the current state",
    412: "Precondition failed",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Validation failed",
    429: "Quota exceeded",
    500: "Internal error",
    503: "Temporarily unavailable; retry after the Retry-After delay",
}


def error_statuses(r: Route) -> set[int]:
    """Every error status ``r`` can answer: derived from its shape, plus its declared ones."""
    out = {500, 503, *r.errors}
    if r.body is not None:
        out |= {400, 413, 415, 422}
    if r.auth in ("user", "operator", "service"):
        out.add(401)
    if r.auth in ("operator", "service"):
        out.add(403)
    if r.query is not None:
        out.add(422)
    if r.param_names():
        out.add(404)
    if r.needs_verified_email:
        out.add(403)
    if r.rate_limited:
        out.add(429)
    return out


def _responses(r: Route, refs: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, model in ((r.status, r.response), *r.also):
        answer: dict[str, Any] = {"description": HTTPStatus(status).phrase}
        if model is not None:
            answer["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
        out[str(status)] = answer
    problem = {"content": {"application/problem+json": {"schema": _PROBLEM}}}
    for status in sorted(error_statuses(r)):
        out[str(status)] = {"description": _WHY.get(status, HTTPStatus(status).phrase), **problem}
    if r.needs_verified_email:
        out["403"]["description"] = (
            "EMAIL_NOT_VERIFIED: the account's e-mail is not verified yet "
            "(unverified accounts may read, and may delete themselves, but not write)"
        )
    if r.rate_limited:
        out["429"]["description"] = (
            "RATE_LIMITED: too many requests from this client or for this e-mail; "
            "the Retry-After header gives the seconds to wait"
        )
    return out
