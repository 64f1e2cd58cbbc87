"""The journey: registered steps in order, with state, detail and blocking."""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.domain.accounts import ProfileInputs
from shared.domain.failures import FailureClass
from shared.domain.journey import StepState, StepStatus
from shared.repositories.accounts import Accounts
from shared.services.accounts import AccountsService
from shared.services.journey import JourneyService, StepContext, StepProvider, journey_steps


@pytest.fixture
def store() -> Iterator[SqliteDocumentStore]:
    store = SqliteDocumentStore(":memory:")
    yield store
    store.close()


def _flag_step(key: str, order: int, requires: tuple[str, ...] = ()) -> StepProvider:
    """A step that is done when ``flags/{key}`` exists under the user, failed when it says so."""

    def evaluate(ctx: StepContext) -> StepStatus:
        snap = ctx.store.get(f"users/{ctx.uid}/flags/{key}")
        if snap is None:
            return StepStatus(state=StepState.NOT_STARTED)
        if snap.data.get("failed"):
            return StepStatus(state=StepState.FAILED, failure_class=FailureClass.PDF_ENCRYPTED)
        return StepStatus(state=StepState.DONE, detail={"seen": True})

    return StepProvider(key=key, title=key.title(), order=order, evaluate=evaluate, requires=requires)


class TestJourneySteps:
    def test_the_journey_names_every_step_module_in_order(self) -> None:
        from shared.services import journey_steps as package

        keys = [s.key for s in journey_steps()]
        modules = {info.name for info in pkgutil.iter_modules(package.__path__)}

        assert keys == ["account", "profile_inputs", "documents", "career_profile", "matching", "notebook"]
        assert {s.evaluate.__module__.rsplit(".", 1)[-1] for s in journey_steps()} == modules

    def test_profile_inputs_not_started_then_done(
        self, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        service = JourneyService(store, clock)
        before = service.journey("alice")
        AccountsService(Accounts(store), clock).put_inputs(
            "alice", ProfileInputs(target_roles=["Nurse", "Midwife"])
        )

        after = service.journey("alice")

        first_before = next(s for s in before.steps if s.key == "profile_inputs")
        first_after = next(s for s in after.steps if s.key == "profile_inputs")
        assert first_before.state == StepState.NOT_STARTED
        assert first_after.state == StepState.DONE
        assert first_after.detail["target_roles"] == 2

    def test_one_users_inputs_do_not_advance_another(
        self, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        AccountsService(Accounts(store), clock).put_inputs("alice", ProfileInputs(target_roles=["Nurse"]))

        journey = JourneyService(store, clock).journey("bob")

        assert journey.steps[0].state == StepState.NOT_STARTED


class TestRegistry:
    def test_steps_come_in_order_whatever_the_registration_order(
        self, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        steps = [_flag_step("matching", 40), _flag_step("documents", 20), _flag_step("inputs", 10)]

        journey = JourneyService(store, clock, providers=steps).journey("alice")

        assert [s.key for s in journey.steps] == ["inputs", "documents", "matching"]
        assert journey.current_step == "inputs"

    def test_current_step_is_the_first_not_done(self, store: SqliteDocumentStore, clock: ManualClock) -> None:
        store.set("users/alice/flags/inputs", {"at": 1})
        steps = [_flag_step("inputs", 10), _flag_step("documents", 20)]

        journey = JourneyService(store, clock, providers=steps).journey("alice")

        assert journey.current_step == "documents"

    def test_all_done_has_no_current_step(self, store: SqliteDocumentStore, clock: ManualClock) -> None:
        store.set("users/alice/flags/inputs", {"at": 1})

        journey = JourneyService(store, clock, providers=[_flag_step("inputs", 10)]).journey("alice")

        assert journey.current_step is None

    def test_unstarted_step_is_blocked_until_its_requirement_is_done(
        self, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        steps = [_flag_step("documents", 20), _flag_step("profile", 30, requires=("documents",))]
        service = JourneyService(store, clock, providers=steps)

        blocked = service.journey("alice").steps[1]
        store.set("users/alice/flags/documents", {"at": 1})
        unblocked = service.journey("alice").steps[1]

        assert blocked.state == StepState.BLOCKED
        assert unblocked.state == StepState.NOT_STARTED

    def test_failure_keeps_its_class(self, store: SqliteDocumentStore, clock: ManualClock) -> None:
        store.set("users/alice/flags/documents", {"failed": True})

        step = JourneyService(store, clock, providers=[_flag_step("documents", 20)]).journey("alice").steps[0]

        assert (step.state, step.failure_class) == (StepState.FAILED, FailureClass.PDF_ENCRYPTED)

    def test_refuses_a_requirement_that_comes_later(
        self, store: SqliteDocumentStore, clock: ManualClock
    ) -> None:
        steps = [_flag_step("documents", 20, requires=("matching",)), _flag_step("matching", 40)]

        with pytest.raises(ValueError, match="requires"):
            JourneyService(store, clock, providers=steps)

    def test_refuses_a_key_registered_twice(self, store: SqliteDocumentStore, clock: ManualClock) -> None:
        with pytest.raises(ValueError, match="twice"):
            JourneyService(store, clock, providers=[_flag_step("a", 10), _flag_step("a", 20)])
