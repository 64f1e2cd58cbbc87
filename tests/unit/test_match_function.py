"""The match_offers function on its own functions-framework app, fed by the local queue like production."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.failures import FailureClass
from shared.domain.offers import JobOffer
from shared.localstack.function_feed import register_functions
from shared.messages import OffersChanged, ProfileVersionCreated, channel_of, publish
from shared.repositories.matches import Matches
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY
from tests.unit.matching_world import OFFERS, make_offer, make_profile, save

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[SqliteDocumentStore, SqliteDeliveryQueue]]:
    clock = ManualClock(datetime(2026, 3, 20, tzinfo=UTC))
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    queue = SqliteDeliveryQueue(topology=TOPOLOGY, clock=clock)
    container = Container(settings, clock=clock, store=store, delivery=queue)
    bootstrap.install(container)
    fed = register_functions(queue, TOPOLOGY, FUNCTIONS, project=settings.project_id)
    wanted = {channel_of(ProfileVersionCreated), channel_of(OffersChanged)}
    assert {s.name for s in TOPOLOGY.subscriptions if s.topic in wanted} <= set(fed)
    yield store, queue
    bootstrap.install(None)
    container.close()


def _runs(store: SqliteDocumentStore, uid: str) -> list[dict[str, object]]:
    return [r.model_dump() for r in Matches(store).runs_page(uid, limit=100).items]


class TestMatchOffersFunction:
    def test_a_new_profile_version_ranks_every_open_offer(
        self, world: tuple[SqliteDocumentStore, SqliteDeliveryQueue]
    ) -> None:
        store, queue = world
        save(store, [make_profile("alice")], OFFERS)

        publish(queue, ProfileVersionCreated(uid="alice", version=1))
        queue.drain()

        assert len(Matches(store).stamps("alice")) == len(OFFERS)
        assert [r["trigger"] for r in _runs(store, "alice")] == ["profile"]
        assert queue.dead_letters() == []

    def test_changed_offers_are_scored_for_subscribed_users(
        self, world: tuple[SqliteDocumentStore, SqliteDeliveryQueue]
    ) -> None:
        store, queue = world
        save(store, [make_profile("alice")], OFFERS)
        publish(queue, ProfileVersionCreated(uid="alice", version=1))
        queue.drain()
        changed: JobOffer = make_offer(
            4, "Data Engineer", "Python, PostgreSQL and Docker.", remote_policy="remote"
        )
        save(store, [], [changed])

        publish(queue, OffersChanged(run_id="r1", source_id="lever-acme", offer_ids=[changed.id]))
        queue.drain()

        offers_runs = [r for r in _runs(store, "alice") if r["trigger"] == "offers"]
        assert [r["scored"] for r in offers_runs] == [1]

    def test_an_invalid_message_is_dead_lettered_once_not_retried(
        self, world: tuple[SqliteDocumentStore, SqliteDeliveryQueue]
    ) -> None:
        _, queue = world

        # Keys of a profile event without its kind: the function does not guess what it is.
        queue.publish(channel_of(ProfileVersionCreated), {"uid": "alice", "version": 1})
        delivered = queue.drain()

        # Every subscription of the topic (matching, notebook scores) gets it once and gives up.
        subscriptions = {s.name for s in TOPOLOGY.subscriptions_of(channel_of(ProfileVersionCreated))}
        assert (delivered, queue.pending()) == (len(subscriptions), 0)
        letters = bootstrap.container().make(DeadLetterService).list().items
        assert {d.channel for d in letters} == subscriptions
        [letter] = [d for d in letters if d.channel == "profile-events-match"]
        assert (letter.origin, letter.failure_class, letter.attempts) == (
            channel_of(ProfileVersionCreated),
            FailureClass.INVALID_INPUT,
            1,
        )
        assert "kind" in letter.last_error
