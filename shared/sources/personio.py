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
from shared.sources.base import parse_error, remote_policy, when
from shared.sources.spec import Source

KIND = "personio"
API = "https://{board}.jobs.personio.de"  # each company has its own host
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _feed(payload: bytes, kind: str) -> ET.Element:
    """The feed's root element; the DOCTYPE is refused before ElementTree sees the bytes."""
    if _DOCTYPE.search(payload):
        raise parse_error(kind, "DOCTYPE and entity declarations are refused")
    try:
        tree = ET.fromstring(payload.lstrip(b"\xef\xbb\xbf"))  # noqa: S314 - DOCTYPE refused above
    except ET.ParseError as err:
        raise parse_error(kind, f"payload is not XML ({err})") from None
    if tree.tag != "workzag-jobs":
        raise parse_error(kind, f"unexpected root element <{tree.tag}>")
    return tree


def _positions(tree: ET.Element, kind: str) -> list[ET.Element]:
    return tree.findall("position")


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
        url=f"{API.format(board=board)}/job/{external_id}",
        posted_at=when(_text(position, "createdAt")),
        updated_at=None,
        language=None,
        tags=[
            _text(position, "department"),
            _text(position, "recruitingCategory"),
            _text(position, "seniority"),
        ],
    )


SOURCE = Source(
    KIND,
    api=API,
    path="/xml",
    accept="application/xml",
    decode=_feed,
    postings=_positions,
    offer=_offer,
)
parse = SOURCE.parse
fetch = SOURCE.fetch
