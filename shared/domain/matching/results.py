"""A stored match result: one offer ranked for one user's profile version, with its explanation."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import ConfigDict

from shared.domain.matching.explanation import Explanation
from shared.domain.matching.ranking import Ranked
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1


class MatchResult(DomainModel):
    """The latest result of one offer for one user (what GET /matches lists).

    ``result_hash`` covers the score, gates and evidence but not the audit's computed_at,
    so a re-run that changes nothing writes nothing.
    """

    model_config = ConfigDict(frozen=True)

    offer_id: str
    title: str
    company: str
    url: str
    score: float
    excluded: bool
    remote_policy: str
    location_keys: list[str]
    profile_version: int
    offer_content_hash: str
    result_hash: str
    explanation: Explanation
    updated_at: datetime
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def of(cls, r: Ranked, version: int, now: datetime) -> MatchResult:
        """The result of one ranked offer for profile ``version``."""
        stable = r.explanation.model_dump(mode="json", exclude={"audit"})
        stable["content_hash"] = r.offer.content_hash
        digest = hashlib.sha256(
            json.dumps(stable, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()
        return cls(
            offer_id=r.offer.offer_id,
            title=r.offer.title,
            company=r.offer.company,
            url=r.offer.url,
            score=r.score,
            excluded=r.breakdown.excluded,
            remote_policy=r.offer.remote_policy,
            location_keys=sorted(r.offer.places),
            profile_version=version,
            offer_content_hash=r.offer.content_hash,
            result_hash=digest,
            explanation=r.explanation,
            updated_at=now,
        )
