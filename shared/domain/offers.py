"""The normalised job offer every source adapter produces and matching reads.

Field reference (names are a contract with matching; change them only with a new
``schema_version``):

- ``source_kind``: adapter kind (greenhouse, lever, ...); ``board``: the board token.
- ``external_id``: the posting's id at the source. ``offer_id(kind, board, external_id)`` is
  the stored document id (collection ``job_offers``).
- ``title``, ``company``: clean single-line text ('' only where the source published none).
- ``locations``: list of ``Location`` {city, region, country (ISO 3166-1 alpha-2 or None), raw}.
- ``remote_policy``: remote | hybrid | onsite | unknown.
- ``employment_type``: full_time | part_time | contract | internship | temporary | freelance |
  working_student | unknown.
- ``salary``: ``Salary`` {min, max, currency, period, annual_min, annual_max, source} or None.
- ``description_text``: plain text, no markup, no entities.
- ``url``: the posting's public page (link back to it); ``posted_at``/``updated_at``: tz-aware.
- ``language``: ISO 639-1 when the source says or the text shows it, else None.
- ``tags``: lower-cased labels (department, category, source tags), deduplicated, sorted.
- ``content_hash``: sha256 over the content fields (everything above except ``updated_at``,
  which boards re-stamp without changing anything); equal hash means nothing to write.
- ``fingerprint``: hash of normalised company + title + location key, equal for the same job
  listed twice (two sources, or one board listing it per country).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from shared.domain.language import guess_language
from shared.domain.model import DomainModel
from shared.domain.places import Location
from shared.domain.salary import Salary

SCHEMA_VERSION = 1
RemotePolicy = Literal["remote", "hybrid", "onsite", "unknown"]
EmploymentType = Literal[
    "full_time", "part_time", "contract", "internship", "temporary", "freelance", "working_student", "unknown"
]
CONTENT_FIELDS = (
    "source_kind",
    "board",
    "external_id",
    "title",
    "company",
    "locations",
    "remote_policy",
    "employment_type",
    "salary",
    "description_text",
    "url",
    "posted_at",
    "language",
    "tags",
)
_ID_MEMO = "_id_memo"  # JobOffer.id, with the fields it was made of


class JobOffer(DomainModel):
    """One posting, normalised. Build it with ``JobOffer.create`` so the hashes are filled."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    source_kind: str
    board: str
    external_id: str = Field(min_length=1)
    title: str  # '' only when the source published none (Remote OK does, rarely)
    company: str
    locations: list[Location] = Field(default_factory=list)
    remote_policy: RemotePolicy = "unknown"
    employment_type: EmploymentType = "unknown"
    salary: Salary | None = None
    description_text: str = ""
    url: str
    posted_at: datetime | None = None
    updated_at: datetime | None = None
    language: str | None = None
    tags: list[str] = Field(default_factory=list)
    content_hash: str = ""
    fingerprint: str = ""
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def create(cls, **fields: Any) -> JobOffer:
        """Validate the fields, normalise tags, and compute content_hash and fingerprint."""
        fields["tags"] = normalise_tags(fields.get("tags") or ())
        if not fields.get("language"):
            fields["language"] = guess_language(str(fields.get("description_text") or ""))
        draft = cls.model_validate(fields)
        return draft.model_copy(
            update={"content_hash": content_hash(draft), "fingerprint": fingerprint(draft)}
        )

    @property
    def id(self) -> str:
        """The stored document id (hashed once per instance: matching reads it per offer).

        Kept beside the fields it is made of, in the instance's ``__dict__`` (pydantic compares
        and serialises fields only), and recomputed when they differ: ``model_copy`` copies it.
        """
        key = (self.source_kind, self.board, self.external_id)
        memo = self.__dict__.get(_ID_MEMO)
        if memo is None or memo[0] != key:
            memo = (key, offer_id(*key))
            self.__dict__[_ID_MEMO] = memo
        return memo[1]


def offer_id(source_kind: str, board: str, external_id: str) -> str:
    """Deterministic document id: readable kind prefix plus a hash (ids may hold '/')."""
    digest = hashlib.sha256(f"{source_kind}\x00{board}\x00{external_id}".encode()).hexdigest()
    return f"{source_kind}-{digest[:32]}"


def content_hash(offer: JobOffer) -> str:
    """sha256 of the canonical JSON of the content fields: stable across runs and processes."""
    payload = offer.model_dump(mode="json", include=set(CONTENT_FIELDS))
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


_GENDER = re.compile(r"\((?:[mwfdx]\s*/\s*)+[mwfdx]\)|\(all genders?\)|\(w/m/d\)|\(d/f/m\)", re.IGNORECASE)
_LEGAL = re.compile(r"\b(gmbh|ag|se|kg|co|inc|llc|ltd|limited|plc|corp|corporation|sa|sas|bv|oy|srl|spa)\b")


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", ascii_only).split())


def normalise_company(name: str) -> str:
    """'Acme SE & Co. KG' -> 'acme': case, accents, punctuation and legal forms removed."""
    return " ".join(_LEGAL.sub(" ", _norm(name.replace("&", " "))).split())


def normalise_title(title: str) -> str:
    """'Recruiter (m/w/d) - Remote' -> 'recruiter remote': gender markers and punctuation removed."""
    return _norm(_GENDER.sub(" ", title))


def location_key(offer: JobOffer) -> str:
    """The place part of the fingerprint: first city, else 'remote' for remote jobs, else country."""
    cities = sorted(_norm(loc.city) for loc in offer.locations if loc.city)
    if cities:
        return cities[0]
    if offer.remote_policy == "remote":
        return "remote"
    countries = sorted(loc.country for loc in offer.locations if loc.country)
    return countries[0].lower() if countries else ""


def fingerprint(offer: JobOffer) -> str:
    """Cross-source duplicate key: normalised company | title | location key, hashed."""
    key = "|".join((normalise_company(offer.company), normalise_title(offer.title), location_key(offer)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def normalise_tags(tags: Iterable[str | None]) -> list[str]:
    """Lower-cased, stripped, deduplicated, sorted."""
    return sorted({" ".join(t.casefold().split()) for t in tags if t and t.strip()})


_EMPLOYMENT = (
    (re.compile(r"(?i)work(ing)?[\s_-]?student|werkstudent|studentische|student"), "working_student"),
    (re.compile(r"(?i)\bintern(ship)?s?\b|praktik|trainee|apprentice|ausbildung|\bdual"), "internship"),
    (re.compile(r"(?i)freelanc|selbstständig"), "freelance"),
    (re.compile(r"(?i)contract|contractor|befristet|fixed[\s_-]?term"), "contract"),
    (re.compile(r"(?i)\btemp|\bseasonal|aushilf|\bside\b"), "temporary"),
    (re.compile(r"(?i)part[\s_-]?time|teilzeit|minijob"), "part_time"),
    (re.compile(r"(?i)full[\s_-]?time|vollzeit|permanent|regular|unbefristet|festanstellung"), "full_time"),
)


def employment_type(*labels: str | None) -> EmploymentType:
    """Map free-form labels ('FullTime', 'Regular Full Time (Salary)', 'Werkstudent') to one type."""
    for label in labels:
        if not label:
            continue
        for pattern, kind in _EMPLOYMENT:
            if pattern.search(label):
                return kind  # type: ignore[return-value]
    return "unknown"


def merge_duplicates(offers: Sequence[JobOffer]) -> list[JobOffer]:
    """Collapse offers sharing an id (a board listing one job per country) into one.

    Locations are united in order; the first occurrence wins every other field.
    """
    merged: dict[str, JobOffer] = {}
    for offer in offers:
        first = merged.get(offer.id)
        if first is None:
            merged[offer.id] = offer
            continue
        locations = list(first.locations) + [loc for loc in offer.locations if loc not in first.locations]
        fields = first.model_dump(exclude={"content_hash", "fingerprint"})
        fields["locations"] = locations
        merged[offer.id] = JobOffer.create(**fields)
    return list(merged.values())
