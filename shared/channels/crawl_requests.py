"""crawl-requests: which sources to crawl (Cloud Scheduler, the CLI)."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message
from shared.domain.identifiers import SOURCE_ID


class CrawlRequest(Message):
    """crawl-requests: crawl every enabled source (``all``), those of one ``schedule`` group,
    or the listed ones (``source_id`` / ``source_ids``)."""

    all: bool = False
    schedule: str | None = None
    source_ids: list[str] = Field(default_factory=list, max_length=1000)
    source_id: str | None = Field(default=None, pattern=SOURCE_ID)
