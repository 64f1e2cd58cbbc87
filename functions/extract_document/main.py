"""Cloud Tasks target of the extraction queue: extracts a confirmed CV's text with PyMuPDF.

pymupdf is imported on the first PDF, not here (see shared/adapters/pdf_text.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework
from pydantic import ValidationError

from shared.domain.errors import InvalidInput
from shared.edge.events import Task, run_task
from shared.edge.logs import configure
from shared.services.document_extraction import DocumentExtraction, ExtractionRequest

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container

QUEUE = "extraction"


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Validate the payload and run the extraction."""
    try:
        request = ExtractionRequest.model_validate(task.payload)
    except ValidationError:
        raise InvalidInput("extraction task payload needs uid and document_id") from None
    return container.make(DocumentExtraction).run(request, final_attempt=task.final_attempt)


@functions_framework.http
def extract_document(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="extract_document", queue=QUEUE)
