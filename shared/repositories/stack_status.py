"""What the local stack holds, counted across users: the data behind ``career status``.

Collection-group counts need a store that offers them (the local SQLite store does); each
number is one grouped query, however many users there are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from shared.domain.errors import InvalidInput
from shared.ports import DocumentStore, Query

USERS = "users"


@runtime_checkable
class GroupCounting(Protocol):
    """A store that counts a collection group, grouped by a field."""

    def count_group(self, collection_id: str, field: str | None = None) -> list[tuple[str, Any, int]]: ...


@dataclass(frozen=True)
class StackCounts:
    """Counts across the whole stack."""

    users: int
    documents: dict[str, int] = field(default_factory=dict)
    profile_versions: int = 0
    users_with_profiles: int = 0
    offers_open: int = 0
    offers_closed: int = 0
    matches: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)


class StackStatusRepository:
    """Reads the counts of ``career status``."""

    def __init__(self, store: DocumentStore) -> None:
        if not isinstance(store, GroupCounting):
            raise InvalidInput(
                "this store cannot count collection groups (career status reads the local stack)"
            )
        self._store = store
        self._counts: GroupCounting = store

    def _uids(self, collection_id: str) -> set[str]:
        return {parent.split("/")[1] for parent, _, _ in self._counts.count_group(collection_id)}

    def counts(self) -> StackCounts:
        """Every count, one grouped query each."""
        documents: Counter[str] = Counter()
        for _, state, n in self._counts.count_group("documents", "state"):
            documents[str(state)] += n
        profiles = self._counts.count_group("career_profiles")
        offers = self._counts.count_group("job_offers", "closed_at")
        letters: Counter[str] = Counter()
        for _, status, n in self._counts.count_group("dead_letters", "status"):
            letters[str(status)] += n
        users = {s.path.split("/")[1] for s in self._store.query(Query(USERS))}
        for sub in ("inputs", "documents", "career_profiles"):
            users |= self._uids(sub)
        return StackCounts(
            users=len(users),
            documents=dict(sorted(documents.items())),
            profile_versions=sum(n for _, _, n in profiles),
            users_with_profiles=len({p.split("/")[1] for p, _, _ in profiles}),
            offers_open=sum(n for _, closed, n in offers if closed is None),
            offers_closed=sum(n for _, closed, n in offers if closed is not None),
            matches=sum(n for _, _, n in self._counts.count_group("matches")),
            dead_letters=dict(sorted(letters.items())),
        )
