"""A computed notebook score: the rubric explanation beside the deterministic one, with its inputs."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import ConfigDict

from shared.domain.matching.explanation import Explanation
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1


def inputs_hash(*, profile_version: int, offer_content_hash: str, prompt_version: str, model: str) -> str:
    """sha256 over everything that determines a score: unchanged inputs, same hash, no new call."""
    payload = {
        "profile_version": profile_version,
        "offer_content_hash": offer_content_hash,
        "prompt_version": prompt_version,
        "model": model,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class ScoreRecord(DomainModel):
    """One score of one notebook entry (kept as its audit history, newest first)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    entry_id: str
    uid: str
    inputs_hash: str
    total: float  # the rubric total, capped when a deterministic gate failed
    llm: Explanation  # kind "llm": rubric sub-scores, strengths, gaps, checked quotes
    deterministic: Explanation  # kind "deterministic": the matcher (RULESET_VERSION) and its gates, beside
    profile_version: int
    offer_content_hash: str
    provider: str
    model: str
    prompt_version: str
    computed_at: datetime
    schema_version: int = SCHEMA_VERSION
