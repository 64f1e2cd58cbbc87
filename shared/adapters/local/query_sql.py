"""Compile a Query into SQLite SQL over the JSON ``documents`` table.

Filters on scalar values (==, !=, in, <, <=, >, >=, array-contains of a string or number)
are pushed into SQL with json_extract and a type check, so only matching rows are decoded.
Any other filter becomes a presence check here and is decided in Python (doc_values.matches)
on the superset SQL returns; the query is then not ``exact`` and gets no SQL LIMIT.

Ordering and cursors run entirely in SQL over ``effective_order`` (order_by, then the
inequality fields Firestore orders by implicitly): each key becomes a (type rank, value) pair
following Firestore's cross-type order. Arrays and maps of the same rank order by their JSON
text, an approximation of Firestore's element-wise order. Ties break by document id in the
direction of the last key, as in Firestore.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.adapters.local.doc_values import TS_KEY, dumps, field_segments, to_json_value
from shared.domain.errors import InvalidInput
from shared.ports import Filter, Op, Order, Query, effective_order

_SQL_OP = {Op.EQ: "=", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}


def json_path(field: str) -> str:
    """SQLite JSON path of a dotted field path, every segment quoted."""
    segments = field_segments(field)
    if any('"' in s or "\\" in s for s in segments):
        raise InvalidInput(f"field path {field!r} cannot be queried locally (quote or backslash)")
    return "$" + "".join(f'."{s}"' for s in segments)


_TS = f"'$.\"{TS_KEY}\"'"


def _rank(kind: str, value: str) -> str:
    """Firestore's type rank from a json_type result and a json_extract result."""
    return (
        f"CASE {kind} WHEN 'null' THEN 0 WHEN 'true' THEN 1 WHEN 'false' THEN 1 "
        f"WHEN 'integer' THEN 2 WHEN 'real' THEN 2 WHEN 'text' THEN 4 WHEN 'array' THEN 8 "
        f"ELSE CASE WHEN json_type({value}, {_TS}) IS NULL THEN 9 ELSE 3 END END"
    )


def _value(kind: str, value: str) -> str:
    """The comparable value within a rank (timestamps as epoch microseconds)."""
    return (
        f"CASE {kind} WHEN 'null' THEN 0 WHEN 'true' THEN 1 WHEN 'false' THEN 0 "
        f"WHEN 'object' THEN COALESCE(json_extract({value}, {_TS}), {value}) ELSE {value} END"
    )


@dataclass(frozen=True)
class CompiledQuery:
    """SQL selecting (id, data) of candidate rows in query order.

    ``exact`` means SQL decides every filter, so a LIMIT may be applied in SQL and rows
    need no re-check in Python.
    """

    sql: str
    params: dict[str, Any]
    exact: bool


class _Compiler:
    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.exact = True

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def paths(self, field: str) -> tuple[str, str]:
        path = json_path(field)
        return self.bind(path), self.bind(f'{path}."{TS_KEY}"')

    def filter(self, flt: Filter) -> str:
        path, ts_path = self.paths(flt.field)
        fallback = f"json_type(data, {path}) IS NOT NULL"
        pushed: str | None
        if flt.op is Op.IN:
            options = [self.compare(path, ts_path, Op.EQ, v) for v in flt.value]
            pushed = " OR ".join(f"({o})" for o in options if o)
            pushed = f"({pushed})" if all(options) else None
        elif flt.op is Op.NE:
            fallback = f"COALESCE(json_type(data, {path}), 'null') != 'null'"  # != skips null too
            equal = self.compare(path, ts_path, Op.EQ, flt.value)
            pushed = f"{fallback} AND NOT COALESCE(({equal}), 0)" if equal else None
        elif flt.op is Op.ARRAY_CONTAINS:
            fallback = f"json_type(data, {path}) = 'array'"
            typed = self.typed("e.type", "e.value", flt.value)
            # Only placeholders and fixed fragments are interpolated; every value is bound.
            each = f"EXISTS (SELECT 1 FROM json_each(data, {path}) AS e WHERE {typed})"  # noqa: S608
            pushed = f"{fallback} AND {each}" if typed else None
        else:
            pushed = self.compare(path, ts_path, flt.op, flt.value)
        if pushed is None:
            self.exact = False  # Python decides this filter on the decoded document
            return fallback
        return pushed

    def compare(self, path: str, ts_path: str, op: Op, value: Any) -> str | None:
        if isinstance(value, datetime):
            micros = to_json_value(value)[TS_KEY]
            return f"json_extract(data, {ts_path}) {_SQL_OP[op]} {self.bind(micros)}"
        if isinstance(value, bool):
            return f"json_type(data, {path}) = '{str(value).lower()}'" if op is Op.EQ else None
        if value is None:
            return f"json_type(data, {path}) = 'null'" if op is Op.EQ else None
        return self.typed(f"json_type(data, {path})", f"json_extract(data, {path})", value, _SQL_OP[op])

    def typed(self, type_sql: str, value_sql: str, value: Any, op: str = "=") -> str | None:
        if isinstance(value, str):
            return f"{type_sql} = 'text' AND {value_sql} {op} {self.bind(value)}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{type_sql} IN ('integer', 'real') AND {value_sql} {op} {self.bind(value)}"
        return None


def compile_query(query: Query) -> CompiledQuery:
    """Compile ``query`` (paths and values already validated by the caller)."""
    c = _Compiler()
    where = [f"parent = {c.bind(query.collection)}"] + [c.filter(f) for f in query.filters]
    order_by = effective_order(query)
    raw, keys = "", ""
    for i, order in enumerate(order_by):
        path, _ = c.paths(order.field)
        where.append(f"json_type(data, {path}) IS NOT NULL")  # order_by skips docs lacking the field
        raw += f", json_type(data, {path}) AS t{i}, json_extract(data, {path}) AS x{i}"
        keys += f", {_rank(f't{i}', f'x{i}')} AS r{i}, {_value(f't{i}', f'x{i}')} AS v{i}"
    cursor = query.start_after
    if cursor is not None and len(cursor.values) != len(order_by):
        raise InvalidInput("cursor values must match the sort keys (order_by, then inequality fields)")
    if not order_by:
        # Id order alone: the primary key (parent, id) serves both the order and the cursor.
        if cursor is not None:
            where.append(f"id > {c.bind(cursor.doc_id)}")
        sql = f"SELECT id, data FROM documents WHERE {' AND '.join(where)} ORDER BY id"  # noqa: S608
        return CompiledQuery(sql, c.params, c.exact)
    # Only placeholders and fixed fragments are interpolated; every value is bound. LIMIT -1
    # keeps SQLite from flattening the subqueries, so each row's keys are computed once.
    inner = f"SELECT id, data{raw} FROM documents WHERE {' AND '.join(where)} LIMIT -1"  # noqa: S608
    sql = f"SELECT id, data FROM (SELECT id, data{keys} FROM ({inner}) LIMIT -1)"  # noqa: S608
    if cursor is not None:
        cte = _cursor_cte(c, cursor.values)
        sql = f"{cte}{sql}, c WHERE {_after(c, order_by, cursor.doc_id)}"
    directions = ["DESC" if o.descending else "ASC" for o in order_by]
    order_sql = "".join(f"r{i} {d}, v{i} {d}, " for i, d in enumerate(directions))
    return CompiledQuery(f"{sql} ORDER BY {order_sql}id {_id_direction(order_by)}", c.params, c.exact)


def _id_direction(order_by: tuple[Order, ...]) -> str:
    # Firestore's implicit tie-break on the document id follows the last sort key's direction.
    return "DESC" if order_by and order_by[-1].descending else "ASC"


def _cursor_cte(c: _Compiler, values: tuple[Any, ...]) -> str:
    # The cursor's values go through the same rank/value expressions as stored fields, so
    # both sides compare identically; MATERIALIZED evaluates them once, not once per row.
    cols = []
    for i, value in enumerate(values):
        src = f"json({c.bind(dumps(to_json_value(value)))})"
        kind, raw = f"json_type({src}, '$')", f"json_extract({src}, '$')"
        cols.append(f"{_rank(kind, raw)} AS cr{i}, {_value(kind, raw)} AS cv{i}")
    return f"WITH c AS MATERIALIZED (SELECT {', '.join(cols)}) " if cols else ""


def _after(c: _Compiler, order_by: tuple[Order, ...], doc_id: str) -> str:
    """Rows strictly after the cursor in (key 1, ..., key n, id) order."""
    clauses = []
    for i in range(len(order_by) + 1):
        same = [f"r{j} = c.cr{j} AND v{j} = c.cv{j}" for j in range(i)]
        if i < len(order_by):
            op = "<" if order_by[i].descending else ">"
            step = f"(r{i} {op} c.cr{i} OR (r{i} = c.cr{i} AND v{i} {op} c.cv{i}))"
        else:
            step = f"id {'<' if _id_direction(order_by) == 'DESC' else '>'} {c.bind(doc_id)}"
        clauses.append("(" + " AND ".join([*same, step]) + ")")
    return " OR ".join(clauses)
