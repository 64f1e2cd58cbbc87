"""dead_letters: letters stored before version 3 do not say which user their work was for.

Version 3 stores ``uid`` (the payload's user, ``payload_uid``) so that erasing a user finds
their letters by an equality query instead of reading every letter
(docs/decisions/0114-declared-user-references.md). This migration derives it for the older
letters from the payload they keep; a letter of no user gets ``uid: null``.
"""

from __future__ import annotations

from shared.domain.dead_letters import payload_uid
from shared.migrations import Data, Migration

GROUP = "dead_letters"
TARGET = 3


def up(data: Data) -> Data | None:
    """Add ``uid`` and ``schema_version: 3``; None for a letter already at version 3 or later."""
    version = data.get("schema_version")
    if isinstance(version, int) and version >= TARGET:
        return None
    payload, attributes = data.get("payload"), data.get("attributes")
    text = payload if isinstance(payload, str) else ""
    uid = payload_uid(text, attributes if isinstance(attributes, dict) else None)
    return {**data, "uid": uid, "schema_version": TARGET}


MIGRATION = Migration(
    id="0002_dead_letter_uid",
    group=GROUP,
    description="dead letters get the uid of the user their work was for",
    target_version=TARGET,
    up=up,
)
