"""The httpx fetcher against a local misbehaving job board: retries, Retry-After, classes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shared.adapters.http_fetcher import HttpxFetcher
from shared.domain.errors import PermanentError, TransientError
from shared.domain.failures import FailureClass
from shared.ports import HttpResponse
from shared.sources.base import PoliteFetcher
from tests.support.job_board_server import JobBoardServer, Reply, running


@pytest.fixture
def board() -> Iterator[JobBoardServer]:
    with running() as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fetcher(sleeps: list[float]) -> Iterator[HttpxFetcher]:
    f = HttpxFetcher(timeout_s=2.0, max_attempts=3, backoff_s=0.01, max_retry_after_s=30, sleep=sleeps.append)
    yield f
    f.close()


class TestSuccess:
    def test_returns_the_body_and_sends_a_user_agent(
        self, board: JobBoardServer, fetcher: HttpxFetcher
    ) -> None:
        board.script("/jobs", Reply(200, b'{"jobs": []}'))
        response = fetcher.get(f"{board.base_url}/jobs", params={"content": "true"})
        assert (response.status, response.body) == (200, b'{"jobs": []}')
        assert board.hits("/jobs")[0].query == {"content": "true"}
        assert "career-assistant" in board.hits("/jobs")[0].headers["User-Agent"]

    def test_a_per_source_user_agent_wins(self, board: JobBoardServer, fetcher: HttpxFetcher) -> None:
        board.script("/jobs", Reply(200, b"[]"))
        fetcher.get(f"{board.base_url}/jobs", headers={"User-Agent": "acme-bot/2"})
        assert board.hits("/jobs")[0].headers["User-Agent"] == "acme-bot/2"

    def test_a_matching_etag_answers_304_as_a_response(
        self, board: JobBoardServer, fetcher: HttpxFetcher
    ) -> None:
        board.script("/jobs", Reply(200, b"[]", etag='"v1"'))
        response = fetcher.get(f"{board.base_url}/jobs", headers={"If-None-Match": '"v1"'})
        assert response.status == 304
        assert response.body == b""

    def test_accepts_an_injected_transport(self) -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"ok"))
        response = HttpxFetcher(transport=transport).get("https://boards.example/jobs")
        assert (response.status, response.body) == (200, b"ok")


class TestRetries:
    def test_500_then_200_succeeds_on_the_retry(
        self, board: JobBoardServer, fetcher: HttpxFetcher, sleeps: list[float]
    ) -> None:
        board.script("/jobs", Reply(500, b"oops"), Reply(200, b"[]"))
        response = fetcher.get(f"{board.base_url}/jobs")
        assert response.status == 200
        assert len(board.hits("/jobs")) == 2
        assert len(sleeps) == 1

    def test_persistent_5xx_is_source_unavailable_and_transient(
        self, board: JobBoardServer, fetcher: HttpxFetcher
    ) -> None:
        board.script("/jobs", Reply(503, b""))
        with pytest.raises(TransientError) as caught:
            fetcher.get(f"{board.base_url}/jobs")
        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert len(board.hits("/jobs")) == 3

    def test_429_waits_the_retry_after_seconds(
        self, board: JobBoardServer, fetcher: HttpxFetcher, sleeps: list[float]
    ) -> None:
        board.script("/jobs", Reply(429, b"", {"Retry-After": "7"}), Reply(200, b"[]"))
        assert fetcher.get(f"{board.base_url}/jobs").status == 200
        assert sleeps == [7.0]

    def test_persistent_429_is_rate_limited(self, board: JobBoardServer, fetcher: HttpxFetcher) -> None:
        board.script("/jobs", Reply(429, b"", {"Retry-After": "1"}))
        with pytest.raises(TransientError) as caught:
            fetcher.get(f"{board.base_url}/jobs")
        assert caught.value.failure_class == FailureClass.SOURCE_RATE_LIMITED

    def test_a_retry_after_beyond_the_bound_gives_up_at_once(
        self, board: JobBoardServer, fetcher: HttpxFetcher, sleeps: list[float]
    ) -> None:
        board.script("/jobs", Reply(429, b"", {"Retry-After": "3600"}))
        with pytest.raises(TransientError) as caught:
            fetcher.get(f"{board.base_url}/jobs")
        assert caught.value.failure_class == FailureClass.SOURCE_RATE_LIMITED
        assert (len(board.hits("/jobs")), sleeps) == (1, [])

    def test_a_response_slower_than_the_timeout_is_unavailable(self, board: JobBoardServer) -> None:
        board.script("/jobs", Reply(200, b"[]", delay_s=1.5))
        slow = HttpxFetcher(timeout_s=0.2, connect_timeout_s=0.2, max_attempts=2, sleep=lambda _: None)
        with pytest.raises(TransientError) as caught:
            slow.get(f"{board.base_url}/jobs")
        slow.close()
        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert "timed out" in caught.value.message

    def test_a_closed_port_is_unavailable(self, fetcher: HttpxFetcher) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with pytest.raises(TransientError) as caught:
            fetcher.get(f"http://127.0.0.1:{port}/jobs")
        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE


class TestPermanentFailures:
    @pytest.mark.parametrize("status", [404, 410])
    def test_a_missing_board_is_not_found_without_retry(
        self, board: JobBoardServer, fetcher: HttpxFetcher, status: int
    ) -> None:
        board.script("/jobs", Reply(status, b"{}"))
        with pytest.raises(PermanentError) as caught:
            fetcher.get(f"{board.base_url}/jobs")
        assert caught.value.failure_class == FailureClass.SOURCE_NOT_FOUND
        assert len(board.hits("/jobs")) == 1

    def test_a_refusal_is_permanent(self, board: JobBoardServer, fetcher: HttpxFetcher) -> None:
        board.script("/jobs", Reply(403, b"{}"))
        with pytest.raises(PermanentError) as caught:
            fetcher.get(f"{board.base_url}/jobs")
        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert len(board.hits("/jobs")) == 1

    @pytest.mark.parametrize("url", ["ftp://boards.example/jobs", "boards.example/jobs", "http://[::1/jobs"])
    def test_a_malformed_url_is_permanent_without_retry(self, fetcher: HttpxFetcher, url: str) -> None:
        with pytest.raises(PermanentError) as caught:
            fetcher.get(url)
        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert fetcher.attempts == 1

    def test_a_redirect_loop_is_permanent(self, sleeps: list[float]) -> None:
        to_itself = httpx.MockTransport(lambda req: httpx.Response(302, headers={"Location": str(req.url)}))
        looping = HttpxFetcher(transport=to_itself, sleep=sleeps.append)
        with pytest.raises(PermanentError) as caught:
            looping.get("https://boards.example/jobs")
        looping.close()
        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert looping.attempts == 1

    def test_a_body_that_does_not_decode_is_a_parse_error(self, sleeps: list[float]) -> None:
        broken = httpx.MockTransport(
            lambda request: httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip")
        )
        fetcher = HttpxFetcher(transport=broken, sleep=sleeps.append)
        with pytest.raises(PermanentError) as caught:
            fetcher.get("https://boards.example/jobs")
        fetcher.close()
        assert caught.value.failure_class == FailureClass.SOURCE_PARSE_ERROR

    def test_an_oversized_body_is_refused(self, board: JobBoardServer) -> None:
        board.script("/jobs", Reply(200, b"x" * 5000))
        small = HttpxFetcher(max_body_bytes=1000)
        with pytest.raises(PermanentError) as caught:
            small.get(f"{board.base_url}/jobs")
        small.close()
        assert caught.value.failure_class == FailureClass.SOURCE_PARSE_ERROR


class RecordingFetcher:
    """Our HttpFetcher port, recording the headers it was given."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []

    def get(self, url: str, *, headers: Any = None, params: Any = None) -> HttpResponse:
        self.headers.append(dict(headers or {}))
        return HttpResponse(200, {}, b"[]", url)


class TestPoliteFetcher:
    def test_spaces_requests_by_the_source_rate_cap(self) -> None:
        now = [100.0]
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            now[0] += seconds

        polite = PoliteFetcher(
            RecordingFetcher(), max_requests_per_minute=30, sleep=sleep, monotonic=lambda: now[0]
        )
        for _ in range(3):
            polite.get("https://b.example/jobs")
            now[0] += 0.5  # parsing a page takes a while

        assert slept == [1.5, 1.5]

    def test_sends_the_source_user_agent(self) -> None:
        inner = RecordingFetcher()

        PoliteFetcher(inner, user_agent="acme-bot/1").get("https://b.example/jobs", headers={"Accept": "x"})

        assert inner.headers == [{"Accept": "x", "User-Agent": "acme-bot/1"}]


def _unresolvable(request: httpx.Request) -> httpx.Response:
    # What httpx raises when the resolver knows no such host (or there is no network).
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as err:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from err


class TestOffline:
    def test_an_unresolvable_host_fails_at_once_as_source_unavailable(self, sleeps: list[float]) -> None:
        fetcher = HttpxFetcher(
            transport=httpx.MockTransport(_unresolvable), max_attempts=3, sleep=sleeps.append
        )

        with pytest.raises(PermanentError) as caught:
            fetcher.get("https://boards.example.test/v1/jobs")

        assert caught.value.failure_class == FailureClass.SOURCE_UNAVAILABLE
        assert caught.value.detail == {"offline": True}
        assert (fetcher.attempts, sleeps) == (1, [])

    def test_says_so_once_per_process(self, caplog: pytest.LogCaptureFixture, monkeypatch: Any) -> None:
        from shared.adapters import http_fetcher

        monkeypatch.setattr(http_fetcher, "_offline_notice", http_fetcher._OfflineNotice())
        fetcher = HttpxFetcher(transport=httpx.MockTransport(_unresolvable))

        for _ in range(3):
            with pytest.raises(PermanentError):
                fetcher.get("https://boards.example.test/v1/jobs")

        warnings = [r for r in caplog.records if r.name == "career.fetcher" and r.levelname == "WARNING"]
        assert len(warnings) == 1
        assert "does not resolve" in warnings[0].getMessage()
