"""Builds the service graph for a backend, lazily.

Nothing here creates a client at import time: every port is a cached property that imports
its adapter module on first use, so a function loads only the SDKs its requests need (the
API answering a read never imports google-genai, pymupdf or pubsub).

Services are built with ``container.make(ServiceClass)``: constructor parameters are
filled by name from the container's ports (``store``, ``clock``, ``publisher``, ...), and a
parameter annotated with a repository or service class is built the same way, so no
service constructs its own collaborators.
"""

from __future__ import annotations

import inspect
import sys
import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from shared.config import Settings, get_settings
from shared.topology import TOPOLOGY, Topology

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from shared.ports import (
        BlobStore,
        Clock,
        DocumentStore,
        HttpFetcher,
        Identity,
        Mailer,
        PasswordSignIn,
        ProfileProvider,
        Publisher,
        ScoreProvider,
        Sealer,
        StoreWalk,
        TaskQueue,
        TextExtractor,
    )

S = TypeVar("S")


class Container:
    """Ports for one backend, each built on first use and then cached."""

    def __init__(
        self,
        settings: Settings,
        topology: Topology = TOPOLOGY,
        **overrides: Any,
    ) -> None:
        self.settings = settings
        self.topology = topology
        # Tests and the local stack may inject ready-made ports (e.g. an in-memory store).
        for name, value in overrides.items():
            self.__dict__[name] = value
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ ports
    @cached_property
    def clock(self) -> Clock:
        """UTC wall clock."""
        from shared.adapters.local.clock import SystemClock

        return SystemClock()

    @cached_property
    def store(self) -> DocumentStore:
        """SQLite locally, Firestore on gcp."""
        if self.settings.backend == "gcp":
            from shared.adapters.gcp.firestore_store import FirestoreDocumentStore

            return FirestoreDocumentStore(project=self.settings.project_id, indexes=self.topology.indexes)
        from shared.adapters.local.sqlite_store import SqliteDocumentStore

        path = self.settings.data_dir / "store.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteDocumentStore(path, indexes=self.topology.indexes)

    @property
    def walker(self) -> StoreWalk:
        """Whole-store traversal (data rights): both document stores implement it."""
        walker: StoreWalk = self.store  # type: ignore[assignment]
        return walker

    @cached_property
    def uploads(self) -> BlobStore:
        """The uploads bucket (CV PDFs, written by browsers through signed URLs)."""
        return self._blobs(self.settings.uploads_bucket, notify=True)

    @cached_property
    def texts(self) -> BlobStore:
        """The text bucket (extracted CV text)."""
        return self._blobs(self.settings.text_bucket, notify=False)

    @cached_property
    def delivery(self) -> Any:
        """Local backend only: the SQLite delivery queue behind publisher and tasks."""
        from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue

        path = self.settings.data_dir / "queue.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteDeliveryQueue(
            path,
            topology=self.topology,
            clock=self.clock,
            on_dead_letter=self._record_dead_letter,
            backoff_scale=self.settings.local_retry_backoff_scale,
        )

    def _record_dead_letter(self, dead_letter: Any) -> None:
        # Bound late: the service needs the publisher, which is this very queue.
        from shared.services.operations import DeadLetterService

        self.make(DeadLetterService).record(dead_letter)

    @cached_property
    def kept_offers(self) -> Any:
        """Offers each user keeps whatever their rank: those in their notebook (matching keeps
        their results beside the top K). The notebook repository is built on the first ranking
        that asks, not with every matching service: most triggers rank nobody."""
        return _KeptInNotebook(self)

    @cached_property
    def publisher(self) -> Publisher:
        """Pub/Sub on gcp; the local delivery queue otherwise."""
        if self.settings.backend == "gcp":
            from shared.adapters.gcp.pubsub_publisher import PubSubPublisher

            return PubSubPublisher(project=self.settings.project_id)
        return _LocalQueue(self)

    @cached_property
    def tasks(self) -> TaskQueue:
        """Cloud Tasks on gcp; the local delivery queue otherwise."""
        if self.settings.backend == "gcp":
            from shared.adapters.gcp.cloud_tasks import CloudTasksQueue

            return CloudTasksQueue(settings=self.settings, topology=self.topology)
        return _LocalQueue(self)

    @cached_property
    def identity(self) -> Identity:
        """Firebase Auth on gcp; SQLite accounts and dev tokens locally (refused outside local/test)."""
        if self.settings.backend == "gcp":
            from shared.adapters.gcp.firebase_identity import FirebaseIdentity

            return FirebaseIdentity(project=self.settings.project_id)
        from shared.adapters.local.local_identity import LocalIdentity

        path = self.settings.data_dir / "identity.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        return LocalIdentity(
            path,
            secret=self.settings.dev_token_secret.get_secret_value(),
            environment=self.settings.environment,
            clock=self.clock,
        )

    @property
    def password_sign_in(self) -> PasswordSignIn | None:
        """E-mail and password sign-in for dev tokens: the local backend only (None on gcp)."""
        if self.settings.backend == "gcp":
            return None
        sign_in = getattr(self.identity, "sign_in", None)
        return self.identity if callable(sign_in) else None  # type: ignore[return-value]

    @cached_property
    def mailer(self) -> Mailer:
        """SMTP when configured; otherwise the outbox mailer (files under the data dir)."""
        if self.settings.mail_backend == "smtp":
            from shared.adapters.smtp_mailer import SmtpMailer

            return SmtpMailer.from_settings(self.settings)
        from shared.adapters.local.outbox_mailer import OutboxMailer

        return OutboxMailer(self.settings.data_dir / "outbox", sender=self.settings.mail_sender)

    @cached_property
    def sealer(self) -> Sealer:
        """Envelopes for secrets inside task payloads, keyed from the one-time-code pepper."""
        from shared.adapters.sealing import FernetSealer

        return FernetSealer(self.settings.otp_pepper_bytes(), self.clock)

    @cached_property
    def fetcher(self) -> HttpFetcher:
        """httpx-based fetcher for job sources."""
        from shared.adapters.http_fetcher import HttpxFetcher

        return HttpxFetcher()

    @cached_property
    def extractor(self) -> TextExtractor:
        """PyMuPDF text extraction (imports pymupdf only when a PDF is first read)."""
        from shared.adapters.pdf_text import PyMuPdfExtractor

        return PyMuPdfExtractor()

    @cached_property
    def profile_provider(self) -> ProfileProvider:
        """Gemini on Vertex AI when configured; the offline heuristic provider otherwise."""
        if self.settings.llm_provider == "gemini":
            from shared.adapters.gcp.gemini import GeminiStructuredLLM
            from shared.adapters.llm_profile import LlmProfileProvider

            return LlmProfileProvider(GeminiStructuredLLM.from_settings(self.settings))
        from shared.adapters.local.heuristic_provider import HeuristicProfileProvider

        return HeuristicProfileProvider(self.clock)

    @cached_property
    def score_provider(self) -> ScoreProvider:
        """Notebook scores: Gemini when configured; the offline heuristic scorer otherwise."""
        if self.settings.llm_provider == "gemini":
            from shared.adapters.gcp.gemini import GeminiStructuredLLM
            from shared.adapters.llm_scoring import LlmScoreProvider

            return LlmScoreProvider(GeminiStructuredLLM.from_settings(self.settings))
        from shared.adapters.local.heuristic_scorer import HeuristicScoreProvider

        return HeuristicScoreProvider()

    # ------------------------------------------------------------------ services
    def make(self, cls: type[S], **explicit: Any) -> S:
        """Build ``cls`` filling constructor parameters by name from this container."""
        kwargs: dict[str, Any] = {}
        for name, param in inspect.signature(cls).parameters.items():
            if name in explicit:
                kwargs[name] = explicit[name]
            elif name in ("settings", "topology") or hasattr(type(self), name) or name in self.__dict__:
                kwargs[name] = getattr(self, name)
            elif (collaborator := self._collaborator_for(cls, name)) is not None:
                # Explicit ports (e.g. ``fetcher=``) reach the collaborators that take them too.
                wanted = inspect.signature(collaborator).parameters
                kwargs[name] = self.make(collaborator, **{k: v for k, v in explicit.items() if k in wanted})
            elif param.default is inspect.Parameter.empty:
                raise TypeError(f"container cannot provide {name!r} for {cls.__name__}")
        return cls(**kwargs)

    @staticmethod
    def _collaborator_for(service: type[Any], name: str) -> type[Any] | None:
        """The repository or service class a constructor parameter is annotated with, if any.

        Annotations are strings (``from __future__ import annotations``): a plain class name is
        read from the service's module by name. Evaluating them (``typing.get_type_hints``)
        would compile every annotation of the constructor, for each parameter, on every cold
        start; a union, a generic or a dotted name is never a collaborator built here.
        """
        raw = inspect.signature(service).parameters[name].annotation
        if isinstance(raw, str):
            hint = getattr(sys.modules.get(service.__module__), raw, None) if raw.isidentifier() else None
        else:
            hint = raw
        ours = ("shared.repositories.", "shared.services.")
        return hint if isinstance(hint, type) and hint.__module__.startswith(ours) else None

    # ------------------------------------------------------------------ helpers
    def _blobs(self, bucket: str, *, notify: bool) -> BlobStore:
        if self.settings.backend == "gcp":
            from shared.adapters.gcp.gcs_blobs import GcsBlobStore

            return GcsBlobStore(bucket, settings=self.settings)
        from shared.adapters.local.file_blobs import FileBlobStore, gcs_notification

        on_finalize = None
        if notify:
            # Local twin of the GCS -> Pub/Sub notification on the uploads bucket.
            def on_finalize(info: Any) -> None:
                from shared.channels import channel_of
                from shared.channels.uploads import UploadFinalized

                data, attributes = gcs_notification(info)
                # Google's notification shape goes out as is, to UploadFinalized's topic.
                self.publisher.publish(channel_of(UploadFinalized), data, attributes=attributes)

        return FileBlobStore(
            self.settings.data_dir / "blobs",
            bucket,
            signing_secret=self.settings.upload_signing_secret.get_secret_value().encode(),
            base_url=self.settings.public_base_url,
            clock=self.clock,
            on_finalize=on_finalize,
        )

    def close(self) -> None:
        """Close adapters that hold connections or threads."""
        for name in ("delivery", "store", "identity"):
            port = self.__dict__.get(name)
            close = getattr(port, "close", None)
            if callable(close):
                close()


class _LocalQueue:
    """The local delivery queue as the Publisher and TaskQueue ports, opened on the first message
    sent, as the Pub/Sub and Cloud Tasks adapters make their clients on first use: a request
    that sends nothing neither imports nor opens the queue (``Container.delivery``)."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def publish(
        self,
        topic: str,
        data: Mapping[str, Any],
        *,
        attributes: Mapping[str, str] | None = None,
        ordering_key: str | None = None,
    ) -> str:
        """Publish on the local queue (see ``Publisher``)."""
        message_id: str = self._container.delivery.publish(
            topic, data, attributes=attributes, ordering_key=ordering_key
        )
        return message_id

    def enqueue(
        self,
        queue: str,
        payload: Mapping[str, Any],
        *,
        name: str | None = None,
        schedule_at: datetime | None = None,
    ) -> str:
        """Enqueue on the local queue (see ``TaskQueue``)."""
        task: str = self._container.delivery.enqueue(queue, payload, name=name, schedule_at=schedule_at)
        return task


class _KeptInNotebook:
    """The offers a user keeps in their notebook, read through the notebook repository, which
    (with its entry and score models) is imported and built on the first call."""

    def __init__(self, container: Container) -> None:
        self._container = container

    @cached_property
    def _notebook(self) -> Any:
        from shared.repositories.notebook import NotebookRepository

        return self._container.make(NotebookRepository)

    def offer_ids(self, uid: str) -> list[str]:
        """The offer ids ``uid`` keeps."""
        ids: list[str] = self._notebook.offer_ids(uid)
        return ids


_container: Container | None = None
_container_lock = threading.Lock()


def container() -> Container:
    """The process-wide container, built from the environment on first call."""
    global _container  # noqa: PLW0603 - one lazily built graph per process, by design
    with _container_lock:
        if _container is None:
            _container = Container(get_settings())
            if not _container.settings.native_reading:  # imported only then: cold start
                from shared.domain.matching.features import use_native_reading

                use_native_reading(False)
        return _container


def install(new: Container | None) -> Container | None:
    """Replace the process-wide container (local stack, tests); returns the previous one."""
    global _container
    with _container_lock:
        previous, _container = _container, new
        return previous
