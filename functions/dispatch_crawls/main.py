"""Fans a crawl request (crawl-requests topic) out to one named task per job source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework
from pydantic import ValidationError

from shared.domain.errors import InvalidInput
from shared.edge.events import Event, run_event
from shared.edge.logs import configure
from shared.services.crawl_requests import CrawlRequests

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """One task per requested enabled source; the event id names the tasks (redelivery-safe)."""
    try:
        container.make(CrawlRequests).dispatch(event.data, event.id)
    except ValidationError:
        raise InvalidInput("crawl request must be {all, schedule?} or {source_id | source_ids}") from None


@functions_framework.cloud_event
def dispatch_crawls(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="dispatch_crawls")
