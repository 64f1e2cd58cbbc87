"""Data-rights benchmark: how many documents one account deletion reads, with 10,000 offers stored.

- ``BENCH delete_account_reads``: store reads of one erasure pass (``DataRights.erase``, what
  the delete_account task runs) of a user seeded through the real flows
  (``tests/unit/data_rights_world.populate``: the api, the queued functions, the services),
  on the local backend holding 10,000 open offers and their feature records besides.
- ``BENCH delete_account_reads_full_scan``: the reads of the lookup the erasure made before
  the manifest declared the user references, for the same user in the same store: the user's
  subtree plus every document of every other root collection (``UserData.scan_elsewhere``,
  now only behind ``career users audit``).
- ``RATIO delete_account_reads_full_scan_vs_declared``.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.config import Settings
from shared.domain.matching.features import offer_features
from shared.domain.offers import JobOffer, content_hash
from shared.repositories.offers import Listing, OfferFeatureCache, Offers
from shared.repositories.user_data import UserData
from shared.services.data_rights import DataRights
from tests.unit.accounts_world import AccountsWorld
from tests.unit.data_rights_world import populate
from tests.unit.matching_world import OFFERS

N = 10_000
SEEN = datetime(2026, 1, 1, tzinfo=UTC)


def _stored_offers(store: SqliteDocumentStore, n: int) -> None:
    """The fixture offers and ``n`` copies, open, with their feature records, stored as a
    crawl stores them."""
    records = [offer_features(o).to_record() for o in OFFERS]
    listing = Listing("bench-source", "bench-run", SEEN, SEEN, None)
    offers: list[tuple[JobOffer, Listing]] = [(o, listing) for o in OFFERS]
    features = list(records)
    for i in range(n - len(OFFERS)):
        base = OFFERS[i % len(OFFERS)]
        copy = base.model_copy(update={"id": f"bench-{i:06d}", "external_id": f"bench-{i}"})
        copy = copy.model_copy(update={"content_hash": content_hash(copy)})
        offers.append((copy, listing))
        features.append(records[i % len(OFFERS)] | {"offer_id": copy.id, "content_hash": copy.content_hash})
    Offers(store).save(offers)
    OfferFeatureCache(store).save(features)


def run() -> None:
    """Print the data-rights BENCH and RATIO lines."""
    logging.disable(logging.INFO)  # the seeded flows' per-invocation lines
    with tempfile.TemporaryDirectory() as folder:
        world = AccountsWorld(Settings(backend="local", environment="test", data_dir=Path(folder) / "data"))
        try:
            store = world.container.store
            assert isinstance(store, SqliteDocumentStore)
            _stored_offers(store, N)
            _, _, uid = populate(world)
            populate(world)  # another user, whose data the erasure must not read either
            data = world.container.make(UserData)

            before = store.reads
            data.subtree(uid)
            scanned = list(data.scan_elsewhere(uid))
            full_scan = store.reads - before

            before = store.reads
            report = world.container.make(DataRights).erase(uid, follow_up=False)
            declared = store.reads - before
        finally:
            world.close()
            logging.disable(logging.NOTSET)
    assert report.elsewhere == len(scanned), (report.elsewhere, len(scanned))
    print(
        f"BENCH delete_account_reads {declared} documents ({N} offers stored, {report.documents} of the user)"
    )
    print(f"BENCH delete_account_reads_full_scan {full_scan} documents (the lookup before the declarations)")
    print(f"RATIO delete_account_reads_full_scan_vs_declared {full_scan / declared:.0f}")
