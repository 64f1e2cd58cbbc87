"""Run data migrations (shared/migrations/): page, upgrade, write and checkpoint in one go.

Each batch is one transaction: it re-reads the batch's documents (a write the app made since
the scan is not lost), writes those ``up`` changed and moves the cursor. A run stopped at any
point (crash, deploy, the task's time budget) resumes after the last committed batch, and a
document migrated twice is left alone the second time. A dry run reads everything from the
start and writes nothing, not even the checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.errors import InvalidInput
from shared.migrations import Migration, discover, find
from shared.ports import Clock, DocumentStore, GroupScan, Transaction
from shared.repositories.migrations import Checkpoint, MigrationCheckpoints

MAX_BATCH = 400  # a Firestore transaction takes 500 writes; the checkpoint is one of them


@dataclass(frozen=True)
class Progress:
    """Where a run stands after a batch (or at its end)."""

    migration: str
    scanned: int
    changed: int
    cursor: str | None
    done: bool
    dry_run: bool


class MigrationRunner:
    """Status, plan and runs of the numbered migrations over the configured store."""

    def __init__(
        self,
        store: DocumentStore,
        checkpoints: MigrationCheckpoints,
        clock: Clock,
        migrations: tuple[Migration, ...] | None = None,
    ) -> None:
        if not isinstance(store, GroupScan):
            raise TypeError(f"{type(store).__name__} cannot scan collection groups")
        self._store = store
        self._scan: GroupScan = store
        self._checkpoints = checkpoints
        self._clock = clock
        self._migrations = discover() if migrations is None else migrations

    def status(self) -> list[tuple[Migration, Checkpoint]]:
        """Every migration with its checkpoint (a pending one when it never ran)."""
        return [
            (m, self._checkpoints.get(m.id) or Checkpoint(id=m.id, group=m.group)) for m in self._migrations
        ]

    def plan(self) -> list[Migration]:
        """Migrations not finished yet, in the order they run."""
        return [m for m, c in self.status() if c.status != "done"]

    def find(self, key: str) -> Migration:
        """A migration by id or number."""
        return find(key, self._migrations)

    def run(
        self,
        migration: Migration,
        *,
        dry_run: bool = False,
        batch_size: int = 200,
        progress: Callable[[Progress], None] | None = None,
        keep_going: Callable[[], bool] = lambda: True,
    ) -> Progress:
        """Run (or resume) ``migration`` until the group is exhausted or ``keep_going`` says stop."""
        if not 1 <= batch_size <= MAX_BATCH:
            raise InvalidInput(f"batch size must be 1..{MAX_BATCH}, not {batch_size}")
        start = None if dry_run else self._checkpoints.get(migration.id)
        if start is not None and start.status == "done":
            return Progress(migration.id, start.scanned, start.changed, start.cursor, True, False)
        scanned, changed = (start.scanned, start.changed) if start else (0, 0)
        cursor = start.cursor if start else None
        while keep_going():
            page = self._scan.scan_group(migration.group, after=cursor, limit=batch_size)
            if not page:
                now = self._clock.now()
                if not dry_run:
                    done = self._checkpoints.get(migration.id) or Checkpoint(
                        id=migration.id, group=migration.group
                    )
                    self._checkpoints.save(
                        done.model_copy(update={"status": "done", "finished_at": now, "updated_at": now})
                    )
                result = Progress(migration.id, scanned, changed, cursor, True, dry_run)
                if progress:
                    progress(result)
                return result
            paths = [s.path for s in page]
            if dry_run:
                changed += sum(1 for s in page if migration.up(s.data) is not None)
            else:
                changed += self._commit(migration, paths)
            scanned += len(page)
            cursor = paths[-1]
            if progress:
                progress(Progress(migration.id, scanned, changed, cursor, False, dry_run))
        return Progress(migration.id, scanned, changed, cursor, False, dry_run)

    def _commit(self, migration: Migration, paths: list[str]) -> int:
        def apply(tx: Transaction) -> int:
            return self._batch(tx, migration, paths)

        return self._store.run_transaction(apply)

    def _batch(self, tx: Transaction, migration: Migration, paths: list[str]) -> int:
        """One transaction: read the batch and the checkpoint, write upgrades and the new cursor."""
        snaps = [tx.get(p) for p in paths]
        before = self._checkpoints.read(tx, migration.id)
        now = self._clock.now()
        upgrades = [
            (s.path, new) for s in snaps if s is not None and (new := migration.up(s.data)) is not None
        ]
        for path, data in upgrades:
            tx.set(path, data)
        base = before or Checkpoint(id=migration.id, group=migration.group, started_at=now)
        self._checkpoints.write(
            tx,
            base.model_copy(
                update={
                    "status": "running",
                    "cursor": paths[-1],
                    "scanned": base.scanned + len(paths),
                    "changed": base.changed + len(upgrades),
                    "batches": base.batches + 1,
                    "updated_at": now,
                }
            ),
        )
        return len(upgrades)
