"""``python -m tests.compat.generate [--freeze]``: record golden fixtures of every stored
document kind and every message kind at the version the current code writes.

A fixture, once recorded, is never rewritten: ``fixtures/<documents|messages>/<kind>/v<N>.json``
is the golden record of what version N looked like. Bumping a kind's ``schema_version`` and
running this adds ``v<N+1>.json`` beside the old ones. ``--freeze`` also writes the reader
schemas of the current models to ``frozen/``: do it when cutting a release, so the next
release's tests check that a rollback to this one still reads what the new code writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.compat.kinds import DOCUMENTS, MESSAGE_MODELS, version_of
from tests.compat.world import message_examples, stored_documents

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
FROZEN = HERE / "frozen"


def fixture_path(area: str, kind: str, version: int) -> Path:
    """Where the golden fixture of ``kind`` at ``version`` lives."""
    return FIXTURES / area / kind / f"v{version}.json"


def frozen_path(area: str, kind: str) -> Path:
    """Where the previous release's reader schema of ``kind`` lives."""
    return FROZEN / area / f"{kind}.schema.json"


def _write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Record missing fixtures (and freeze reader schemas with --freeze)."""
    parser = argparse.ArgumentParser(prog="python -m tests.compat.generate", description=__doc__)
    parser.add_argument("--freeze", action="store_true", help="freeze the current reader schemas")
    args = parser.parse_args(argv)
    documents = stored_documents()
    messages = message_examples()
    missing = sorted(set(DOCUMENTS) - set(documents)) + sorted(set(MESSAGE_MODELS) - set(messages))
    if missing:
        sys.stderr.write(f"no example written for {missing}: extend tests/compat/world.py\n")
        return 1
    for area, models, examples in (
        ("documents", DOCUMENTS, documents),
        ("messages", MESSAGE_MODELS, messages),
    ):
        for kind, model in models.items():
            path = fixture_path(area, kind, version_of(model))
            if not path.exists():
                _write(path, examples[kind])
                sys.stdout.write(f"recorded {path.relative_to(HERE)}\n")
            if args.freeze:
                _write(frozen_path(area, kind), model.model_json_schema(mode="validation"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
