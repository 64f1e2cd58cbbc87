"""The smoke journey's steps and its JSON report.

healthz -> sign in (a throwaway user) -> profile inputs -> upload a small CV and wait for
EXTRACTED -> wait for a career profile -> matches -> a notebook save -> clean-up (the
document, the notebook entry, the account). Every wait shares one deadline. A step that
depends on a failed one is skipped with that reason; clean-up always runs. A step whose route
the API does not list in its OpenAPI document is reported as "skipped: route not available".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from typing import Any, Literal

import httpx

from shared.smoke.identity import SmokeIdentity, SmokeIdentityError, SmokeUser

Status = Literal["passed", "failed", "skipped"]
SETTLED = ("EXTRACTED", "FAILED", "REJECTED")
NOT_AVAILABLE = "skipped: route not available"


def smoke_cv() -> bytes:
    """The bundled one-page CV the journey uploads."""
    return resources.files("shared").joinpath("data/smoke-cv.pdf").read_bytes()


class StepFailed(Exception):
    """A step saw something other than what the journey needs."""


@dataclass
class Step:
    """One step's outcome."""

    name: str
    status: Status
    duration_ms: int
    detail: str = ""


@dataclass
class Report:
    """What the journey did, as written to the JSON report."""

    base_url: str
    identity: str
    started_at: str
    ok: bool = False
    duration_s: float = 0.0
    steps: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class Journey:
    """One run of the smoke journey against ``base_url`` (the API root)."""

    def __init__(
        self,
        base_url: str,
        identity: SmokeIdentity,
        http: httpx.Client,
        *,
        timeout_s: float,
        pdf: bytes | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._identity = identity
        self._http = http
        self._pdf = smoke_cv() if pdf is None else pdf
        self._monotonic = monotonic
        self._sleep = sleep
        self._deadline = monotonic() + timeout_s
        self._user: SmokeUser | None = None
        self._routes: set[tuple[str, str]] = set()
        self._made: dict[str, str] = {}  # what clean-up removes: document, notebook entry
        self.report = Report(self._base, identity.kind, datetime.now(UTC).isoformat())

    # ------------------------------------------------------------------ the run
    def run(self) -> Report:
        """Every step in order, clean-up last; ``report.ok`` when nothing failed."""
        started = self._monotonic()
        steps: list[tuple[str, Callable[[], str]]] = [
            ("healthz", self._healthz),
            ("sign_in", self._sign_in),
            ("profile_inputs", self._profile_inputs),
            ("upload_extracted", self._upload),
            ("career_profile", self._profile),
            ("matches", self._matches),
            ("notebook_save", self._notebook),
        ]
        failed: str | None = None
        for name, step in steps:
            if failed is not None:
                self._record(name, "skipped", 0, f"skipped: {failed} failed")
                continue
            if not self._step(name, step):
                failed = name
        self._step("cleanup", self._cleanup)
        self.report.ok = all(s.status != "failed" for s in self.report.steps)
        self.report.duration_s = round(self._monotonic() - started, 3)
        return self.report

    def _step(self, name: str, step: Callable[[], str]) -> bool:
        began = self._monotonic()
        try:
            detail = step()
        except (StepFailed, SmokeIdentityError, httpx.HTTPError) as err:
            self._record(name, "failed", self._ms(began), f"{type(err).__name__}: {err}"[:500])
            return False
        status: Status = "skipped" if detail.startswith("skipped:") else "passed"
        self._record(name, status, self._ms(began), detail)
        return True

    def _record(self, name: str, status: Status, ms: int, detail: str) -> None:
        self.report.steps.append(Step(name, status, ms, detail))

    def _ms(self, began: float) -> int:
        return int((self._monotonic() - began) * 1000)

    # ------------------------------------------------------------------ HTTP
    def _call(self, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._user.token}"} if self._user else {}
        remaining = max(1.0, self._deadline - self._monotonic())
        response = self._http.request(
            method, f"{self._base}{path}", headers=headers, timeout=min(30.0, remaining), **kw
        )
        if response.status_code not in expect:
            raise StepFailed(f"{method} {path} answered {response.status_code}: {response.text[:300]}")
        return response

    def _wait(self, what: str, fetch: Callable[[], Any], done: Callable[[Any], bool]) -> Any:
        while True:
            value = fetch()
            if done(value):
                return value
            if self._monotonic() >= self._deadline:
                raise StepFailed(f"time limit reached waiting for {what} (last seen: {str(value)[:200]})")
            self._sleep(0.5)

    def _available(self, method: str, path: str) -> bool:
        return (method.lower(), path) in self._routes

    # ------------------------------------------------------------------ steps
    def _healthz(self) -> str:
        self._call("GET", "/healthz")
        paths = self._call("GET", "/openapi.json").json().get("paths", {})
        self._routes = {(m.lower(), p) for p, ops in paths.items() for m in ops}
        return f"ok; {len(self._routes)} routes listed"

    def _sign_in(self) -> str:
        self._user = self._identity.sign_in()
        me = self._call("GET", "/me").json()
        return f"signed in as {self._user.uid} ({me.get('email') or 'no e-mail'})"

    def _profile_inputs(self) -> str:
        inputs = {"target_roles": ["Backend Engineer"], "remote_preference": "any"}
        self._call("PUT", "/me/profile-inputs", json=inputs)
        back = self._call("GET", "/me/profile-inputs").json()
        if back.get("target_roles") != inputs["target_roles"]:
            raise StepFailed(f"profile inputs did not round-trip: {back}")
        return "saved and read back"

    def _upload(self) -> str:
        body = {"filename": "smoke-cv.pdf", "size": len(self._pdf), "content_type": "application/pdf"}
        created = self._call("POST", "/documents", json=body, expect=(201,)).json()
        doc_id = created["document"]["id"]
        self._made["document"] = doc_id
        upload = created["upload"]
        put = self._http.request(
            upload["method"], upload["url"], content=self._pdf, headers=upload["headers"], timeout=30
        )
        if put.status_code not in (200, 201, 204):
            raise StepFailed(f"upload PUT answered {put.status_code}: {put.text[:300]}")
        settled = self._wait(
            "the document to settle",
            lambda: self._call("GET", f"/documents/{doc_id}").json(),
            lambda d: d["state"] in SETTLED,
        )
        if settled["state"] != "EXTRACTED":
            raise StepFailed(f"document {settled['state']}: {settled.get('failure_class')}")
        return f"document {doc_id} EXTRACTED ({settled.get('pages')} page(s), {settled.get('chars')} chars)"

    def _profile(self) -> str:
        page = self._wait(
            "a career profile",
            lambda: self._call("GET", "/career-profiles").json(),
            lambda p: bool(p.get("items")),
        )
        newest = page["items"][0]
        return f"version {newest['version']} by {newest['provider']}: {newest['headline'][:80]}"

    def _matches(self) -> str:
        page = self._call("GET", "/matches", params={"limit": 5}).json()
        found = page.get("matches", [])
        if found:
            self._made["offer"] = found[0]["offer_id"]
        return f"{len(found)} match(es) on the first page"

    def _notebook(self) -> str:
        if not self._available("post", "/notebook"):
            return NOT_AVAILABLE
        body: dict[str, Any] = {"notes": "smoke test", "tags": ["smoke"]}
        if "offer" in self._made:
            body["offer_id"] = self._made["offer"]
        else:
            posting = {"title": "Backend Engineer", "company": "Smoke Test", "url": "https://example.com/job"}
            body["posting"] = posting
        entry = self._call("POST", "/notebook", json=body, expect=(200, 201)).json()
        self._made["notebook"] = entry["id"]
        return f"entry {entry['id']} saved"

    def _cleanup(self) -> str:
        done: list[str] = []
        if "notebook" in self._made and self._available("delete", "/notebook/{entry_id}"):
            self._call("DELETE", f"/notebook/{self._made['notebook']}", expect=(204, 404))
            done.append("notebook entry")
        if "document" in self._made:
            self._call("DELETE", f"/documents/{self._made['document']}", expect=(204, 404))
            done.append("document")
        if self._user is None:
            return "skipped: no user was made" if not done else f"deleted {', '.join(done)}"
        if self._available("delete", "/me"):
            self._call("DELETE", "/me", expect=(202, 204), json={"confirm": "DELETE"})
            done.append("account (DELETE /me)")
        else:
            done.append(self._identity.delete(self._user))
        return "deleted " + "; ".join(done)
