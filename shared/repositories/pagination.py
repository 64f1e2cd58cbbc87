"""Opaque page cursors for list endpoints: one query per page, resumable after its last row."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from shared.domain.errors import InvalidInput
from shared.ports import Cursor, DocumentStore, Query, Snapshot, effective_order

MAX_PAGE = 100
# What encode_cursor produces (unpadded base64url), for the query models' schemas.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


def encode_cursor(cursor: Cursor) -> str:
    """An opaque, URL-safe token for a store cursor (datetimes survive the round trip)."""
    values = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in cursor.values]
    raw = json.dumps({"v": values, "id": cursor.doc_id}, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str | None, *, arity: int) -> Cursor | None:
    """The store cursor behind ``token``; InvalidInput when malformed or for another listing."""
    if not token:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values = tuple(_value(v) for v in raw["v"])
        doc_id = raw["id"]
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise InvalidInput("invalid cursor") from None
    if len(values) != arity or not isinstance(doc_id, str):
        raise InvalidInput("invalid cursor")
    return Cursor(values, doc_id)


def _value(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"t"}:
        return datetime.fromisoformat(v["t"])
    return v


T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and the token of the next page (None on the last)."""

    items: Sequence[T]
    next_cursor: str | None

    def map(self, read: Callable[[T], U]) -> Page[U]:
        """The same page with each item read by ``read`` (a snapshot into its model)."""
        return Page([read(item) for item in self.items], self.next_cursor)


def page(
    store: DocumentStore, query: Query, *, limit: int, cursor: str | None, max_page: int = MAX_PAGE
) -> Page[Snapshot]:
    """Run ``query`` for one page: a single store query of ``limit + 1`` rows (at most ``max_page``)."""
    limit = max(1, min(limit, max_page))
    # The sort keys the store really applies (a range filter's field sorts implicitly).
    order = effective_order(query)
    start = decode_cursor(cursor, arity=len(order))
    rows = store.query(Query(query.collection, query.filters, order, limit + 1, start))
    items = rows[:limit]
    more = len(rows) > limit
    return Page(items, encode_cursor(items[-1].cursor(order)) if more and items else None)
