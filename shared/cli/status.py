"""``career status``: what the local stack holds, at a glance."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from shared.cli.stack_data import data_dir_option, open_stack


@click.command()
@data_dir_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the summary.")
def status(data_dir: Path | None, as_json: bool) -> None:
    """Users, documents by state, profiles, offers, sources and their last runs, dead letters."""
    from shared.repositories.stack_status import StackStatusRepository
    from shared.services.sources import SourceService

    stack = open_stack(data_dir)
    counts = stack.make(StackStatusRepository).counts()
    service = stack.make(SourceService)
    sources, cursor = service.list(limit=100)
    while cursor is not None:
        more, cursor = service.list(limit=100, cursor=cursor)
        sources.extend(more)
    pending = stack.delivery.pending() if stack.settings.backend == "local" else None
    if as_json:
        listed = [
            s.model_dump(mode="json", include={"id", "kind", "board", "enabled", "offer_count", "last_run_id",
                                               "last_run_status", "last_run_at"})
            for s in sources
        ]  # fmt: skip
        body = {"data_dir": str(stack.settings.data_dir.resolve()), **asdict(counts), "sources": listed}
        click.echo(json.dumps({**body, "pending_deliveries": pending}, indent=2))
        return
    enabled = sum(1 for s in sources if s.enabled)
    states = ", ".join(f"{state} {n}" for state, n in counts.documents.items())
    letters = ", ".join(f"{state} {n}" for state, n in counts.dead_letters.items())
    click.echo(f"Local stack in {stack.settings.data_dir.resolve()}")
    click.echo(f"  users          {counts.users}")
    click.echo(f"  documents      {sum(counts.documents.values())}" + (f"  ({states})" if states else ""))
    click.echo(
        f"  profiles       {counts.profile_versions} version(s) for {counts.users_with_profiles} user(s)"
    )
    click.echo(f"  offers         {counts.offers_open} open, {counts.offers_closed} closed")
    click.echo(f"  matches        {counts.matches} stored")
    click.echo(
        f"  dead letters   {sum(counts.dead_letters.values())}" + (f"  ({letters})" if letters else "")
    )
    if pending is not None:
        click.echo(f"  pending        {pending} event(s) and task(s) not delivered yet")
    click.echo(f"  sources        {len(sources)} ({enabled} enabled)")
    for s in sources:
        last = "never run"
        if s.last_run_status:
            when = f" {s.last_run_at:%Y-%m-%d %H:%M}" if s.last_run_at else ""
            last = f"last run {s.last_run_status}{when}"
        state = "enabled" if s.enabled else "disabled"
        click.echo(f"    {s.id:<36} {s.kind:<15} {state:<8} offers={s.offer_count:<5} {last}")
