"""A matching run pauses the cyclic garbage collector and gives it back as it found it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.errors import NotFound
from shared.services.collector import collector_paused
from shared.services.matching import MatchingService
from shared.topology import TOPOLOGY
from tests.unit.matching_world import OFFERS, make_profile, save

NOW = datetime(2026, 3, 20, tzinfo=UTC)


class WatchingClock(ManualClock):
    """The clock a run asks for the time: records whether the collector was running then."""

    def __init__(self) -> None:
        super().__init__(NOW)
        self.collector_enabled: list[bool] = []

    def now(self) -> datetime:
        self.collector_enabled.append(gc.isenabled())
        return super().now()


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    yield store
    store.close()


@pytest.fixture
def clock() -> WatchingClock:
    return WatchingClock()


@pytest.fixture
def service(store: SqliteDocumentStore, clock: WatchingClock) -> MatchingService:
    return Container(Settings(), store=store, clock=clock).make(MatchingService)


@pytest.fixture(autouse=True)
def collector_state() -> Iterator[None]:
    """Each test starts with the collector running and nothing frozen, and leaves it so."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def _collected_without_asking(ref: weakref.ref[Cycle]) -> bool:
    """Allocate (and keep) container objects until an automatic collection frees ``ref``."""
    kept: list[list[int]] = []
    for _ in range(200_000):
        kept.append([0])
        if ref() is None:
            return True
    return False


class TestMatchingRuns:
    def test_a_profile_run_pauses_the_collector_and_restores_it(
        self, store: SqliteDocumentStore, service: MatchingService, clock: WatchingClock
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        frozen = gc.get_freeze_count()

        run = service.match_profile("alice", 1)

        assert run.scored == len(OFFERS)
        assert set(clock.collector_enabled) == {False}
        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen

    def test_an_offers_run_pauses_the_collector_and_restores_it(
        self, store: SqliteDocumentStore, service: MatchingService, clock: WatchingClock
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        clock.collector_enabled.clear()

        service.match_offers([o.id for o in OFFERS[:2]])

        assert set(clock.collector_enabled) == {False}
        assert gc.isenabled()

    def test_a_run_failing_on_an_unknown_profile_restores_the_collector(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [], OFFERS)
        frozen = gc.get_freeze_count()

        with pytest.raises(NotFound):
            service.match_profile("nobody", 1)

        assert gc.isenabled()
        assert gc.get_freeze_count() == frozen

    def test_a_run_failing_on_an_undecodable_offer_restores_the_collector(
        self, store: SqliteDocumentStore, service: MatchingService, clock: WatchingClock
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        broken = {"source_kind": "remotive", "board": "remotive", "external_id": "9", "content_hash": "x"}
        store.set("job_offers/broken", broken | {"closed_at": None})  # no title: does not decode

        with pytest.raises(ValidationError):
            service.match_profile("alice", 1)

        assert set(clock.collector_enabled) == {False}  # it failed mid-run
        assert gc.isenabled()

    def test_a_collector_disabled_before_the_run_stays_disabled(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        gc.disable()

        service.match_profile("alice", 1)

        assert not gc.isenabled()


class TestPause:
    def test_cycles_made_during_the_pause_are_collected_after_it(self) -> None:
        with collector_paused():
            ref = weakref.ref(Cycle())
            assert not _collected_without_asking(ref)  # paused: nothing collects it

        assert _collected_without_asking(ref)

    def test_overlapping_pauses_resume_when_the_last_one_leaves(self) -> None:
        with collector_paused():
            with collector_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()

    def test_leaving_while_another_holds_the_pause_collects_the_young_cycles(self) -> None:
        with collector_paused():
            with collector_paused():
                ref = weakref.ref(Cycle())
            assert ref() is None
            assert not gc.isenabled()

    def test_an_exception_inside_the_pause_restores_the_collector(self) -> None:
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError("boom")

        assert gc.isenabled()
