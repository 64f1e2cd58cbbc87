"""Offer upsert keyed by offer id and content hash: an unchanged board writes nothing.

Documents ``job_offers/{offer_id}`` hold the JobOffer fields plus ``offer_id``, ``source_id``,
``first_seen_at``, ``changed_at``, ``closed_at`` (None while open; matching reads only open
offers), ``run_id`` of the last change and the source's ``attribution``. One query reads the
source's stored offers; only new, changed, reopened and vanished offers are written, in
batches of at most 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.offers import SCHEMA_VERSION, JobOffer, merge_duplicates
from shared.domain.runs import RunStats
from shared.ports import Data, DocumentStore, Filter, Op, Query, iter_pages

OFFERS = "job_offers"
MAX_BATCH = 500


@dataclass(frozen=True)
class UpsertOutcome:
    """What an upsert changed."""

    stats: RunStats
    changed_ids: list[str] = field(default_factory=list)  # new + updated + closed, sorted
    open_count: int = 0


class OfferUpsert:
    """Writes one source's offers against what the store already holds."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def apply(
        self,
        offers: Sequence[JobOffer],
        *,
        source_id: str,
        run_id: str,
        complete: bool,
        now: datetime,
        attribution: str | None = None,
        fetched: int | None = None,
    ) -> UpsertOutcome:
        """Upsert ``offers``; when ``complete``, close stored offers missing from them."""
        incoming = merge_duplicates(offers)
        stored = self.stored(source_id)
        writes: list[tuple[str, Data]] = []
        new = updated = unchanged = closed = 0
        changed: list[str] = []
        for offer in incoming:
            current = stored.get(offer.id)
            if current is not None and _same(current, offer):
                unchanged += 1
                continue
            first_seen = current.get("first_seen_at", now) if current is not None else now
            writes.append((offer.id, _document(offer, source_id, run_id, now, first_seen, attribution)))
            changed.append(offer.id)
            if current is None:
                new += 1
            else:
                updated += 1
        if complete:
            seen = {o.id for o in incoming}
            for offer_id, current in stored.items():
                if offer_id not in seen and current.get("closed_at") is None:
                    writes.append(
                        (offer_id, {**current, "closed_at": now, "changed_at": now, "run_id": run_id})
                    )
                    changed.append(offer_id)
                    closed += 1
        self._write(writes)
        open_before = sum(1 for d in stored.values() if d.get("closed_at") is None)
        reopened = sum(1 for o in incoming if o.id in stored and stored[o.id].get("closed_at") is not None)
        stats = RunStats(
            fetched=len(offers) if fetched is None else fetched,
            new=new,
            updated=updated,
            unchanged=unchanged,
            closed=closed,
        )
        return UpsertOutcome(stats, sorted(changed), open_before + new + reopened - closed)

    def stored(self, source_id: str) -> dict[str, Data]:
        """Every stored offer of a source (open and closed), by offer id: one paged query."""
        query = Query(OFFERS, (Filter("source_id", Op.EQ, source_id),))
        return {snap.id: snap.data for snap in iter_pages(self._store, query)}

    def _write(self, writes: list[tuple[str, Data]]) -> None:
        for start in range(0, len(writes), MAX_BATCH):
            batch = self._store.batch()
            for offer_id, doc in writes[start : start + MAX_BATCH]:
                batch.set(f"{OFFERS}/{offer_id}", doc)
            batch.commit()


def _same(current: Data, offer: JobOffer) -> bool:
    """Nothing to write: same content, same schema, and still open."""
    return (
        current.get("content_hash") == offer.content_hash
        and current.get("schema_version") == SCHEMA_VERSION
        and current.get("closed_at") is None
    )


def _document(
    offer: JobOffer, source_id: str, run_id: str, now: datetime, first_seen: Any, attribution: str | None
) -> Data:
    return {
        **offer.model_dump(mode="python"),
        "offer_id": offer.id,
        "source_id": source_id,
        "first_seen_at": first_seen,
        "changed_at": now,
        "closed_at": None,
        "run_id": run_id,
        "attribution": attribution,
    }
