"""The local store refuses queries needing a composite index the manifest does not declare."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.errors import IndexRequired
from shared.ports import Filter, Op, Order, Query
from shared.topology import TOPOLOGY, CompositeIndex, IndexField

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
NEWEST = (Order("created_at", descending=True),)


@pytest.fixture
def make_store() -> Iterator[Callable[..., SqliteDocumentStore]]:
    """Builds in-memory stores (``indexes=`` passed through) and closes them afterwards."""
    made: list[SqliteDocumentStore] = []

    def make(indexes: Sequence[CompositeIndex] = ()) -> SqliteDocumentStore:
        made.append(SqliteDocumentStore(indexes=indexes))
        return made[-1]

    yield make
    for store in made:
        store.close()


@pytest.fixture
def product_store(make_store: Callable[..., SqliteDocumentStore]) -> SqliteDocumentStore:
    """A store with the topology manifest's real indexes and two runs."""
    store = make_store(TOPOLOGY.indexes)
    store.set("runs/r1", {"source_id": "s1", "status": "RUNNING", "created_at": NOW, "lease_expires_at": NOW})
    store.set("runs/r2", {"source_id": "s1", "status": "DONE", "created_at": NOW, "lease_expires_at": NOW})
    store.set("runs/r3", {"source_id": "s2", "status": "DONE", "created_at": NOW, "lease_expires_at": NOW})
    return store


class TestManifestIndexes:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            (Query("runs", (Filter("source_id", Op.EQ, "s1"),), NEWEST), ["r2", "r1"]),
            (Query("runs", (Filter("status", Op.EQ, "DONE"),), NEWEST), ["r3", "r2"]),
            (
                Query("runs", (Filter("source_id", Op.EQ, "s1"), Filter("status", Op.EQ, "DONE")), NEWEST),
                ["r2"],
            ),
            (
                Query("runs", (Filter("status", Op.EQ, "DONE"), Filter("source_id", Op.EQ, "s2")), NEWEST),
                ["r3"],
            ),
            (
                Query("runs", (Filter("status", Op.EQ, "RUNNING"), Filter("lease_expires_at", Op.LT, LATER))),
                ["r1"],
            ),
            (Query("runs", (Filter("status", Op.IN, ["RUNNING"]),), (Order("lease_expires_at"),)), ["r1"]),
        ],
    )
    def test_serves_the_products_queries(
        self, product_store: SqliteDocumentStore, query: Query, expected: list[str]
    ) -> None:
        found = product_store.query(query)

        assert [s.id for s in found] == expected

    def test_the_same_query_fails_without_the_manifest(
        self, make_store: Callable[..., SqliteDocumentStore]
    ) -> None:
        store = make_store()

        with pytest.raises(IndexRequired):
            store.query(Query("runs", (Filter("source_id", Op.EQ, "s1"),), NEWEST))

    def test_matches_by_collection_group_under_any_parent(self, product_store: SqliteDocumentStore) -> None:
        product_store.set("sources/s1/runs/x", {"status": "DONE", "created_at": NOW})

        found = product_store.query(Query("sources/s1/runs", (Filter("status", Op.EQ, "DONE"),), NEWEST))

        assert [s.path for s in found] == ["sources/s1/runs/x"]

    def test_the_index_of_another_collection_group_does_not_serve(
        self, product_store: SqliteDocumentStore
    ) -> None:
        with pytest.raises(IndexRequired):
            product_store.query(Query("jobs", (Filter("status", Op.EQ, "DONE"),), NEWEST))


class TestQueriesNeedingNoIndex:
    @pytest.mark.parametrize(
        "query",
        [
            Query("c", (Filter("a", Op.EQ, 1), Filter("b", Op.EQ, 2), Filter("c", Op.IN, [3]))),
            Query("c", (Filter("tags", Op.ARRAY_CONTAINS, "x"), Filter("a", Op.EQ, 1))),
            Query("c", (Filter("a", Op.GT, 0),), (Order("a", descending=True),)),
            Query("c", (Filter("a", Op.NE, 0),)),
            Query("c", order_by=(Order("a"),)),
            Query("c", (Filter("a", Op.GE, 1), Filter("a", Op.LT, 9))),
        ],
    )
    def test_single_field_indexes_serve(
        self, make_store: Callable[..., SqliteDocumentStore], query: Query
    ) -> None:
        store = make_store()
        store.set("c/match", {"a": 1, "b": 2, "c": 3, "tags": ["x"]})

        found = store.query(query)

        assert [s.id for s in found] == ["match"]


class TestQueriesNeedingAnIndex:
    @pytest.mark.parametrize(
        ("query", "index"),
        [
            (
                Query("c", (Filter("a", Op.EQ, 1),), (Order("b", descending=True),)),
                'CompositeIndex("c", (IndexField("a"), IndexField("b", "DESCENDING")))',
            ),
            (
                Query("c", (Filter("a", Op.EQ, 1), Filter("b", Op.LT, 2))),
                'CompositeIndex("c", (IndexField("a"), IndexField("b")))',
            ),
            (
                Query("c", (Filter("a", Op.GT, 1),), (Order("b"),)),
                'CompositeIndex("c", (IndexField("b"), IndexField("a")))',
            ),
            (
                Query("c", order_by=(Order("a"), Order("b", descending=True))),
                'CompositeIndex("c", (IndexField("a"), IndexField("b", "DESCENDING")))',
            ),
            (
                Query("c", (Filter("tags", Op.ARRAY_CONTAINS, "x"),), (Order("at"),)),
                'CompositeIndex("c", (IndexField("tags", "CONTAINS"), IndexField("at")))',
            ),
            (
                Query("u/1/c", (Filter("a", Op.EQ, 1), Filter("b", Op.EQ, 2)), (Order("at"),)),
                'CompositeIndex("c", (IndexField("a"), IndexField("b"), IndexField("at")))',
            ),
        ],
    )
    def test_names_the_index_to_add(
        self, make_store: Callable[..., SqliteDocumentStore], query: Query, index: str
    ) -> None:
        with pytest.raises(IndexRequired) as raised:
            make_store().query(query)

        assert index in str(raised.value)
        assert raised.value.detail["index"] == index


class TestIndexMatching:
    QUERY = Query("c", (Filter("a", Op.EQ, 1),), (Order("b"), Order("d", descending=True)))

    @pytest.mark.parametrize(
        "fields",
        [
            (IndexField("a"), IndexField("b"), IndexField("d", "DESCENDING")),
            (IndexField("a"), IndexField("b", "DESCENDING"), IndexField("d")),  # exact reverse
            (IndexField("a", "DESCENDING"), IndexField("b"), IndexField("d", "DESCENDING")),
        ],
    )
    def test_accepts_matching_and_fully_reversed_indexes(
        self, make_store: Callable[..., SqliteDocumentStore], fields: tuple[IndexField, ...]
    ) -> None:
        store = make_store([CompositeIndex("c", fields)])
        store.set("c/x", {"a": 1, "b": 0, "d": 0})

        assert [s.id for s in store.query(self.QUERY)] == ["x"]

    @pytest.mark.parametrize(
        "fields",
        [
            (IndexField("a"), IndexField("b"), IndexField("d")),  # one direction wrong
            (IndexField("a"), IndexField("d", "DESCENDING"), IndexField("b")),  # order swapped
            (IndexField("b"), IndexField("d", "DESCENDING")),  # equality field missing
            (IndexField("a"), IndexField("x"), IndexField("b"), IndexField("d", "DESCENDING")),
            (IndexField("a", "CONTAINS"), IndexField("b"), IndexField("d", "DESCENDING")),
        ],
    )
    def test_refuses_indexes_that_do_not_fit(
        self, make_store: Callable[..., SqliteDocumentStore], fields: tuple[IndexField, ...]
    ) -> None:
        store = make_store([CompositeIndex("c", fields)])

        with pytest.raises(IndexRequired):
            store.query(self.QUERY)
