"""Match-run history: what a run found new, what moved, what closed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.domain.matching.scoring import RULESET_VERSION
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1


class RunDelta(DomainModel):
    """Changes a run made to a user's results."""

    new: list[str] = Field(default_factory=list)
    moved: list[dict[str, Any]] = Field(default_factory=list)  # {offer_id, from, to}
    closed: list[str] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)  # fell out of the kept top K
    updated: int = 0  # same score, different evidence
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """True when the run wrote any result."""
        return bool(self.new or self.moved or self.closed or self.dropped or self.updated)


class MatchRun(DomainModel):
    """One matching run for one user."""

    id: str
    uid: str
    trigger: Literal["profile", "offers"]
    profile_version: int
    created_at: datetime
    scored: int
    delta: RunDelta
    ruleset_version: str = RULESET_VERSION
    schema_version: int = SCHEMA_VERSION
