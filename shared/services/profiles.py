"""Career profiles: generation (task and HTTP), the inputs-hash cache, refinement, history, diffs.

The inputs hash covers the source document's sha256, the profile inputs, and the provider's
name, model and prompt version: a hash already seen never calls the provider again, it
returns the version that hash made. Only an EXTRACTED document makes a profile: a CV whose text
could not be read never gets one. Storage is described in ``profile_versions``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.channels import enqueue
from shared.channels.profiles import ProfileTask
from shared.domain.accounts import ProfileInputs
from shared.domain.documents import Document, DocumentState, text_object_name
from shared.domain.errors import Conflict, NotFound, PermanentError, TransientError
from shared.domain.failures import FailureClass
from shared.domain.profiles import CareerProfile, Corrections, Preferences, Provenance
from shared.ports import (
    BlobStore,
    Clock,
    ProfileProvider,
    ProviderResult,
    TaskQueue,
)
from shared.repositories.accounts import Accounts
from shared.repositories.career_profiles import ProfileFailure
from shared.repositories.documents import Documents
from shared.services.profile_versions import ProfileVersions

__all__ = ["Generated", "ProfileService", "Queued"]

_DEDUP_WINDOW_S = 600  # one queued generation per inputs hash per ten minutes (double clicks)


def inputs_hash(
    document_sha256s: list[str],
    inputs: ProfileInputs | None,
    *,
    provider: str,
    model: str,
    prompt_version: str,
) -> str:
    """sha256 over everything that determines a generated profile."""
    payload = {
        "documents": sorted(document_sha256s),
        "inputs": inputs.model_dump(mode="json") if inputs else None,
        "provider": provider,
        "model": model,
        "prompt_version": prompt_version,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def profile_from_result(
    result: ProviderResult,
    cv_text: str,
    *,
    uid: str,
    version: int,
    document: tuple[str, str],
    inputs: ProfileInputs | None,
    inputs_hash: str,
    at: datetime,
) -> CareerProfile:
    """A profile version from a provider's result; skills without evidence in ``cv_text`` are dropped."""
    document_id, sha256 = document
    provenance = Provenance(
        source_document_ids=[document_id],
        source_sha256s=[sha256],
        inputs_hash=inputs_hash,
        provider=result.provider,
        model=result.model,
        prompt_version=result.prompt_version,
        created_at=at,
        latency_ms=result.latency_ms,
        token_usage=result.token_usage,
    )
    # The draft checks (and the skill taxonomy) load with the first CV read, not at cold start.
    from shared.domain.profile_checks import check_draft

    draft = check_draft(result.draft, cv_text).draft
    return CareerProfile.from_draft(
        draft, uid=uid, version=version, preferences=Preferences.from_inputs(inputs), provenance=provenance
    )


@dataclass(frozen=True)
class Generated:
    """A generation's outcome: ``created`` is False when the cache answered."""

    profile: CareerProfile
    created: bool


@dataclass(frozen=True)
class Queued:
    """A generation handed to the profiles task queue (the HTTP path never waits for the LLM)."""

    document_id: str
    task: str


class ProfileService:
    """Generates, refines and reads a user's career profile versions."""

    def __init__(
        self,
        documents: Documents,
        texts: BlobStore,
        tasks: TaskQueue,
        clock: Clock,
        profile_provider: ProfileProvider,
        versions: ProfileVersions,
        accounts: Accounts,
    ) -> None:
        self._documents = documents
        self._texts = texts
        self._tasks = tasks
        self._clock = clock
        self._provider = profile_provider
        self._accounts = accounts
        self.versions = versions

    # ------------------------------------------------------------------ generation
    def request_generation(self, uid: str, document_id: str | None = None) -> Generated | Queued:
        """POST :generate: the cached version when the inputs are unchanged, else a queued task."""
        document = self._document(uid, document_id)
        key = self._key(document, self._inputs(uid))
        cached = self.versions.by_hash(uid, key)
        if cached is not None:
            return Generated(cached, created=False)
        window = int(self._clock.now().timestamp()) // _DEDUP_WINDOW_S
        task = enqueue(
            self._tasks, ProfileTask(uid=uid, document_id=document.id), name=f"profile-{key[:24]}-{window}"
        )
        self.versions.clear_failure(uid)  # asked again: running, no longer failed
        return Queued(document.id, task)

    def failure(self, uid: str) -> ProfileFailure | None:
        """Why the last generation failed, None when it did not (or a version was made since)."""
        state = self.versions.profiles.state(uid)
        return state.last_failure if state is not None else None

    def generate(self, uid: str, document_id: str | None = None) -> Generated:
        """Profile of one EXTRACTED document (the newest when None); cached by inputs hash."""
        document = self._document(uid, document_id)
        inputs = self._inputs(uid)
        key = self._key(document, inputs)
        cached = self.versions.by_hash(uid, key)
        if cached is not None:
            # A replayed task whose version was made before it failed (a lost announcement):
            # the failure recorded meanwhile no longer holds.
            self.versions.profiles.clear_failure(uid, document.id)
            return Generated(cached, created=False)
        text = self._text(document)
        try:
            result = self._provider.generate(text, inputs)
        except PermanentError as err:
            self.versions.record_failure(uid, document.id, err)
            raise
        at = self._clock.now()
        source = (document.id, document.sha256 or "")
        profile, created = self.versions.add(
            uid,
            key,
            lambda version: profile_from_result(
                result, text, uid=uid, version=version, document=source, inputs=inputs, inputs_hash=key, at=at
            ),
        )
        return Generated(profile, created)

    def refine(self, uid: str, version: int, corrections: Corrections) -> Generated:
        """Version N+1 from ``version`` plus corrections (the same corrections twice: one version)."""
        parent = self.versions.get(uid, version)
        from shared.domain.profile_history import apply_corrections

        refined = apply_corrections(parent, corrections, version=parent.version, at=self._clock.now())
        key = refined.provenance.inputs_hash
        cached = self.versions.by_hash(uid, key)
        if cached is not None:
            return Generated(cached, created=False)
        profile, created = self.versions.add(uid, key, lambda v: refined.model_copy(update={"version": v}))
        return Generated(profile, created)

    # ------------------------------------------------------------------ reads
    def get(self, uid: str, version: int) -> CareerProfile:
        """One version of the caller's own profile."""
        return self.versions.get(uid, version)

    def latest(self, uid: str) -> CareerProfile:
        """The newest version."""
        return self.versions.latest(uid)

    def history(
        self, uid: str, *, limit: int = 20, cursor: str | None = None
    ) -> tuple[list[CareerProfile], str | None]:
        """Versions newest first, one query per page."""
        return self.versions.history(uid, limit=limit, cursor=cursor)

    def diff(self, uid: str, from_version: int, to_version: int) -> dict[str, Any]:
        """What changed between two of the caller's versions."""
        from shared.domain.profile_history import diff_profiles

        return diff_profiles(self.versions.get(uid, from_version), self.versions.get(uid, to_version))

    # ------------------------------------------------------------------ internals
    def _key(self, document: Document, inputs: ProfileInputs | None) -> str:
        p = self._provider
        return inputs_hash(
            [document.sha256 or ""], inputs, provider=p.name, model=p.model, prompt_version=p.prompt_version
        )

    def _document(self, uid: str, document_id: str | None) -> Document:
        if document_id is not None:
            document = self._documents.load(uid, document_id)
        else:
            # Bounded by the per-user document quota; a single-field filter needs no composite index.
            docs = self._documents.in_states(uid, [DocumentState.EXTRACTED], limit=100)
            if not docs:
                raise NotFound("no extracted CV yet: upload a PDF first")
            document = max(docs, key=lambda d: (d.updated_at, d.id))
        if document.state != DocumentState.EXTRACTED:
            # Never a profile from a CV whose text could not be read.
            raise Conflict(
                f"document is {document.state}, not EXTRACTED",
                failure_class=document.failure_class or FailureClass.CONFLICT,
                detail={"document_id": document.id, "state": str(document.state)},
            )
        return document

    def _inputs(self, uid: str) -> ProfileInputs | None:
        stored = self._accounts.inputs(uid)
        if stored is None:
            return None
        return ProfileInputs.model_validate(stored.model_dump(include=set(ProfileInputs.model_fields)))

    def _text(self, document: Document) -> str:
        names = [document.text_object]
        if document.linked_to:  # same bytes as an earlier upload: its text is the twin's
            names.append(text_object_name(document.uid, document.linked_to))
        for name in names:
            try:
                return self._texts.read(name).decode("utf-8")
            except NotFound:
                continue
        raise TransientError(f"extracted text of document {document.id} is not readable yet")
