"""``career score``: score a (profile, offer) pair on the notebook rubric; ``calibrate`` measures drift."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import ValidationError

from shared.domain.offers import JobOffer
from shared.domain.profiles import CareerProfile

if TYPE_CHECKING:
    from shared.ports import ScoreProvider

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_PROVIDERS = click.Choice(["heuristic", "gemini"])


def _profile(path: Path) -> CareerProfile:
    try:
        return CareerProfile.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as err:
        raise click.ClickException(f"{path} is not a career profile: {err.error_count()} errors") from None


def _offers(path: Path) -> list[JobOffer]:
    text = path.read_text(encoding="utf-8").strip()
    try:
        if text.startswith("{") and "\n{" not in text:
            return [JobOffer.model_validate_json(text)]
        return [JobOffer.model_validate_json(line) for line in text.splitlines() if line.strip()]
    except ValidationError as err:
        raise click.ClickException(
            f"{path} is not an offer (or NDJSON of offers): {err.error_count()} errors"
        ) from None


def _provider(name: str) -> ScoreProvider:
    from shared.bootstrap import Container
    from shared.config import get_settings

    settings = get_settings().model_copy(update={"llm_provider": name})
    return Container(settings).score_provider


def _cv(path: Path | None) -> str | None:
    return path.read_text(encoding="utf-8") if path is not None else None


@click.group(invoke_without_command=True)
@click.option(
    "--profile", "profile_path", type=_FILE, help="JSON printed by `career profile PATH.pdf --json`."
)
@click.option(
    "--offer", "offer_path", type=_FILE, help="One offer as JSON (a line of `career sources parse`)."
)
@click.option("--cv", "cv_path", type=_FILE, default=None, help="The CV's text (default: the profile's own).")
@click.option(
    "--provider", type=click.Choice(["heuristic", "gemini"]), default="heuristic", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Print the score record as JSON.")
@click.pass_context
def score(
    ctx: click.Context,
    profile_path: Path | None,
    offer_path: Path | None,
    cv_path: Path | None,
    provider: str,
    as_json: bool,
) -> None:
    """Score one offer against a profile: rubric sub-scores, checked quotes, the gates beside."""
    if ctx.invoked_subcommand is not None:
        return
    if profile_path is None or offer_path is None:
        raise click.UsageError("--profile and --offer are required (or use `career score calibrate`)")
    from shared.services.scoring import score_pair

    offers = _offers(offer_path)
    if len(offers) != 1:
        raise click.ClickException(f"{offer_path} holds {len(offers)} offers; give one")
    record = score_pair(
        _provider(provider), _profile(profile_path), offers[0], _cv(cv_path), datetime.now(UTC)
    )
    if as_json:
        sys.stdout.write(record.model_dump_json() + "\n")
        return
    llm = record.llm
    click.echo(
        f"{record.total:6.2f}  {offers[0].title} @ {offers[0].company}  ({record.provider}, {record.model})"
    )
    for c in llm.components:
        flag = "  [no evidence held]" if c.evidence.get("flagged") else ""
        click.echo(f"  {c.feature:<18} {c.value * 100:5.0f}{flag}")
    if llm.cap is not None:
        click.echo(f"  capped at {llm.cap.limit:.0f}: {llm.cap.reason}")
    click.echo(f"  {llm.summary}")


@score.command("calibrate")
@click.option("--profile", "profile_path", type=_FILE, required=True)
@click.option("--offers", "offers_path", type=_FILE, required=True, help="NDJSON of offers.")
@click.option("--runs", type=click.IntRange(2, 50), default=5, show_default=True)
@click.option("--cv", "cv_path", type=_FILE, default=None, help="The CV's text (default: the profile's own).")
@click.option("--provider", type=click.Choice(["heuristic", "gemini"]), default="gemini", show_default=True)
def calibrate_command(
    profile_path: Path, offers_path: Path, runs: int, cv_path: Path | None, provider: str
) -> None:
    """Score each pair RUNS times and print the spread of the totals per pair and overall (JSON)."""
    from shared.services.calibration import calibrate

    result = calibrate(
        _provider(provider),
        _profile(profile_path),
        _offers(offers_path),
        runs=runs,
        cv_text=_cv(cv_path),
        now=lambda: datetime.now(UTC),
    )
    out: dict[str, Any] = {
        "provider": result.provider,
        "model": result.model,
        "runs": result.runs,
        "max_spread": result.max_spread,
        "mean_spread": result.mean_spread,
        "pairs": [
            {
                "offer_id": p.offer_id,
                "title": p.title,
                "totals": p.totals,
                "spread": p.spread,
                "sub_score_spread": p.sub_score_spread,
            }
            for p in result.pairs
        ],
    }
    click.echo(json.dumps(out, sort_keys=True))
