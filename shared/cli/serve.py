"""``career serve``: the whole product on 127.0.0.1, in one process, on the local backend."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from types import FrameType

import click

from shared.config import get_settings


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
def serve(port: int | None, data_dir: Path | None, no_scheduler: bool) -> None:
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
    logs.configure(settings.log_level)
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
        _banner(url, stack.settings.data_dir)
        while not stopping.wait(0.5):
            pass
    finally:
        stack.stop()
        click.echo("Career assistant stopped.")


def _banner(url: str, data_dir: Path) -> None:
    click.echo(f"Career assistant running at {url}")
    click.echo(f"  job seekers' API  {url}/api   (OpenAPI: {url}/api/openapi.json)")
    click.echo(f"  operators' API    {url}/ops   (OpenAPI: {url}/ops/openapi.json)")
    click.echo(f"  data              {data_dir.resolve()}")
    click.echo("Get a dev token:   TOKEN=$(career token --uid alice --email alice@example.com)")
    click.echo(f'Then:              curl -H "Authorization: Bearer $TOKEN" {url}/api/me')
    click.echo("Stop with Ctrl+C.")
