"""Confirming an uploaded PDF: from the finalize event, or from the client's explicit call.

The effect happens once per object generation: the key ``bucket/object#generation`` is
claimed with ``create`` in the same transaction that moves the document out of
PENDING_UPLOAD. A redelivered event finds its key claimed and only re-drives the follow-up
(enqueue the named extraction task, or delete a rejected object), which is itself
idempotent. Events about an older generation than the object's current one are ignored;
once a document is confirmed, later generations are ignored too (the first wins, and the
extraction task checks the bytes it reads against the confirmed sha256).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shared.channels import channel_of, enqueue
from shared.channels.extraction import ExtractionTask
from shared.domain.documents import PDF_CONTENT_TYPE, Document, DocumentState, parse_object_name
from shared.domain.errors import Conflict
from shared.domain.failures import FailureClass
from shared.repositories.documents import Documents

if TYPE_CHECKING:
    from shared.config import Settings
    from shared.ports import BlobInfo, BlobStore, Clock, TaskQueue
    from shared.topology import Topology

PDF_MAGIC = b"%PDF-"
_MAGIC_WINDOW = 1024  # readers accept the header anywhere in the first KiB
_log = logging.getLogger("career.documents")


@dataclass(frozen=True)
class _Verdict:
    failure_class: FailureClass | None = None
    message: str = ""
    sha256: str | None = None


def extraction_task_name(doc_id: str, generation: str) -> str:
    """The extraction task's name: one task per confirmed generation (the queue dedupes)."""
    return f"extract-{doc_id}-{generation}"


class UploadConfirmation:
    """Confirms uploads into UPLOADED (then extraction), REJECTED or a link to a twin."""

    def __init__(
        self,
        documents: Documents,
        uploads: BlobStore,
        texts: BlobStore,
        tasks: TaskQueue,
        clock: Clock,
        settings: Settings,
        topology: Topology,
    ) -> None:
        self._documents = documents
        self._uploads = uploads
        self._texts = texts
        self._tasks = tasks
        self._clock = clock
        self._settings = settings
        # An extraction is stuck once its task has outlived the queue's dispatch deadline.
        self._extraction_lease = timedelta(
            seconds=topology.queue(channel_of(ExtractionTask)).dispatch_deadline_s
        )

    def confirm_for_user(self, uid: str, doc_id: str) -> Document:
        """`POST /documents/{id}/confirm`: the same confirmation as the event's.

        An extraction stuck past its lease (its worker died) is queued again, so a user who
        confirms again is never left with "in progress" forever.
        """
        document = self._documents.load(uid, doc_id)
        if document.state == DocumentState.EXTRACTING and document.generation is not None:
            if self._clock.now() - document.updated_at > self._extraction_lease:
                # A name of its own per attempt: the first task's name is still taken.
                first = extraction_task_name(document.id, document.generation)
                enqueue(
                    self._tasks,
                    ExtractionTask(uid=document.uid, document_id=document.id, generation=document.generation),
                    name=f"{first}-r{document.extraction_attempts}",
                )
            return document
        if document.state != DocumentState.PENDING_UPLOAD:
            return document
        info = self._uploads.stat(document.object_name)
        if info is None:
            raise Conflict("the file has not been uploaded yet", detail={"state": str(document.state)})
        confirmed = self.confirm_object(info.bucket, info.name, generation=info.generation)
        return confirmed or self._documents.load(uid, doc_id)

    def confirm_object(self, bucket: str, name: str, *, generation: str | None) -> Document | None:
        """Confirm the object a finalize event names; None when it belongs to no document."""
        parsed = parse_object_name(name)
        if bucket != self._uploads.bucket or parsed is None:
            _log.warning("finalize event for an object outside the documents layout ignored")
            return None
        uid, doc_id = parsed
        info = self._uploads.stat(name)
        document = self._documents.get(uid, doc_id)
        if document is None:
            if info is not None:  # no pending document of this user: never keep the object
                self._uploads.delete(name)
            return None
        if info is None or (generation is not None and int(generation) < int(info.generation)):
            return document  # stale event: the object is gone or a newer generation replaced it
        key = f"{bucket}/{name}#{info.generation}"
        if document.state != DocumentState.PENDING_UPLOAD:
            return self._follow_up(document, info.generation)
        verdict = self._verdict(document, info)
        twin = self._extracted_twin(document, verdict.sha256) if verdict.sha256 else None
        if twin is not None:
            # Copy before the state change, so an EXTRACTED document always has its text.
            self._texts.write(document.text_object, self._texts.read(twin.text_object), content_type=_TEXT)
        now = self._clock.now()
        decided = self._documents.decide_once(
            document, key, lambda current: _decide(current, info, verdict, twin, now), now
        )
        return self._follow_up(decided, info.generation)

    # ------------------------------------------------------------------ steps
    def _verdict(self, document: Document, info: BlobInfo) -> _Verdict:
        limit = self._settings.max_upload_bytes
        if info.size > limit:
            return _Verdict(FailureClass.FILE_TOO_LARGE, f"The file is larger than {limit} bytes.")
        if info.size != document.declared_size:
            return _Verdict(
                FailureClass.UPLOAD_REJECTED,
                f"The uploaded file has {info.size} bytes, not the {document.declared_size} announced.",
            )
        if (info.content_type or "").split(";")[0].strip().lower() != PDF_CONTENT_TYPE:
            return _Verdict(FailureClass.UPLOAD_REJECTED, "The file was not uploaded as application/pdf.")
        data = self._uploads.read(info.name)
        if PDF_MAGIC not in data[:_MAGIC_WINDOW]:
            return _Verdict(FailureClass.UPLOAD_REJECTED, "The file is not a PDF.")
        return _Verdict(sha256=hashlib.sha256(data).hexdigest())

    def _extracted_twin(self, document: Document, sha256: str) -> Document | None:
        twins = self._documents.with_sha256(document.uid, sha256)
        extracted = [t for t in twins if t.id != document.id and t.state == DocumentState.EXTRACTED]
        return min(extracted, key=lambda t: (t.created_at, t.id)) if extracted else None

    def _follow_up(self, document: Document, generation: str) -> Document:
        # Re-run on every delivery of the same generation: both actions are idempotent.
        if document.generation != generation:
            return document
        if document.state == DocumentState.UPLOADED:
            enqueue(
                self._tasks,
                ExtractionTask(uid=document.uid, document_id=document.id, generation=generation),
                name=extraction_task_name(document.id, generation),
            )
        elif document.state == DocumentState.REJECTED:
            info = self._uploads.stat(document.object_name)
            if info is not None and info.generation == generation:
                self._uploads.delete(document.object_name)
        return document


_TEXT = "text/plain; charset=utf-8"


def _decide(
    current: Document, info: BlobInfo, verdict: _Verdict, twin: Document | None, now: datetime
) -> Document:
    """The pending document's next state: rejected, linked to its extracted twin, or uploaded."""
    if verdict.failure_class is not None:
        return current.rejected(
            verdict.failure_class, verdict.message, generation=info.generation, size=info.size, at=now
        )
    if twin is not None:
        return current.linked(twin, size=info.size, generation=info.generation, at=now)
    assert verdict.sha256 is not None  # a verdict without a failure always has the hash
    return current.uploaded(size=info.size, sha256=verdict.sha256, generation=info.generation, at=now)
