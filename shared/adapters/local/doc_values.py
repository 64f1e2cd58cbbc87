"""Document paths, value encoding and Firestore-like value semantics for the SQLite store.

Documents are stored as JSON. A tz-aware datetime is stored as ``{"__ts__": <epoch µs>}``;
Firestore reserves field names matching ``__.*__``, so such a map can never be user data and
maps using those names are refused, exactly as Firestore refuses them.

Values order as Firestore orders them across types: null < booleans < numbers < timestamps
< strings < arrays < maps (bytes, references and geopoints do not exist here). Within a type:
false < true, numbers numerically (int and float mix), timestamps chronologically, strings by
UTF-8 bytes (= code points), arrays and maps element-wise.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeGuard

from shared.domain.errors import InvalidInput
from shared.ports import Data, Filter, Op

TS_KEY = "__ts__"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_RESERVED = re.compile(r"^__.*__$")
_INT64 = (-(2**63), 2**63 - 1)


# --------------------------------------------------------------------------- paths
def _segments(path: str, kind: str) -> list[str]:
    parts = path.split("/") if isinstance(path, str) else []
    if not parts or any(p in ("", ".", "..") or _RESERVED.match(p) for p in parts):
        raise InvalidInput(f"invalid {kind} path {path!r}", detail={"path": str(path)})
    return parts


def split_document_path(path: str) -> tuple[str, str]:
    """``users/u1/docs/d1`` -> (``users/u1/docs``, ``d1``); InvalidInput unless even segments."""
    parts = _segments(path, "document")
    if len(parts) % 2:
        raise InvalidInput(f"{path!r} is not a document path (odd segments)", detail={"path": path})
    return "/".join(parts[:-1]), parts[-1]


def check_collection_path(path: str) -> str:
    """The path itself; InvalidInput unless it has an odd number of valid segments."""
    if len(_segments(path, "collection")) % 2 == 0:
        raise InvalidInput(f"{path!r} is not a collection path (even segments)", detail={"path": path})
    return path


def field_segments(field: str) -> list[str]:
    """Segments of a dotted field path (``salary.min``); InvalidInput when malformed."""
    parts = field.split(".") if isinstance(field, str) else []
    if not parts or any(not p or _RESERVED.match(p) for p in parts):
        raise InvalidInput(f"invalid field path {field!r}", detail={"field": str(field)})
    return parts


# --------------------------------------------------------------------------- encoding
def to_json_value(value: Any) -> Any:
    """The JSON-ready form of a document value; InvalidInput for anything Firestore would refuse."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise InvalidInput("integers must fit in 64 bits", detail={"value": str(value)})
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("NaN and infinite numbers are not storable", detail={"value": str(value)})
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput("naive datetimes are refused; use tz-aware ones", detail={"value": str(value)})
        return {TS_KEY: (value - _EPOCH) // _MICRO}
    if isinstance(value, list | tuple):
        if any(isinstance(v, list | tuple) for v in value):
            raise InvalidInput("arrays cannot directly contain arrays (Firestore rule)")
        return [to_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return to_json_map(value)
    raise InvalidInput(f"unsupported value type {type(value).__name__}")


def to_json_map(data: Mapping[str, Any]) -> Data:
    """The JSON-ready form of a map; keys must be non-empty strings outside ``__.*__``."""
    if not isinstance(data, Mapping):
        raise InvalidInput(f"document data must be a map, not {type(data).__name__}")
    out: Data = {}
    for key, value in data.items():
        if not isinstance(key, str) or not key or _RESERVED.match(key):
            raise InvalidInput(f"invalid field name {key!r}", detail={"field": str(key)})
        out[key] = to_json_value(value)
    return out


def dumps(encoded: Any) -> str:
    """Compact JSON text of an already encoded value."""
    return json.dumps(encoded, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _revive(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and TS_KEY in obj:
        return _EPOCH + obj[TS_KEY] * _MICRO
    return obj


def loads(text: str) -> Data:
    """Decode stored JSON text, turning timestamp maps back into UTC datetimes."""
    data: Data = json.loads(text, object_hook=_revive)
    return data


def is_timestamp(encoded: Any) -> bool:
    """True for the encoded form of a datetime (a leaf, never merged into)."""
    return isinstance(encoded, dict) and len(encoded) == 1 and TS_KEY in encoded


# --------------------------------------------------------------------------- writes
def deep_merge(current: Data, patch: Data) -> Data:
    """set(merge=True): maps merge recursively, every other value replaces (encoded forms)."""
    out = dict(current)
    for key, value in patch.items():
        old = out.get(key)
        if _is_map(value) and _is_map(old):
            out[key] = deep_merge(old, value)
        else:
            out[key] = value
    return out


def apply_update(current: Data, updates: Data) -> Data:
    """update(): each dotted key replaces that (nested) field; mutates and returns ``current``."""
    out = current
    for key, value in updates.items():
        *parents, leaf = field_segments(key)
        node = out
        for name in parents:
            if not _is_map(node.get(name)):
                node[name] = {}
            node = node[name]
        node[leaf] = value
    return out


def _is_map(value: Any) -> TypeGuard[Data]:
    return isinstance(value, dict) and not is_timestamp(value)


# --------------------------------------------------------------------------- reads
MISSING = object()


def lookup(data: Mapping[str, Any], field: str) -> Any:
    """The value at a dotted field path of decoded data, or MISSING."""
    node: Any = data
    for name in field.split("."):
        if not isinstance(node, dict) or name not in node:
            return MISSING
        node = node[name]
    return node


def sort_key(value: Any) -> tuple[Any, ...]:
    """A key ordering decoded values like Firestore (see module docstring)."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, datetime):
        return (3, value)
    if isinstance(value, str):
        return (4, value)
    if isinstance(value, list | tuple):
        return (8, tuple(sort_key(v) for v in value))
    return (9, tuple((k, sort_key(v)) for k, v in sorted(value.items())))


def matches(data: Mapping[str, Any], flt: Filter) -> bool:
    """Firestore's filter semantics; a missing field never matches, != also skips null."""
    value = lookup(data, flt.field)
    if value is MISSING:
        return False
    if flt.op is Op.EQ:
        return sort_key(value) == sort_key(flt.value)
    if flt.op is Op.NE:
        return value is not None and sort_key(value) != sort_key(flt.value)
    if flt.op is Op.IN:
        return any(sort_key(value) == sort_key(v) for v in flt.value)
    if flt.op is Op.ARRAY_CONTAINS:
        return isinstance(value, list) and any(sort_key(v) == sort_key(flt.value) for v in value)
    have, want = sort_key(value), sort_key(flt.value)
    if have[0] != want[0]:  # range filters only match values of the same type
        return False
    return {Op.LT: have < want, Op.LE: have <= want, Op.GT: have > want, Op.GE: have >= want}[flt.op]


def check_filter(flt: Filter) -> None:
    """InvalidInput for a malformed filter (bad path, value, or ``in`` list)."""
    field_segments(flt.field)
    if flt.op is Op.IN:
        if not isinstance(flt.value, list | tuple) or not 0 < len(flt.value) <= 30:
            raise InvalidInput("'in' needs a list of 1 to 30 values", detail={"field": flt.field})
        for v in flt.value:
            to_json_value(v)
    else:
        to_json_value(flt.value)
