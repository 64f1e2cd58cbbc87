"""Housekeeping on the maintenance topic: MaintenanceTask ``sweep_runs`` fails runs stuck past their lease."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import decode
from shared.channels.maintenance import MaintenanceTask
from shared.edge.events import Event, run_event
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.repositories.runs import RunLedger

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """Run the named housekeeping; an unknown task is an invalid message (dead-lettered)."""
    decode(MaintenanceTask, event.data)  # sweep_runs is the only task there is
    container.make(RunLedger).sweep()


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.cloud_event
def maintenance(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="maintenance")
