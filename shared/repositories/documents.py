"""CV documents and upload idempotency keys: the one place that knows how they are stored.

- ``users/{uid}/documents/{id}``: the Document record (its PDF and text are blobs, named by
  the Document itself);
- ``idempotency_keys/{sha256(key)[:40]}``: one claim per confirmed object generation, written
  in the same transaction as the document's state change (TTL on ``expires_at``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from shared.domain.documents import Document, DocumentState
from shared.domain.errors import NotFound
from shared.ports import DocumentStore, Filter, Op, Order, Query, Transaction
from shared.repositories.pagination import Page, page

IDEMPOTENCY_KEYS = "idempotency_keys"
KEY_RETENTION = timedelta(days=30)
KEY_SCHEMA_VERSION = 1
_NEWEST_FIRST = (Order("created_at", descending=True),)


def _documents(uid: str) -> str:
    return f"users/{uid}/documents"


def _path(uid: str, doc_id: str) -> str:
    return f"{_documents(uid)}/{doc_id}"


def _key_path(key: str) -> str:
    # Ids cannot hold '/', so the key is hashed.
    return f"{IDEMPOTENCY_KEYS}/{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def _read(source: DocumentStore | Transaction, uid: str, doc_id: str) -> Document | None:
    snap = source.get(_path(uid, doc_id))
    return Document.model_validate(snap.data) if snap is not None else None


class Documents:
    """A user's CV documents."""

    collections = (IDEMPOTENCY_KEYS,)  # top level; documents live under users/{uid}

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    # ------------------------------------------------------------------ reads
    def get(self, uid: str, doc_id: str) -> Document | None:
        """The user's document, None when absent (or someone else's id)."""
        return _read(self._store, uid, doc_id)

    def load(self, uid: str, doc_id: str) -> Document:
        """The user's document; NotFound when absent or someone else's."""
        found = self.get(uid, doc_id)
        if found is None:
            raise NotFound("document not found")
        return found

    def page(self, uid: str, *, limit: int, cursor: str | None) -> Page[Document]:
        """The user's documents, newest first, one query per page."""
        found = page(self._store, Query(_documents(uid), order_by=_NEWEST_FIRST), limit=limit, cursor=cursor)
        return found.map(lambda s: Document.model_validate(s.data))

    def newest(self, uid: str, *, limit: int) -> list[Document]:
        """The user's ``limit`` newest documents."""
        snaps = self._store.query(Query(_documents(uid), order_by=_NEWEST_FIRST, limit=limit))
        return [Document.model_validate(s.data) for s in snaps]

    def in_states(self, uid: str, states: Collection[DocumentState], *, limit: int) -> list[Document]:
        """Up to ``limit`` of the user's documents in one of ``states`` (a single-field filter)."""
        wanted = [str(s) for s in states]
        state = Filter("state", Op.EQ, wanted[0]) if len(wanted) == 1 else Filter("state", Op.IN, wanted)
        snaps = self._store.query(Query(_documents(uid), filters=(state,), limit=limit))
        return [Document.model_validate(s.data) for s in snaps]

    def with_sha256(self, uid: str, sha256: str, *, limit: int = 10) -> list[Document]:
        """The user's documents with these bytes."""
        query = Query(_documents(uid), filters=(Filter("sha256", Op.EQ, sha256),), limit=limit)
        return [Document.model_validate(s.data) for s in self._store.query(query)]

    # ------------------------------------------------------------------ writes
    def create(self, document: Document) -> None:
        """Store a new document; AlreadyExists when its id is taken."""
        self._store.create(_path(document.uid, document.id), document.to_data())

    def delete(self, document: Document) -> None:
        """Remove the record (its blobs are the caller's business)."""
        self._store.delete(_path(document.uid, document.id))

    def delete_all(self, documents: Sequence[Document]) -> None:
        """Remove these records in one batch."""
        batch = self._store.batch()
        for document in documents:
            batch.delete(_path(document.uid, document.id))
        batch.commit()

    def transition(
        self,
        uid: str,
        doc_id: str,
        *,
        when: Collection[DocumentState] | Callable[[Document], bool],
        move: Callable[[Document], Document],
    ) -> Document | None:
        """Apply ``move`` in one transaction if the document is in a state of ``when`` (or passes it).

        Returns the moved document; the document as it stands when it is in another state (a
        concurrent attempt got there first); None when it is gone.
        """

        def ready(document: Document) -> bool:
            return when(document) if callable(when) else document.state in when

        def apply(tx: Transaction) -> Document | None:
            document = _read(tx, uid, doc_id)
            if document is None or not ready(document):
                return document
            moved = move(document)
            tx.set(_path(uid, doc_id), moved.to_data())
            return moved

        return self._store.run_transaction(apply)

    def decide_once(
        self, document: Document, key: str, decide: Callable[[Document], Document], now: datetime
    ) -> Document:
        """Move a PENDING_UPLOAD document by ``decide`` and claim ``key`` in one transaction.

        A claimed key or a document no longer pending answers the document as it stands;
        NotFound when it is gone.
        """

        def apply(tx: Transaction) -> Document:
            claim = tx.get(_key_path(key))
            current = _read(tx, document.uid, document.id)
            if current is None:
                raise NotFound("document not found")
            if claim is not None or current.state != DocumentState.PENDING_UPLOAD:
                return current
            decided = decide(current)
            tx.create(
                _key_path(key),
                {
                    "key": key,
                    "scope": "upload-confirm",
                    "document": _path(current.uid, current.id),
                    "outcome": str(decided.state),
                    "created_at": now,
                    "expires_at": now + KEY_RETENTION,
                    "schema_version": KEY_SCHEMA_VERSION,
                },
            )
            tx.set(_path(current.uid, current.id), decided.to_data())
            return decided

        return self._store.run_transaction(apply)
