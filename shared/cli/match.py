"""``career match``: rank the offers of ``career sources parse`` against a ``career profile``."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from pydantic import ValidationError

from shared.domain.matching.features import offers_features, profile_features
from shared.domain.matching.ranking import rank
from shared.domain.offers import JobOffer
from shared.domain.profiles import CareerProfile


@click.command()
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="JSON printed by `career profile PATH.pdf --json`.",
)
@click.option(
    "--offers",
    "offers_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="NDJSON printed by `career sources parse`.",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the N best offers.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(),
    default=None,
    help="Reference time for recency (default: now, UTC). Fix it for reproducible output.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
def match(
    profile_path: Path, offers_path: Path, top: int | None, as_of: datetime | None, as_json: bool
) -> None:
    """Rank offers against a career profile, best first, each with its explanation."""
    try:
        profile = CareerProfile.model_validate_json(profile_path.read_text(encoding="utf-8"))
    except ValidationError as err:
        raise click.ClickException(
            f"{profile_path} is not a career profile: {err.error_count()} errors"
        ) from None
    offers: list[JobOffer] = []
    for n, line in enumerate(offers_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            offers.append(JobOffer.model_validate_json(line))
        except ValidationError as err:
            raise click.ClickException(
                f"{offers_path}:{n} is not an offer: {err.error_count()} errors"
            ) from None
    when = (as_of.replace(tzinfo=UTC) if as_of and as_of.tzinfo is None else as_of) or datetime.now(UTC)
    ranked = rank(profile_features(profile), offers_features(offers), as_of=when, top=top)
    rows = [
        {
            "offer_id": r.offer.offer_id,
            "title": r.offer.title,
            "company": r.offer.company,
            "url": r.offer.url,
            "score": r.score,
            "excluded": r.breakdown.excluded,
            "explanation": r.explanation.model_dump(mode="json"),
        }
        for r in ranked
    ]
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, sort_keys=True)
        sys.stdout.write("\n")
        return
    for i, r in enumerate(ranked, start=1):
        click.echo(f"{i:>3}. {r.score:6.2f}  {r.offer.title} @ {r.offer.company}")
        click.echo(f"       {r.explanation.summary}")
