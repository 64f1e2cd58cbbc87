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

from shared.domain.text import clean_text

_SEP = "\x00"  # trie token for "any run of spaces / line breaks / hyphens"
_LEFT = r"(?<![\w.+#])"  # not inside a word, a dotted name (Node.js) or C++/C#
_RIGHT = r"(?![\w+#]|\.\w)"
_LIST_BEFORE = set(",;|•·/(:[•▪◦*-–—")
_LIST_AFTER = set(",;|•·/):]•▪◦*")
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
    return re.sub(r"[\s\-]+", " ", clean_text(alias).casefold()).strip()


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
    """An ambiguous word counts only inside a list: "Python, Go and SQL", "C • C++", a line of its own."""
    return _side_ok(text[:start][::-1], before=True) and _side_ok(text[end:], before=False)


def _side_ok(rest: str, *, before: bool) -> bool:
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
