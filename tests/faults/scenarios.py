"""One scenario per event and task handler: a fault-free setup that leaves its work queued.

Each scenario seeds a FaultWorld (outside any handler, so nothing there is injected) and
names the channels whose handlers are under test; ``settle`` then runs that work and every
handler downstream of it, as the local stack would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from shared.domain.accounts import ProfileInputs, RemotePreference
from shared.domain.documents import Document, object_name, text_object_name
from shared.domain.job_sources import default_source_id
from shared.domain.offers import JobOffer, content_hash
from shared.domain.otp import OtpPurpose
from shared.messages import (
    AccountDeletion,
    CrawlRequest,
    CrawlTask,
    DeadLetterForward,
    ExtractionTask,
    MaintenanceTask,
    Message,
    MigrationTask,
    OffersChanged,
    OtpMail,
    ProfileTask,
    ProfileVersionCreated,
    ScoreTask,
    UploadFinalized,
    channel_of,
    enqueue,
    publish,
)
from shared.ports import Query, iter_pages
from shared.repositories.documents import Documents
from shared.repositories.notebook import EntryFilter
from shared.repositories.otp_codes import OtpCodes, RateCounters
from shared.repositories.runs import LEASE as RUN_LEASE
from shared.repositories.runs import RunLedger
from shared.repositories.user_data import UserData
from shared.services.account_auth import AccountAuth
from shared.services.accounts import AccountsService
from shared.services.data_rights import DataRights
from shared.services.matching import MatchingService
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.otp import OneTimeCodes
from shared.services.scoring import ScoringService
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY
from tests.support.fault_world import FaultWorld
from tests.support.faults import Fault
from tests.unit.matching_world import OFFERS, make_profile

REPO = Path(__file__).resolve().parents[2]
CV = REPO / "samples" / "cv" / "mara-quinn-backend.pdf"
UID = "fault-user"
DOCUMENT_ID = "f" * 32
EMAIL = "fault.user@example.org"
PASSWORD = "fault-injection passphrase 7"
SKILLS = ("Python", "PostgreSQL", "Docker")


def _nothing_more(world: FaultWorld) -> list[str]:
    return []


@dataclass(frozen=True)
class Scenario:
    """A named setup and the channels whose handlers it puts under fault.

    ``checks`` names what must hold after every settled run, fault-free or not, beyond the
    common rules (nothing left in progress; the fault-free end state).
    """

    name: str
    handlers: tuple[str, ...]
    seed: Callable[[FaultWorld], None]
    checks: Callable[[FaultWorld], list[str]] = _nothing_more
    user: Callable[[FaultWorld], None] | None = None  # what the user does once the work settled
    # Ports outside our control whose effect a kill right after it cannot be told from one that
    # never happened: the retry repeats it (a mail relay's accept). Its repeat is no difference.
    repeated_after_kill: frozenset[str] = frozenset()

    def accepts_repeat(self, fault: Fault) -> bool:
        """True when ``fault`` is a kill right after a call the retry must repeat."""
        return fault.kind == "crash" and fault.call.port in self.repeated_after_kill

    def play(self, world: FaultWorld) -> None:
        """Seed, settle as production would, then let the user take their step (if any)."""
        self.seed(world)
        world.settle()
        if self.user is not None:
            self.user(world)

    def __str__(self) -> str:
        return self.name


def _offers(world: FaultWorld, offers: list[JobOffer]) -> None:
    for offer in offers:
        world.store.set(f"job_offers/{offer.id}", {**offer.model_dump(mode="python"), "closed_at": None})


def _profile(world: FaultWorld, version: int = 1, uid: str = UID, skills: tuple[str, ...] = SKILLS) -> None:
    world.uids.add(uid)
    profile = make_profile(uid, version, skills)
    world.store.set(f"users/{uid}/career_profiles/{version}", profile.model_dump(mode="python"))


def _inputs(world: FaultWorld, uid: str = UID) -> None:
    world.uids.add(uid)
    world.container.make(AccountsService).put_inputs(
        uid,
        ProfileInputs(
            target_roles=["Backend Engineer"],
            preferred_locations=["Berlin"],
            remote_preference=RemotePreference.HYBRID,
        ),
    )


def _document(world: FaultWorld, uid: str, data: bytes) -> Document:
    """POST /documents, with a fixed id instead of a random one so two runs store the same paths."""
    now = world.clock.now()
    document = Document(
        id=DOCUMENT_ID,
        uid=uid,
        filename="cv.pdf",
        declared_size=len(data),
        created_at=now,
        updated_at=now,
        upload_expires_at=now + timedelta(minutes=15),
    )
    world.container.make(Documents).create(document)
    return document


def seed_upload(world: FaultWorld) -> None:
    """A user with inputs and offers uploads a real CV: the finalize notification is queued."""
    _inputs(world)
    _offers(world, OFFERS)
    data = CV.read_bytes()
    document = _document(world, UID, data)
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


def seed_mail(world: FaultWorld) -> None:
    """Someone signs up: the account exists, unverified, and its one-time code mail is queued."""
    world.container.make(AccountAuth).sign_up(EMAIL, PASSWORD, "Fault User")
    user = world.identity.user_by_email(EMAIL)
    assert user is not None
    world.uids.add(user.uid)


def verify_with_the_mailed_code(world: FaultWorld) -> None:
    """The user types the code the mail brought (no mail: nothing to type)."""
    code = world.outbox.newest_code(EMAIL)
    if code is not None:
        world.container.make(AccountAuth).verify_email(EMAIL, code)


def mail_checks(world: FaultWorld) -> list[str]:
    """The code reached its owner once; twice only after a kill between the relay's accept and
    the note that it was sent (nothing can tell those apart: at least once, never lost)."""
    allowed = 2 if any(MAIL.accepts_repeat(f) for f in world.injector.fired) else 1
    sent = world.mail_sent()
    if sum(sent.values()) == 0:
        return ["no mail was sent"]
    return [f"{n} messages to {to} ({subject})" for (to, subject), n in sent.items() if n > allowed]


def seed_delete(world: FaultWorld) -> None:
    """A user with everything a user can have asks to be deleted: the erasure is queued.

    An account with a live one-time code, inputs, a CV (its PDF and text), a profile, ranked
    matches, a kept offer whose score is still queued (work that may write after the request).
    """
    user = world.identity.create_user(EMAIL, PASSWORD, "Fault User")
    world.identity.mark_verified(user.uid)
    uid = user.uid
    world.uids.add(uid)
    world.container.make(AccountsService).create_record(uid, EMAIL, "Fault User")
    world.container.make(OneTimeCodes).issue(EMAIL, OtpPurpose.PASSWORD_RESET)
    _inputs(world, uid)
    _offers(world, OFFERS)
    _profile(world, uid=uid)
    data = CV.read_bytes()
    _document(world, uid, data)
    # Stored as an extraction leaves them, without announcing an upload.
    world.store_blob(world.settings.uploads_bucket, object_name(uid, DOCUMENT_ID), data)
    world.store_blob(world.settings.text_bucket, text_object_name(uid, DOCUMENT_ID), b"Backend engineer")
    world.container.make(MatchingService).match_profile(uid, 1)
    saved = world.container.make(NotebookService).save(uid, SaveRequest(offer_id=OFFERS[0].id))
    world.container.make(ScoringService).request(uid, saved.entry.id)
    world.container.make(DataRights).request_erasure(uid)


def deletion_checks(world: FaultWorld) -> list[str]:
    """Nothing of the user is left: no stored document under or about them, no file, no
    one-time code or counter, no account."""
    problems: list[str] = []
    data = UserData(world.store, world.store, TOPOLOGY)
    for uid in sorted(world.uids):
        problems += [f"left under the user: {s.path}" for s in data.subtree(uid)]
        # The whole store, not the declared references the erasure itself reads.
        problems += [f"left naming the user: {s.path}" for s in data.scan_elsewhere(uid)]
        files = [p for p in sorted((world.root / "blobs").rglob("*")) if p.is_file() and uid in p.as_posix()]
        problems += [f"left a file: {p}" for p in files if not _tombstone(p)]
        if world.identity.user(uid) is not None:
            problems.append("the account is still there")
    for collection in OtpCodes.collections + RateCounters.collections:
        problems += [f"left a code or counter: {s.path}" for s in iter_pages(world.store, Query(collection))]
    return problems


def _tombstone(path: Path) -> bool:
    """The local bucket's record that an object was deleted (its generation must never be reused,
    as in GCS, which keeps no trace of a deleted object in a bucket without versioning)."""
    if ".meta" not in path.parts:
        return False
    return bool(json.loads(path.read_bytes()).get("deleted"))


def seed_refresh(world: FaultWorld) -> None:
    """A kept offer scored against profile 1; then profile 2 and a change to the offer are announced."""
    _inputs(world)
    _offers(world, OFFERS)
    _profile(world)
    saved = world.container.make(NotebookService).save(UID, SaveRequest(offer_id=OFFERS[0].id))
    scoring = world.container.make(ScoringService)
    scoring.run(ScoreTask(uid=UID, entry_id=saved.entry.id, inputs_hash="0" * 64))
    _profile(world, 2, skills=(*SKILLS, "Kubernetes"))
    publish(world.queue, ProfileVersionCreated(uid=UID, version=2))
    changed = OFFERS[0].model_copy(update={"description_text": OFFERS[0].description_text + " Now hybrid."})
    changed = changed.model_copy(update={"content_hash": content_hash(changed)})
    _offers(world, [changed])
    publish(
        world.queue, OffersChanged(run_id="refresh-run", source_id="fault-source", offer_ids=[changed.id])
    )


def refresh_checks(world: FaultWorld) -> list[str]:
    """The kept offer ends scored against profile 2 and the changed posting, not stale."""
    entries, _, _ = world.container.make(NotebookService).list_entries(
        UID, EntryFilter(), sort="updated", limit=10, cursor=None
    )
    problems = []
    for entry in entries:
        if entry.score is None or entry.stale or entry.score.profile_version != 2:
            problems.append(f"entry {entry.id} not rescored: {entry.score} stale={entry.stale}")
        elif entry.score.offer_content_hash != entry.snapshot.content_hash:
            problems.append(f"entry {entry.id} scored against an old posting")
    return problems or ([] if entries else ["the kept offer is gone"])


MAIL = Scenario(
    "send-mail",
    (channel_of(OtpMail),),
    seed_mail,
    mail_checks,
    verify_with_the_mailed_code,
    repeated_after_kill=frozenset({"mailer"}),
)


def _subscriptions(model: type[Message]) -> tuple[str, ...]:
    return tuple(s.name for s in TOPOLOGY.subscriptions_of(channel_of(model)))


def _notebook_subscriptions() -> tuple[str, ...]:
    """refresh_scores' subscriptions (profile and offer events), not matching's."""
    models: tuple[type[Message], ...] = (ProfileVersionCreated, OffersChanged)
    return tuple(
        s.name
        for m in models
        for s in TOPOLOGY.subscriptions_of(channel_of(m))
        if s.function == "refresh_scores"
    )


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
    MAIL,
    Scenario("delete-account", (channel_of(AccountDeletion),), seed_delete, deletion_checks),
    # The re-score tasks it queues run too; their own faults are the "score" scenario's.
    Scenario("score-refresh", _notebook_subscriptions(), seed_refresh, refresh_checks),
)
