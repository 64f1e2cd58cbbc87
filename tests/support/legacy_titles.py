"""The title readings as they were before decision 0113, kept as an oracle.

One regex search per rule over the same vocabulary (``shared.domain.titles``: the level rules,
the family rules, the synonyms) and the gender-tag regex as first written, where production
reads all rules in one automaton pass (``shared.domain.phrase_rules``).
``tests/unit/test_title_equivalence.py`` checks that both read every title the same, and
``bench/matching.py`` times both side by side. Not used by production code.
"""

from __future__ import annotations

import re
import unicodedata

from shared.domain.matching.features import _DROP, _SYNONYMS, _TOKEN
from shared.domain.titles import _EXCLUSIVE, _FAMILY_RULES, _RULES, _SUBSUMED, SYNONYMS

# "(m/w/d)", "(w/m/d)", "(m/f/x)", "(all genders)", "m/w/d" without brackets, as first written.
GENDER_TAG = re.compile(
    r"\(\s*(?:[mwfdxhi*]\s*[/|,]\s*){1,3}[mwfdxhi*]\s*\)|(?<!\w)(?:[mwfdx]\s*/\s*){2}[mwfdx](?!\w)|"
    r"\(\s*(?:all genders?|alle geschlechter|gn\*?|w\*m\*d|d\*m\*w)\s*\)",
    re.IGNORECASE,
)

_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)) for level, words in _RULES
)
_FAMILY_COMPILED = tuple(
    (family, re.compile(rf"(?<![\w+#])(?:{words})(?![\w+#])")) for family, words in _FAMILY_RULES
)
_SEPARATORS = re.compile(r"[\s,;:|()\[\]!?\"'–—]+")


def strip_gender_tags(title: str) -> str:
    """``"Entwickler (m/w/d)"`` -> ``"Entwickler"``: gender tags say nothing about the role."""
    if "(" in title or "/" in title:  # every gender tag has one
        title = GENDER_TAG.sub(" ", title)
    return " ".join(title.split())


def title_level(title: str) -> str | None:
    """The seniority a title states ("Senior ...", "... Intern", "Director of ..."), or None."""
    text = strip_gender_tags(title)
    for level, pattern in _COMPILED:
        if pattern.search(text):
            return level
    return None


def fold_title(title: str) -> str:
    """Lower case, accents folded, gender tags dropped, synonyms mapped, one space between words."""
    text = strip_gender_tags(title).casefold()
    if not text.isascii():  # ASCII has no accents to fold
        folded = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in folded if not unicodedata.combining(c) or c == "\u0308")
        text = unicodedata.normalize("NFC", text)
    words: list[str] = []
    for word in _SEPARATORS.split(text):
        if not word:
            continue
        parts = word.split("-") if "-" in word and word not in SYNONYMS else [word]
        for part in parts:
            words.append(SYNONYMS.get(part, part) if part else part)
    return " ".join(w for w in words if w)


def folded_title_families(text: str) -> frozenset[str]:
    """``role_families`` of a title already passed through ``fold_title``."""
    found = {family for family, pattern in _FAMILY_COMPILED if pattern.search(text)}
    for exclusive in _EXCLUSIVE:
        if exclusive in found:
            return frozenset({exclusive})
    if "frontend" in found and "backend" in found:
        found -= {"frontend", "backend"}  # "Python Django and Vue.js" is both ends: full stack
        found.add("fullstack")
    for generic, specific in _SUBSUMED.items():
        if generic in found and any(s in found for s in specific):
            found.discard(generic)
    return frozenset(found)


def role_families(title: str) -> frozenset[str]:
    """The role families a job title belongs to (empty when it names none we know)."""
    return folded_title_families(fold_title(title))


def folded_title_tokens(text: str) -> frozenset[str]:
    """``title_tokens`` of a title already passed through ``fold_title``."""
    if not text.isascii():  # ASCII has no accents to drop
        folded = unicodedata.normalize("NFKD", text)
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


def title_tokens(title: str) -> frozenset[str]:
    """Role words of a title: folded (gender tags, KI, Entwickler), synonyms mapped, seniority dropped."""
    return folded_title_tokens(fold_title(title))
