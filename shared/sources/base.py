"""What every source adapter shares: the fetch result, payload decoding, times, politeness.

An adapter module exposes ``KIND``, ``parse(payload, *, board, company=None)`` and
``fetch(fetcher, board, *, base_url=None, conditional=None, company=None)``: those of the
``Source`` it declares (spec.py). Parse errors raise PermanentError with SOURCE_PARSE_ERROR;
fetch errors come from the HttpFetcher (SOURCE_NOT_FOUND, SOURCE_UNAVAILABLE, SOURCE_RATE_LIMITED).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass
from shared.domain.offers import JobOffer, RemotePolicy
from shared.ports import HttpFetcher, HttpResponse

P = TypeVar("P")


@dataclass(frozen=True)
class Validators:
    """Conditional-request validators of the last good response."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since headers for the next request."""
        out: dict[str, str] = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out

    @classmethod
    def of(cls, response: HttpResponse) -> Validators | None:
        """Validators a response carries, if any."""
        headers = {k.lower(): v for k, v in response.headers.items()}
        etag, modified = headers.get("etag"), headers.get("last-modified")
        return cls(etag, modified) if etag or modified else None


@dataclass(frozen=True)
class FetchResult:
    """Offers of one board fetch.

    ``complete`` is True when every page was read, so postings missing from ``offers`` are
    gone from the board. ``not_modified`` means the source answered 304: nothing changed.
    """

    offers: list[JobOffer] = field(default_factory=list)
    complete: bool = True
    not_modified: bool = False
    validators: Validators | None = None
    requests: int = 0


class SourceModule(Protocol):
    """The shape of a module under shared/sources."""

    KIND: str

    def parse(self, payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]: ...

    def fetch(
        self,
        fetcher: HttpFetcher,
        board: str,
        *,
        base_url: str | None = None,
        conditional: Validators | None = None,
        company: str | None = None,
    ) -> FetchResult: ...


def parse_error(kind: str, message: str) -> PermanentError:
    """The error every parser raises on a payload it cannot read."""
    return PermanentError(f"{kind}: {message}", failure_class=FailureClass.SOURCE_PARSE_ERROR)


def load_json(payload: bytes, kind: str) -> Any:
    """Decode a JSON payload, tolerating a leading UTF-8 byte-order mark."""
    try:
        return json.loads(payload.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise parse_error(kind, f"payload is not JSON ({err.__class__.__name__})") from None
    except RecursionError:  # a board's JSON nested past the parser's depth: unreadable, not a bug
        raise parse_error(kind, "payload is nested too deeply") from None
    except ValueError:  # an integer past the interpreter's digit limit
        raise parse_error(kind, "payload holds a number too long to read") from None


def items(doc: Any, kind: str, key: str | None) -> list[dict[str, Any]]:
    """The posting objects of a payload (``doc[key]`` or ``doc`` itself), checked for shape."""
    found = doc.get(key) if key is not None and isinstance(doc, dict) else doc
    if not isinstance(found, list):
        raise parse_error(kind, f"expected a list of postings{f' under {key!r}' if key else ''}")
    return [i for i in found if isinstance(i, dict)]


def build(kind: str, make: Callable[[P], JobOffer], raw: Sequence[P]) -> list[JobOffer]:
    """Run ``make`` on every posting; any shape surprise is a parse error naming the posting."""
    out: list[JobOffer] = []
    for index, item in enumerate(raw):
        try:
            out.append(make(item))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise parse_error(
                kind, f"posting #{index} is malformed ({err.__class__.__name__}: {err})"
            ) from None
    return out


def text(value: Any) -> str:
    """A string field, '' when missing or not a string/number."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def when(value: Any) -> datetime | None:
    """A tz-aware datetime from ISO text, 'YYYY-MM-DD HH:MM:SS UTC', a date, or epoch s/ms."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, UTC)
    raw = str(value).strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(raw[:10]), datetime.min.time())
        except ValueError:
            return None
    # Naive times from boards (Remotive) are UTC by their documentation.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def remote_policy(*labels: str | bool | None) -> RemotePolicy:
    """First conclusive label wins: True/'remote' -> remote, 'hybrid', 'onsite'/'on-site'/'office'."""
    for label in labels:
        if label is True:
            return "remote"
        if not isinstance(label, str) or not label:
            continue
        key = label.casefold().replace("-", "").replace("_", "").replace(" ", "")
        if "hybrid" in key:
            return "hybrid"
        if "remote" in key or key in ("telecommute", "anywhere"):
            return "remote"
        if key in ("onsite", "office", "inoffice", "inperson"):
            return "onsite"
    return "unknown"


class PoliteFetcher:
    """Wraps a fetcher with a source's terms: its User-Agent and a minimum gap between requests."""

    def __init__(
        self,
        inner: HttpFetcher,
        *,
        user_agent: str | None = None,
        max_requests_per_minute: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._user_agent = user_agent
        self._gap = 60.0 / max_requests_per_minute if max_requests_per_minute else 0.0
        self._sleep = sleep
        self._monotonic = monotonic
        self._last: float | None = None
        self.requests = 0

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """GET through the inner fetcher after waiting out the rate cap."""
        if self._last is not None and self._gap:
            wait = self._gap - (self._monotonic() - self._last)
            if wait > 0:
                self._sleep(wait)
        merged = dict(headers or {})
        if self._user_agent:
            merged["User-Agent"] = self._user_agent
        self.requests += 1
        try:
            return self._inner.get(url, headers=merged, params=params)
        finally:
            self._last = self._monotonic()
