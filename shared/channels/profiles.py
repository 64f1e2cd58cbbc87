"""profiles (queue): generate the career profile of one extracted document."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message


class ProfileTask(Message):
    """profiles: generate (or find the cached) career profile of one extracted document."""

    uid: str = Field(min_length=1, max_length=128)
    document_id: str = Field(min_length=1, max_length=128)
