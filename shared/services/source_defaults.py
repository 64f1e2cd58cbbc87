"""The default source registry: real public boards a new stack starts with.

``shared/data/default_sources.json`` lists them (whole-market boards and company boards on
each supported ATS). They are added only when the registry is empty, so an operator's
removals and edits are never undone by a restart.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from shared.services.sources import SourceService, SourceSpec

DEFAULTS = "default_sources.json"


def default_specs() -> list[SourceSpec]:
    """The checked-in default sources, validated."""
    text = resources.files("shared").joinpath(f"data/{DEFAULTS}").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return [SourceSpec.model_validate(item) for item in document["sources"]]


def seed_when_empty(sources: SourceService, specs: list[SourceSpec]) -> list[str]:
    """Add ``specs`` when the registry holds no source; returns the ids added (none otherwise)."""
    existing, _ = sources.list(limit=1)
    if existing:
        return []
    return [sources.save(spec)[0].id for spec in specs]
