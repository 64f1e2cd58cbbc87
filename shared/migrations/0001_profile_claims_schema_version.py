"""career_profile_hashes: inputs-hash claims written before #11 carry no ``schema_version``.

#11 made every stored document carry ``schema_version``; the claim of an inputs hash
(``users/{uid}/career_profile_hashes/{hash}``: which profile version it produced and whether
that version was announced) was the one kind written without it. Readers treat a missing
version as 1 (that is what those documents are); this migration writes it down so the next
shape change of claims can tell versions apart by the field alone.
"""

from __future__ import annotations

from shared.migrations import Data, Migration

GROUP = "career_profile_hashes"
TARGET = 1


def up(data: Data) -> Data | None:
    """Add ``schema_version: 1`` to a claim that has none; None when it already has one."""
    if data.get("schema_version") is not None:
        return None
    return {**data, "schema_version": TARGET}


MIGRATION = Migration(
    id="0001_profile_claims_schema_version",
    group=GROUP,
    description="career profile inputs-hash claims get schema_version 1",
    target_version=TARGET,
    up=up,
)
