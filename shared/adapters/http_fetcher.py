"""HttpFetcher on httpx: timeouts, bounded retries honouring Retry-After, classed failures.

- 2xx and 304 are returned (304 answers a conditional request: nothing changed).
- 404/410: PermanentError SOURCE_NOT_FOUND (the board is gone or the token is wrong).
- other 4xx: PermanentError SOURCE_UNAVAILABLE (refused; retrying the same request won't help).
- 429: retried after Retry-After (bounded); then TransientError SOURCE_RATE_LIMITED.
- 5xx, 408, timeouts, connection errors: retried with backoff; then TransientError
  SOURCE_UNAVAILABLE.
- a host name that does not resolve (no network, or no such host): PermanentError
  SOURCE_UNAVAILABLE at once, with ``detail.offline``; retrying within one crawl cannot
  help, the next scheduled crawl tries again. The first one in a process is logged as a
  WARNING, the rest quietly (a machine with no network would otherwise log it per source).
- a malformed URL or unsupported scheme, a redirect loop: PermanentError SOURCE_UNAVAILABLE;
  a body that does not decode (bad gzip): PermanentError SOURCE_PARSE_ERROR. No retry.

A Retry-After longer than ``max_retry_after_s`` is not slept through: the fetch gives up at once
and the failure is classed, so a crawl never blocks its worker for minutes.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from shared.domain.errors import PermanentError, TransientError
from shared.domain.failures import FailureClass
from shared.ports import HttpResponse

_log = logging.getLogger("career.fetcher")
DEFAULT_USER_AGENT = "career-assistant-crawler/1.0 (job board API client)"
_RETRY_STATUS = frozenset({408, 500, 502, 503, 504})


class HttpxFetcher:
    """GETs with retries; inject ``client``/``transport`` and ``sleep`` in tests."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout_s: float = 20.0,
        connect_timeout_s: float = 5.0,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        max_retry_after_s: float = 60.0,
        max_body_bytes: int = 50 * 1024 * 1024,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._transport = transport
        self._timeout = httpx.Timeout(timeout_s, connect=connect_timeout_s)
        self._max_attempts = max(1, max_attempts)
        self._backoff_s = backoff_s
        self._max_retry_after_s = max_retry_after_s
        self._max_body = max_body_bytes
        self._user_agent = user_agent
        self._sleep = sleep
        self.attempts = 0  # requests actually sent, for tests and run stats

    @property
    def client(self) -> httpx.Client:
        """The httpx client, built on first use (no connection pool at import)."""
        if self._client is None:
            self._client = httpx.Client(
                timeout=self._timeout, transport=self._transport, follow_redirects=True, max_redirects=5
            )
        return self._client

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """GET ``url``; see the module docstring for retries and failure classes."""
        merged = {"User-Agent": self._user_agent, "Accept-Encoding": "gzip, deflate", **(headers or {})}
        last: Exception | None = None
        for attempt in range(1, self._max_attempts + 1):
            final = attempt == self._max_attempts
            try:
                response = self._send(url, merged, params)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.TooManyRedirects) as err:
                # The request itself is wrong (or the source loops): the same GET can never succeed.
                raise PermanentError(
                    f"{_host(url)} cannot be fetched ({err})", failure_class=FailureClass.SOURCE_UNAVAILABLE
                ) from err
            except httpx.DecodingError as err:
                raise PermanentError(
                    f"{_host(url)} sent a body that does not decode ({err})",
                    failure_class=FailureClass.SOURCE_PARSE_ERROR,
                ) from err
            except httpx.TimeoutException as err:
                last = TransientError(
                    f"{_host(url)} timed out", failure_class=FailureClass.SOURCE_UNAVAILABLE
                )
                last.__cause__ = err
            except httpx.ConnectError as err:
                if _unresolved(err):
                    raise _offline(url) from err
                last = TransientError(
                    f"{_host(url)} unreachable ({err.__class__.__name__})",
                    failure_class=FailureClass.SOURCE_UNAVAILABLE,
                )
                last.__cause__ = err
            except httpx.TransportError as err:
                last = TransientError(
                    f"{_host(url)} unreachable ({err.__class__.__name__})",
                    failure_class=FailureClass.SOURCE_UNAVAILABLE,
                )
                last.__cause__ = err
            else:
                if response.status < 400:  # 304 included: the conditional request matched
                    return response
                last = _classify(response)
                if not isinstance(last, TransientError):
                    raise last
                wait = _retry_after(response.headers, datetime.now(UTC))
                if wait is not None and wait > self._max_retry_after_s:
                    raise last  # the source asks for longer than a crawl may wait
                if not final:
                    self._sleep(wait if wait is not None else self._delay(attempt))
                continue
            if not final:
                self._sleep(self._delay(attempt))
        assert last is not None
        raise last

    def _send(self, url: str, headers: Mapping[str, str], params: Mapping[str, str] | None) -> HttpResponse:
        self.attempts += 1
        with self.client.stream("GET", url, headers=dict(headers), params=params, timeout=self._timeout) as r:
            body = bytearray()
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) > self._max_body:
                    raise PermanentError(
                        f"{_host(url)} answered more than {self._max_body} bytes",
                        failure_class=FailureClass.SOURCE_PARSE_ERROR,
                    )
            return HttpResponse(
                status=r.status_code, headers=dict(r.headers), body=bytes(body), url=str(r.url)
            )

    def _delay(self, attempt: int) -> float:
        # Exponential backoff with jitter, so parallel crawls don't retry in lockstep.
        return float(self._backoff_s * (2 ** (attempt - 1)) * (0.5 + random.random() / 2))


class _OfflineNotice:
    """Says once per process that host names do not resolve (a machine with no network)."""

    def __init__(self) -> None:
        self._said = threading.Event()

    def error(self, url: str) -> PermanentError:
        """The classed error for ``url``; the first one in a process is logged as a WARNING."""
        if not self._said.is_set():
            self._said.set()
            _log.warning(
                "job boards unreachable: %s does not resolve (no network?); crawls fail as "
                "SOURCE_UNAVAILABLE until it returns (said once)",
                _host(url),
                extra={"fields": {"failure_class": FailureClass.SOURCE_UNAVAILABLE}},
            )
        return PermanentError(
            f"{_host(url)} does not resolve (no network?)",
            failure_class=FailureClass.SOURCE_UNAVAILABLE,
            detail={"offline": True},
        )


_offline_notice = _OfflineNotice()


def _offline(url: str) -> PermanentError:
    return _offline_notice.error(url)


def _unresolved(err: httpx.ConnectError) -> bool:
    """True when the connection failed because the host name did not resolve."""
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return True
        cause = cause.__cause__ or cause.__context__
    return "Name or service not known" in str(err) or "Temporary failure in name resolution" in str(err)


def _classify(response: HttpResponse) -> PermanentError | TransientError:
    where = f"{_host(response.url)} answered {response.status}"
    if response.status in (404, 410):
        return PermanentError(
            where, failure_class=FailureClass.SOURCE_NOT_FOUND, detail={"status": response.status}
        )
    if response.status == 429:
        return TransientError(where, failure_class=FailureClass.SOURCE_RATE_LIMITED, detail={"status": 429})
    if response.status in _RETRY_STATUS or response.status >= 500:
        return TransientError(
            where, failure_class=FailureClass.SOURCE_UNAVAILABLE, detail={"status": response.status}
        )
    return PermanentError(
        where, failure_class=FailureClass.SOURCE_UNAVAILABLE, detail={"status": response.status}
    )


def _retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), None if absent."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or url
    except httpx.InvalidURL:
        return url
