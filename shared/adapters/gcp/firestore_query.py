"""Translating our Query, values and SDK errors to and from google-cloud-firestore."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from shared.domain.errors import (
    AlreadyExists,
    CareerError,
    Contention,
    IndexRequired,
    InvalidInput,
    NotFound,
    TransientError,
)
from shared.ports import Data, Op, Query, effective_order

_OPS = {
    Op.EQ: "==",
    Op.NE: "!=",
    Op.LT: "<",
    Op.LE: "<=",
    Op.GT: ">",
    Op.GE: ">=",
    Op.IN: "in",
    Op.ARRAY_CONTAINS: "array_contains",
}


def from_firestore(value: Any) -> Any:
    """Plain Python values: the SDK's DatetimeWithNanoseconds becomes a UTC datetime."""
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
        # Rebuild as a plain datetime: equality and pickling then behave like any other.
        return datetime(
            utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, tzinfo=UTC
        )
    if isinstance(value, Mapping):
        return {str(k): from_firestore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_firestore(v) for v in value]
    return value


def to_data(snapshot: Any) -> Data:
    """A DocumentSnapshot's data as plain values."""
    data: Data = from_firestore(snapshot.to_dict() or {})
    return data


def build_query(client: Any, query: Query) -> Any:
    """The SDK query for ``query``: filters, order_by, a document-id tie-break, cursor, limit.

    The sort keys are made explicit (order_by, then the inequality fields Firestore would
    add, then the document id in the last key's direction) so a cursor names every value it
    resumes after, and the server never appends a key after the id.
    """
    from google.cloud.firestore_v1.base_query import FieldFilter
    from google.cloud.firestore_v1.field_path import FieldPath

    collection = client.collection(query.collection)
    built = collection
    for flt in query.filters:
        value = list(flt.value) if flt.op is Op.IN else flt.value
        built = built.where(filter=FieldFilter(flt.field, _OPS[flt.op], value))
    order_by = effective_order(query)
    descending = False
    for order in order_by:
        descending = order.descending
        built = built.order_by(order.field, direction="DESCENDING" if descending else "ASCENDING")
    if order_by or query.start_after is not None:
        built = built.order_by(FieldPath.document_id(), direction="DESCENDING" if descending else "ASCENDING")
    if query.start_after is not None:
        cursor = query.start_after
        if len(cursor.values) != len(order_by):
            raise InvalidInput("cursor values must match the sort keys (order_by, then inequality fields)")
        built = built.start_after([*cursor.values, collection.document(cursor.doc_id)])
    if query.limit is not None:
        built = built.limit(query.limit)
    return built


def translate(err: BaseException) -> CareerError | None:
    """Our error for an SDK error, or None when it is not one we map."""
    from google.api_core import exceptions as gexc

    message = getattr(err, "message", None) or str(err)
    if isinstance(err, gexc.AlreadyExists | gexc.Conflict):
        return AlreadyExists(f"document already exists: {message}")
    if isinstance(err, gexc.NotFound):
        return NotFound(f"document does not exist: {message}")
    if isinstance(err, gexc.Aborted):
        return Contention(f"transaction aborted: {message}")
    if isinstance(err, gexc.FailedPrecondition) and "index" in message.lower():
        return IndexRequired(f"Firestore needs a composite index: {message}")
    if isinstance(err, gexc.InvalidArgument):
        return InvalidInput(f"Firestore refused the request: {message}")
    if isinstance(
        err,
        gexc.ServiceUnavailable
        | gexc.DeadlineExceeded
        | gexc.InternalServerError
        | gexc.TooManyRequests
        | gexc.ResourceExhausted,
    ):
        return TransientError(f"Firestore unavailable: {message}")
    return None
