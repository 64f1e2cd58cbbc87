"""Slow or stalled clients against ``career serve``'s server: cut off after the read timeout, others served.

The stack is the one ``career serve`` runs (LocalStack on a real loopback socket), with
``http_read_timeout_s`` set short. A stalled client's socket would block forever without the
timeout; here each raw socket has a generous timeout of its own, so a server that never closed
would fail the test rather than hang it.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from shared.config import Settings
from shared.localstack.stack import LocalStack

READ_TIMEOUT_S = 0.5
CLIENT_PATIENCE_S = 30.0  # far above the server's timeout: only a server that never closes hits it


@pytest.fixture
def stack(settings: Settings) -> Iterator[LocalStack]:
    stack = LocalStack(
        settings.model_copy(update={"http_read_timeout_s": READ_TIMEOUT_S}), port=0, scheduler=False
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def _port(stack: LocalStack) -> int:
    return int(urlsplit(stack.url).port or 0)


def _read_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _served(stack: LocalStack) -> bool:
    with httpx.Client(base_url=stack.url, timeout=CLIENT_PATIENCE_S) as http:
        return http.get("/healthz").status_code == 200 and http.get("/api/healthz").json() == {
            "status": "ok",
            "function": "api",
        }


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


class TestReadTimeout:
    def test_half_a_request_is_closed_and_other_clients_are_served(self, stack: LocalStack) -> None:
        with socket.create_connection(("127.0.0.1", _port(stack)), timeout=CLIENT_PATIENCE_S) as stalled:
            stalled.sendall(b"GET /api/journey HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: stalled
            started = time.monotonic()

            assert _served(stack)  # while the stalled client holds its connection
            answer = _read_until_closed(stalled)
            waited = time.monotonic() - started

        assert answer == b""  # closed without an answer: there was no request to answer
        assert waited < CLIENT_PATIENCE_S
        assert _served(stack)

    def test_half_an_upload_body_is_a_problem_and_nothing_is_stored(self, stack: LocalStack) -> None:
        name = "users/u1/documents/d1.pdf"
        signed = stack.container.uploads.signed_upload_url(
            name, content_type="application/pdf", max_bytes=4096, expires_in=timedelta(seconds=300)
        )
        parts = urlsplit(signed.url)
        head = (
            f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/pdf\r\nContent-Length: 1000\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", _port(stack)), timeout=CLIENT_PATIENCE_S) as slow:
            slow.sendall(head + b"%PDF-1.7\n" + b"x" * 90)  # 100 of the 1,000 bytes announced

            assert _served(stack)
            answer = _read_until_closed(slow)

        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.split()[1] == b"400", answer[:300]
        assert b"application/problem+json" in rest
        assert b'"failure_class": "INVALID_INPUT"' in rest
        assert not stack.container.uploads.exists(name)
        assert _served(stack)


class TestClientsAreNotServerErrors:
    """A slow or vanished client is the client's doing: logged at INFO with its class, never ERROR."""

    def test_a_stalled_client_is_logged_as_the_clients_timeout(
        self, stack: LocalStack, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        with socket.create_connection(("127.0.0.1", _port(stack)), timeout=CLIENT_PATIENCE_S) as stalled:
            stalled.sendall(b"GET /api/journey HTTP/1.1\r\n")
            assert _read_until_closed(stalled) == b""

        assert _errors(caplog) == []
        [line] = [r for r in caplog.records if "timed out" in r.getMessage()]
        assert (line.levelno, line.fields["failure_class"]) == (logging.INFO, "INVALID_INPUT")  # type: ignore[attr-defined]

    def test_an_upload_aborted_mid_body_is_a_400_problem_logged_at_info(
        self, stack: LocalStack, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO)
        name = "users/u1/documents/d2.pdf"
        signed = stack.container.uploads.signed_upload_url(
            name, content_type="application/pdf", max_bytes=4096, expires_in=timedelta(seconds=300)
        )
        parts = urlsplit(signed.url)
        head = (
            f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/pdf\r\nContent-Length: 1000\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", _port(stack)), timeout=CLIENT_PATIENCE_S) as gone:
            gone.sendall(head + b"%PDF-1.7\n")
            gone.shutdown(socket.SHUT_WR)  # the browser tab closed: the body ends early
            answer = _read_until_closed(gone)

        assert answer.split(b"\r\n", 1)[0].split()[1] == b"400"
        assert not stack.container.uploads.exists(name)
        assert _errors(caplog) == []
        aborted = [r for r in caplog.records if "aborted" in r.getMessage()]
        assert [r.levelno for r in aborted] == [logging.INFO]
