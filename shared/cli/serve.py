"""``career serve``: the whole product on 127.0.0.1, in one process, on the local backend."""

from __future__ import annotations

import logging
import shlex
import shutil
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from shared.config import Settings, get_settings

if TYPE_CHECKING:
    from shared.localstack.stack import LocalStack


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port (default: $PORT or 8080; 0 = any free port).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the store, queue and blobs live (default: $CAREER_DATA_DIR or .data).",
)
@click.option("--no-scheduler", is_flag=True, help="Do not fire the manifest's scheduler jobs.")
@click.option(
    "--no-default-sources",
    is_flag=True,
    help="Do not add the default job sources to an empty registry (shared/data/default_sources.json).",
)
def serve(port: int | None, data_dir: Path | None, no_scheduler: bool, no_default_sources: bool) -> None:
    """Run every function locally: HTTP APIs, event and task delivery, the scheduler."""
    from shared.edge import logs
    from shared.localstack.stack import LocalStack

    settings = get_settings()
    updates: dict[str, object] = {}
    if port is not None:
        updates["port"] = port
    if data_dir is not None:
        updates["data_dir"] = data_dir
    settings = settings.model_copy(update=updates)
    logs.capture_process(settings.log_level)  # crashes and werkzeug's lines are JSON too
    # werkzeug's access lines are plain text; the JSON logs already say what matters.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        stack = LocalStack(settings, port=settings.port, scheduler=not no_scheduler)
    except (ValueError, OSError) as err:
        raise click.ClickException(str(err)) from None

    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        url = stack.start()
        if not no_default_sources:
            _seed_default_sources(stack)
        _banner(url, stack.settings.data_dir, get_settings())
        while not stopping.wait(0.5):
            pass
    finally:
        stack.stop()
        click.echo("Career assistant stopped.")


def _seed_default_sources(stack: LocalStack) -> None:
    """First start: the default job sources, and a crawl of them now rather than in six hours."""
    from shared.channels import publish
    from shared.channels.crawl_requests import CrawlRequest
    from shared.services.source_defaults import default_specs, seed_when_empty
    from shared.services.sources import SourceService

    added = seed_when_empty(stack.container.make(SourceService), default_specs())
    if added:
        publish(stack.container.publisher, CrawlRequest(source_ids=added))
        click.echo(f"Added {len(added)} default job sources to the empty registry; crawling them now.")


def _banner(url: str, data_dir: Path, defaults: Settings) -> None:
    """Where everything is, and the quick start's next commands, runnable as printed."""
    career = _career_command()
    data = "" if data_dir == defaults.data_dir else f" --data-dir {shlex.quote(str(data_dir))}"
    api = "" if url == defaults.public_base_url.rstrip("/") else f" --api {url}/api"
    click.echo(f"Career assistant running at {url}")
    click.echo(f"  web app           {url}/")
    click.echo(f"  job seekers' API  {url}/api   (reference: {url}/api/docs)")
    click.echo(f"  operators' API    {url}/ops   (reference: {url}/ops/docs)")
    click.echo(f"  data              {data_dir.resolve()}")
    click.echo("In another terminal (README.md, Quick start):")
    click.echo(f"  TOKEN=$({career} token --uid alice --email alice@example.com)")
    click.echo(f"  {career} upload samples/cv/mara-quinn-backend.pdf --uid alice{api}")
    click.echo(
        f"  {career} sources import --kind greenhouse samples/jobs/greenhouse/nordlicht-energy.json{data}"
    )
    click.echo(f"  {career} matches --uid alice{api}")
    click.echo(f"  {career} status{data}")
    click.echo("Stop with Ctrl+C.")


def _career_command() -> str:
    """``career`` when the shell finds this very command, else its path (``.venv/bin/career``)."""
    here = Path(sys.executable).parent / "career"
    found = shutil.which("career")
    if found is not None and Path(found).resolve() == here.resolve():
        return "career"
    try:
        return str(here.relative_to(Path.cwd()))
    except ValueError:
        return shlex.quote(str(here))
