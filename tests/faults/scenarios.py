"""One scenario per event and task handler: a fault-free setup that leaves its work queued.

Each scenario seeds a FaultWorld (outside any handler, so nothing there is injected) and
names the channels whose handlers are under test; ``settle`` then runs that work and every
handler downstream of it, as the local stack would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from shared.domain.accounts import ProfileInputs, RemotePreference
from shared.domain.documents import Document
from shared.domain.job_sources import default_source_id
from shared.domain.offers import JobOffer
from shared.messages import (
    CrawlRequest,
    CrawlTask,
    DeadLetterForward,
    ExtractionTask,
    MaintenanceTask,
    Message,
    MigrationTask,
    OffersChanged,
    ProfileTask,
    ProfileVersionCreated,
    ScoreTask,
    UploadFinalized,
    channel_of,
    enqueue,
    publish,
)
from shared.repositories.documents import Documents
from shared.repositories.runs import LEASE as RUN_LEASE
from shared.repositories.runs import RunLedger
from shared.services.accounts import AccountsService
from shared.services.matching import MatchingService
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.scoring import ScoringService
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY
from tests.support.fault_world import FaultWorld
from tests.unit.matching_world import OFFERS, make_profile

REPO = Path(__file__).resolve().parents[2]
CV = REPO / "samples" / "cv" / "mara-quinn-backend.pdf"
UID = "fault-user"
DOCUMENT_ID = "f" * 32


@dataclass(frozen=True)
class Scenario:
    """A named setup and the channels whose handlers it puts under fault."""

    name: str
    handlers: tuple[str, ...]
    seed: Callable[[FaultWorld], None]

    def __str__(self) -> str:
        return self.name


def _offers(world: FaultWorld, offers: list[JobOffer]) -> None:
    for offer in offers:
        world.store.set(f"job_offers/{offer.id}", {**offer.model_dump(mode="python"), "closed_at": None})


def _profile(world: FaultWorld, version: int = 1) -> None:
    world.uids.add(UID)
    profile = make_profile(UID, version)
    world.store.set(f"users/{UID}/career_profiles/{version}", profile.model_dump(mode="python"))


def _inputs(world: FaultWorld) -> None:
    world.uids.add(UID)
    world.container.make(AccountsService).put_inputs(
        UID,
        ProfileInputs(
            target_roles=["Backend Engineer"],
            preferred_locations=["Berlin"],
            remote_preference=RemotePreference.HYBRID,
        ),
    )


def seed_upload(world: FaultWorld) -> None:
    """A user with inputs and offers uploads a real CV: the finalize notification is queued."""
    _inputs(world)
    _offers(world, OFFERS)
    data = CV.read_bytes()
    # POST /documents, with a fixed id instead of a random one so two runs store the same paths.
    now = world.clock.now()
    document = Document(
        id=DOCUMENT_ID,
        uid=UID,
        filename="cv.pdf",
        declared_size=len(data),
        created_at=now,
        updated_at=now,
        upload_expires_at=now + timedelta(minutes=15),
    )
    world.container.make(Documents).create(document)
    world.clock.advance(seconds=1)
    world.uploads.write(document.object_name, data, content_type="application/pdf")


def seed_crawl(world: FaultWorld) -> None:
    """A matched user, one board registered, and the scheduler's crawl request queued."""
    _inputs(world)
    _profile(world)
    world.container.make(MatchingService).match_profile(UID, 1)
    world.container.make(SourceService).save(SourceSpec(kind="greenhouse", board="nordlicht"))
    publish(world.queue, CrawlRequest(all=True))


def seed_sweep(world: FaultWorld) -> None:
    """A crawl whose worker died (RUNNING past its lease) and the scheduler's sweep queued."""
    world.container.make(SourceService).save(SourceSpec(kind="greenhouse", board="nordlicht"))
    ledger = world.container.make(RunLedger)
    started = ledger.open(default_source_id("greenhouse", "nordlicht"), "stuck-request", "operator")
    ledger.begin(started.run.id)
    world.clock.advance(seconds=RUN_LEASE.total_seconds() + 1)
    publish(world.queue, MaintenanceTask(task="sweep_runs"))


def seed_profile_event(world: FaultWorld) -> None:
    """A new profile version announced while offers wait to be ranked."""
    _inputs(world)
    _offers(world, OFFERS)
    _profile(world)
    publish(world.queue, ProfileVersionCreated(uid=UID, version=1))


def seed_score(world: FaultWorld) -> None:
    """A kept offer whose score the user asked for: the scoring task is queued."""
    _inputs(world)
    _offers(world, OFFERS)
    _profile(world)
    saved = world.container.make(NotebookService).save(UID, SaveRequest(offer_id=OFFERS[0].id))
    world.container.make(ScoringService).request(UID, saved.entry.id)


def seed_dead_letter(world: FaultWorld) -> None:
    """Pub/Sub forwards a message it gave up on to the uploads dead-letter topic."""
    [sub] = TOPOLOGY.subscriptions_of(channel_of(UploadFinalized))
    world.queue.publish(
        sub.dead_letter_topic,
        {"bucket": world.settings.uploads_bucket, "name": "users/u/documents/d.pdf", "generation": "1"},
        attributes={
            DeadLetterForward.SOURCE_SUBSCRIPTION: sub.name,
            DeadLetterForward.SOURCE_DELIVERY_COUNT: "5",
        },
    )


def seed_migration(world: FaultWorld) -> None:
    """Inputs-hash claims written before schema_version, and the migration task queued."""
    world.uids.add(UID)
    for n in range(3):
        world.store.set(f"users/{UID}/career_profile_hashes/h{n}", {"version": n + 1, "announced": True})
    enqueue(world.queue, MigrationTask(migration_id="0001_profile_claims_schema_version", batch_size=2))


def _subscriptions(model: type[Message]) -> tuple[str, ...]:
    return tuple(s.name for s in TOPOLOGY.subscriptions_of(channel_of(model)))


def _recorder_of(model: type[Message]) -> tuple[str, ...]:
    [sub] = TOPOLOGY.subscriptions_of(channel_of(model))
    return tuple(s.name for s in TOPOLOGY.subscriptions_of(sub.dead_letter_topic))


SCENARIOS = (
    Scenario(
        "upload",
        (*_subscriptions(UploadFinalized), channel_of(ExtractionTask), channel_of(ProfileTask)),
        seed_upload,
    ),
    Scenario(
        "crawl",
        (
            *_subscriptions(CrawlRequest),
            channel_of(CrawlTask),
            *_subscriptions(OffersChanged),
        ),
        seed_crawl,
    ),
    Scenario("match", _subscriptions(ProfileVersionCreated), seed_profile_event),
    Scenario("score", (channel_of(ScoreTask),), seed_score),
    Scenario("dead-letter", _recorder_of(UploadFinalized), seed_dead_letter),
    Scenario("migration", (channel_of(MigrationTask),), seed_migration),
    Scenario("sweep", _subscriptions(MaintenanceTask), seed_sweep),
)
