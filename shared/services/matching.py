"""Matching use cases: rank offers for a profile version, re-rank changed offers, read results.

Storage (per user, under ``users/{uid}``):
- ``matches/{offer_id}``: the latest result (score, excluded, filters' fields, explanation);
- ``match_runs/{run_id}``: history, what was new, what moved, what closed;
top level: ``offer_features/{offer_id}`` (features cached by content hash) and
``match_subscribers/{uid}`` (who has a profile to match new offers against).

Cost grows with change: a result is written only when its score, gates or evidence changed
(``result_hash`` ignores computed_at), features are recomputed only when an offer's content
hash changed, and an offers event scores only the offers it names.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from shared.domain.errors import NotFound
from shared.domain.matching.features import FEATURES_VERSION, OfferFeatures, offer_features, profile_features
from shared.domain.matching.ranking import Ranked, rank
from shared.domain.matching.runs import MatchRun, RunDelta
from shared.domain.offers import JobOffer
from shared.domain.profiles import CareerProfile
from shared.ports import Clock, DocumentStore, Filter, Op, Order, Query, Transaction, iter_pages
from shared.services.pagination import Page, page

SCHEMA_VERSION = 1
_T = TypeVar("_T")
OFFERS = "job_offers"
FEATURES = "offer_features"
SUBSCRIBERS = "match_subscribers"


def matches_collection(uid: str) -> str:
    """Where a user's match results live."""
    return f"users/{uid}/matches"


def runs_collection(uid: str) -> str:
    """Where a user's match-run history lives."""
    return f"users/{uid}/match_runs"


class MatchingService:
    """Runs the deterministic matcher and keeps each user's results and history."""

    def __init__(self, store: DocumentStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # ------------------------------------------------------------------ triggers
    def match_profile(self, uid: str, version: int | None = None) -> MatchRun:
        """Rank every open offer for this profile version (the latest when None).

        A version older than the one the user is already subscribed with (a late or
        redelivered event) ranks with the subscribed one: results never go back in time.
        """
        profile = self._profile(uid, version)
        now = self._clock.now()
        subscribed = self._subscribe(uid, profile.version, now)
        if subscribed != profile.version:
            profile = self._profile(uid, subscribed)
        features = self.features_for(snap.data for snap in iter_pages(self._store, _open_offers()))
        existing = {s.id: s.data for s in iter_pages(self._store, Query(matches_collection(uid)))}
        ranked = rank(profile_features(profile), features, as_of=now)
        open_ids = {r.offer.offer_id for r in ranked}
        closed = sorted(set(existing) - open_ids)
        return self._apply(uid, profile.version, "profile", ranked, existing, closed, now)

    def match_offers(self, offer_ids: Sequence[str]) -> list[MatchRun]:
        """Score only these (new, changed or closed) offers for every subscribed user."""
        ids = sorted(set(offer_ids))
        if not ids:
            return []
        snaps = self._store.get_many([f"{OFFERS}/{i}" for i in ids])
        open_docs = [s.data for s in snaps if s is not None and s.data.get("closed_at") is None]
        features = self.features_for(open_docs)
        gone = sorted(set(ids) - {f.offer_id for f in features})
        now = self._clock.now()
        runs: list[MatchRun] = []
        for sub in iter_pages(self._store, Query(SUBSCRIBERS)):
            uid, version = sub.data["uid"], int(sub.data["profile_version"])
            try:
                profile = self._profile(uid, version)
            except NotFound:
                continue
            paths = [f"{matches_collection(uid)}/{i}" for i in ids]
            existing = {s.id: s.data for s in self._store.get_many(paths) if s is not None}
            ranked = rank(profile_features(profile), features, as_of=now)
            closed = [i for i in gone if i in existing]
            run = self._apply(uid, version, "offers", ranked, existing, closed, now)
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
    ) -> Page:
        """The caller's results, best first: one query per page (indexes in the topology)."""
        filters = [Filter("excluded", Op.EQ, excluded)]
        if remote is not None:
            filters.append(Filter("remote_policy", Op.EQ, remote))
        if location is not None:
            filters.append(Filter("location_keys", Op.ARRAY_CONTAINS, location))
        if min_score is not None:
            filters.append(Filter("score", Op.GE, min_score))
        query = Query(matches_collection(uid), tuple(filters), (Order("score", descending=True),))
        return page(self._store, query, limit=limit, cursor=cursor)

    def get_match(self, uid: str, offer_id: str) -> dict[str, Any]:
        """One result with its explanation; NotFound for another user's or an unknown offer."""
        snap = self._store.get(f"{matches_collection(uid)}/{offer_id}")
        if snap is None:
            raise NotFound(f"no match for offer {offer_id}")
        return snap.data

    def list_runs(self, uid: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        """The caller's match runs, newest first."""
        query = Query(runs_collection(uid), order_by=(Order("created_at", descending=True),))
        return page(self._store, query, limit=limit, cursor=cursor)

    # ------------------------------------------------------------------ features
    def features_for(self, offer_docs: Iterable[dict[str, Any]]) -> list[OfferFeatures]:
        """Features of these offers: cached per content hash, computed and stored when stale."""
        docs = list(offer_docs)
        offers = [JobOffer.model_validate(d) for d in docs]
        cached = self._store.get_many([f"{FEATURES}/{o.id}" for o in offers]) if offers else []
        out: list[OfferFeatures] = []
        stale: list[OfferFeatures] = []
        for offer, snap in zip(offers, cached, strict=True):
            data = snap.data if snap is not None else None
            if (
                data
                and data.get("content_hash") == offer.content_hash
                and data.get("features_version") == FEATURES_VERSION
            ):
                out.append(OfferFeatures.from_dict(data))
                continue
            fresh = offer_features(offer)
            stale.append(fresh)
            out.append(fresh)
        for chunk in _chunks(stale, 400):
            batch = self._store.batch()
            for f in chunk:
                batch.set(f"{FEATURES}/{f.offer_id}", f.to_dict())
            batch.commit()
        return out

    # ------------------------------------------------------------------ results
    def _apply(
        self,
        uid: str,
        version: int,
        trigger: Literal["profile", "offers"],
        ranked: list[Ranked],
        existing: dict[str, dict[str, Any]],
        closed: Sequence[str],
        now: datetime,
    ) -> MatchRun:
        delta = RunDelta()
        writes: list[tuple[str, dict[str, Any] | None]] = []
        for r in ranked:
            doc = _result_doc(r, version, now)
            before = existing.get(r.offer.offer_id)
            if before is None:
                delta.new.append(r.offer.offer_id)
            elif before.get("result_hash") == doc["result_hash"]:
                delta.unchanged += 1
                continue
            elif before.get("score") != doc["score"]:
                delta.moved.append(
                    {"offer_id": r.offer.offer_id, "from": before.get("score"), "to": doc["score"]}
                )
            else:
                delta.updated += 1
            writes.append((f"{matches_collection(uid)}/{r.offer.offer_id}", doc))
        for offer_id in closed:
            delta.closed.append(offer_id)
            writes.append((f"{matches_collection(uid)}/{offer_id}", None))
        run = MatchRun(
            id=f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}",
            uid=uid,
            trigger=trigger,
            profile_version=version,
            created_at=now,
            scored=len(ranked),
            delta=delta,
        )
        if delta.changed or trigger == "profile":
            writes.append((f"{runs_collection(uid)}/{run.id}", run.model_dump(mode="python")))
        for chunk in _chunks(writes, 400):
            batch = self._store.batch()
            for path, data in chunk:
                if data is None:
                    batch.delete(path)
                else:
                    batch.set(path, data)
            batch.commit()
        return run

    def _subscribe(self, uid: str, version: int, now: datetime) -> int:
        """Subscribe ``uid`` with ``version`` unless already with a newer one; the version in force."""
        path = f"{SUBSCRIBERS}/{uid}"

        def apply(tx: Transaction) -> int:
            snap = tx.get(path)
            current = int(snap.data["profile_version"]) if snap is not None else 0
            if current > version:
                return current
            tx.set(path, {"uid": uid, "profile_version": version, "updated_at": now})
            return version

        return self._store.run_transaction(apply)

    def _profile(self, uid: str, version: int | None) -> CareerProfile:
        collection = f"users/{uid}/career_profiles"
        if version is None:
            snaps = self._store.query(
                Query(collection, order_by=(Order("version", descending=True),), limit=1)
            )
            if not snaps:
                raise NotFound("no career profile yet")
            return CareerProfile.model_validate(snaps[0].data)
        snap = self._store.get(f"{collection}/{version}")
        if snap is None:
            raise NotFound(f"career profile version {version} not found")
        return CareerProfile.model_validate(snap.data)


def _open_offers() -> Query:
    return Query(OFFERS, filters=(Filter("closed_at", Op.EQ, None),))


def _result_doc(r: Ranked, version: int, now: datetime) -> dict[str, Any]:
    explanation = r.explanation.model_dump(mode="json")
    stable = {k: v for k, v in explanation.items() if k != "audit"}
    stable["content_hash"] = r.offer.content_hash
    digest = hashlib.sha256(json.dumps(stable, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return {
        "offer_id": r.offer.offer_id,
        "title": r.offer.title,
        "company": r.offer.company,
        "url": r.offer.url,
        "score": r.score,
        "excluded": r.breakdown.excluded,
        "remote_policy": r.offer.remote_policy,
        "location_keys": sorted(r.offer.places),
        "profile_version": version,
        "offer_content_hash": r.offer.content_hash,
        "result_hash": digest,
        "explanation": explanation,
        "updated_at": now,
        "schema_version": SCHEMA_VERSION,
    }


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
