"""Read every kit description N times, for an instruction count of the description side.

Not a ``make bench`` group (it prints nothing): run it under cachegrind twice and subtract,
``valgrind --tool=cachegrind --cache-sim=no .venv/bin/python -m bench._description_reading
native 4`` minus the same with ``0``, divided by 4 x 250 postings (decision 0092). ``pure``
reads with the Python reading instead.
"""

from __future__ import annotations

import sys

from bench.matching import _kit_offers
from shared.domain.matching.features import description_skills, use_native_reading


def main(mode: str, repetitions: int) -> None:
    """``description_skills`` of every kit description, ``repetitions`` times, after one warm-up."""
    texts = [o.description_text for o in _kit_offers()]
    use_native_reading(mode == "native")
    description_skills(texts[0])  # the automata, built once per process as in production
    for _ in range(repetitions):
        for text in texts:
            description_skills(text)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
