"""OpenAPI 3.1 document generated from a function's routes and their pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    refs, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
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
            for name, info in r.query.model_fields.items():
                params.append(
                    {
                        "name": info.alias or name,
                        "in": "query",
                        "required": info.is_required(),
                        "description": info.description or "",
                        "schema": {"type": "string"},
                    }
                )
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
    schemas = dict(defs.get("$defs", {}))
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


def _operation_id(r: Route) -> str:
    return r.method.lower() + "_" + re.sub(r"\W+", "_", r.path).strip("_")


def _responses(r: Route, refs: dict[Any, Any]) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if r.response is not None:
        ok["content"] = {"application/json": {"schema": refs[(r.response, "serialization")]}}
    out: dict[str, Any] = {str(r.status): ok}
    problem = {"content": {"application/problem+json": {"schema": _PROBLEM}}}
    if r.auth in ("user", "operator"):
        out["401"] = {"description": "Missing or invalid token", **problem}
    if r.auth == "operator":
        out["403"] = {"description": "Operator role required", **problem}
    if r.body is not None or r.query is not None:
        out["422"] = {"description": "Validation failed", **problem}
    if "{" in r.path:
        out["404"] = {"description": "Not found", **problem}
    return out
