"""The standard explanation payload of a score, shared by deterministic matching and LLM scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.domain.model import DomainModel


class Component(DomainModel):
    """One weighted feature: ``contribution = weight * value`` points of the 0-100 total."""

    model_config = ConfigDict(frozen=True)

    feature: str
    weight: float
    value: float = Field(ge=0, le=1)
    contribution: float
    evidence: dict[str, Any] = Field(default_factory=dict)


class Gate(DomainModel):
    """A hard rule; a failed gate excludes the offer whatever its score."""

    model_config = ConfigDict(frozen=True)

    gate: str
    passed: bool
    reason: str


class Audit(DomainModel):
    """What the score was computed from, to reproduce it."""

    model_config = ConfigDict(frozen=True)

    profile_uid: str
    profile_version: int
    offer_id: str
    offer_content_hash: str
    computed_at: datetime


class Explanation(DomainModel):
    """Why an offer got its score. ``version`` is the ruleset (deterministic) or prompt (llm) version."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["deterministic", "llm"]
    version: str
    total: float = Field(ge=0, le=100)
    excluded: bool
    components: list[Component]
    gates: list[Gate]
    summary: str
    audit: Audit
