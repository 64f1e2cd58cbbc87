"""`career extract PATH`: extract a PDF's text exactly as the extraction task does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

# Exit status for a classed extraction failure (click uses 1 for crashes and 2 for usage
# errors too, but a usage error never prints the JSON object, so scripts can tell them apart).
EXIT_FAILED = 2


@click.command("extract")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", default=None, help="Password of an encrypted PDF.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the outcome.")
@click.option("--text", "as_text", is_flag=True, help="Print the extracted text.")
def extract(path: Path, password: str | None, as_json: bool, as_text: bool) -> None:
    """Extract the text of the PDF at PATH (exit 0 when extracted, 2 on a classed failure)."""
    if as_json == as_text:
        raise click.UsageError("choose exactly one of --json or --text")
    from shared.bootstrap import Container
    from shared.config import get_settings
    from shared.services.pdf_reading import ExtractionLimits, extract_pdf

    settings = get_settings()
    outcome = extract_pdf(
        Container(settings).extractor,
        path.read_bytes(),
        limits=ExtractionLimits.from_settings(settings),
        password=password,
    )
    if as_json:
        click.echo(json.dumps(outcome.summary(), ensure_ascii=False))
    elif outcome.result is not None:
        click.echo(outcome.result.text)
    else:
        click.echo(f"{outcome.failure_class}: {outcome.message}", err=True)
    if outcome.status != "extracted":
        sys.exit(EXIT_FAILED)
