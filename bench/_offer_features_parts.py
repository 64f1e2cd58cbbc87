"""Run one part of offer features over the kit postings N times, for an instruction count.

Not a ``make bench`` group (it prints nothing): run it under cachegrind twice and subtract,
``valgrind --tool=cachegrind --cache-sim=no .venv/bin/python -m bench._offer_features_parts
title 2`` minus the same with ``0``, divided by 2 x 250 postings (decision 0093). Parts:
``full`` (``offer_features``, one call per posting), ``batch`` (``offers_features`` of them all),
``description`` (``description_skills`` of the description),
``title`` (what ``offer_features`` reads of the title: its skills, ``read_title``,
``folded_title_tokens``); the body is the full count less the other two. Every part runs once
before the counted runs, whatever is asked, so the two runs differ only in the repetitions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench.matching import _kit_offers
from shared.domain.matching.features import (
    description_skills,
    folded_title_tokens,
    offer_features,
    offers_features,
)
from shared.domain.titles import read_title


def main(part: str, repetitions: int) -> None:
    """``part`` of every kit posting's features, ``repetitions`` times, after one run of each part."""
    offers = _kit_offers()
    titles = [o.title for o in offers]
    texts = [o.description_text for o in offers]

    def full() -> None:
        for offer in offers:
            offer_features(offer)

    def batch() -> None:
        offers_features(offers)

    def description() -> None:
        for text in texts:
            description_skills(text)

    def title() -> None:
        for text in titles:
            description_skills(text)  # the kit's titles are one line each
            folded_title_tokens(read_title(text).folded)

    parts: dict[str, Callable[[], None]] = {
        "full": full,
        "batch": batch,
        "description": description,
        "title": title,
    }
    for run in parts.values():
        run()
    for _ in range(repetitions):
        parts[part]()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
