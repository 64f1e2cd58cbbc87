"""Data rights: everything stored for a user in one export, and a cascading hard delete.

What belongs to a user: the whole subtree ``users/{uid}`` (every collection, at any depth,
present or future), plus the documents of the root collections the topology manifest declares
as naming a user (``Topology.user_references``: idempotency keys, dead letters, per-offer
references, call logs), each found by a query on the user, so neither export nor erasure reads
the shared collections (offers and their features). ``audit`` reads the whole store to check
the declarations, for operators. Files come from the user's document records: the PDF (as a
short-lived signed URL) and the extracted text.

Erasure is idempotent and resumable: each step deletes what is still there, so a retried or
replayed task finishes the job. The identity goes last, so a failure before it leaves an
account that can still be erased again; queued work for the user then finds no records and
ends as a no-op, and a follow-up pass sweeps anything such work wrote in between.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.channels import enqueue
from shared.channels.account_deletion import AccountDeletion
from shared.domain.documents import object_name, text_object_name
from shared.ports import BlobStore, Clock, Identity, Snapshot, TaskQueue
from shared.repositories.user_data import UserData, relative_collection
from shared.services.otp import OneTimeCodes

EXPORT_URL_TTL = timedelta(minutes=15)
FOLLOW_UP_SWEEP = timedelta(minutes=30)
_DOCUMENTS = "documents"


# defer_build: each model's validator is built on its first use (an erasure builds the
# report only, never the export's models; docs/decisions/0090-cold-start-budget.md).
class StoredItem(BaseModel):
    """One stored document, as stored."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    path: str
    data: dict[str, Any]


class ExportedFile(BaseModel):
    """One uploaded CV: a signed URL to the PDF and its extracted text."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    document_id: str
    filename: str | None
    state: str | None
    pdf_url: str | None
    pdf_url_expires_at: datetime | None
    extracted_text: str | None


class IdentityRecord(BaseModel):
    """What the identity provider holds."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    email: str | None
    email_verified: bool
    role: str
    display_name: str | None


class AccountExport(BaseModel):
    """GET /me/export: everything stored for the caller."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    schema_version: int = 1
    uid: str
    exported_at: datetime
    identity: IdentityRecord | None
    # Relative collection path ("root" for users/{uid} itself, "documents",
    # "notebook/scores", ...) -> its documents.
    collections: dict[str, list[StoredItem]]
    # Documents outside users/{uid} that name the user.
    elsewhere: list[StoredItem]
    files: list[ExportedFile]


class ErasureReport(BaseModel):
    """What one erasure pass removed."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    documents: int
    elsewhere: int
    blobs: int
    identity_deleted: bool


class AuditReport(BaseModel):
    """What the whole store holds about a user (``career users audit``): an operator's check."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    uid: str
    documents: int  # at or below users/{uid}
    # Documents outside users/{uid} naming the user that the declared references find
    # (what an erasure deletes), and those none finds: a collection missing from
    # TOPOLOGY.user_references, which an erasure would leave behind.
    declared: list[str]
    undeclared: list[str]


class DataRights:
    """Export and erasure of one user's data."""

    def __init__(
        self,
        user_data: UserData,
        uploads: BlobStore,
        texts: BlobStore,
        identity: Identity,
        one_time_codes: OneTimeCodes,
        tasks: TaskQueue,
        clock: Clock,
    ) -> None:
        self._data = user_data
        self._uploads = uploads
        self._texts = texts
        self._identity = identity
        self._codes = one_time_codes
        self._tasks = tasks
        self._clock = clock

    # ------------------------------------------------------------------ export
    def export(self, uid: str) -> AccountExport:
        """One document with everything stored for ``uid``."""
        stored = self._data.subtree(uid)
        collections: dict[str, list[StoredItem]] = {}
        for snap in stored:
            collections.setdefault(relative_collection(uid, snap.path), []).append(_item(snap))
        user = self._identity.user(uid)
        identity = (
            None
            if user is None
            else IdentityRecord(
                email=user.email,
                email_verified=user.email_verified,
                role=user.role.value,
                display_name=user.display_name,
            )
        )
        files = [
            self._file(uid, snap) for snap in stored if relative_collection(uid, snap.path) == _DOCUMENTS
        ]
        return AccountExport(
            uid=uid,
            exported_at=self._clock.now(),
            identity=identity,
            collections=collections,
            elsewhere=[_item(s) for s in self._data.elsewhere(uid)],
            files=files,
        )

    def _file(self, uid: str, snap: Snapshot) -> ExportedFile:
        pdf, text = object_name(uid, snap.id), text_object_name(uid, snap.id)
        url = expires = None
        if self._uploads.exists(pdf):
            url = self._uploads.signed_download_url(pdf, expires_in=EXPORT_URL_TTL)
            expires = self._clock.now() + EXPORT_URL_TTL
        extracted = self._texts.read(text).decode("utf-8", "replace") if self._texts.exists(text) else None
        state, filename = snap.data.get("state"), snap.data.get("filename")
        return ExportedFile(
            document_id=snap.id,
            filename=filename if isinstance(filename, str) else None,
            state=str(state) if state is not None else None,
            pdf_url=url,
            pdf_url_expires_at=expires,
            extracted_text=extracted,
        )

    def audit(self, uid: str) -> AuditReport:
        """Read the whole store for documents naming ``uid`` (slow: every root collection)."""
        declared = {s.path for s in self._data.elsewhere(uid)}
        scanned = {s.path for s in self._data.scan_elsewhere(uid)}
        return AuditReport(
            uid=uid,
            documents=len(self._data.subtree(uid)),
            declared=sorted(declared),
            undeclared=sorted(scanned - declared),
        )

    # ------------------------------------------------------------------ erasure
    def request_erasure(self, uid: str) -> None:
        """End every session now and queue the erasure (idempotent)."""
        if self._identity.user(uid) is not None:
            self._identity.revoke(uid)
        enqueue(self._tasks, AccountDeletion(uid=uid), name=_task_name(uid, "erase"))

    def erase(self, uid: str, *, follow_up: bool = True) -> ErasureReport:
        """Delete every blob, every document under and about ``uid``, the codes, then the identity."""
        user = self._identity.user(uid)
        stored = self._data.subtree(uid)
        email = user.email if user is not None else _account_email(stored)
        blobs = 0
        for snap in stored:
            if relative_collection(uid, snap.path) == _DOCUMENTS:
                for bucket, name in (
                    (self._uploads, object_name(uid, snap.id)),
                    (self._texts, text_object_name(uid, snap.id)),
                ):
                    if bucket.exists(name):
                        bucket.delete(name)
                        blobs += 1
        about = list(self._data.elsewhere(uid))
        self._data.delete([s.path for s in stored] + [s.path for s in about])
        if email:
            self._codes.forget(email)
        if user is not None:
            self._identity.delete_user(uid)
        if follow_up:
            # Work queued before the request may still write for the user: sweep once more.
            enqueue(
                self._tasks,
                AccountDeletion(uid=uid, follow_up=False),
                name=_task_name(uid, "sweep"),
                schedule_at=self._clock.now() + FOLLOW_UP_SWEEP,
            )
        return ErasureReport(
            documents=len(stored), elsewhere=len(about), blobs=blobs, identity_deleted=user is not None
        )


def _item(snap: Snapshot) -> StoredItem:
    return StoredItem(path=snap.path, data=json.loads(json.dumps(snap.data, default=_json_default)))


def _json_default(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _account_email(stored: list[Snapshot]) -> str | None:
    for snap in stored:
        if snap.path.count("/") == 1:
            email = snap.data.get("email")
            return email if isinstance(email, str) else None
    return None


def _task_name(uid: str, step: str) -> str:
    # Task names show in the queue's console and logs: they carry a digest, not the uid.
    return f"{step}-{hashlib.sha256(uid.encode()).hexdigest()[:32]}"
