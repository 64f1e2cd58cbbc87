"""The local DocumentStore: Firestore-shaped documents, queries, transactions and batches on SQLite.

One connection serves every thread (the local server's HTTP threads and its queue worker),
guarded by an RLock; a file database runs in WAL mode. Each document row carries a version,
the store-wide commit sequence number of its last write, which transactions check
optimistically at commit. See docs/decisions/0010-sqlite-local-document-store.md.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from shared.adapters.local.doc_values import (
    apply_update,
    deep_merge,
    dumps,
    field_segments,
    loads,
    matches,
    split_document_path,
    to_json_map,
)
from shared.adapters.local.query_plan import check_query
from shared.adapters.local.query_sql import compile_query
from shared.domain.errors import AlreadyExists, Contention, InvalidInput, NotFound
from shared.ports import Data, Query, Snapshot, Transaction, WriteBatch
from shared.topology import CompositeIndex

T = TypeVar("T")
MAX_BATCH_WRITES = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    parent TEXT NOT NULL,          -- collection path, e.g. users/u1/documents
    id TEXT NOT NULL,
    data TEXT NOT NULL,            -- JSON; datetimes as {"__ts__": epoch microseconds}
    version INTEGER NOT NULL,      -- commit sequence number of the last write
    PRIMARY KEY (parent, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('commit_seq', 0);
"""

_Kind = Literal["create", "set", "merge", "update", "delete"]


@dataclass(frozen=True)
class _Write:
    """One validated write; ``payload`` is JSON text (create/set) or an encoded map (merge/update)."""

    kind: _Kind
    parent: str
    id: str
    payload: Any = None

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.id}"


def _write(kind: _Kind, path: str, data: Data | None = None) -> _Write:
    # Validate at call time so a bad value fails where it was written, not at commit.
    parent, doc_id = split_document_path(path)
    if data is None:
        return _Write(kind, parent, doc_id)
    encoded = to_json_map(data)
    if kind == "update":
        for key in encoded:
            field_segments(key)
    return _Write(kind, parent, doc_id, dumps(encoded) if kind in ("create", "set") else encoded)


class _Writes:
    """The write half shared by batches and transactions."""

    def __init__(self) -> None:
        self.writes: list[_Write] = []

    def _add(self, write: _Write) -> None:
        self.writes.append(write)

    def create(self, path: str, data: Data) -> None:
        """Create; the commit fails with AlreadyExists when the document exists."""
        self._add(_write("create", path, data))

    def set(self, path: str, data: Data, *, merge: bool = False) -> None:
        """Replace, or deep-merge maps with ``merge=True``."""
        self._add(_write("merge" if merge else "set", path, data))

    def update(self, path: str, data: Data) -> None:
        """Update (dotted) fields; the commit fails with NotFound when the document is absent."""
        self._add(_write("update", path, data))

    def delete(self, path: str) -> None:
        """Delete; a missing document is a no-op."""
        self._add(_write("delete", path))


class _Batch(_Writes):
    def __init__(self, store: SqliteDocumentStore) -> None:
        super().__init__()
        self._store = store
        self._committed = False

    def _add(self, write: _Write) -> None:
        if self._committed:
            raise InvalidInput("this batch was already committed")
        if len(self.writes) >= MAX_BATCH_WRITES:
            raise InvalidInput(f"a batch holds at most {MAX_BATCH_WRITES} writes")
        super()._add(write)

    def commit(self) -> None:
        """Apply every write atomically (all or none)."""
        if self._committed:
            raise InvalidInput("this batch was already committed")
        self._store._commit(self.writes, {})
        self._committed = True


class _Transaction(_Writes):
    def __init__(self, store: SqliteDocumentStore) -> None:
        super().__init__()
        self._store = store
        self.reads: dict[tuple[str, str], int | None] = {}

    def get(self, path: str) -> Snapshot | None:
        """Read a document; every read must come before the first write."""
        if self.writes:
            raise InvalidInput("a transaction must do all its reads before its writes")
        key = split_document_path(path)
        snapshot, version = self._store._read(*key)
        self.reads.setdefault(key, version)  # the first version seen is the one fn relied on
        return snapshot


class SqliteDocumentStore:
    """DocumentStore on one SQLite database (a file, or ``:memory:`` for tests).

    ``writes`` counts committed document writes (a delete of a missing document included);
    ``reads`` counts documents returned by get, get_many, query and transactional gets.
    """

    def __init__(self, path: str | Path = ":memory:", *, indexes: Sequence[CompositeIndex] = ()) -> None:
        self.writes = 0
        self.reads = 0
        self._indexes = tuple(indexes)
        self._lock = threading.RLock()
        # isolation_level=None: this class issues BEGIN/COMMIT itself.
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; commits stay cheap
        self._conn.execute("PRAGMA busy_timeout=5000")  # another process (CLI) may hold the lock
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------------ reads
    def _read(self, parent: str, doc_id: str) -> tuple[Snapshot | None, int | None]:
        with self._lock:
            row = self._conn.execute(
                "SELECT data, version FROM documents WHERE parent = ? AND id = ?", (parent, doc_id)
            ).fetchone()
            if row is None:
                return None, None
            self.reads += 1
        return Snapshot(f"{parent}/{doc_id}", loads(row[0])), int(row[1])

    def count_group(self, collection_id: str, field: str | None = None) -> list[tuple[str, Any, int]]:
        """(parent, value of ``field``, count) over every collection named ``collection_id``.

        A collection-group count, for summaries of the local stack (`career status`). The
        value is a scalar as stored, None when absent or null, JSON text for a map or list.
        """
        if not collection_id.replace("_", "").isalnum() or (field and not field.replace("_", "").isalnum()):
            raise InvalidInput(f"not a collection id and a top-level field: {collection_id!r}, {field!r}")
        value = f"json_extract(data, '$.{field}')" if field else "NULL"
        sql = (
            f"SELECT parent, {value} AS value, count(*) FROM documents "  # noqa: S608 - names checked above
            "WHERE parent = :cid OR substr(parent, -length(:suffix)) = :suffix GROUP BY parent, value"
        )
        with self._lock:
            rows = self._conn.execute(sql, {"cid": collection_id, "suffix": "/" + collection_id}).fetchall()
        return [(str(parent), found, int(count)) for parent, found, count in rows]

    def get(self, path: str) -> Snapshot | None:
        """The document at ``path``, or None."""
        return self._read(*split_document_path(path))[0]

    def get_many(self, paths: Sequence[str]) -> list[Snapshot | None]:
        """The documents at ``paths``, in order, None where absent."""
        keys = [split_document_path(p) for p in paths]
        with self._lock:
            return [self._read(*key)[0] for key in keys]

    def query(self, query: Query) -> list[Snapshot]:
        """Documents matching ``query`` (Firestore semantics; IndexRequired when undeclared)."""
        check_query(query, self._indexes)
        compiled = compile_query(query)
        found: list[Snapshot] = []
        if query.limit == 0:
            return found
        sql, params = compiled.sql, compiled.params
        if compiled.exact and query.limit is not None:
            sql, params = f"{sql} LIMIT :limit", {**params, "limit": query.limit}
        recheck = () if compiled.exact else query.filters
        with self._lock:
            rows = self._conn.execute(sql, params)
            try:
                for doc_id, text in rows:
                    data = loads(text)
                    # Rows come in query order; filters SQL could not decide are decided here.
                    if all(matches(data, flt) for flt in recheck):
                        found.append(Snapshot(f"{query.collection}/{doc_id}", data))
                        if len(found) == query.limit:
                            break
            finally:
                rows.close()
            self.reads += len(found)
        return found

    def scan_group(self, group: str, *, after: str | None = None, limit: int = 300) -> list[Snapshot]:
        """Documents of every collection called ``group``, ordered by (parent, id), after ``after``."""
        if "/" in group or not group:
            raise InvalidInput(f"{group!r} is not a collection id", detail={"group": group})
        where = "(parent = :group OR parent LIKE :nested ESCAPE '!')"
        params: dict[str, Any] = {"group": group, "nested": "%/" + _like(group), "limit": limit}
        if after is not None:
            after_parent, after_id = split_document_path(after)
            where += " AND (parent > :ap OR (parent = :ap AND id > :ai))"
            params.update(ap=after_parent, ai=after_id)
        sql = f"SELECT parent, id, data FROM documents WHERE {where} ORDER BY parent, id LIMIT :limit"  # noqa: S608
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
            self.reads += len(rows)
        return [Snapshot(f"{parent}/{doc_id}", loads(text)) for parent, doc_id, text in rows]

    # ------------------------------------------------------------------ StoreWalk
    def root_collections(self) -> list[str]:
        """Every top-level collection holding a document."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT DISTINCT parent FROM documents WHERE parent NOT LIKE '%/%' ORDER BY parent"
            ).fetchall()
        return [parent for (parent,) in rows]

    def walk(self, path: str) -> Iterator[Snapshot]:
        """The document at ``path`` (when present) and every document below it."""
        parent, doc_id = split_document_path(path)
        sql = (
            "SELECT parent, id, data FROM documents WHERE (parent = :parent AND id = :id) "
            "OR parent LIKE :below ESCAPE '!' ORDER BY parent, id"
        )
        with self._lock:
            rows = self._conn.execute(
                sql, {"parent": parent, "id": doc_id, "below": _like(path) + "/%"}
            ).fetchall()
            self.reads += len(rows)
        for row_parent, row_id, text in rows:
            yield Snapshot(f"{row_parent}/{row_id}", loads(text))

    # ------------------------------------------------------------------ writes
    def create(self, path: str, data: Data) -> None:
        """Create a document; AlreadyExists when present."""
        self._commit([_write("create", path, data)], {})

    def set(self, path: str, data: Data, *, merge: bool = False) -> None:
        """Replace a document, or deep-merge maps into it with ``merge=True``."""
        self._commit([_write("merge" if merge else "set", path, data)], {})

    def update(self, path: str, data: Data) -> None:
        """Update fields (dotted keys reach nested ones); NotFound when absent."""
        self._commit([_write("update", path, data)], {})

    def delete(self, path: str) -> None:
        """Delete a document; a missing one is a no-op."""
        self._commit([_write("delete", path)], {})

    def batch(self) -> WriteBatch:
        """A write batch of up to 500 writes, committed atomically."""
        return _Batch(self)

    def run_transaction(self, fn: Callable[[Transaction], T], *, max_attempts: int = 5) -> T:
        """Run ``fn`` and commit its writes if nothing it read changed; retry, then Contention."""
        if max_attempts < 1:
            raise InvalidInput("max_attempts must be at least 1")
        for _ in range(max_attempts):
            txn = _Transaction(self)
            result = fn(txn)
            if self._commit(txn.writes, txn.reads):
                return result
        raise Contention(
            f"transaction lost to concurrent writes {max_attempts} times", detail={"attempts": max_attempts}
        )

    def _commit(self, writes: Sequence[_Write], reads: dict[tuple[str, str], int | None]) -> bool:
        """Apply ``writes`` in one SQLite transaction; False when a read document changed."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for (parent, doc_id), version in reads.items():
                    if self._version(parent, doc_id) != version:
                        self._conn.execute("ROLLBACK")
                        return False
                if writes:
                    (seq,) = self._conn.execute(
                        "UPDATE meta SET value = value + 1 WHERE key = 'commit_seq' RETURNING value"
                    ).fetchone()
                    for write in writes:
                        self._apply(write, seq)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self.writes += len(writes)
            return True

    def _version(self, parent: str, doc_id: str) -> int | None:
        row = self._conn.execute(
            "SELECT version FROM documents WHERE parent = ? AND id = ?", (parent, doc_id)
        ).fetchone()
        return None if row is None else int(row[0])

    def _apply(self, write: _Write, seq: int) -> None:
        key = (write.parent, write.id)
        if write.kind == "delete":
            self._conn.execute("DELETE FROM documents WHERE parent = ? AND id = ?", key)
            return
        if write.kind == "create":
            try:
                self._conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", (*key, write.payload, seq))
            except sqlite3.IntegrityError:
                detail = {"path": write.path}
                raise AlreadyExists(f"document {write.path} already exists", detail=detail) from None
            return
        text = write.payload
        if write.kind != "set":
            row = self._conn.execute("SELECT data FROM documents WHERE parent = ? AND id = ?", key).fetchone()
            if row is None and write.kind == "update":
                raise NotFound(f"document {write.path} does not exist", detail={"path": write.path})
            current = {} if row is None else json.loads(row[0])
            merge = deep_merge if write.kind == "merge" else apply_update
            text = dumps(merge(current, write.payload))
        self._conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?) "
            "ON CONFLICT (parent, id) DO UPDATE SET data = excluded.data, version = excluded.version",
            (*key, text, seq),
        )


def _like(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern (escape character ``!``)."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
