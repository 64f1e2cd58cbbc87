"""Score stability: score each (profile, offer) pair N times and report how far the totals move."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.domain.offers import JobOffer
from shared.domain.profiles import CareerProfile
from shared.ports import ScoreProvider
from shared.services.scoring import score_pair


@dataclass(frozen=True)
class PairSpread:
    """One pair's totals over the runs, and their spread (max - min)."""

    offer_id: str
    title: str
    totals: list[float]
    sub_score_spread: dict[str, float]

    @property
    def spread(self) -> float:
        """Largest minus smallest total."""
        return round(max(self.totals) - min(self.totals), 2)


@dataclass(frozen=True)
class Calibration:
    """Spreads per pair and overall."""

    provider: str
    model: str
    runs: int
    pairs: list[PairSpread]

    @property
    def max_spread(self) -> float:
        """The largest spread of any pair."""
        return max((p.spread for p in self.pairs), default=0.0)

    @property
    def mean_spread(self) -> float:
        """The mean spread over the pairs."""
        return round(sum(p.spread for p in self.pairs) / len(self.pairs), 2) if self.pairs else 0.0


def calibrate(
    provider: ScoreProvider,
    profile: CareerProfile,
    offers: Sequence[JobOffer],
    *,
    runs: int,
    cv_text: str | None,
    now: Callable[[], datetime],
) -> Calibration:
    """Score every pair ``runs`` times (no cache: every run calls the provider)."""
    pairs: list[PairSpread] = []
    for offer in offers:
        records = [score_pair(provider, profile, offer, cv_text, now()) for _ in range(runs)]
        by_feature: dict[str, list[float]] = {}
        for record in records:
            for c in record.llm.components:
                by_feature.setdefault(c.feature, []).append(c.value * 100)
        pairs.append(
            PairSpread(
                offer_id=offer.id,
                title=offer.title,
                totals=[r.total for r in records],
                sub_score_spread={k: round(max(v) - min(v), 2) for k, v in by_feature.items()},
            )
        )
    return Calibration(provider.name, provider.model, runs, pairs)
