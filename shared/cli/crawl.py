"""``career crawl``: crawl job sources now, in this process, on the configured backend."""

from __future__ import annotations

import uuid
from pathlib import Path

import click

from shared.cli.stack_data import data_dir_option, open_stack, progress, run_line


@click.command()
@click.option("--source", "source_ids", multiple=True, help="Source id to crawl (repeatable).")
@click.option("--all", "crawl_all", is_flag=True, help="Crawl every enabled source.")
@data_dir_option
def crawl(source_ids: tuple[str, ...], crawl_all: bool, data_dir: Path | None) -> None:
    """Crawl sources and print one line per run (exit 1 when a run failed)."""
    if bool(source_ids) == crawl_all:
        raise click.UsageError("give --source ID (repeatable) or --all")
    from shared.domain.errors import CareerError
    from shared.services.runs import RunService

    service = open_stack(data_dir).make(RunService)
    ids = list(source_ids) or [s.id for s in service.sources.enabled()]
    if not ids:
        click.echo("no enabled sources")
        return
    request_id = f"cli-{uuid.uuid4().hex[:12]}"
    lines: list[str] = []
    failed = False
    with progress(ids, "crawling", lambda i: i or "") as bar:
        for source_id in bar:
            try:
                run = service.crawl(source_id, request_id, trigger="cli")
            except CareerError as err:
                lines.append(f"{source_id}\tERROR\t{err.failure_class}: {err.message}")
                failed = True
                continue
            line, run_failed = run_line(run)
            lines.append(line)
            failed = failed or run_failed
    for line in lines:
        click.echo(line)
    if failed:
        raise SystemExit(1)
