"""The first request each function answers in the cold-start benchmark, and the floor it is held to.

Every request is really answered and needs no cloud: the health checks run on the gcp backend
(a production instance answers them without touching a client), everything else on the local
backend (``CAREER_ENVIRONMENT=test``, a temporary data dir), so reads hit the SQLite store and
events and tasks run their real handlers. A case's ``floor`` lists what, besides
functions-framework, a function file answering that request with a constant imports:

- ``pydantic`` and ``pydantic_settings`` in every floor: every request reads the settings and
  validates its input with them, by design (config.py, the edge), whatever its backend;
- ``jwt`` where a dev token is verified, ``sqlite3`` where the local store is read or written;
- no google SDK in any of them: none of these requests needs one (the local backend stands in
  for Firestore, Pub/Sub and Cloud Tasks, and no request here extracts a PDF or calls Gemini).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# What a request may load only if it really needs it (reported per function).
HEAVY = (
    "google.genai",
    "pymupdf",
    "fitz",
    "google.cloud.pubsub_v1",
    "google.cloud.firestore",
    "google.cloud.storage",
    "google.cloud.tasks_v2",
    "firebase_admin",
    "httpx",
)
BASE_FLOOR = ("pydantic", "pydantic_settings")
LOCAL_READ = (*BASE_FLOOR, "jwt", "sqlite3")
LOCAL_WORK = (*BASE_FLOOR, "sqlite3")
USER = "u-bench"
# Attributes Pub/Sub puts on a dead-lettered message (shared/services/operations.py reads them).
SOURCE_SUBSCRIPTION = "CloudPubSubDeadLetterSourceSubscription"
SOURCE_DELIVERY_COUNT = "CloudPubSubDeadLetterSourceDeliveryCount"
PROJECT = "bench-project"

Body = Callable[[int], bytes]  # run number -> body (unique ids, a fresh publish time)


@dataclass(frozen=True)
class Request:
    """One HTTP request; ``role`` is that of the dev token it carries, if any."""

    method: str
    path: str
    body: Body | None = None
    role: str | None = None
    content_type: str = "application/json"

    def payload(self, run: int) -> bytes:
        """The body of this request for the given run."""
        return self.body(run) if self.body is not None else b""


@dataclass(frozen=True)
class Case:
    """A function's first request, the status it must get, and its floor's imports."""

    name: str
    function: str
    request: Request
    expect: int
    backend: str
    floor: tuple[str, ...]
    what: str
    setup: tuple[Request, ...] = field(default_factory=tuple)
    heavy_allowed: tuple[str, ...] = ()


def push(data: Mapping[str, object], attributes: Mapping[str, str] | None = None) -> Body:
    """A Pub/Sub push envelope carrying ``data``, published now, with a run-unique message id."""

    def body(run: int) -> bytes:
        message = {
            "data": base64.b64encode(json.dumps(dict(data)).encode()).decode(),
            "attributes": dict(attributes or {}),
            "messageId": f"bench-{run}-{datetime.now(UTC).timestamp()}",
            "publishTime": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        subscription = f"projects/{PROJECT}/subscriptions/bench"
        return json.dumps({"subscription": subscription, "message": message}).encode()

    return body


def task(payload: Callable[[int], dict[str, object]]) -> Body:
    """A Cloud Tasks request body."""
    return lambda run: json.dumps(payload(run)).encode()


def _inputs(run: int) -> bytes:
    return json.dumps({"target_roles": ["Data engineer"], "notes": "benchmark"}).encode()


def _sealed_code(run: int) -> dict[str, object]:
    """A mail task as the one-time-code service enqueues it: the address and code sealed with
    the pepper the function reads (the test environment's built-in one)."""
    from shared.adapters.local.clock import SystemClock
    from shared.adapters.sealing import FernetSealer
    from shared.config import Settings

    pepper = Settings(environment="test", otp_pepper=None).otp_pepper_bytes()
    envelope = json.dumps({"to": f"bench-{run}@example.com", "code": "493817"}).encode()
    return {"purpose": "PASSWORD_RESET", "sealed": FernetSealer(pepper, SystemClock()).seal(envelope)}


def local(function: str, request: Request, what: str, **extra: Any) -> Case:
    """A case on the local backend that reads or writes the SQLite store and must answer 200."""
    options: dict[str, Any] = {"name": function, "function": function, "expect": 200}
    options |= {"backend": "local", "floor": LOCAL_WORK} | extra
    return Case(request=request, what=what, **options)


def healthz(function: str) -> Case:
    """GET /healthz on the gcp backend: answered without building any client."""
    health = Request("GET", "/healthz")
    return Case(f"{function}_healthz", function, health, 200, "gcp", BASE_FLOOR, "GET /healthz (gcp backend)")


def cases() -> dict[str, tuple[Case, ...]]:
    """Cases per function name; a function's first case is its headline figure."""
    unknown_doc = task(lambda run: {"uid": USER, "document_id": f"missing-{run}"})
    upload = {"bucket": "career-uploads", "name": f"users/{USER}/documents/missing.pdf", "generation": "1"}
    dead = {SOURCE_SUBSCRIPTION: "uploads-confirm", SOURCE_DELIVERY_COUNT: "5"}
    crawl = task(lambda run: {"source_id": "missing", "request_id": f"bench-{run}"})
    read = Request("GET", "/me/profile-inputs", role="user")
    seed = Request("PUT", "/me/profile-inputs", _inputs, role="user")
    all_cases = (
        local(
            "api",
            read,
            "GET /me/profile-inputs (dev token, seeded SQLite store)",
            floor=LOCAL_READ,
            setup=(seed,),
        ),
        healthz("api"),
        local(
            "ops",
            Request("GET", "/dead-letters?limit=10", role="operator"),
            "GET /dead-letters (operator dev token, SQLite store)",
            floor=LOCAL_READ,
        ),
        healthz("ops"),
        local(
            "on_upload_finalized",
            Request("POST", "/", push(upload, {"eventType": "OBJECT_FINALIZE"})),
            "finalize push for an object of no pending document (blob stat + store read, acked)",
        ),
        local(
            "extract_document",
            Request("POST", "/", unknown_doc),
            "extraction task for an unknown document (permanent failure, 200)",
        ),
        local(
            "generate_profile",
            Request("POST", "/", unknown_doc),
            "profile task for an unknown document (permanent failure, 200)",
        ),
        local(
            "dispatch_crawls",
            Request("POST", "/", push({"all": True})),
            "crawl request {all: true} push on an empty catalogue (acked)",
        ),
        local(
            "crawl_source",
            Request("POST", "/", crawl),
            "crawl task for an unknown source (run opened, failed SOURCE_NOT_FOUND, 200); httpx is "
            "in the floor because every real crawl fetches",
            floor=(*LOCAL_WORK, "httpx"),
            heavy_allowed=("httpx",),
        ),
        local(
            "match_offers",
            Request("POST", "/", push({"kind": "profile_version_created", "uid": USER, "version": 1})),
            "profile-event push for a user with no profile (store read, acked)",
        ),
        local(
            "refresh_scores",
            Request("POST", "/", push({"kind": "profile_version_created", "uid": USER, "version": 2})),
            "profile-event push for a user with an empty notebook (one query, acked)",
        ),
        local(
            "score_offer",
            Request(
                "POST",
                "/",
                task(lambda run: {"uid": USER, "entry_id": f"gone-{run}", "inputs_hash": "0" * 64}),
            ),
            "score task for a notebook entry removed since (one store read, 200)",
        ),
        local(
            "delete_account",
            Request("POST", "/", task(lambda run: {"uid": f"u-gone-{run}"})),
            "account-deletion task for a user with nothing stored (store walk, follow-up sweep queued, 200)",
        ),
        local(
            "send_mail",
            Request("POST", "/", task(_sealed_code)),
            "mail task for a code no longer live (envelope opened, one store read, skipped, 200); "
            "cryptography is in the floor because every mail task opens its envelope",
            floor=(*LOCAL_WORK, "cryptography.fernet"),
        ),
        local(
            "maintenance",
            Request("POST", "/", push({"task": "sweep_runs"})),
            "sweep_runs push on an empty run ledger (two queries, acked)",
        ),
        local(
            "run_migration",
            Request("POST", "/", task(lambda run: {"migration_id": "0001_profile_claims_schema_version"})),
            "migration task on an empty store (one group scan, checkpoint marked done)",
        ),
        local(
            "record_dead_letter",
            Request("POST", "/", push({"bench": True}, dead)),
            "dead-lettered uploads message (one idempotent create)",
        ),
    )
    table: dict[str, tuple[Case, ...]] = {}
    for case in all_cases:
        table[case.function] = (*table.get(case.function, ()), case)
    return table
