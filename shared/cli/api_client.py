"""A small HTTP client of a running stack's job seekers' API, for ``career upload`` and ``career matches``.

The caller is a user: a dev token minted for ``--uid`` (local stack), or any bearer token
given with ``--token`` (an Auth emulator token in emulated mode). Errors come back as the
API's problem+json and are shown as one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
import httpx

from shared.config import get_settings

F = TypeVar("F", bound=Callable[..., Any])


def caller_options(command: F) -> F:
    """``--uid`` / ``--token`` and ``--api`` (default: the local stack's API)."""
    for option in reversed(
        [
            click.option("--uid", default=None, help="Act as this user with a dev token (local stack)."),
            click.option("--token", default=None, help="Bearer token to send instead (e.g. emulated mode)."),
            click.option(
                "--api",
                "api_url",
                default=None,
                help="Root of the job seekers' API (default: $CAREER_PUBLIC_BASE_URL/api).",
            ),
        ]
    ):
        command = option(command)
    return command


class ApiClient:
    """Calls the API as one user."""

    def __init__(
        self, api_url: str | None, uid: str | None, token: str | None, *, timeout_s: float = 30
    ) -> None:
        if (uid is None) == (token is None):
            raise click.UsageError("give --uid U (a dev token for the local stack) or --token T")
        settings = get_settings()
        self.api = (api_url or f"{settings.public_base_url.rstrip('/')}/api").rstrip("/")
        bearer = token or _dev_token(str(uid))
        self.http = httpx.Client(
            timeout=timeout_s, trust_env=False, headers={"Authorization": f"Bearer {bearer}"}
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One request; the decoded JSON body, or a ClickException with the problem's detail."""
        try:
            response = self.http.request(method, f"{self.api}{path}", **kwargs)
        except httpx.HTTPError as err:
            raise click.ClickException(f"cannot reach {self.api}: {err} (is the stack running?)") from None
        if response.status_code >= 400:
            raise click.ClickException(_problem(response))
        return response.json() if response.content else None

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


def _dev_token(uid: str) -> str:
    from shared.adapters.local.dev_tokens import DevTokenIdentity, DevTokensRefused
    from shared.ports import Role

    settings = get_settings()
    try:
        identity = DevTokenIdentity(
            settings.dev_token_secret.get_secret_value(), environment=settings.environment
        )
        return identity.mint(uid, role=Role.USER, ttl_s=3600)
    except (DevTokensRefused, ValueError) as err:
        raise click.ClickException(str(err)) from None


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"{response.request.method} {response.request.url.path} answered {response.status_code}"
    detail = body.get("detail") or body.get("title") or response.reason_phrase
    failure = body.get("failure_class")
    return f"{response.status_code} {failure + ': ' if failure else ''}{detail}"
