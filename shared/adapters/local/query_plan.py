"""Firestore's composite-index rule, so a query missing from the manifest fails locally first.

A query needs a composite index when an inequality (<, <=, >, >=, !=) or an order_by on one
field is combined with any filter or order on another field. Equality-only queries (==, in,
array-contains) never need one, and neither does an inequality plus an order_by on that same
single field. The index to serve it lists the equality fields (any order; CONTAINS for
array-contains), then the order_by fields followed by the inequality fields not ordered
explicitly (by name, in the direction of the last order_by), with matching directions or all
of them reversed. Index merging is not emulated: the local rule asks for the exact index,
which is at least as strict as production.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.adapters.local.doc_values import check_collection_path, check_filter
from shared.domain.errors import IndexRequired, InvalidInput
from shared.ports import Op, Query
from shared.topology import CompositeIndex, IndexField

_EQUALITY = frozenset({Op.EQ, Op.IN})


@dataclass(frozen=True)
class IndexNeed:
    """The composite index a query needs: equality fields, then ordered fields."""

    collection_group: str
    equality: tuple[IndexField, ...]
    ordered: tuple[IndexField, ...]

    def as_index(self) -> CompositeIndex:
        """The index to declare in the manifest."""
        return CompositeIndex(self.collection_group, self.equality + self.ordered)


def collection_group(collection: str) -> str:
    """The collection group of a collection path: its last collection id."""
    return collection.rsplit("/", 1)[-1]


def required_index(query: Query) -> IndexNeed | None:
    """The composite index ``query`` needs, or None when single-field indexes serve it."""
    equality: dict[str, IndexField] = {}
    inequality: list[str] = []
    for flt in query.filters:
        if flt.op in _EQUALITY:
            equality.setdefault(flt.field, IndexField(flt.field))
        elif flt.op is Op.ARRAY_CONTAINS:
            equality[flt.field] = IndexField(flt.field, "CONTAINS")
        elif flt.field not in inequality:
            inequality.append(flt.field)
    fields = {f.field for f in query.filters} | {o.field for o in query.order_by}
    if not (inequality or query.order_by) or len(fields) < 2:
        return None
    ordered = [IndexField(o.field, "DESCENDING" if o.descending else "ASCENDING") for o in query.order_by]
    direction = ordered[-1].order if ordered else "ASCENDING"
    explicit = {o.field for o in query.order_by}
    ordered += [IndexField(f, direction) for f in sorted(inequality) if f not in explicit]
    ordered_paths = {f.path for f in ordered}
    eq = tuple(f for f in equality.values() if f.path not in ordered_paths)
    return IndexNeed(collection_group(query.collection), eq, _dedupe(ordered))


def _dedupe(fields: list[IndexField]) -> tuple[IndexField, ...]:
    seen: set[str] = set()
    out = []
    for f in fields:
        if f.path not in seen:
            seen.add(f.path)
            out.append(f)
    return tuple(out)


def serves(index: CompositeIndex, need: IndexNeed) -> bool:
    """True when ``index`` can serve a query needing ``need``."""
    n_eq = len(need.equality)
    if index.collection_group != need.collection_group or len(index.fields) != n_eq + len(need.ordered):
        return False
    head, tail = index.fields[:n_eq], index.fields[n_eq:]
    if {_eq_key(f) for f in head} != {_eq_key(f) for f in need.equality}:
        return False
    return tail in (need.ordered, tuple(_reverse(f) for f in need.ordered))


def _eq_key(field: IndexField) -> tuple[str, bool]:
    # An equality field serves in either direction; array-contains needs CONTAINS.
    return field.path, field.order == "CONTAINS"


def _reverse(field: IndexField) -> IndexField:
    return IndexField(field.path, "DESCENDING" if field.order == "ASCENDING" else "ASCENDING")


def render(index: CompositeIndex) -> str:
    """Python source of ``index``, ready to paste into TOPOLOGY.indexes."""
    parts = [
        f'IndexField("{f.path}")' if f.order == "ASCENDING" else f'IndexField("{f.path}", "{f.order}")'
        for f in index.fields
    ]
    trailing = "," if len(parts) == 1 else ""
    return f'CompositeIndex("{index.collection_group}", ({", ".join(parts)}{trailing}))'


def check_index(query: Query, indexes: Sequence[CompositeIndex]) -> None:
    """Raise IndexRequired, naming the index to add, when no declared index serves ``query``."""
    need = required_index(query)
    if need is None or any(serves(index, need) for index in indexes):
        return
    source = render(need.as_index())
    raise IndexRequired(
        f"query on {query.collection!r} needs a composite index; add to TOPOLOGY.indexes in "
        f"shared/topology.py: {source}",
        detail={"collection": query.collection, "index": source},
    )


def check_query(query: Query, indexes: Sequence[CompositeIndex]) -> None:
    """Refuse what every store refuses: a bad path, filter or limit, or an undeclared index."""
    check_collection_path(query.collection)
    for flt in query.filters:
        check_filter(flt)
    if query.limit is not None and query.limit < 0:
        raise InvalidInput("limit must not be negative")
    check_index(query, indexes)
