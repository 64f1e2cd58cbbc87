"""extraction (queue): extract the text of one uploaded document."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message


class ExtractionTask(Message):
    """extraction: extract the text of document ``document_id`` of user ``uid``
    (``generation`` is the confirmed object generation, when known)."""

    uid: str = Field(min_length=1, max_length=128)
    document_id: str = Field(min_length=1, max_length=128)
    generation: str | None = None
