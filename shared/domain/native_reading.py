"""The compiled reading of offer descriptions (decision 0092), used when the extension is built.

``shared/domain/_wordscan.c`` reads a whole description in one call: the folded words, the
section headers, one automaton pass, and the rules of ``SkillIndex._read`` for each part. It
is given the tables ``SkillIndex`` already builds (nothing about skills is written twice);
where a rule needs what only the Python reading does (a listed word such as "Go" in a part
with non-ASCII text, an alias mentioned twice beside one of its words), it hands that part
back and ``DescriptionReader.read`` reads it with ``SkillIndex.scan_part``. Without the
extension (an install without a C compiler) ``description_reader`` returns None and offer
features use the Python reading, which gives the same features.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias, cast

from shared.domain import skills as _skills
from shared.domain.skills import Skill, SkillIndex, folded_words

try:
    from shared.domain import _wordscan as _native
except ImportError:  # built without a compiler: the Python reading serves
    _native = None  # type: ignore[assignment]

# An offer's skill fields: required and nice-to-have folded names, (folded, name) pairs in order,
# folded name -> weight, the total (see ``offer_features``).
SkillFields: TypeAlias = tuple[
    frozenset[str], frozenset[str], tuple[tuple[str, str], ...], dict[str, float], float
]

# What a pattern means, as bits (the C side's K_SINGLE, K_EXACT, K_ALIAS, K_AFTER).
_SINGLE, _EXACT, _ALIAS, _AFTER = 1, 2, 4, 8


def native_available() -> bool:
    """True when the compiled reader is built and importable."""
    return _native is not None


class DescriptionReader:
    """A description's parts, each with whether it is nice-to-have text and the skills it names."""

    def __init__(self, index: SkillIndex, reader: _native.Reader, skills: tuple[Skill, ...]) -> None:
        self._index = index
        self._reader = reader
        self._number = {skill.name: n for n, skill in enumerate(skills)}  # the reader's skill numbers

    def read(self, text: str) -> list[tuple[bool, Iterable[Skill]]]:
        """The parts of ``text`` (as ``part_starts`` cuts it), in order: (is nice, skills)."""
        parts = self._reader.read(text)
        if all(skills is not None for _, skills, _, _ in parts):
            return [(nice, skills or ()) for nice, skills, _, _ in parts]
        data = text.encode("utf-8", "replace")
        words = folded_words(data)
        return [
            (nice, skills if skills is not None else self._index.scan_part(data, words, start, end).values())
            for nice, skills, start, end in parts
        ]

    def count_skills(self, counted: Mapping[str, tuple[str, int]], no_skills: frozenset[str]) -> None:
        """Tell the reader what offer features count (once): skill name -> (folded name, tenths).

        A skill not in ``counted`` is read but not counted (soft skills); ``no_skills`` is the
        empty set the fields share when an offer has no nice-to-have skill.
        """
        names = list(self._number)
        folded = tuple(counted[n][0] if n in counted else n.casefold() for n in names)
        rank = [0] * len(names)
        for place, n in enumerate(sorted(range(len(names)), key=lambda i: (folded[i], names[i]))):
            rank[n] = place
        tenths = [counted[n][1] if n in counted else -1 for n in names]
        self._reader.set_features(
            tenths,
            rank,
            folded,
            tuple(zip(folded, names, strict=True)),
            tuple(max(t, 0) / 10 for t in tenths),
            no_skills,
        )

    def offer_skills(self, description: str, title: str, tags: Iterable[Skill]) -> SkillFields | None:
        """An offer's skill fields, as ``offer_features`` counts them, or None to read it in Python.

        The description's parts (nice-to-have text apart), a one-line ``title`` and the skills
        of its ``tags`` (both required): (required, nice, skill_names, weights, skill_total),
        folded names throughout; a skill both required and nice to have is required. None when a
        part needs the Python reading or a tag's skill is one the reader does not know. The
        compiled reader refuses (RuntimeError) until ``count_skills`` has told it what counts.
        """
        numbers = []
        for skill in tags:
            number = self._number.get(skill.name)
            if number is None:
                return None
            numbers.append(number)
        return self._reader.offer_skills(description, title, numbers)

    def stats(self) -> tuple[int, int]:
        """(parts read, parts handed back to the Python reading) since the reader was built."""
        return self._reader.stats()


def description_reader(index: SkillIndex, headers: list[bytes], nice_from: int) -> DescriptionReader | None:
    """The compiled reader over ``index``'s tables and the header phrases, None when not built.

    ``headers``: the section phrases, then (from ``nice_from`` on) the nice-to-have phrases.
    """
    if _native is None:
        return None
    tables = _tables(index)
    if tables is None:
        return None
    reader = _native.Reader(headers=headers, nice_from=nice_from, **tables)
    return DescriptionReader(index, reader, cast("tuple[Skill, ...]", tables["skills"]))


def _tables(index: SkillIndex) -> dict[str, object] | None:
    """``index``'s patterns and rules as numbers; None if two skills share a name (never so far)."""
    skills: dict[str, Skill] = {}
    for skill in [*index._single.values(), *(a.skill for g in index._multi.values() for a in g)] + [
        s for entries in index._exact.values() for _, s, _ in entries
    ]:
        if skills.setdefault(skill.name, skill) != skill:
            return None  # the Python reading keys skills by name: keep its answer
    skill_no = {name: i for i, name in enumerate(skills)}
    words = sorted({w for w in index._word_of if w})
    word_no = {w: i for i, w in enumerate(words)}
    aliases = [a for group in index._multi.values() for a in group]
    alias_no = {id(a): i for i, a in enumerate(aliases)}
    groups = list(index._multi)
    group_no = {g: i for i, g in enumerate(groups)}
    kinds = [
        (i in index._single_ids) * _SINGLE
        | (i in index._exact_ids) * _EXACT
        | (i in index._alias_ids) * _ALIAS
        | (i in index._after_ids) * _AFTER
        for i in range(len(index._patterns))
    ]
    return {
        "patterns": index._patterns,
        "fold": _skills._BYTE_SPACE_LOWER,
        # the separators' last bytes, read off the Python reading's own patterns
        "e2": bytes(b for b in range(256) if _skills._E2_SEPARATORS.fullmatch(b"\xe2\x80" + bytes([b]))),
        "c2": bytes(b for b in range(256) if _skills._C2_SEPARATORS.fullmatch(b"\xc2" + bytes([b]))),
        "kinds": kinds,
        "word_of": [word_no.get(w, -1) for w in index._word_of],
        "single_of": [-1 if s is None else skill_no[s.name] for s in index._single_of],
        "alias_of": [-1 if a is None else alias_no[id(a)] for a in index._alias_of],
        "after": [[alias_no[id(a)] for a in after] for after in index._after],
        "word_len": [len(w) for w in words],
        "exact": [
            tuple((s[0], skill_no[k.name], int(listed), len(s)) for s, k, listed in index._exact.get(w, ()))
            for w in words
        ],
        "alias_skill": [skill_no[a.skill.name] for a in aliases],
        "alias_group": [group_no[a.group] for a in aliases],
        "alias_words": [tuple(a.spelled.split()) for a in aliases],
        "alias_word_ids": [sorted(word_no[w] for w in a.words if w in word_no) for a in aliases],
        "groups": [[alias_no[id(a)] for a in index._multi[g]] for g in groups],
        "skills": tuple(skills.values()),
        "list_words": tuple(sorted(_skills._LIST_WORDS_BYTES)),
        "list_before": bytes(sorted(_skills._ASCII_LIST_BEFORE)),
        "list_after": bytes(sorted(_skills._ASCII_LIST_AFTER)),
        "ascii_word": bytes(sorted(_skills._ASCII_WORD)),
        "ascii_space": bytes(sorted(_skills._ASCII_SPACE)),
        "before_chars": "".join(sorted(_skills._LIST_BEFORE)),
        "after_chars": "".join(sorted(_skills._LIST_AFTER)),
    }
