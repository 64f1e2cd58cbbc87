"""``career upload``: a CV PDF into a running stack, the way the web app does it.

POST /documents for a signed URL, PUT the bytes to it, then wait until the document is
EXTRACTED (or FAILED, with its failure class). Works against ``career serve`` with ``--uid``
and against emulated mode with ``--api $API_URL --token $TOKEN``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click
import httpx

from shared.cli.api_client import ApiClient, caller_options

SETTLED = ("EXTRACTED", "FAILED")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@caller_options
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(0, 3600),
    default=120,
    show_default=True,
    help="Seconds to wait for EXTRACTED (0: return after the upload).",
)
def upload(path: Path, uid: str | None, token: str | None, api_url: str | None, wait_s: float) -> None:
    """Upload a CV PDF and wait until its text is extracted (exit 1 when it FAILED)."""
    data = path.read_bytes()
    client = ApiClient(api_url, uid, token)
    try:
        created: dict[str, Any] = client.call(
            "POST",
            "/documents",
            json={"filename": path.name, "size": len(data), "content_type": "application/pdf"},
        )
        document_id = created["document"]["id"]
        signed = created["upload"]
        _put(signed, data)
        click.echo(f"uploaded {path.name} as document {document_id}", err=True)
        document = created["document"]
        deadline = time.monotonic() + wait_s
        state = ""
        while wait_s and time.monotonic() < deadline:
            document = client.call("GET", f"/documents/{document_id}")
            if document["state"] != state:
                state = document["state"]
                click.echo(f"  {state}", err=True)
            if state in SETTLED:
                break
            time.sleep(0.3)
    finally:
        client.close()
    _report(document, wait_s)


def _put(signed: dict[str, Any], data: bytes) -> None:
    try:
        response = httpx.request(
            signed["method"],
            signed["url"],
            content=data,
            headers=signed["headers"],
            timeout=60,
            trust_env=False,
        )
    except httpx.HTTPError as err:
        raise click.ClickException(f"upload failed: {err}") from None
    if response.status_code >= 300:
        raise click.ClickException(f"upload answered {response.status_code}: {response.text[:300]}")


def _report(document: dict[str, Any], wait_s: float) -> None:
    state = document["state"]
    line = f"{document['id']}\t{state}"
    if state == "EXTRACTED":
        line += f"\tpages={document.get('pages')} chars={document.get('chars')}"
    if state == "FAILED":
        line += f"\t{document.get('failure_class')}: {document.get('failure_message')}"
    click.echo(line)
    if state == "FAILED":
        raise SystemExit(1)
    if wait_s and state not in SETTLED:
        raise click.ClickException(f"document {document['id']} still {state} after {wait_s:.0f} s")
