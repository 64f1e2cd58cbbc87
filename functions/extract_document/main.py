"""Cloud Tasks target of the extraction queue: extracts a confirmed CV's text with PyMuPDF.

pymupdf is imported on the first PDF, not here (see shared/adapters/pdf_text.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.extraction import ExtractionTask
from shared.edge.events import Task, run_task
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.services.extraction_task import DocumentExtraction

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the ExtractionTask and run the extraction."""
    request = decode(ExtractionTask, task.payload)
    return container.make(DocumentExtraction).run(request, final_attempt=task.final_attempt)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.http
def extract_document(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="extract_document", queue=channel_of(ExtractionTask))
