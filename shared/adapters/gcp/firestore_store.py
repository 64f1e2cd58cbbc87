"""The Firestore DocumentStore: the same contract as the SQLite store, on google-cloud-firestore.

Paths, values and filters are validated with the local store's rules and queries are checked
against the manifest's composite indexes before they are sent, so both backends refuse the
same input the same way (the emulator does not enforce indexes; production would fail later
and harder). The client is built on first use; FIRESTORE_EMULATOR_HOST points it at the
emulator, read by the SDK itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from shared.adapters.gcp.firestore_query import build_query, to_data, translate
from shared.adapters.gcp.lazy import LazyClient
from shared.adapters.local.doc_values import (
    field_segments,
    split_document_path,
    to_json_map,
)
from shared.adapters.local.query_plan import check_query
from shared.domain.errors import Contention, InvalidInput
from shared.ports import Data, Query, Snapshot, Transaction, WriteBatch
from shared.topology import CompositeIndex

T = TypeVar("T")
MAX_BATCH_WRITES = 500


def _checked(path: str, data: Data | None = None, *, dotted: bool = False) -> str:
    # Validate where the write is made, so a bad value fails at its call, not at commit.
    split_document_path(path)
    if data is not None:
        to_json_map(data)
        if dotted:
            for key in data:
                field_segments(key)
    return path


class _Writes:
    """Write calls shared by batches and transactions; counts what a commit will write."""

    def __init__(self, client: Any, target: Any) -> None:
        self._client = client
        self._target = target  # a WriteBatch or a Transaction of the SDK
        self.count = 0

    def _ref(self, path: str) -> Any:
        return self._client.document(path)

    def _added(self) -> None:
        self.count += 1

    # Each call validates before it counts: a write refused at the call is not part of the commit.
    def create(self, path: str, data: Data) -> None:
        """Create; the commit fails with AlreadyExists when the document exists."""
        ref = self._ref(_checked(path, data))
        self._added()
        self._target.create(ref, data)

    def set(self, path: str, data: Data, *, merge: bool = False) -> None:
        """Replace, or deep-merge maps with ``merge=True``."""
        ref = self._ref(_checked(path, data))
        self._added()
        self._target.set(ref, data, merge=merge)

    def update(self, path: str, data: Data) -> None:
        """Update (dotted) fields; the commit fails with NotFound when the document is absent."""
        ref = self._ref(_checked(path, data, dotted=True))
        self._added()
        self._target.update(ref, data)

    def delete(self, path: str) -> None:
        """Delete; a missing document is a no-op."""
        ref = self._ref(_checked(path))
        self._added()
        self._target.delete(ref)


class _Batch(_Writes):
    def __init__(self, store: FirestoreDocumentStore) -> None:
        client = store.client
        super().__init__(client, client.batch())
        self._store = store
        self._committed = False

    def _added(self) -> None:
        if self._committed:
            raise InvalidInput("this batch was already committed")
        if self.count >= MAX_BATCH_WRITES:
            raise InvalidInput(f"a batch holds at most {MAX_BATCH_WRITES} writes")
        super()._added()

    def commit(self) -> None:
        """Apply every write atomically (all or none)."""
        if self._committed:
            raise InvalidInput("this batch was already committed")
        if self.count:
            self._store._call(self._target.commit)
        self._committed = True
        self._store.writes += self.count


class _Transaction(_Writes):
    def __init__(self, store: FirestoreDocumentStore, txn: Any) -> None:
        super().__init__(store.client, txn)
        self._store = store

    def get(self, path: str) -> Snapshot | None:
        """Read a document inside the transaction; every read must come before the first write."""
        if self.count:
            raise InvalidInput("a transaction must do all its reads before its writes")
        snapshot = self._ref(_checked(path)).get(transaction=self._target)
        return self._store._snapshot(path, snapshot)


class FirestoreDocumentStore:
    """DocumentStore on Firestore (Native mode).

    ``writes`` counts committed document writes; ``reads`` counts documents returned.
    """

    def __init__(
        self, project: str, indexes: Sequence[CompositeIndex] = (), *, database: str = "(default)"
    ) -> None:
        self.project = project
        self.database = database
        self.writes = 0
        self.reads = 0
        self._indexes = tuple(indexes)
        self._client: LazyClient[Any] = LazyClient(self._build_client)

    def _build_client(self) -> Any:
        from google.cloud import firestore

        return firestore.Client(project=self.project, database=self.database)

    @property
    def client(self) -> Any:
        """The SDK client, built once on first use."""
        return self._client.get()

    def close(self) -> None:
        """Close the client's channels (idempotent)."""
        client = self._client.take()
        if client is not None:
            client.close()

    # ------------------------------------------------------------------ reads
    def _snapshot(self, path: str, snapshot: Any) -> Snapshot | None:
        if not snapshot.exists:
            return None
        self.reads += 1
        return Snapshot(path, to_data(snapshot))

    def get(self, path: str) -> Snapshot | None:
        """The document at ``path``, or None."""
        ref = self.client.document(_checked(path))
        return self._snapshot(path, self._call(ref.get))

    def get_many(self, paths: Sequence[str]) -> list[Snapshot | None]:
        """The documents at ``paths``, in order, None where absent (one round trip)."""
        refs = [self.client.document(_checked(p)) for p in paths]
        if not refs:
            return []
        found = {s.reference.path: s for s in self._call(lambda: list(self.client.get_all(refs)))}
        return [
            self._snapshot(p, found[r.path]) if r.path in found else None
            for p, r in zip(paths, refs, strict=True)
        ]

    def query(self, query: Query) -> list[Snapshot]:
        """Documents matching ``query`` (IndexRequired when the manifest lacks its index)."""
        check_query(query, self._indexes)
        if query.limit == 0:
            return []
        built = build_query(self.client, query)
        docs = self._call(lambda: list(built.stream()))
        self.reads += len(docs)
        return [Snapshot(f"{query.collection}/{d.id}", to_data(d)) for d in docs]

    def scan_group(self, group: str, *, after: str | None = None, limit: int = 300) -> list[Snapshot]:
        """Documents of every collection called ``group``, in document-path order, after ``after``."""
        built = self.client.collection_group(group).order_by("__name__")
        if after is not None:
            built = built.start_after({"__name__": self.client.document(_checked(after))})
        docs = self._call(lambda: list(built.limit(limit).stream()))
        self.reads += len(docs)
        return [Snapshot(d.reference.path, to_data(d)) for d in docs]

    # ------------------------------------------------------------------ StoreWalk
    def root_collections(self) -> list[str]:
        """Every top-level collection."""
        return sorted(c.id for c in self._call(lambda: list(self.client.collections())))

    def walk(self, path: str) -> Iterator[Snapshot]:
        """The document at ``path`` (when it exists) and every document below it, depth first."""
        ref = self.client.document(_checked(path))
        snap = self._call(ref.get)
        self.reads += 1
        if snap.exists:
            yield Snapshot(ref.path, to_data(snap))
        for collection in self._call(lambda: list(ref.collections())):
            # show_missing: a document with no fields can still hold subcollections.
            children: list[Any] = self._call(_lister(collection))
            for child in children:
                yield from self.walk(child.path)

    # ------------------------------------------------------------------ writes
    def create(self, path: str, data: Data) -> None:
        """Create a document; AlreadyExists when present."""
        ref = self.client.document(_checked(path, data))
        self._call(lambda: ref.create(data))
        self.writes += 1

    def set(self, path: str, data: Data, *, merge: bool = False) -> None:
        """Replace a document, or deep-merge maps into it with ``merge=True``."""
        ref = self.client.document(_checked(path, data))
        self._call(lambda: ref.set(data, merge=merge))
        self.writes += 1

    def update(self, path: str, data: Data) -> None:
        """Update fields (dotted keys reach nested ones); NotFound when absent."""
        ref = self.client.document(_checked(path, data, dotted=True))
        self._call(lambda: ref.update(data))
        self.writes += 1

    def delete(self, path: str) -> None:
        """Delete a document; a missing one is a no-op."""
        ref = self.client.document(_checked(path))
        self._call(ref.delete)
        self.writes += 1

    def batch(self) -> WriteBatch:
        """A write batch of up to 500 writes, committed atomically."""
        return _Batch(self)

    def run_transaction(self, fn: Callable[[Transaction], T], *, max_attempts: int = 5) -> T:
        """Run ``fn`` in a Firestore transaction, retried on contention; Contention when it keeps losing."""
        from google.api_core.exceptions import Aborted
        from google.cloud import firestore

        if max_attempts < 1:
            raise InvalidInput("max_attempts must be at least 1")
        attempt: dict[str, _Transaction] = {}

        def body(txn: Any) -> T:
            attempt["last"] = _Transaction(self, txn)  # a retry starts with no writes
            return fn(attempt["last"])

        transaction = self.client.transaction(max_attempts=max_attempts)
        try:
            result: T = self._call(lambda: firestore.transactional(body)(transaction))
        except ValueError as err:
            # The SDK wraps "retries exhausted" in ValueError, chained to the last Aborted.
            if isinstance(err.__cause__, Aborted):
                raise Contention(
                    f"transaction lost to concurrent writes {max_attempts} times",
                    detail={"attempts": max_attempts},
                ) from None
            raise
        self.writes += attempt["last"].count
        return result

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run one SDK call, turning the SDK's errors into ours."""
        try:
            return fn()
        except Exception as err:
            mapped = translate(err)
            if mapped is None:
                raise
            raise mapped from err


def _lister(collection: Any) -> Callable[[], list[Any]]:
    return lambda: list(collection.list_documents(show_missing=True))
