"""Backends of the port contracts: each contract test runs once per registered backend.

Backends are registered in STORE_FACTORIES (a generator factory per name) and marked through
BACKEND_MARKS: ``local`` (in-memory SQLite) and ``firestore`` (the emulator, marked
``emulator``). Adding a backend touches this file only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.ports import DocumentStore
from shared.topology import CompositeIndex, IndexField

# Contract collections live at ``contract_<uuid>/run/items`` so a shared emulator stays
# isolated per test while the collection group ("items") is stable for declared indexes.
GROUP = "items"

# Composite indexes the contract's own queries need (the local store enforces them).
CONTRACT_INDEXES = (
    CompositeIndex(GROUP, (IndexField("rank"), IndexField("n", "DESCENDING"))),
    CompositeIndex(GROUP, (IndexField("kind"), IndexField("n"))),
)

StoreFactory = Callable[[], Iterator[DocumentStore]]


def _local_store() -> Iterator[DocumentStore]:
    store = SqliteDocumentStore(indexes=CONTRACT_INDEXES)
    yield store
    store.close()


def _firestore_store() -> Iterator[DocumentStore]:
    # The emulator marker has already pointed FIRESTORE_EMULATOR_HOST at the session's emulator.
    from shared.adapters.gcp.firestore_store import FirestoreDocumentStore
    from tests.emulators.catalog import PROJECT

    store = FirestoreDocumentStore(PROJECT, indexes=CONTRACT_INDEXES)
    yield store
    store.close()


# The extension hook: backend name -> generator factory (setup, yield the store, teardown).
STORE_FACTORIES: dict[str, StoreFactory] = {"local": _local_store, "firestore": _firestore_store}
BACKEND_MARKS: dict[str, tuple[pytest.MarkDecorator, ...]] = {
    "firestore": (pytest.mark.emulator("firestore"),)
}


@pytest.fixture(params=[pytest.param(name, marks=BACKEND_MARKS.get(name, ())) for name in STORE_FACTORIES])
def document_store(request: pytest.FixtureRequest) -> Iterator[DocumentStore]:
    """A fresh DocumentStore of each registered backend."""
    yield from STORE_FACTORIES[request.param]()


@pytest.fixture
def collection() -> str:
    """A uuid-isolated collection path whose collection group is GROUP."""
    return f"contract_{uuid.uuid4().hex[:12]}/run/{GROUP}"
