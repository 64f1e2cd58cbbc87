"""``career matches``: a user's ranked offers from a running stack, each with its explanation."""

from __future__ import annotations

import json
from typing import Any

import click

from shared.cli.api_client import ApiClient, caller_options


@click.command()
@caller_options
@click.option("--top", type=click.IntRange(1, 100), default=5, show_default=True, help="How many matches.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's match details as JSON lines.")
def matches(uid: str | None, token: str | None, api_url: str | None, top: int, as_json: bool) -> None:
    """The user's best matches, best first, with the reasons behind each score."""
    client = ApiClient(api_url, uid, token)
    try:
        page: dict[str, Any] = client.call("GET", "/matches", params={"limit": top})
        details = [client.call("GET", f"/matches/{m['offer_id']}") for m in page["matches"]]
    finally:
        client.close()
    if not details:
        click.echo("no matches yet: upload a CV, then import or crawl job sources", err=True)
        return
    for rank, match in enumerate(details, 1):
        if as_json:
            click.echo(json.dumps(match, ensure_ascii=False))
            continue
        where = f"{match['company']} ({match['remote_policy']})"
        click.echo(f"{rank}. {match['score']:5.1f}  {match['title']} at {where}")
        click.echo(f"         {match['summary']}")
        for gate in match["explanation"]["gates"]:
            if not gate["passed"]:
                click.echo(f"         excluded: {gate['reason']}")
        click.echo(f"         {match['url']}")
