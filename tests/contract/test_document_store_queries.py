"""DocumentStore contract: filters, ordering, limits and cursor pagination (Firestore semantics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.ports import DocumentStore, Filter, Op, Order, Query, iter_pages

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)

# One row per shape Firestore's filter semantics distinguish: numbers of both kinds, null, a
# numeric-looking string, a missing field, a non-array "tags", nested maps, timestamps.
ROWS: dict[str, dict[str, Any]] = {
    "a": {"n": 1, "kind": "x", "flag": True, "tags": ["red", "blue"], "salary": {"min": 10}, "at": T0},
    "b": {"n": 2.5, "kind": "y", "flag": False, "tags": ["blue"], "salary": {"min": 30}, "at": T0 + DAY},
    "c": {"n": 3, "kind": "x", "tags": [], "salary": {"max": 5}, "at": T0 + 2 * DAY},
    "d": {"n": None, "kind": "z", "tags": "red"},
    "e": {"n": "3", "kind": "x", "flag": False},
    "f": {"kind": "y"},
    "g": {"n": 3.0, "kind": "y", "salary": {"min": 20}},
}


@pytest.fixture
def rows(document_store: DocumentStore, collection: str) -> str:
    """ROWS written into ``collection``; returns the collection path."""
    batch = document_store.batch()
    for doc_id, data in ROWS.items():
        batch.set(f"{collection}/{doc_id}", data)
    batch.commit()
    return collection


def _ids(store: DocumentStore, query: Query) -> list[str]:
    return [s.id for s in store.query(query)]


class TestFilters:
    @pytest.mark.parametrize(
        ("flt", "expected"),
        [
            (Filter("n", Op.EQ, 3), {"c", "g"}),  # int and float are one number type
            (Filter("n", Op.EQ, "3"), {"e"}),
            (Filter("n", Op.EQ, None), {"d"}),
            (Filter("flag", Op.EQ, False), {"b", "e"}),
            (Filter("n", Op.NE, 3), {"a", "b", "e"}),  # != skips missing and null
            (Filter("kind", Op.NE, "x"), {"b", "d", "f", "g"}),
            (Filter("n", Op.LT, 3), {"a", "b"}),  # ranges only match the value's type
            (Filter("n", Op.LE, 3), {"a", "b", "c", "g"}),
            (Filter("n", Op.GT, 1), {"b", "c", "g"}),
            (Filter("n", Op.GE, 2.5), {"b", "c", "g"}),
            (Filter("kind", Op.GT, "x"), {"b", "d", "f", "g"}),
            (Filter("n", Op.IN, [1, "3", 99]), {"a", "e"}),
            (Filter("tags", Op.ARRAY_CONTAINS, "red"), {"a"}),  # d's tags is a string
            (Filter("salary.min", Op.GE, 20), {"b", "g"}),
            (Filter("at", Op.GT, T0), {"b", "c"}),
            (Filter("at", Op.EQ, T0 + DAY), {"b"}),
        ],
        ids=lambda v: f"{v.field}{v.op}{v.value!r}" if isinstance(v, Filter) else "",
    )
    def test_operator_matches_firestore_semantics(
        self, document_store: DocumentStore, rows: str, flt: Filter, expected: set[str]
    ) -> None:
        found = _ids(document_store, Query(rows, (flt,)))

        assert set(found) == expected

    def test_combines_filters_with_and(self, document_store: DocumentStore, rows: str) -> None:
        query = Query(rows, (Filter("kind", Op.EQ, "y"), Filter("n", Op.GT, 2)))

        assert set(_ids(document_store, query)) == {"b", "g"}

    def test_equality_on_several_fields_needs_no_declared_index(
        self, document_store: DocumentStore, rows: str
    ) -> None:
        query = Query(
            rows, (Filter("kind", Op.EQ, "x"), Filter("flag", Op.EQ, False), Filter("n", Op.EQ, "3"))
        )

        assert _ids(document_store, query) == ["e"]


@pytest.fixture
def ranked(document_store: DocumentStore, collection: str) -> str:
    """Eight documents: n = 0..3 twice (ids p0..p7), rank 1 for all but p7, p8 lacks n."""
    batch = document_store.batch()
    for i in range(8):
        batch.set(f"{collection}/p{i}", {"n": i % 4, "rank": 1 if i < 7 else 2})
    batch.set(f"{collection}/p8", {"rank": 1})
    batch.commit()
    return collection


class TestOrdering:
    def test_orders_ascending_with_ties_by_id(self, document_store: DocumentStore, ranked: str) -> None:
        found = _ids(document_store, Query(ranked, order_by=(Order("n"),)))

        assert found == ["p0", "p4", "p1", "p5", "p2", "p6", "p3", "p7"]

    def test_orders_descending_with_ties_by_id_descending(
        self, document_store: DocumentStore, ranked: str
    ) -> None:
        found = _ids(document_store, Query(ranked, order_by=(Order("n", descending=True),)))

        assert found == ["p7", "p3", "p6", "p2", "p5", "p1", "p4", "p0"]

    def test_orders_by_several_keys(self, document_store: DocumentStore, ranked: str) -> None:
        query = Query(ranked, (Filter("rank", Op.EQ, 1),), (Order("n", descending=True),))

        assert _ids(document_store, query) == ["p3", "p6", "p2", "p5", "p1", "p4", "p0"]

    def test_order_by_skips_documents_lacking_the_field(
        self, document_store: DocumentStore, ranked: str
    ) -> None:
        found = _ids(document_store, Query(ranked, order_by=(Order("n"),)))

        assert "p8" not in found
        assert len(found) == 8

    def test_without_order_returns_every_document_by_id(
        self, document_store: DocumentStore, ranked: str
    ) -> None:
        assert _ids(document_store, Query(ranked)) == [f"p{i}" for i in range(9)]

    def test_orders_values_of_different_types_like_firestore(
        self, document_store: DocumentStore, collection: str
    ) -> None:
        ladder = [None, False, True, -1, 2.5, T0, "a", "b", [1], {"k": 1}]
        for i, value in enumerate(reversed(ladder)):  # written in the wrong order on purpose
            document_store.set(f"{collection}/v{i}", {"v": value})

        found = document_store.query(Query(collection, order_by=(Order("v"),)))

        assert [s.data["v"] for s in found] == ladder

    def test_inequality_without_order_orders_by_that_field_then_id(
        self, document_store: DocumentStore, ranked: str
    ) -> None:
        found = _ids(document_store, Query(ranked, (Filter("n", Op.GE, 1),)))

        assert found == ["p1", "p5", "p2", "p6", "p3", "p7"]

    def test_limit_caps_the_result(self, document_store: DocumentStore, ranked: str) -> None:
        found = _ids(document_store, Query(ranked, order_by=(Order("n"),), limit=3))

        assert found == ["p0", "p4", "p1"]


class TestPagination:
    def test_cursor_pages_through_three_pages_without_gaps_or_repeats(
        self, document_store: DocumentStore, ranked: str
    ) -> None:
        order = (Order("n", descending=True),)
        pages: list[list[str]] = []
        cursor = None
        for _ in range(3):
            page = document_store.query(Query(ranked, (Filter("rank", Op.EQ, 1),), order, 3, cursor))
            pages.append([s.id for s in page])
            cursor = page[-1].cursor(order)

        assert pages == [["p3", "p6", "p2"], ["p5", "p1", "p4"], ["p0"]]

    def test_cursor_on_a_nested_timestamp_field(self, document_store: DocumentStore, collection: str) -> None:
        for i in range(5):
            document_store.set(f"{collection}/t{i}", {"meta": {"at": T0 + (i % 3) * DAY}})
        order = (Order("meta.at"),)

        first = document_store.query(Query(collection, order_by=order, limit=2))
        rest = document_store.query(Query(collection, order_by=order, start_after=first[-1].cursor(order)))

        assert [s.id for s in first + rest] == ["t0", "t3", "t1", "t4", "t2"]

    def test_iter_pages_visits_every_match_once(self, document_store: DocumentStore, ranked: str) -> None:
        query = Query(ranked, (Filter("kind", Op.EQ, "absent"),))
        everything = Query(ranked, order_by=(Order("n"),))

        assert list(iter_pages(document_store, query, page_size=2)) == []
        assert [s.id for s in iter_pages(document_store, everything, page_size=3)] == _ids(
            document_store, everything
        )

    def test_iter_pages_over_an_inequality_filter_visits_every_match_once(
        self, document_store: DocumentStore, ranked: str
    ) -> None:
        query = Query(ranked, (Filter("n", Op.GE, 1),))

        found = [s.id for s in iter_pages(document_store, query, page_size=2)]

        assert found == ["p1", "p5", "p2", "p6", "p3", "p7"]
