"""The local stack's data from the command line: one ``--data-dir`` option for every command.

Commands that read or write the stack's data take ``--data-dir`` with the default of
``career serve`` ($CAREER_DATA_DIR or ``.data``), and refuse to start on a folder that holds
no stack yet: a typo or the wrong working folder would otherwise create an empty store and
print nothing. ``career serve`` is the command that creates it.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from shared.bootstrap import Container
    from shared.config import Settings
    from shared.domain.runs import Run

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
STORE_FILE = "store.sqlite3"


def data_dir_option(command: F) -> F:
    """Add ``--data-dir`` (same default as ``career serve``)."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The local stack's data folder (default: $CAREER_DATA_DIR or .data, as `career serve`).",
    )(command)


def stack_settings(data_dir: Path | None) -> Settings:
    """The process settings with ``data_dir`` applied when given."""
    from shared.config import get_settings

    settings = get_settings()
    return settings if data_dir is None else settings.model_copy(update={"data_dir": data_dir})


def open_stack(data_dir: Path | None) -> Container:
    """The container of an existing local stack (installed as the process container).

    Raises a ClickException when the local backend's folder holds no stack yet.
    """
    from shared import bootstrap

    settings = stack_settings(data_dir)
    if settings.backend == "local" and not (settings.data_dir / STORE_FILE).is_file():
        where = settings.data_dir.resolve()
        raise click.ClickException(
            f"no local stack data in {where}: start the stack there first "
            f"(`make run`, or `career serve --data-dir {settings.data_dir}`), or point --data-dir "
            "at the folder `career serve` printed"
        )
    built = bootstrap.Container(settings)
    previous = bootstrap.install(built)
    if previous is not None:
        previous.close()
    return built


def progress(items: Sequence[T], label: str, show: Callable[[T | None], str | None] | None = None) -> Any:
    """A progress bar on a terminal (stderr); elsewhere the items as they are, silently."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(items)
    return click.progressbar(items, label=label, show_pos=True, item_show_func=show, file=sys.stderr)


def wait_for_matching(stack: Container, *, timeout_s: float) -> bool:
    """Wait until the running stack has matched what was just published (local backend only).

    Offer events (and profiles being generated) are delivered by the ``career serve`` process
    that owns the data folder; a line on a terminal counts them down. False when they are still
    pending at the deadline (the stack is not running: matching happens when it starts).
    """
    if stack.settings.backend != "local":
        return True
    # Profiles still being generated feed matching too (profile-events), so they count.
    channels = [s.name for s in stack.topology.subscriptions if s.function == "match_offers"]
    channels += [q.name for q in stack.topology.queues if q.function == "generate_profile"]
    deadline = time.monotonic() + timeout_s
    shown = sys.stderr.isatty()
    while (pending := sum(stack.delivery.pending(c) for c in channels)) > 0:
        if time.monotonic() >= deadline:
            return False
        if shown:
            click.echo(f"\rmatching: {pending} event(s) pending ", nl=False, err=True)
        time.sleep(0.2)
    if shown:
        click.echo("\rmatching: done" + " " * 20, err=True)
    return True


def run_line(run: Run) -> tuple[str, bool]:
    """One tab-separated line for a crawl or import run, and whether it failed."""
    s = run.stats
    detail = f"fetched={s.fetched} new={s.new} updated={s.updated} unchanged={s.unchanged} closed={s.closed}"
    failed = run.failure_class is not None
    if failed:
        detail = f"{run.failure_class}: {run.error}"
    return f"{run.source_id}\t{run.status}\t{run.id}\t{detail}", failed
