"""Records every message Pub/Sub forwards to a dead-letter topic in the operators' view.

Each DLQ topic has a push subscription to this function. The forwarded message (a
DeadLetterForward) carries the original payload and attributes plus
CloudPubSubDeadLetterSource* attributes naming the subscription that gave up; recording is
one idempotent create, so a redelivery is harmless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels.dead_letters import DeadLetterForward
from shared.edge.events import Event, run_event
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.services.operations import DeadLetterService

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """Record the dead-lettered message (InvalidInput, acknowledged, when it is not one)."""
    forward = DeadLetterForward.from_push(event.id, event.data, event.attributes)
    container.make(DeadLetterService).record_forward(forward)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.cloud_event
def record_dead_letter(cloud_event: Any) -> None:
    """Entry point: decode the push and record the dead letter."""
    configure()
    run_event(cloud_event, handle, function="record_dead_letter")
