"""Documents: create an upload, list, read, read the text, delete. Confirmation and extraction
live in upload_confirmation.py and document_extraction.py; all three share the helpers here.

Every operation takes the caller's uid and reads only ``users/{uid}/documents``, so another
user's document id answers NotFound (404), never Forbidden.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from shared.domain.documents import (
    PDF_CONTENT_TYPE,
    Document,
    DocumentState,
    collection,
    object_name,
)
from shared.domain.errors import Conflict, InvalidInput, NotFound, QuotaExceeded
from shared.domain.failures import FailureClass
from shared.ports import Filter, Op, Order, Query
from shared.repositories.pagination import page

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from shared.config import Settings
    from shared.ports import BlobStore, Clock, DocumentStore, SignedUpload, Transaction

# A pending upload whose URL expired this long ago can no longer finish (an upload that
# started before expiry may still be finalizing): it stops counting against the quota.
ABANDONED_AFTER = timedelta(hours=1)
_COUNTED = [s.value for s in DocumentState if s is not DocumentState.REJECTED]
_NEWEST_FIRST = (Order("created_at", descending=True),)


@dataclass(frozen=True)
class NewUpload:
    """A created document and the signed URL its PDF goes to."""

    document: Document
    upload: SignedUpload


@dataclass(frozen=True)
class DocumentPage:
    """One page of a user's documents, newest first."""

    documents: list[Document]
    next_cursor: str | None


def read(source: DocumentStore | Transaction, path: str) -> Document | None:
    """The document at ``path`` as the store or a transaction sees it; None when absent."""
    snap = source.get(path)
    return Document.model_validate(snap.data) if snap is not None else None


def load(store: DocumentStore, uid: str, doc_id: str) -> Document:
    """The caller's document; NotFound when absent or someone else's."""
    document = read(store, f"{collection(uid)}/{doc_id}")
    if document is None:
        raise NotFound("document not found")
    return document


def transition(
    store: DocumentStore,
    path: str,
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
        document = read(tx, path)
        if document is None or not ready(document):
            return document
        moved = move(document)
        tx.set(path, moved.to_data())
        return moved

    return store.run_transaction(apply)


class DocumentService:
    """The caller's documents."""

    def __init__(
        self,
        store: DocumentStore,
        uploads: BlobStore,
        texts: BlobStore,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self._store = store
        self._uploads = uploads
        self._texts = texts
        self._clock = clock
        self._settings = settings

    def create_upload(self, uid: str, *, filename: str, size: int, content_type: str) -> NewUpload:
        """A PENDING_UPLOAD document and a signed PUT URL for its PDF."""
        if content_type.split(";")[0].strip().lower() != PDF_CONTENT_TYPE:
            raise InvalidInput(
                "only PDF files are accepted", failure_class=FailureClass.UNSUPPORTED_MEDIA_TYPE
            )
        limit = self._settings.max_upload_bytes
        if not 0 < size <= limit:
            raise InvalidInput(
                f"the file must be between 1 byte and {limit} bytes",
                failure_class=FailureClass.FILE_TOO_LARGE if size > limit else FailureClass.INVALID_INPUT,
                detail={"max_bytes": limit},
            )
        self._check_quota(uid)
        now = self._clock.now()
        ttl = timedelta(seconds=min(self._settings.upload_url_ttl_s, 900))
        doc_id = uuid.uuid4().hex
        # The URL pins the exact declared size: confirmation checks it again anyway.
        upload = self._uploads.signed_upload_url(
            object_name(uid, doc_id),
            content_type=PDF_CONTENT_TYPE,
            max_bytes=size,
            min_bytes=size,
            expires_in=ttl,
        )
        document = Document(
            id=doc_id,
            uid=uid,
            filename=clean_filename(filename),
            declared_size=size,
            created_at=now,
            updated_at=now,
            upload_expires_at=upload.expires_at,
        )
        self._store.create(document.path, document.to_data())
        return NewUpload(document, upload)

    def get(self, uid: str, doc_id: str) -> Document:
        """One of the caller's documents."""
        return load(self._store, uid, doc_id)

    def list(self, uid: str, *, limit: int = 20, cursor: str | None = None) -> DocumentPage:
        """The caller's documents, newest first: one query per page."""
        found = page(self._store, Query(collection(uid), order_by=_NEWEST_FIRST), limit=limit, cursor=cursor)
        return DocumentPage([Document.model_validate(s.data) for s in found.items], found.next_cursor)

    def text(self, uid: str, doc_id: str) -> tuple[Document, str]:
        """The document and its extracted text; Conflict until it is EXTRACTED."""
        document = load(self._store, uid, doc_id)
        if document.state != DocumentState.EXTRACTED:
            raise Conflict(
                f"the text is not available: the document is {document.state}",
                detail={"state": str(document.state)},
            )
        try:
            data = self._texts.read(document.text_object)
        except NotFound:
            raise Conflict("the text is not available yet") from None
        return document, data.decode("utf-8")

    def delete(self, uid: str, doc_id: str) -> None:
        """Remove the record, the PDF and the text (blobs first, so a failure can be retried)."""
        document = load(self._store, uid, doc_id)
        self._uploads.delete(document.object_name)
        self._texts.delete(document.text_object)
        self._store.delete(document.path)

    def _check_quota(self, uid: str) -> None:
        quota = self._settings.document_quota
        snaps = self._store.query(
            Query(collection(uid), filters=(Filter("state", Op.IN, _COUNTED),), limit=quota)
        )
        if len(snaps) < quota:
            return
        cutoff = self._clock.now() - ABANDONED_AFTER
        abandoned = [
            s
            for s in snaps
            if s.data.get("state") == DocumentState.PENDING_UPLOAD and s.data["upload_expires_at"] < cutoff
        ]
        if len(snaps) - len(abandoned) >= quota:
            raise QuotaExceeded(
                f"you can keep at most {quota} documents; delete one first", detail={"quota": quota}
            )
        batch = self._store.batch()
        for snap in abandoned:
            batch.delete(snap.path)
        batch.commit()


def clean_filename(name: str) -> str:
    """The last path segment, without control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:200] or "document.pdf"
