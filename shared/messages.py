"""What travels between functions: one frozen model per topic and per task-queue payload.

The manifest (shared/topology.py) names each channel's model beside the channel, and this
module never names a channel: ``channel_of(Model)`` reads it from the manifest. Producers
send models (``publish`` / ``enqueue`` below); consumers decode them at the edge with
``decode``, and a payload that does not validate raises ``InvalidMessage`` (INVALID_INPUT),
which the edge records as a dead letter and acknowledges: redelivering it cannot help.

Channel by channel (producer -> message -> consumer):

- uploads: Cloud Storage (OBJECT_FINALIZE notification; the local blob store imitates it)
  -> ``UploadFinalized`` -> on_upload_finalized.
- crawl-requests: Cloud Scheduler (the manifest's schedules) -> ``CrawlRequest`` ->
  dispatch_crawls.
- crawls (queue): dispatch_crawls, the operator API and the run callbacks (CrawlRequests)
  -> ``CrawlTask`` -> crawl_source.
- extraction (queue): on_upload_finalized (UploadConfirmation) -> ``ExtractionTask`` ->
  extract_document.
- profiles (queue): extract_document and POST :generate -> ``ProfileTask`` ->
  generate_profile.
- profile-events: generate_profile / refinement (a new career profile version) ->
  ``ProfileVersionCreated`` -> match_offers (re-ranks that user).
- offer-events: crawl_source and scraper callbacks (offers created, changed or closed by a run)
  -> ``OffersChanged`` -> match_offers (scores those offers for every user) and refresh_scores.
- scoring (queue): POST /notebook/{id}:score and refresh_scores (stale scores, within the
  user's budget) -> ``ScoreTask`` -> score_offer.
- profile-events and offer-events also feed refresh_scores, which marks notebook scores stale.
- migrations (queue): ``career migrate run --enqueue`` (the deploy workflow) and
  run_migration itself when its time budget ends -> ``MigrationTask`` -> run_migration.
- maintenance: Cloud Scheduler -> ``MaintenanceTask`` -> maintenance (the stuck-run sweep).
- mail (queue): the public /auth routes (AccountAuth) -> ``OtpMail`` -> send_mail.
- account-deletion (queue): DELETE /me and ``career users delete`` (DataRights) ->
  ``AccountDeletion`` -> delete_account.
- every ``<topic>-dead-letter`` topic: Pub/Sub itself, after a subscription's last attempt
  -> ``DeadLetterForward`` -> record_dead_letter (the operator view).

Each model carries ``schema_version``. Readers accept only the versions they know: a newer
message is dead-lettered (and can be replayed after the reader is deployed), never guessed at.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, ValidationError

from shared.domain.errors import InvalidInput
from shared.domain.identifiers import SOURCE_ID
from shared.domain.otp import OtpPurpose
from shared.domain.runs import Trigger

if TYPE_CHECKING:
    from shared.ports import Publisher, TaskQueue
    from shared.topology import Topology

M = TypeVar("M", bound=BaseModel)


class InvalidMessage(InvalidInput):
    """A payload that does not validate as its channel's message (failure class INVALID_INPUT)."""


class Message(BaseModel):
    """Base of every message: frozen, built on first use, tolerant of fields added later."""

    # defer_build: a function imports every message but validates one (cold-start budget).
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    schema_version: Literal[1] = 1

    def wire(self) -> dict[str, Any]:
        """The JSON object that goes on the wire."""
        return self.model_dump(mode="json")


# --------------------------------------------------------------------------- topics
class UploadFinalized(Message):
    """uploads: Google's OBJECT_FINALIZE notification of the uploads bucket (its JSON object
    resource; only what confirmation needs is read). Google sends no schema_version: 1 is it."""

    bucket: str
    name: str
    generation: Annotated[str, BeforeValidator(str)]


class CrawlRequest(Message):
    """crawl-requests: crawl every enabled source (``all``), those of one ``schedule`` group,
    or the listed ones (``source_id`` / ``source_ids``)."""

    all: bool = False
    schedule: str | None = None
    source_ids: list[str] = Field(default_factory=list, max_length=1000)
    source_id: str | None = Field(default=None, pattern=SOURCE_ID)


class ProfileVersionCreated(Message):
    """profile-events: user ``uid`` has a new career profile ``version``, or (``reason``
    ``inputs_changed``) new profile inputs for the version they are matched with.

    Published by generate_profile and refinement (ProfileVersions), and by matching when profile
    inputs change (MatchingService.inputs_changed). Read by match_offers (re-ranks that user)
    and refresh_scores (marks the user's notebook scores stale).
    """

    kind: Literal["profile_version_created"] = "profile_version_created"
    uid: str = Field(min_length=1, max_length=128)
    version: int = Field(ge=1)
    reason: Literal["new_version", "inputs_changed"] = "new_version"


class OffersChanged(Message):
    """offer-events: run ``run_id`` of source ``source_id`` created, changed or closed ``offer_ids``.

    Published by crawl_source and the scraper callbacks (RunRecorder), once per run that changed
    offers. Read by match_offers (scores those offers for every user with a profile) and
    refresh_scores (marks notebook scores of those offers stale).
    """

    kind: Literal["offers_changed"] = "offers_changed"
    run_id: str
    source_id: str
    offer_ids: list[str] = Field(min_length=1)
    # Fan-out: one delivery scores one batch of subscribers and re-publishes itself with the
    # cursor of the next batch (None: the first batch).
    users_cursor: str | None = None


class MatchTrigger(RootModel[ProfileVersionCreated | OffersChanged]):
    """What match_offers reads from its two subscriptions, told apart by ``kind``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    root: Annotated[ProfileVersionCreated | OffersChanged, Field(discriminator="kind")]


class MaintenanceTask(Message):
    """maintenance: which housekeeping to run (``sweep_runs`` fails runs stuck past their lease)."""

    task: Literal["sweep_runs"]


class DeadLetterForward(Message):
    """Every ``<topic>-dead-letter`` topic: a message Pub/Sub gave up on, as it forwards it
    (the original payload and attributes plus CloudPubSubDeadLetterSource* attributes)."""

    SOURCE_SUBSCRIPTION: ClassVar[str] = "CloudPubSubDeadLetterSourceSubscription"
    SOURCE_DELIVERY_COUNT: ClassVar[str] = "CloudPubSubDeadLetterSourceDeliveryCount"

    message_id: str
    subscription: str = Field(min_length=1)  # the subscription that gave up (short name)
    delivery_count: int = 0
    payload: dict[str, Any]
    attributes: dict[str, str] = Field(default_factory=dict)  # the original message's own

    @classmethod
    def from_push(
        cls, message_id: str, data: dict[str, Any], attributes: dict[str, str]
    ) -> DeadLetterForward:
        """Read a forwarded push; InvalidMessage when it is not a dead-lettered message."""
        source = attributes.get(cls.SOURCE_SUBSCRIPTION, "")
        try:
            count = int(attributes.get(cls.SOURCE_DELIVERY_COUNT, "0"))
        except ValueError:
            count = 0
        return decode(
            cls,
            {
                "message_id": message_id,
                "subscription": source.rsplit("/", 1)[-1],  # the short or the full resource name
                "delivery_count": count,
                "payload": data,
                "attributes": {
                    k: v for k, v in attributes.items() if not k.startswith("CloudPubSubDeadLetter")
                },
            },
        )


# --------------------------------------------------------------------------- task payloads
class ExtractionTask(Message):
    """extraction: extract the text of document ``document_id`` of user ``uid``
    (``generation`` is the confirmed object generation, when known)."""

    uid: str = Field(min_length=1, max_length=128)
    document_id: str = Field(min_length=1, max_length=128)
    generation: str | None = None


class ProfileTask(Message):
    """profiles: generate (or find the cached) career profile of one extracted document."""

    uid: str = Field(min_length=1, max_length=128)
    document_id: str = Field(min_length=1, max_length=128)


class CrawlTask(Message):
    """crawls: crawl source ``source_id`` once for request ``request_id``."""

    source_id: str = Field(pattern=SOURCE_ID)
    request_id: str = Field(min_length=1, max_length=200)
    trigger: Trigger = "schedule"


class OtpMail(Message):
    """mail: send one one-time code.

    Neither the address nor the code appear in clear: ``sealed`` is an authenticated,
    encrypted envelope (the Sealer port) that expires with the code, because task payloads
    reach the queue's logs and, after the last attempt, the dead-letter view
    (docs/decisions/0131-one-time-codes.md).
    """

    purpose: OtpPurpose
    sealed: str = Field(min_length=1, max_length=4096)


class ScoreTask(Message):
    """scoring: score notebook entry ``entry_id`` of user ``uid`` (``inputs_hash``: the inputs
    the request saw; the task recomputes them and answers from the cache when unchanged)."""

    uid: str = Field(min_length=1, max_length=128)
    entry_id: str = Field(min_length=1, max_length=64)
    inputs_hash: str = Field(min_length=64, max_length=64)
    reason: Literal["request", "refresh"] = "request"


class MigrationTask(Message):
    """migrations: run (or resume) data migration ``migration_id`` in batches of ``batch_size``."""

    migration_id: str = Field(pattern=r"^\d{4}_[a-z0-9_]+$")
    batch_size: int = Field(200, ge=1, le=400)


class AccountDeletion(Message):
    """account-deletion: erase everything stored for user ``uid``, the identity last; a first
    pass queues one ``follow_up`` sweep for what queued work may write in between."""

    uid: str = Field(min_length=1, max_length=128)
    follow_up: bool = True


# --------------------------------------------------------------------------- helpers
MESSAGES: dict[str, type[Message]] = {
    m.__name__: m
    for m in (
        UploadFinalized,
        CrawlRequest,
        ProfileVersionCreated,
        OffersChanged,
        MaintenanceTask,
        DeadLetterForward,
        ExtractionTask,
        ProfileTask,
        CrawlTask,
        OtpMail,
        ScoreTask,
        MigrationTask,
        AccountDeletion,
    )
}


def decode(model: type[M], data: Any) -> M:
    """Validate ``data`` as ``model``; InvalidMessage (permanent) when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        where = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
            for e in err.errors(include_input=False)[:5]
        )
        raise InvalidMessage(f"not a valid {model.__name__}: {where}") from None


def channel_of(model: type[Message], topology: Topology | None = None) -> str:
    """The one topic or task queue whose manifest entry names ``model``."""
    try:
        return _channels(topology)[model.__name__]
    except KeyError:
        raise KeyError(f"the manifest names no channel for {model.__name__}") from None


def publish(
    publisher: Publisher,
    message: Message,
    *,
    attributes: dict[str, str] | None = None,
    ordering_key: str | None = None,
) -> str:
    """Publish ``message`` on its topic; returns the message id."""
    return publisher.publish(
        channel_of(type(message)), message.wire(), attributes=attributes, ordering_key=ordering_key
    )


def enqueue(
    tasks: TaskQueue, message: Message, *, name: str | None = None, schedule_at: datetime | None = None
) -> str:
    """Enqueue ``message`` on its task queue; returns the task name."""
    return tasks.enqueue(channel_of(type(message)), message.wire(), name=name, schedule_at=schedule_at)


def _channels(topology: Topology | None) -> dict[str, str]:
    if topology is None:
        from shared.topology import TOPOLOGY

        topology = TOPOLOGY
    return _index(topology)


def _index(topology: Topology) -> dict[str, str]:
    """Model name -> channel; dead-letter topics all share one model and are left out."""
    index: dict[str, str] = {}
    for topic in topology.topics:
        if not topic.dead_letter:
            index[topic.message] = topic.name
    for queue in topology.queues:
        index[queue.message] = queue.name
    return index
