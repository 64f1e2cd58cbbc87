"""Matching use cases: rank offers for a profile version, re-rank changed offers, read results.

Storage lives in repositories: results, runs and subscribers in ``Matches``
(shared/repositories/matches.py), offers and their cached features in ``Offers`` and
``OfferFeatureCache``, profile versions in ``CareerProfiles``.

Cost grows with change: a result is written only when its score, gates or evidence changed
(``result_hash`` ignores computed_at), features are recomputed only when an offer's content
hash changed, and an offers event scores only the offers it names. Per user only the best
``match_top_k`` results are stored, plus the offers the user keeps in their notebook
(``KeptOffers``, the notebook repository); see docs/decisions/0111-top-k-results-and-fan-out.md.

Ranking reads the user's current profile inputs (target roles, locations, remote preference,
salary floor), not the copy in the profile version: ``inputs_changed`` re-ranks after an edit
without a new profile version.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, cast

from shared.channels import publish
from shared.channels.offer_events import OffersChanged
from shared.channels.profile_events import ProfileVersionCreated
from shared.config import Settings
from shared.domain.errors import Conflict, NotFound
from shared.domain.offers import JobOffer
from shared.ports import Clock, Publisher
from shared.repositories.accounts import Accounts
from shared.repositories.career_profiles import CareerProfiles
from shared.repositories.matches import Matches, MatchFailure, MatchStamp, Subscriber
from shared.repositories.offers import OfferFeatureCache, Offers, StoredOpen
from shared.repositories.pagination import Page
from shared.services.collector import collector_paused

if TYPE_CHECKING:
    # The matcher (features, ranking, results) loads on the first ranking: a trigger for a
    # user without a profile reads the store only (docs/decisions/0090-cold-start-budget.md).
    from shared.domain.matching.features import FeatureRecord, ProfileFeatures
    from shared.domain.matching.ranking import Ranked
    from shared.domain.matching.results import MatchResult
    from shared.domain.matching.runs import MatchRun
    from shared.domain.profiles import CareerProfile

# Stale offers get their features this many at a time: enough for the compiled reader's tables
# to stay in the CPU's caches across descriptions, few enough to decode at once (decision 0096).
FEATURE_BATCH = 256


class KeptOffers(Protocol):
    """Offers a user keeps whatever their rank (those in their notebook)."""

    def offer_ids(self, uid: str) -> list[str]:
        """The offer ids ``uid`` keeps."""
        ...


class MatchingService:
    """Runs the deterministic matcher and keeps each user's results and history."""

    def __init__(
        self,
        matches: Matches,
        profiles: CareerProfiles,
        offers: Offers,
        features: OfferFeatureCache,
        accounts: Accounts,
        kept_offers: KeptOffers,
        publisher: Publisher,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._matches = matches
        self._profiles = profiles
        self._offers = offers
        self._features = features
        self._accounts = accounts
        self._kept = kept_offers
        self._publisher = publisher
        self._clock = clock
        self._top_k = settings.match_top_k
        self._users_per_batch = settings.match_users_per_batch

    def inputs_changed(self, uid: str) -> bool:
        """Ask for a re-rank of ``uid`` after their profile inputs changed (same profile version).

        Publishes the subscribed version again on profile-events, marked ``inputs_changed``;
        False when the user has no profile to match yet (nothing to re-rank).
        """
        version = self._matches.subscribed_version(uid)
        if version is None:
            return False
        message = ProfileVersionCreated(uid=uid, version=version, reason="inputs_changed")
        publish(self._publisher, message, attributes={"uid": uid})
        return True

    def failure(self, uid: str) -> MatchFailure | None:
        """Why the last matching of ``uid`` was given up, unless a run made since supersedes it."""
        failure = self._matches.last_failure(uid)
        if failure is None:
            return None
        run = self._matches.latest_run(uid)
        return failure if run is None or run.created_at < failure.at else None

    def retry(self, uid: str) -> MatchFailure:
        """Publish the given-up profile version again (POST /match-runs:retry); Conflict without one."""
        failure = self.failure(uid)
        if failure is None:
            raise Conflict("there is no failed matching to retry")
        message = ProfileVersionCreated(uid=uid, version=failure.profile_version, reason="inputs_changed")
        publish(self._publisher, message, attributes={"uid": uid})
        return failure

    def _profile_features(self, profile: CareerProfile) -> ProfileFeatures:
        """Features of ``profile`` with the user's current inputs (when they have any)."""
        from shared.domain.matching.features import profile_features

        return profile_features(profile, self._accounts.inputs(profile.uid))

    # ------------------------------------------------------------------ triggers
    # Both triggers run with the cyclic collector paused (shared/services/collector.py): a run
    # holds every open offer and its features, and full collections walking them found nothing.
    @collector_paused()
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
        features = self._open_features()
        existing = self._matches.stamps(uid)
        pf = self._profile_features(profile)
        from shared.domain.matching.ranking import rank  # the matcher: only once there is a profile

        ranked = rank(pf, features, as_of=now, top=self._top_k)
        top_ids = {r.offer.offer_id for r in ranked}
        pinned = set(self._kept.offer_ids(uid)) - top_ids
        if pinned:
            ranked += rank(pf, [f for f in features if f["offer_id"] in pinned], as_of=now)
        open_ids = {f["offer_id"] for f in features}
        closed = sorted(set(existing) - open_ids)
        dropped = sorted(set(existing) - set(closed) - {r.offer.offer_id for r in ranked})
        run = self._apply(uid, profile.version, "profile", ranked, existing, closed, now, dropped)
        full = len(ranked) >= self._top_k
        floor = min((r.score for r in ranked[: self._top_k]), default=None) if full else None
        self._matches.set_watermark(uid, {r.offer.offer_id for r in ranked}, floor)
        self._matches.clear_failure(uid)  # a replayed or retried ranking: the give-up is over
        return run

    @collector_paused()
    def match_offers(self, offer_ids: Sequence[str], trigger: OffersChanged | None = None) -> list[MatchRun]:
        """Score only these (new, changed or closed) offers for subscribed users.

        With the ``trigger`` message (the offers-event path), one call scores one batch of
        ``match_users_per_batch`` subscribers from ``trigger.users_cursor`` and re-publishes the
        message with the next batch's cursor: every invocation is bounded whatever the number of
        users. Without it (tools, tests), every batch is scored in this call.
        """
        ids = sorted(set(offer_ids))
        if not ids:
            return []
        features = self.features_for(self._offers.open_of(ids))
        gone = sorted(set(ids) - {f["offer_id"] for f in features})
        now = self._clock.now()
        runs: list[MatchRun] = []
        cursor = trigger.users_cursor if trigger is not None else None
        while True:
            batch = self._matches.subscriber_page(cursor, self._users_per_batch)
            for sub in batch.items:
                try:
                    profile = self._profiles.get(sub.uid, sub.profile_version)
                except NotFound:
                    continue
                key = trigger.run_id if trigger is not None else None
                run = self._offers_run(sub, profile, features, gone, now, key)
                if run.delta.changed:
                    runs.append(run)
            cursor = batch.next_cursor
            if cursor is None:
                return runs
            if trigger is not None:
                publish(self._publisher, trigger.model_copy(update={"users_cursor": cursor}))
                return runs

    def _offers_run(
        self,
        sub: Subscriber,
        profile: CareerProfile,
        features: list[FeatureRecord],
        gone: Sequence[str],
        now: datetime,
        key: str | None = None,
    ) -> MatchRun:
        """One subscriber's share of an offers event: keep what beats their top K (or is pinned)."""
        from shared.domain.matching.ranking import rank
        from shared.domain.matching.runs import MatchRun, RunDelta

        ids = [f["offer_id"] for f in features] + list(gone)
        # Only changed offers the user holds a result for can need an update or a delete.
        held_ids = ids if sub.held is None else [i for i in ids if i in sub.held]
        existing = self._matches.stamps(sub.uid, held_ids) if held_ids else {}
        scored = rank(self._profile_features(profile), features, as_of=now)
        pinned = set(self._kept.offer_ids(sub.uid)) if scored else set()
        full = sub.kept >= self._top_k and sub.floor is not None
        kept = [r for r in scored if not full or r.offer.offer_id in pinned or r.score > (sub.floor or 0.0)]
        kept_ids = {r.offer.offer_id for r in kept}
        closed = [i for i in gone if i in existing]
        dropped = sorted(i for i in existing if i not in kept_ids and i not in closed)
        if not kept and not existing:
            return MatchRun(
                id="",
                uid=sub.uid,
                trigger="offers",
                profile_version=sub.profile_version,
                created_at=now,
                scored=len(scored),
                delta=RunDelta(),
            )  # nothing to write: the offers are below this user's top K
        run = self._apply(sub.uid, sub.profile_version, "offers", kept, existing, closed, now, dropped, key)
        held = set(sub.held if sub.held is not None else self._matches.stamps(sub.uid))
        held = (held - set(closed) - set(dropped)) | kept_ids
        held -= self._trim(sub.uid, len(held), pinned)
        floor = sub.floor
        if len(held) >= self._top_k:
            lowest = self._matches.lowest(sub.uid, 1)
            floor = lowest[0].score if lowest else floor
        self._matches.set_watermark(sub.uid, held, floor if len(held) >= self._top_k else None)
        return run

    def _trim(self, uid: str, count: int, pinned: set[str]) -> set[str]:
        """Delete the lowest results above top K (pinned ones stay); the ids deleted."""
        extra = count - self._top_k
        if extra <= 0:
            return set()
        lowest = self._matches.lowest(uid, extra + len(pinned))
        removed = [s.offer_id for s in lowest if s.offer_id not in pinned][:extra]
        self._matches.save_run(uid, [], removed, None)
        return set(removed)

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
    def features_for(self, offers: Iterable[JobOffer]) -> list[FeatureRecord]:
        """Features of these offers in their stored form (ranking scores from it and decodes only
        what it explains): cached per content hash, computed and stored when stale."""
        listed = list(offers)
        return self._computed_where_stale(listed, self._features.fresh(listed), [None] * len(listed))

    def _open_features(self) -> list[FeatureRecord]:
        """``features_for`` every open offer, decoding only those whose features are computed."""
        stored = list(self._offers.open_stored())
        return self._computed_where_stale([None] * len(stored), self._features.fresh_stored(stored), stored)

    def _computed_where_stale(
        self,
        offers: Sequence[JobOffer | None],
        cached: Sequence[FeatureRecord | None],
        stored: Sequence[StoredOpen | None],
    ) -> list[FeatureRecord]:
        """The cached records, and features computed (and stored) where there is none.

        Each offer comes decoded (``offers``) or as stored (``stored``, decoded only here).
        """
        from shared.domain.matching.features import offers_features

        out: list[FeatureRecord | None] = list(cached)
        places = [i for i, record in enumerate(cached) if record is None]
        stale: list[FeatureRecord] = []
        # In batches: offers_features reads a batch's descriptions in a row (decision 0096), and
        # only one batch of offers is decoded at a time.
        for first in range(0, len(places), FEATURE_BATCH):
            batch = places[first : first + FEATURE_BATCH]
            decoded = [
                offer if (offer := offers[i]) is not None else cast("StoredOpen", stored[i]).decode()
                for i in batch
            ]
            for i, features in zip(batch, offers_features(decoded), strict=True):
                record = features.to_record()
                out[i] = record
                stale.append(record)
        self._features.save(stale)
        return cast("list[FeatureRecord]", out)

    # ------------------------------------------------------------------ results
    def _first_run_of(self, uid: str, version: int, trigger: Literal["profile", "offers"]) -> bool:
        """True when an unchanged ranking still makes history: a profile version's first run.

        A redelivered or re-published profile event ranks the same version again; recording
        that "nothing changed" each time would grow the user's history with every retry.
        """
        if trigger != "profile":
            return False
        latest = self._matches.latest_run(uid)
        return latest is None or latest.profile_version != version

    def _apply(
        self,
        uid: str,
        version: int,
        trigger: Literal["profile", "offers"],
        ranked: list[Ranked],
        existing: dict[str, MatchStamp],
        closed: Sequence[str],
        now: datetime,
        dropped: Sequence[str] = (),
        key: str | None = None,
    ) -> MatchRun:
        from shared.domain.matching.results import MatchResult
        from shared.domain.matching.runs import MatchRun, RunDelta

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
        delta.dropped.extend(dropped)
        run = MatchRun(
            id=_run_id(now, key),
            uid=uid,
            trigger=trigger,
            profile_version=version,
            created_at=now,
            scored=len(ranked),
            delta=delta,
        )
        recorded = run if delta.changed or self._first_run_of(uid, version, trigger) else None
        self._matches.save_run(uid, changed, [*closed, *dropped], recorded)
        return run


def _run_id(now: datetime, key: str | None) -> str:
    """A new run's id; keyed by the crawl run behind an offers event, so that a redelivery of
    the event (whose first attempt recorded the run, then failed) rewrites one run, not two."""
    if key is None:
        return f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    return f"offers-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
