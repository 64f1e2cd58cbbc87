"""Personio XML feed: ``GET https://{board}.jobs.personio.de/xml`` (one document, whole board).

Parsed with the stdlib ElementTree after refusing any DOCTYPE: the feed never needs one, and
refusing it rules out entity-expansion and external-entity tricks.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from shared.domain.html_text import clean_inline, html_to_text
from shared.domain.offers import JobOffer, employment_type
from shared.domain.places import Location, parse_locations
from shared.ports import HttpFetcher
from shared.sources.base import (
    FetchResult,
    Validators,
    build,
    fetch_single,
    parse_error,
    remote_policy,
    root,
    when,
)

KIND = "personio"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def api_root(board: str) -> str:
    """Each company has its own host."""
    return f"https://{board}.jobs.personio.de"


def parse(payload: bytes, *, board: str, company: str | None = None) -> list[JobOffer]:
    """Offers of a Personio XML feed."""
    if _DOCTYPE.search(payload):
        raise parse_error(KIND, "DOCTYPE and entity declarations are refused")
    try:
        tree = ET.fromstring(payload.lstrip(b"\xef\xbb\xbf"))  # noqa: S314 - DOCTYPE refused above
    except ET.ParseError as err:
        raise parse_error(KIND, f"payload is not XML ({err})") from None
    if tree.tag != "workzag-jobs":
        raise parse_error(KIND, f"unexpected root element <{tree.tag}>")
    positions = [{"_el": p} for p in tree.findall("position")]
    return build(KIND, lambda p: _offer(p["_el"], board, company), positions)


def fetch(
    fetcher: HttpFetcher,
    board: str,
    *,
    base_url: str | None = None,
    conditional: Validators | None = None,
    company: str | None = None,
) -> FetchResult:
    """The whole feed in one request."""
    url = f"{root(base_url, api_root(board))}/xml"
    return fetch_single(
        fetcher,
        url,
        lambda body: parse(body, board=board, company=company),
        conditional=conditional,
        accept="application/xml",
    )


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _description(position: ET.Element) -> str:
    parts = []
    for block in position.findall("jobDescriptions/jobDescription"):
        name, value = _text(block, "name"), html_to_text(_text(block, "value"))
        if value:
            parts.append(f"{clean_inline(name)}\n{value}" if name else value)
    return "\n\n".join(parts)


def _locations(position: ET.Element) -> list[Location]:
    names = [_text(position, "office")] + [
        (o.text or "").strip() for o in position.findall("additionalOffices/office")
    ]
    out: list[Location] = []
    for name in names:
        out += [loc for loc in parse_locations(name) if loc not in out]
    return out


def _offer(position: ET.Element, board: str, company: str | None) -> JobOffer:
    external_id = _text(position, "id")
    offices = " ".join(
        [_text(position, "office")] + [(o.text or "") for o in position.findall("additionalOffices/office")]
    )
    return JobOffer.create(
        source_kind=KIND,
        board=board,
        external_id=external_id,
        title=clean_inline(_text(position, "name")),
        company=company or clean_inline(_text(position, "subcompany")) or board,
        locations=_locations(position),
        remote_policy=remote_policy(offices),
        employment_type=employment_type(_text(position, "schedule"), _text(position, "employmentType")),
        salary=None,
        description_text=_description(position),
        url=f"{api_root(board)}/job/{external_id}",
        posted_at=when(_text(position, "createdAt")),
        updated_at=None,
        language=None,
        tags=[
            _text(position, "department"),
            _text(position, "recruitingCategory"),
            _text(position, "seniority"),
        ],
    )
