"""A delivery worker that dies mid-extraction (run as a subprocess by test_crash_recovery.py).

It makes one user's document, confirms it (which queues the extraction task), then serves the
queue with the real extract_document function whose PDF reader blocks after the document has
moved to EXTRACTING: it writes ``marker`` and waits to be killed with SIGKILL.

    python -m tests.e2e.crash_worker <uid> <marker>
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pymupdf

from shared import bootstrap
from shared.config import get_settings
from shared.localstack.function_feed import register_functions
from shared.localstack.stack import FUNCTIONS_DIR
from shared.ports import ExtractedText
from shared.services.documents import DocumentService
from shared.services.upload_confirmation import UploadConfirmation
from shared.topology import TOPOLOGY


class BlockingExtractor:
    """A PDF reader that hangs mid-extraction, announcing it first."""

    def __init__(self, marker: Path) -> None:
        self._marker = marker

    def extract(self, data: bytes, **_: object) -> ExtractedText:
        self._marker.write_text("extracting")
        while True:
            time.sleep(1)


def main(uid: str, marker: Path) -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    container = bootstrap.Container(settings, TOPOLOGY, extractor=BlockingExtractor(marker))
    bootstrap.install(container)
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), "Senior Python engineer, cloud systems, data platforms")
    data = pdf.tobytes()
    document = (
        container.make(DocumentService)
        .create_upload(uid, filename="cv.pdf", size=len(data), content_type="application/pdf")
        .document
    )
    container.uploads.write(document.object_name, data, content_type="application/pdf")
    container.make(UploadConfirmation).confirm_for_user(uid, document.id)
    print(document.id, flush=True)
    register_functions(container.delivery, TOPOLOGY, FUNCTIONS_DIR, project=settings.project_id)
    container.delivery.start()
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
