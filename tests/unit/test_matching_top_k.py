"""Per user only the best K results are stored, plus the offers they keep; profile inputs re-rank."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.accounts import SCHEMA_VERSION, ProfileInputs, StoredProfileInputs
from shared.messages import MatchTrigger, OffersChanged
from shared.repositories.accounts import Accounts
from shared.services.matching import MatchingService
from shared.topology import TOPOLOGY
from tests.unit.matching_world import OFFERS, make_offer, make_profile, save

NOW = datetime(2026, 3, 20, tzinfo=UTC)


class Kept:
    """The user's kept offers (what the notebook provides), settable per test."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def offer_ids(self, uid: str) -> list[str]:
        return list(self.ids)


class Published:
    def __init__(self) -> None:
        self.messages: list[tuple[str, Mapping[str, Any]]] = []

    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        self.messages.append((topic, data))
        return str(len(self.messages))


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    yield store
    store.close()


@pytest.fixture
def kept() -> Kept:
    return Kept()


@pytest.fixture
def published() -> Published:
    return Published()


@pytest.fixture
def service(store: SqliteDocumentStore, kept: Kept, published: Published) -> MatchingService:
    container = Container(
        Settings(match_top_k=2), store=store, clock=ManualClock(NOW), kept_offers=kept, publisher=published
    )
    return container.make(MatchingService)


def _stored(service: MatchingService, uid: str = "alice") -> list[str]:
    return [m.title for m in service.list_matches(uid, limit=50).items] + [
        m.title for m in service.list_matches(uid, excluded=True, limit=50).items
    ]


class TestTopK:
    def test_a_profile_run_stores_only_the_best_k(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)

        run = service.match_profile("alice", 1)

        assert run.scored == 2
        assert _stored(service) == ["Senior Backend Engineer", "Backend Developer"]

    def test_kept_offers_are_stored_beside_the_top_k(
        self, store: SqliteDocumentStore, service: MatchingService, kept: Kept
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        kept.ids = [OFFERS[2].id]  # "Account Executive": far below the top 2

        service.match_profile("alice", 1)

        assert sorted(_stored(service)) == [
            "Account Executive",
            "Backend Developer",
            "Senior Backend Engineer",
        ]

    def test_a_better_new_offer_enters_and_the_lowest_drops(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        better = make_offer(
            9, "Senior Backend Engineer (Python)", "Python, PostgreSQL, Docker.", remote_policy="remote"
        )
        worse = make_offer(10, "Account Manager", "Renewals.", remote_policy="remote")
        save(store, [], [better, worse])

        (run,) = service.match_offers([better.id, worse.id])

        assert run.delta.new == [better.id]
        assert sorted(_stored(service)) == ["Senior Backend Engineer", "Senior Backend Engineer (Python)"]
        assert len(service.list_matches("alice", limit=50).items) == 2

    def test_an_offer_below_the_kept_floor_writes_nothing(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        worse = make_offer(10, "Account Manager", "Renewals.", remote_policy="remote")
        save(store, [], [worse])
        writes = store.writes

        assert service.match_offers([worse.id]) == []
        assert store.writes == writes + 1  # the offer's features, cached; no result, no watermark


class TestInputsReRank:
    def test_new_target_roles_re_rank_without_a_new_profile_version(
        self, store: SqliteDocumentStore, service: MatchingService, published: Published
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        assert "Account Executive" not in _stored(service)
        inputs = ProfileInputs(target_roles=["Account Executive"])
        Accounts(store).put_inputs(
            "alice", StoredProfileInputs(**inputs.model_dump(), updated_at=NOW, schema_version=SCHEMA_VERSION)
        )

        assert service.inputs_changed("alice")
        (_topic, data) = published.messages[-1]
        trigger = MatchTrigger.model_validate(data).root
        run = service.match_profile(trigger.uid, trigger.version)  # what match_offers does with it

        assert run.profile_version == 1
        assert "Account Executive" in _stored(service)  # now in the top 2
        top = next(m for m in service.list_matches("alice", limit=5).items if m.title == "Account Executive")
        title = next(c for c in top.explanation.components if c.feature == "title")
        assert title.evidence["closest_role_source"] == "target_role"
        assert "your target role 'Account Executive'" in top.explanation.summary
        location = next(c for c in top.explanation.components if c.feature == "location")
        assert location.evidence["preferences_from"] == "profile_inputs"

    def test_no_profile_yet_means_nothing_to_re_rank(
        self, service: MatchingService, published: Published
    ) -> None:
        assert not service.inputs_changed("nobody")
        assert published.messages == []


class TestFanOut:
    def test_an_offers_event_scores_one_batch_of_users_and_hands_on_the_rest(
        self, store: SqliteDocumentStore, kept: Kept, published: Published
    ) -> None:
        settings = Settings(match_top_k=2, match_users_per_batch=2)
        service = Container(
            settings, store=store, clock=ManualClock(NOW), kept_offers=kept, publisher=published
        ).make(MatchingService)
        users = [make_profile(uid) for uid in ("u1", "u2", "u3", "u4", "u5")]
        save(store, users, OFFERS)
        for user in users:
            service.match_profile(user.uid, 1)
        better = make_offer(
            9, "Senior Backend Engineer (Python)", "Python, PostgreSQL, Docker.", remote_policy="remote"
        )
        save(store, [], [better])
        message = OffersChanged(run_id="r1", source_id="s1", offer_ids=[better.id])

        batches: list[list[str]] = []
        while True:
            runs = service.match_offers(message.offer_ids, message)
            batches.append(sorted(r.uid for r in runs))
            handed_on = [MatchTrigger.model_validate(d).root for _, d in published.messages]
            published.messages.clear()
            if not handed_on:
                break
            (next_message,) = handed_on
            assert isinstance(next_message, OffersChanged)
            message = next_message

        assert batches == [["u1", "u2"], ["u3", "u4"], ["u5"]]
