"""The topology manifest: the one description of the system's moving parts.

Pulumi (infra/) builds every resource from it and the local stack (shared/localstack)
runs the same channels with the same retry and dead-letter policies. Nothing about topics,
queues, functions, schedules or indexes is written anywhere else.

This module is pure data (stdlib only) so that infra/ can import it without the rest of
the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeVar

TriggerKind = Literal["http", "push", "task"]
# Heavy runtime dependencies that only some functions use: each function's requirements.txt
# lists one of these only when its FunctionSpec.packages names it (smaller deploys).
OPTIONAL_PACKAGES = frozenset({"pymupdf", "google-genai", "httpx", "flask-swagger-ui"})
IndexOrder = Literal["ASCENDING", "DESCENDING", "CONTAINS"]
# How a root collection's documents name a user (UserReference).
UserRefKind = Literal["id", "field", "path"]


@dataclass(frozen=True)
class RetryPolicy:
    """Pub/Sub subscription retry policy (exponential backoff between these bounds)."""

    minimum_backoff_s: int = 10
    maximum_backoff_s: int = 600


@dataclass(frozen=True)
class Topic:
    """A Pub/Sub topic. ``dead_letter`` marks the DLQ topics.

    ``message`` names the model (in shared/messages.py) of what the topic carries.
    """

    name: str
    message: str = ""
    dead_letter: bool = False


@dataclass(frozen=True)
class PushSubscription:
    """A Pulumi-owned push subscription delivering ``topic`` to ``function``."""

    name: str
    topic: str
    function: str
    dead_letter_topic: str
    max_delivery_attempts: int = 5
    ack_deadline_s: int = 60
    retry: RetryPolicy = RetryPolicy()
    message_retention_s: int = 7 * 24 * 3600
    filter: str | None = None

    @property
    def has_dead_letter_policy(self) -> bool:
        """False for a dead-letter topic's own recorder subscription, which names its own topic
        (dead-lettering into the topic it reads would loop; its backlog alert covers it)."""
        return self.dead_letter_topic != self.topic


@dataclass(frozen=True)
class RateLimits:
    """Cloud Tasks queue rate limits."""

    max_dispatches_per_second: float
    max_concurrent_dispatches: int


@dataclass(frozen=True)
class TaskRetry:
    """Cloud Tasks retry_config."""

    max_attempts: int
    min_backoff_s: float
    max_backoff_s: float
    max_doublings: int
    max_retry_duration_s: int = 0  # 0 = unlimited


@dataclass(frozen=True)
class TaskQueueSpec:
    """A Cloud Tasks queue whose HTTP target is ``function``; ``message`` names its payload model."""

    name: str
    function: str
    rate_limits: RateLimits
    retry: TaskRetry
    dispatch_deadline_s: int = 300
    message: str = ""


@dataclass(frozen=True)
class FunctionSpec:
    """One Cloud Function (gen2). ``source`` is its folder under functions/."""

    name: str
    entry_point: str
    trigger: TriggerKind
    description: str
    public: bool = False  # only the HTTPS APIs, which verify Firebase tokens themselves
    mount: str | None = None  # local path prefix of an HTTP function in `career serve`
    memory: str = "512Mi"
    timeout_s: int = 60
    max_instances: int = 10
    # Roles the function's own service account needs (least privilege).
    roles: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    # Optional runtime distributions (OPTIONAL_PACKAGES) this function's archive installs.
    packages: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """Folder of the function's main.py, relative to the repository root."""
        return f"functions/{self.name}"


@dataclass(frozen=True)
class SchedulerJob:
    """A Cloud Scheduler job publishing ``payload`` to ``topic``."""

    name: str
    schedule: str
    topic: str
    payload: dict[str, object] = field(default_factory=dict)
    time_zone: str = "Etc/UTC"
    description: str = ""


@dataclass(frozen=True)
class IndexField:
    """One field of a composite index."""

    path: str
    order: IndexOrder = "ASCENDING"


@dataclass(frozen=True)
class CompositeIndex:
    """A Firestore composite index on a collection group (the last collection id)."""

    collection_group: str
    fields: tuple[IndexField, ...]


@dataclass(frozen=True)
class TtlField:
    """A Firestore TTL policy: documents expire at the timestamp in ``field``."""

    collection_group: str
    field: str


@dataclass(frozen=True)
class UserReference:
    """How the documents of a root collection outside ``users/{uid}`` name a user.

    Data rights (export and erasure) read only these collections, each by a query served by
    Firestore's single-field indexes: ``id``, the document id is the uid (one read);
    ``field``, ``field`` holds the uid (an equality filter); ``path``, ``field`` holds a path
    under ``users/{uid}/`` (a range filter on it).
    """

    collection: str
    kind: UserRefKind
    field: str = ""


@dataclass(frozen=True)
class Topology:
    """The whole manifest."""

    functions: tuple[FunctionSpec, ...]
    topics: tuple[Topic, ...]
    subscriptions: tuple[PushSubscription, ...]
    queues: tuple[TaskQueueSpec, ...]
    schedules: tuple[SchedulerJob, ...]
    indexes: tuple[CompositeIndex, ...]
    ttl_fields: tuple[TtlField, ...]
    # Every root collection besides ``users`` is either a user reference or named in
    # ``no_user_data``; tests/unit/test_data_rights.py holds both lists to the store.
    user_references: tuple[UserReference, ...] = ()
    no_user_data: tuple[str, ...] = ()

    def function(self, name: str) -> FunctionSpec:
        """The function called ``name``."""
        return _one(self.functions, name)

    def queue(self, name: str) -> TaskQueueSpec:
        """The task queue called ``name``."""
        return _one(self.queues, name)

    def subscription(self, name: str) -> PushSubscription:
        """The push subscription called ``name``."""
        return _one(self.subscriptions, name)

    def topic(self, name: str) -> Topic:
        """The topic called ``name``."""
        return _one(self.topics, name)

    def topic_for(self, message: str) -> Topic:
        """The (non dead-letter) topic whose messages are the model named ``message``."""
        for topic in self.topics:
            if topic.message == message and not topic.dead_letter:
                return topic
        raise KeyError(f"topology has no topic carrying {message!r}")

    def queue_for(self, message: str) -> TaskQueueSpec:
        """The task queue whose payloads are the model named ``message``."""
        for queue in self.queues:
            if queue.message == message:
                return queue
        raise KeyError(f"topology has no queue carrying {message!r}")

    def subscriptions_of(self, topic: str) -> tuple[PushSubscription, ...]:
        """Push subscriptions attached to ``topic``."""
        return tuple(s for s in self.subscriptions if s.topic == topic)


_Named = TypeVar("_Named", FunctionSpec, TaskQueueSpec, PushSubscription, Topic)


def _one(items: tuple[_Named, ...], name: str) -> _Named:
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"topology has no {name!r}")


def _dlq(topic: str) -> str:
    return f"{topic}-dead-letter"


def _notebook_indexes() -> tuple[CompositeIndex, ...]:
    filters = (IndexField("status"), IndexField("tags", "CONTAINS"), IndexField("stale"))
    subsets = [tuple(f for bit, f in enumerate(filters) if mask >> bit & 1) for mask in range(1, 8)]
    return tuple(
        CompositeIndex("notebook", (*subset, IndexField(sort, "DESCENDING")))
        for subset in subsets
        for sort in ("updated_at", "created_at", "score_total")
    )


# --------------------------------------------------------------------------- the manifest
# Topics carrying events, each with the model of its messages (shared/messages.py, where
# every model's docstring says who produces and who reads it); each topic gets a dead-letter
# topic with a subscription of its own.
_EVENT_TOPICS = (
    Topic("uploads", message="UploadFinalized"),  # GCS OBJECT_FINALIZE notifications (uploads bucket)
    Topic("crawl-requests", message="CrawlRequest"),  # Cloud Scheduler and operators ask for crawls
    Topic("profile-events", message="ProfileVersionCreated"),  # a new career profile version exists
    Topic("offer-events", message="OffersChanged"),  # offers were created or changed by a crawl
    Topic("maintenance", message="MaintenanceTask"),  # periodic housekeeping (stuck-run sweeper)
)
_NAMES = tuple(t.name for t in _EVENT_TOPICS)
# What a dead-letter topic carries: the original message as Pub/Sub forwards it.
_FORWARDED = "DeadLetterForward"

_TASK_RETRY_DEFAULT = TaskRetry(max_attempts=5, min_backoff_s=5, max_backoff_s=300, max_doublings=4)

TOPOLOGY = Topology(
    functions=(
        FunctionSpec(
            name="api",
            entry_point="api",
            trigger="http",
            description="HTTPS API for job seekers (Firebase ID token on every route)",
            public=True,
            mount="/api",
            packages=("flask-swagger-ui",),  # the /docs page's assets
            roles=(
                "roles/datastore.user",
                "roles/cloudtasks.enqueuer",
                "roles/iam.serviceAccountTokenCreator",
                # sign-up, verification and password reset manage Firebase Auth accounts
                "roles/firebaseauth.admin",
            ),
            secrets=("otp-pepper",),
        ),
        FunctionSpec(
            name="ops",
            entry_point="ops",
            trigger="http",
            description="HTTPS API for operators (operator claim) and scraper completion callbacks",
            public=True,
            mount="/ops",
            packages=("flask-swagger-ui",),  # the /docs page's assets
            roles=("roles/datastore.user", "roles/cloudtasks.enqueuer", "roles/pubsub.publisher"),
            secrets=("callback-hmac-key",),
        ),
        FunctionSpec(
            name="on_upload_finalized",
            entry_point="on_upload_finalized",
            trigger="push",
            description="Confirms an uploaded CV on GCS OBJECT_FINALIZE and queues extraction",
            roles=("roles/datastore.user", "roles/storage.objectAdmin", "roles/cloudtasks.enqueuer"),
        ),
        FunctionSpec(
            name="extract_document",
            entry_point="extract_document",
            trigger="task",
            description="Extracts CV text with PyMuPDF",
            memory="1Gi",
            timeout_s=300,
            packages=("pymupdf",),
            roles=("roles/datastore.user", "roles/storage.objectAdmin", "roles/cloudtasks.enqueuer"),
        ),
        FunctionSpec(
            name="generate_profile",
            entry_point="generate_profile",
            trigger="task",
            description="Generates a structured career profile with Gemini on Vertex AI",
            memory="1Gi",
            timeout_s=300,
            packages=("google-genai",),
            roles=(
                "roles/datastore.user",
                "roles/storage.objectViewer",
                "roles/aiplatform.user",
                "roles/pubsub.publisher",
            ),
        ),
        FunctionSpec(
            name="dispatch_crawls",
            entry_point="dispatch_crawls",
            trigger="push",
            description="Fans a crawl request out to one task per job source",
            roles=("roles/datastore.user", "roles/cloudtasks.enqueuer"),
        ),
        FunctionSpec(
            name="crawl_source",
            entry_point="crawl_source",
            trigger="task",
            description="Crawls one job source and upserts its offers",
            timeout_s=540,
            packages=("httpx",),
            roles=("roles/datastore.user", "roles/pubsub.publisher"),
        ),
        FunctionSpec(
            name="match_offers",
            entry_point="match_offers",
            trigger="push",
            description="Deterministic matching on new profile versions and changed offers",
            memory="1Gi",
            timeout_s=300,
            roles=("roles/datastore.user",),
        ),
        FunctionSpec(
            name="score_offer",
            entry_point="score_offer",
            trigger="task",
            description="Scores one notebook entry with Gemini on Vertex AI (rubric, checked evidence)",
            timeout_s=300,
            packages=("google-genai",),
            roles=("roles/datastore.user", "roles/storage.objectViewer", "roles/aiplatform.user"),
        ),
        FunctionSpec(
            name="refresh_scores",
            entry_point="refresh_scores",
            trigger="push",
            description="Marks notebook scores stale on a new profile version or a changed offer",
            roles=("roles/datastore.user", "roles/cloudtasks.enqueuer"),
        ),
        FunctionSpec(
            name="maintenance",
            entry_point="maintenance",
            trigger="push",
            description="Housekeeping: fails crawler runs stuck past their lease",
            roles=("roles/datastore.user",),
        ),
        FunctionSpec(
            name="send_mail",
            entry_point="send_mail",
            trigger="task",
            description="Sends account mail (one-time codes) over SMTP, from the mail queue",
            roles=("roles/datastore.user", "roles/firebaseauth.viewer"),
            secrets=("otp-pepper", "smtp-password"),
        ),
        FunctionSpec(
            name="delete_account",
            entry_point="delete_account",
            trigger="task",
            description="Erases one user: documents, blobs, codes, queued work, then the identity",
            timeout_s=540,
            roles=("roles/datastore.user", "roles/storage.objectAdmin", "roles/firebaseauth.admin"),
            secrets=("otp-pepper",),
        ),
        FunctionSpec(
            name="record_dead_letter",
            entry_point="record_dead_letter",
            trigger="push",
            description="Records every dead-lettered message in the operator view",
            roles=("roles/datastore.user",),
        ),
        FunctionSpec(
            name="run_migration",
            entry_point="run_migration",
            trigger="task",
            description="Runs one data migration (shared/migrations/) for a while, then re-queues itself",
            timeout_s=540,
            roles=("roles/datastore.user", "roles/cloudtasks.enqueuer"),
        ),
    ),
    topics=_EVENT_TOPICS + tuple(Topic(_dlq(t), message=_FORWARDED, dead_letter=True) for t in _NAMES),
    subscriptions=(
        PushSubscription("uploads-confirm", "uploads", "on_upload_finalized", _dlq("uploads")),
        PushSubscription(
            "crawl-requests-dispatch", "crawl-requests", "dispatch_crawls", _dlq("crawl-requests")
        ),
        PushSubscription("profile-events-match", "profile-events", "match_offers", _dlq("profile-events")),
        PushSubscription("offer-events-match", "offer-events", "match_offers", _dlq("offer-events")),
        PushSubscription(
            "profile-events-notebook", "profile-events", "refresh_scores", _dlq("profile-events")
        ),
        PushSubscription("offer-events-notebook", "offer-events", "refresh_scores", _dlq("offer-events")),
        PushSubscription(
            "maintenance-run", "maintenance", "maintenance", _dlq("maintenance"), max_delivery_attempts=5
        ),
        # Messages published to a topic with no subscription are lost: every DLQ has one.
        *(
            PushSubscription(
                f"{_dlq(t)}-record",
                _dlq(t),
                "record_dead_letter",
                _dlq(t),  # its own topic: no dead-letter policy (see has_dead_letter_policy)
                max_delivery_attempts=100,
                retry=RetryPolicy(minimum_backoff_s=10, maximum_backoff_s=600),
            )
            for t in _NAMES
        ),
    ),
    queues=(
        TaskQueueSpec(
            "extraction",
            "extract_document",
            RateLimits(max_dispatches_per_second=5, max_concurrent_dispatches=10),
            _TASK_RETRY_DEFAULT,
            # docs/decisions/0120: ~50x the measured extraction p99, cold start included.
            dispatch_deadline_s=60,
            message="ExtractionTask",
        ),
        TaskQueueSpec(
            "profiles",
            "generate_profile",
            # Gemini quota is per project and minute: keep well under it.
            RateLimits(max_dispatches_per_second=2, max_concurrent_dispatches=5),
            TaskRetry(max_attempts=6, min_backoff_s=10, max_backoff_s=600, max_doublings=5),
            dispatch_deadline_s=300,
            message="ProfileTask",
        ),
        TaskQueueSpec(
            "crawls",
            "crawl_source",
            # Public job boards: one source at a time per instance, a polite overall rate.
            RateLimits(max_dispatches_per_second=1, max_concurrent_dispatches=4),
            TaskRetry(max_attempts=4, min_backoff_s=30, max_backoff_s=900, max_doublings=3),
            dispatch_deadline_s=540,
            message="CrawlTask",
        ),
        TaskQueueSpec(
            "mail",
            "send_mail",
            # A code lives 10 minutes: six attempts backing off 5, 10, 20, 40, 80 s all fall
            # within it; the last failure is dead-lettered (run_task records it).
            RateLimits(max_dispatches_per_second=5, max_concurrent_dispatches=5),
            TaskRetry(max_attempts=6, min_backoff_s=5, max_backoff_s=120, max_doublings=4),
            dispatch_deadline_s=60,
            message="OtpMail",
        ),
        TaskQueueSpec(
            "scoring",
            "score_offer",
            # Gemini quota is per project and minute, shared with profiles: a gentle rate.
            RateLimits(max_dispatches_per_second=1, max_concurrent_dispatches=4),
            TaskRetry(max_attempts=5, min_backoff_s=10, max_backoff_s=600, max_doublings=5),
            dispatch_deadline_s=300,
            message="ScoreTask",
        ),
        TaskQueueSpec(
            "migrations",
            "run_migration",
            # One batch transaction at a time: a migration never competes with itself.
            RateLimits(max_dispatches_per_second=1, max_concurrent_dispatches=1),
            TaskRetry(max_attempts=10, min_backoff_s=10, max_backoff_s=600, max_doublings=5),
            dispatch_deadline_s=540,
            message="MigrationTask",
        ),
        TaskQueueSpec(
            "account-deletion",
            "delete_account",
            RateLimits(max_dispatches_per_second=1, max_concurrent_dispatches=2),
            TaskRetry(max_attempts=10, min_backoff_s=30, max_backoff_s=1800, max_doublings=5),
            dispatch_deadline_s=540,
            message="AccountDeletion",
        ),
    ),
    schedules=(
        SchedulerJob(
            "crawl-all-sources",
            "0 */6 * * *",
            "crawl-requests",
            {"all": True},
            description="Crawl every enabled job source every six hours",
        ),
        SchedulerJob(
            "sweep-stuck-runs",
            "*/10 * * * *",
            "maintenance",
            {"task": "sweep_runs"},
            description="Fail crawler runs stuck in RUNNING past their lease",
        ),
    ),
    indexes=(
        # GET /job-sources/runs?source_id=..&status=.. newest first
        CompositeIndex("runs", (IndexField("source_id"), IndexField("created_at", "DESCENDING"))),
        CompositeIndex("runs", (IndexField("status"), IndexField("created_at", "DESCENDING"))),
        CompositeIndex(
            "runs",
            (IndexField("source_id"), IndexField("status"), IndexField("created_at", "DESCENDING")),
        ),
        # GET /matches: best first, with the remote and location filters (min_score is a
        # range on the order field, which needs no index of its own)
        CompositeIndex("matches", (IndexField("excluded"), IndexField("score", "DESCENDING"))),
        CompositeIndex(
            "matches",
            (IndexField("excluded"), IndexField("remote_policy"), IndexField("score", "DESCENDING")),
        ),
        CompositeIndex(
            "matches",
            (
                IndexField("excluded"),
                IndexField("location_keys", "CONTAINS"),
                IndexField("score", "DESCENDING"),
            ),
        ),
        CompositeIndex(
            "matches",
            (
                IndexField("excluded"),
                IndexField("remote_policy"),
                IndexField("location_keys", "CONTAINS"),
                IndexField("score", "DESCENDING"),
            ),
        ),
        # sweeper: RUNNING runs whose lease expired
        CompositeIndex("runs", (IndexField("status"), IndexField("lease_expires_at"))),
        # GET /failures: runs that failed in the last hours, newest first
        CompositeIndex("runs", (IndexField("status"), IndexField("finished_at", "DESCENDING"))),
        # GET /dead-letters?status=..&failure_class=..&origin=.. newest first (any combination),
        # and bulk replay (status == dead, optional failure_class and origin)
        CompositeIndex("dead_letters", (IndexField("status"), IndexField("dead_at", "DESCENDING"))),
        CompositeIndex("dead_letters", (IndexField("failure_class"), IndexField("dead_at", "DESCENDING"))),
        CompositeIndex("dead_letters", (IndexField("origin"), IndexField("dead_at", "DESCENDING"))),
        CompositeIndex(
            "dead_letters",
            (IndexField("status"), IndexField("failure_class"), IndexField("dead_at", "DESCENDING")),
        ),
        CompositeIndex(
            "dead_letters", (IndexField("status"), IndexField("origin"), IndexField("dead_at", "DESCENDING"))
        ),
        CompositeIndex(
            "dead_letters",
            (IndexField("failure_class"), IndexField("origin"), IndexField("dead_at", "DESCENDING")),
        ),
        CompositeIndex(
            "dead_letters",
            (
                IndexField("status"),
                IndexField("failure_class"),
                IndexField("origin"),
                IndexField("dead_at", "DESCENDING"),
            ),
        ),
        # GET /notebook: any combination of the status, tag and stale filters, sorted by
        # updated_at, created_at or score_total (min_score is a range on score_total, which
        # sorts by it, so it shares the score_total indexes)
        *_notebook_indexes(),
    ),
    ttl_fields=(
        TtlField("idempotency_keys", "expires_at"),
        TtlField("dead_letter_attempts", "expires_at"),
        TtlField("otp_codes", "expires_at"),
        TtlField("otp_limits", "expires_at"),
    ),
    # Data rights read these to find what names a user outside users/{uid}, never the rest
    # (docs/decisions/0114-declared-user-references.md).
    user_references=(
        UserReference("match_subscribers", "id"),
        UserReference("notebook_offer_refs", "field", "uid"),
        UserReference("llm_calls", "field", "uid"),
        UserReference("dead_letters", "field", "uid"),
        UserReference("idempotency_keys", "path", "document"),
    ),
    # Shared or operational data (offers, crawls, totals) and what is keyed by an e-mail
    # digest (one-time codes and their counters, erased by address) or by a payload digest.
    no_user_data=(
        "job_offers",
        "offer_features",
        "job_sources",
        "runs",
        "migrations",
        "llm_usage_days",
        "dead_letter_attempts",
        "otp_codes",
        "otp_limits",
    ),
)
