"""Job offers and their cached matching features: the one place that knows how they are stored.

- ``job_offers/{offer_id}``: the JobOffer fields plus ``offer_id``, ``source_id``,
  ``first_seen_at``, ``changed_at``, ``closed_at`` (None while open; matching reads only open
  offers), ``run_id`` of the last change and the source's ``attribution``;
- ``offer_features/{offer_id}``: the features of an offer as a ``FeatureRecord``
  (shared/domain/matching/features.py) plus ``schema_version``, valid while its content hash
  and the features version are unchanged (schema 1 held features versions up to 3; schema 2
  holds version 4, the compact record).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from shared.domain.offers import JobOffer, offer_id
from shared.ports import DocumentStore, Filter, Op, Query, Snapshot, iter_pages

if TYPE_CHECKING:
    # Loaded by the cache's first read: storing offers (a crawl) does not load the matcher.
    from shared.domain.matching.features import FeatureRecord

OFFERS = "job_offers"
FEATURES = "offer_features"
FEATURES_SCHEMA_VERSION = 2  # 2: the compact FeatureRecord (features version 4)
MAX_BATCH = 400


@dataclass(frozen=True, slots=True)
class Listed:
    """What an upsert needs to know of a stored offer."""

    offer_id: str
    content_hash: str | None
    schema_version: int | None
    first_seen_at: datetime | None
    closed_at: datetime | None
    run_id: str | None = None  # the run that last wrote it
    changed_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Not closed."""
        return self.closed_at is None


@dataclass(frozen=True)
class Listing:
    """Where and when an offer was seen: stored beside its fields."""

    source_id: str
    run_id: str
    first_seen_at: datetime
    changed_at: datetime
    attribution: str | None


@dataclass(frozen=True)
class StoredOffer:
    """An offer as stored: the normalised posting, and when it closed (None while open)."""

    offer: JobOffer
    closed_at: datetime | None


class Offers:
    """The shared offer collection, written by crawls and read by matching."""

    collections = (OFFERS,)

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def listed(self, source_id: str) -> dict[str, Listed]:
        """Every stored offer of a source (open and closed), by offer id: one paged query."""
        query = Query(OFFERS, (Filter("source_id", Op.EQ, source_id),))
        return {
            snap.id: Listed(
                snap.id,
                snap.data.get("content_hash"),
                snap.data.get("schema_version"),
                snap.data.get("first_seen_at"),
                snap.data.get("closed_at"),
                snap.data.get("run_id"),
                snap.data.get("changed_at"),
            )
            for snap in iter_pages(self._store, query)
        }

    def save(
        self,
        offers: Sequence[tuple[JobOffer, Listing]],
        *,
        close: Sequence[str] = (),
        run_id: str = "",
        now: datetime | None = None,
    ) -> None:
        """Write new and changed offers (open) and close the ``close`` ones, in batches."""
        writes: list[tuple[str, dict[str, Any], bool]] = [
            (f"{OFFERS}/{offer.id}", _document(offer, listing), False) for offer, listing in offers
        ]
        writes += [
            (f"{OFFERS}/{offer_id}", {"closed_at": now, "changed_at": now, "run_id": run_id}, True)
            for offer_id in close
        ]
        for start in range(0, len(writes), MAX_BATCH):
            batch = self._store.batch()
            for path, data, partial in writes[start : start + MAX_BATCH]:
                if partial:
                    batch.update(path, data)
                else:
                    batch.set(path, data)
            batch.commit()

    def open_offers(self) -> Iterator[JobOffer]:
        """Every open offer (paged reads)."""
        for snap in iter_pages(self._store, Query(OFFERS, filters=(Filter("closed_at", Op.EQ, None),))):
            yield JobOffer.model_validate(snap.data)

    def open_stored(self) -> Iterator[StoredOpen]:
        """Every open offer (paged reads), its id and content hash read without decoding it."""
        for snap in iter_pages(self._store, Query(OFFERS, filters=(Filter("closed_at", Op.EQ, None),))):
            data = snap.data
            try:
                key = offer_id(data["source_kind"], data["board"], data["external_id"])
                content = data["content_hash"]
            except (KeyError, TypeError):  # not an offer document: decoding says why
                offer = JobOffer.model_validate(data)
                key, content = offer.id, offer.content_hash
            yield StoredOpen(key, content, data)

    def open_of(self, offer_ids: Sequence[str]) -> list[JobOffer]:
        """Those of ``offer_ids`` that exist and are open."""
        snaps = self._store.get_many([f"{OFFERS}/{i}" for i in offer_ids])
        return [
            JobOffer.model_validate(s.data)
            for s in snaps
            if s is not None and s.data.get("closed_at") is None
        ]

    def find(self, offer_id: str) -> StoredOffer | None:
        """One offer, open or closed (the notebook keeps closed ones); None when unknown."""
        snap = self._store.get(f"{OFFERS}/{offer_id}")
        if snap is None:
            return None
        return StoredOffer(JobOffer.model_validate(snap.data), snap.data.get("closed_at"))

    def find_many(self, offer_ids: Sequence[str]) -> dict[str, StoredOffer]:
        """The known ones among these offers, open or closed, by id (one batched read)."""
        snaps = self._store.get_many([f"{OFFERS}/{i}" for i in offer_ids])
        return {
            s.id: StoredOffer(JobOffer.model_validate(s.data), s.data.get("closed_at"))
            for s in snaps
            if s is not None
        }


@dataclass(frozen=True, slots=True)
class StoredOpen:
    """An open offer as stored: what the feature cache checks, and the document to decode."""

    offer_id: str
    content_hash: str
    data: dict[str, Any]

    def decode(self) -> JobOffer:
        """The offer (pydantic validation: only for the offers whose features are computed)."""
        return JobOffer.model_validate(self.data)


class OfferFeatureCache:
    """Matching features per offer, kept while the offer's content and the features version hold.

    Stored as ``FeatureRecord`` (the compact form ranking scores from directly) plus
    ``schema_version``. A document of another features version (an older release's layout) is
    stale: its offer's features are recomputed and stored again in the current form.
    """

    collections = (FEATURES,)

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def fresh(self, offers: Sequence[JobOffer]) -> list[FeatureRecord | None]:
        """Cached features of each offer (in order), None where missing or stale."""
        if not offers:
            return []
        return fresh_records(offers, self._store.get_many([f"{FEATURES}/{o.id}" for o in offers]))

    def fresh_stored(self, offers: Sequence[StoredOpen]) -> list[FeatureRecord | None]:
        """``fresh`` of offers as stored (``Offers.open_stored``), none of them decoded."""
        if not offers:
            return []
        snaps = self._store.get_many([f"{FEATURES}/{o.offer_id}" for o in offers])
        return _fresh([o.content_hash for o in offers], snaps)

    def save(self, features: Sequence[FeatureRecord]) -> None:
        """Store computed features, in batches."""
        for start in range(0, len(features), MAX_BATCH):
            batch = self._store.batch()
            for f in features[start : start + MAX_BATCH]:
                batch.set(f"{FEATURES}/{f['offer_id']}", {**f, "schema_version": FEATURES_SCHEMA_VERSION})
            batch.commit()


def fresh_records(offers: Sequence[JobOffer], snaps: Sequence[Snapshot | None]) -> list[FeatureRecord | None]:
    """The stored records of these offers' features as read (no decoding: ranking scores from
    this form), None where missing, of another content hash or of another features version."""
    return _fresh([o.content_hash for o in offers], snaps)


def _fresh(hashes: Sequence[str], snaps: Sequence[Snapshot | None]) -> list[FeatureRecord | None]:
    from shared.domain.matching.features import FEATURES_VERSION as version

    found = [
        data
        if snap is not None
        and (data := snap.data).get("features_version") == version
        and data.get("content_hash") == content_hash
        else None
        for content_hash, snap in zip(hashes, snaps, strict=True)
    ]
    return cast("list[FeatureRecord | None]", found)


def _document(offer: JobOffer, listing: Listing) -> dict[str, Any]:
    return {
        **offer.model_dump(mode="python"),
        "offer_id": offer.id,
        "source_id": listing.source_id,
        "first_seen_at": listing.first_seen_at,
        "changed_at": listing.changed_at,
        "closed_at": None,
        "run_id": listing.run_id,
        "attribution": listing.attribution,
    }
