"""HN "Who is hiring?" threads through the Algolia items API: ``GET /api/v1/items/{thread id}``.

Each top-level comment is a posting whose first line is, by convention, pipe-separated:
"Company | Role | Location | Remote | Salary | URL". The board token is the thread id.
"""

from __future__ import annotations

import re
from typing import Any

from shared.domain.html_text import html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import mentions_remote, parse_locations
from shared.domain.salary import parse_salary
from shared.sources.base import remote_policy, when
from shared.sources.base import text as s
from shared.sources.spec import Source, under

KIND = "hn-algolia"
ITEM_URL = "https://news.ycombinator.com/item?id="
_MONEY = re.compile(r"[$€£]|\d\s*[kK]\b|\b(USD|EUR|GBP)\b")
_URLISH = re.compile(r"(?i)^(https?://|www\.)|\.(com|io|co|ai|dev|org|net)\b")


def _has_text(comment: dict[str, Any]) -> bool:
    """Deleted comments keep their place in the thread but have no text."""
    return bool(s(comment.get("text")).strip())


def _fields(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split("|") if p.strip()]
    out = {"company": parts[0] if parts else "", "title": parts[1] if len(parts) > 1 else ""}
    for part in parts[2:]:
        if _URLISH.search(part):
            continue
        if _MONEY.search(part) and "salary" not in out:
            out["salary"] = part
        elif mentions_remote(part) or "onsite" in part.casefold().replace("-", ""):
            out["policy"] = f"{out.get('policy', '')} {part}".strip()
            out.setdefault("location", part)
        elif re.search(r"(?i)full|part|contract|intern|freelance", part):
            out.setdefault("employment", part)
        else:
            out.setdefault("location", part)
    return out


def _offer(comment: dict[str, Any], board: str, company: str | None) -> JobOffer:
    text = html_to_text(s(comment.get("text")))
    header, _, _ = text.partition("\n")
    fields = _fields(header)
    title = fields["title"] or header[:120]
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=s(comment["id"]),
        title=title,
        company=fields["company"] or s(comment.get("author")) or "unknown",
        locations=parse_locations(fields.get("location")),
        remote_policy=remote_policy(fields.get("policy")),
        employment_type=employment_type(fields.get("employment")),
        salary=parse_salary(fields.get("salary")),
        description_text=text,
        url=f"{ITEM_URL}{s(comment['id'])}",
        posted_at=when(comment.get("created_at")),
        updated_at=None,
        language=None,
        tags=["hn who is hiring"],
    )


# One offer per top-level comment; the board token is the thread id.
SOURCE = Source(
    KIND,
    api="https://hn.algolia.com",
    path="/api/v1/items/{board}",
    postings=under("children"),
    keep=_has_text,
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
