"""Where job sources are stored: collection ``job_sources``, one document per source id.

Apart from the JobSource model so that code which only addresses a source's document (the
run ledger's sweep) does not build the source models.
"""

from __future__ import annotations

SOURCES = "job_sources"


def source_path(source_id: str) -> str:
    """Document path of a source (collection ``job_sources``)."""
    return f"{SOURCES}/{source_id}"
