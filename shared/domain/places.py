"""Structured locations from the free-text location strings job boards publish.

"San Francisco, CA | New York City, NY", "London, UK; Ontario, CAN; Remote-Friendly, United
States", "Remote - US", "Berlin": each part becomes {city, region, country, raw}; the country
is an ISO 3166-1 alpha-2 code where a small table knows the name, else None. Remote markers
are reported separately so the offer's remote policy can use them.
"""

from __future__ import annotations

import re

from pydantic import ConfigDict, Field

from shared.domain.model import DomainModel
from shared.domain.place_names import CITIES as _CITIES
from shared.domain.place_names import COUNTRIES as _COUNTRIES
from shared.domain.place_names import ISO_CODES as _ISO
from shared.domain.place_names import MACRO_REGIONS
from shared.domain.place_names import REGIONS as _REGIONS
from shared.domain.place_names import US_STATES as _US_STATES

__all__ = [
    "MACRO_REGIONS",
    "Location",
    "country_code",
    "location",
    "mentions_hybrid",
    "mentions_remote",
    "parse_location",
    "parse_locations",
]

_REMOTE = re.compile(r"(?i)\b(remote|anywhere|worldwide|home[- ]?office|work from home|wfh|telecommut\w*)\b")
_HYBRID = re.compile(r"(?i)\bhybrid\b")
_NOISE = re.compile(
    r"(?i)\((hq|remote|travel required|hybrid)\)|\bremote[- ]friendly\b|\bremote\b|\bhybrid\b"
    r"|\bflexibility\b|\bworldwide\b|\banywhere\b"
)
_SPLIT = re.compile(r"\s*(?:;|\||/|\bor\b|\n)\s*")


class Location(DomainModel):
    """One place an offer is open in."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    city: str | None = Field(default=None, description="City name as published")
    region: str | None = Field(default=None, description="State / province / region code or name")
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 where known, else None")
    raw: str = Field("", description="The source text this location was read from")


def country_code(name: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code, None when unknown."""
    if not name:
        return None
    key = name.strip().strip(".").casefold()
    if key in _COUNTRIES:
        return _COUNTRIES[key]
    return key.upper() if key.upper() in _ISO else None


def mentions_remote(text: str | None) -> bool:
    """True when the text marks remote work."""
    return bool(text and _REMOTE.search(text))


def mentions_hybrid(text: str | None) -> bool:
    """True when the text marks hybrid work."""
    return bool(text and _HYBRID.search(text))


def parse_location(raw: str) -> Location | None:
    """One location string ("Saint Louis, MO, USA") into a Location; None when nothing is left."""
    cleaned = " ".join(_NOISE.sub(" ", raw).replace("(", " ").replace(")", " ").split()).strip(" ,-–")
    tokens = [t.strip(" -–") for t in cleaned.split(",") if t.strip(" -–")]
    if not tokens:
        return Location(raw=raw.strip()) if raw.strip() else None
    city = region = country = None
    if len(tokens) == 1:
        return _single(tokens[0], raw.strip())
    last = tokens[-1]
    if len(tokens) == 2 and len(last) == 2 and last.upper() in _US_STATES:
        # "San Francisco, CA" is California; "British Columbia, CA" is Canada.
        first = tokens[0].casefold()
        if _REGIONS.get(first, ("", ""))[1] == "CA" or _CITIES.get(first) == "CA":
            region, country = _REGIONS.get(first, (None, "CA"))[0], "CA"
            return Location(
                city=None if first in _REGIONS else tokens[0], region=region, country=country, raw=raw.strip()
            )
    elif (code := country_code(last)) is not None:
        country, tokens = code, tokens[:-1]
    last = tokens[-1] if tokens else ""
    if len(tokens) > 1 and last.upper() in _US_STATES and len(last) == 2:
        region, country, tokens = last.upper(), country or "US", tokens[:-1]
    elif len(tokens) > 1 and last.casefold() in _REGIONS:
        (region, implied), tokens = _REGIONS[last.casefold()], tokens[:-1]
        country = country or implied
    elif not tokens:
        return Location(country=country, raw=raw.strip())
    city = tokens[0]
    if len(tokens) > 1 and region is None:
        region = tokens[1]
    if country is None:
        country = _CITIES.get(city.casefold())
    if len(tokens) == 1 and region is None and city.casefold() in _REGIONS:
        (region, implied), city = _REGIONS[city.casefold()], None
        country = country or implied
    return Location(city=city, region=region, country=country, raw=raw.strip())


def _single(token: str, raw: str) -> Location:
    key = token.casefold()
    if key in _COUNTRIES:
        return Location(country=_COUNTRIES[key], raw=raw)
    if key in _CITIES:
        return Location(city=token, country=_CITIES[key], raw=raw)
    if key in _REGIONS:
        region, country = _REGIONS[key]
        return Location(region=region, country=country, raw=raw)
    if key in MACRO_REGIONS:
        return Location(region=token, raw=raw)
    return Location(city=token, country=_CITIES.get(key), raw=raw)


def parse_locations(text: str | None) -> list[Location]:
    """A multi-location string ("A; B | C") into its Locations, in order, without duplicates."""
    if not text:
        return []
    out: list[Location] = []
    for part in _SPLIT.split(text):
        location = parse_location(part) if part.strip() else None
        if location is None or not (location.city or location.region or location.country):
            continue
        key = (location.city, location.region, location.country)
        if all((o.city, o.region, o.country) != key for o in out):
            out.append(location)
    return out


def location(
    *, city: str | None = None, region: str | None = None, country: str | None = None, raw: str = ""
) -> Location:
    """A Location from structured fields (the country name or code is normalised)."""
    city = (city or "").strip() or None
    region = (region or "").strip() or None
    text = raw or ", ".join(p for p in (city, region, country) if p)
    return Location(city=city, region=region, country=country_code(country), raw=text)
