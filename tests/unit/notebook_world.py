"""Test wiring of the notebook slice on the local backend: a profile, offers, the API, the queue."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore
from shared.adapters.local.heuristic_scorer import HeuristicScoreProvider
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.api.notebook import ROUTES
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.domain.offers import JobOffer
from shared.localstack.function_feed import register_functions
from shared.ports import ScoreInput, ScoreOutput, ScoreProvider
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY
from tests.support.http import client_for
from tests.unit.matching_world import OFFERS, make_offer, make_profile

UID = "nb-user-1"
OTHER = "nb-user-2"
FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


class CountingProvider:
    """A ScoreProvider (our own port) that counts the calls it passes to another one."""

    def __init__(self, inner: ScoreProvider) -> None:
        self._inner = inner
        self.name, self.model, self.prompt_version = inner.name, inner.model, inner.prompt_version
        self.calls = 0

    def score(self, request: ScoreInput) -> ScoreOutput:
        self.calls += 1
        return self._inner.score(request)


class NotebookWorld:
    """The notebook wired on in-memory SQLite, a temp blob folder and a manual clock."""

    def __init__(
        self, tmp_path: Path, settings: Settings, clock: ManualClock, provider: ScoreProvider | None = None
    ) -> None:
        self.clock = clock
        self.settings = settings
        self.store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
        # As on the local stack, a task that used up its attempts is recorded for operators.
        self.queue = SqliteDeliveryQueue(
            ":memory:", topology=TOPOLOGY, clock=clock, on_dead_letter=self._record_dead_letter
        )
        texts = FileBlobStore(
            tmp_path / "blobs",
            settings.text_bucket,
            signing_secret=b"s",
            base_url="http://127.0.0.1:9",
            clock=clock,
        )
        self.provider = CountingProvider(provider or HeuristicScoreProvider())
        self.container = Container(
            settings,
            store=self.store,
            texts=texts,
            delivery=self.queue,
            tasks=self.queue,
            publisher=self.queue,
            clock=clock,
            score_provider=self.provider,
        )
        self.client: FlaskClient = client_for(ROUTES, self.container, name="api")
        self._fed = False
        for uid in (UID, OTHER):
            self.put_profile(uid, 1)
        for offer in OFFERS:
            self.put_offer(offer)

    def put_profile(
        self, uid: str, version: int, skills: tuple[str, ...] = ("Python", "PostgreSQL", "Docker")
    ) -> None:
        p = make_profile(uid, version, skills)
        self.store.set(f"users/{uid}/career_profiles/{version}", p.model_dump(mode="python"))

    def put_offer(self, offer: JobOffer, *, closed: bool = False) -> None:
        closed_at = self.clock.now() if closed else None
        self.store.set(f"job_offers/{offer.id}", {**offer.model_dump(mode="python"), "closed_at": closed_at})

    def auth(self, uid: str = UID) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.container.identity.mint(uid)}"}  # type: ignore[attr-defined]

    def save(self, uid: str = UID, **body: Any) -> Any:
        return self.client.post("/notebook", json=body, headers=self.auth(uid))

    def run_tasks(self) -> int:
        """Deliver everything queued through the functions' own apps, as the local stack does."""
        if not self._fed:
            bootstrap.install(self.container)
            register_functions(self.queue, TOPOLOGY, FUNCTIONS, project=self.settings.project_id)
            self._fed = True
        return self.queue.drain()

    def _record_dead_letter(self, letter: DeadLetter) -> None:
        self.container.make(DeadLetterService).record(letter)

    def close(self) -> None:
        bootstrap.install(None)
        self.queue.close()
        self.store.close()


def with_budget(settings: Settings, budget: int) -> Settings:
    return Settings(**{**settings.model_dump(), "llm_daily_budget": budget})


@pytest.fixture
def world(tmp_path: Path, settings: Settings, clock: ManualClock) -> Iterator[NotebookWorld]:
    w = NotebookWorld(tmp_path, settings, clock)
    yield w
    w.close()


__all__ = [
    "OFFERS",
    "OTHER",
    "UID",
    "CountingProvider",
    "NotebookWorld",
    "make_offer",
    "with_budget",
    "world",
]
