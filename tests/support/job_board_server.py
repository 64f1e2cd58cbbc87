"""A local job-board API on 127.0.0.1 that serves kit payloads and misbehaves on demand.

Each path has a script: a list of replies served in order, the last one repeating. A reply
can be a normal answer, a 304 when the request's If-None-Match matches, a status with
headers (404, 429 with Retry-After, 500), a malformed body, or a delay past the client's
timeout. Every request is recorded (path, query, headers) for assertions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    etag: str | None = None  # answer 304 when the request carries If-None-Match with this value


@dataclass(frozen=True)
class Seen:
    """One recorded request."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


class JobBoardServer:
    """Scriptable HTTP server; use ``running()`` so it is always stopped."""

    def __init__(self) -> None:
        self._scripts: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        server = self
        self._stopping = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    server.requests.append(Seen(parts.path, query, dict(self.headers.items())))
                    script = server._scripts.get(parts.path)
                    reply = (script.pop(0) if len(script) > 1 else script[0]) if script else Reply(404, b"{}")
                if reply.delay_s:
                    server._stopping.wait(reply.delay_s)
                if reply.etag is not None and self.headers.get("If-None-Match") == reply.etag:
                    self._answer(304, b"", {"ETag": reply.etag})
                    return
                headers = dict(reply.headers)
                if reply.etag is not None:
                    headers["ETag"] = reply.etag
                self._answer(reply.status, reply.body, headers)

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    if status != 304:
                        self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                        self.send_header("Content-Length", str(len(body)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="job-board-server",
            daemon=True,
        )

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        """Serve ``replies`` in order on ``path`` (the last one repeats)."""
        with self._lock:
            self._scripts[path] = list(replies)

    def hits(self, path: str) -> list[Seen]:
        """Requests seen on ``path``."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def running() -> Iterator[JobBoardServer]:
    """A started server, stopped on exit."""
    server = JobBoardServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
