"""The local stack's whole WSGI app in-process (no socket): root app plus every HTTP function.

The functions are served by their own functions-framework apps, as ``career serve`` and Cloud
Run serve them, so the framework's answers are part of what the tests see.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from shared import bootstrap
from shared.localstack.function_feed import create_function_app
from shared.localstack.server import RootApp, mount_http_functions
from shared.localstack.stack import FUNCTIONS_DIR
from shared.ports import Role
from shared.topology import TOPOLOGY

if TYPE_CHECKING:
    from shared.config import Settings


@dataclass(frozen=True)
class StackApp:
    """The app, its container, and dev tokens."""

    app: Any
    container: bootstrap.Container

    def token(self, uid: str, *, operator: bool = False) -> str:
        """A dev token for ``uid`` (operator role on request)."""
        identity: Any = self.container.identity
        token: str = identity.mint(uid, role=Role.OPERATOR if operator else Role.USER)
        return token

    def bearer(self, uid: str, *, operator: bool = False) -> dict[str, str]:
        """An Authorization header for ``uid``."""
        return {"Authorization": f"Bearer {self.token(uid, operator=operator)}"}


@contextmanager
def stack_app(settings: Settings, **container_args: Any) -> Iterator[StackApp]:
    """The local stack's app on a fresh container installed as the process one."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    container = bootstrap.Container(settings, TOPOLOGY, **container_args)
    previous = bootstrap.install(container)
    try:
        mounts = mount_http_functions(TOPOLOGY, FUNCTIONS_DIR, create_function_app)
        yield StackApp(DispatcherMiddleware(RootApp(container), mounts), container)
    finally:
        bootstrap.install(previous)
        container.close()
