"""Source kind -> adapter module. Modules are imported on first use (cold starts stay cheap)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from shared.domain.errors import InvalidInput

if TYPE_CHECKING:  # the adapter base (offer model, places) loads with the first adapter, not here
    from shared.sources.base import SourceModule

MODULES: dict[str, str] = {
    "greenhouse": "shared.sources.greenhouse",
    "lever": "shared.sources.lever",
    "ashby": "shared.sources.ashby",
    "workable": "shared.sources.workable",
    "smartrecruiters": "shared.sources.smartrecruiters",
    "recruitee": "shared.sources.recruitee",
    "personio": "shared.sources.personio",
    "remotive": "shared.sources.remotive",
    "remoteok": "shared.sources.remoteok",
    "arbeitnow": "shared.sources.arbeitnow",
    "hn-algolia": "shared.sources.hn_algolia",
}
KINDS: tuple[str, ...] = tuple(sorted(MODULES))


def adapter(kind: str) -> SourceModule:
    """The adapter module of ``kind``; InvalidInput for an unknown kind."""
    name = MODULES.get(kind)
    if name is None:
        raise InvalidInput(f"unknown source kind {kind!r}", detail={"kinds": list(KINDS)})
    return cast("SourceModule", importlib.import_module(name))
