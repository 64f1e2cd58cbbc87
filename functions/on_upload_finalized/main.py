"""Confirms an uploaded CV when its object is finalized, then queues its extraction.

Accepts both shapes of the event: the GCS notification wrapped in a Pub/Sub push (the path
this project deploys, with a dead-letter topic) and the Eventarc storage CloudEvent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import decode
from shared.channels.uploads import UploadFinalized
from shared.edge.events import Event, run_event
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.services.upload_confirmation import UploadConfirmation

if TYPE_CHECKING:
    from shared.bootstrap import Container

# Pub/Sub notification attribute eventType, or the Eventarc CloudEvent type.
FINALIZED = frozenset({"OBJECT_FINALIZE", "google.cloud.storage.object.v1.finalized"})


def handle(event: Event, container: Container) -> None:
    """Confirm the finalized object; other storage events are acknowledged untouched."""
    if (event.attributes.get("eventType") or event.type) not in FINALIZED:
        return
    obj = decode(UploadFinalized, event.data)
    container.make(UploadConfirmation).confirm_object(obj.bucket, obj.name, generation=obj.generation)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.cloud_event
def on_upload_finalized(cloud_event: Any) -> None:
    """Entry point: decode the event and confirm the upload."""
    configure()
    run_event(cloud_event, handle, function="on_upload_finalized")
