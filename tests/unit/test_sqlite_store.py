"""SQLite-specific behaviour of the local document store (the port contract is in tests/contract)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.errors import Contention, InvalidInput
from shared.ports import Filter, Op, Order, Query, Transaction


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    """An in-memory store."""
    store = SqliteDocumentStore()
    yield store
    store.close()


class TestFileStore:
    def test_documents_survive_closing_and_reopening(self, tmp_path: Path) -> None:
        path = tmp_path / "store.sqlite3"
        first = SqliteDocumentStore(path)
        first.set("users/u1/docs/d1", {"title": "CV", "pages": 2})
        first.close()

        second = SqliteDocumentStore(path)
        snapshot = second.get("users/u1/docs/d1")
        second.close()

        assert snapshot is not None
        assert snapshot.data == {"title": "CV", "pages": 2}

    def test_runs_in_wal_mode(self, tmp_path: Path) -> None:
        path = tmp_path / "store.sqlite3"
        SqliteDocumentStore(path).close()

        with sqlite3.connect(path) as conn:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()

        assert mode == "wal"

    def test_a_transaction_sees_writes_made_through_another_connection(self, tmp_path: Path) -> None:
        path = tmp_path / "store.sqlite3"
        mine, other = SqliteDocumentStore(path), SqliteDocumentStore(path)
        mine.set("c/x", {"n": 0})
        attempts: list[int] = []

        def fn(txn: Transaction) -> None:
            snapshot = txn.get("c/x")
            attempts.append(1)
            if len(attempts) == 1:
                other.set("c/x", {"n": 100})  # a second process writes between read and commit
            txn.set("c/x", {"n": (snapshot.data["n"] if snapshot else 0) + 1})

        mine.run_transaction(fn)
        final = other.get("c/x")
        mine.close()
        other.close()

        assert len(attempts) == 2
        assert final is not None
        assert final.data == {"n": 101}


class TestOptimisticConcurrency:
    def test_detects_a_document_deleted_and_recreated_between_read_and_commit(
        self, store: SqliteDocumentStore
    ) -> None:
        store.set("c/x", {"n": 1})
        attempts: list[int] = []

        def fn(txn: Transaction) -> None:
            txn.get("c/x")
            attempts.append(1)
            if len(attempts) == 1:
                store.delete("c/x")
                store.set("c/x", {"n": 1})  # same content, new version
            txn.update("c/x", {"seen": True})

        store.run_transaction(fn)

        assert len(attempts) == 2

    def test_concurrent_increments_never_lose_an_update(self, store: SqliteDocumentStore) -> None:
        store.set("c/counter", {"n": 0})

        def increment(txn: Transaction) -> None:
            snapshot = txn.get("c/counter")
            assert snapshot is not None
            txn.update("c/counter", {"n": snapshot.data["n"] + 1})

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: store.run_transaction(increment, max_attempts=1000), range(60)))

        final = store.get("c/counter")
        assert final is not None
        assert final.data == {"n": 60}


class TestThreadSafety:
    def test_parallel_writers_and_readers_share_one_store(self, store: SqliteDocumentStore) -> None:
        def work(worker: int) -> int:
            for i in range(50):
                store.create(f"c/w{worker}-{i}", {"worker": worker, "i": i})
                store.query(Query("c", (Filter("worker", Op.EQ, worker),), limit=5))
            batch = store.batch()
            for i in range(50):
                batch.update(f"c/w{worker}-{i}", {"done": True})
            batch.commit()
            return len(store.query(Query("c", (Filter("worker", Op.EQ, worker),))))

        with ThreadPoolExecutor(6) as pool:
            counts = list(pool.map(work, range(6)))

        assert counts == [50] * 6
        assert len(store.query(Query("c", (Filter("done", Op.EQ, True),)))) == 300
        assert store.writes == 600


class TestReadCounter:
    def test_counts_documents_returned(self, store: SqliteDocumentStore) -> None:
        for i in range(4):
            store.set(f"c/{i}", {"i": i})

        store.get("c/0")
        store.get("c/missing")
        store.get_many(["c/1", "c/2", "c/nope"])
        store.query(Query("c", order_by=(Order("i"),), limit=3))

        assert store.reads == 6


class TestValueRules:
    @pytest.mark.parametrize(
        "data",
        [
            {"__reserved__": 1},
            {"m": {"__ts__": 5}},
            {"x": float("nan")},
            {"x": 2**63},
            {"x": [[1]]},
            {"x": {1: "non-string key"}},
            {"": 1},
            {"x": b"bytes"},
        ],
    )
    def test_refuses_values_firestore_would_refuse(
        self, store: SqliteDocumentStore, data: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidInput):
            store.set("c/x", data)

        assert store.get("c/x") is None

    def test_refuses_querying_a_field_name_with_a_quote(self, store: SqliteDocumentStore) -> None:
        with pytest.raises(InvalidInput):
            store.query(Query("c", (Filter('we"ird', Op.EQ, 1),)))

    def test_refuses_a_cursor_that_does_not_match_the_order(self, store: SqliteDocumentStore) -> None:
        query = Query("c", order_by=(Order("i"),), start_after=None)
        store.set("c/a", {"i": 1})
        cursor = store.query(query)[0].cursor(())

        with pytest.raises(InvalidInput):
            store.query(Query("c", order_by=query.order_by, start_after=cursor))

    def test_a_committed_batch_cannot_be_reused(self, store: SqliteDocumentStore) -> None:
        batch = store.batch()
        batch.set("c/a", {"x": 1})
        batch.commit()

        with pytest.raises(InvalidInput):
            batch.set("c/b", {"x": 2})

    def test_close_is_idempotent(self) -> None:
        store = SqliteDocumentStore()
        store.close()
        store.close()

        with pytest.raises(sqlite3.ProgrammingError):
            store.get("c/a")


class TestOptimisticRace:
    def test_exactly_the_loser_fails_when_no_retry_is_allowed(self) -> None:
        """Two transactions read the same document; the first commit wins, the other gets Contention."""
        store = SqliteDocumentStore(":memory:")
        store.set("races/r/items/c", {"n": 0})
        barrier = threading.Barrier(2, timeout=30)

        def fn(txn: Transaction) -> int:
            snapshot = txn.get("races/r/items/c")
            barrier.wait()
            value = (snapshot.data["n"] if snapshot else 0) + 1
            txn.set("races/r/items/c", {"n": value})
            return int(value)

        def run(_: int) -> int | Contention:
            try:
                return store.run_transaction(fn, max_attempts=1)
            except Contention as exc:
                return exc

        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(run, range(2)))

        assert sorted(type(o).__name__ for o in outcomes) == ["Contention", "int"]
        snapshot = store.get("races/r/items/c")
        assert snapshot is not None
        assert snapshot.data == {"n": 1}
        store.close()
