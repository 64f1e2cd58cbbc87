"""``career openapi``: a function's OpenAPI document from its route tables, without a server.

The web app's typed client is generated from these documents (``make web-client``), and a
test compares the committed copies with this output, so a route change cannot leave the
client stale unnoticed.
"""

from __future__ import annotations

import json
from typing import Any

import click


def openapi_json(function: str) -> dict[str, Any]:
    """The document ``GET /<function>/openapi.json`` serves, built from the route tables."""
    from shared.api.routes import API_TITLE, OPS_TITLE, api_route_groups, ops_route_groups
    from shared.edge.http import HttpApp
    from shared.edge.openapi import openapi_document

    groups, title = (api_route_groups, API_TITLE) if function == "api" else (ops_route_groups, OPS_TITLE)
    app = HttpApp(function, groups(), title=title)
    return openapi_document(app.title, app.version, app.routes)


def render(document: dict[str, Any]) -> str:
    """The committed form: two-space indent, a trailing newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@click.command()
@click.argument("function", type=click.Choice(["api", "ops"]))
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write here instead of stdout.")
def openapi(function: str, out: str | None) -> None:
    """Print the OpenAPI 3.1 document of the api or ops function."""
    text = render(openapi_json(function))
    if out is None:
        click.echo(text, nl=False)
    else:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
