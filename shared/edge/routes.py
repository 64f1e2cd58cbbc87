"""Route types of the HTTP edge: what a handler receives (Call), returns (Reply), and is (Route)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel

from shared.domain.errors import InvalidInput, Unauthenticated
from shared.ports import Principal

if TYPE_CHECKING:
    from shared.bootstrap import Container

Auth = Literal["public", "user", "operator", "service"]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Reply:
    """An explicit status, body and headers (for 201, 204, redirects, custom headers)."""

    status: int
    body: BaseModel | Mapping[str, Any] | Sequence[Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """What a handler receives: the verified caller and the validated inputs."""

    principal: Principal | None
    params: Mapping[str, str]
    body: BaseModel | None
    query: BaseModel | None
    headers: Mapping[str, str]
    raw_body: bytes
    # A factory, so a route that never touches the container (health) never builds it.
    container_factory: Callable[[], Container] = field(repr=False)

    @property
    def container(self) -> Container:
        """The service graph of this request's process."""
        return self.container_factory()

    @property
    def uid(self) -> str:
        """The caller's uid (routes with auth user or operator only)."""
        if self.principal is None:
            raise Unauthenticated("authentication required")
        return self.principal.uid

    def body_as(self, model: type[M]) -> M:
        """The validated body, typed."""
        if not isinstance(self.body, model):
            raise InvalidInput("request body is required")
        return self.body

    def query_as(self, model: type[M]) -> M:
        """The validated query string, typed."""
        if not isinstance(self.query, model):
            raise InvalidInput("query parameters are invalid")
        return self.query


Handler = Callable[[Call], BaseModel | Reply | None]


@dataclass(frozen=True)
class Route:
    """One operation of an HTTP function."""

    method: str
    path: str
    handler: Handler
    auth: Auth = "user"
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    summary: str = ""
    tags: tuple[str, ...] = ()
    # Other successful answers a handler may give through Reply, as (status, model or None),
    # so the OpenAPI document tells clients about every 2xx body they can receive.
    also: tuple[tuple[int, type[BaseModel] | None], ...] = ()

    def pattern(self) -> re.Pattern[str]:
        """Regex that matches this route's path and captures its parameters."""
        out, pos = [], 0
        for m in re.finditer(r"\{(\w+)\}", self.path):
            out.append(re.escape(self.path[pos : m.start()]))
            out.append(f"(?P<{m.group(1)}>[^/:]+)")
            pos = m.end()
        out.append(re.escape(self.path[pos:]))
        return re.compile("^" + "".join(out) + "$")


@dataclass(frozen=True)
class RouteGroup:
    """An area's routes, imported on the first request whose first path segment it owns."""

    segments: tuple[str, ...]
    load: Callable[[], Sequence[Route]]

    def owns(self, path: str) -> bool:
        """Whether the first segment of ``path`` (up to ``/`` or ``:``) is one of this group's."""
        return re.split(r"[/:]", path.lstrip("/"), maxsplit=1)[0] in self.segments
