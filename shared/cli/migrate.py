"""``career migrate``: data migrations (shared/migrations/) on the configured backend."""

from __future__ import annotations

from pathlib import Path

import click

from shared.cli.stack_data import data_dir_option, open_stack
from shared.services.migrations import MAX_BATCH, MigrationRunner, Progress


def _runner(data_dir: Path | None) -> MigrationRunner:
    return open_stack(data_dir).make(MigrationRunner)


@click.group()
def migrate() -> None:
    """Numbered data migrations: status, plan, run."""


@migrate.command()
@data_dir_option
def status(data_dir: Path | None) -> None:
    """Every migration with its checkpoint."""
    for migration, cp in _runner(data_dir).status():
        counts = f"scanned={cp.scanned} changed={cp.changed}" if cp.status != "pending" else ""
        click.echo(f"{migration.id}\t{migration.group}\t{cp.status}\t{counts}".rstrip())


@migrate.command()
@data_dir_option
def plan(data_dir: Path | None) -> None:
    """Migrations still to run, in order."""
    pending = _runner(data_dir).plan()
    for migration in pending:
        click.echo(f"{migration.id}\t{migration.group}\t{migration.description}")
    if not pending:
        click.echo("nothing to migrate")


@migrate.command()
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@click.option("--batch-size", type=click.IntRange(1, MAX_BATCH), default=200, show_default=True)
@click.option("--only", "only", default=None, help="One migration, by id or number.")
@click.option("--enqueue", is_flag=True, help="Queue one task per pending migration instead.")
@data_dir_option
def run(dry_run: bool, batch_size: int, only: str | None, enqueue: bool, data_dir: Path | None) -> None:
    """Run (or resume) pending migrations, or one with --only (also when done, as a no-op)."""
    from shared.migrations import MigrationNotFound

    stack = open_stack(data_dir)
    runner = stack.make(MigrationRunner)
    try:
        selected = [runner.find(only)] if only else runner.plan()
    except MigrationNotFound as err:
        raise click.ClickException(str(err)) from None
    if enqueue:
        if dry_run:
            raise click.UsageError("--dry-run runs here; it cannot be queued")
        from shared.bootstrap import container
        from shared.services.migration_tasks import MigrationTasks

        names = (
            container().make(MigrationTasks, runner=runner).enqueue_all([m.id for m in selected], batch_size)
        )
        for migration, name in zip(selected, names, strict=True):
            click.echo(f"{migration.id}\tqueued\t{name}")
        return

    def show(p: Progress) -> None:
        state = "done" if p.done else "..."
        verb = "would change" if p.dry_run else "changed"
        click.echo(f"{p.migration}\tscanned={p.scanned}\t{verb}={p.changed}\t{state}")

    for migration in selected:
        runner.run(migration, dry_run=dry_run, batch_size=batch_size, progress=show)
    if not selected:
        click.echo("nothing to migrate")
