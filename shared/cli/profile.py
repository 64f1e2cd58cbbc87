"""`career profile PATH.pdf`: the career profile of one CV, without storing anything."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click

EXIT_FAILED = 2  # a classed failure (unreadable PDF, LLM failure); nothing is printed on stdout


@click.command("profile")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--provider",
    type=click.Choice(["heuristic", "gemini"]),
    default=None,
    help="Profile provider (default: CAREER_LLM_PROVIDER, else heuristic).",
)
@click.option("--password", default=None, help="Password of an encrypted PDF.")
@click.option("--json", "as_json", is_flag=True, help="Print the profile as one JSON object.")
def profile(path: Path, provider: str | None, password: str | None, as_json: bool) -> None:
    """Extract the PDF at PATH and print its career profile (exit 2 on a classed failure)."""
    from shared.bootstrap import Container
    from shared.config import get_settings
    from shared.domain.errors import CareerError
    from shared.services.pdf_reading import ExtractionLimits, extract_pdf
    from shared.services.profiles import inputs_hash, profile_from_result

    settings = get_settings()
    if provider is not None:
        settings = settings.model_copy(update={"llm_provider": provider})
    container = Container(settings)
    data = path.read_bytes()
    outcome = extract_pdf(
        container.extractor, data, limits=ExtractionLimits.from_settings(settings), password=password
    )
    if outcome.result is None:
        click.echo(f"{outcome.failure_class}: {outcome.message}", err=True)
        sys.exit(EXIT_FAILED)
    p = container.profile_provider
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        result = p.generate(outcome.result.text, None)
    except CareerError as err:
        click.echo(f"{err.failure_class}: {err.message}", err=True)
        sys.exit(EXIT_FAILED)
    key = inputs_hash([sha256], None, provider=p.name, model=p.model, prompt_version=p.prompt_version)
    made = profile_from_result(
        result,
        outcome.result.text,
        uid="local",
        version=1,
        document=(path.name, sha256),
        inputs=None,
        inputs_hash=key,
        at=container.clock.now(),
    )
    if as_json:
        click.echo(made.model_dump_json())
        return
    click.echo(f"{made.headline or '(no headline)'} · {made.seniority} · {made.years_experience} years")
    click.echo("skills: " + ", ".join(made.skill_names))
