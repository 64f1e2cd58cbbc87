"""Migration checkpoints (``migrations/{id}``): how far each data migration got.

The cursor is the path of the last document whose batch committed; the runner writes it in
the same transaction as that batch, so a crash never leaves it ahead of (or behind) the data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.domain.model import DomainModel
from shared.ports import DocumentStore, Transaction

COLLECTION = "migrations"
SCHEMA_VERSION = 1

Status = Literal["pending", "running", "done"]


class Checkpoint(DomainModel):
    """The stored state of one migration."""

    id: str
    group: str
    status: Status = "pending"
    cursor: str | None = None
    scanned: int = Field(0, ge=0)
    changed: int = Field(0, ge=0)
    batches: int = Field(0, ge=0)
    started_at: datetime | None = None
    updated_at: datetime | None = None
    finished_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION


def _path(migration_id: str) -> str:
    return f"{COLLECTION}/{migration_id}"


class MigrationCheckpoints:
    """Read and write checkpoints, alone or inside a migration batch's transaction."""

    collections = (COLLECTION,)

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def get(self, migration_id: str) -> Checkpoint | None:
        """The checkpoint, None when the migration never ran."""
        snap = self._store.get(_path(migration_id))
        return None if snap is None else Checkpoint.model_validate(snap.data)

    def read(self, tx: Transaction, migration_id: str) -> Checkpoint | None:
        """The checkpoint as the transaction sees it."""
        snap = tx.get(_path(migration_id))
        return None if snap is None else Checkpoint.model_validate(snap.data)

    def write(self, tx: Transaction, checkpoint: Checkpoint) -> None:
        """Store ``checkpoint`` in the transaction."""
        tx.set(_path(checkpoint.id), checkpoint.model_dump(mode="python"))

    def save(self, checkpoint: Checkpoint) -> None:
        """Store ``checkpoint`` outside any batch."""
        self._store.set(_path(checkpoint.id), checkpoint.model_dump(mode="python"))
