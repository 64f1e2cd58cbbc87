"""``career runs``: read crawler runs on the configured backend."""

from __future__ import annotations

from pathlib import Path

import click

from shared.cli.stack_data import data_dir_option, open_stack
from shared.domain.runs import RunStatus


@click.group()
def runs() -> None:
    """Crawler runs."""


@runs.command("list")
@click.option("--source", "source_id", default=None, help="Only this source's runs.")
@click.option(
    "--status", type=click.Choice([s.value for s in RunStatus]), default=None, help="Only this status."
)
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@data_dir_option
def list_runs(source_id: str | None, status: str | None, limit: int, data_dir: Path | None) -> None:
    """Runs, newest first."""
    from shared.repositories.runs import RunLedger

    items, _ = (
        open_stack(data_dir)
        .make(RunLedger)
        .list(source_id=source_id, status=RunStatus(status) if status else None, limit=limit)
    )
    for run in items:
        s = run.stats
        outcome = (
            f"{run.failure_class}"
            if run.failure_class
            else f"new={s.new} updated={s.updated} closed={s.closed}"
        )
        click.echo(f"{run.created_at:%Y-%m-%d %H:%M:%S}\t{run.id}\t{run.source_id}\t{run.status}\t{outcome}")


@runs.command("show")
@click.argument("run_id")
@data_dir_option
def show(run_id: str, data_dir: Path | None) -> None:
    """One run as JSON."""
    from shared.domain.errors import NotFound
    from shared.repositories.runs import RunLedger

    try:
        run = open_stack(data_dir).make(RunLedger).get(run_id)
    except NotFound as err:
        raise click.ClickException(err.message) from None
    click.echo(run.model_dump_json(indent=2))
