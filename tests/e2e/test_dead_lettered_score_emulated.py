"""A notebook score dead-lettered on the gcp backend: Cloud Tasks' last attempt of score_offer
fails, the function records the dead letter in Firestore (emulator), and the entry's score
there shows FAILED with the class and a next action; the user's retry gets a new task.

Cloud Tasks itself keeps no dead letters: the function does it on the final attempt (the
X-CloudTasks-TaskRetryCount header), as shared/edge/events.py's run_task describes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import bootstrap
from shared.adapters.gcp.firestore_store import FirestoreDocumentStore
from shared.adapters.local.clock import SystemClock
from shared.adapters.local.heuristic_scorer import HeuristicScoreProvider
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.bootstrap import Container
from shared.config import Settings
from shared.localstack.function_feed import create_function_app
from shared.messages import ScoreTask, channel_of
from shared.ports import ScoreInput, ScoreOutput
from shared.repositories.notebook import NotebookRepository
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.operations import DeadLetterService
from shared.services.scoring import ScoreQueued, ScoringService
from shared.topology import TOPOLOGY
from tests.emulators.catalog import PROJECT
from tests.unit.matching_world import OFFERS, make_profile

pytestmark = [pytest.mark.e2e, pytest.mark.emulator("firestore")]
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
SCORING = channel_of(ScoreTask)


class CrashingScorer(HeuristicScoreProvider):
    """The offline ScoreProvider (our port), failing with an unclassified error every time."""

    def score(self, request: ScoreInput) -> ScoreOutput:
        raise RuntimeError("model endpoint crashed")


@pytest.fixture
def container(gcp_settings: Settings) -> Iterator[Container]:
    """The gcp backend's store on the Firestore emulator; tasks go to a local queue we inspect."""
    store = FirestoreDocumentStore(PROJECT, indexes=TOPOLOGY.indexes)
    queue = SqliteDeliveryQueue(":memory:", topology=TOPOLOGY, clock=SystemClock())
    built = Container(
        gcp_settings,
        store=store,
        tasks=queue,
        delivery=queue,
        publisher=queue,
        score_provider=CrashingScorer(),
    )
    bootstrap.install(built)
    yield built
    bootstrap.install(None)
    queue.close()
    store.close()


def _kept_and_queued(container: Container, uid: str) -> tuple[str, ScoreQueued]:
    profile = make_profile(uid, 1)
    container.store.set(f"users/{uid}/career_profiles/1", profile.model_dump(mode="python"))
    offer = OFFERS[0]
    container.store.set(f"job_offers/{offer.id}", {**offer.model_dump(mode="python"), "closed_at": None})
    saved = container.make(NotebookService).save(uid, SaveRequest(offer_id=offer.id))
    queued = container.make(ScoringService).request(uid, saved.entry.id)
    assert isinstance(queued, ScoreQueued)
    return saved.entry.id, queued


class TestADeadLetteredScoreOnFirestore:
    def test_the_last_attempt_settles_the_entry_failed_and_a_retry_is_a_new_task(
        self, container: Container
    ) -> None:
        uid = f"score-dl-{uuid.uuid4().hex[:8]}"
        entry_id, queued = _kept_and_queued(container, uid)
        spec = next(f for f in TOPOLOGY.functions if f.name == TOPOLOGY.queue(SCORING).function)
        client = create_function_app(FUNCTIONS, spec, "http").test_client()
        last = TOPOLOGY.queue(SCORING).retry.max_attempts - 1
        payload = ScoreTask(uid=uid, entry_id=entry_id, inputs_hash=queued.inputs_hash).wire()

        response = client.post(
            "/",
            json=payload,
            headers={"X-CloudTasks-TaskName": queued.task, "X-CloudTasks-TaskRetryCount": str(last)},
        )

        assert response.status_code == 500  # Cloud Tasks gives up: it was the last attempt
        [letter] = [
            d for d in container.make(DeadLetterService).list(limit=100).items if d.message_id == queued.task
        ]
        assert (letter.origin, letter.failure_class) == (SCORING, "INTERNAL")
        entry = container.make(NotebookRepository).get(uid, entry_id)
        assert entry.score_state is not None
        assert (entry.score_state.state, entry.score_state.failure_class) == ("failed", "INTERNAL")
        assert entry.score_state.next_action == "retry"

        retried = container.make(ScoringService).request(uid, entry_id)

        assert isinstance(retried, ScoreQueued)
        assert retried.task != queued.task
        state = container.make(NotebookRepository).get(uid, entry_id).score_state
        assert state is not None
        assert (state.state, state.task) == ("queued", retried.task)
