"""Word-bounded phrase rules read in one Aho-Corasick pass instead of one regex search per rule.

A rule is a regex alternation of phrases (``r"data scien\\w*|data analyst|back[- ]?end"``) that
must stand as whole words: nothing in ``boundary`` (besides word characters) right before or
after it. ``PhraseRules`` reads the same rules as ``re.search`` of
``(?<![\\w<boundary>])(?:<rule>)(?![\\w<boundary>])`` would, in one pass over the text:

- an alternative made of literal characters, character sets of literal characters, optional
  parts (``?``) and non-capturing groups of those expands to its finite set of phrases, found by
  one automaton and confirmed by looking at the character on either side; a leading or trailing
  ``\\w*`` ("analy\\w*") widens the phrase to its whole word, a ``\\b`` at either end is
  implied by the word boundaries, and leading look-behinds or trailing look-aheads
  ("(?<!level )designer") are matched at the phrase's ends;
- any other alternative (``\\w+``, repeats, a look-around inside) stays a regex, searched only
  when the text holds each of its mandatory literal parts ("head of", "engineering" in
  ``head of (?:\\w+ )?engineering``); one without a mandatory part is always searched.

So a rule matches exactly when its regex would (tests/unit/test_title_equivalence.py holds the
previous per-rule regexes as the oracle), and the cost is one automaton pass plus a few
character checks, whatever the number of rules.

Case-insensitive rules read a key of the text instead (``casefree_key``): lower case, with the
three characters that ``re.IGNORECASE`` equates with a pattern letter but ``str.lower`` does not
("İ", "ı", "ſ") mapped to it, one character for one so positions stay the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import product

import ahocorasick

_MAX_EXPANSIONS = 256
# What re.IGNORECASE equates with "i" and "s" that str.lower() leaves apart (or makes two
# characters of); tests/unit/test_phrase_rules.py checks every code point.
_CASE_FIXES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def casefree_key(text: str) -> str:
    """``text`` as a case-insensitive regex sees it: lower case, one character per character."""
    if text.isascii() or ("\u0130" not in text and "\u0131" not in text and "\u017f" not in text):
        return text.lower()
    return text.translate(_CASE_FIXES).lower()


# (phrases, widen left, widen right, look-behinds before, look-aheads after)
_Phrases = tuple[set[str], bool, bool, "re.Pattern[str] | None", "re.Pattern[str] | None"]
# (rule, widen left, widen right, look-behinds before, look-aheads after)
_Checked = tuple[int, bool, bool, "re.Pattern[str] | None", "re.Pattern[str] | None"]


# (checked rules, the bits of the regexes' mandatory parts a phrase stands for)
_Slow = tuple[tuple[_Checked, ...], int]
# (length, labels of the plain rules, the first plain rule, None or what needs more than a look)
_Entry = tuple[int, frozenset[str], int, "_Slow | None"]


class _Unsupported(Exception):
    """A part of a pattern that does not expand to a finite set of phrases."""


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth) of the pattern's characters outside escapes and sets."""
    depth, i, in_set = 0, start, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_set:
            in_set = c != "]"
        elif c == "[":
            in_set = True
            if pattern[i + 1 : i + 2] == "]":  # a "]" first in a set is literal
                i += 1
        else:
            depth += (c == "(") - (c == ")")
            yield i, c, depth
        i += 1


def _split_alternatives(pattern: str) -> list[str]:
    """Split ``pattern`` at its top-level ``|`` (outside groups and character sets)."""
    bars = [i for i, c, depth in _structure(pattern) if c == "|" and depth == 0]
    return [pattern[a + 1 : b] for a, b in zip([-1, *bars], [*bars, len(pattern)], strict=True)]


def _group_end(pattern: str, start: int) -> int:
    """Index just past the group opening at ``pattern[start] == "("``."""
    for i, c, depth in _structure(pattern, start):
        if c == ")" and depth == 0:
            return i + 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def _peel_lookarounds(alternative: str) -> tuple[str, str, str]:
    """(leading look-behinds, the rest, trailing look-aheads) of an alternative."""
    before = after = ""
    while alternative.startswith(("(?<!", "(?<=")):
        end = _group_end(alternative, 0)
        before, alternative = before + alternative[:end], alternative[end:]
    while alternative.endswith(")"):
        opening = [i for i, c, depth in _structure(alternative) if c == "(" and depth == 1]
        last = opening[-1] if opening else -1
        if last < 0 or _group_end(alternative, last) != len(alternative):
            break
        if not alternative.startswith(("(?!", "(?="), last):
            break
        after, alternative = alternative[last:] + after, alternative[:last]
    return before, alternative, after


# An item of an alternative: the strings it can match, or None when it has no finite set
# (a look-around, \w+, a repeat): such an item ends a run of expandable items.
_Item = frozenset[str] | None


def _items(pattern: str) -> list[_Item]:
    """The items of one alternative, in order, each with its ``?`` applied."""
    items: list[_Item] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        item: _Item
        if c == "\\":
            escaped = pattern[i + 1]
            item = None if escaped.isalnum() else frozenset({escaped})
            i += 2
        elif c == "[":
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            chars: set[str] = set()
            j = 0
            while j < len(body):
                if body[j] == "\\" and not body[j + 1].isalnum():
                    chars.add(body[j + 1])
                    j += 2
                elif body[j] in "\\^" or (body[j] == "-" and 0 < j < len(body) - 1):
                    chars = set()  # classes, negation and ranges: not expanded
                    break
                else:
                    chars.add(body[j])
                    j += 1
            item = frozenset(chars) or None
            i = end + 1
        elif c == "(":
            end = _group_end(pattern, i)
            if pattern.startswith("(?:", i):
                try:
                    item = frozenset(_expand(pattern[i + 3 : end - 1]))
                except _Unsupported:
                    item = None
            else:
                item = None  # look-arounds and capturing groups
            i = end
        elif c in ".^$":
            item = None
            i += 1
        else:
            item = frozenset({c})
            i += 1
        if i < len(pattern) and pattern[i] in "*+{":
            item = None
            i = pattern.index("}", i) + 1 if pattern[i] == "{" else i + 1
            if i < len(pattern) and pattern[i] in "?+":  # lazy or possessive
                i += 1
        elif i < len(pattern) and pattern[i] == "?":
            item = None if item is None else item | {""}
            i += 1
        items.append(item)
    return items


def _product(items: Sequence[frozenset[str]]) -> set[str]:
    count = 1
    for item in items:
        count *= len(item)
        if count > _MAX_EXPANSIONS:
            raise _Unsupported
    return {"".join(parts) for parts in product(*items)}


def _expand(pattern: str) -> set[str]:
    """Every string ``pattern`` matches, when that is a finite set; else ``_Unsupported``."""
    out: set[str] = set()
    for alternative in _split_alternatives(pattern):
        items = _items(alternative)
        if any(item is None for item in items):
            raise _Unsupported
        out |= _product([item for item in items if item is not None])
    return out


def _mandatory_parts(pattern: str) -> list[frozenset[str]]:
    """Runs of expandable items of an alternative: any match holds one string of each run."""
    parts: list[frozenset[str]] = []
    run: list[frozenset[str]] = []
    for item in [*_items(pattern), None]:
        if item is not None:
            run.append(item)
            continue
        try:
            strings = _product(run)
        except _Unsupported:
            strings = set()
        strings = {s.strip() for s in strings}
        if strings and "" not in strings:
            parts.append(frozenset(strings))
        run = []
    return parts


class PhraseRules:
    """Which of ``rules`` match a text, as word-bounded regex searches would tell (see above)."""

    def __init__(self, rules: Sequence[tuple[str, str]], boundary: str, *, ignore_case: bool = False) -> None:
        """``rules``: (label, pattern) pairs, in order; ``boundary``: what besides ``\\w`` bounds a phrase."""
        self._stops = boundary + "_"  # besides alphanumerics, what may not touch a phrase
        self._ignore_case = ignore_case
        self._labels = tuple(label for label, _ in rules)
        flags = re.IGNORECASE if ignore_case else 0
        esc = re.escape(boundary)
        plain: dict[str, list[int]] = {}  # phrase -> rules
        checked: dict[str, list[_Checked]] = {}  # phrase -> (rule, widen left, right, guards)
        anchors: dict[str, int] = {}  # mandatory part -> its bits (one per regex and part)
        regexes: list[tuple[int, re.Pattern[str], int]] = []  # (rule, regex, mandatory parts)
        bits = 0
        for rule, (_, pattern) in enumerate(rules):
            for alternative in _split_alternatives(pattern):
                phrases = self._phrases(alternative)
                if phrases is not None:
                    words, left, right, before, after = phrases
                    for phrase in words:
                        if left or right or before or after:
                            checked.setdefault(phrase, []).append((rule, left, right, before, after))
                        else:
                            plain.setdefault(phrase, []).append(rule)
                    continue
                parts = _mandatory_parts(alternative)
                regex = re.compile(rf"(?<![\w{esc}])(?:{alternative})(?![\w{esc}])", flags)
                needed = 0
                for strings in parts:
                    bit, bits = 1 << bits, bits + 1
                    needed |= bit
                    for string in strings:
                        anchor = casefree_key(string) if ignore_case else string
                        anchors[anchor] = anchors.get(anchor, 0) | bit
                regexes.append((rule, regex, needed))
        self._regexes = tuple(regexes)  # (rule, regex, the bits of its mandatory parts)
        self._always = any(needed == 0 for _, _, needed in regexes)
        # The ASCII characters that may touch a phrase: one set lookup for most characters
        # instead of ``isalnum()`` and a look in ``stops``.
        self._free = frozenset(c for c in map(chr, range(128)) if not c.isalnum() and c not in self._stops)
        # phrase -> (its length, the labels of its plain rules, the first of its plain rules, and
        # None, or (its checked rules, the regex parts it stands for) when it has either): most
        # phrases are plain, and a hit on one reads only the first three.
        self._entries: dict[str, _Entry] = {}
        none = len(self._labels)
        for key in plain.keys() | checked.keys() | anchors.keys():
            rules_ = plain.get(key, [])
            slow = None
            if key in checked or key in anchors:
                slow = (tuple(checked.get(key, ())), anchors.get(key, 0))
            labels = frozenset(self._labels[rule] for rule in rules_)
            self._entries[key] = (len(key), labels, min(rules_, default=none), slow)
        self._automaton = ahocorasick.Automaton()
        for key, entry in self._entries.items():
            self._automaton.add_word(key, entry)
        self._automaton.make_automaton()

    def _phrases(self, alternative: str) -> _Phrases | None:
        """The phrases of an expandable alternative, how they widen, and their look-arounds."""
        before, core, after = _peel_lookarounds(alternative)
        left = core.startswith(r"\w*")
        right = core.endswith(r"\w*") and not core.endswith(r"\\w*")
        if (before or after) and (left or right):
            return None
        core = core[3 if left else 0 : len(core) - 3 if right else None]
        bound_left, bound_right = core.startswith(r"\b"), core.endswith(r"\b") and not core.endswith(r"\\b")
        core = core[2 if bound_left else 0 : len(core) - 2 if bound_right else None]
        try:
            phrases = _expand(core)
        except _Unsupported:
            return None
        if "" in phrases:
            return None
        # A \b next to the word boundaries is implied only where the phrase has a word character.
        if (bound_left and (left or not all(_is_word(p[0]) for p in phrases))) or (
            bound_right and (right or not all(_is_word(p[-1]) for p in phrases))
        ):
            return None
        if self._ignore_case:
            phrases = {casefree_key(p) for p in phrases}
        flags = re.IGNORECASE if self._ignore_case else 0
        guards = tuple(re.compile(g, flags) if g else None for g in (before, after))
        return phrases, left, right, guards[0], guards[1]

    def matching(self, text: str, key: str | None = None) -> set[str]:
        """The labels of the rules that match ``text`` (``key``: ``casefree_key(text)`` if case-free)."""
        seen = text if key is None else key
        free, stops, labels = self._free, self._stops, self._labels
        last = len(seen) - 1
        found: set[str] = set()
        stand = 0  # the bits of the regexes' mandatory parts that stand in the text
        for end, (length, plain, _, slow) in self._automaton.iter(seen):
            if (
                plain
                # the characters either side of the phrase: none, or ones that may touch it
                and (
                    end < length
                    or (c := seen[end - length]) in free
                    or (c > "\x7f" and not c.isalnum() and c not in stops)
                )
                and (
                    end == last
                    or (c := seen[end + 1]) in free
                    or (c > "\x7f" and not c.isalnum() and c not in stops)
                )
            ):
                found |= plain
            if slow is not None:
                for rule in self._checked(text, seen, end, length, slow[0], stops):
                    found.add(labels[rule])
                stand |= slow[1]
        if stand or self._always:
            # The regexes whose mandatory parts all stand in the text (those with none always do).
            for rule, regex, needed in self._regexes:
                if stand & needed == needed and labels[rule] not in found and regex.search(text):
                    found.add(labels[rule])
        return found

    def first(self, text: str, key: str | None = None) -> str | None:
        """The label of the first rule that matches ``text``, or None."""
        seen = text if key is None else key
        free, stops, labels = self._free, self._stops, self._labels
        last = len(seen) - 1
        best = none = len(labels)
        stand = 0
        for end, (length, _, rule, slow) in self._automaton.iter(seen):
            if (
                rule < best
                # the characters either side of the phrase: none, or ones that may touch it
                and (
                    end < length
                    or (c := seen[end - length]) in free
                    or (c > "\x7f" and not c.isalnum() and c not in stops)
                )
                and (
                    end == last
                    or (c := seen[end + 1]) in free
                    or (c > "\x7f" and not c.isalnum() and c not in stops)
                )
            ):
                best = rule
            if slow is not None:
                for held in self._checked(text, seen, end, length, slow[0], stops):
                    best = min(best, held)
                stand |= slow[1]
        if stand or self._always:
            for rule, regex, needed in self._regexes:
                if stand & needed == needed and rule < best and regex.search(text):
                    best = rule
        return labels[best] if best < none else None

    @staticmethod
    def _checked(
        text: str, seen: str, end: int, length: int, checked: tuple[_Checked, ...], stops: str
    ) -> list[int]:
        """The checked rules of the phrase ending at ``end`` that hold there: widened, guarded."""
        size = len(seen)
        held = []
        for rule, left, right, guard_before, guard_after in checked:
            start, after = end - length + 1, end + 1
            if left:  # the phrase's whole word
                while start and (seen[start - 1].isalnum() or seen[start - 1] == "_"):
                    start -= 1
            if right:
                while after < size and (seen[after].isalnum() or seen[after] == "_"):
                    after += 1
            if (
                (not start or not (seen[start - 1].isalnum() or seen[start - 1] in stops))
                and (after == size or not (seen[after].isalnum() or seen[after] in stops))
                and (guard_before is None or guard_before.match(text, start))
                and (guard_after is None or guard_after.match(text, after))
            ):
                held.append(rule)
        return held


def _is_word(c: str) -> bool:
    """What ``\\w`` matches in a str pattern: alphanumerics and the underscore."""
    return c.isalnum() or c == "_"


class FirstAndMatching:
    """``first.first(text, key)`` and ``matching.matching(other)`` in one automaton pass.

    One automaton holds the phrases of both rule sets; it reads ``key`` alone when ``other`` is
    the same text (each hit then read for both sets), else ``key``, a line break, and ``other``
    (a hit before the break read for ``first``, after it for ``matching``). The break is not a
    word character and no set's boundary, so either side of it a phrase is bounded as at the
    text's ends; no phrase holds one, so none spans it. Checked phrases and regexes read each
    text on its own, as the two calls do.
    """

    _BREAK = "\n"

    def __init__(self, first: PhraseRules, matching: PhraseRules) -> None:
        """``first``: the rules whose first match is asked; ``matching``: those whose labels are."""
        for rules in (first, matching):
            if self._BREAK in rules._stops or any(self._BREAK in key for key in rules._entries):
                raise ValueError("a line break bounds no phrase here")
        self._first, self._matching = first, matching
        none_first = len(first._labels)
        no_labels: frozenset[str] = frozenset()
        self._automaton = ahocorasick.Automaton()
        for key in first._entries.keys() | matching._entries.keys():
            length = len(key)
            _, _, rule, first_slow = first._entries.get(key, (length, no_labels, none_first, None))
            _, labels, _, matching_slow = matching._entries.get(key, (length, no_labels, 0, None))
            self._automaton.add_word(key, (length, labels, rule, first_slow, matching_slow))
        self._automaton.make_automaton()

    def read(self, text: str, key: str, other: str) -> tuple[str | None, set[str]]:
        """(``first.first(text, key)``, ``matching.matching(other)``)."""
        first, matching = self._first, self._matching
        first_free, matching_free = first._free, matching._free
        if key == other:
            seen, first_to, matching_from = key, len(key), 0
        else:
            seen, first_to, matching_from = f"{key}{self._BREAK}{other}", len(key), len(key) + 1
        last = len(seen) - 1
        best = none = len(first._labels)
        found: set[str] = set()
        first_stand = matching_stand = 0
        for end, (length, labels, rule, first_slow, matching_slow) in self._automaton.iter(seen):
            if end < first_to:
                if (
                    rule < best
                    # the characters either side of the phrase: none, or ones that may touch it
                    and (
                        end < length
                        or (c := seen[end - length]) in first_free
                        or (c > "\x7f" and not c.isalnum() and c not in first._stops)
                    )
                    and (
                        end == last
                        or (c := seen[end + 1]) in first_free
                        or (c > "\x7f" and not c.isalnum() and c not in first._stops)
                    )
                ):
                    best = rule
                if first_slow is not None:
                    for held in first._checked(text, key, end, length, first_slow[0], first._stops):
                        best = min(best, held)
                    first_stand |= first_slow[1]
            if end >= matching_from:
                if (
                    labels
                    # the characters either side of the phrase: none, or ones that may touch it
                    and (
                        end < length
                        or (c := seen[end - length]) in matching_free
                        or (c > "\x7f" and not c.isalnum() and c not in matching._stops)
                    )
                    and (
                        end == last
                        or (c := seen[end + 1]) in matching_free
                        or (c > "\x7f" and not c.isalnum() and c not in matching._stops)
                    )
                ):
                    found |= labels
                if matching_slow is not None:
                    at, checked = end - matching_from, matching_slow[0]
                    for rule_ in matching._checked(other, other, at, length, checked, matching._stops):
                        found.add(matching._labels[rule_])
                    matching_stand |= matching_slow[1]
        if first_stand or first._always:
            for rule, regex, needed in first._regexes:
                if first_stand & needed == needed and rule < best and regex.search(text):
                    best = rule
        if matching_stand or matching._always:
            labels_ = matching._labels
            for rule, regex, needed in matching._regexes:
                if matching_stand & needed == needed and labels_[rule] not in found and regex.search(other):
                    found.add(labels_[rule])
        return (first._labels[best] if best < none else None), found
