"""``career smoke``: a short real journey against a running API, with a JSON report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.option(
    "--base-url", required=True, help="The API root, e.g. http://127.0.0.1:8080/api or the api URL."
)
@click.option(
    "--identity",
    type=click.Choice(["local", "firebase"]),
    default="local",
    show_default=True,
    help="local: a dev token (career serve); firebase: a throwaway Firebase account.",
)
@click.option("--timeout", "timeout_s", type=click.IntRange(10, 3600), default=300, show_default=True)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("smoke-report.json"),
    show_default=True,
    help="Where the JSON report goes.",
)
def smoke(base_url: str, identity: str, timeout_s: int, report: Path) -> None:
    """healthz, sign-in, profile inputs, a CV to EXTRACTED and a profile, matches, a notebook
    save, then clean-up; exits 1 when a step failed."""
    import httpx

    from shared.config import get_settings
    from shared.smoke.identity import SmokeIdentityError, identity_for
    from shared.smoke.journey import Journey

    with httpx.Client(timeout=30, follow_redirects=False) as http:
        try:
            who = identity_for(identity, get_settings(), http)  # type: ignore[arg-type]
        except SmokeIdentityError as err:
            raise click.ClickException(str(err)) from None
        result = Journey(base_url, who, http, timeout_s=timeout_s).run()
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(result.as_dict(), indent=2) + "\n", encoding="utf-8")
    for step in result.steps:
        click.echo(f"{step.status:8} {step.name:18} {step.duration_ms:6d} ms  {step.detail}")
    click.echo(f"{'ok' if result.ok else 'FAILED'} in {result.duration_s:.1f}s; report: {report}")
    if not result.ok:
        sys.exit(1)
