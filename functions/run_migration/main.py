"""Cloud Tasks target of the migrations queue: runs one data migration for a time budget.

Each batch commits with its cursor (shared/services/migrations.py), so a retried or
re-queued task resumes where the last one stopped; a done migration returns at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.migrations import MigrationTask
from shared.edge.events import Task, run_task
from shared.edge.logs import configure
from shared.services.migration_tasks import MigrationTasks
from shared.services.migrations import MigrationRunner

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the MigrationTask and run it."""
    runner = container.make(MigrationRunner)
    return container.make(MigrationTasks, runner=runner).run(decode(MigrationTask, task.payload))


@functions_framework.http
def run_migration(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="run_migration", queue=channel_of(MigrationTask))
