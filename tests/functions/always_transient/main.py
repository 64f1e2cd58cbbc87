"""A push function whose handler always fails transiently: Pub/Sub must retry, then dead-letter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.domain.errors import TransientError
from shared.domain.failures import FailureClass
from shared.edge.events import Event, run_event

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """Fail as a dependency outage would: raise, so the push is answered 500 and redelivered."""
    raise TransientError(f"simulated outage while handling {event.id}", failure_class=FailureClass.TIMEOUT)


@functions_framework.cloud_event
def always_transient(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push), standing in for the maintenance function it replaces."""
    run_event(cloud_event, handle, function="maintenance")
