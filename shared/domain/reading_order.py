"""Reading order of text blocks on a page: columns are read one after the other.

A page is treated as two columns when a vertical gutter separates two bodies of text that
sit side by side. Blocks that cross the gutter (a full-width header, a contact line) cut the
page into horizontal bands; each band is read left column first, then right column. Inside a
column the search repeats, so a column that itself splits in two is handled the same way.
Pages with no such gutter read top to bottom, left to right for blocks on the same line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

# A column must carry at least this share of the page's characters; smaller side bodies
# (a date gutter, a right-aligned contact box) are decorations, not columns.
_MIN_COLUMN_SHARE = 0.12
# Blocks crossing the gutter may carry at most this share (headers, contact lines).
_MAX_CROSSING_SHARE = 0.25
# The gutter lies in the middle of the text area, never in its outer fifths.
_EDGE_FRACTION = 0.2
_MIN_GUTTER_PT = 6.0
# Two columns must overlap vertically over at least this share of the shorter one.
_MIN_VERTICAL_OVERLAP = 0.5
# Blocks whose tops differ by less than this are on the same line.
_SAME_LINE_PT = 3.0
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Block:
    """A text block and its bounding box in page points (origin top left)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @cached_property
    def chars(self) -> int:
        """Non-whitespace characters: the weight of the block."""
        return len("".join(self.text.split()))


def reading_order(blocks: Sequence[Block]) -> list[Block]:
    """The blocks in the order a person reads them."""
    return _order([b for b in blocks if b.chars], 0)


def find_gutter(blocks: Sequence[Block]) -> float | None:
    """The x position of a column gutter, or None for a single-column layout."""
    total = sum(b.chars for b in blocks)
    if total == 0 or len(blocks) < 2:
        return None
    lo = min(b.x0 for b in blocks)
    hi = max(b.x1 for b in blocks)
    margin = (hi - lo) * _EDGE_FRACTION
    best: tuple[float, float] | None = None
    for x in sorted({b.x1 for b in blocks}):
        if not lo + margin <= x <= hi - margin:
            continue
        left = [b for b in blocks if b.x1 <= x]
        right = [b for b in blocks if b.x0 >= x]
        if not left or not right or min(b.x0 for b in right) - x < _MIN_GUTTER_PT:
            continue
        left_chars = sum(b.chars for b in left)
        right_chars = sum(b.chars for b in right)
        crossing = total - left_chars - right_chars
        if min(left_chars, right_chars) < _MIN_COLUMN_SHARE * total:
            continue
        if crossing > _MAX_CROSSING_SHARE * total or not _side_by_side(left, right):
            continue
        score = min(left_chars, right_chars) - crossing
        if best is None or score > best[0]:
            best = (score, x)
    return None if best is None else best[1]


def _order(blocks: list[Block], depth: int) -> list[Block]:
    gutter = find_gutter(blocks) if depth < _MAX_DEPTH else None
    if gutter is None:
        return _top_down(blocks)
    spanning = _top_down([b for b in blocks if b.x0 < gutter < b.x1])
    bands: list[tuple[list[Block], list[Block]]] = [([], []) for _ in range(len(spanning) + 1)]
    for block in blocks:
        if gutter < block.x1 and block.x0 < gutter:
            continue
        band = sum(1 for s in spanning if _middle(s) <= _middle(block))
        bands[band][0 if block.x1 <= gutter else 1].append(block)
    ordered: list[Block] = []
    for index, (left, right) in enumerate(bands):
        ordered += _order(left, depth + 1) + _order(right, depth + 1)
        if index < len(spanning):
            ordered.append(spanning[index])
    return ordered


def _top_down(blocks: list[Block]) -> list[Block]:
    rows: list[list[Block]] = []
    for block in sorted(blocks, key=lambda b: (b.y0, b.x0)):
        if rows and block.y0 - rows[-1][0].y0 < _SAME_LINE_PT:
            rows[-1].append(block)
        else:
            rows.append([block])
    return [b for row in rows for b in sorted(row, key=lambda b: b.x0)]


def _side_by_side(left: list[Block], right: list[Block]) -> bool:
    top = max(min(b.y0 for b in left), min(b.y0 for b in right))
    bottom = min(max(b.y1 for b in left), max(b.y1 for b in right))
    shorter = min(
        max(b.y1 for b in left) - min(b.y0 for b in left),
        max(b.y1 for b in right) - min(b.y0 for b in right),
    )
    return shorter > 0 and (bottom - top) >= _MIN_VERTICAL_OVERLAP * shorter


def _middle(block: Block) -> float:
    return (block.y0 + block.y1) / 2
