"""A loopback HTTP endpoint that records what the emulators push or dispatch to it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


class Receiver:
    """Records requests on 127.0.0.1 and answers each with ``status``."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.requests: list[Received] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                item = Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._arrived:
                    receiver.requests.append(item)
                    receiver._arrived.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def wait_for(self, count: int, timeout_s: float = 20.0) -> list[Received]:
        """The first ``count`` requests, waiting for them up to ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while len(self.requests) < count and time.monotonic() < deadline:
                self._arrived.wait(timeout=max(0.0, deadline - time.monotonic()))
            return list(self.requests[:count])


@contextmanager
def receiving(status: int = 204) -> Iterator[Receiver]:
    """A running Receiver, shut down afterwards."""
    receiver = Receiver(status)
    receiver._thread.start()
    try:
        yield receiver
    finally:
        receiver._server.shutdown()
        receiver._server.server_close()
