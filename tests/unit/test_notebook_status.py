"""The notebook status machine and entry rules: domain properties and a stateful test of the service."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from shared.adapters.local.clock import ManualClock
from shared.config import Settings
from shared.domain.errors import Conflict, InvalidInput
from shared.domain.notebook import (
    FINAL,
    MAX_TAGS,
    EntryPatch,
    Status,
    allowed_transitions,
    check_transition,
    normalise_tags,
)
from shared.repositories.notebook import NotebookRepository
from shared.services.notebook import NotebookService, SaveRequest
from tests.unit.notebook_world import OFFERS, UID, NotebookWorld

_CHAIN = [Status.SAVED, Status.APPLIED, Status.INTERVIEWING, Status.OFFER, Status.ACCEPTED]


class TestTransitions:
    def test_the_happy_path_walks_the_chain(self) -> None:
        for current, following in itertools.pairwise(_CHAIN):
            check_transition(current, following)

    @pytest.mark.parametrize("current", [Status.SAVED, Status.APPLIED, Status.INTERVIEWING, Status.OFFER])
    def test_rejected_and_withdrawn_from_any_open_state(self, current: Status) -> None:
        assert {Status.REJECTED, Status.WITHDRAWN} <= set(allowed_transitions(current))

    def test_an_illegal_move_is_a_conflict_listing_the_allowed_ones(self) -> None:
        with pytest.raises(Conflict) as caught:
            check_transition(Status.SAVED, Status.OFFER)

        assert caught.value.detail["allowed"] == ["applied", "rejected", "withdrawn"]

    def test_final_states_allow_nothing(self) -> None:
        assert all(allowed_transitions(s) == [] for s in FINAL)


class TestTagsAndNotes:
    def test_tags_are_trimmed_case_folded_and_deduplicated(self) -> None:
        assert normalise_tags(["  Remote ", "remote", "Big   Tech", ""]) == ["remote", "big tech"]

    def test_more_than_twenty_tags_are_refused(self) -> None:
        with pytest.raises(InvalidInput):
            normalise_tags([f"t{i}" for i in range(MAX_TAGS + 1)])

    def test_a_tag_over_forty_characters_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            normalise_tags(["x" * 41])

    def test_notes_over_ten_thousand_characters_are_refused(self) -> None:
        with pytest.raises(ValueError, match="10000"):
            EntryPatch(notes="n" * 10_001)


class NotebookMachine(RuleBasedStateMachine):
    """Random transitions and tag edits on one entry through the service; the model is a status."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path("/nonexistent")  # the world keeps blobs it never writes here

    @initialize()
    def setup(self) -> None:
        clock = ManualClock(datetime(2026, 3, 1, tzinfo=UTC))
        self.world = NotebookWorld(self.tmp, Settings(environment="test", data_dir=self.tmp), clock)
        self.service = self.world.container.make(NotebookService)
        saved = self.service.save(UID, SaveRequest(offer_id=OFFERS[0].id))
        self.entry_id = saved.entry.id
        self.status = Status.SAVED
        self.moves = 0
        self.tags: list[str] = []

    @rule(to=st.sampled_from(list(Status)))
    def transition(self, to: Status) -> None:
        self.world.clock.advance(minutes=1)
        legal = to in allowed_transitions(self.status)
        if not legal:
            with pytest.raises(Conflict) as caught:
                self.service.transition(UID, self.entry_id, to)
            assert caught.value.detail["allowed"] == [str(s) for s in allowed_transitions(self.status)]
            return
        entry = self.service.transition(UID, self.entry_id, to)
        self.status, self.moves = to, self.moves + 1
        assert entry.history[-1].at == self.world.clock.now()

    @rule(tags=st.lists(st.sampled_from(["Remote", "remote ", "Berlin", "dream job"]), max_size=4))
    def retag(self, tags: list[str]) -> None:
        self.service.patch(UID, self.entry_id, EntryPatch(tags=tags))
        self.tags = normalise_tags(tags)

    @invariant()
    def stored_entry_matches_the_model(self) -> None:
        if not hasattr(self, "service"):
            return
        entry = self.service.get(UID, self.entry_id)
        assert entry.status == self.status
        assert len(entry.history) == self.moves + 1
        times = [t.at for t in entry.history]
        assert times == sorted(times)
        assert [t.to_status for t in entry.history][-1] == self.status
        summary = NotebookRepository(self.world.store).summary(UID)
        assert summary.by_status == {str(self.status): 1}
        assert summary.by_tag == dict.fromkeys(self.tags, 1)

    def teardown(self) -> None:
        if hasattr(self, "world"):
            self.world.close()


NotebookMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=12,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
)
TestNotebookStateMachine = NotebookMachine.TestCase
