"""A function loads only what its requests use: checked on the modules loaded, never on time.

Each test builds a function's app in a fresh interpreter exactly as functions-framework does
(``create_app``), serves one request through ``test_client()`` on the local backend, and
reads ``sys.modules``. bench/cold_start.py measures the time; these tests keep the module
sets from regressing: no unneeded SDK, only the function's own message modules (never the
catalogue shared/messages.py), the matcher only where a request ranks, and a budget of our
own modules per function (docs/decisions/0090-cold-start-budget.md).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.messages import (
    AccountDeletion,
    CrawlRequest,
    CrawlTask,
    DeadLetterForward,
    ExtractionTask,
    MaintenanceTask,
    MatchTrigger,
    MigrationTask,
    OffersChanged,
    OtpMail,
    ProfileTask,
    ProfileVersionCreated,
    ScoreTask,
    UploadFinalized,
)
from shared.ports import Role
from shared.topology import TOPOLOGY

REPO = Path(__file__).resolve().parents[2]
SECRET = "import-budget-dev-token-secret-0123456789"
NEVER_FOR_THESE_REQUESTS = ("google.genai", "pymupdf", "fitz", "google.cloud.pubsub_v1")
# The local backend stands in for every Google client: none of them may load there.
GOOGLE_CLIENTS = ("google.cloud.firestore", "google.cloud.storage", "google.cloud.tasks_v2", "firebase_admin")
API_AREAS = ("accounts", "documents", "matches", "profiles", "operations", "sources")
WATCHED = (
    *NEVER_FOR_THESE_REQUESTS,
    *GOOGLE_CLIENTS,
    "httpx",
    "shared.bootstrap",
    *(f"shared.api.{a}" for a in API_AREAS),
    "shared.edge.routing",
    "shared.domain.job_sources",
    "shared.sources.base",
    "shared.domain.offers",
    "shared.domain.cv.draft",
    "shared.messages",
    "shared.domain.matching.features",
    "shared.domain.profiles",
    "shared.domain.skills",
    "shared.domain.scoring.record",
    "shared.domain.scoring.rubric",
    "shared.repositories.notebook",
    "shared.adapters.local.sqlite_queue",
    "jwt",
)

_PROBE = """
import base64, json, sys
import functions_framework
spec = json.loads(sys.argv[1])
client = functions_framework.create_app(spec["target"], spec["source"], spec["signature"]).test_client()
statuses = []
for r in spec["requests"]:
    resp = client.open(r["path"], method=r["method"], headers=r["headers"], data=base64.b64decode(r["body"]))
    statuses.append(resp.status_code)
loaded = [m for m in spec["watched"] if m in sys.modules]
ours = [m for m in sys.modules if m.startswith(("shared.", "functions."))]
print(json.dumps({"statuses": statuses, "loaded": loaded, "ours": ours}))
"""


@dataclass(frozen=True)
class Served:
    """What a fresh interpreter answered and which watched modules it had loaded by then."""

    statuses: list[int]
    loaded: set[str]
    ours: set[str]  # every module of this project loaded (shared.*, functions.*)

    @property
    def channels(self) -> set[str]:
        """The message modules loaded (shared/channels/*.py)."""
        return {m for m in self.ours if m.startswith("shared.channels.")}


def _token(role: Role = Role.USER) -> dict[str, str]:
    return {"Authorization": f"Bearer {DevTokenIdentity(SECRET, environment='test').mint('u-1', role=role)}"}


def _push(data: dict[str, Any], attributes: dict[str, str] | None = None) -> dict[str, Any]:
    message = {
        "data": base64.b64encode(json.dumps(data).encode()).decode(),
        "attributes": attributes or {},
        "messageId": "m-1",
        "publishTime": datetime.now(UTC).isoformat(),
    }
    return {"subscription": "projects/p/subscriptions/s", "message": message}


def _request(
    method: str, path: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    sent = {"Content-Type": "application/json"} if body is not None else {}
    sent |= headers or {}
    return {"method": method, "path": path, "headers": sent, "body": base64.b64encode(raw).decode()}


def serve(function: str, requests: list[dict[str, Any]], data_dir: Path, *, backend: str = "local") -> Served:
    """Serve ``requests`` with ``function``'s app in a fresh interpreter."""
    spec = TOPOLOGY.function(function)
    probe = {
        "target": spec.entry_point,
        "source": str(REPO / spec.source / "main.py"),
        "signature": "cloudevent" if spec.trigger == "push" else "http",
        "requests": requests,
        "watched": list(WATCHED),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREER_") and "EMULATOR" not in k}
    env |= {
        "CAREER_BACKEND": backend,
        "CAREER_ENVIRONMENT": "test" if backend == "local" else "prod",
        "CAREER_DATA_DIR": str(data_dir),
        "CAREER_DEV_TOKEN_SECRET": SECRET,
        "CAREER_LLM_PROVIDER": "heuristic",
        "PYTHONPATH": str(REPO),
    }
    argv = [sys.executable, "-c", _PROBE, json.dumps(probe)]
    out = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return Served(result["statuses"], set(result["loaded"]), set(result["ours"]))


class TestApiRead:
    def test_a_profile_inputs_read_loads_no_genai_pymupdf_pubsub_or_google_sdk(self, tmp_path: Path) -> None:
        put = _request("PUT", "/me/profile-inputs", {"target_roles": ["Data engineer"]}, headers=_token())
        get = _request("GET", "/me/profile-inputs", headers=_token())

        served = serve("api", [put, get], tmp_path)

        assert served.statuses == [200, 200]
        assert served.loaded.isdisjoint((*NEVER_FOR_THESE_REQUESTS, *GOOGLE_CLIENTS, "httpx"))
        assert served.loaded.isdisjoint({"shared.messages", "shared.domain.matching.features"})

    def test_a_read_imports_its_own_area_only(self, tmp_path: Path) -> None:
        served = serve("api", [_request("GET", "/me/profile-inputs", headers=_token())], tmp_path)

        assert served.statuses == [404]  # nothing stored yet: still routed, authenticated and read
        assert "shared.api.accounts" in served.loaded
        assert served.loaded.isdisjoint({"shared.api.documents", "shared.api.matches", "shared.api.profiles"})


class TestOperatorRead:
    def test_listing_dead_letters_loads_no_sdk_and_not_the_sources_area(self, tmp_path: Path) -> None:
        served = serve("ops", [_request("GET", "/dead-letters", headers=_token(Role.OPERATOR))], tmp_path)

        assert served.statuses == [200]
        assert served.loaded.isdisjoint((*NEVER_FOR_THESE_REQUESTS, *GOOGLE_CLIENTS, "httpx"))
        assert "shared.api.sources" not in served.loaded
        assert served.loaded.isdisjoint({"shared.messages", "shared.domain.matching.features"})


class TestHealthChecks:
    @pytest.mark.parametrize("function", ["api", "ops"])
    def test_healthz_on_gcp_imports_no_area_no_sdk_and_no_service_graph(
        self, function: str, tmp_path: Path
    ) -> None:
        served = serve(function, [_request("GET", "/healthz")], tmp_path, backend="gcp")

        assert served.statuses == [200]
        assert served.loaded == {"shared.edge.routing"}  # the HTTP edge's own route types


# One cheap, really handled request per event or task function (bench/_cold_cases.py has the why).
_TASK_ON_UNKNOWN_DOCUMENT = _request("POST", "/", {"uid": "u-1", "document_id": "missing"})
_EVENT_REQUESTS = {
    "on_upload_finalized": _request(
        "POST",
        "/",
        _push(
            {"bucket": "career-uploads", "name": "users/u-1/documents/missing.pdf", "generation": "1"},
            {"eventType": "OBJECT_FINALIZE"},
        ),
    ),
    "extract_document": _TASK_ON_UNKNOWN_DOCUMENT,
    "generate_profile": _TASK_ON_UNKNOWN_DOCUMENT,
    "dispatch_crawls": _request("POST", "/", _push({"all": True})),
    "crawl_source": _request("POST", "/", {"source_id": "missing", "request_id": "r-1"}),
    "match_offers": _request("POST", "/", _push(ProfileVersionCreated(uid="u-1", version=1).wire())),
    "maintenance": _request("POST", "/", _push({"task": "sweep_runs"})),
    # An envelope that does not open: a permanent failure, answered 200 without any mail client.
    # Erasing a user nobody knows: walks the store, deletes nothing, queues the follow-up sweep.
    "delete_account": _request("POST", "/", {"uid": "u-unknown"}),
    "send_mail": _request("POST", "/", {"purpose": "PASSWORD_RESET", "sealed": "not-an-envelope"}),
    "score_offer": _request("POST", "/", ScoreTask(uid="u-1", entry_id="x", inputs_hash="0" * 64).wire()),
    "refresh_scores": _request("POST", "/", _push(ProfileVersionCreated(uid="u-1", version=2).wire())),
    # An empty store: the migration scans one empty page and marks itself done.
    "run_migration": _request("POST", "/", {"migration_id": "0001_profile_claims_schema_version"}),
    "record_dead_letter": _request(
        "POST",
        "/",
        _push({"x": 1}, {"CloudPubSubDeadLetterSourceSubscription": "uploads-confirm"}),
    ),
}


# The message modules (shared/channels/) each request loads: the function's own, those its
# service sends, and, when the request ends as a recorded permanent failure, the forward model
# of the dead-letter service plus the model of that letter's own channel, which its owner
# decodes (shared/services/dead_letter_owners.py). Never another channel's model.
def _modules(*models: type[Any]) -> set[str]:
    """The shared/channels/ modules that define these models (a channel's name is never
    written here: tests/unit/test_messages.py)."""
    return {m.__module__ for m in models}


_RECORDED = _modules(DeadLetterForward)
_CHANNELS = {
    "on_upload_finalized": _modules(UploadFinalized, ExtractionTask),
    "extract_document": _modules(ExtractionTask, ProfileTask),
    "generate_profile": _modules(ProfileTask, ProfileVersionCreated) | _RECORDED,
    "dispatch_crawls": _modules(CrawlRequest, CrawlTask),
    "crawl_source": _modules(CrawlTask, OffersChanged) | _RECORDED,
    "match_offers": _modules(MatchTrigger, OffersChanged, ProfileVersionCreated) | _RECORDED,
    "maintenance": _modules(MaintenanceTask),
    "delete_account": _modules(AccountDeletion),
    "send_mail": _modules(OtpMail) | _RECORDED,
    "score_offer": _modules(ScoreTask),
    "refresh_scores": _modules(MatchTrigger, OffersChanged, ProfileVersionCreated, ScoreTask),
    "run_migration": _modules(MigrationTask),
    # An uploads letter: its owner decodes it as the finalize event it was.
    "record_dead_letter": _modules(UploadFinalized) | _RECORDED,
}
# How many of our own modules (shared.*, functions.*) each request may load: the count when
# this budget was set plus a little headroom. An eager import of a whole area (every message,
# every repository through a package, the matcher behind a repository) overshoots it; raise a
# budget only for a module the request really uses, and say so in the commit.
_OUR_MODULES = {
    "on_upload_finalized": 32,
    "extract_document": 38,
    "generate_profile": 48,
    "dispatch_crawls": 36,
    "crawl_source": 57,
    "match_offers": 46,
    "maintenance": 27,
    "delete_account": 41,
    "send_mail": 46,
    "score_offer": 45,
    "refresh_scores": 46,
    "run_migration": 29,
    "record_dead_letter": 35,
}
_HEADROOM = 3


_MATCHER = ("shared.domain.matching.features", "shared.domain.matching.ranking", "shared.domain.titles")
_SCORING = (
    *_MATCHER,
    "shared.domain.scoring.rubric",
    "shared.domain.scoring.record",
    "shared.domain.profiles",
)


class TestEventAndTaskFunctions:
    @pytest.mark.parametrize("function", sorted(_EVENT_REQUESTS))
    def test_its_request_loads_no_unneeded_sdk(self, function: str, tmp_path: Path) -> None:
        served = serve(function, [_EVENT_REQUESTS[function]], tmp_path)

        assert served.statuses == [200]
        assert served.loaded.isdisjoint((*NEVER_FOR_THESE_REQUESTS, *GOOGLE_CLIENTS))
        # Only a crawl fetches: httpx stays out of every other function.
        assert ("httpx" in served.loaded) == (function == "crawl_source")
        # Its own message modules only, never the catalogue of every message.
        assert "shared.messages" not in served.loaded
        assert served.channels == _CHANNELS[function]
        ours = sorted(m for m in served.ours if m.startswith("shared."))
        assert len(served.ours) <= _OUR_MODULES[function] + _HEADROOM, ours

    @pytest.mark.parametrize(
        ("function", "unneeded"),
        [
            # A sweep addresses source documents by path only: no source models.
            ("maintenance", {"shared.domain.job_sources"}),
            # Listing enabled sources needs no adapter (their base brings the offer model).
            ("dispatch_crawls", {"shared.sources.base", "shared.domain.offers"}),
            # Tasks read their body without the HTTP route types.
            ("extract_document", {"shared.edge.routing"}),
            ("crawl_source", {"shared.edge.routing"}),
            # No CV is read for an unknown document: the heuristic rules and the draft checks
            # stay unloaded, and settling its dead letter's owner does not load the matcher.
            (
                "generate_profile",
                {
                    "shared.edge.routing",
                    "shared.domain.cv.draft",
                    "shared.domain.profile_checks",
                    "shared.domain.skills",
                    *_MATCHER,
                },
            ),
            # A crawl of an unknown source stores no offer: no features are computed.
            ("crawl_source", {*_MATCHER}),
            # A user without a profile is not ranked: the matcher stays unloaded.
            ("match_offers", {*_MATCHER}),
            ("record_dead_letter", {*_MATCHER}),
            # Nothing is sent: the local queue stays closed, as Pub/Sub's client stays unmade;
            # no profile is read, and kept offers (the notebook) are asked only when ranking.
            (
                "match_offers",
                {
                    "shared.adapters.local.sqlite_queue",
                    "shared.domain.profiles",
                    "shared.repositories.notebook",
                },
            ),
            # A deleted entry and a user with nothing to mark stale: no pair is scored.
            (
                "score_offer",
                {*_SCORING, "shared.adapters.local.sqlite_queue"},
            ),
            ("refresh_scores", {*_SCORING, "shared.adapters.local.sqlite_queue"}),
            # The local identity loads PyJWT with the first dev token; these tasks carry none.
            ("send_mail", {"jwt"}),
            ("delete_account", {"jwt"}),
        ],
    )
    def test_its_request_leaves_unused_modules_unloaded(
        self, function: str, unneeded: set[str], tmp_path: Path
    ) -> None:
        served = serve(function, [_EVENT_REQUESTS[function]], tmp_path)

        assert served.statuses == [200]
        assert served.loaded.isdisjoint(unneeded)

    def test_every_event_and_task_function_is_covered(self) -> None:
        triggered = {f.name for f in TOPOLOGY.functions if f.trigger != "http"}

        assert triggered == set(_EVENT_REQUESTS) == set(_CHANNELS) == set(_OUR_MODULES)


# Models whose validator used to be built at import (a default instance validated at class
# definition, or a plain BaseModel): each function now builds only the ones its request uses.
_BUILT_ON_FIRST_USE = """
import json
from shared.domain.job_sources import JobSource, SourceTerms
from shared.domain.runs import Run, RunStats
from shared.messages import CrawlRequest, CrawlTask
from shared.services.sources import SourceSpec
models = (JobSource, SourceTerms, Run, RunStats, CrawlRequest, CrawlTask, SourceSpec)
print(json.dumps([m.__name__ for m in models if m.__pydantic_complete__]))
"""


class TestModelsBuiltOnFirstUse:
    def test_importing_the_crawl_services_builds_no_model_validator(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        argv = [sys.executable, "-c", _BUILT_ON_FIRST_USE]

        out = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)

        assert out.returncode == 0, out.stderr[-2000:]
        assert json.loads(out.stdout) == []

    def test_a_default_terms_value_still_equals_validated_defaults(self) -> None:
        from shared.domain.job_sources import JobSource, SourceTerms
        from shared.domain.runs import Run, RunStats

        assert JobSource.model_fields["terms"].default == SourceTerms()
        assert Run.model_fields["stats"].default == RunStats()
