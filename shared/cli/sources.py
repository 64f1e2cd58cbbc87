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


@sources.command("add")
@click.option("--kind", required=True, type=click.Choice([*KINDS, "external"]), help="Adapter kind.")
@click.option("--board", required=True, help="Board token (company slug, thread id, category).")
@click.option("--id", "source_id", default=None, help="Source id (default '<kind>-<board>').")
@click.option("--company", default=None, help="Company name when the API gives none.")
@click.option("--base-url", default=None, help="API root override (custom domain, local test server).")
@click.option("--user-agent", default=None, help="User-Agent the source's terms ask for.")
@click.option("--rate", type=float, default=30.0, show_default=True, help="Max requests per minute.")
@click.option("--attribution", default=None, help="Attribution / link-back rule shown with the offers.")
@click.option("--disabled", is_flag=True, help="Register without crawling it on schedule.")
def add(
    kind: str,
    board: str,
    source_id: str | None,
    company: str | None,
    base_url: str | None,
    user_agent: str | None,
    rate: float,
    attribution: str | None,
    disabled: bool,
) -> None:
    """Create or update a job source in the local registry."""
    from pydantic import ValidationError

    from shared.bootstrap import container
    from shared.domain.job_sources import SourceTerms
    from shared.services.sources import SourceService, SourceSpec

    try:
        terms = SourceTerms(
            max_requests_per_minute=rate,
            user_agent=user_agent,
            attribution=attribution,
            link_back_required=attribution is not None,
        )
        spec = SourceSpec(
            id=source_id,
            kind=kind,
            board=board,
            company=company,
            base_url=base_url,
            enabled=not disabled,
            terms=terms,
        )
        source, created = container().make(SourceService).save(spec)
    except (ValidationError, CareerError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{'created' if created else 'updated'} {source.id} ({source.kind}:{source.board})")


@sources.command("list")
def list_sources() -> None:
    """List registered job sources."""
    from shared.bootstrap import container
    from shared.services.sources import SourceService

    service = container().make(SourceService)
    cursor: str | None = None
    while True:
        items, cursor = service.list(limit=100, cursor=cursor)
        for s in items:
            state = "enabled" if s.enabled else "disabled"
            last = s.last_run_status or "-"
            click.echo(f"{s.id}\t{s.kind}\t{s.board}\t{state}\toffers={s.offer_count}\tlast={last}")
        if cursor is None:
            return
