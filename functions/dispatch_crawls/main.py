"""Fans a CrawlRequest (crawl-requests topic) out to one named task per job source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import decode
from shared.channels.crawl_requests import CrawlRequest
from shared.edge.events import Event, run_event
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.services.crawl_requests import CrawlRequests

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """One task per requested enabled source; the event id names the tasks (redelivery-safe)."""
    container.make(CrawlRequests).dispatch(decode(CrawlRequest, event.data), event.id)


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.cloud_event
def dispatch_crawls(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="dispatch_crawls")
