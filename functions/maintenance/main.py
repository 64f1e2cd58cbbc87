"""Housekeeping on the maintenance topic: ``{"task": "sweep_runs"}`` fails runs stuck past their lease."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.domain.errors import InvalidInput
from shared.edge.events import Event, run_event
from shared.edge.logs import configure
from shared.services.run_ledger import RunLedger

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """Dispatch on the task name; an unknown task is acknowledged as invalid input."""
    task = event.data.get("task")
    if task != "sweep_runs":
        raise InvalidInput(f"unknown maintenance task {task!r}")
    container.make(RunLedger).sweep()


@functions_framework.cloud_event
def maintenance(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="maintenance")
