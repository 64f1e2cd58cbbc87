"""The migrations queue's handler: run one migration for a time budget, then hand over.

A task runs batches until the migration is done or its budget (well inside the queue's
dispatch deadline) is spent; then it enqueues its successor, named after the checkpoint's
batch count, so a retried task never queues two successors.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from shared.channels import enqueue
from shared.channels.migrations import MigrationTask
from shared.ports import TaskQueue
from shared.services.migrations import MigrationRunner

BUDGET_S = 420.0  # the queue's dispatch deadline is 540 s


class MigrationTasks:
    """Runs MigrationTask payloads on the migration runner."""

    def __init__(
        self,
        runner: MigrationRunner,
        tasks: TaskQueue,
        budget_s: float = BUDGET_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._runner = runner
        self._tasks = tasks
        self._budget_s = budget_s
        self._monotonic = monotonic

    def run(self, task: MigrationTask) -> dict[str, Any]:
        """Run ``task``'s migration until done or out of time; re-queue the rest."""
        migration = self._runner.find(task.migration_id)
        deadline = self._monotonic() + self._budget_s
        result = self._runner.run(
            migration, batch_size=task.batch_size, keep_going=lambda: self._monotonic() < deadline
        )
        successor = None
        if not result.done:
            successor = enqueue(self._tasks, task, name=self.task_name(migration.id, result.scanned))
        return {
            "migration": migration.id,
            "scanned": result.scanned,
            "changed": result.changed,
            "done": result.done,
            "continued_as": successor,
        }

    @staticmethod
    def task_name(migration_id: str, scanned: int) -> str:
        """A task name unique per migration and position (Cloud Tasks de-duplicates on it)."""
        return f"migrate-{migration_id.replace('_', '-')}-{scanned}"

    def enqueue_all(self, migration_ids: list[str], batch_size: int) -> list[str]:
        """One task per migration to run (the deploy workflow calls this after a release)."""
        return [
            enqueue(self._tasks, MigrationTask(migration_id=m, batch_size=batch_size), name=None)
            for m in migration_ids
        ]
