"""OpenAPI 3.1 document generated from a function's routes and their pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

if TYPE_CHECKING:
    from shared.edge.http import Route

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
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in re.findall(r"\{(\w+)\}", r.path)
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
        paths.setdefault(r.path, {})[r.method.lower()] = op
    schemas["Problem"] = _PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "firebase": {"type": "http", "scheme": "bearer", "bearerFormat": "Firebase ID token"}
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


def _responses(r: Route, refs: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, model in ((r.status, r.response), *r.also):
        answer: dict[str, Any] = {"description": HTTPStatus(status).phrase}
        if model is not None:
            answer["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
        out[str(status)] = answer
    problem = {"content": {"application/problem+json": {"schema": _PROBLEM}}}
    if r.body is not None:
        out["400"] = {"description": "Malformed JSON", **problem}
        out["413"] = {"description": "Body too large", **problem}
        out["415"] = {"description": "Body is not application/json", **problem}
    if r.auth in ("user", "operator"):
        out["401"] = {"description": "Missing or invalid token", **problem}
    if r.auth == "operator":
        out["403"] = {"description": "Operator role required", **problem}
    if r.body is not None or r.query is not None:
        out["422"] = {"description": "Validation failed", **problem}
    if "{" in r.path:
        out["404"] = {"description": "Not found", **problem}
    return out
