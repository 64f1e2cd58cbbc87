"""Everything stored about one user, found in the store itself (data rights).

The whole subtree ``users/{uid}`` (every collection at any depth, present or future), plus
every document of any other root collection that names the user: its path or its data holds
the uid as a whole token (idempotency keys, dead letters, per-offer references, call logs).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

from shared.ports import DocumentStore, Query, Snapshot, StoreWalk, iter_pages

USERS = "users"
ROOT = "root"  # the users/{uid} document itself


def names_user(snapshot: Snapshot, uid: str) -> bool:
    """Whether a document's path or data holds ``uid`` as a whole token."""
    pattern = re.compile(rf"(?<![A-Za-z0-9_\-]){re.escape(uid)}(?![A-Za-z0-9_\-])")
    return bool(pattern.search(snapshot.path) or pattern.search(json.dumps(snapshot.data, default=str)))


def relative_collection(uid: str, path: str) -> str:
    """``users/u/notebook/e1/scores/h`` -> ``notebook/scores``; ``users/u`` -> ``root``."""
    parts = path.split("/")[2:]
    return "/".join(parts[0::2]) or ROOT


class UserData:
    """Finds and deletes what the store holds about a user."""

    def __init__(self, store: DocumentStore, walker: StoreWalk) -> None:
        self._store = store
        self._walker = walker

    def subtree(self, uid: str) -> list[Snapshot]:
        """Every document at or below ``users/{uid}``."""
        return list(self._walker.walk(f"{USERS}/{uid}"))

    def elsewhere(self, uid: str) -> Iterator[Snapshot]:
        """Every document of another root collection that names ``uid``."""
        for root in self._walker.root_collections():
            if root == USERS:
                continue
            for snap in iter_pages(self._store, Query(root)):
                if names_user(snap, uid):
                    yield snap

    def delete(self, paths: Sequence[str]) -> None:
        """Delete documents, deepest first, in batches under Firestore's 500 writes."""
        ordered = sorted(set(paths), key=lambda p: p.count("/"), reverse=True)
        for start in range(0, len(ordered), 400):
            batch = self._store.batch()
            for path in ordered[start : start + 400]:
                batch.delete(path)
            batch.commit()
