"""Match features: what the matcher reads of an offer and of a profile, precomputed once.

Offer features depend only on the offer's content, so they are computed once per content hash
(at ingest or on first match) and stored; ranking then does set arithmetic, never text scans.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple, TypedDict, cast

from ahocorasick_rs import BytesAhoCorasick, Implementation, MatchKind

from shared.domain.accounts import ProfileInputs, RemotePreference
from shared.domain.native_reading import DescriptionReader, SkillFields, description_reader
from shared.domain.offers import JobOffer
from shared.domain.places import Location, parse_location
from shared.domain.profiles import CareerProfile, Preferences
from shared.domain.skills import Skill, default_index, default_matcher, taxonomy_entries
from shared.domain.titles import (
    ALL_FAMILIES,
    family_closeness,
    fold_accents,
    fold_title,
    folded_title_families,
    read_title,
)

# 2: role families and folded titles; 3: skills read by the word automaton; 4: the compact
# record (skill weights in integer tenths, required and nice-to-have as maps, title size)
FEATURES_VERSION = 4

# Skills outside core engineering count less: "Agile" in an animator's posting says little.
# In tenths (integers), so a sum of weights is exact whatever order a set yields them in.
CATEGORY_TENTHS = {
    "methodology": 4,
    "management": 4,
    "product": 4,
    "design": 4,
    "domain": 4,
    "education": 4,
    "tool": 5,
}
CORE_TENTHS = 10
# Generic role nouns weigh half in title similarity: "Sales Engineer" is not "Software Engineer".
GENERIC_ROLE_WORDS = frozenset(
    "engineer manager specialist analyst associate consultant representative executive officer "
    "coordinator assistant advisor partner expert".split()
)
# Section headers that start "nice to have" text; other headers start required or neutral text.
# Header phrases, found as plain substrings of the lower-cased UTF-8 description (one
# Aho-Corasick pass, see part_starts). A nice-to-have phrase anywhere on a line makes it a
# nice-to-have header; another header phrase counts only at the start of its line (after bullets
# or marks).
_NICE_PHRASES = tuple(
    p.encode()
    for p in (
        "nice to have", "nice-to-have", "bonus", "is a plus", "are a plus", "would be a plus",
        "preferred qualifications", "would be great", "would be nice", "wünschenswert",
        "von vorteil", "idealerweise", "pluspunkte", "deseable", "valorable",
    )
)  # fmt: skip
_SECTION_PHRASES = tuple(
    p.encode()
    for p in (
        "what you", "you will", "you have", "you bring", "requirements", "qualifications",
        "must have", "must-have", "about you", "about the role", "about us", "your profile",
        "dein profil", "ihr profil", "anforderungen", "aufgaben", "benefits", "what we offer",
        "wir bieten", "responsibilities",
    )
)  # fmt: skip
_LEAD = re.compile(rb"[^\w\n]*")
_TOKEN = re.compile(r"[a-z0-9+#]+")
_SYNONYMS: dict[str, tuple[str, ...]] = {
    # A developer and an engineer are the same job in titles ("Frontend Developer/Engineer").
    "dev": ("engineer",),
    "devs": ("engineer",),
    "developer": ("engineer",),
    "developers": ("engineer",),
    "entwickler": ("engineer",),
    "softwareentwickler": ("software", "engineer"),
    "webentwickler": ("web", "engineer"),
    "programmer": ("engineer",),
    "eng": ("engineer",),
    "engineering": ("engineer",),
    "engineers": ("engineer",),
    "ingenieur": ("engineer",),
    "swe": ("software", "engineer"),
    "sde": ("software", "engineer"),
    "sre": ("reliability", "engineer"),
    "fe": ("frontend",),
    "front": ("frontend",),
    "back": ("backend",),
    "fullstack": ("fullstack",),
    "full": ("fullstack",),
    "ml": ("machine", "learning"),
    "pm": ("product", "manager"),
    "devops": ("devops",),
    "analytics": ("analyst",),
    "analysts": ("analyst",),
    "scientists": ("scientist",),
    "managers": ("manager",),
    "designers": ("designer",),
    "teacher": ("teacher",),
}
_DROP = frozenset(
    "a an the of and or for with in at to on m w d f x all gender genders remote hybrid onsite "
    "senior sr junior jr lead staff principal head intern internship mid level i ii iii iv "
    "end stack new grad time full part contract freelance h".split()
)

_NON_TOKEN_SPACES = bytes(
    b if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789+#" else 0x20 for b in range(256)
)
# A synonym's words as they end up in the tokens (seniority dropped, plural "s" cut).
# The words a title token stands for: a synonym's words (seniority dropped, plural "s" cut),
# none for a dropped word; a token not here stands for itself.
_TOKEN_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_DROP, ()),
    **{
        word: tuple(
            t[:-1] if len(t) > 4 and t.endswith("s") and not t.endswith("ss") else t
            for t in mapped
            if t not in _DROP
        )
        for word, mapped in _SYNONYMS.items()
    },
}
_LANGUAGE_CODES = {
    "english": "en",
    "spanish": "es",
    "german": "de",
    "french": "fr",
    "dutch": "nl",
    "italian": "it",
    "portuguese": "pt",
    "polish": "pl",
    "swedish": "sv",
    "danish": "da",
    "norwegian": "no",
    "finnish": "fi",
    "czech": "cs",
    "japanese": "ja",
    "chinese": "zh",
    "mandarin": "zh",
    "russian": "ru",
    "arabic": "ar",
    "hindi": "hi",
    "turkish": "tr",
    "korean": "ko",
    "español": "es",
    "inglés": "en",
    "ingles": "en",
    "alemán": "de",
    "francés": "fr",
    "deutsch": "de",
}


def title_tokens(title: str) -> frozenset[str]:
    """Role words of a title: folded (gender tags, KI, Entwickler), synonyms mapped, seniority dropped."""
    return folded_title_tokens(fold_title(title))


def folded_title_tokens(text: str) -> frozenset[str]:
    """``title_tokens`` of a title already passed through ``fold_title``."""
    if not text.isascii():
        text = fold_accents(text)
    if " " in text:
        text = (
            text.replace("front end", "frontend")
            .replace("back end", "backend")
            .replace("full stack", "fullstack")
        )
    # What _TOKEN finds, by a C-level byte translation and a split: every byte of a non-ASCII
    # character (UTF-8, all above 0x7f) becomes a space, as the character separates tokens.
    words = text.encode().translate(_NON_TOKEN_SPACES).decode().split()
    out: set[str] = set()
    for token in words:
        mapped = _TOKEN_WORDS.get(token)
        if mapped is not None:
            out.update(mapped)
        else:  # a plural counts as its singular: "engineers" is "engineer", "class" stays
            out.add(token[:-1] if token[-1] == "s" and len(token) > 4 and token[-2] != "s" else token)
    return frozenset(out)


def title_weight(tokens: frozenset[str]) -> float:
    """Weight of title words: generic role nouns count half (the sum of 1.0 and 0.5 per word)."""
    return len(tokens) - 0.5 * len(tokens & GENERIC_ROLE_WORDS)


def place_keys(locations: Iterable[Location]) -> frozenset[str]:
    """Comparable keys of places: 'city:berlin', 'country:de', 'region:ca'."""
    keys: set[str] = set()
    for loc in locations:
        if loc.city:
            keys.add("city:" + loc.city.casefold())
        if loc.country:
            keys.add("country:" + loc.country.casefold())
        if loc.region:
            keys.add("region:" + loc.region.casefold())
    return frozenset(keys)


class FeatureRecord(TypedDict):
    """The stored (cached) form of offer features, read by ranking as it comes from the store.

    Plain JSON-ready values, shaped for scoring without decoding: skills as a map of folded name
    to integer points, title words and families as sorted lists, the title's word weight.
    Ranking scores every offer straight from this form and decodes ``OfferFeatures`` only for
    the rows it explains.
    """

    features_version: int
    offer_id: str
    content_hash: str
    title: str
    company: str
    url: str
    skills: dict[str, int]  # folded skill name -> points: weight in tenths (core 10), x2 if required
    required: list[str]  # folded names of the required skills; the others are nice to have
    skill_names: dict[str, str]  # folded -> display (a map: Firestore refuses arrays of arrays)
    skill_total: int  # the sum of the points
    title_tokens: list[str]
    title_size: float  # title_weight(title_tokens)
    families: list[str]
    seniority: str | None
    remote_policy: str
    places: list[str]
    place_labels: list[str]
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_source: str | None
    language: str | None
    posted_ts: float | None


@dataclass(frozen=True, slots=True)
class OfferFeatures:
    """Everything ranking needs from one offer."""

    offer_id: str
    content_hash: str
    title: str
    company: str
    url: str
    required: frozenset[str]  # canonical skill names, case-folded
    nice: frozenset[str]
    skill_names: tuple[tuple[str, str], ...]  # (folded, display), for evidence
    weights: dict[str, float]  # folded name -> weight by category (core tech 1.0), tenths exact
    skill_total: float  # 2 x required weights + nice weights
    title_tokens: frozenset[str]
    families: frozenset[str]  # role families of the title (shared.domain.titles)
    seniority: str | None
    remote_policy: str
    places: frozenset[str]
    place_labels: tuple[str, ...]
    salary_min: float | None
    salary_max: float | None
    salary_currency: str | None
    salary_source: str | None
    language: str | None
    posted_ts: float | None

    def to_record(self) -> FeatureRecord:
        """The stored form (sets become sorted lists or maps, weights integer tenths)."""
        tenths = {k: round(self.weights.get(k, 1.0) * 10) for k in self.required | self.nice}
        return {
            "features_version": FEATURES_VERSION,
            "offer_id": self.offer_id,
            "content_hash": self.content_hash,
            "title": self.title,
            "company": self.company,
            "url": self.url,
            "skills": {k: tenths[k] * (2 if k in self.required else 1) for k in sorted(tenths)},
            "required": sorted(self.required),
            "skill_names": dict(sorted(self.skill_names)),
            "skill_total": round(self.skill_total * 10),
            "title_tokens": sorted(self.title_tokens),
            "title_size": title_weight(self.title_tokens),
            "families": sorted(self.families),
            "seniority": self.seniority,
            "remote_policy": self.remote_policy,
            "places": sorted(self.places),
            "place_labels": list(self.place_labels),
            "salary_min": self.salary_min,
            "salary_max": self.salary_max,
            "salary_currency": self.salary_currency,
            "salary_source": self.salary_source,
            "language": self.language,
            "posted_ts": self.posted_ts,
        }

    @classmethod
    def from_record(cls, r: FeatureRecord) -> OfferFeatures:
        """Inverse of to_record (ranking decodes only the rows it explains)."""
        points, required = r["skills"], frozenset(r["required"])
        return cls(
            offer_id=r["offer_id"],
            content_hash=r["content_hash"],
            title=r["title"],
            company=r["company"],
            url=r["url"],
            required=required,
            nice=frozenset(points.keys() - required),
            skill_names=tuple(sorted(r["skill_names"].items())),
            weights={k: p / (20 if k in required else 10) for k, p in points.items()},
            skill_total=r["skill_total"] / 10,
            title_tokens=frozenset(r["title_tokens"]),
            families=frozenset(r["families"]),
            seniority=r["seniority"],
            remote_policy=r["remote_policy"],
            places=frozenset(r["places"]),
            place_labels=tuple(r["place_labels"]),
            salary_min=r["salary_min"],
            salary_max=r["salary_max"],
            salary_currency=r["salary_currency"],
            salary_source=r["salary_source"],
            language=r["language"],
            posted_ts=r["posted_ts"],
        )


@lru_cache(maxsize=1)
def _header_automaton() -> BytesAhoCorasick:
    """Every header phrase, leftmost-longest: no two phrases overlap in a way that matters here.

    (The only overlaps are "what you" / "about you" running into "you will", "you have" or
    "you bring", which then sit mid-line, where a section phrase does not count, and a nice
    phrase containing another, where the nice one wins anyway.)
    """
    phrases = [*_SECTION_PHRASES, *_NICE_PHRASES]
    return BytesAhoCorasick(phrases, matchkind=MatchKind.LeftmostLongest, implementation=Implementation.DFA)


_NICE_FROM = len(_SECTION_PHRASES)  # phrase numbers from here on are nice-to-have phrases


def part_starts(data: bytes) -> tuple[list[int], list[bool]]:
    """Where the parts of a UTF-8 description start (line starts; the first 0), and which are nice.

    A line naming a nice-to-have header ("Nice to have", "Von Vorteil") starts nice-to-have
    text; a line starting another known header ("Requirements", "Dein Profil") ends it. Header
    phrases are found in the lower-cased text by one pass of a small automaton.
    """
    folded = data.lower()
    headers: dict[int, bool] = {}  # line start -> starts nice-to-have text (a nice header wins)
    for phrase, at, _ in _header_automaton().find_matches_as_indexes(folded):
        line = folded.rfind(b"\n", 0, at) + 1
        if phrase >= _NICE_FROM:
            headers[line] = True
        elif line == at or _LEAD.fullmatch(folded, line, at):
            headers.setdefault(line, False)
    if not headers:
        return [0], [False]
    starts, nice = [0], [False]
    for at in sorted(headers):
        if at > 0:
            starts.append(at)
            nice.append(headers[at])
        else:
            nice[0] = headers[at]
    return starts, nice


def description_parts(text: str) -> list[tuple[bytes, bool]]:
    """The description (as UTF-8) cut at its section headers: (part, is nice-to-have), in order.

    See ``part_starts``.
    """
    data = text.encode("utf-8", "replace")
    starts, nice = part_starts(data)
    ends = [*starts[1:], len(data)]
    return [(data[a:b], n) for a, b, n in zip(starts, ends, nice, strict=True)]


@lru_cache(maxsize=1)
def _native_reader() -> DescriptionReader | None:
    reader = description_reader(default_index(), [*_SECTION_PHRASES, *_NICE_PHRASES], _NICE_FROM)
    if reader is not None:
        table = _skill_table()
        counted = {name: (table.folded[name], table.tenths[name]) for name in table.counted}
        reader.count_skills(counted, _NO_SKILLS)
    return reader


_NATIVE = {"enabled": True}  # use_native_reading(False): the Python reading (a reference, tests)


def use_native_reading(enabled: bool) -> None:
    """Read descriptions with the compiled reader when it is built (the default) or in Python."""
    _NATIVE["enabled"] = enabled


def description_reading() -> str:
    """Which reading ``description_skills`` uses: "native" or "python"."""
    return "native" if _NATIVE["enabled"] and _native_reader() is not None else "python"


def description_skills(text: str) -> list[tuple[bool, Iterable[Skill]]]:
    """Each part of a description (see ``part_starts``): whether it is nice to have, its skills.

    The compiled reader when built (decision 0092), else the Python reading; both give the same.
    """
    reader = _native_reader() if _NATIVE["enabled"] else None
    if reader is not None:
        return reader.read(text)
    data = text.encode("utf-8", "replace")
    starts, nice = part_starts(data)
    found = default_index().scan_parts(data, starts)
    return [(n, skills.values()) for n, skills in zip(nice, found, strict=True)]


class _SkillTable(NamedTuple):
    """What offer features count of each taxonomy skill, by skill name: a property of the taxonomy."""

    counted: frozenset[str]  # the names that count: every skill but the soft ones
    folded: dict[str, str]  # name -> folded name (one name per folded name, see _skill_table)
    tenths: dict[str, int]  # name -> weight in tenths
    named: dict[str, tuple[str, str]]  # name -> (folded name, name), for skill_names
    weighted: dict[str, tuple[str, float]]  # name -> (folded name, weight), for weights


@lru_cache(maxsize=1)
def _skill_table() -> _SkillTable:
    """The counted skills of the shared taxonomy (built on first use, once per process)."""
    return skill_table(taxonomy_entries())


def skill_table(entries: Iterable[Mapping[str, Any]]) -> _SkillTable:
    """What offer features count of each skill of a taxonomy.

    Soft skills ("communication") are not counted: a CV cannot evidence them the way it
    evidences a tool or a language, so they would only dilute coverage. Skills outside core
    engineering weigh less (CATEGORY_TENTHS).
    """
    tenths = {
        e["name"]: CATEGORY_TENTHS.get(e["category"], CORE_TENTHS) for e in entries if e["category"] != "soft"
    }
    folded = {name: name.casefold() for name in tenths}
    if len(set(folded.values())) != len(folded):
        # Features key skills by folded name: two names folding alike would be one skill.
        twins = sorted(n for n in folded if sum(f == folded[n] for f in folded.values()) > 1)
        raise ValueError(f"skills whose names differ only in case: {twins}")
    return _SkillTable(
        counted=frozenset(tenths),
        folded=folded,
        tenths=tenths,
        named={name: (f, name) for name, f in folded.items()},
        weighted={name: (f, tenths[name] / 10) for name, f in folded.items()},
    )


_NAME = attrgetter("name")
_NO_SKILLS: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def _draft_features() -> type[Any]:
    """A mutable twin of ``OfferFeatures``: the same slots in the same order, plain to set.

    The frozen dataclass's ``__init__`` sets each of its 22 fields by ``object.__setattr__``
    (some 3 us a record); ``offer_features`` fills this twin instead and then makes it an
    ``OfferFeatures`` (the same layout, so the class can change): frozen from then on, and
    compared, copied and printed as any other.
    """
    fields = [(f.name, f.type) for f in dataclasses.fields(OfferFeatures)]
    return dataclasses.make_dataclass("_OfferFeaturesDraft", fields, slots=True, eq=False, repr=False)


def offer_features(offer: JobOffer) -> OfferFeatures:
    """Read skills (required vs nice to have), title words, seniority, places, pay and date."""
    return _assembled(offer, _skill_fields(offer))


def offers_features(offers: Sequence[JobOffer]) -> list[OfferFeatures]:
    """``offer_features`` of each offer, in order: the way to compute many (decision 0096).

    Every offer's skills are read first, then the rest of each record: the compiled reader's
    automaton (megabytes of transitions) stays in the CPU's caches for the whole stretch of
    descriptions instead of competing with the Python work of each record in turn.
    """
    fields = [_skill_fields(offer) for offer in offers]
    return [_assembled(offer, f) for offer, f in zip(offers, fields, strict=True)]


def _skill_fields(offer: JobOffer) -> SkillFields:
    """(required, nice, skill_names, weights, skill_total) of an offer (see ``OfferFeatures``).

    Skills named in the description's required or neutral parts, in a one-line title and in the
    tags are required; those only in nice-to-have parts are nice to have. The compiled reader
    counts them in one call (decision 0096) unless a part needs the Python reading.
    """
    reader = _native_reader() if _NATIVE["enabled"] else None
    if reader is not None and "\n" not in offer.title:
        tags = filter(None, default_matcher().canonical_all(offer.tags)) if offer.tags else ()
        fields = reader.offer_skills(offer.description_text, offer.title, tags)
        if fields is not None:
            return fields
    return _skill_fields_in_python(offer)


def _skill_fields_in_python(offer: JobOffer) -> SkillFields:
    """``_skill_fields`` by the part-by-part reading (``description_skills``) and set arithmetic."""
    required: set[str] = set()  # skill names
    nice: set[str] = set()
    for is_nice, found in description_skills(offer.description_text):
        (nice if is_nice else required).update(map(_NAME, found))
    if "\n" in offer.title:  # titles are one line; a description would be cut at its lines
        required.update(default_index().scan(offer.title))
    else:  # one line reads as one part, with the skills of ``scan``, by the reader just warmed
        for _, found in description_skills(offer.title):
            required.update(map(_NAME, found))
    if offer.tags:
        required.update(map(_NAME, filter(None, default_matcher().canonical_all(offer.tags))))
    table = _skill_table()
    tenths = table.tenths.__getitem__
    folded = table.folded.__getitem__
    required &= table.counted
    if nice:  # a skill both required and nice to have is required
        nice -= required
        nice &= table.counted
    if nice:
        skills = required | nice
        nice_folded, nice_tenths = frozenset(map(folded, nice)), sum(map(tenths, nice))
    else:  # most postings name no nice-to-have skill
        skills, nice_folded, nice_tenths = required, _NO_SKILLS, 0
    return (
        frozenset(map(folded, required)),
        nice_folded,
        tuple(sorted(map(table.named.__getitem__, skills))),
        dict(map(table.weighted.__getitem__, skills)),
        # exact: a sum of integers (tenths), whatever order the sets give them in
        (2 * sum(map(tenths, required)) + nice_tenths) / 10,
    )


def _assembled(offer: JobOffer, skills: SkillFields) -> OfferFeatures:
    """The record of an offer around its skill fields: title words, seniority, places, pay, date."""
    required, nice, skill_names, weights, skill_total = skills
    title = read_title(offer.title)  # folded once for words, families and level
    salary = offer.salary
    if offer.locations:
        places, place_labels = _places(offer.locations)
    else:
        places, place_labels = frozenset(), ()
    # By position, in the order of the fields (keywords would cost a dict each call).
    features = _draft_features()(
        offer.id,  # offer_id
        offer.content_hash,  # content_hash
        offer.title,  # title
        offer.company,  # company
        offer.url,  # url
        required,  # required
        nice,  # nice
        skill_names,  # skill_names
        weights,  # weights
        skill_total,  # skill_total
        folded_title_tokens(title.folded),  # title_tokens
        title.families,  # families
        title.level,  # seniority
        offer.remote_policy,  # remote_policy
        places,  # places
        place_labels,  # place_labels
        salary.annual_min if salary else None,  # salary_min
        salary.annual_max if salary else None,  # salary_max
        salary.currency if salary else None,  # salary_currency
        salary.source if salary else None,  # salary_source
        offer.language,  # language
        offer.posted_at.timestamp() if isinstance(offer.posted_at, datetime) else None,  # posted_ts
    )
    features.__class__ = OfferFeatures
    return cast(OfferFeatures, features)


def _places(locations: list[Location]) -> tuple[frozenset[str], tuple[str, ...]]:
    """``place_keys`` of an offer's locations and their labels (the raw text, else city, country)."""
    return place_keys(locations), tuple(
        loc.raw or ", ".join(p for p in (loc.city, loc.country) if p) for loc in locations
    )


@dataclass(frozen=True, slots=True)
class Role:
    """A title the profile is matched on, with how much it counts (0-1) and why it is there."""

    label: str
    tokens: frozenset[str]
    weight: float
    families: frozenset[str]
    source: str  # "target_role" (a profile input), "headline", "current_role" or "past_role"
    closeness: dict[str, float]  # offer family -> closeness to this role's families (0-1)
    token_weight: float = -1.0  # title_weight(tokens), computed once (make_role); -1: not given

    def __post_init__(self) -> None:
        if self.token_weight < 0:
            object.__setattr__(self, "token_weight", title_weight(self.tokens))


# Past roles count less the longer ago they ended: 0.8 when just ended, 0.05 less a year, never
# under 0.3. Target roles, the headline and the current role count in full.
PAST_ROLE_WEIGHT = 0.8
PAST_ROLE_DECAY_PER_YEAR = 0.05
PAST_ROLE_FLOOR = 0.3


@dataclass(frozen=True, slots=True)
class ProfileFeatures:
    """Everything ranking needs from one profile version (and the user's current inputs)."""

    uid: str
    version: int
    skills: frozenset[str]
    skill_display: dict[str, str]
    roles: tuple[Role, ...]
    seniority: str | None
    remote: RemotePreference
    places: frozenset[str]
    place_labels: tuple[str, ...]
    salary_floor: float | None
    salary_currency: str | None
    languages: frozenset[str]
    families: frozenset[str] = frozenset()  # the role families of the roles that count in full
    from_inputs: bool = False  # preferences read from the user's current profile inputs


def _year(value: str | None) -> float | None:
    """ "2021-06" -> 2021.4, "2019" -> 2019.0 (its start), None when absent or unreadable."""
    if not value or not value[:4].isdigit():
        return None
    month = int(value[5:7]) if len(value) >= 7 and value[5:7].isdigit() else 1
    return int(value[:4]) + (month - 1) / 12


def _past_weight(end: float | None, now: float) -> float:
    if end is None:
        return PAST_ROLE_FLOOR
    decayed = PAST_ROLE_WEIGHT - PAST_ROLE_DECAY_PER_YEAR * max(0.0, now - end)
    return max(PAST_ROLE_FLOOR, decayed)


def make_role(label: str, weight: float, source: str) -> Role:
    """A role with its title words, families and closeness to every family."""
    folded = fold_title(label)  # once for words and families
    families = folded_title_families(folded)
    closeness = {f: c for f in ALL_FAMILIES if (c := family_closeness(families, frozenset({f})))}
    return Role(label, folded_title_tokens(folded), weight, families, source, closeness)


def profile_roles(profile: CareerProfile, target_roles: Iterable[str]) -> tuple[Role, ...]:
    """Target roles, the headline and the current role in full; past roles by age (see above)."""
    created = profile.provenance.created_at
    now = created.year + (created.month - 1) / 12
    roles = [make_role(r, 1.0, "target_role") for r in target_roles]
    if profile.headline:
        roles.append(make_role(profile.headline, 1.0, "headline"))
    jobs = profile.work_history
    current = [j for j in jobs if j.current]
    if not current and jobs:
        # No job says "Present": CVs list the latest first, so an undated first job is the
        # current one; else the one that ended last.
        dated = [j for j in jobs if _year(j.end or j.start) is not None]
        first_undated = _year(jobs[0].end or jobs[0].start) is None
        current = (
            [jobs[0]]
            if first_undated or not dated
            else [max(dated, key=lambda j: _year(j.end or j.start) or 0.0)]
        )
    for job in jobs:
        if job in current:
            roles.append(make_role(job.title, 1.0, "current_role"))
        else:
            roles.append(
                make_role(job.title, _past_weight(_year(job.end) or _year(job.start), now), "past_role")
            )
    return tuple(r for r in roles if r.tokens or r.families)


def profile_features(profile: CareerProfile, inputs: ProfileInputs | None = None) -> ProfileFeatures:
    """Skills, roles, seniority, places, pay floor and languages.

    The preferences (target roles, locations, remote, salary floor) are the user's current
    ``inputs`` when given, else those copied into the profile version: editing the inputs
    re-ranks without a new profile version.
    """
    prefs = Preferences.from_inputs(inputs) if inputs is not None else profile.preferences
    target_roles, locations, remote, salary_floor = (
        prefs.target_roles,
        prefs.locations,
        prefs.remote,
        prefs.salary_floor,
    )
    roles = profile_roles(profile, target_roles or ())
    place_labels = tuple(locations or ())
    wanted = [parse_location(p) for p in place_labels]
    annual = None
    if salary_floor is not None:
        per_year = {"year": 1, "month": 12, "day": 260, "hour": 2080}.get(str(salary_floor.period), 1)
        annual = float(salary_floor.amount) * per_year
    languages = {
        _LANGUAGE_CODES.get(lang.name.strip().casefold(), lang.name.strip().casefold()[:2])
        for lang in profile.languages
    }
    return ProfileFeatures(
        uid=profile.uid,
        version=profile.version,
        skills=frozenset(s.name.casefold() for s in profile.skills),
        skill_display={s.name.casefold(): s.name for s in profile.skills},
        roles=roles,
        seniority=None if profile.seniority == "unknown" else profile.seniority,
        remote=remote,
        places=place_keys(loc for loc in wanted if loc is not None),
        place_labels=place_labels,
        salary_floor=annual,
        salary_currency=salary_floor.currency if salary_floor else None,
        # A CV that lists no language is read as English-only: the language it is written in.
        languages=frozenset(languages or {"en"}),
        families=frozenset(f for r in roles if r.weight >= 1.0 for f in r.families),
        from_inputs=inputs is not None,
    )
