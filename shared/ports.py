"""Ports: the Protocols services talk to. Adapters in shared/adapters implement them.

Paths in the document store are Firestore-shaped: a collection path has an odd number of
segments (``users/u1/documents``), a document path an even number (``users/u1/documents/d1``).
Values are JSON-like (str, int, float, bool, None, list, dict) plus tz-aware datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from pydantic import BaseModel

    from shared.domain.accounts import ProfileInputs
    from shared.domain.matching.explanation import Explanation
    from shared.domain.profiles import ProfileDraft, TokenUsage
    from shared.domain.scoring.prompt import PostingFacts
    from shared.domain.scoring.rubric import RubricReply

T = TypeVar("T")
Data = dict[str, Any]


# --------------------------------------------------------------------------- documents
class Op(StrEnum):
    """Query filter operators (Firestore's names)."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    ARRAY_CONTAINS = "array-contains"


@dataclass(frozen=True)
class Filter:
    """One field filter: ``Filter("status", Op.EQ, "RUNNING")``."""

    field: str
    op: Op
    value: Any


@dataclass(frozen=True)
class Order:
    """One sort key; ties break by document id in the last key's direction (Firestore's rule)."""

    field: str
    descending: bool = False


@dataclass(frozen=True)
class Cursor:
    """Position after a document: its order_by values (in order) and its id."""

    values: tuple[Any, ...]
    doc_id: str


@dataclass(frozen=True)
class Query:
    """A query on one collection (not a collection group)."""

    collection: str
    filters: tuple[Filter, ...] = ()
    order_by: tuple[Order, ...] = ()
    limit: int | None = None
    start_after: Cursor | None = None


@dataclass(frozen=True)
class Snapshot:
    """A document read from the store."""

    path: str
    data: Data

    @property
    def id(self) -> str:
        """Last path segment."""
        return self.path.rsplit("/", 1)[-1]

    def cursor(self, order_by: Sequence[Order]) -> Cursor:
        """Cursor that resumes a query with these sort keys right after this document."""
        return Cursor(tuple(field_value(self.data, o.field) for o in order_by), self.id)


def field_value(data: Mapping[str, Any], field: str) -> Any:
    """The value at a dotted field path (``salary.min``), None when absent."""
    node: Any = data
    for name in field.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(name)
    return node


class Transaction(Protocol):
    """Reads first, then writes; committed atomically with optimistic concurrency."""

    def get(self, path: str) -> Snapshot | None: ...
    def create(self, path: str, data: Data) -> None: ...
    def set(self, path: str, data: Data, *, merge: bool = False) -> None: ...
    def update(self, path: str, data: Data) -> None: ...
    def delete(self, path: str) -> None: ...


class WriteBatch(Protocol):
    """Blind writes committed together (max 500)."""

    def create(self, path: str, data: Data) -> None: ...
    def set(self, path: str, data: Data, *, merge: bool = False) -> None: ...
    def update(self, path: str, data: Data) -> None: ...
    def delete(self, path: str) -> None: ...
    def commit(self) -> None: ...


@runtime_checkable
class DocumentStore(Protocol):
    """Firestore-shaped document store.

    create raises AlreadyExists when present; update raises NotFound when absent; delete of
    a missing document is a no-op. query raises IndexRequired when the query needs a
    composite index the topology manifest does not declare. run_transaction retries ``fn``
    on contention and raises Contention when it keeps losing. ``writes`` counts committed
    document writes (create/set/update/delete), for tests and benchmarks.
    """

    writes: int

    def get(self, path: str) -> Snapshot | None: ...
    def get_many(self, paths: Sequence[str]) -> list[Snapshot | None]: ...
    def create(self, path: str, data: Data) -> None: ...
    def set(self, path: str, data: Data, *, merge: bool = False) -> None: ...
    def update(self, path: str, data: Data) -> None: ...
    def delete(self, path: str) -> None: ...
    def query(self, query: Query) -> list[Snapshot]: ...
    def run_transaction(self, fn: Callable[[Transaction], T], *, max_attempts: int = 5) -> T: ...
    def batch(self) -> WriteBatch: ...


@runtime_checkable
class GroupScan(Protocol):
    """Reads every document of a collection group (all collections with one id, at any depth).

    Pages come in the store's path order; ``after`` is the path of the last document of the
    previous page. Both stores implement it next to DocumentStore; data migrations need it.
    """

    def scan_group(self, group: str, *, after: str | None = None, limit: int = 300) -> list[Snapshot]: ...


class StoreWalk(Protocol):
    """Whole-store traversal for data rights (export and erasure): the root collections, and
    every document at or below a document path, at any depth (a Firestore document without
    fields but with subcollections is walked through, not yielded). Both stores implement it."""

    def root_collections(self) -> list[str]: ...
    def walk(self, path: str) -> Iterator[Snapshot]: ...


# --------------------------------------------------------------------------- blobs
@dataclass(frozen=True)
class SignedUpload:
    """What a client needs to PUT one object directly to storage."""

    url: str
    method: Literal["PUT"]
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class BlobInfo:
    """Metadata of a stored object."""

    bucket: str
    name: str
    size: int
    generation: str
    content_type: str | None
    updated: datetime


class BlobStore(Protocol):
    """One bucket. Names are object names inside it (``users/u1/documents/d1.pdf``)."""

    bucket: str

    def signed_upload_url(
        self,
        name: str,
        *,
        content_type: str,
        max_bytes: int,
        min_bytes: int = 1,
        expires_in: timedelta,
    ) -> SignedUpload: ...
    def signed_download_url(self, name: str, *, expires_in: timedelta) -> str: ...
    def read(self, name: str) -> bytes: ...
    def write(self, name: str, data: bytes, *, content_type: str) -> BlobInfo: ...
    def stat(self, name: str) -> BlobInfo | None: ...
    def exists(self, name: str) -> bool: ...
    def delete(self, name: str) -> None: ...


# --------------------------------------------------------------------------- messaging
class Publisher(Protocol):
    """Publishes JSON messages to a topic of the topology manifest; returns the message id."""

    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str: ...


class TaskQueue(Protocol):
    """Enqueues an HTTP task for a queue of the topology manifest.

    ``name`` makes the task idempotent: a second enqueue with the same name is a no-op that
    returns the same name. Returns the task name.
    """

    def enqueue(
        self,
        queue: str,
        payload: Mapping[str, Any],
        *,
        name: str | None = None,
        schedule_at: datetime | None = None,
    ) -> str: ...


# --------------------------------------------------------------------------- identity
class Role(StrEnum):
    """Roles come from a custom claim ``role``; absent means user."""

    USER = "user"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Principal:
    """The verified caller."""

    uid: str
    email: str | None = None
    role: Role = Role.USER
    claims: Mapping[str, Any] = field(default_factory=dict)
    # Firebase's ``email_verified`` claim; an unverified account may read but not write.
    email_verified: bool = True


@dataclass(frozen=True)
class IdentityUser:
    """An account of the identity provider."""

    uid: str
    email: str | None
    email_verified: bool
    role: Role = Role.USER
    display_name: str | None = field(default=None, repr=False)
    disabled: bool = False


class Identity(Protocol):
    """The identity provider: verifies bearer ID tokens and manages accounts.

    verify raises Unauthenticated for a missing, malformed, expired or revoked token (tokens
    issued before the last ``revoke`` are refused). create_user raises AlreadyExists for a
    taken e-mail. user and user_by_email answer None for an unknown account; the writes raise
    NotFound for one, except delete_user, which is idempotent. set_role sets the ``role``
    claim that the next token carries.
    """

    def verify(self, token: str) -> Principal: ...
    def create_user(self, email: str, password: str, display_name: str | None = None) -> IdentityUser: ...
    def user(self, uid: str) -> IdentityUser | None: ...
    def user_by_email(self, email: str) -> IdentityUser | None: ...
    def set_password(self, uid: str, password: str) -> None: ...
    def mark_verified(self, uid: str) -> None: ...
    def revoke(self, uid: str) -> None: ...
    def delete_user(self, uid: str) -> None: ...
    def set_role(self, uid: str, role: Role) -> None: ...


class PasswordSignIn(Protocol):
    """Local backend only: e-mail and password in, a dev ID token out (Firebase's client SDK
    does this in production). Unauthenticated, with one message, for any wrong pair."""

    def sign_in(self, email: str, password: str) -> str: ...


# --------------------------------------------------------------------------- misc
class Clock(Protocol):
    """Time source; tz-aware UTC."""

    def now(self) -> datetime: ...


class Mailer(Protocol):
    """Sends an e-mail: a plain-text body and optionally an HTML alternative (local: written
    to an outbox). Raises TransientError when the relay is unreachable or answers 4xx, and
    PermanentError when it refuses the message for good (5xx)."""

    def send(self, to: str, subject: str, body: str, html: str | None = None) -> None: ...


class Sealer(Protocol):
    """Authenticated encryption of small payloads that travel through queues and dead letters.

    unseal raises SealExpired (an InvalidInput) for an authentic envelope older than
    ``max_age``, and InvalidInput for a tampered or foreign one.
    """

    def seal(self, data: bytes) -> str: ...
    def unseal(self, token: str, *, max_age: timedelta) -> bytes: ...


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP response as the fetcher saw it."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


class HttpFetcher(Protocol):
    """GETs a URL with retries on 5xx/429 (honouring Retry-After) and timeouts.

    Raises TransientError or PermanentError subclasses with SOURCE_* failure classes.
    """

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> HttpResponse: ...


@dataclass(frozen=True)
class ExtractedText:
    """Normalised text of a PDF, pages in reading order, with its measurements."""

    text: str
    pages: int
    chars: int
    language: str  # ISO 639-1 code, or "und" when undetermined
    page_chars: list[int]
    truncated: bool = False  # the text was cut at the character limit


class TextExtractor(Protocol):
    """Turns PDF bytes into clean text.

    Raises PermanentError with failure class PDF_ENCRYPTED, PDF_NO_TEXT, PDF_CORRUPT,
    FILE_TOO_LARGE or TOO_MANY_PAGES and a message a user can act on.
    """

    def extract(
        self,
        data: bytes,
        *,
        password: str | None = None,
        max_pages: int,
        max_chars: int,
        max_bytes: int | None = None,
    ) -> ExtractedText: ...


_INEQUALITY = frozenset({Op.NE, Op.LT, Op.LE, Op.GT, Op.GE})


def effective_order(query: Query) -> tuple[Order, ...]:
    """The sort keys Firestore applies: order_by, then the inequality-filtered fields it lacks.

    Firestore orders by those fields implicitly (by name, in the last key's direction), so a
    cursor for such a query needs their values too; both stores sort by exactly these keys.
    """
    explicit = {o.field for o in query.order_by}
    descending = query.order_by[-1].descending if query.order_by else False
    implicit = sorted({f.field for f in query.filters if f.op in _INEQUALITY} - explicit)
    return query.order_by + tuple(Order(name, descending) for name in implicit)


def iter_pages(store: DocumentStore, query: Query, *, page_size: int = 300) -> Iterator[Snapshot]:
    """Iterate every document of a query with cursor pagination (bounded memory)."""
    order = effective_order(query)
    cursor = query.start_after
    while True:
        page = store.query(Query(query.collection, query.filters, order, page_size, cursor))
        yield from page
        if len(page) < page_size:
            return
        cursor = page[-1].cursor(order)


# --------------------------------------------------------------------------- LLM and profiles
M = TypeVar("M", bound="BaseModel")


@dataclass(frozen=True)
class LlmUsage:
    """Tokens one LLM call consumed."""

    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True)
class StructuredReply(Generic[M]):
    """A structured-output reply, already validated into ``schema``."""

    parsed: M
    model: str
    latency_ms: int
    usage: LlmUsage


class StructuredLLM(Protocol):
    """One structured-output LLM call (Gemini on Vertex AI in production).

    ``user`` is the whole user turn; callers delimit untrusted text inside it. Raises
    TransientError (LLM_RATE_LIMITED, LLM_UNAVAILABLE) after the adapter's own few retries, or
    PermanentError (LLM_INVALID_OUTPUT when the reply does not parse into ``schema``,
    LLM_BLOCKED when safety filters stopped it).
    """

    model: str

    def generate(self, system: str, user: str, schema: type[M]) -> StructuredReply[M]: ...


@dataclass(frozen=True)
class ProviderResult:
    """What a profile provider made of one CV, with what it cost."""

    draft: ProfileDraft
    provider: str  # "gemini" | "heuristic"
    model: str
    prompt_version: str
    latency_ms: int
    token_usage: TokenUsage


class ProfileProvider(Protocol):
    """Reads one CV's text into a ProfileDraft (Gemini, or the offline heuristic provider).

    ``name``, ``model`` and ``prompt_version`` identify the output for the inputs-hash cache:
    any change to them makes a new profile version. Evidence quotes in the draft occur in
    ``cv_text``. Raises like StructuredLLM.
    """

    name: str
    model: str
    prompt_version: str

    def generate(self, cv_text: str, inputs: ProfileInputs | None = None) -> ProviderResult: ...


# --------------------------------------------------------------------------- notebook scoring
@dataclass(frozen=True)
class ScoreInput:
    """One (CV, posting) pair to score; texts are untrusted and capped by the provider's prompt."""

    cv_text: str
    posting_text: str
    facts: PostingFacts
    preferences: str
    offer_content_hash: str
    deterministic: Explanation


@dataclass(frozen=True)
class ScoreOutput:
    """A rubric reply (not yet checked) and what it cost."""

    reply: RubricReply
    provider: str  # "gemini" | "heuristic"
    model: str
    prompt_version: str
    latency_ms: int
    usage: LlmUsage


class ScoreProvider(Protocol):
    """Scores a pair on the rubric (Gemini, or the offline heuristic scorer).

    ``name``, ``model`` and ``prompt_version`` enter the inputs hash, so changing any of them
    makes a new score instead of serving a cached one. Raises like StructuredLLM.
    """

    name: str
    model: str
    prompt_version: str

    def score(self, request: ScoreInput) -> ScoreOutput: ...
