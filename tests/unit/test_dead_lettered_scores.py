"""A dead-lettered notebook score is visible: the entry's score shows FAILED with the class of
the last attempt and a next action, through the notebook API; the user's retry and the
operator's replay each restart it (local backend: SQLite queue and store, the functions' apps)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.heuristic_scorer import HeuristicScoreProvider
from shared.config import Settings
from shared.messages import ScoreTask, channel_of
from shared.ports import ScoreInput, ScoreOutput
from shared.services.journey import JourneyService
from shared.services.operations import DeadLetterService
from tests.unit.notebook_world import OFFERS, UID, NotebookWorld

_CRASH = "model endpoint crashed at /srv/models/scorer.py line 12"


class BreakableScorer(HeuristicScoreProvider):
    """The offline ScoreProvider (our port), raising an unclassified error until it is mended."""

    broken = True

    def score(self, request: ScoreInput) -> ScoreOutput:
        if self.broken:
            raise RuntimeError(_CRASH)
        return super().score(request)


@pytest.fixture
def scorer() -> BreakableScorer:
    return BreakableScorer()


@pytest.fixture
def world(
    tmp_path: Path, settings: Settings, clock: ManualClock, scorer: BreakableScorer
) -> Iterator[NotebookWorld]:
    w = NotebookWorld(tmp_path, settings, clock, provider=scorer)
    yield w
    w.close()


def _dead_lettered_score(world: NotebookWorld) -> str:
    """Save an offer, ask for its score, and let every attempt fail: the task is dead-lettered."""
    entry_id = str(world.save(offer_id=OFFERS[0].id).get_json()["id"])
    assert world.client.post(f"/notebook/{entry_id}:score", headers=world.auth()).status_code == 202
    world.run_tasks()
    [letter] = world.container.make(DeadLetterService).list().items
    assert letter.origin == channel_of(ScoreTask)
    return entry_id


def _state(world: NotebookWorld, entry_id: str) -> dict[str, Any]:
    entry = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()
    return dict(entry["score_state"])


class TestADeadLetteredScore:
    def test_the_entry_shows_failed_with_the_class_and_a_next_action(self, world: NotebookWorld) -> None:
        entry_id = _dead_lettered_score(world)

        state = _state(world, entry_id)
        assert (state["state"], state["failure_class"], state["next_action"]) == (
            "failed",
            "INTERNAL",
            "retry",
        )
        # Written for the user: not the raw error, no path.
        assert state["message"] is not None
        assert "/srv" not in state["message"]
        assert "crashed" not in state["message"]
        listed = world.client.get("/notebook", headers=world.auth()).get_json()["entries"]
        assert [e["score_state"]["state"] for e in listed] == ["failed"]
        [step] = [s for s in world.container.make(JourneyService).journey(UID).steps if s.key == "notebook"]
        assert (step.state, step.failure_class, step.next_action) == ("failed", "INTERNAL", "retry")

    def test_recording_the_letter_again_changes_nothing(self, world: NotebookWorld) -> None:
        entry_id = _dead_lettered_score(world)
        before = _state(world, entry_id)
        service = world.container.make(DeadLetterService)
        [letter] = service.list().items

        world.clock.advance(seconds=60)
        service.record(letter)

        assert _state(world, entry_id) == before

    def test_the_users_retry_restarts_it(self, world: NotebookWorld, scorer: BreakableScorer) -> None:
        entry_id = _dead_lettered_score(world)
        scorer.broken = False

        # Within the same ten minutes: the dead task's name is spent, the retry needs its own.
        response = world.client.post(f"/notebook/{entry_id}:score", headers=world.auth())
        assert response.status_code == 202
        assert _state(world, entry_id)["state"] == "queued"
        world.run_tasks()

        state = _state(world, entry_id)
        assert (state["state"], state["next_action"]) == ("done", None)
        [step] = [s for s in world.container.make(JourneyService).journey(UID).steps if s.key == "notebook"]
        assert step.state == "done"
        entry = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()
        assert entry["score"] is not None

    def test_the_operators_replay_restarts_it(self, world: NotebookWorld, scorer: BreakableScorer) -> None:
        entry_id = _dead_lettered_score(world)
        scorer.broken = False

        assert world.container.make(DeadLetterService).replay_all() == 1
        world.run_tasks()

        assert _state(world, entry_id)["state"] == "done"
        # The score settled after the replay stays done if the old letter is recorded again.
        service = world.container.make(DeadLetterService)
        [letter] = service.list(status="replayed").items
        service.record(letter)
        assert _state(world, entry_id)["state"] == "done"

    def test_a_letter_whose_entry_was_removed_since_settles_nothing(self, world: NotebookWorld) -> None:
        entry_id = _dead_lettered_score(world)
        assert world.client.delete(f"/notebook/{entry_id}", headers=world.auth()).status_code == 204
        service = world.container.make(DeadLetterService)
        [letter] = service.list().items

        service.record(letter)  # a redelivered record: the owner is gone, nothing to settle

        assert world.client.get(f"/notebook/{entry_id}", headers=world.auth()).status_code == 404
