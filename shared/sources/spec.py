"""A board API declared by its parts: where its postings are fetched, where they sit in a
payload, and how one becomes an offer.

A kind's module declares one ``Source`` and exposes its ``parse`` and ``fetch``; what truly
differs per kind stays in the module: the posting-to-offer mapping, a filter, a paging scheme
of its own. Sources read the whole board in one conditional request unless they declare paging.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from shared.domain.offers import JobOffer
from shared.ports import HttpFetcher
from shared.sources.base import FetchResult, Validators, build, items, load_json

P = TypeVar("P")
MAX_PAGES = 50  # a runaway board stops here; the run then knows the listing is incomplete


@dataclass(frozen=True)
class Request:
    """One GET of a board: its URL and query parameters."""

    url: str
    params: Mapping[str, str] | None = None


class Paging(Protocol):
    """How a paged board is walked, page after page, from the board's base request."""

    def first(self, base: Request) -> Request:
        """The request of the first page."""
        ...

    def after(self, base: Request, doc: Any, index: int, count: int, api: str) -> Request | None:
        """The request after page ``index`` (``doc``, holding ``count`` postings); None after the last.

        ``api`` is the root the board is read from: links found in a page are followed only there.
        """
        ...


@dataclass(frozen=True)
class Offsets:
    """Pages addressed by an offset parameter and ``limit``: the last one comes back short, or
    reaches the posting count the payload announces under ``total``."""

    offset: str
    size: int = 100
    total: str | None = None

    def first(self, base: Request) -> Request:
        """The page at offset 0."""
        return self._at(base, 0)

    def after(self, base: Request, doc: Any, index: int, count: int, api: str) -> Request | None:
        """The next offset, unless this page was the last."""
        total = doc.get(self.total) if self.total and isinstance(doc, dict) else None
        if count < self.size or (isinstance(total, int) and (index + 1) * self.size >= total):
            return None
        return self._at(base, index + 1)

    def _at(self, base: Request, index: int) -> Request:
        paging = {self.offset: str(index * self.size), "limit": str(self.size)}
        return Request(base.url, {**(base.params or {}), **paging})


def under(key: str | None) -> Callable[[Any, str], list[dict[str, Any]]]:
    """Postings of a JSON payload: the objects listed under ``key`` (the payload itself when None)."""
    return lambda doc, kind: items(doc, kind, key)


@dataclass(frozen=True)
class Source(Generic[P]):
    """A board API: ``{api}{path}`` with ``{board}`` standing for the board token (``base_url``
    replaces ``api``), read as ``decode`` -> ``postings`` -> those ``keep`` accepts -> ``offer``.

    ``offer(posting, board, company)`` gets the company the board was registered with, else the
    one the payload itself names (``named``), else None. ``board_param`` makes the board token a
    filter of one shared listing (a category, a tag), where "" or "all" lists everything.
    """

    kind: str
    api: str
    path: str
    postings: Callable[[Any, str], list[P]]
    offer: Callable[[P, str, str | None], JobOffer]
    keep: Callable[[P], bool] | None = None
    named: Callable[[Any], str] | None = None
    decode: Callable[[bytes, str], Any] = load_json
    accept: str = "application/json"
    params: Mapping[str, str] | None = None
    board_param: str | None = None
    paging: Paging | None = None

    def parse(self, payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
        """Offers of one payload (one page of a paged board)."""
        return self._read(self.decode(payload, self.kind), board, company)[1]

    def fetch(
        self,
        fetcher: HttpFetcher,
        board: str,
        *,
        base_url: str | None = None,
        conditional: Validators | None = None,
        company: str | None = None,
    ) -> FetchResult:
        """The board's offers: one conditional request, or every page of a paged board."""
        api = (base_url or self.api.format(board=board)).rstrip("/")
        base = Request(f"{api}{self.path.format(board=board)}", self._params(board))
        if self.paging is None:
            return self._whole(fetcher, base, conditional, board, company)
        return self._walk(fetcher, self.paging, base, api, board, company)

    def _params(self, board: str) -> Mapping[str, str] | None:
        if self.board_param is None:
            return self.params
        chosen = {} if board in ("", "all") else {self.board_param: board}
        return {**(self.params or {}), **chosen}

    def _read(self, doc: Any, board: str, company: str | None) -> tuple[int, list[JobOffer]]:
        """How many postings ``doc`` lists, and the offers of those kept."""
        found = self.postings(doc, self.kind)
        kept = [p for p in found if self.keep(p)] if self.keep else found
        owner = company or (self.named(doc) if self.named else "") or None
        return len(found), build(self.kind, lambda p: self.offer(p, board, owner), kept)

    def _whole(
        self,
        fetcher: HttpFetcher,
        base: Request,
        conditional: Validators | None,
        board: str,
        company: str | None,
    ) -> FetchResult:
        """One request for the whole board, conditional when validators are known."""
        headers = {"Accept": self.accept, **(conditional.headers() if conditional else {})}
        response = fetcher.get(base.url, headers=headers, params=base.params)
        if response.status == 304:
            return FetchResult(not_modified=True, validators=conditional, requests=1)
        offers = self.parse(response.body, board=board, company=company)
        return FetchResult(offers=offers, complete=True, validators=Validators.of(response), requests=1)

    def _walk(
        self,
        fetcher: HttpFetcher,
        paging: Paging,
        base: Request,
        api: str,
        board: str,
        company: str | None,
    ) -> FetchResult:
        """Every page, up to MAX_PAGES (then the result says it is incomplete)."""
        offers: list[JobOffer] = []
        request = paging.first(base)
        for index in range(MAX_PAGES):
            response = fetcher.get(request.url, headers={"Accept": self.accept}, params=request.params)
            doc = self.decode(response.body, self.kind)
            count, found = self._read(doc, board, company)
            offers += found
            following = paging.after(base, doc, index, count, api)
            if following is None:
                return FetchResult(offers=offers, complete=True, requests=index + 1)
            request = following
        return FetchResult(offers=offers, complete=False, requests=MAX_PAGES)
