"""``python -m tests.support.ranking_dump KIT CV...``: print the ranking of kit CVs over every
labelled kit posting, byte for byte (the determinism test compares two processes' output).

Offer features go through their stored form first (encoded, JSON, decoded), as ranking reads
them from the feature cache in production.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from shared.domain.matching.features import profile_features
from shared.domain.matching.ranking import rank
from tests.support.match_quality import AS_OF, cv_profile, labelled_offers


def dump(kit: Path, cvs: Sequence[str]) -> str:
    """One line for the profile of each CV, then one per ranked offer (id, score, explanation)."""
    features, _ = labelled_offers(kit)
    stored = [json.loads(json.dumps(f.to_record())) for f in features]
    lines: list[str] = []
    for name in cvs:
        profile = cv_profile(kit, name)
        lines.append(profile.model_dump_json())
        for r in rank(profile_features(profile), stored, as_of=AS_OF):
            lines.append(f"{r.offer.offer_id} {r.score!r} {r.explanation.model_dump_json()}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    """Write the dump of ``argv[1:]`` CVs of the kit at ``argv[0]`` to stdout."""
    sys.stdout.write(dump(Path(argv[0]), argv[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
