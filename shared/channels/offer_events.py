"""offer-events: a crawl run created, changed or closed offers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.channels import Message


class OffersChanged(Message):
    """offer-events: run ``run_id`` of source ``source_id`` created, changed or closed ``offer_ids``.

    Published by crawl_source and the scraper callbacks (RunRecorder), once per run that changed
    offers. Read by match_offers (scores those offers for every user with a profile) and
    refresh_scores (marks notebook scores of those offers stale).
    """

    kind: Literal["offers_changed"] = "offers_changed"
    run_id: str
    source_id: str
    offer_ids: list[str] = Field(min_length=1)
    # Fan-out: one delivery scores one batch of subscribers and re-publishes itself with the
    # cursor of the next batch (None: the first batch).
    users_cursor: str | None = None
