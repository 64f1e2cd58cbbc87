"""Ranking many offers against one profile, deterministically."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shared.domain.matching.explanation import Explanation
from shared.domain.matching.features import OfferFeatures, ProfileFeatures
from shared.domain.matching.scoring import Breakdown, explain, score


@dataclass(frozen=True, slots=True)
class Ranked:
    """One ranked offer with its explanation."""

    offer: OfferFeatures
    breakdown: Breakdown
    explanation: Explanation

    @property
    def score(self) -> float:
        """The 0-100 total."""
        return self.breakdown.total


def _sort_key(item: tuple[OfferFeatures, Breakdown]) -> tuple[bool, float, str]:
    # Excluded offers last, then score descending, then offer id: a total order, so equal inputs
    # always give the same list.
    offer, b = item
    return (b.excluded, -b.total, offer.offer_id)


def rank(
    profile: ProfileFeatures,
    offers: Iterable[OfferFeatures],
    *,
    as_of: datetime,
    top: int | None = None,
    include_excluded: bool = True,
) -> list[Ranked]:
    """Score every offer and explain the ``top`` best (all when None)."""
    now = as_of.timestamp()
    scored = ((o, score(profile, o, now)) for o in offers)
    if not include_excluded:
        scored = (item for item in scored if not item[1].excluded)
    best = sorted(scored, key=_sort_key) if top is None else heapq.nsmallest(top, scored, key=_sort_key)
    return [Ranked(o, b, explain(profile, o, b, as_of)) for o, b in best]
