"""``career sources``: parse or import a saved payload, and manage the source registry."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import click

from shared.cli.stack_data import data_dir_option, open_stack, progress, run_line, wait_for_matching
from shared.domain.errors import CareerError
from shared.sources.registry import KINDS

if TYPE_CHECKING:
    from shared.bootstrap import Container


@click.group()
def sources() -> None:
    """Job sources: add, list, import a saved board payload, parse one offline."""


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
@click.option("--disabled", is_flag=True, help="Add it without crawling it on schedule.")
@data_dir_option
def add(
    data_dir: Path | None,
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
    """Add a job source to the registry (or update it)."""
    from pydantic import ValidationError

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
        source, created = open_stack(data_dir).make(SourceService).save(spec)
    except (ValidationError, CareerError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{'created' if created else 'updated'} {source.id} ({source.kind}:{source.board})")


@sources.command("list")
@data_dir_option
def list_sources(data_dir: Path | None) -> None:
    """List the job sources of the registry."""
    from shared.services.sources import SourceService

    service = open_stack(data_dir).make(SourceService)
    cursor: str | None = None
    while True:
        items, cursor = service.list(limit=100, cursor=cursor)
        for s in items:
            state = "enabled" if s.enabled else "disabled"
            last = s.last_run_status or "-"
            click.echo(f"{s.id}\t{s.kind}\t{s.board}\t{state}\toffers={s.offer_count}\tlast={last}")
        if cursor is None:
            return


@sources.command("import")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Source kind of the payloads.")
@click.option(
    "--source-id",
    default=None,
    help="Source the offers belong to (default '<kind>-<file name>'; added, disabled, when missing).",
)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--wait",
    type=click.FloatRange(0, 3600),
    default=60,
    show_default=True,
    help="Seconds to wait for the running stack to match the imported offers (0: do not wait).",
)
@data_dir_option
def import_payloads(
    kind: str, source_id: str | None, files: tuple[Path, ...], wait: float, data_dir: Path | None
) -> None:
    """Load saved board payloads through the crawl path: a run each, upserted offers, matching.

    Each FILE is one board as its API answers it (what `curl` or a browser saved). A source
    that does not exist yet is added disabled, so the scheduler never fetches it; offers the
    payload no longer lists are closed, as after a crawl. Exit 1 when a run failed.
    """
    if source_id is not None and len(files) > 1:
        raise click.UsageError("--source-id names one source: give one FILE with it")
    from shared.services.runs import RunService

    stack = open_stack(data_dir)
    runs = stack.make(RunService)
    lines: list[str] = []
    failed = False
    with progress(files, "importing", _name) as bar:
        for path in bar:
            try:
                target = _import_source(stack, kind, source_id, path)
                run = runs.import_payload(target, path.read_bytes(), f"import-{uuid.uuid4().hex[:12]}")
            except CareerError as err:
                lines.append(f"{path}\tERROR\t{err.failure_class}: {err.message}")
                failed = True
                continue
            line, run_failed = run_line(run)
            lines.append(line)
            failed = failed or run_failed
    for line in lines:
        click.echo(line)
    if wait and not wait_for_matching(stack, timeout_s=wait):
        click.echo(
            "matching is still pending: it runs while `career serve` runs on this data folder", err=True
        )
    if failed:
        raise SystemExit(1)


def _name(path: Path | None) -> str:
    return path.name if path is not None else ""


def _import_source(stack: Container, kind: str, source_id: str | None, path: Path) -> str:
    """The id of the source a payload goes to; added (disabled) when it does not exist yet."""
    from shared.domain.errors import InvalidInput, NotFound
    from shared.domain.job_sources import default_source_id
    from shared.services.sources import SourceService, SourceSpec

    service = stack.make(SourceService)
    board = re.sub(r"[^A-Za-z0-9_-]+", "-", path.name.split(".", 1)[0]).strip("-") or kind
    wanted = source_id or default_source_id(kind, board)
    try:
        existing = service.get(wanted)
    except NotFound:
        service.save(SourceSpec(id=wanted, kind=kind, board=board, enabled=False))
        return wanted
    if existing.kind != kind:
        raise InvalidInput(
            f"job source {wanted} is of kind {existing.kind}, not {kind}",
            detail={"source_id": wanted, "kind": existing.kind},
        )
    return wanted
