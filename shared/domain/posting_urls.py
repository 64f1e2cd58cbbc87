"""Posting URLs of the supported boards: which board a URL belongs to, and the posting it names.

A user may bring the public page of a posting; we never fetch that page itself (it is any
URL a user typed). We recognise its board by host and path, then read the board through the
source adapter of its kind, at the kind's own API host, and pick the posting out of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from shared.domain.errors import InvalidInput

SUPPORTED = ("greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee", "personio")
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_.-]*"


@dataclass(frozen=True)
class PostingRef:
    """A posting URL read: the board kind and token, and the posting id when the URL names it."""

    kind: str
    board: str
    external_id: str | None  # None when the URL carries only a slug (recruitee)
    url: str


_PATH_RULES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "greenhouse",
        re.compile(r"^(?:job-boards|boards)(?:\.[a-z]{2})?\.greenhouse\.io$"),
        re.compile(rf"^/(?P<board>{_SEGMENT})/jobs/(?P<id>\d+)"),
    ),
    (
        "lever",
        re.compile(r"^jobs(?:\.eu)?\.lever\.co$"),
        re.compile(rf"^/(?P<board>{_SEGMENT})/(?P<id>[0-9a-fA-F-]{{36}})"),
    ),
    (
        "ashby",
        re.compile(r"^jobs\.ashbyhq\.com$"),
        re.compile(rf"^/(?P<board>{_SEGMENT})/(?P<id>[0-9a-fA-F-]{{36}})"),
    ),
    (
        "workable",
        re.compile(r"^apply\.workable\.com$"),
        re.compile(rf"^/(?P<board>{_SEGMENT})/j/(?P<id>[A-Za-z0-9]+)"),
    ),
    (
        "smartrecruiters",
        re.compile(r"^(?:jobs|careers)\.smartrecruiters\.com$"),
        re.compile(rf"^/(?P<board>{_SEGMENT})/(?P<id>\d+)"),
    ),
)
_RECRUITEE = re.compile(rf"^(?P<board>{_SEGMENT})\.recruitee\.com$")
_PERSONIO = re.compile(rf"^(?P<board>{_SEGMENT})\.jobs\.personio\.(?:de|com)$")


def parse_posting_url(url: str) -> PostingRef:
    """The board and posting a URL names; InvalidInput for a board we do not support."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInput("url must be an absolute http(s) URL", detail={"url": url[:200]})
    for kind, host_rule, path_rule in _PATH_RULES:
        if host_rule.match(host):
            found = path_rule.match(parts.path)
            if found is None:
                break
            return PostingRef(kind, found["board"], found["id"], url)
    if host.endswith(".greenhouse.io") or "gh_jid" in parse_qs(parts.query):
        jid = parse_qs(parts.query).get("gh_jid", [""])[0]
        board = parts.path.strip("/").split("/")[0]
        if jid.isdigit() and board:
            return PostingRef("greenhouse", board, jid, url)
    if (m := _RECRUITEE.match(host)) is not None and parts.path.startswith("/o/"):
        return PostingRef("recruitee", m["board"], None, url)
    if (m := _PERSONIO.match(host)) is not None:
        job = re.match(r"^/job/(?P<id>\d+)", parts.path)
        if job is not None:
            return PostingRef("personio", m["board"], job["id"], url)
    raise InvalidInput(
        "not the posting URL of a supported job board",
        detail={"url": url[:200], "supported": list(SUPPORTED)},
    )
