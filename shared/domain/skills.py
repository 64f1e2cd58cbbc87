"""The skill taxonomy and a deterministic skill finder (shared by profiles and matching).

The taxonomy lives in ``shared/data/skills.json`` (canonical name, category, aliases). Public API:

- ``find_skills(text) -> list[SkillHit]``: every skill mention, in text order, with its span;
- ``skill_names(text) -> list[str]``: the canonical names found, first mention first, unique;
- ``canonical(name) -> Skill | None``: map any spelling ("k8s", "Postgres") to its skill;
- ``evidence_for(text, hit)``: the line around a hit, whitespace collapsed, as a quote.

Matching rules (see ``skills.json``'s ``about``): aliases match case-insensitively on word
boundaries, except ambiguous short words ("Go", "R", "C", "Spring") which need their exact
capitalisation and, for the most ambiguous, list context ("Python, Go and SQL", a bullet, a line
of their own). Spaces and hyphens inside an alias match any run of spaces, line breaks or hyphens,
so "Spring\\nBoot" and "test-driven development" are found. One compiled regex per case mode,
built from a character trie, keeps a scan linear in the text length.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick

from shared.domain.text import clean_text

_SEP = "\x00"  # trie token for "any run of spaces / line breaks / hyphens"
_LEFT = r"(?<![\w.+#])"  # not inside a word, a dotted name (Node.js) or C++/C#
_RIGHT = r"(?![\w+#]|\.\w)"
_LIST_BEFORE = set(",;|•·/(:[•▪◦*-–—")
_LIST_AFTER = set(",;|•·/):]•▪◦*")
_KEY_SEPARATORS = re.compile(r"[\s\-]+")
_LIST_WORDS = {"and", "or", "in", "with", "using", "y", "o", "en", "con", "of"}


@dataclass(frozen=True)
class Skill:
    """A taxonomy entry."""

    name: str
    category: str


@dataclass(frozen=True)
class SkillHit:
    """One mention of a skill: ``text[start:end] == surface``."""

    name: str
    category: str
    start: int
    end: int
    surface: str


def _key(alias: str) -> str:
    """Lookup key of an alias or a matched surface: lower case, separators collapsed."""
    return _KEY_SEPARATORS.sub(" ", clean_text(alias).casefold()).strip()


def _tokens(alias: str) -> list[str]:
    out: list[str] = []
    for ch in alias.strip():
        if ch in " -":
            if out and out[-1] != _SEP:
                out.append(_SEP)
        else:
            out.append(ch)
    return out


def _trie_regex(aliases: list[str], *, fold: bool) -> str:
    """A regex alternation equivalent to ``aliases`` but shaped as a trie (longest first)."""
    trie: dict[str, Any] = {}
    for alias in aliases:
        node = trie
        for tok in _tokens(alias.casefold() if fold else alias):
            node = node.setdefault(tok, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [
            (r"[\s\-]+" if tok == _SEP else re.escape(tok)) + emit(child)
            for tok, child in sorted(node.items(), key=lambda kv: kv[0])
            if tok != ""
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if ends else body

    return emit(trie)


class SkillMatcher:
    """Finds taxonomy skills in free text. Build once (``default_matcher()``); thread-safe to use."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self._folded: dict[str, Skill] = {}
        self._exact: dict[str, tuple[Skill, bool]] = {}  # surface -> (skill, needs list context)
        self.skills: tuple[Skill, ...] = tuple(Skill(e["name"], e["category"]) for e in entries)
        for entry, skill in zip(entries, self.skills, strict=True):
            cased = list(entry.get("cased", []))
            listed = list(entry.get("listed", []))
            folded = list(entry.get("aliases", []))
            if skill.name not in cased and skill.name not in listed:
                folded.append(skill.name)
            for alias in folded:
                self._folded.setdefault(_key(alias), skill)
            for alias in cased:
                self._exact.setdefault(alias, (skill, False))
            for alias in listed:
                self._exact.setdefault(alias, (skill, True))
        by_name = {_key(s.name): s for s in self.skills}
        self._canonical = {**self._folded, **{_key(a): s for a, (s, _) in self._exact.items()}, **by_name}
        self._folded_re = re.compile(
            _LEFT + "(" + _trie_regex(list(self._folded), fold=True) + ")" + _RIGHT, re.IGNORECASE
        )
        self._exact_re = re.compile(_LEFT + "(" + _trie_regex(list(self._exact), fold=False) + ")" + _RIGHT)

    def find_skills(self, text: str) -> list[SkillHit]:
        """Every skill mention in ``text``, in order; overlapping mentions keep the longest."""
        clean = clean_text(text)
        hits: list[SkillHit] = []
        for m in self._folded_re.finditer(clean):
            skill = self._folded.get(_key(m.group(1)))
            if skill is not None:
                hits.append(
                    SkillHit(skill.name, skill.category, m.start(1), m.end(1), text[m.start(1) : m.end(1)])
                )
        for m in self._exact_re.finditer(clean):
            found = self._exact.get(m.group(1))
            if found is None:
                continue
            skill, needs_list = found
            if needs_list and not _in_list_context(clean, m.start(1), m.end(1)):
                continue
            hits.append(
                SkillHit(skill.name, skill.category, m.start(1), m.end(1), text[m.start(1) : m.end(1)])
            )
        hits.sort(key=lambda h: (h.start, -(h.end - h.start), h.name))
        kept: list[SkillHit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        return kept

    def skill_names(self, text: str) -> list[str]:
        """Canonical names found in ``text``, unique, in order of first mention."""
        return list(dict.fromkeys(h.name for h in self.find_skills(text)))

    def canonical(self, name: str) -> Skill | None:
        """The taxonomy skill for any known spelling of ``name`` (case-insensitive), else None."""
        return self._canonical.get(_key(name))


def _in_list_context(text: str, start: int, end: int) -> bool:
    """An ambiguous word counts only inside a list: "Python, Go and SQL", "C • C++", a line of its own.

    Reads outwards from the word, a character at a time: no copy of the text on either side.
    """
    return _before_ok(text, start) and _after_ok(text, end)


def _before_ok(text: str, at: int) -> bool:
    while at and text[at - 1] in " \t":
        at -= 1
    if not at or text[at - 1] in "\r\n" or text[at - 1] in _LIST_BEFORE:
        return True
    start = at
    while start and _is_word(text[start - 1]):
        start -= 1
    return start < at and text[start:at].casefold() in _LIST_WORDS


def _after_ok(text: str, at: int) -> bool:
    size = len(text)
    while at < size and text[at] in " \t":
        at += 1
    if at == size or text[at] in "\r\n" or text[at] in _LIST_AFTER:
        return True
    if text[at] == "." and (at + 1 == size or text[at + 1].isspace()):
        return True
    end = at
    while end < size and _is_word(text[end]):
        end += 1
    return at < end and text[at:end].casefold() in _LIST_WORDS


def evidence_for(text: str, hit: SkillHit, *, limit: int = 200) -> str:
    """The line(s) holding ``hit``, whitespace collapsed and cut to ``limit`` around the hit."""
    line_start = text.rfind("\n", 0, hit.start) + 1
    line_end = text.find("\n", hit.end)
    line_end = len(text) if line_end == -1 else line_end
    if line_end - line_start > limit:
        half = (limit - (hit.end - hit.start)) // 2
        line_start = max(line_start, hit.start - max(half, 0))
        line_end = min(line_end, line_start + limit)
    return " ".join(clean_text(text[line_start:line_end]).split())


@lru_cache(maxsize=1)
def taxonomy_entries() -> tuple[dict[str, Any], ...]:
    """The raw entries of ``shared/data/skills.json``."""
    raw = resources.files("shared").joinpath("data/skills.json").read_text(encoding="utf-8")
    return tuple(json.loads(raw)["skills"])


@lru_cache(maxsize=1)
def default_matcher() -> SkillMatcher:
    """The process-wide matcher over the shared taxonomy (built on first use)."""
    return SkillMatcher(list(taxonomy_entries()))


def find_skills(text: str) -> list[SkillHit]:
    """Every taxonomy skill mentioned in ``text`` (see ``SkillMatcher.find_skills``)."""
    return default_matcher().find_skills(text)


def skill_names(text: str) -> list[str]:
    """Canonical skill names in ``text``, unique, first mention first."""
    return default_matcher().skill_names(text)


def canonical(name: str) -> Skill | None:
    """The taxonomy skill for a spelling such as "k8s" or "Postgres", else None."""
    return default_matcher().canonical(name)


# --- Skill scanning for offer features: an Aho-Corasick automaton over words -----------------
#
# Offer features need the set of skills in each part of a posting, for hundreds of thousands of
# postings, not hit positions for evidence. ``SkillIndex`` reads text as words (UTF-8 bytes,
# punctuation and hyphens as spaces, ASCII case folded, a sentence-final dot dropped, one space
# between words) and runs one Aho-Corasick automaton (pyahocorasick, decision 0112) over it:
# every alias is a pattern " word word ", so a hit is a whole-word mention and the scan is one
# C-level pass whatever the size of the taxonomy. Python runs per hit, not per word.
# Same taxonomy and the same rules as ``SkillMatcher`` (a case-folded alias anywhere, an
# exact-case alias as a word, a "listed" alias only inside a list, the longest of overlapping
# mentions), so both read the same skills (tests/unit/test_skills.py::TestSkillIndex).

_BYTE_SPACE = bytes(b if (chr(b).isalnum() or chr(b) in "_.+#") or b >= 0x80 else 0x20 for b in range(256))
# Unicode dashes, bullets, quotes and odd spaces separate words like ASCII punctuation does:
# U+2010-2026, U+202F, U+2009, U+2032, U+2033, U+2039, U+203A (E2 80 xx) and U+00A0, U+00AB,
# U+00AD, U+00B7, U+00BB (C2 xx).
# One pattern per lead byte: a literal start lets the regex engine skip to candidates quickly.
_E2_SEPARATORS = re.compile(rb"\xe2\x80[\x89\x90-\xa6\xaf\xb2\xb3\xb9\xba]")
_C2_SEPARATORS = re.compile(rb"\xc2[\xa0\xab\xad\xb7\xbb]")


def _words(text: str) -> bytes:
    """``text`` as space-separated words (original case), see above."""
    return _utf8_words(text.encode("utf-8", "replace"))


def _utf8_words(data: bytes) -> bytes:
    if b"\xe2\x80" in data:
        data = _E2_SEPARATORS.sub(b" ", data)
    if b"\xc2" in data:
        data = _C2_SEPARATORS.sub(b" ", data)
    # a dot that ends a sentence ("... and Python. We") is not part of the word before it
    return (data.translate(_BYTE_SPACE) + b" ").replace(b". ", b"  ")


def _alias_words(alias: str) -> tuple[bytes, ...]:
    return tuple(_words(clean_text(alias)).split())


def _pattern(words: tuple[bytes, ...]) -> str:
    """The automaton key of folded alias words: " w1 w2 " (UTF-8 bytes read as Latin-1)."""
    return (b" " + b" ".join(words) + b" ").decode("latin-1")


class SkillIndex:
    """Skills named in a text, as a set: the fast path of offer features (see above)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        # folded single-word aliases: " word " -> skill
        self._single: dict[str, Skill] = {}
        # longer aliases by their first two words: [(" all words ", skill)], longest first
        self._multi: dict[tuple[bytes, bytes], list[tuple[str, Skill]]] = {}
        self._multi_key: dict[str, tuple[bytes, bytes]] = {}  # " all words " -> first two words
        # exact-case aliases by their folded first word " word ": [(words, skill, needs list)]
        self._exact: dict[str, list[tuple[tuple[bytes, ...], Skill, bool]]] = {}
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
                    self._single.setdefault(_pattern(words), skill)
                elif words:
                    spelled = _pattern(words)
                    self._multi.setdefault((words[0], words[1]), []).append((spelled, skill))
                    self._multi_key[spelled] = (words[0], words[1])
            for alias, needs_list in [*((a, False) for a in cased), *((a, True) for a in listed)]:
                words = _alias_words(alias)
                if words:
                    first = _pattern((words[0].lower(),))
                    self._exact.setdefault(first, []).append((words, skill, needs_list))
        for aliases in self._multi.values():
            aliases.sort(key=lambda a: -len(a[0]))
        self._automaton = ahocorasick.Automaton()
        for key in {*self._single, *self._multi_key, *self._exact}:
            self._automaton.add_word(key, key)
        self._automaton.make_automaton()

    def scan(self, text: str) -> dict[str, Skill]:
        """Skills named in ``text``, by name (the longest of overlapping mentions wins)."""
        return self.scan_utf8(text.encode("utf-8", "replace"))

    def scan_utf8(self, data: bytes) -> dict[str, Skill]:
        """``scan`` of UTF-8 text."""
        spaced = b" " + b" ".join(_utf8_words(data).split()) + b" "  # one space between words
        padded = spaced.lower()
        counts: dict[str, int] = {}  # pattern -> mentions
        cased: set[bytes] = set()  # original spelling of the words that start an exact-case alias
        exact = self._exact
        for end, key in self._automaton.iter(padded.decode("latin-1")):
            counts[key] = counts.get(key, 0) + 1
            if key in exact:
                cased.add(spaced[end - len(key) + 2 : end])
        found: dict[str, Skill] = {}
        inside: list[str] = []  # multi-word mentions found, to keep their words from counting alone
        keys = {self._multi_key[k] for k in counts if k in self._multi_key}
        for key in keys:
            for spelled, skill in self._multi[key]:
                if spelled in counts:
                    found[skill.name] = skill
                    inside.append(spelled)
                    break
        for key in counts:
            single = self._single.get(key)
            if single is None or (inside and _only_inside(key, counts[key], padded, inside)):
                continue
            found.setdefault(single.name, single)
        for first in counts.keys() & exact.keys():
            for alias, skill, needs_list in exact[first]:
                if skill.name in found or alias[0] not in cased:
                    continue
                if len(alias) == 1 and inside and _only_inside(first, counts[first], padded, inside):
                    continue
                if _exact_mention(data, spaced, alias, needs_list):
                    found[skill.name] = skill
        return found


def _only_inside(word: str, mentions: int, padded: bytes, inside: list[str]) -> bool:
    """True when every mention of ``word`` (" word ") is part of a longer alias found ("React Native")."""
    within = [s for s in inside if word in s]
    if not within:
        return False
    return sum(padded.count(s.encode("latin-1")) for s in within) >= mentions


def _exact_mention(data: bytes, spaced: bytes, alias: tuple[bytes, ...], needs_list: bool) -> bool:
    """An exact-case alias whose first word is in the text: all its words, and a list if needed."""
    if len(alias) == 1 and not needs_list:
        return True
    if not needs_list:
        return (b" " + b" ".join(alias) + b" ") in spaced
    text = data.decode("utf-8", "replace")
    if len(alias) == 1:
        return _listed_word(text, alias[0].decode("utf-8", "replace"))
    return any(_in_list_context(text, m.start(), m.end()) for m in _listed_pattern(alias).finditer(text))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what ``\w`` matches in a str pattern


def _listed_word(text: str, word: str) -> bool:
    """``_LEFT + word + _RIGHT`` found in a list, as ``re.finditer`` would find it, by ``str.find``."""
    at, size, n = text.find(word), len(text), len(word)
    while at != -1:
        end = at + n
        before = text[at - 1] if at else ""
        after = text[end] if end < size else ""
        if (
            not (before and (_is_word(before) or before in ".+#"))
            and not (after and (_is_word(after) or after in "+#"))
            and not (after == "." and end + 1 < size and _is_word(text[end + 1]))
        ):
            if _in_list_context(text, at, end):
                return True
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)
    return False


@lru_cache(maxsize=256)
def _listed_pattern(alias: tuple[bytes, ...]) -> re.Pattern[str]:
    spelled = r"[\s\-]+".join(re.escape(w.decode("utf-8", "replace")) for w in alias)
    return re.compile(_LEFT + spelled + _RIGHT)


@lru_cache(maxsize=1)
def default_index() -> SkillIndex:
    """The process-wide skill index over the shared taxonomy (built on first use)."""
    return SkillIndex(list(taxonomy_entries()))
