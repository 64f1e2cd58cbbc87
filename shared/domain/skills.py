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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from typing import Any

from ahocorasick_rs import BytesAhoCorasick, Implementation

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
        if name.isascii():  # ``_key`` without the Unicode cleaning and the regex
            return self._canonical.get(" ".join(name.lower().replace("-", " ").split()))
        return self._canonical.get(_key(name))

    def canonical_all(self, names: list[str]) -> list[Skill | None]:
        """``canonical`` of each name, in order (an offer's tags), by plain lookups when they can.

        ``canonical``'s key of an ASCII name is the name lower-cased with hyphens as spaces when
        its words are then one space apart: one check of all the names joined, a lookup each.
        """
        joined = "\x00".join(names)
        if joined.isascii():
            keys = joined.lower().replace("-", " ")
            # no white space but single spaces between words, none at either end of a name
            if " ".join(keys.split()) == keys and " \x00" not in keys and "\x00 " not in keys:
                parts = keys.split("\x00")
                if len(parts) == len(names):  # no name holds the separator
                    return list(map(self._canonical.get, parts))
        return list(map(self.canonical, names))


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
# postings, not hit positions for evidence. ``SkillIndex`` reads text as words: UTF-8 bytes,
# ASCII punctuation, hyphens and Unicode dashes, bullets and odd spaces as spaces, ASCII case
# folded, a sentence-final dot not part of its word. That reading keeps every byte where it was
# (one ``bytes.translate`` and, when the text has any, a same-length substitution of the Unicode
# separators), so one pass of an Aho-Corasick automaton (ahocorasick_rs, a compiled DFA;
# decision 0091) over the whole description serves every part of it, and Python runs per hit,
# not per word or per byte. Patterns (each bounded by spaces, so a hit is a whole word):
#
# - " word " and " word. " for each single-word alias and each exact-case alias's first word;
# - " w1 w2 ... " and " w1 w2 .... " for each multi-word alias written with single spaces;
# - " w1  ", " w1. " and " w1 ." (and the same after each longer proper prefix) for the rarer
#   mentions whose words are apart by more than one space, a dot or a punctuation mark
#   ("Machine,\nlearning"): such a hit is checked by one anchored regex at its position.
#
# Same taxonomy and the same rules as ``SkillMatcher`` (a case-folded alias anywhere, an
# exact-case alias as a word, a "listed" alias only inside a list, the longest of overlapping
# mentions), so both read the same skills (tests/unit/test_skills.py::TestSkillIndex).

_BYTE_SPACE = bytes(b if (chr(b).isalnum() or chr(b) in "_.+#") or b >= 0x80 else 0x20 for b in range(256))
# The same, ASCII letters lower-cased: the folded reading in one translate.
_BYTE_SPACE_LOWER = bytes(c + 32 if 0x41 <= c <= 0x5A else c for c in _BYTE_SPACE)
# Unicode dashes, bullets, quotes and odd spaces separate words like ASCII punctuation does:
# U+2010-2026, U+202F, U+2009, U+2032, U+2033, U+2039, U+203A (E2 80 xx) and U+00A0, U+00AB,
# U+00AD, U+00B7, U+00BB (C2 xx).
# One pattern per lead byte: a literal start lets the regex engine skip to candidates quickly.
_E2_SEPARATORS = re.compile(rb"\xe2\x80[\x89\x90-\xa6\xaf\xb2\xb3\xb9\xba]")
_C2_SEPARATORS = re.compile(rb"\xc2[\xa0\xab\xad\xb7\xbb]")
_FIRST = itemgetter(0)
# Between two words of an alias: the first word's sentence dot, spaces, and lone dots (". ").
_GAP = rb"\.? +(?:\. +)*"


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


def folded_words(data: bytes) -> bytes:
    """UTF-8 ``data`` read as folded words, byte for byte: ``out[i + 1]`` is ``data[i]`` or a space.

    ASCII letters lower-cased; every byte that is not part of a word (ASCII punctuation and
    spaces, the Unicode separators above) a space; one space added at each end. A word keeps
    a sentence-final dot ("python. "): the automaton's patterns allow for it.
    """
    if b"\xe2\x80" in data:
        data = _E2_SEPARATORS.sub(b"   ", data)
    if b"\xc2" in data:
        data = _C2_SEPARATORS.sub(b"  ", data)
    return b" " + data.translate(_BYTE_SPACE_LOWER) + b" "


def _alias_words(alias: str) -> tuple[bytes, ...]:
    return tuple(_words(clean_text(alias)).split())


def _spelled(words: tuple[bytes, ...]) -> bytes:
    """Folded alias words as they read with single spaces: b" w1 w2 "."""
    return b" " + b" ".join(words) + b" "


@dataclass(frozen=True, eq=False, slots=True)
class _Alias:
    """A multi-word case-folded alias: its single-spaced spelling, skill and group (first words)."""

    spelled: bytes
    skill: Skill
    group: tuple[bytes, bytes]
    apart: re.Pattern[bytes]  # the alias at a hit's position, words apart by any gap
    words: frozenset[bytes]


class SkillIndex:
    """Skills named in a text, as a set: the fast path of offer features (see above)."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        # folded single-word aliases: word -> skill
        self._single: dict[bytes, Skill] = {}
        # longer aliases by their first two words, longest first
        self._multi: dict[tuple[bytes, bytes], list[_Alias]] = {}
        # exact-case aliases by their folded first word: [(words, skill, needs list)]
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
                    apart = re.compile(rb" " + _GAP.join(map(re.escape, words)) + rb"\.?(?= )")
                    group = (words[0], words[1])
                    spelled = _spelled(words)
                    # a second alias spelled the same (the name and an alias, or two skills)
                    # would never be reached: the first one found wins its group
                    if all(a.spelled != spelled for a in self._multi.get(group, ())):
                        self._multi.setdefault(group, []).append(
                            _Alias(spelled, skill, group, apart, frozenset(words))
                        )
            for alias, needs_list in [*((a, False) for a in cased), *((a, True) for a in listed)]:
                words = _alias_words(alias)
                if words:
                    self._exact.setdefault(words[0].lower(), []).append((words, skill, needs_list))
        for aliases in self._multi.values():
            aliases.sort(key=lambda a: -len(a.spelled))
        self._single_keys = frozenset(self._single)
        self._exact_keys = frozenset(self._exact)
        self._build_automaton()

    def _build_automaton(self) -> None:
        """Every pattern (see above) once, and what a hit on it means, by pattern number."""
        patterns: dict[bytes, int] = {}

        def pattern(text: bytes) -> int:
            return patterns.setdefault(text, len(patterns))

        word_of: dict[int, bytes] = {}  # " word " and " word. " -> word
        alias_of: dict[int, _Alias] = {}  # an alias written with single spaces
        after: dict[int, list[_Alias]] = {}  # a prefix followed by a wider gap -> aliases to check
        for word in sorted(self._single_keys | self._exact_keys):
            word_of[pattern(b" " + word + b" ")] = word
            word_of[pattern(b" " + word + b". ")] = word
        for aliases in self._multi.values():
            for alias in aliases:
                alias_of[pattern(alias.spelled)] = alias
                alias_of[pattern(alias.spelled[:-1] + b". ")] = alias
                words = alias.spelled.split()
                for n in range(1, len(words)):
                    prefix = b" " + b" ".join(words[:n])
                    # the usual wider gaps (", " and ". ") with the next word; any other gap
                    # (three or more spaces, a dot and two spaces, a lone dot) alone
                    for gap in (b"  " + words[n], b". " + words[n], b"   ", b".  ", b" ."):
                        checks = after.setdefault(pattern(prefix + gap), [])
                        if alias not in checks:
                            checks.append(alias)
        size = len(patterns)
        self._patterns: list[bytes] = list(patterns)  # by number (the compiled reader's input)
        self._word_of: list[bytes] = [word_of.get(i, b"") for i in range(size)]
        self._single_of: list[Skill | None] = [self._single.get(word_of.get(i, b"")) for i in range(size)]
        self._alias_of: list[_Alias | None] = [alias_of.get(i) for i in range(size)]
        self._after: list[tuple[_Alias, ...]] = [tuple(after.get(i, ())) for i in range(size)]
        self._single_ids = frozenset(i for i, w in word_of.items() if w in self._single)
        self._exact_ids = frozenset(i for i, w in word_of.items() if w in self._exact)
        self._alias_ids = frozenset(alias_of)
        self._after_ids = frozenset(after)
        # hits that need nothing but a lookup: single-word aliases that start no exact-case alias
        self._plain_ids = self._single_ids - self._exact_ids
        # Three patterns that never match (control bytes are spaces in a reading) give the
        # patterns more than three first bytes, which turns off the crate's first-byte
        # prefilter: with every pattern starting with a space it would stop at every word.
        never = [b"\x01\x01", b"\x02\x02", b"\x03\x03"]
        self._automaton = BytesAhoCorasick([*patterns, *never], implementation=Implementation.DFA)

    def scan(self, text: str) -> dict[str, Skill]:
        """Skills named in ``text``, by name (the longest of overlapping mentions wins)."""
        return self.scan_utf8(text.encode("utf-8", "replace"))

    def scan_utf8(self, data: bytes) -> dict[str, Skill]:
        """``scan`` of UTF-8 text."""
        words = folded_words(data)
        return self._read(data, words, self._automaton.find_matches_as_indexes(words, overlapping=True))

    def scan_parts(self, data: bytes, starts: list[int]) -> list[dict[str, Skill]]:
        """``scan_utf8`` of each part of ``data``, the parts cut at ``starts`` (line starts).

        Every cut but the first (0) must follow a line break, so that no word spans two parts.
        One reading of the whole text; the automaton runs over each part's stretch of it.
        """
        if any(start and data[start - 1] != 0x0A for start in starts) or (starts and starts[0]):
            raise ValueError("parts start at 0 and after line breaks")
        words = folded_words(data)
        if len(starts) == 1:
            return [self._read(data, words, self._automaton.find_matches_as_indexes(words, overlapping=True))]
        ends = [*starts[1:], len(data)]
        return [self.scan_part(data, words, start, end) for start, end in zip(starts, ends, strict=True)]

    def scan_part(self, data: bytes, words: bytes, start: int, end: int) -> dict[str, Skill]:
        """``scan_parts``'s reading of the part ``data[start:end]``; ``words``: ``folded_words(data)``."""
        # words[start] is the space before the part (a line break or the padding); the part
        # ends with a line break, words[end], or is the last one and ends with the padding
        stretch = words[start : end + 1 if end < len(data) else end + 2]
        hits = self._automaton.find_matches_as_indexes(stretch, overlapping=True)
        return self._read(data[start:end], stretch, hits)

    def _read(self, data: bytes, words: bytes, hits: list[tuple[int, int, int]]) -> dict[str, Skill]:
        """The skills of a text from the automaton's hits over its folded words (``words``).

        ``words[i + 1]`` is ``data[i]`` where ``data[i]`` is part of a word.
        """
        if not hits:
            return {}
        ids = set(map(_FIRST, hits))
        single_of = self._single_of
        if ids <= self._plain_ids:  # the usual part: single-word aliases only
            return {skill.name: skill for skill in map(single_of.__getitem__, ids) if skill is not None}
        found: dict[str, Skill] = {}
        alias_of = self._alias_of
        aliases = {alias_of[i] for i in ids & self._alias_ids}
        apart: set[tuple[_Alias, int]] = set()  # mentions with wider gaps: (alias, where)
        if not ids.isdisjoint(self._after_ids):
            after = self._after
            for i, at, _ in hits:
                for alias in after[i]:
                    if (alias, at) not in apart and alias.apart.match(words, at):
                        apart.add((alias, at))
                        aliases.add(alias)
        inside: list[_Alias] = []  # multi-word mentions found, to keep their words from counting alone
        within: frozenset[bytes] = frozenset()  # their words
        if aliases:
            multi = self._multi
            for group in {a.group for a in aliases if a is not None}:
                for alias in multi[group]:
                    if alias in aliases:
                        found[alias.skill.name] = alias.skill
                        inside.append(alias)
                        break
            within = within.union(*(a.words for a in inside))
        word_of = self._word_of

        def only_inside(word: bytes) -> bool:
            return word in within and self._only_inside(word, words, hits, inside, apart)

        for i in ids & self._single_ids:
            skill = single_of[i]
            if skill is None or only_inside(word_of[i]):
                continue
            found.setdefault(skill.name, skill)
        exact_ids = ids & self._exact_ids
        if exact_ids:
            cased: dict[bytes, list[int]] = {}  # original spelling -> where (words[at + 1] is data[at])
            for i, at, _ in hits:
                if i in exact_ids:
                    cased.setdefault(data[at : at + len(word_of[i])], []).append(at)
            exact = self._exact
            for first in {word_of[i] for i in exact_ids}:
                for spelling, skill, needs_list in exact[first]:
                    if skill.name in found or spelling[0] not in cased:
                        continue
                    if len(spelling) == 1 and only_inside(first):
                        continue
                    if _exact_mention(data, spelling, needs_list, cased[spelling[0]]):
                        found[skill.name] = skill
        return found

    def _only_inside(
        self,
        word: bytes,
        words: bytes,
        hits: list[tuple[int, int, int]],
        inside: list[_Alias],
        apart: set[tuple[_Alias, int]],
    ) -> bool:
        """True when every mention of ``word`` is part of a longer alias found ("React Native").

        As the word-list reading counted it: the mentions of each such alias in the words
        joined by single spaces, without overlaps (two mentions back to back share a space,
        so the second does not count). That needs the joined words only when an alias is
        mentioned more than once; otherwise the automaton's hits give the counts.
        """
        within = [a for a in inside if word in a.words]
        if not within:
            return False
        word_of, alias_of = self._word_of, self._alias_of
        mentions = sum(1 for i, _, _ in hits if word_of[i] == word)
        counts = [sum(1 for i, _, _ in hits if alias_of[i] is a) for a in within]
        counts = [n + sum(1 for b, _ in apart if b is a) for n, a in zip(counts, within, strict=True)]
        if max(counts) > 1:
            padded = b" " + b" ".join(words.replace(b". ", b"  ").split()) + b" "
            counts = [padded.count(a.spelled) for a in within]
        return sum(counts) >= mentions


def _exact_mention(data: bytes, alias: tuple[bytes, ...], needs_list: bool, words_at: list[int]) -> bool:
    """An exact-case alias whose first word is in the text: all its words, and a list if needed.

    ``words_at``: where the first word is a word of the reading (every such place).
    """
    if len(alias) == 1 and not needs_list:
        return True
    if not needs_list:
        spaced = b" " + b" ".join(_utf8_words(data).split()) + b" "
        return (b" " + b" ".join(alias) + b" ") in spaced
    if len(alias) == 1 and alias[0].isascii():
        return _listed_utf8(data, alias[0], words_at)
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


def _listed_utf8(data: bytes, word: bytes, words_at: Iterable[int] = ()) -> bool:
    """``_listed_word`` of UTF-8 ``data`` and an ASCII ``word``, decoding only the lines it is on.

    The list context of a word never reaches past its line, so each candidate is judged on its
    line alone; the characters next to it are decoded one at a time. ``words_at`` are the
    places where ``word`` is a whole word of the reading (all of them, or none given): in ASCII
    text they are the only candidates of ``_listed_word`` that can be in a list (another
    mention has a dot, a letter or a digit beside it), so only they are judged.
    """
    n = len(word)
    words_at = list(words_at)
    if words_at and data.isascii():
        return any(_ascii_list_context(data, at, at + n) for at in words_at)
    at = data.find(word)
    while at != -1:
        end = at + n
        before, after = _char_before(data, at), _char_after(data, end)
        following = _char_after(data, end + 1) if after == "." else ""
        if before is None or after is None or following is None:  # not UTF-8: decode it all
            return _listed_word(data.decode("utf-8", "replace"), word.decode())
        if (
            not (before and (_is_word(before) or before in ".+#"))
            and not (after and (_is_word(after) or after in "+#"))
            and not (following and _is_word(following))
        ):
            if _list_context_at(data, at, end):
                return True
            at = data.find(word, end)
        else:
            at = data.find(word, at + 1)
    return False


def _list_context_at(data: bytes, start: int, end: int) -> bool:
    """``_in_list_context`` of UTF-8 ``data``: on its bytes, or on its line decoded if need be."""
    listed = _ascii_list_context(data, start, end)
    if listed is None:  # a character around it is not ASCII: read its line as text
        first = data.rfind(b"\n", 0, start) + 1
        stop = data.find(b"\n", end)
        line = data[first : len(data) if stop == -1 else stop].decode("utf-8", "replace")
        offset = len(data[first:start].decode("utf-8", "replace"))
        listed = _in_list_context(line, offset, offset + end - start)
    return listed


_ASCII_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_ASCII_LIST_BEFORE = frozenset(ord(c) for c in _LIST_BEFORE if c.isascii())
_ASCII_LIST_AFTER = frozenset(ord(c) for c in _LIST_AFTER if c.isascii())
_ASCII_SPACE = frozenset(b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")
_LIST_WORDS_BYTES = frozenset(w.encode() for w in _LIST_WORDS)


def _ascii_list_context(data: bytes, start: int, end: int) -> bool | None:
    """``_in_list_context`` of UTF-8 ``data`` read as bytes; None when it would read past ASCII."""
    at = start
    while at and data[at - 1] in b" \t":
        at -= 1
    if at and data[at - 1] not in b"\r\n" and data[at - 1] not in _ASCII_LIST_BEFORE:
        if data[at - 1] >= 0x80:
            return None
        word = at
        while word and data[word - 1] in _ASCII_WORD:
            word -= 1
        if word and data[word - 1] >= 0x80:
            return None
        if not (word < at and data[word:at].lower() in _LIST_WORDS_BYTES):
            return False
    size, at = len(data), end
    while at < size and data[at] in b" \t":
        at += 1
    if at == size or data[at] in b"\r\n" or data[at] in _ASCII_LIST_AFTER:
        return True
    if data[at] >= 0x80:
        return None
    if data[at] == 0x2E:  # "."
        if at + 1 == size or data[at + 1] in _ASCII_SPACE:
            return True
        if data[at + 1] >= 0x80:
            return None
    word = at
    while word < size and data[word] in _ASCII_WORD:
        word += 1
    if word < size and data[word] >= 0x80:
        return None
    return at < word and data[at:word].lower() in _LIST_WORDS_BYTES


def _char_before(data: bytes, at: int) -> str | None:
    """The character that ends at byte ``at`` ("" at the start), None if that is not UTF-8."""
    if not at:
        return ""
    if data[at - 1] < 0x80:
        return chr(data[at - 1])
    start = at - 1
    while start > 0 and at - start < 4 and 0x80 <= data[start] < 0xC0:
        start -= 1
    try:
        return data[start:at].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _char_after(data: bytes, at: int) -> str | None:
    """The character that starts at byte ``at`` ("" at the end), None if that is not UTF-8."""
    if at >= len(data):
        return ""
    lead = data[at]
    if lead < 0x80:
        return chr(lead)
    size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    try:
        return data[at : at + size].decode("utf-8")
    except UnicodeDecodeError:
        return None


@lru_cache(maxsize=256)
def _listed_pattern(alias: tuple[bytes, ...]) -> re.Pattern[str]:
    spelled = r"[\s\-]+".join(re.escape(w.decode("utf-8", "replace")) for w in alias)
    return re.compile(_LEFT + spelled + _RIGHT)


@lru_cache(maxsize=1)
def default_index() -> SkillIndex:
    """The process-wide skill index over the shared taxonomy (built on first use)."""
    return SkillIndex(list(taxonomy_entries()))
