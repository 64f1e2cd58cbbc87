"""Offer upsert keyed by offer id and content hash: an unchanged board writes nothing.

One query reads the source's stored offers (shared/repositories/offers.py stores them); only
new, changed, reopened and vanished offers are written, in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.offers import SCHEMA_VERSION, JobOffer, merge_duplicates
from shared.domain.runs import RunStats
from shared.repositories.offers import Listed, Listing, Offers


@dataclass(frozen=True)
class UpsertOutcome:
    """What an upsert changed."""

    stats: RunStats
    changed_ids: list[str] = field(default_factory=list)  # new + updated + closed, sorted
    open_count: int = 0


class OfferUpsert:
    """Writes one source's offers against what the store already holds."""

    def __init__(self, offers: Offers) -> None:
        self._offers = offers

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
        stored = self._offers.listed(source_id)
        writes: list[tuple[JobOffer, Listing]] = []
        new = updated = unchanged = 0
        changed: list[str] = []
        for offer in incoming:
            current = stored.get(offer.id)
            if current is not None and _same(current, offer):
                if current.run_id != run_id:
                    unchanged += 1
                    continue
                # Written by an earlier attempt of this very run, which died before announcing
                # it: announce it again, counted as that attempt counted it.
                changed.append(offer.id)
                if current.first_seen_at == current.changed_at:
                    new += 1
                else:
                    updated += 1
                continue
            first_seen = (current.first_seen_at if current is not None else None) or now
            writes.append((offer, Listing(source_id, run_id, first_seen, now, attribution)))
            changed.append(offer.id)
            if current is None:
                new += 1
            else:
                updated += 1
        close: list[str] = []
        if complete:
            seen = {o.id for o in incoming}
            # Offers this run closed in an attempt that died before announcing them close again.
            close = [
                i
                for i, current in stored.items()
                if i not in seen and (current.open or current.run_id == run_id)
            ]
            changed.extend(close)
        self._offers.save(writes, close=close, run_id=run_id, now=now)
        open_after = {i for i, d in stored.items() if d.open} | {o.id for o in incoming}
        stats = RunStats(
            fetched=len(offers) if fetched is None else fetched,
            new=new,
            updated=updated,
            unchanged=unchanged,
            closed=len(close),
        )
        return UpsertOutcome(stats, sorted(changed), len(open_after - set(close)))


def _same(current: Listed, offer: JobOffer) -> bool:
    """Nothing to write: same content, same schema, and still open."""
    return (
        current.content_hash == offer.content_hash
        and current.schema_version == SCHEMA_VERSION
        and current.open
    )
