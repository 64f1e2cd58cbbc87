"""Declared user references on each backend: every kind finds the user's documents by its query
(Firestore's single-field indexes serve them), and nothing of another user, even one whose uid
starts with this one's."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from shared.ports import DocumentStore, StoreWalk
from shared.repositories.user_data import UserData
from shared.topology import TOPOLOGY, UserReference


@pytest.fixture
def suffix() -> str:
    """Root collections no other test uses (the emulator keeps data for the whole session)."""
    return uuid.uuid4().hex[:10]


def _user_data(store: DocumentStore, suffix: str) -> UserData:
    walker: StoreWalk = store  # type: ignore[assignment]  # both stores implement it
    references = (
        UserReference(f"keyed_{suffix}", "id"),
        UserReference(f"owned_{suffix}", "field", "uid"),
        UserReference(f"claims_{suffix}", "path", "document"),
    )
    return UserData(store, walker, dataclasses.replace(TOPOLOGY, user_references=references))


class TestDeclaredReferences:
    def test_each_kind_finds_the_users_documents_and_no_one_elses(
        self, document_store: DocumentStore, suffix: str
    ) -> None:
        uid = uuid.uuid4().hex[:16]
        others = [f"{uid}x", f"{uid}-2", f"a{uid}", uuid.uuid4().hex[:16]]
        mine = [
            f"keyed_{suffix}/{uid}",
            f"owned_{suffix}/m1",
            f"owned_{suffix}/m2",
            f"claims_{suffix}/c1",
            f"claims_{suffix}/c2",
        ]
        document_store.set(mine[0], {"profile_version": 1})
        document_store.set(mine[1], {"uid": uid, "n": 1})
        document_store.set(mine[2], {"uid": uid, "n": 2})
        document_store.set(mine[3], {"document": f"users/{uid}/documents/d1"})
        document_store.set(mine[4], {"document": f"users/{uid}/documents/d2"})
        for n, other in enumerate(others):
            document_store.set(f"keyed_{suffix}/{other}", {"profile_version": 1})
            document_store.set(f"owned_{suffix}/o{n}", {"uid": other})
            document_store.set(f"claims_{suffix}/o{n}", {"document": f"users/{other}/documents/d1"})
        document_store.set(f"claims_{suffix}/bare", {"document": f"users/{uid}"})  # not below it

        found = sorted(s.path for s in _user_data(document_store, suffix).elsewhere(uid))

        assert found == sorted(mine)

    def test_a_user_with_nothing_stored_finds_nothing(
        self, document_store: DocumentStore, suffix: str
    ) -> None:
        document_store.set(f"owned_{suffix}/o1", {"uid": "someone"})

        assert list(_user_data(document_store, suffix).elsewhere(uuid.uuid4().hex)) == []
