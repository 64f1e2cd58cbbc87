"""Crawler benchmarks on the local backend (SQLite store in a temporary folder).

- ``ingest_offers_per_s``: bulk upsert of new offers into the store (parsed kit payloads,
  cloned under fresh ids to reach a board of a few thousand postings).
- ``recrawl_unchanged_writes``: offer documents written by a second crawl of an unchanged
  board, through the real path (HttpxFetcher on an in-process transport, parse, upsert).
  Target 0. The run's own record (open, start, complete) is reported separately as
  ``recrawl_run_record_writes``: an operator must be able to read every run.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from shared.adapters.http_fetcher import HttpxFetcher
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.offers import JobOffer
from shared.ports import Data, Transaction, WriteBatch
from shared.repositories.offers import Offers
from shared.services.offer_upsert import OfferUpsert
from shared.services.runs import RunService
from shared.services.sources import SourceService, SourceSpec
from shared.sources.registry import adapter
from shared.topology import TOPOLOGY

KIT = Path(__file__).resolve().parents[2] / "shared" / "data" / "job-sources"
BOARD_SIZE = 3000


def _seed_payload() -> tuple[str, bytes]:
    path = KIT / "remoteok" / "api_97jobs_2026-03.json"
    if path.is_file():
        return "remoteok", path.read_bytes()
    jobs = [{"legal": "notice"}] + [
        {
            "id": str(i),
            "position": f"Engineer {i}",
            "company": "Acme",
            "url": f"https://x.example/{i}",
            "description": "<p>Build things</p>" * 50,
            "tags": ["python"],
            "date": "2026-03-01T00:00:00+00:00",
        }
        for i in range(100)
    ]
    import json

    return "remoteok", json.dumps(jobs).encode()


def _board(offers: list[JobOffer], size: int) -> list[JobOffer]:
    out: list[JobOffer] = []
    while len(out) < size:
        for offer in offers:
            clone = offer.model_dump(exclude={"content_hash", "fingerprint"})
            clone["external_id"] = f"{offer.external_id}-{len(out)}"
            out.append(JobOffer.create(**clone))
            if len(out) == size:
                break
    return out


class _Counting:
    """Counts committed writes per top-level collection around the store's own counter."""

    def __init__(self, store: SqliteDocumentStore) -> None:
        self.inner = store
        self.by_collection: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def writes(self) -> int:
        return self.inner.writes

    def _count(self, path: str) -> None:
        top = path.split("/", 1)[0]
        self.by_collection[top] = self.by_collection.get(top, 0) + 1

    def batch(self) -> WriteBatch:
        return _CountingWrites(self.inner.batch(), self._count)  # type: ignore[return-value]

    def run_transaction(self, fn: Callable[[Transaction], Any], *, max_attempts: int = 5) -> Any:
        pending: list[str] = []

        def wrapped(txn: Transaction) -> Any:
            pending.clear()
            return fn(_CountingWrites(txn, pending.append))  # type: ignore[arg-type]

        result = self.inner.run_transaction(wrapped, max_attempts=max_attempts)
        for path in pending:
            self._count(path)
        return result

    def create(self, path: str, data: Data) -> None:
        self.inner.create(path, data)
        self._count(path)

    def set(self, path: str, data: Data, *, merge: bool = False) -> None:
        self.inner.set(path, data, merge=merge)
        self._count(path)

    def update(self, path: str, data: Data) -> None:
        self.inner.update(path, data)
        self._count(path)


class _CountingWrites:
    def __init__(self, inner: Any, count: Callable[[str], None]) -> None:
        self._inner = inner
        self._count = count

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create(self, path: str, data: Data) -> None:
        self._inner.create(path, data)
        self._count(path)

    def set(self, path: str, data: Data, *, merge: bool = False) -> None:
        self._inner.set(path, data, merge=merge)
        self._count(path)

    def update(self, path: str, data: Data) -> None:
        self._inner.update(path, data)
        self._count(path)

    def delete(self, path: str) -> None:
        self._inner.delete(path)
        self._count(path)


class _Quiet:
    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        return "bench"


def run() -> None:
    """Print the crawler BENCH lines."""
    kind, payload = _seed_payload()
    seed = adapter(kind).parse(payload, board="bench")
    board = _board(seed, BOARD_SIZE)
    clock = ManualClock()
    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        store = SqliteDocumentStore(Path(tmp) / "ingest.sqlite3", indexes=TOPOLOGY.indexes)
        started = time.perf_counter()
        OfferUpsert(Offers(store)).apply(
            board, source_id="bench", run_id="run-bench", complete=True, now=clock.now()
        )
        elapsed = time.perf_counter() - started
        store.close()
        print(f"BENCH ingest_offers_per_s {len(board) / elapsed:.0f} offers/s", flush=True)

        inner = SqliteDocumentStore(Path(tmp) / "recrawl.sqlite3", indexes=TOPOLOGY.indexes)
        store_counting = _Counting(inner)
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=payload))
        fetcher = HttpxFetcher(transport=transport)
        ports = {"store": store_counting, "clock": clock, "publisher": _Quiet(), "fetcher": fetcher}
        wiring = Container(Settings(), **ports)
        service = wiring.make(RunService)
        wiring.make(SourceService).save(
            SourceSpec(id="bench", kind=kind, board="bench", base_url="https://board.invalid")
        )
        first = service.crawl("bench", "first")
        store_counting.by_collection.clear()
        before = inner.writes
        clock.advance(hours=6)
        second = service.crawl("bench", "second")
        total = inner.writes - before
        offers = store_counting.by_collection.get("job_offers", 0)
        if first.stats.new != len(seed) or second.stats.unchanged != len(seed):
            raise RuntimeError(f"unexpected crawl stats: {first.stats} then {second.stats}")
        if sum(store_counting.by_collection.values()) != total:
            raise RuntimeError("per-collection counts disagree with the store's writes counter")
        fetcher.close()
        inner.close()
        print(f"BENCH recrawl_unchanged_writes {offers} writes", flush=True)
        print(f"BENCH recrawl_run_record_writes {total - offers} writes", flush=True)
