"""A local stub of the Vertex AI REST ``generateContent`` endpoint (127.0.0.1, ephemeral port).

It records every request and answers from a queue of canned replies (then from ``default``):

    with VertexStub() as stub:
        stub.enqueue(stub_error(429), stub_json({"headline": "x"}))
        ...  # point GeminiStructuredLLM at stub.base_url

Replies: ``stub_json(obj)`` (a normal candidate whose text is ``obj`` as JSON), ``stub_text(s)``
(raw text, e.g. invalid JSON), ``stub_error(status)``, ``stub_blocked_prompt()``,
``stub_blocked_reply()``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.oauth2.credentials import Credentials

from shared.adapters.gcp.gemini import GeminiStructuredLLM, RetryPolicy
from shared.config import Settings

# Millisecond backoff: the retry loop runs for real, the tests stay fast.
FAST_RETRY = RetryPolicy(attempts=3, initial_delay_s=0.01, max_delay_s=0.02, jitter_s=0.0)


@dataclass(frozen=True)
class StubReply:
    """One canned HTTP answer."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class RecordedRequest:
    """What the stub received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def user_text(self) -> str:
        """The text of the user turn(s)."""
        return "".join(
            part.get("text", "")
            for content in self.body.get("contents", [])
            for part in content.get("parts", [])
        )

    @property
    def system_text(self) -> str:
        """The system instruction's text."""
        parts = (self.body.get("systemInstruction") or {}).get("parts", [])
        return "".join(part.get("text", "") for part in parts)


_USAGE = {"promptTokenCount": 1200, "candidatesTokenCount": 300, "totalTokenCount": 1500}


def stub_text(text: str, *, finish: str = "STOP") -> StubReply:
    """A candidate whose only part is ``text``."""
    candidate = {"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": finish}
    return StubReply(
        200, {"candidates": [candidate], "usageMetadata": _USAGE, "modelVersion": "gemini-stub-001"}
    )


def stub_json(obj: Any) -> StubReply:
    """A candidate whose text is ``obj`` serialised as JSON."""
    return stub_text(json.dumps(obj))


def stub_error(status: int, message: str = "stubbed failure") -> StubReply:
    """A Google API error body with ``status``."""
    names = {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 400: "INVALID_ARGUMENT"}
    return StubReply(
        status, {"error": {"code": status, "message": message, "status": names.get(status, "UNKNOWN")}}
    )


def stub_blocked_prompt(reason: str = "SAFETY") -> StubReply:
    """The prompt was blocked: no candidates, ``promptFeedback.blockReason`` set."""
    return StubReply(200, {"promptFeedback": {"blockReason": reason}, "usageMetadata": _USAGE})


def stub_blocked_reply(reason: str = "SAFETY") -> StubReply:
    """The reply was stopped by a safety filter: a candidate with that finish reason and no text."""
    candidate = {"content": {"role": "model", "parts": []}, "finishReason": reason}
    return StubReply(200, {"candidates": [candidate], "usageMetadata": _USAGE})


@dataclass
class VertexStub:
    """The stub server. Use as a context manager; it stops its thread on exit."""

    default: StubReply = field(default_factory=lambda: stub_error(500, "no canned reply left"))
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queue: deque[StubReply] = deque()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running stub."""
        assert self._server is not None, "stub not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def enqueue(self, *replies: StubReply) -> None:
        """Answer the next requests with these replies, in order."""
        with self._lock:
            self._queue.extend(replies)

    def generate_requests(self) -> list[RecordedRequest]:
        """The recorded generateContent requests."""
        return [r for r in self.requests if r.path.endswith(":generateContent")]

    def _next(self, request: RecordedRequest) -> StubReply:
        with self._lock:
            self.requests.append(request)
            return self._queue.popleft() if self._queue else self.default

    def start(self) -> VertexStub:
        """Bind an ephemeral loopback port and serve in a daemon thread."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                body = json.loads(raw or b"{}")
                recorded = RecordedRequest(
                    "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                reply = stub._next(recorded)
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="vertex-stub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> VertexStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stub_llm(stub: VertexStub) -> GeminiStructuredLLM:
    """The Gemini adapter built from Settings, aimed at ``stub``, with a test token and FAST_RETRY."""
    settings = Settings(
        environment="test",
        project_id="demo-career",
        gemini_location="europe-west4",
        vertex_base_url=stub.base_url,
    )
    token = Credentials(token="test")  # type: ignore[no-untyped-call]
    return GeminiStructuredLLM.from_settings(settings, credentials=token, retry=FAST_RETRY)
