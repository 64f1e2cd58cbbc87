"""Matching on the local backend: triggers, incremental runs, history, reads, tenant isolation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.api import matches
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.errors import NotFound
from shared.domain.matching.features import offer_features
from shared.domain.matching.runs import MatchRun
from shared.repositories.matches import Matches
from shared.repositories.offers import OfferFeatureCache, Offers
from shared.services import matching
from shared.services.matching import MatchingService
from shared.topology import TOPOLOGY
from tests.support.http import bearer, client_for
from tests.unit.matching_world import OFFERS, make_offer, make_profile, save

SECRET = "matching-test-secret-0123456789abcdef"


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    yield store
    store.close()


@pytest.fixture
def service(store: SqliteDocumentStore) -> MatchingService:
    clock = ManualClock(datetime(2026, 3, 20, tzinfo=UTC))
    return Container(Settings(), store=store, clock=clock).make(MatchingService)


class TestMatchProfile:
    def test_ranks_every_open_offer_and_records_a_run(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)

        run = service.match_profile("alice", 1)

        assert run.scored == 5
        assert sorted(run.delta.new) == sorted(o.id for o in OFFERS)
        page = service.list_matches("alice", limit=10)
        titles = [s.title for s in page.items]
        assert titles[0] == "Senior Backend Engineer"
        assert titles.index("Backend Developer") < titles.index("Account Executive")

    def test_rerun_on_unchanged_inputs_writes_no_result(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        writes = store.writes

        run = service.match_profile("alice", 1)

        assert run.delta.unchanged == 5
        assert not run.delta.changed
        # The subscriber marker only: a redelivered event of the same version adds no history
        # (before the fault-injection suite, each redelivery recorded another "unchanged" run).
        assert store.writes - writes == 1
        assert len(list(service_runs(store, "alice"))) == 1

    def test_an_unchanged_new_version_is_still_recorded(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice", 1), make_profile("alice", 2)], OFFERS)
        service.match_profile("alice", 1)

        run = service.match_profile("alice", 2)

        assert not run.delta.changed
        assert sorted(r.profile_version for r in service_runs(store, "alice")) == [1, 2]

    def test_latest_version_is_used_when_none_is_given(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice", 1), make_profile("alice", 2, skills=("Salesforce",))], OFFERS)

        run = service.match_profile("alice")

        assert run.profile_version == 2

    def test_a_late_event_for_an_older_version_ranks_with_the_newer_one(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice", 1), make_profile("alice", 2, skills=("Salesforce",))], OFFERS)
        service.match_profile("alice", 2)

        run = service.match_profile("alice", 1)

        assert run.profile_version == 2
        subscriber = store.get("match_subscribers/alice")
        assert subscriber is not None
        assert subscriber.data["profile_version"] == 2
        page = service.list_matches("alice", limit=10)
        assert {s.profile_version for s in page.items} == {2}

    def test_unknown_profile_is_not_found(self, service: MatchingService) -> None:
        with pytest.raises(NotFound):
            service.match_profile("nobody")


class TestIncrementalMatching:
    def test_only_changed_offers_are_scored_and_written(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice"), make_profile("bob", skills=("Salesforce",))], OFFERS)
        service.match_profile("alice", 1)
        service.match_profile("bob", 1)
        changed = make_offer(
            4, "Data Engineer", "Python, PostgreSQL and Docker pipelines.", remote_policy="remote"
        )
        save(store, [], [changed])
        writes = store.writes

        runs = service.match_offers([changed.id])

        # one feature record, then per user whose result changed: one result and one run record
        changed_users = {r.uid for r in runs}
        assert store.writes - writes == 1 + 2 * len(changed_users)
        assert "alice" in changed_users
        alice = next(r for r in runs if r.uid == "alice")
        assert alice.scored == 1
        assert [m["offer_id"] for m in alice.delta.moved] == [changed.id]

    def test_closed_offer_leaves_results_and_is_recorded(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        store.update(f"job_offers/{OFFERS[0].id}", {"closed_at": datetime(2026, 3, 21, tzinfo=UTC)})

        (run,) = service.match_offers([OFFERS[0].id])

        assert run.delta.closed == [OFFERS[0].id]
        with pytest.raises(NotFound):
            service.get_match("alice", OFFERS[0].id)

    def test_unchanged_offer_event_writes_nothing(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        writes = store.writes

        assert service.match_offers([OFFERS[1].id]) == []
        assert store.writes == writes


class TestFeatureCache:
    def test_features_an_older_release_cached_are_recomputed_in_the_current_form(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        offer = OFFERS[0]
        # The layout of features version 3 (schema 1): skill lists, a weights map, float totals.
        store.set(
            f"offer_features/{offer.id}",
            {
                "schema_version": 1,
                "features_version": 3,
                "offer_id": offer.id,
                "content_hash": offer.content_hash,
                "title": "Title Cached By The Old Release",
                "company": offer.company,
                "url": offer.url,
                "required": ["python"],
                "nice": [],
                "skill_names": {"python": "Python"},
                "weights": {"python": 1.0},
                "skill_total": 2.0,
                "title_tokens": ["backend", "engineer"],
                "families": ["backend"],
                "seniority": None,
                "remote_policy": "remote",
                "places": [],
                "place_labels": [],
                "salary_min": None,
                "salary_max": None,
                "salary_currency": None,
                "salary_source": None,
                "language": "en",
                "posted_ts": None,
            },
        )

        service.match_profile("alice", 1)

        assert service.get_match("alice", offer.id).title == offer.title
        snap = store.get(f"offer_features/{offer.id}")
        assert snap is not None
        assert (snap.data["schema_version"], snap.data["features_version"]) == (2, 4)
        assert isinstance(snap.data["skills"], dict)

    def test_cached_features_are_ranked_as_stored(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        path = f"offer_features/{OFFERS[0].id}"
        store.update(path, {"title": "Renamed In The Cache"})  # same content hash: still fresh

        service.match_profile("alice", 1)

        assert service.get_match("alice", OFFERS[0].id).title == "Renamed In The Cache"


class TestOpenOffersUndecoded:
    def test_ids_and_hashes_read_as_the_decoded_offers_have_them(self, store: SqliteDocumentStore) -> None:
        save(store, [], OFFERS)
        offers = Offers(store)

        stored = list(offers.open_stored())

        decoded = list(offers.open_offers())
        assert [(s.offer_id, s.content_hash) for s in stored] == [(o.id, o.content_hash) for o in decoded]
        assert [s.decode() for s in stored] == decoded

    def test_the_cache_check_of_stored_offers_is_the_check_of_decoded_ones(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)  # features computed and cached
        store.update(f"offer_features/{OFFERS[1].id}", {"content_hash": "stale"})
        offers, cache = Offers(store), OfferFeatureCache(store)

        undecoded = cache.fresh_stored(list(offers.open_stored()))

        assert undecoded == cache.fresh(list(offers.open_offers()))
        assert [r is None for r in undecoded].count(True) == 1

    def test_a_stored_document_that_is_not_an_offer_still_fails_as_one(
        self, store: SqliteDocumentStore
    ) -> None:
        store.set("job_offers/broken", {"title": "no ids", "closed_at": None})

        with pytest.raises(ValidationError):
            list(Offers(store).open_stored())

    def test_only_offers_with_stale_features_are_computed_again(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        store.update(f"offer_features/{OFFERS[2].id}", {"content_hash": "stale"})
        writes = store.writes

        service.match_profile("alice", 1)

        assert store.get(f"offer_features/{OFFERS[2].id}").data["content_hash"] == OFFERS[2].content_hash
        assert store.writes - writes == 2  # the recomputed features and the subscriber marker

    def test_stale_features_are_computed_in_batches_in_the_offers_order(
        self, store: SqliteDocumentStore, service: MatchingService, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(matching, "FEATURE_BATCH", 2)  # the offers span several batches
        save(store, [], OFFERS)
        fresh = OfferFeatureCache(store).fresh(OFFERS)
        OfferFeatureCache(store).save([offer_features(OFFERS[0]).to_record()])
        cached = OfferFeatureCache(store).fresh(OFFERS[:1])[0]  # as the cache reads it back

        records = service.features_for(OFFERS)

        assert len(OFFERS) > 4
        assert fresh == [None] * len(OFFERS)
        assert records == [cached] + [offer_features(o).to_record() for o in OFFERS[1:]]
        saved = OfferFeatureCache(store).fresh(OFFERS)  # the computed ones were saved
        assert [r["offer_id"] if r else None for r in saved] == [o.id for o in OFFERS]


class TestReads:
    def test_pages_best_first_with_a_cursor(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)

        first = service.list_matches("alice", limit=2)
        second = service.list_matches("alice", limit=2, cursor=first.next_cursor)

        scores = [s.score for s in [*first.items, *second.items]]
        assert scores == sorted(scores, reverse=True)
        assert len({s.offer_id for s in [*first.items, *second.items]}) == 4

    def test_filters_by_remote_policy_and_minimum_score(
        self, store: SqliteDocumentStore, service: MatchingService
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)

        remote = service.list_matches("alice", remote="remote", limit=10).items
        strong = service.list_matches("alice", min_score=60, limit=10).items

        assert {s.remote_policy for s in remote} == {"remote"}
        assert all(s.score >= 60 for s in strong)
        assert len(strong) < 5


class TestHttp:
    @pytest.fixture
    def client_and_identity(
        self, store: SqliteDocumentStore, settings: Settings
    ) -> tuple[Any, DevTokenIdentity]:
        identity = DevTokenIdentity(SECRET, environment="test")
        container = Container(
            settings, store=store, identity=identity, clock=ManualClock(datetime(2026, 3, 20, tzinfo=UTC))
        )
        return client_for(matches.ROUTES, container), identity

    def test_another_users_match_is_not_found(
        self,
        store: SqliteDocumentStore,
        service: MatchingService,
        client_and_identity: tuple[Any, DevTokenIdentity],
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        client, identity = client_and_identity
        path = f"/matches/{OFFERS[0].id}"

        mine = client.get(path, headers=bearer(identity, "alice"))
        theirs = client.get(path, headers=bearer(identity, "bob"))

        assert mine.status_code == 200
        assert mine.get_json()["explanation"]["kind"] == "deterministic"
        assert theirs.status_code == 404
        assert theirs.mimetype == "application/problem+json"
        assert client.get("/matches", headers=bearer(identity, "bob")).get_json()["matches"] == []

    def test_list_and_history_over_http(
        self,
        store: SqliteDocumentStore,
        service: MatchingService,
        client_and_identity: tuple[Any, DevTokenIdentity],
    ) -> None:
        save(store, [make_profile("alice")], OFFERS)
        service.match_profile("alice", 1)
        client, identity = client_and_identity

        listing = client.get("/matches?limit=2&location=Berlin", headers=bearer(identity, "alice"))
        runs = client.get("/match-runs", headers=bearer(identity, "alice"))
        bad = client.get("/matches?min_score=500", headers=bearer(identity, "alice"))

        assert listing.status_code == 200
        assert runs.get_json()["runs"][0]["scored"] == 5
        assert bad.status_code == 422


def service_runs(store: SqliteDocumentStore, uid: str) -> list[MatchRun]:
    """The user's recorded match runs, newest first."""
    return list(Matches(store).runs_page(uid, limit=50).items)
