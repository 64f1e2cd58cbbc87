"""Data migrations: numbered modules ``NNNN_<what>.py``, each upgrading one collection group.

Each module defines ``MIGRATION = Migration(...)``. Its ``up`` takes one stored document and
returns the upgraded document, or None when the document is already in the target shape, so
a second run changes nothing (idempotent by construction). ``up`` is pure: no I/O, no clock.
The runner (shared/services/migrations.py) pages through the group, writes in transactions
and keeps a cursor in the ``migrations`` collection, so a crashed run resumes where it stopped.

Expand, then contract: the release that starts writing version N still reads N-1 (a reader
upgrades an N-1 document with the same ``up``), the migration then rewrites what is stored,
and only a later release may stop reading N-1.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

Data = dict[str, Any]
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+$")


@dataclass(frozen=True)
class Migration:
    """One numbered migration of one collection group."""

    id: str  # the module name, e.g. "0001_profile_claims_schema_version"
    group: str  # the collection id every document of which is offered to ``up``
    description: str
    target_version: int  # the schema_version ``up`` produces
    up: Callable[[Data], Data | None]

    @property
    def number(self) -> int:
        """The NNNN prefix."""
        return int(self.id[:4])


class MigrationNotFound(LookupError):
    """No migration module has this id or number."""


@cache
def discover() -> tuple[Migration, ...]:
    """Every migration module of this package, in number order (numbers must be unique)."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        if not _NAME.match(info.name):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        migration = module.MIGRATION
        if not isinstance(migration, Migration) or migration.id != info.name:
            raise TypeError(f"{info.name}: MIGRATION must be a Migration whose id is the module name")
        found.append(migration)
    found.sort(key=lambda m: m.id)
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"two migrations share a number: {[m.id for m in found]}")
    return tuple(found)


def find(key: str, migrations: tuple[Migration, ...] | None = None) -> Migration:
    """A migration by id (``0001_x``) or number (``1``, ``0001``)."""
    for migration in discover() if migrations is None else migrations:
        if key == migration.id or (key.isdigit() and int(key) == migration.number):
            return migration
    raise MigrationNotFound(f"no migration {key!r}")
