"""Everything stored about one user, found by reads bounded by the user's own data (data rights).

The whole subtree ``users/{uid}`` (every collection at any depth, present or future), plus
the documents of the other root collections that the topology manifest declares as naming a
user (``Topology.user_references``): each is read by one query on the user, so an erasure
reads what concerns the user and never the shared collections (offers, features, crawls).
``scan_elsewhere`` still reads every root collection and tests every document: an audit an
operator asks for (``career users audit``), never part of an export or an erasure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

from shared.ports import DocumentStore, Filter, Op, Query, Snapshot, StoreWalk, iter_pages
from shared.topology import Topology, UserReference

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


def user_prefix_range(uid: str) -> tuple[str, str]:
    """Bounds of every path under ``users/{uid}/``: ``lower <= path < upper`` ('0' follows '/')."""
    return f"{USERS}/{uid}/", f"{USERS}/{uid}0"


class UserData:
    """Finds and deletes what the store holds about a user."""

    def __init__(self, store: DocumentStore, walker: StoreWalk, topology: Topology) -> None:
        self._store = store
        self._walker = walker
        self._references = topology.user_references

    def subtree(self, uid: str) -> list[Snapshot]:
        """Every document at or below ``users/{uid}``."""
        return list(self._walker.walk(f"{USERS}/{uid}"))

    def elsewhere(self, uid: str) -> Iterator[Snapshot]:
        """Every document of a declared root collection that names ``uid`` (queries only)."""
        for reference in self._references:
            yield from self._referencing(reference, uid)

    def scan_elsewhere(self, uid: str) -> Iterator[Snapshot]:
        """Every document of any root collection besides ``users`` that names ``uid``.

        Reads the whole store: for an operator's audit only, never on the user's requests.
        """
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

    def _referencing(self, reference: UserReference, uid: str) -> Iterator[Snapshot]:
        if reference.kind == "id":
            found = self._store.get(f"{reference.collection}/{uid}")
            if found is not None:
                yield found
            return
        if reference.kind == "field":
            filters: tuple[Filter, ...] = (Filter(reference.field, Op.EQ, uid),)
        else:
            lower, upper = user_prefix_range(uid)
            filters = (Filter(reference.field, Op.GE, lower), Filter(reference.field, Op.LT, upper))
        yield from iter_pages(self._store, Query(reference.collection, filters))
