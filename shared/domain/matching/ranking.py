"""Ranking many offers against one profile, deterministically.

Offers come as stored (``FeatureRecord``, what the feature cache returns) or decoded
(``OfferFeatures``). Every offer is scored from its stored form; only the rows returned are
decoded and explained.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import count

from shared.domain.matching.explanation import Explanation
from shared.domain.matching.features import FeatureRecord, OfferFeatures, ProfileFeatures
from shared.domain.matching.scoring import Breakdown, Scorer, explain

Features = OfferFeatures | FeatureRecord


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


def as_record(offer: Features) -> FeatureRecord:
    """The stored form of stored or decoded features."""
    return offer.to_record() if isinstance(offer, OfferFeatures) else offer


def rank(
    profile: ProfileFeatures,
    offers: Iterable[Features],
    *,
    as_of: datetime,
    top: int | None = None,
    include_excluded: bool = True,
) -> list[Ranked]:
    """Score every offer and explain the ``top`` best (all when None).

    Order: offers a hard gate excludes last, then score descending, then offer id: a total
    order, so equal inputs always give the same list.
    """
    scorer = Scorer(profile, as_of.timestamp())
    items = offers if isinstance(offers, list) else list(offers)
    records = [o.to_record() if isinstance(o, OfferFeatures) else o for o in items]
    if top is None:
        rows = [row for row in map(scorer.row, records, count()) if include_excluded or not row[0]]
        best = sorted(rows)
    else:
        best = heapq.nsmallest(top, scorer.rows(records, top, include_excluded))
    out: list[Ranked] = []
    for row in best:
        item = items[row[3]]
        features = item if isinstance(item, OfferFeatures) else OfferFeatures.from_record(item)
        breakdown = scorer.breakdown(as_record(item))
        out.append(Ranked(features, breakdown, explain(profile, features, breakdown, as_of)))
    return out
