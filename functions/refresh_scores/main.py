"""Marks notebook scores stale on a new profile version (profile-events) or changed offers
(offer-events), and queues their re-scoring within each user's budget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import decode
from shared.channels.match_trigger import MatchTrigger
from shared.channels.offer_events import OffersChanged
from shared.edge.events import Event, run_event
from shared.edge.logs import configure
from shared.services.scoring import ScoringService

if TYPE_CHECKING:
    from shared.bootstrap import Container


def handle(event: Event, container: Container) -> None:
    """ProfileVersionCreated: that user's older scores; OffersChanged: the entries keeping them."""
    message = decode(MatchTrigger, event.data).root
    service = container.make(ScoringService)
    if isinstance(message, OffersChanged):
        if message.users_cursor is not None:
            return  # matching's hand-on of the next batch of users: the first delivery refreshed
        service.refresh_for_offers(message.offer_ids)
    else:
        service.refresh_for_profile(message.uid, message.version)


@functions_framework.cloud_event
def refresh_scores(cloud_event: Any) -> None:
    """Entry point (Pub/Sub push)."""
    configure()
    run_event(cloud_event, handle, function="refresh_scores")
