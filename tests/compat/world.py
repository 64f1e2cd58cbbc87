"""What the current code writes: a real pass through the local stack, read back from its store.

The stack runs in this process on a temporary folder (``career serve``'s code, heuristic
provider, no network): an account signs up, saves profile inputs, uploads the bundled CV
(extracted, profiled), a saved job-board payload is imported through the crawl path (offers,
a run, matches), a malformed task is dead-lettered, and the first migration runs. One document
of every kind in ``kinds.DOCUMENTS`` is then read back through the GroupScan port. Messages are
built with their models, as producers build them.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.config import Settings
from shared.localstack.stack import LocalStack
from shared.messages import (
    AccountDeletion,
    CrawlRequest,
    CrawlTask,
    DeadLetterForward,
    ExtractionTask,
    MaintenanceTask,
    MigrationTask,
    OffersChanged,
    OtpMail,
    ProfileTask,
    ProfileVersionCreated,
    ScoreTask,
    UploadFinalized,
    channel_of,
)
from shared.migrations import find
from shared.ports import GroupScan, Role
from shared.services.migrations import MigrationRunner
from shared.services.runs import RunService
from shared.services.sources import SourceService, SourceSpec
from shared.smoke.journey import smoke_cv
from tests.compat.kinds import DOCUMENTS

REPO = Path(__file__).resolve().parents[2]
BOARD = REPO / "samples" / "jobs" / "greenhouse" / "nordlicht-energy.json"
Json = dict[str, Any]


def to_json(value: Any) -> Any:
    """Stored values as JSON (datetimes as ISO 8601 strings, which readers parse)."""
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
    )


def message_examples() -> dict[str, Json]:
    """One payload per message model, built by the model as producers build it."""
    uid, doc = "u-compat", "d-compat"
    examples = [
        UploadFinalized(bucket="career-uploads", name=f"users/{uid}/documents/{doc}.pdf", generation="17"),
        CrawlRequest(all=True),
        ProfileVersionCreated(uid=uid, version=3),
        OffersChanged(run_id="run-1", source_id="greenhouse-acme", offer_ids=["greenhouse-1"]),
        MaintenanceTask(task="sweep_runs"),
        DeadLetterForward(
            message_id="m-1", subscription="uploads-confirm", delivery_count=5, payload={"bucket": "b"}
        ),
        ExtractionTask(uid=uid, document_id=doc, generation="17"),
        ProfileTask(uid=uid, document_id=doc),
        CrawlTask(source_id="greenhouse-acme", request_id="r-1", trigger="schedule"),
        OtpMail(purpose="EMAIL_REGISTER", sealed="sealed-envelope"),
        MigrationTask(migration_id="0001_profile_claims_schema_version", batch_size=200),
        ScoreTask(uid=uid, entry_id="e-compat", inputs_hash="0" * 64, reason="request"),
        AccountDeletion(uid=uid),
    ]
    return {type(m).__name__: m.wire() for m in examples}


def _wait(what: str, probe: Callable[[], bool], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not probe():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the local stack never produced {what}")
        time.sleep(0.2)


def stored_documents(tmp: Path | None = None) -> dict[str, Json]:
    """One stored document per kind of ``DOCUMENTS``, as the current code writes it."""
    with tempfile.TemporaryDirectory(prefix="compat-") as folder:
        settings = Settings(
            backend="local",
            environment="test",
            data_dir=tmp or Path(folder),
            dev_token_secret=secrets.token_urlsafe(48),  # type: ignore[arg-type]
        )
        stack = LocalStack(settings, port=0, scheduler=False)
        url = stack.start()
        try:
            _drive(stack, url, settings)
            store = stack.container.store
            assert isinstance(store, GroupScan)
            found: dict[str, Json] = {}
            for group in DOCUMENTS:
                page = store.scan_group(group, limit=1)
                if page:
                    found[group] = to_json(page[0].data)
            return found
        finally:
            stack.stop()


def _drive(stack: LocalStack, url: str, settings: Settings) -> None:
    container = stack.container
    token = DevTokenIdentity(settings.dev_token_secret.get_secret_value(), environment="test").mint(
        "u-compat", email="compat@example.com"
    )
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=30) as http:
        sign_up = {"email": "new-compat@example.com", "password": "a long compat passphrase 7"}
        assert http.post("/api/auth/sign-up", json=sign_up).status_code == 202
        assert http.get("/api/me", headers=auth).status_code == 200
        inputs = {"target_roles": ["Backend Engineer"], "remote_preference": "any"}
        assert http.put("/api/me/profile-inputs", json=inputs, headers=auth).status_code == 200
        cv = smoke_cv()
        body = {"filename": "cv.pdf", "size": len(cv), "content_type": "application/pdf"}
        created = http.post("/api/documents", json=body, headers=auth).json()
        upload = created["upload"]
        assert httpx.put(upload["url"], content=cv, headers=upload["headers"], timeout=30).status_code == 200
        _wait(
            "a career profile", lambda: bool(http.get("/api/career-profiles", headers=auth).json()["items"])
        )
        source = container.make(SourceService).save(
            SourceSpec(kind="greenhouse", board="compat", enabled=False)
        )
        container.make(RunService).import_payload(source[0].id, BOARD.read_bytes(), "import-compat")
        _wait("matches", lambda: bool(http.get("/api/matches", headers=auth).json()["matches"]))
        offer_id = http.get("/api/matches", headers=auth).json()["matches"][0]["offer_id"]
        saved = http.post("/api/notebook", json={"offer_id": offer_id, "notes": "compat"}, headers=auth)
        assert saved.status_code in (200, 201), saved.text
        container.tasks.enqueue(channel_of(ExtractionTask), {"not": "an extraction task"})
        ops = DevTokenIdentity(settings.dev_token_secret.get_secret_value(), environment="test")
        ops_auth = {"Authorization": f"Bearer {ops.mint('ops-compat', role=Role.OPERATOR)}"}
        _wait("a dead letter", lambda: bool(http.get("/ops/dead-letters", headers=ops_auth).json()["items"]))
    container.make(MigrationRunner).run(find("0001"))
