"""Test wiring of the documents slice on the local backend (shared by the documents tests)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore, gcs_notification
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.documents import Document
from shared.messages import ExtractionTask, UploadFinalized, channel_of
from shared.ports import BlobInfo
from shared.services.documents import DocumentService
from shared.services.extraction_task import DocumentExtraction
from shared.services.operations import DeadLetterService
from shared.services.upload_confirmation import UploadConfirmation
from shared.topology import TOPOLOGY

UPLOADS = channel_of(UploadFinalized)

UID = "user-1"
OTHER = "user-2"


def make_pdf(
    text: str = "Senior Python engineer with experience in cloud systems and the data of the team",
) -> bytes:
    """A one-page PDF with a line of text."""
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    return doc.tobytes()


class World:
    """The documents slice wired on in-memory SQLite, a temp blob folder and a manual clock."""

    def __init__(
        self,
        tmp_path: Path,
        settings: Settings,
        clock: ManualClock,
        *,
        notify: bool = False,
        on_disk: bool = False,
    ) -> None:
        self.clock = clock
        # on_disk: the store and queue are files under tmp_path (a test can read every byte).
        store_file = str(tmp_path / "store.sqlite3") if on_disk else ":memory:"
        queue_file = str(tmp_path / "queue.sqlite3") if on_disk else ":memory:"
        self.store = SqliteDocumentStore(store_file, indexes=TOPOLOGY.indexes)
        # Dead letters reach the operator view (and settle their owners), as in `career serve`.
        self.queue = SqliteDeliveryQueue(
            queue_file, topology=TOPOLOGY, clock=clock, on_dead_letter=self._record_dead_letter
        )
        root, secret, base = tmp_path / "blobs", b"test-secret", "http://127.0.0.1:9"
        # With notify, every write publishes the GCS OBJECT_FINALIZE notification, as GCS does.
        self.uploads = FileBlobStore(
            root,
            settings.uploads_bucket,
            signing_secret=secret,
            base_url=base,
            clock=clock,
            on_finalize=self._announce if notify else None,
        )
        self.texts = FileBlobStore(
            root, settings.text_bucket, signing_secret=secret, base_url=base, clock=clock
        )
        self.container = Container(
            settings,
            store=self.store,
            uploads=self.uploads,
            texts=self.texts,
            delivery=self.queue,
            tasks=self.queue,
            publisher=self.queue,
            clock=clock,
            extractor=PyMuPdfExtractor(),
        )
        self.documents = self.container.make(DocumentService)
        self.confirmation = self.container.make(UploadConfirmation)
        self.extraction = self.container.make(DocumentExtraction)

    def _record_dead_letter(self, letter: DeadLetter) -> None:
        self.container.make(DeadLetterService).record(letter)

    def _announce(self, info: BlobInfo) -> None:
        data, attributes = gcs_notification(info)
        self.queue.publish(UPLOADS, data, attributes=attributes)

    def start(self, data: bytes, uid: str = UID) -> Document:
        """POST /documents for ``data``."""
        return self.documents.create_upload(
            uid, filename="cv.pdf", size=len(data), content_type="application/pdf"
        ).document

    def put(self, document: Document, data: bytes, *, content_type: str = "application/pdf") -> str:
        """The browser's PUT: a new object generation. Returns the generation."""
        self.clock.advance(seconds=1)
        return self.uploads.write(document.object_name, data, content_type=content_type).generation

    def finalize(self, document: Document, generation: str) -> Document | None:
        """One delivery of the finalize event."""
        return self.confirmation.confirm_object(
            self.uploads.bucket, document.object_name, generation=generation
        )

    def extract(self, document: Document) -> dict[str, object]:
        """One delivery of the extraction task."""
        return self.extraction.run(ExtractionTask(uid=document.uid, document_id=document.id))

    def upload_and_extract(self, data: bytes) -> Document:
        """The whole happy path for one file."""
        document = self.start(data)
        self.finalize(document, self.put(document, data))
        self.extract(document)
        return self.documents.get(UID, document.id)


@pytest.fixture
def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> Iterator[World]:
    """A fresh World per test."""
    w = World(tmp_path, settings, clock)
    yield w
    w.queue.close()
    w.store.close()
