"""Match features: what the matcher reads of an offer and of a profile, precomputed once.

Offer features depend only on the offer's content, so they are computed once per content hash
(at ingest or on first match) and stored; ranking then does set arithmetic, never text scans.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.accounts import ProfileInputs, RemotePreference
from shared.domain.offers import JobOffer
from shared.domain.places import Location, parse_location
from shared.domain.profiles import CareerProfile, Preferences
from shared.domain.skills import default_index, default_matcher
from shared.domain.titles import ALL_FAMILIES, family_closeness, fold_title, role_families, title_level

FEATURES_VERSION = 3  # 2: role families and folded titles; 3: skills read by the word automaton

# Skills outside core engineering count less: "Agile" in an animator's posting says little.
CATEGORY_WEIGHT = {
    "methodology": 0.4,
    "management": 0.4,
    "product": 0.4,
    "design": 0.4,
    "domain": 0.4,
    "education": 0.4,
    "tool": 0.5,
}
# Generic role nouns weigh half in title similarity: "Sales Engineer" is not "Software Engineer".
GENERIC_ROLE_WORDS = frozenset(
    "engineer manager specialist analyst associate consultant representative executive officer "
    "coordinator assistant advisor partner expert".split()
)
# Section headers that start "nice to have" text; other headers start required or neutral text.
# Header phrases, found as plain substrings of the lower-cased UTF-8 description (fast string
# search, not a regex pass). A nice-to-have phrase anywhere on a line makes it a nice-to-have
# header; another header phrase counts only at the start of its line (after bullets or marks).
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
    folded = unicodedata.normalize("NFKD", fold_title(title))
    text = "".join(c for c in folded if not unicodedata.combining(c))
    text = (
        text.replace("front end", "frontend")
        .replace("back end", "backend")
        .replace("full stack", "fullstack")
    )
    out: set[str] = set()
    for token in _TOKEN.findall(text):
        for t in _SYNONYMS.get(token, (token,)):
            if t not in _DROP:
                out.add(t[:-1] if len(t) > 4 and t.endswith("s") and not t.endswith("ss") else t)
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
    weights: dict[str, float]  # folded name -> weight by category (core tech 1.0)
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storage (sets become sorted lists)."""
        out: dict[str, Any] = {"features_version": FEATURES_VERSION}
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif name == "skill_names":
                value = dict(value)  # Firestore refuses arrays of arrays: store a map
            elif name == "weights":
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfferFeatures:
        """Inverse of to_dict (on the hot path of every ranking: no per-field dispatch).

        Equal sets and tuples decode to one shared immutable object (see ``_shared``): fewer
        allocations for the garbage collector to track, and cached hashes for scoring.
        """
        d = data
        names = d["skill_names"]
        return cls(
            offer_id=d["offer_id"],
            content_hash=d["content_hash"],
            title=d["title"],
            company=d["company"],
            url=d["url"],
            required=_shared_set(d["required"]),
            nice=_shared_set(d["nice"]),
            skill_names=_shared_items(names) if names else (),
            weights=dict(d["weights"] or {}),
            skill_total=d["skill_total"],
            title_tokens=frozenset(d["title_tokens"] or ()),
            families=_shared_set(d["families"]),
            seniority=d["seniority"],
            remote_policy=d["remote_policy"],
            places=_shared_set(d["places"]),
            place_labels=_shared_tuple(d["place_labels"]),
            salary_min=d["salary_min"],
            salary_max=d["salary_max"],
            salary_currency=d["salary_currency"],
            salary_source=d["salary_source"],
            language=d["language"],
            posted_ts=d["posted_ts"],
        )


# Decoded immutable values by their stored form, shared between decoded features (bounded: a
# table starts afresh when full). Many offers have the same families, places or skill sets.
_SETS: dict[tuple[str, ...], frozenset[str]] = {}
_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}
_ITEMS: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
_SHARED_MAX = 1 << 15
_EMPTY: frozenset[str] = frozenset()


def _shared_set(values: list[str] | None) -> frozenset[str]:
    if not values:
        return _EMPTY
    key = tuple(values)
    found = _SETS.get(key)
    if found is None:
        if len(_SETS) >= _SHARED_MAX:
            _SETS.clear()
        found = _SETS[key] = frozenset(key)
    return found


def _shared_tuple(values: list[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    key = tuple(values)
    found = _TUPLES.get(key)
    if found is None:
        if len(_TUPLES) >= _SHARED_MAX:
            _TUPLES.clear()
        found = _TUPLES[key] = key
    return found


def _shared_items(names: dict[str, str]) -> tuple[tuple[str, str], ...]:
    key = tuple(names.items())
    found = _ITEMS.get(key)
    if found is None:
        if len(_ITEMS) >= _SHARED_MAX:
            _ITEMS.clear()
        found = _ITEMS[key] = tuple(sorted(key))
    return found


def description_parts(text: str) -> list[tuple[bytes, bool]]:
    """The description (as UTF-8) cut at its section headers: (part, is nice-to-have), in order.

    A line naming a nice-to-have header ("Nice to have", "Von Vorteil") starts nice-to-have
    text; a line starting another known header ("Requirements", "Dein Profil") ends it. Headers
    are found with one pass of each pattern over the whole text, not line by line.
    """
    data = text.encode("utf-8", "replace")
    folded = data.lower()
    events: dict[int, bool] = {}
    for phrase in _SECTION_PHRASES:
        at = folded.find(phrase)
        while at != -1:
            line = folded.rfind(b"\n", 0, at) + 1
            if _LEAD.fullmatch(folded, line, at):
                events.setdefault(line, False)
            at = folded.find(phrase, at + 1)
    for phrase in _NICE_PHRASES:
        at = folded.find(phrase)
        while at != -1:
            events[folded.rfind(b"\n", 0, at) + 1] = True  # a nice header wins on its line
            at = folded.find(phrase, at + 1)
    if not events:
        return [(data, False)]
    parts: list[tuple[bytes, bool]] = []
    start, nice = 0, False
    for at in sorted(events):
        if at > start:
            parts.append((data[start:at], nice))
        start, nice = at, events[at]
    parts.append((data[start:], nice))
    return parts


def offer_features(offer: JobOffer) -> OfferFeatures:
    """Read skills (required vs nice to have), title words, seniority, places, pay and date."""
    matcher = default_matcher()
    index = default_index()
    required: dict[str, str] = {}
    nice: dict[str, str] = {}
    categories: dict[str, str] = {}

    def add(into: dict[str, str], name: str, category: str) -> None:
        # Soft skills ("communication") are not counted: a CV cannot evidence them the way it
        # evidences a tool or a language, so they would only dilute coverage.
        if category != "soft":
            into.setdefault(name.casefold(), name)
            categories.setdefault(name.casefold(), category)

    for skill in index.scan(offer.title).values():
        add(required, skill.name, skill.category)
    for part, is_nice in description_parts(offer.description_text):
        for skill in index.scan_utf8(part).values():
            add(nice if is_nice else required, skill.name, skill.category)
    for tag in offer.tags:
        tagged = matcher.canonical(tag)
        if tagged is not None:
            add(required, tagged.name, tagged.category)
    nice = {k: v for k, v in nice.items() if k not in required}
    weights = {k: CATEGORY_WEIGHT.get(c, 1.0) for k, c in categories.items()}
    salary = offer.salary
    return OfferFeatures(
        offer_id=offer.id,
        content_hash=offer.content_hash,
        title=offer.title,
        company=offer.company,
        url=offer.url,
        required=frozenset(required),
        nice=frozenset(nice),
        skill_names=tuple(sorted({**required, **nice}.items())),
        weights=weights,
        skill_total=2 * sum(weights[k] for k in required) + sum(weights[k] for k in nice),
        title_tokens=title_tokens(offer.title),
        families=role_families(offer.title),
        seniority=title_level(offer.title),
        remote_policy=offer.remote_policy,
        places=place_keys(offer.locations),
        place_labels=tuple(
            loc.raw or ", ".join(p for p in (loc.city, loc.country) if p) for loc in offer.locations
        ),
        salary_min=salary.annual_min if salary else None,
        salary_max=salary.annual_max if salary else None,
        salary_currency=salary.currency if salary else None,
        salary_source=salary.source if salary else None,
        language=offer.language,
        posted_ts=offer.posted_at.timestamp() if isinstance(offer.posted_at, datetime) else None,
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
    by_families: dict[frozenset[str], float] = field(default_factory=dict)  # memo of the best
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
    families = role_families(label)
    closeness = {f: family_closeness(families, frozenset({f})) for f in ALL_FAMILIES}
    return Role(
        label, title_tokens(label), weight, families, source, {f: c for f, c in closeness.items() if c}
    )


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
