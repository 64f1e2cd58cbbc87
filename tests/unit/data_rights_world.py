"""A user with everything a user can have, seeded through the real flows (the api, the
queued functions, the services): what data-rights tests and the erasure bench start from."""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qsl, unquote, urlsplit

from shared.adapters.local.file_blobs import FileBlobStore
from shared.domain.dead_letters import DeadLetter
from shared.domain.failures import FailureClass
from shared.messages import ExtractionTask, UploadFinalized, channel_of
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.operations import DeadLetterService
from shared.services.scoring import ScoringService
from shared.topology import TOPOLOGY
from tests.unit.accounts_world import AccountsWorld
from tests.unit.documents_world import make_pdf
from tests.unit.matching_world import OFFERS


def uid_of(world: AccountsWorld, token: str) -> str:
    uid: str = world.get("/me", token).get_json()["uid"]
    return uid


def populate(world: AccountsWorld) -> tuple[str, str, str]:
    """A verified user with inputs, an extracted CV, a profile, matches, a code and dead
    letters (a task, a profile event, an upload that names the user by its object only):
    (email, token, uid)."""
    email, token = world.verified_user()
    uid = uid_of(world, token)
    inputs = {"target_roles": ["Backend Engineer"], "notes": "Small teams", "preferred_locations": ["Berlin"]}
    assert world.put("/me/profile-inputs", inputs, token).status_code == 200
    pdf = make_pdf("Senior Python engineer: PostgreSQL, Docker, Kubernetes, cloud systems, APIs and data")
    created = world.client.post(
        "/documents",
        json={"filename": "cv.pdf", "size": len(pdf), "content_type": "application/pdf"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.get_json()
    upload = created.get_json()["upload"]
    url = urlsplit(upload["url"])
    name = unquote(url.path.split("/", 3)[3])
    uploads = world.container.uploads
    assert isinstance(uploads, FileBlobStore)
    uploads.accept_signed_upload(name, dict(parse_qsl(url.query)), "application/pdf", pdf)
    world.deliver()  # confirm -> extract -> profile -> matching
    kept = world.container.make(NotebookService).save(uid, SaveRequest(offer_id=OFFERS[0].id, tags=["keep"]))
    world.container.make(ScoringService).request(uid, kept.entry.id)
    world.deliver()  # notebook -> scoring (scores, LLM usage)
    world.clock.advance(seconds=31)
    world.post("/auth/password:forgot", {"email": email})  # a live code
    letter = DeadLetter.for_task(
        queue=channel_of(ExtractionTask),
        task_name=f"t-{uuid.uuid4().hex}",
        payload=json.dumps({"uid": uid, "document_id": "gone"}),
        attempts=5,
        last_error="boom",
        failure_class=FailureClass.INTERNAL,
        at=world.clock.now(),
    )
    world.container.make(DeadLetterService).record(letter)
    matcher = next(s for s in TOPOLOGY.subscriptions if s.function == "match_offers")
    profile_event = {"uid": uid, "version": 1, "kind": "profile_version_created"}
    # A matching given up: the user's match_failures record.
    given_up = _message_letter(world, matcher.name, f"m-{uid}", profile_event)
    world.container.make(DeadLetterService).record(given_up)
    confirm = next(s for s in TOPOLOGY.subscriptions if s.topic == channel_of(UploadFinalized))
    finalized = {"bucket": uploads.bucket, "name": f"users/{uid}/documents/{'0' * 32}.pdf", "generation": "1"}
    # No uid field: the object name is the user's folder.
    upload_given_up = _message_letter(world, confirm.name, uuid.uuid4().hex, finalized)
    world.container.make(DeadLetterService).record(upload_given_up)
    return email, token, uid


def _message_letter(world: AccountsWorld, subscription: str, message_id: str, payload: object) -> DeadLetter:
    spec = TOPOLOGY.subscription(subscription)
    return DeadLetter.for_message(
        topic=spec.topic,
        subscription=spec.name,
        message_id=message_id,
        payload=json.dumps(payload),
        attributes={},
        attempts=spec.max_delivery_attempts,
        last_error="boom",
        failure_class=FailureClass.INTERNAL,
        at=world.clock.now(),
    )
