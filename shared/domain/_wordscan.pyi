"""Type stub of the compiled description reader (shared/domain/_wordscan.c, decision 0092)."""

from shared.domain.skills import Skill

class Reader:
    def __init__(self, **tables: object) -> None: ...
    def read(self, text: str | bytes, /) -> list[tuple[bool, list[Skill] | None, int, int]]: ...
    def fold(self, data: bytes, /) -> bytes: ...
    def part_starts(self, data: bytes, /) -> tuple[list[int], list[bool]]: ...
    def set_features(
        self,
        tenths: list[int],
        rank: list[int],
        folded: tuple[str, ...],
        named: tuple[tuple[str, str], ...],
        weights: tuple[float, ...],
        no_skills: frozenset[str],
        /,
    ) -> None: ...
    def offer_skills(
        self, description: str | bytes, title: str | bytes, tags: list[int], /
    ) -> (
        tuple[frozenset[str], frozenset[str], tuple[tuple[str, str], ...], dict[str, float], float] | None
    ): ...
    def stats(self) -> tuple[int, int]: ...
