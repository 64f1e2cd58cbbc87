"""``career``: one click group whose subcommands load lazily (fast ``--help``, no SDK import).

Each area registers its commands in ``COMMANDS``: name -> "module:attribute".
"""

from __future__ import annotations

import importlib
from typing import Any

import click

COMMANDS: dict[str, str] = {
    "extract": "shared.cli.extract:extract",
    "match": "shared.cli.match:match",
    "migrate": "shared.cli.migrate:migrate",
    "matches": "shared.cli.matches:matches",
    "openapi": "shared.cli.openapi:openapi",
    "ops": "shared.cli.ops:ops",
    "profile": "shared.cli.profile:profile",
    "serve": "shared.cli.serve:serve",
    "smoke": "shared.cli.smoke:smoke",
    "sources": "shared.cli.sources:sources",
    "status": "shared.cli.status:status",
    "crawl": "shared.cli.crawl:crawl",
    "runs": "shared.cli.runs:runs",
    "score": "shared.cli.score:score",
    "token": "shared.cli.token:token",
    "upload": "shared.cli.upload:upload",
    "users": "shared.cli.users:users",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command: Any = getattr(importlib.import_module(module_name), attr)
        return command  # type: ignore[no-any-return]


@click.group(cls=LazyGroup)
@click.version_option(package_name="career-assistant")
def main() -> None:
    """Career assistant: CV extraction, career profiles, job crawling and matching."""
