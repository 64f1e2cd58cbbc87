"""Routing inside one HTTP function: auth, validation, problem+json, OpenAPI.

A function's main.py builds ``HttpApp(name, routes)`` once (lazily) and hands it every
``flask.Request``. Handlers are plain functions ``(call: Call) -> BaseModel | Reply | None``.
Routes may come as ``RouteGroup``s, one per area, so a cold instance imports only the areas
its requests reach (``/healthz`` imports none).

Paths use ``{name}`` parameters and Google-style custom verbs:
``/documents/{doc_id}``, ``/career-profiles/{version}:refine``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from shared.domain.errors import CareerError, Forbidden, RateLimited, TransientError, Unauthenticated
from shared.domain.failures import FailureClass
from shared.edge import cors, logs
from shared.edge.inputs import MAX_BODY_BYTES, parse_body, parse_query, read_body
from shared.edge.problem import MethodNotAllowed, RouteNotFound, problem_response, status_for
from shared.edge.routing import Auth, Call, Handler, Raw, Reply, Route, RouteGroup
from shared.ports import Principal, Role

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container

# Route types live in shared.edge.routing; re-exported here, where route modules import them.
__all__ = [
    "MAX_BODY_BYTES",
    "Auth",
    "Call",
    "Handler",
    "HttpApp",
    "LazyHttpApp",
    "Reply",
    "Route",
    "RouteGroup",
]
_log = logs.get_logger("http")


_Compiled = list[tuple[Route, re.Pattern[str]]]


class HealthOut(BaseModel):
    """Liveness answer."""

    status: Literal["ok"] = "ok"
    function: str


DOCS_ASSET = r"[a-z0-9][a-z0-9.-]{0,60}"  # Swagger UI's file names (shared/edge/docs.py)


class HttpApp:
    """Dispatches requests of one HTTP function to its routes."""

    def __init__(
        self,
        name: str,
        routes: Sequence[Route | RouteGroup],
        *,
        title: str = "Career assistant API",
        version: str = "1.0.0",
        container_factory: Callable[[], Container] | None = None,
    ) -> None:
        self.name = name
        self.title = title
        self.version = version
        self._factory = container_factory
        builtin = [
            Route("GET", "/healthz", self._health, auth="public", response=HealthOut, summary="Liveness"),
            Route("GET", "/openapi.json", self._openapi, auth="public", summary="OpenAPI 3.1 document"),
            Route("GET", "/docs", self._docs, auth="public", summary="Interactive reference (Swagger UI)"),
            Route(
                "GET",
                "/docs/{asset}",
                self._docs_asset,
                auth="public",
                summary="Reference page assets",
                params=(("asset", DOCS_ASSET),),
                errors=(404,),
            ),
        ]
        # Declared order is kept whatever order groups load in, so the OpenAPI document and
        # first-match precedence never depend on which request came first.
        self._slots: list[_Compiled | RouteGroup] = [_compile(builtin)]
        self._slots += [r if isinstance(r, RouteGroup) else _compile([r]) for r in routes]
        self._loading = threading.Lock()

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every route, built-ins first (imports the areas not loaded yet)."""
        self._load(lambda group: True)
        return tuple(route for slot in self._slots if isinstance(slot, list) for route, _ in slot)

    def _load(self, wanted: Callable[[RouteGroup], bool]) -> bool:
        """Import the groups ``wanted`` selects; True when any was pending."""
        if not any(isinstance(slot, RouteGroup) and wanted(slot) for slot in self._slots):
            return False
        with self._loading:  # gunicorn threads may race on the first requests
            for i, slot in enumerate(self._slots):
                if isinstance(slot, RouteGroup) and wanted(slot):
                    self._slots[i] = _compile(slot.load())
        return True

    @property
    def container(self) -> Container:
        """The container requests use (the process-wide one by default)."""
        if self._factory is not None:
            return self._factory()
        from shared.bootstrap import container

        return container()

    # ------------------------------------------------------------------ dispatch
    def __call__(self, request: flask.Request) -> flask.Response:
        """Answer one request; never raises."""
        logs.begin(function=self.name, request_id=uuid.uuid4().hex)
        path = request.path or "/"
        # The mount prefix (local stack) belongs in the problem's instance and in a Location
        # the handler gives relative to the function; routing ignores it.
        mount = request.script_root or ""
        hosted = f"/{self.name}"
        if not mount and (path == hosted or path.startswith(hosted + "/")):
            # Behind Firebase Hosting the rewrite of /api/** keeps the public prefix: route without it.
            mount, path = hosted, path[len(hosted) :] or "/"
        instance = mount + path
        origin = request.headers.get("Origin")
        try:
            header = request.headers.get("X-Cloud-Trace-Context")
            if header:
                # The container (settings) is built only when a trace needs the project id.
                logs.bind(trace=_trace(header, self.container.settings.project_id))
            if request.method == "OPTIONS" and origin:
                return self._preflight(path, origin)
            route, params = self._match(request.method, path)
            logs.bind(route=f"{route.method} {route.path}")
            result = self._invoke(route, params, request)
            return self._cors(_respond(result, route.status, mount), origin)
        except CareerError as err:
            status = status_for(err)
            level = logging.ERROR if status >= 500 else logging.INFO
            logs.log(_log, level, f"{request.method} {path}: {err.message}", failure_class=err.failure_class)
            headers = {"Retry-After": "5"} if isinstance(err, TransientError) else {}
            if isinstance(err, RateLimited):
                headers["Retry-After"] = str(err.retry_after_s)
            if isinstance(err, Unauthenticated):
                headers["WWW-Authenticate"] = 'Bearer realm="career"'
            if isinstance(err, MethodNotAllowed):
                headers["Allow"] = ", ".join(err.detail["allowed"])
            response = problem_response(status, err.failure_class, err.message, instance, err.detail, headers)
            return self._cors(response, origin)
        except Exception:
            _log.exception("unhandled error", extra={"fields": {"failure_class": FailureClass.INTERNAL}})
            response = problem_response(500, FailureClass.INTERNAL, "internal error", instance)
            try:
                return self._cors(response, origin)
            except Exception:  # the container itself failed: the problem goes out without CORS
                return response

    def _cors(self, response: flask.Response, origin: str | None) -> flask.Response:
        # Settings are read only for cross-origin calls, so same-origin requests stay cheap.
        if not origin:
            return response
        return cors.decorate(response, origin, self.container.settings.cors_origins)

    def _preflight(self, path: str, origin: str) -> flask.Response:
        """Answer a CORS preflight: 204 with the path's methods, or 403 for a foreign origin."""
        import flask

        if not cors.origin_allowed(origin, self.container.settings.cors_origins):
            raise Forbidden(f"origin {origin} is not allowed")
        try:
            self._match("OPTIONS", path)
        except MethodNotAllowed as err:
            return flask.Response(status=204, headers=cors.preflight_headers(origin, err.detail["allowed"]))
        raise RouteNotFound(f"no route for {path}")

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        self._load(lambda group: group.owns(path))
        try:
            return self._match_loaded(method, path)
        except RouteNotFound:
            # A route outside its group's declared segments must still answer: load the rest.
            if not self._load(lambda group: True):
                raise
        return self._match_loaded(method, path)

    def _match_loaded(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        compiled = [pair for slot in self._slots if isinstance(slot, list) for pair in slot]
        for route, pattern in compiled:
            m = pattern.match(path)
            if m is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                return route, _checked(route, m.groupdict())
            allowed.append(route.method)
            if route.method == "GET":
                allowed.append("HEAD")
        if allowed:
            raise MethodNotAllowed(allowed)
        raise RouteNotFound(f"no route for {method} {path}")

    def _invoke(self, route: Route, params: dict[str, str], request: flask.Request) -> Any:
        principal = self._authenticate(route, request)
        raw = read_body(request)
        headers = dict(request.headers)
        if route.verify is not None:
            route.verify(headers, raw, lambda: self.container)
        body = parse_body(route, raw, request.mimetype)
        query = parse_query(route, request.args)
        call = Call(principal, params, body, query, headers, raw, lambda: self.container)
        return route.handler(call)

    def _authenticate(self, route: Route, request: flask.Request) -> Principal | None:
        if route.auth in ("public", "service"):
            return None
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("missing bearer token")
        principal = self.container.identity.verify(token.strip())
        logs.bind(uid=principal.uid)
        if route.auth == "operator" and principal.role != Role.OPERATOR:
            raise Forbidden("operator role required")
        if route.needs_verified_email and not principal.email_verified:
            raise Forbidden(
                "verify your e-mail address before making changes",
                failure_class=FailureClass.EMAIL_NOT_VERIFIED,
            )
        return principal

    # ------------------------------------------------------------------ built-ins
    def _health(self, call: Call) -> HealthOut:
        return HealthOut(function=self.name)

    def _docs(self, call: Call) -> Raw:
        from shared.edge import docs

        page = docs.page(self.title)
        return Raw(page.body, page.content_type)

    def _docs_asset(self, call: Call) -> Raw:
        from shared.edge import docs

        name = call.params["asset"]
        found = docs.start_script() if name == "start.js" else docs.asset(name)
        return Raw(found.body, found.content_type, {"Cache-Control": docs.CACHE})

    def _openapi(self, call: Call) -> Reply:
        from shared.edge.openapi import openapi_document

        return Reply(200, openapi_document(self.title, self.version, self.routes))


class LazyHttpApp:
    """What a function's main.py holds at import: an HttpApp built on the first request."""

    def __init__(self, name: str, routes: Callable[[], Sequence[Route | RouteGroup]], *, title: str) -> None:
        self._name = name
        self._routes = routes
        self._title = title
        self._app: HttpApp | None = None
        self._lock = threading.Lock()

    def __call__(self, request: flask.Request) -> flask.Response:
        """Answer one request, building the router first if this instance is cold."""
        if self._app is None:
            with self._lock:
                if self._app is None:
                    logs.configure()
                    self._app = HttpApp(self._name, self._routes(), title=self._title)
        return self._app(request)


def _checked(route: Route, params: dict[str, str]) -> dict[str, str]:
    # A parameter no resource could have is a 404 here, before any store sees it.
    for name, value in params.items():
        if re.fullmatch(route.param_pattern(name), value, flags=re.ASCII) is None:
            raise RouteNotFound(f"no resource at {route.path} with that {name}")
    return params


def _compile(routes: Sequence[Route]) -> _Compiled:
    return [(r, r.pattern()) for r in routes]


def _respond(result: Any, default_status: int, mount: str) -> flask.Response:
    import flask

    if isinstance(result, Raw):
        return flask.Response(result.body, status=result.status, headers=dict(result.headers),
                              content_type=result.content_type)  # fmt: skip
    if isinstance(result, Reply):
        status, body, headers = result.status, result.body, dict(result.headers)
    else:
        status, body, headers = default_status, result, {}
    location = headers.get("Location", "")
    if mount and location.startswith("/"):
        headers["Location"] = mount + location
    if body is None or status == 204:
        return flask.Response(status=status, headers=headers)
    payload = body.model_dump_json() if isinstance(body, BaseModel) else json.dumps(body, default=str)
    return flask.Response(payload, status=status, headers=headers, mimetype="application/json")


def _trace(header: str, project: str) -> str | None:
    # TRACE_ID[/SPAN_ID][;o=OPTIONS]: the span and the options are not part of the trace name.
    trace_id = re.split(r"[/;]", header, maxsplit=1)[0].strip()
    return f"projects/{project}/traces/{trace_id}" if trace_id else None
