"""Matching use cases: rank offers for a profile version, re-rank changed offers, read results.

Storage lives in repositories: results, runs and subscribers in ``Matches``
(shared/repositories/matches.py), offers and their cached features in ``Offers`` and
``OfferFeatureCache``, profile versions in ``CareerProfiles``.

Cost grows with change: a result is written only when its score, gates or evidence changed
(``result_hash`` ignores computed_at), features are recomputed only when an offer's content
hash changed, and an offers event scores only the offers it names.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from shared.domain.errors import NotFound
from shared.domain.matching.features import OfferFeatures, offer_features, profile_features
from shared.domain.matching.ranking import Ranked, rank
from shared.domain.matching.results import MatchResult
from shared.domain.matching.runs import MatchRun, RunDelta
from shared.domain.offers import JobOffer
from shared.ports import Clock
from shared.repositories.career_profiles import CareerProfiles
from shared.repositories.matches import Matches, MatchStamp
from shared.repositories.offers import OfferFeatureCache, Offers
from shared.repositories.pagination import Page


class MatchingService:
    """Runs the deterministic matcher and keeps each user's results and history."""

    def __init__(
        self,
        matches: Matches,
        profiles: CareerProfiles,
        offers: Offers,
        features: OfferFeatureCache,
        clock: Clock,
    ) -> None:
        self._matches = matches
        self._profiles = profiles
        self._offers = offers
        self._features = features
        self._clock = clock

    # ------------------------------------------------------------------ triggers
    def match_profile(self, uid: str, version: int | None = None) -> MatchRun:
        """Rank every open offer for this profile version (the latest when None).

        A version older than the one the user is already subscribed with (a late or
        redelivered event) ranks with the subscribed one: results never go back in time.
        """
        profile = self._profiles.get_or_latest(uid, version)
        now = self._clock.now()
        subscribed = self._matches.subscribe(uid, profile.version, now)
        if subscribed != profile.version:
            profile = self._profiles.get(uid, subscribed)
        features = self.features_for(self._offers.open_offers())
        existing = self._matches.stamps(uid)
        ranked = rank(profile_features(profile), features, as_of=now)
        open_ids = {r.offer.offer_id for r in ranked}
        closed = sorted(set(existing) - open_ids)
        return self._apply(uid, profile.version, "profile", ranked, existing, closed, now)

    def match_offers(self, offer_ids: Sequence[str]) -> list[MatchRun]:
        """Score only these (new, changed or closed) offers for every subscribed user."""
        ids = sorted(set(offer_ids))
        if not ids:
            return []
        features = self.features_for(self._offers.open_of(ids))
        gone = sorted(set(ids) - {f.offer_id for f in features})
        now = self._clock.now()
        runs: list[MatchRun] = []
        for sub in self._matches.subscribers():
            try:
                profile = self._profiles.get(sub.uid, sub.profile_version)
            except NotFound:
                continue
            existing = self._matches.stamps(sub.uid, ids)
            ranked = rank(profile_features(profile), features, as_of=now)
            closed = [i for i in gone if i in existing]
            run = self._apply(sub.uid, sub.profile_version, "offers", ranked, existing, closed, now)
            if run.delta.changed:
                runs.append(run)
        return runs

    # ------------------------------------------------------------------ reads
    def list_matches(
        self,
        uid: str,
        *,
        min_score: float | None = None,
        remote: str | None = None,
        location: str | None = None,
        excluded: bool = False,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page[MatchResult]:
        """The caller's results, best first: one query per page (indexes in the topology)."""
        return self._matches.page(
            uid,
            excluded=excluded,
            remote=remote,
            location=location,
            min_score=min_score,
            limit=limit,
            cursor=cursor,
        )

    def get_match(self, uid: str, offer_id: str) -> MatchResult:
        """One result with its explanation; NotFound for another user's or an unknown offer."""
        found = self._matches.get(uid, offer_id)
        if found is None:
            raise NotFound(f"no match for offer {offer_id}")
        return found

    def list_runs(self, uid: str, *, limit: int = 20, cursor: str | None = None) -> Page[MatchRun]:
        """The caller's match runs, newest first."""
        return self._matches.runs_page(uid, limit=limit, cursor=cursor)

    # ------------------------------------------------------------------ features
    def features_for(self, offers: Iterable[JobOffer]) -> list[OfferFeatures]:
        """Features of these offers: cached per content hash, computed and stored when stale."""
        listed = list(offers)
        out: list[OfferFeatures] = []
        stale: list[OfferFeatures] = []
        for offer, cached in zip(listed, self._features.fresh(listed), strict=True):
            if cached is not None:
                out.append(cached)
                continue
            computed = offer_features(offer)
            stale.append(computed)
            out.append(computed)
        self._features.save(stale)
        return out

    # ------------------------------------------------------------------ results
    def _apply(
        self,
        uid: str,
        version: int,
        trigger: Literal["profile", "offers"],
        ranked: list[Ranked],
        existing: dict[str, MatchStamp],
        closed: Sequence[str],
        now: datetime,
    ) -> MatchRun:
        delta = RunDelta()
        changed: list[MatchResult] = []
        for r in ranked:
            result = MatchResult.of(r, version, now)
            before = existing.get(r.offer.offer_id)
            if before is None:
                delta.new.append(r.offer.offer_id)
            elif before.result_hash == result.result_hash:
                delta.unchanged += 1
                continue
            elif before.score != result.score:
                delta.moved.append({"offer_id": r.offer.offer_id, "from": before.score, "to": result.score})
            else:
                delta.updated += 1
            changed.append(result)
        delta.closed.extend(closed)
        run = MatchRun(
            id=f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}",
            uid=uid,
            trigger=trigger,
            profile_version=version,
            created_at=now,
            scored=len(ranked),
            delta=delta,
        )
        recorded = run if delta.changed or trigger == "profile" else None
        self._matches.save_run(uid, changed, closed, recorded)
        return run
