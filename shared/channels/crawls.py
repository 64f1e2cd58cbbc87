"""crawls (queue): crawl one source once."""

from __future__ import annotations

from pydantic import Field

from shared.channels import Message
from shared.domain.identifiers import SOURCE_ID
from shared.domain.runs import Trigger


class CrawlTask(Message):
    """crawls: crawl source ``source_id`` once for request ``request_id``."""

    source_id: str = Field(pattern=SOURCE_ID)
    request_id: str = Field(min_length=1, max_length=200)
    trigger: Trigger = "schedule"
