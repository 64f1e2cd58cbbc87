"""Page cursors: opaque tokens, one query per page, resumable after the last row."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.errors import InvalidInput
from shared.ports import Cursor, Filter, Op, Order, Query
from shared.repositories.pagination import decode_cursor, encode_cursor, page


class TestCursorTokens:
    def test_values_and_datetimes_survive_the_round_trip(self) -> None:
        cursor = Cursor((3.5, datetime(2026, 1, 2, tzinfo=UTC), "x"), "doc-1")

        assert decode_cursor(encode_cursor(cursor), arity=3) == cursor

    @pytest.mark.parametrize("token", ["not-base64!", "e30", encode_cursor(Cursor((1,), "a"))])
    def test_malformed_or_foreign_tokens_are_invalid_input(self, token: str) -> None:
        with pytest.raises(InvalidInput):
            decode_cursor(token, arity=2)


class TestPage:
    @pytest.mark.parametrize(
        "order_by", [(), (Order("n", descending=True),)], ids=["implicit-order", "explicit-order"]
    )
    def test_pages_over_a_range_filter_visit_every_match_once(self, order_by: tuple[Order, ...]) -> None:
        store = SqliteDocumentStore(":memory:")
        for n in range(25):
            store.set(f"items/{n:02d}", {"n": n})
        query = Query("items", filters=(Filter("n", Op.GE, 5),), order_by=order_by)

        seen: list[int] = []
        token: str | None = None
        for _ in range(10):
            result = page(store, query, limit=6, cursor=token)
            seen += [s.data["n"] for s in result.items]
            token = result.next_cursor
            if token is None:
                break

        assert sorted(seen) == list(range(5, 25))
        assert len(seen) == len(set(seen))
        store.close()
