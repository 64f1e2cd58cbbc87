"""The offer feature extraction that ran before the Aho-Corasick automaton, kept as an oracle.

Frozen copy of ``SkillIndex`` (a word-set scan) and ``offer_features`` as they were before
decision 0112: ``tests/unit/test_offer_features_equivalence.py`` checks that the production
extraction gives the same features on every kit posting, and ``bench/matching.py`` times both
side by side. Its title readings are the per-rule regexes of tests/support/legacy_titles.py.
Not used by production code.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from itertools import pairwise
from typing import Any

from shared.domain.matching.features import (
    _LEAD,
    _NICE_PHRASES,
    _SECTION_PHRASES,
    CATEGORY_TENTHS,
    CORE_TENTHS,
    OfferFeatures,
    place_keys,
)
from shared.domain.offers import JobOffer
from shared.domain.skills import (
    _LEFT,
    _LIST_AFTER,
    _LIST_BEFORE,
    _LIST_WORDS,
    _RIGHT,
    Skill,
    default_matcher,
    taxonomy_entries,
)
from shared.domain.text import clean_text
from tests.support.legacy_titles import role_families as _role_families
from tests.support.legacy_titles import title_level as _title_level
from tests.support.legacy_titles import title_tokens as _title_tokens

# --- Skill scanning for offer features: a word-level automaton -------------------------------
#
# Offer features need the set of skills in each part of a posting, for hundreds of thousands of
# postings, not hit positions for evidence. ``SkillIndex`` reads text as words (UTF-8 bytes,
# punctuation and hyphens as spaces, ASCII case folded, a sentence-final dot dropped) and walks
# a word trie: single-word aliases by set intersection, longer ones from their first word.
# Only C-level string and set operations run per word; Python runs per candidate.
# Same taxonomy and the same rules as ``SkillMatcher`` (a case-folded alias anywhere, an
# exact-case alias as a word, a "listed" alias only inside a list, the longest of overlapping
# mentions), so both read the same skills (tests/unit/test_skills.py::TestSkillIndex).

_BYTE_SPACE = bytes(b if (chr(b).isalnum() or chr(b) in "_.+#") or b >= 0x80 else 0x20 for b in range(256))
# Unicode dashes, bullets, quotes and odd spaces separate words like ASCII punctuation does.
_E2_SEPARATORS = tuple(
    bytes([0xE2, 0x80, b]) for b in (*range(0x90, 0xA7), 0xAF, 0x89, 0xB2, 0xB3, 0xB9, 0xBA)
)
_C2_SEPARATORS = (b"\xc2\xa0", b"\xc2\xab", b"\xc2\xad", b"\xc2\xb7", b"\xc2\xbb")


def _words(text: str) -> bytes:
    """``text`` as space-separated words (original case), see above."""
    return _utf8_words(text.encode("utf-8", "replace"))


def _utf8_words(data: bytes) -> bytes:
    if b"\xe2" in data:
        for sep in _E2_SEPARATORS:
            if sep in data:
                data = data.replace(sep, b" ")
    if b"\xc2" in data:
        for sep in _C2_SEPARATORS:
            if sep in data:
                data = data.replace(sep, b" ")
    # a dot that ends a sentence ("... and Python. We") is not part of the word before it
    return (data.translate(_BYTE_SPACE) + b" ").replace(b". ", b"  ")


def _alias_words(alias: str) -> tuple[bytes, ...]:
    return tuple(_words(clean_text(alias)).split())


class LegacySkillIndex:
    """Skills named in a text, as a set: the fast path of offer features (see above)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        # folded single words -> skill
        self._single: dict[bytes, Skill] = {}
        # longer aliases keyed by their first two words: [(" all words ", skill)], longest first
        self._multi: dict[tuple[bytes, bytes], list[tuple[bytes, Skill]]] = {}
        # exact-case aliases, keyed by their folded first word: [(words, skill, needs list)]
        self._exact: dict[bytes, list[tuple[tuple[bytes, ...], Skill, bool]]] = {}
        for entry in entries:
            skill = Skill(entry["name"], entry["category"])
            cased = list(entry.get("cased", []))
            listed = list(entry.get("listed", []))
            folded = list(entry.get("aliases", []))
            if skill.name not in cased and skill.name not in listed:
                folded.append(skill.name)
            for alias in folded:
                words = tuple(w.lower() for w in _alias_words(alias))
                if len(words) == 1:
                    self._single.setdefault(words[0], skill)
                elif words:
                    spelled = b" " + b" ".join(words) + b" "
                    self._multi.setdefault((words[0], words[1]), []).append((spelled, skill))
            for alias, needs_list in [*((a, False) for a in cased), *((a, True) for a in listed)]:
                words = _alias_words(alias)
                if words:
                    self._exact.setdefault(words[0].lower(), []).append((words, skill, needs_list))
        for aliases in self._multi.values():
            aliases.sort(key=lambda a: -len(a[0]))
        self._single_keys = frozenset(self._single)
        self._multi_keys = frozenset(self._multi)
        self._multi_firsts = frozenset(first for first, _ in self._multi)
        self._exact_keys = frozenset(self._exact)

    def scan(self, text: str) -> dict[str, Skill]:
        """Skills named in ``text``, by name (the longest of overlapping mentions wins)."""
        return self.scan_utf8(text.encode("utf-8", "replace"))

    def scan_utf8(self, data: bytes) -> dict[str, Skill]:
        """``scan`` of UTF-8 text."""
        raw = _utf8_words(data)
        folded = raw.lower()
        words = folded.split()
        present = set(words)
        found: dict[str, Skill] = {}
        inside: list[bytes] = []  # multi-word mentions found, to keep their words from counting alone
        if not present.isdisjoint(self._multi_firsts):
            padded = b" " + b" ".join(words) + b" "
            for key in set(pairwise(words)) & self._multi_keys:
                for spelled, skill in self._multi[key]:
                    if spelled in padded:
                        found[skill.name] = skill
                        inside.append(spelled)
                        break
        for word in present & self._single_keys:
            if inside and self._only_inside(word, words, inside):
                continue
            skill = self._single[word]
            found.setdefault(skill.name, skill)
        candidates = present & self._exact_keys
        if candidates:
            exact_words = set(raw.split())
            for first in candidates:
                for alias, skill, needs_list in self._exact[first]:
                    if skill.name in found or alias[0] not in exact_words:
                        continue
                    if len(alias) == 1 and inside and self._only_inside(first, words, inside):
                        continue
                    if _exact_mention(data, raw, alias, needs_list):
                        found[skill.name] = skill
        return found

    @staticmethod
    def _only_inside(word: bytes, words: list[bytes], inside: list[bytes]) -> bool:
        """True when every mention of ``word`` is part of a longer alias found ("React Native")."""
        within = [s for s in inside if b" " + word + b" " in s]
        if not within:
            return False
        padded = b" " + b" ".join(words) + b" "
        return sum(padded.count(s) for s in within) >= words.count(word)


def _exact_mention(data: bytes, raw: bytes, alias: tuple[bytes, ...], needs_list: bool) -> bool:
    """An exact-case alias whose first word is in the text: all its words, and a list if needed."""
    if len(alias) == 1 and not needs_list:
        return True
    if not needs_list:
        return (b" " + b" ".join(alias) + b" ") in b" " + b" ".join(raw.split()) + b" "
    text = data.decode("utf-8", "replace")
    return any(
        _legacy_in_list_context(text, m.start(), m.end()) for m in _listed_pattern(alias).finditer(text)
    )


def _legacy_in_list_context(text: str, start: int, end: int) -> bool:
    """An ambiguous word counts only inside a list: "Python, Go and SQL", "C • C++", a line of its own."""
    return _legacy_side_ok(text[:start][::-1], before=True) and _legacy_side_ok(text[end:], before=False)


def _legacy_side_ok(rest: str, *, before: bool) -> bool:
    stripped = rest.lstrip(" \t")
    if not stripped or stripped[0] in "\r\n":
        return True
    ch = stripped[0]
    if before and ch in _LIST_BEFORE:
        return True
    if not before and ch in _LIST_AFTER:
        return True
    if not before and ch == "." and (len(stripped) == 1 or stripped[1].isspace()):
        return True
    word = re.match(r"\w+", stripped)
    if word is None:
        return False
    token = word.group(0)[::-1] if before else word.group(0)
    return token.casefold() in _LIST_WORDS


@lru_cache(maxsize=256)
def _listed_pattern(alias: tuple[bytes, ...]) -> re.Pattern[str]:
    spelled = r"[\s\-]+".join(re.escape(w.decode("utf-8", "replace")) for w in alias)
    return re.compile(_LEFT + spelled + _RIGHT)


@lru_cache(maxsize=1)
def legacy_index() -> LegacySkillIndex:
    """The word-set index over the shared taxonomy (built once)."""
    return LegacySkillIndex(list(taxonomy_entries()))


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


def legacy_offer_features(offer: JobOffer) -> OfferFeatures:
    """Read skills (required vs nice to have), title words, seniority, places, pay and date."""
    matcher = default_matcher()
    index = legacy_index()
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
    tenths = {k: CATEGORY_TENTHS.get(c, CORE_TENTHS) for k, c in categories.items()}
    total = 2 * sum(tenths[k] for k in required) + sum(tenths[k] for k in nice)  # exact: integers
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
        weights={k: t / 10 for k, t in tenths.items()},
        skill_total=total / 10,
        title_tokens=_title_tokens(offer.title),
        families=_role_families(offer.title),
        seniority=_title_level(offer.title),
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
