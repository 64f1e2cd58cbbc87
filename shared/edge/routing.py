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

# What a path parameter may look like unless its route says otherwise: an identifier this
# product mints (hex digests, uuids, slugs). Anything else cannot name a resource, so it is a
# 404 at the edge and never reaches a store (whose refusal would quote a storage path).
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"
# A service route's own check of the caller (a signature, a token), run before the body is read.
Verifier = Callable[[Mapping[str, str], bytes, "Callable[[], Container]"], None]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Reply:
    """An explicit status, body and headers (for 201, 204, redirects, custom headers)."""

    status: int
    body: BaseModel | Mapping[str, Any] | Sequence[Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Raw:
    """Bytes of a given content type (the documentation page and its assets), not JSON."""

    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200


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


Handler = Callable[[Call], BaseModel | Reply | Raw | None]


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
    # Error statuses the handler itself may answer beyond those the edge derives from the
    # route's shape (auth, body, query, path parameters), for the OpenAPI document.
    errors: tuple[int, ...] = ()
    # Per-parameter patterns (full match) overriding ID_PATTERN.
    params: tuple[tuple[str, str], ...] = ()
    # auth="service" routes: authenticates the caller before the body is parsed, so a caller
    # without credentials hears 401 whatever its body.
    verify: Verifier | None = None
    # A write (any method but GET/HEAD) on a user route needs a verified e-mail unless this is
    # set (docs/decisions/0130-unverified-accounts.md): answering 403 EMAIL_NOT_VERIFIED.
    unverified_ok: bool = False
    # Answers 429 with Retry-After when a caller or an e-mail exceeds its rate (public auth routes).
    rate_limited: bool = False

    def param_pattern(self, name: str) -> str:
        """The pattern path parameter ``name`` must fully match."""
        return dict(self.params).get(name, ID_PATTERN)

    def param_names(self) -> list[str]:
        """The path parameters, in order."""
        return re.findall(r"\{(\w+)\}", self.path)

    @property
    def needs_verified_email(self) -> bool:
        """Whether an unverified account is refused here."""
        return self.auth == "user" and self.method not in ("GET", "HEAD") and not self.unverified_ok

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
