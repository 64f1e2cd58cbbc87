"""Job sources: what to crawl (kind + board token), when, and on which terms.

Documents ``job_sources/{id}``. ``kind`` is an adapter kind (shared/sources) or ``external``:
a board read by an outside scraper that reports through the completion callback.
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import ConfigDict, Field

from shared.domain.identifiers import SOURCE_ID
from shared.domain.model import DomainModel

SCHEMA_VERSION = 1
EXTERNAL = "external"
DEFAULT_SCHEDULE = "default"


class SourceTerms(DomainModel):
    """The per-source terms of use the crawler honours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_requests_per_minute: float = Field(
        default=30, gt=0, le=600, description="request rate cap towards this source"
    )
    attribution: str | None = Field(
        default=None, max_length=500, description="attribution / link-back rule shown with its offers"
    )
    link_back_required: bool = Field(
        default=False, description="offers must link to the posting URL at the source (followed link)"
    )
    user_agent: str | None = Field(default=None, max_length=300, description="User-Agent sent to this source")


class Validators(DomainModel):
    """Conditional-request validators of the last complete fetch."""

    model_config = ConfigDict(frozen=True)

    etag: str | None = None
    last_modified: str | None = None


class JobSource(DomainModel):
    """One board to crawl."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(pattern=SOURCE_ID)
    kind: str
    board: str = Field(min_length=1, max_length=200)
    company: str | None = Field(
        default=None, max_length=200, description="display name when the API has none"
    )
    base_url: str | None = Field(default=None, description="API root override (custom domain, test server)")
    schedule: str = Field(default=DEFAULT_SCHEDULE, description="scheduler group whose requests crawl it")
    enabled: bool = True
    # model_construct: the default needs no validation, and validating it here would build
    # SourceTerms' validator at import, in every function that reads a source path.
    terms: SourceTerms = SourceTerms.model_construct()
    created_at: datetime
    updated_at: datetime
    active_run_id: str | None = None
    validators: Validators | None = None
    offer_count: int = 0
    last_run_id: str | None = None
    last_run_status: str | None = None
    last_run_at: datetime | None = None
    schema_version: int = SCHEMA_VERSION


def default_source_id(kind: str, board: str) -> str:
    """'greenhouse' + 'Anthropic' -> 'greenhouse-anthropic' (lower-case, safe characters)."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", f"{kind}-{board}".casefold()).strip("-_")
    return slug[:63] or "source"
