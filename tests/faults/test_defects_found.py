"""The defects the fault-injection suite found, one test each (each failed before its fix)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import Settings
from shared.domain.documents import DocumentState
from shared.domain.failures import FailureClass
from shared.domain.runs import RunStatus
from shared.messages import (
    CrawlTask,
    ExtractionTask,
    Message,
    MigrationTask,
    OffersChanged,
    OtpMail,
    ProfileVersionCreated,
    UploadFinalized,
    channel_of,
)
from shared.repositories.career_profiles import CareerProfiles
from shared.repositories.documents import Documents
from shared.repositories.matches import Matches
from shared.repositories.migrations import MigrationCheckpoints
from shared.repositories.notebook import NotebookRepository
from shared.repositories.runs import RunLedger
from tests.faults.scenarios import (
    DOCUMENT_ID,
    EMAIL,
    UID,
    seed_crawl,
    seed_mail,
    seed_migration,
    seed_profile_event,
    seed_refresh,
    seed_upload,
)
from tests.support.fault_world import FaultWorld, Redelivery
from tests.support.faults import Call, Fault, FaultInjector, Kind


@pytest.fixture
def make_world(tmp_path: Path) -> Iterator[object]:
    worlds: list[FaultWorld] = []

    def make(handler: str, port: str, method: str, nth: int, kind: Kind) -> FaultWorld:
        root = tmp_path / f"w{len(worlds)}"
        settings = Settings(backend="local", environment="test", data_dir=root / "data")
        world = FaultWorld(root, settings, FaultInjector([Fault(Call(handler, port, method, nth), kind)]))
        worlds.append(world)
        return world

    yield make
    for world in reversed(worlds):
        world.close()


class TestPermanentFailuresAreDeadLettered:
    def test_a_refused_write_in_a_task_is_kept_for_replay_not_acknowledged_unseen(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: the task answered 200 "failed" and the migration stayed "running" forever.
        world = make_world(channel_of(MigrationTask), "store", "get", 1, "permanent")
        seed_migration(world)

        world.settle(replay=False)

        [letter] = world.dead_letters()
        assert (letter.origin, letter.failure_class) == (channel_of(MigrationTask), FailureClass.FORBIDDEN)
        world.settle()
        migration = world.container.make(MigrationCheckpoints).get("0001_profile_claims_schema_version")
        assert migration is not None
        assert migration.status == "done"


class TestReplayOfASettledUpload:
    def test_the_operators_replay_restarts_an_upload_its_dead_letter_failed(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: the dead letter settled the document FAILED(FORBIDDEN, contact support), and
        # replaying the letter found it finished and did nothing.
        [confirm] = _subscriptions_of(UploadFinalized)
        world = make_world(confirm, "store", "get", 1, "permanent")
        seed_upload(world)

        world.settle(replay=False)

        failed = world.container.make(Documents).load(UID, DOCUMENT_ID)
        assert (failed.state, failed.failure_class) == (DocumentState.FAILED, FailureClass.FORBIDDEN)
        world.settle()
        assert world.container.make(Documents).load(UID, DOCUMENT_ID).state == DocumentState.EXTRACTED


class TestExtraction:
    def test_a_refused_profile_enqueue_is_retried_not_swallowed(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: the document was EXTRACTED, no profile was ever queued, and the journey's
        # career profile step showed "in progress" forever.
        world = make_world(channel_of(ExtractionTask), "tasks", "enqueue", 1, "permanent")
        seed_upload(world)

        world.settle(replay=False)

        assert [d.origin for d in world.dead_letters()] == [channel_of(ExtractionTask)]
        world.settle()
        assert world.container.make(Documents).load(UID, DOCUMENT_ID).state == DocumentState.EXTRACTED
        assert world.container.make(CareerProfiles).latest(UID).version == 1


class TestCrawl:
    def test_a_board_briefly_down_is_retried_by_the_queue(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: the run FAILED(SOURCE_UNAVAILABLE) at once and the queue's retries went unused.
        world = make_world(channel_of(CrawlTask), "fetcher", "get", 1, "transient")
        seed_crawl(world)

        world.settle(replay=False)

        [run], _ = world.container.make(RunLedger).list()
        assert (run.status, run.stats.new) == (RunStatus.COMPLETED, 5)
        assert world.dead_letters() == []

    def test_a_crash_after_the_offers_write_still_announces_them(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: the retry found the offers unchanged, announced nothing, and no user was
        # ever matched with them.
        world = make_world(channel_of(CrawlTask), "batch", "commit", 1, "crash")
        seed_crawl(world)

        world.settle(replay=False)

        assert world.crashes == 1
        [run], _ = world.container.make(RunLedger).list()
        assert (run.status, run.stats.new, run.stats.unchanged) == (RunStatus.COMPLETED, 5, 0)
        stamps = world.container.make(Matches).stamps(UID)
        assert len([offer for offer in stamps if offer.startswith("greenhouse-")]) == 5


class TestMatching:
    def test_a_redelivered_profile_event_adds_no_history(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: every redelivery recorded one more "unchanged" match run.
        [match_sub, *_] = (s for s in _subscriptions_of(ProfileVersionCreated) if s.endswith("-match"))
        world = make_world(match_sub, "store", "update", 1, "crash")
        seed_profile_event(world)

        world.settle(replay=False)

        assert world.crashes == 1
        assert len(world.container.make(Matches).runs_page(UID, limit=10).items) == 1


class TestScoreRefresh:
    def test_an_offer_event_retried_after_the_rescore_leaves_the_score_current(self, make_world) -> None:  # type: ignore[no-untyped-def]
        # Before: the profile event's re-score ran first and scored the changed posting; the
        # retried offer event then marked that score stale and queued a task under the name
        # of the one that had just run, which the queue dropped as a duplicate: "scoring…"
        # forever, and stale.
        [refresh] = (s for s in _subscriptions_of(OffersChanged) if s.endswith("-notebook"))
        world = make_world(refresh, "store", "query", 1, "transient")
        seed_refresh(world)

        world.settle(replay=False)

        [entry] = world.container.make(NotebookRepository).all(UID)
        assert entry.score_state is not None
        assert (entry.score_state.state, entry.stale) == ("done", False)
        assert entry.score is not None
        assert entry.score.offer_content_hash == entry.snapshot.content_hash
        assert world.queue.pending() == 0


class TestMail:
    def test_a_redelivered_mail_task_sends_the_code_once(self, tmp_path: Path) -> None:
        # Before: every delivery of the task sent the mail, so a task whose ack was lost (a
        # redelivery, which Cloud Tasks may make at any time) mailed the same code again.
        settings = Settings(backend="local", environment="test", data_dir=tmp_path / "data")
        world = FaultWorld(tmp_path, settings, redelivery=Redelivery(random.Random(7), copies=3))
        try:
            seed_mail(world)

            world.settle(replay=False)

            assert world.mail_sent() == {(EMAIL, _subject_of_the_code_mail(world)): 1}
        finally:
            world.close()

    def test_a_mail_replayed_after_its_code_expired_is_closed_not_dead_lettered_again(
        self, make_world
    ) -> None:  # type: ignore[no-untyped-def]
        # Before: the replayed task could not open its envelope, failed INVALID_INPUT and was
        # dead-lettered again, on every replay: replaying never closed it.
        world = make_world(channel_of(OtpMail), "mailer", "send", 1, "permanent")
        seed_mail(world)
        world.settle(replay=False)
        [letter] = world.dead_letters()

        world.clock.advance(seconds=11 * 60)  # the operator replays after the code's ten minutes
        world.settle()

        assert [(d.id, d.status) for d in world.dead_letters()] == [(letter.id, "replayed")]
        assert world.mail_sent() == {}  # the code is dead: nothing to send
        assert world.queue.pending() == 0


def _subject_of_the_code_mail(world: FaultWorld) -> str:
    [message] = world.outbox.sent()[:1]
    return str(message["Subject"])


def _subscriptions_of(model: type[Message]) -> list[str]:
    from shared.topology import TOPOLOGY

    return [s.name for s in TOPOLOGY.subscriptions_of(channel_of(model))]
