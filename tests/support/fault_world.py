"""The local stack with every port behind a FaultInjector, driven the way production drives it.

Deliveries go from the SQLite delivery queue to each function's own functions-framework app
(``register_functions``), with the manifest's retry, backoff and dead-letter rules. A
``ProcessDeath`` ends ``drain`` with the delivery still leased; ``settle`` then does what
production does after a kill: the lease runs out (the clock moves past that channel's ack or
dispatch deadline) and the delivery is attempted again. Work scheduled for later (a
follow-up sweep) is waited for the same way. When the queue is quiet, the
operator replays the dead letters (``replay_all``) and the queue drains again.

``state()`` is the end state that a fault must not change (see
docs/decisions/0125-fault-injection.md): every stored document, every blob, and the set of
messages acknowledged per channel, with volatile fields and random ids normalised away.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import shared
from shared import bootstrap
from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore, gcs_notification
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.adapters.local.heuristic_scorer import HeuristicScoreProvider
from shared.adapters.local.local_identity import LocalIdentity
from shared.adapters.local.outbox_mailer import OutboxMailer
from shared.adapters.local.queue_rules import Delivery
from shared.adapters.local.queue_rules import channel_of as rules_of
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.dead_letters import DeadLetter
from shared.localstack.function_feed import SignatureType, create_function_app, register_functions
from shared.messages import UploadFinalized, channel_of
from shared.ports import BlobInfo, HttpResponse, Query, iter_pages
from shared.services.operations import DeadLetterService
from shared.topology import TOPOLOGY, FunctionSpec
from tests.support.faults import FaultInjector, ProcessDeath

REPO = Path(shared.__file__).resolve().parents[1]
FUNCTIONS = REPO / "functions"
# A saved Greenhouse board (in the repository): every crawl of the world reads it.
BOARD = REPO / "samples" / "jobs" / "greenhouse" / "nordlicht-energy.json"
# Past every ack and dispatch deadline of the manifest: whatever was leased has been let go
# (also how long the world waits for work scheduled later).
LEASE_EXPIRY_S = max([q.dispatch_deadline_s for q in TOPOLOGY.queues] + [600]) + 1
MAX_ROUNDS = 60
OUTBOX = "outbox/"  # the state's entries for the mail sent: one per recipient and subject


def lease_of(channel: str) -> float:
    """Seconds until a delivery of ``channel`` whose worker was killed is attempted again."""
    return rules_of(TOPOLOGY, channel).lease_s + 1


# Fields whose values record when or how often, not what: they differ between two correct runs.
VOLATILE_FIELDS = frozenset(
    {
        "attempts",
        "extraction_attempts",
        "attempt",
        "retry_count",
        "replay_count",
        "lease_until",
        "lease_owner",
        "latency_ms",
        "duration_ms",
        "sealed",  # an envelope's ciphertext: a fresh IV each time it is sealed
    }
)
# Collections recording how the work went rather than what it produced: the operator's dead
# letters and the notes of failed attempts behind them (checked apart: all replayed), the LLM
# call log and usage counters (a provider called again is billed again: they grow with retries).
BOOKKEEPING = frozenset({"dead_letters", "dead_letter_attempts", "llm_calls", "llm_usage_days", "llm_usage"})
# Message ids, document ids and the run ids derived from them (content hashes are 64 long).
_RANDOM_ID = re.compile(r"\b[0-9a-f]{16,40}\b")
_STAMPED_ID = re.compile(r"\b\d{8}T\d{6}-[0-9a-f]{8,12}\b")

_APPS: dict[tuple[str, str], Any] = {}


def cached_app(functions_dir: Path, spec: FunctionSpec, signature: SignatureType) -> Any:
    """The function's app, built once per test process (apps read the installed container per call)."""
    key = (spec.name, signature)
    if key not in _APPS:
        _APPS[key] = create_function_app(functions_dir, spec, signature)
    return _APPS[key]


class BoardFetcher:
    """An HttpFetcher (our port) answering every GET with one saved board payload."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def get(self, url: str, *, headers: Any = None, params: Any = None) -> HttpResponse:
        """The saved payload, as the board would send it."""
        return HttpResponse(200, {"Content-Type": "application/json"}, self._body, url)


@dataclass
class State:
    """What a run leaves behind, normalised for comparison."""

    documents: dict[str, Any]
    blobs: dict[str, str]
    effects: set[tuple[str, str]]

    def diff(self, other: State) -> list[str]:
        """Readable differences (empty when equal)."""
        out: list[str] = []
        for path in sorted(set(self.documents) | set(other.documents)):
            a, b = self.documents.get(path), other.documents.get(path)
            if a != b:
                out.append(f"document {path}: {_short(a)} != {_short(b)}")
        for name in sorted(set(self.blobs) | set(other.blobs)):
            if self.blobs.get(name) != other.blobs.get(name):
                out.append(f"blob {name}: {self.blobs.get(name)} != {other.blobs.get(name)}")
        for effect in sorted(self.effects ^ other.effects):
            side = "only here" if effect in self.effects else "only in the other run"
            out.append(f"message {effect[0]} {effect[1][:600]} ({side})")
        return out


@dataclass
class FaultWorld:
    """One stack on a temp folder, a manual clock and an in-memory store and queue."""

    root: Path
    settings: Settings
    injector: FaultInjector = field(default_factory=FaultInjector)
    board: bytes = field(default_factory=BOARD.read_bytes, repr=False)
    uids: set[str] = field(default_factory=set)
    redelivery: Redelivery | None = None

    def __post_init__(self) -> None:
        self.clock = ManualClock()
        self.crashes = 0
        self.killed_in: str | None = None  # the channel of the last delivery a kill ended
        self.replays = 0
        self.effects: set[tuple[str, str]] = set()
        self.store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
        self.queue = SqliteDeliveryQueue(
            ":memory:", topology=TOPOLOGY, clock=self.clock, on_dead_letter=self._record_dead_letter
        )
        secret, base = b"fault-secret", "http://127.0.0.1:9"
        blobs = self.root / "blobs"
        # GCS itself announces a finalized upload: outside our process, so never injected.
        self.uploads = FileBlobStore(
            blobs,
            self.settings.uploads_bucket,
            signing_secret=secret,
            base_url=base,
            clock=self.clock,
            on_finalize=self._announce,
        )
        self.texts = FileBlobStore(
            blobs, self.settings.text_bucket, signing_secret=secret, base_url=base, clock=self.clock
        )
        # The identity provider and the mail relay are outside our process too: behind ports.
        self.identity = LocalIdentity(
            ":memory:",
            secret=self.settings.dev_token_secret.get_secret_value(),
            environment=self.settings.environment,
            clock=self.clock,
        )
        self.outbox = OutboxMailer(self.root / "outbox")
        wrap = self.injector.wrap
        self.container = Container(
            self.settings,
            clock=self.clock,
            store=wrap("store", self.store),
            uploads=wrap("pdfs", self.uploads),
            texts=wrap("texts", self.texts),
            delivery=self.queue,
            publisher=wrap("publisher", self.queue),
            tasks=wrap("tasks", self.queue),
            extractor=PyMuPdfExtractor(),
            profile_provider=wrap("llm", HeuristicProfileProvider(self.clock)),
            score_provider=wrap("llm", HeuristicScoreProvider()),
            fetcher=wrap("fetcher", BoardFetcher(self.board)),
            identity=wrap("identity", self.identity),
            mailer=wrap("mailer", self.outbox),
        )
        self._previous = bootstrap.install(self.container)
        register_functions(
            _Recording(self), TOPOLOGY, FUNCTIONS, project=self.settings.project_id, app_factory=cached_app
        )

    # ------------------------------------------------------------------ driving
    def settle(self, *, replay: bool = True) -> None:
        """Deliver until quiet, restarting after each kill; then replay dead letters until none is left."""
        for _ in range(MAX_ROUNDS):
            try:
                self.queue.drain(timeout=120)
            except ProcessDeath:
                self.crashes += 1
                # The killed delivery is retried once its own lease (ack or dispatch deadline) ran out.
                lease = LEASE_EXPIRY_S if self.killed_in is None else lease_of(self.killed_in)
                self.clock.advance(seconds=lease)
                continue
            if self.redelivery is not None and self.redelivery.pending:
                self.redelivery.flush(self)
                continue  # the copies may have queued more work
            if self.queue.pending():
                # Only work scheduled for later is left (a follow-up sweep): production waits.
                self.clock.advance(seconds=LEASE_EXPIRY_S)
                continue
            if not replay:
                return
            replayed = self.container.make(DeadLetterService).replay_all()
            if replayed == 0:
                return
            self.replays += replayed
        raise AssertionError(
            f"the stack did not settle in {MAX_ROUNDS} rounds ({self.queue.pending()} pending)"
        )

    def store_blob(self, bucket: str, name: str, data: bytes) -> None:
        """Put a file in a bucket as it would be after earlier work, without announcing it."""
        quiet = FileBlobStore(
            self.root / "blobs", bucket, signing_secret=b"-", base_url="http://127.0.0.1:9", clock=self.clock
        )
        quiet.write(name, data, content_type="application/octet-stream")

    def dead_letters(self) -> list[DeadLetter]:
        """Every dead letter in the operator view."""
        return self.container.make(DeadLetterService).list(limit=100).items

    # ------------------------------------------------------------------ observing
    def state(self) -> State:
        """The normalised end state (documents, blobs, accounts, mail, acknowledged messages)."""
        docs: dict[str, Any] = {}
        grouped: dict[str, list[Any]] = {}
        for snap in self._all_documents():
            if BOOKKEEPING & set(snap.path.split("/")[::2]):
                continue
            grouped.setdefault(normalise_text(snap.path), []).append(normalise(snap.data))
        for path, values in grouped.items():
            # Paths that differ only by a random id: numbered in content order, not id order.
            for n, value in enumerate(
                sorted(values, key=lambda v: json.dumps(v, sort_keys=True, default=str))
            ):
                docs[path if n == 0 else f"{path}#{n + 1}"] = value
        blobs: dict[str, str] = {}
        blob_root = self.root / "blobs"
        for path in sorted(blob_root.rglob("*")):
            rel = path.relative_to(blob_root).as_posix()
            if path.is_file() and not rel.startswith(".meta/") and not path.name.startswith("."):
                blobs[normalise_text(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for uid in sorted(self.uids):
            user = self.identity.user(uid)
            if user is not None:
                account = {"email": user.email, "verified": user.email_verified, "disabled": user.disabled}
                docs[normalise_text(f"identity/{uid}")] = account
        for (to, subject), n in sorted(self.mail_sent().items()):
            docs[f"{OUTBOX}{to}/{subject}"] = {"messages": n}
        return State(docs, blobs, set(self.effects))

    def mail_sent(self) -> dict[tuple[str, str], int]:
        """How many messages went to each (recipient, subject)."""
        sent: dict[tuple[str, str], int] = {}
        for message in self.outbox.sent():
            key = (str(message["To"]), str(message["Subject"]))
            sent[key] = sent.get(key, 0) + 1
        return sent

    def _all_documents(self) -> Iterable[Any]:
        seen: set[str] = set()
        for root in self.store.root_collections():
            for top in iter_pages(self.store, Query(root)):
                for snap in self.store.walk(top.path):
                    if snap.path not in seen:
                        seen.add(snap.path)
                        yield snap
        for uid in sorted(self.uids):
            for snap in self.store.walk(f"users/{uid}"):
                if snap.path not in seen:
                    seen.add(snap.path)
                    yield snap

    def close(self) -> None:
        """Uninstall the container and close the store and queue."""
        bootstrap.install(self._previous)
        self.queue.close()
        self.store.close()
        self.identity.close()

    def record_effect(self, channel: str, delivery: Delivery) -> None:
        """Note that ``channel`` acknowledged this message (dead-letter recorders aside)."""
        if not channel.endswith("-dead-letter-record"):
            self.effects.add((channel, json.dumps(normalise(delivery.data), sort_keys=True)))

    # ------------------------------------------------------------------ internals
    def _announce(self, info: BlobInfo) -> None:
        data, attributes = gcs_notification(info)
        self.queue.publish(channel_of(UploadFinalized), data, attributes=attributes)

    def _record_dead_letter(self, letter: DeadLetter) -> None:
        self.container.make(DeadLetterService).record(letter)


class _Recording:
    """Registers each channel so its deliveries are attributed to it and their effects recorded."""

    def __init__(self, world: FaultWorld) -> None:
        self._world = world

    def register(self, channel: str, deliver: Callable[[Delivery], None]) -> None:
        world = self._world

        def recorded(delivery: Delivery) -> None:
            if world.redelivery is not None:
                world.redelivery.interleave(world)
            try:
                with world.injector.handling(channel):
                    deliver(delivery)
            except ProcessDeath:
                world.killed_in = channel
                raise
            world.record_effect(channel, delivery)
            if world.redelivery is not None:
                world.redelivery.later(channel, deliver, delivery)

        world.queue.register(channel, recorded)


@dataclass
class Redelivery:
    """At-least-once delivery made adversarial: every delivery is handed to its handler
    ``copies`` times in all (same message id or task name, as a redelivery has), the extra
    copies at points a seeded generator picks, interleaved with the other deliveries."""

    rng: random.Random
    copies: int = 2
    pending: list[tuple[str, Callable[[Delivery], None], Delivery]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # copies a handler did not acknowledge

    def later(self, channel: str, deliver: Callable[[Delivery], None], delivery: Delivery) -> None:
        """Keep ``copies - 1`` more deliveries of this one for later."""
        self.pending += [(channel, deliver, delivery)] * (self.copies - 1)

    def interleave(self, world: FaultWorld) -> None:
        """Hand over a random number of the waiting copies, in a random order."""
        for _ in range(self.rng.randint(0, len(self.pending))):
            self._one(world)

    def flush(self, world: FaultWorld) -> None:
        """Hand over every waiting copy, in a random order."""
        while self.pending:
            self._one(world)

    def _one(self, world: FaultWorld) -> None:
        channel, deliver, delivery = self.pending.pop(self.rng.randrange(len(self.pending)))
        try:
            with world.injector.handling(channel):
                deliver(delivery)
        except Exception as err:  # a redelivery must be acknowledged like the first delivery
            self.refused.append(f"{channel} {delivery.id}: {err}")
            return
        world.record_effect(channel, delivery)


def normalise(value: Any) -> Any:
    """A stored value without volatile fields, times or random ids."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in sorted(value.items()) if k not in VOLATILE_FIELDS}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, datetime):
        return "<time>"
    if isinstance(value, str):
        return normalise_text(value)
    return value


def normalise_text(text: str) -> str:
    """A string with random ids replaced by placeholders and ISO times by ``<time>``."""
    text = _STAMPED_ID.sub("<stamped-id>", text)
    text = _RANDOM_ID.sub("<id>", text)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "<time>", text)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) < 400 else text[:400] + "..."
