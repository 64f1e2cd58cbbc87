"""uploads: what Cloud Storage announces when an upload is finalized."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from shared.channels import Message


class UploadFinalized(Message):
    """uploads: Google's OBJECT_FINALIZE notification of the uploads bucket (its JSON object
    resource; only what confirmation needs is read). Google sends no schema_version: 1 is it."""

    bucket: str
    name: str
    generation: Annotated[str, BeforeValidator(str)]
