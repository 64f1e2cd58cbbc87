"""``career sources``: parse a saved payload, and manage the local source registry."""

from __future__ import annotations

import json
from pathlib import Path

import click

from shared.domain.errors import CareerError
from shared.sources.registry import KINDS


@click.group()
def sources() -> None:
    """Job sources: parse payloads, list and register sources."""


@sources.command("parse")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Source kind of the payload.")
@click.option("--board", default="local", show_default=True, help="Board token recorded on the offers.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def parse(kind: str, board: str, path: Path) -> None:
    """Print one normalised offer per line (NDJSON) from a saved API payload."""
    from shared.sources.registry import adapter

    try:
        offers = adapter(kind).parse(path.read_bytes(), board=board)
    except CareerError as err:
        raise click.ClickException(f"{err.failure_class}: {err.message}") from None
    for offer in offers:
        click.echo(json.dumps({"offer_id": offer.id, **offer.model_dump(mode="json")}, ensure_ascii=False))
