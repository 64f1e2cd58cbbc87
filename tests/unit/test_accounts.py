"""Accounts: the user record, profile inputs and their validation, on the local store."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.accounts import ProfileInputs, RemotePreference, User, UserChanges
from shared.domain.errors import NotFound
from shared.ports import Principal, Query
from shared.repositories.accounts import Accounts
from shared.services.accounts import AccountsService


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:")
    yield store
    store.close()


@pytest.fixture
def service(store: SqliteDocumentStore, clock: ManualClock) -> AccountsService:
    return AccountsService(Accounts(store), clock)


ALICE = Principal(uid="alice", email="alice@example.com")
BOB = Principal(uid="bob")


def valid_inputs(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "target_roles": ["Data Engineer"],
        "notes": "Prefers small teams.",
        "preferred_locations": ["Berlin"],
        "remote_preference": "hybrid",
        "salary_floor": {"amount": 65000, "currency": "EUR", "period": "year"},
    }
    doc.update(overrides)
    return doc


class TestProfileInputsValidation:
    def test_trims_and_deduplicates_roles_case_insensitively(self) -> None:
        inputs = ProfileInputs.model_validate(
            valid_inputs(target_roles=["  Data Engineer ", "data engineer", "ML"])
        )

        assert inputs.target_roles == ["Data Engineer", "ML"]

    def test_deduplicates_locations(self) -> None:
        inputs = ProfileInputs.model_validate(
            valid_inputs(preferred_locations=["Berlin", "BERLIN", " Paris"])
        )

        assert inputs.preferred_locations == ["Berlin", "Paris"]

    def test_defaults_for_optional_fields(self) -> None:
        inputs = ProfileInputs.model_validate({"target_roles": ["Nurse"]})

        assert (inputs.notes, inputs.preferred_locations, inputs.salary_floor) == ("", [], None)
        assert inputs.remote_preference == RemotePreference.ANY

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("target_roles", []),
            ("target_roles", [f"role {i}" for i in range(11)]),
            ("target_roles", ["   "]),
            ("target_roles", ["x" * 121]),
            ("target_roles", "Data Engineer"),
            ("notes", "n" * 5001),
            ("preferred_locations", [f"city {i}" for i in range(21)]),
            ("remote_preference", "sometimes"),
            ("salary_floor", {"amount": 0, "currency": "EUR", "period": "year"}),
            ("salary_floor", {"amount": 100, "currency": "eur", "period": "year"}),
            ("salary_floor", {"amount": 100, "currency": "EURO", "period": "year"}),
            ("salary_floor", {"amount": 100, "currency": "EUR", "period": "week"}),
        ],
    )
    def test_refuses_invalid_values(self, field: str, value: Any) -> None:
        with pytest.raises(ValidationError) as caught:
            ProfileInputs.model_validate(valid_inputs(**{field: value}))

        assert caught.value.errors()[0]["loc"][0] == field

    def test_accepts_the_limits_exactly(self) -> None:
        inputs = ProfileInputs.model_validate(
            valid_inputs(target_roles=[f"role {i}" for i in range(10)], notes="n" * 5000)
        )

        assert len(inputs.target_roles) == 10

    def test_refuses_unknown_fields(self) -> None:
        with pytest.raises(ValidationError):
            ProfileInputs.model_validate(valid_inputs(uid="someone-else"))


class TestGetMe:
    def test_creates_the_account_on_first_call(
        self, service: AccountsService, store: SqliteDocumentStore
    ) -> None:
        user = service.get_me(ALICE)

        assert (user.uid, user.email) == ("alice", "alice@example.com")
        stored = store.get("users/alice")
        assert stored is not None
        assert stored.data["schema_version"] == 1

    def test_second_call_returns_the_same_account_without_writing(
        self, service: AccountsService, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        first = service.get_me(ALICE)
        writes = store.writes
        clock.advance(hours=1)

        second = service.get_me(ALICE)

        assert second == first
        assert store.writes == writes

    def test_a_concurrent_first_call_keeps_the_existing_record(
        self, service: AccountsService, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        earlier = AccountsService(Accounts(store), ManualClock(clock.now())).get_me(ALICE)
        clock.advance(minutes=5)

        class LateStore:
            """Answers 'absent' once, as a request that read before the other created would see it."""

            def __init__(self) -> None:
                self.misses = 1

            def __getattr__(self, name: str) -> Any:
                return getattr(store, name)

            def get(self, path: str) -> Any:
                if self.misses:
                    self.misses -= 1
                    return None
                return store.get(path)

        user = AccountsService(Accounts(LateStore()), clock).get_me(ALICE)  # type: ignore[arg-type]

        assert user.created_at == earlier.created_at

    def test_email_is_masked_in_repr(self, service: AccountsService) -> None:
        user = service.get_me(ALICE)

        assert "alice@example.com" not in repr(user)
        assert "a***@example.com" in repr(user)


class TestUpdateMe:
    def test_sets_only_the_fields_given(self, service: AccountsService, clock: ManualClock) -> None:
        service.update_me(ALICE, UserChanges(display_name="Alice", locale="en-GB"))
        clock.advance(minutes=1)

        user = service.update_me(ALICE, UserChanges.model_validate({"locale": "fr"}))

        assert (user.display_name, user.locale) == ("Alice", "fr")
        assert user.updated_at == clock.now()
        assert service.get_me(ALICE) == user

    def test_an_empty_change_writes_nothing(
        self, service: AccountsService, store: SqliteDocumentStore
    ) -> None:
        service.get_me(ALICE)
        writes = store.writes

        service.update_me(ALICE, UserChanges())

        assert store.writes == writes

    @pytest.mark.parametrize(
        "body", [{"display_name": ""}, {"locale": "English"}, {"email": "x@example.com"}]
    )
    def test_refuses_invalid_changes(self, body: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            UserChanges.model_validate(body)


class TestProfileInputs:
    def test_not_found_before_the_first_put(self, service: AccountsService) -> None:
        with pytest.raises(NotFound):
            service.get_inputs("alice")

    def test_put_then_get_round_trips(self, service: AccountsService, clock: ManualClock) -> None:
        inputs = ProfileInputs.model_validate(valid_inputs())

        stored = service.put_inputs("alice", inputs)

        assert service.get_inputs("alice") == stored
        assert stored.updated_at == clock.now()
        assert stored.target_roles == ["Data Engineer"]

    def test_stored_under_the_users_own_subtree(
        self, service: AccountsService, store: SqliteDocumentStore
    ) -> None:
        service.put_inputs("alice", ProfileInputs.model_validate(valid_inputs()))

        stored = store.get("users/alice/inputs/current")

        assert stored is not None
        assert stored.path == "users/alice/inputs/current"
        assert stored.data["remote_preference"] == "hybrid"
        assert stored.data["schema_version"] == 1

    def test_a_second_put_replaces_the_first(self, service: AccountsService, clock: ManualClock) -> None:
        service.put_inputs("alice", ProfileInputs.model_validate(valid_inputs()))
        clock.advance(days=1)

        service.put_inputs("alice", ProfileInputs.model_validate({"target_roles": ["Nurse"]}))

        current = service.get_inputs("alice")
        assert current.target_roles == ["Nurse"]
        assert current.salary_floor is None
        assert current.updated_at == clock.now()

    def test_users_never_see_each_others_inputs(self, service: AccountsService) -> None:
        service.put_inputs("alice", ProfileInputs.model_validate(valid_inputs()))

        with pytest.raises(NotFound):
            service.get_inputs(BOB.uid)


class TestUserRecord:
    def test_record_validates_back_from_the_store(
        self, service: AccountsService, store: SqliteDocumentStore
    ) -> None:
        service.get_me(ALICE)
        snap = store.get("users/alice")

        assert snap is not None
        assert User.model_validate(snap.data).uid == "alice"


class TestRemoteVocabulary:
    def test_inputs_use_the_words_of_offers_and_match_filters(self) -> None:
        from typing import get_args

        from shared.api.matches import MatchesQuery
        from shared.domain.offers import RemotePolicy

        preferences = {p.value for p in RemotePreference}
        policies = set(get_args(RemotePolicy))
        filters = set(get_args(get_args(MatchesQuery.model_fields["remote"].annotation)[0]))

        assert preferences - {"any"} == policies - {"unknown"} == filters - {"unknown"}

    def test_the_old_remote_only_is_accepted_and_stored_as_remote(self, service: AccountsService) -> None:
        inputs = ProfileInputs.model_validate(valid_inputs(remote_preference="remote_only"))

        stored = service.put_inputs("alice", inputs)

        assert stored.remote_preference == RemotePreference.REMOTE
        assert service.get_inputs("alice").model_dump(mode="json")["remote_preference"] == "remote"

    def test_inputs_stored_with_the_old_word_read_as_remote(
        self, service: AccountsService, store: SqliteDocumentStore
    ) -> None:
        service.put_inputs("alice", ProfileInputs.model_validate(valid_inputs()))
        [snap] = store.query(Query("users/alice/inputs"))
        store.update(snap.path, {"remote_preference": "remote_only"})

        assert service.get_inputs("alice").remote_preference == RemotePreference.REMOTE
