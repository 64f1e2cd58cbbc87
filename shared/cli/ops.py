"""``career ops``: operator views on the configured backend."""

from __future__ import annotations

import json
from pathlib import Path

import click

from shared.cli.stack_data import data_dir_option, open_stack


@click.group()
def ops() -> None:
    """Operator views."""


@ops.command("usage")
@click.option("--days", type=click.IntRange(1, 90), default=7, show_default=True, help="UTC days back.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_dir_option
def usage(days: int, as_json: bool, data_dir: Path | None) -> None:
    """LLM calls and tokens per day, today first."""
    from shared.services.llm_usage import LlmUsageService

    rows = open_stack(data_dir).make(LlmUsageService).days(days)
    if as_json:
        out = [{**vars(d), "day": d.day.isoformat()} for d in rows]
        click.echo(json.dumps(out, sort_keys=True))
        return
    click.echo("day\tcalls\tinput_tokens\toutput_tokens\tby_provider")
    for d in rows:
        providers = ", ".join(f"{k}={v}" for k, v in sorted(d.by_provider.items())) or "-"
        click.echo(f"{d.day}\t{d.calls}\t{d.input_tokens}\t{d.output_tokens}\t{providers}")
    click.echo(
        f"total\t{sum(d.calls for d in rows)}\t{sum(d.input_tokens for d in rows)}"
        f"\t{sum(d.output_tokens for d in rows)}"
    )
