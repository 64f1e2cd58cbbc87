"""migrations (queue): run or resume one data migration."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message


class MigrationTask(Message):
    """migrations: run (or resume) data migration ``migration_id`` in batches of ``batch_size``."""

    migration_id: str = Field(pattern=r"^\d{4}_[a-z0-9_]+$")
    batch_size: int = Field(200, ge=1, le=400)
