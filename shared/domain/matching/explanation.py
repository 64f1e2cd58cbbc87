"""The standard explanation payload of a score, shared by deterministic matching and LLM scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.domain.model import DomainModel


def _absent(value: Any) -> bool:
    return value is None or value == [] or value == {}


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
    # Set on notebook scores (both kinds); absent from match results, whose stored form is unchanged.
    provider: str | None = Field(None, exclude_if=_absent)
    model: str | None = Field(None, exclude_if=_absent)
    prompt_version: str | None = Field(None, exclude_if=_absent)
    inputs_hash: str | None = Field(None, exclude_if=_absent)
    latency_ms: int | None = Field(None, exclude_if=_absent)
    input_tokens: int | None = Field(None, exclude_if=_absent)
    output_tokens: int | None = Field(None, exclude_if=_absent)


class EvidenceChecks(DomainModel):
    """What the verbatim check of the evidence quotes found."""

    model_config = ConfigDict(frozen=True)

    quotes_kept: int
    quotes_dropped: int
    flagged: list[str] = Field(default_factory=list, description="sub-scores none of whose evidence held")


class ScoreCap(DomainModel):
    """A deterministic gate failed: the combined score is capped, never raised above ``limit``."""

    model_config = ConfigDict(frozen=True)

    limit: float
    uncapped: float
    reason: str


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
    # LLM kind only (empty, and not stored, on deterministic results)
    strengths: list[str] = Field(default_factory=list, exclude_if=_absent)
    gaps: list[str] = Field(default_factory=list, exclude_if=_absent)
    checks: EvidenceChecks | None = Field(None, exclude_if=_absent)
    cap: ScoreCap | None = Field(None, exclude_if=_absent)
