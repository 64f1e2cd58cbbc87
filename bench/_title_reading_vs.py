"""The title reading of a git revision next to this one, interleaved in one process (decision 0098).

Not a ``make bench`` group: ``PYTHONPATH=. .venv/bin/python -m bench._title_reading_vs REV``
loads ``shared/domain/titles.py`` and ``shared/domain/phrase_rules.py`` as they are at ``REV``
(``git show``) beside the current ones, checks both read the 250 kit titles alike, then prints
three rounds of: ``read_title`` per title, and ``offer_features`` per posting with either
``read_title``, in CPU microseconds, the least of 40 runs each. Taking turns in one process
keeps a busy machine's load out of the comparison.
"""

from __future__ import annotations

import subprocess
import sys
import time
import types
from collections.abc import Callable

from bench.matching import _kit_offers
from shared.domain import titles
from shared.domain.matching import features


def _module_at(
    revision: str, path: str, name: str, replace: tuple[str, str] | None = None
) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:{path}"], check=True, capture_output=True, text=True
    ).stdout
    if replace is not None:
        source = source.replace(*replace)
    module = types.ModuleType(name)
    module.__file__ = f"{revision}:{path}"
    sys.modules[name] = module  # dataclasses and NamedTuple look their module up
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own file at REV
    return module


def _least_us(fn: Callable[[], object], count: int, runs: int = 40) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times) / count * 1e6


def main(revision: str) -> None:
    """Print the figures of ``revision``'s title reading and this one's."""
    _module_at(revision, "shared/domain/phrase_rules.py", "_previous_phrase_rules")
    previous = _module_at(
        revision,
        "shared/domain/titles.py",
        "_previous_titles",
        ("from shared.domain.phrase_rules import", "from _previous_phrase_rules import"),
    )
    offers = _kit_offers()
    names = [o.title for o in offers]
    old, new = previous.read_title, titles.read_title
    if [tuple(old(t)) for t in names] != [tuple(new(t)) for t in names]:
        raise SystemExit("the two readings differ on a kit title")
    [features.offer_features(o) for o in offers]  # the readers and automata, built once

    def all_features() -> None:
        for offer in offers:
            features.offer_features(offer)

    for _ in range(3):
        old_title = _least_us(lambda: [old(t) for t in names], len(names))
        new_title = _least_us(lambda: [new(t) for t in names], len(names))
        features.read_title = old  # type: ignore[attr-defined]
        old_offer = _least_us(all_features, len(offers))
        features.read_title = new  # type: ignore[attr-defined]
        new_offer = _least_us(all_features, len(offers))
        print(
            f"read_title {old_title:.2f} -> {new_title:.2f} us/title; "
            f"offer_features {old_offer:.2f} -> {new_offer:.2f} us/posting "
            f"({1e6 / old_offer:.0f} -> {1e6 / new_offer:.0f} offers/s)"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "HEAD")
